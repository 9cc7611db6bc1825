package dev.cairn.graph;

import dev.cairn.graph.Plan.Op;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CREATE INDEX / DROP INDEX: exact-match indexes on node properties, used by MATCH for equality lookups. */
final class IndexOps {
  private IndexOps() {}

  static Op compile(IndexCommandContext x) {
    String label;
    List<String> props = new ArrayList<>();
    boolean create;
    boolean rel = false;
    if (x instanceof CreateIndexOnContext on) {
      create = true;
      label = ExprCompiler.name(on.labelName().schemaName());
      on.propertyKeyName().forEach(p -> props.add(ExprCompiler.name(p.schemaName())));
    } else if (x instanceof DropIndexOnContext on) {
      create = false;
      label = ExprCompiler.name(on.labelName().schemaName());
      on.propertyKeyName().forEach(p -> props.add(ExprCompiler.name(p.schemaName())));
    } else {
      NodeOrRelContext nr;
      List<PropertyExpressionContext> pes;
      if (x instanceof CreateIndexForContext f) {
        create = true;
        nr = f.nodeOrRel();
        pes = f.propertyExpression();
      } else {
        DropIndexForContext f = (DropIndexForContext) x;
        create = false;
        nr = f.nodeOrRel();
        pes = f.propertyExpression();
      }
      if (nr.relationshipPattern() != null) {
        RelationshipDetailContext d = nr.relationshipPattern().relationshipDetail();
        if (d == null || d.relationshipTypes() == null || d.relationshipTypes().relTypeName().size() != 1) {
          throw CypherException.syntax("Invalid input: a relationship index needs one relationship type");
        }
        rel = true;
        label = ExprCompiler.name(d.relationshipTypes().relTypeName(0).schemaName());
      } else if (nr.nodePattern(0).nodeLabels() == null) {
        throw CypherException.syntax("Invalid input ')': expected a label");
      } else {
        label = ExprCompiler.labels(nr.nodePattern(0).nodeLabels()).get(0);
      }
      for (PropertyExpressionContext pe : pes) {
        props.add(ExprCompiler.name(pe.propertyKeyName(pe.propertyKeyName().size() - 1).schemaName()));
      }
    }
    if (rel) {
      return relationship(label, props, create);
    }
    return (c, in) -> {
      Graph g = c.graph;
      for (String p : props) {
        if (create) {
          if (!g.createIndex(g.labels.intern(label), g.keys.intern(p))) {
            throw CypherException.semantic("Attribute '" + p + "' is already indexed");
          }
          c.stats.indicesCreated++;
        } else {
          int l = g.labels.id(label);
          int k = g.keys.id(p);
          if (l >= 0 && k >= 0 && Constraints.supportedBy(g, l, k)) {
            throw CypherException.semantic("Unable to drop index on :" + label + "(" + p + "): the index supports a"
                + " unique constraint");
          }
          if (l < 0 || k < 0 || !g.dropIndex(l, k)) {
            throw CypherException.semantic("Unable to drop index on :" + label + "(" + p + "): no such index.");
          }
          c.stats.indicesDeleted++;
        }
      }
      return List.of();
    };
  }

  private static Op relationship(String type, List<String> props, boolean create) {
    return (c, in) -> {
      Graph g = c.graph;
      for (String p : props) {
        if (create) {
          if (!g.createEdgeIndex(g.types.intern(type), g.keys.intern(p))) {
            throw CypherException.semantic("Attribute '" + p + "' is already indexed");
          }
          c.stats.indicesCreated++;
        } else {
          int t = g.types.id(type);
          int k = g.keys.id(p);
          if (t >= 0 && k >= 0 && Constraints.supportedBy(g, false, t, k)) {
            throw CypherException.semantic("Unable to drop index on :" + type + "(" + p + "): the index supports a"
                + " unique constraint");
          }
          if (t < 0 || k < 0 || !g.dropEdgeIndex(t, k)) {
            throw CypherException.semantic("Unable to drop index on :" + type + "(" + p + "): no such index.");
          }
          c.stats.indicesDeleted++;
        }
      }
      return List.of();
    };
  }

  /** db.indexes(): RedisGraph 2.12's rows (type, label, properties, language, stopwords, entitytype, status). */
  static List<Map<String, Object>> list(Graph g) {
    List<Map<String, Object>> out = new ArrayList<>();
    new java.util.TreeMap<>(g.indexes).forEach((l, byKey) -> {
      List<Object> ps = new ArrayList<>();
      byKey.keySet().stream().sorted().forEach(k -> ps.add(g.keys.name(k)));
      out.add(row("exact-match", g.labels.name(l), ps, FullText.DEFAULT_LANGUAGE, List.of(), "NODE"));
    });
    new java.util.TreeMap<>(g.edgeIndexes).forEach((t, byKey) -> {
      List<Object> ps = new ArrayList<>();
      byKey.keySet().stream().sorted().forEach(k -> ps.add(g.keys.name(k)));
      out.add(row("exact-match", g.types.name(t), ps, FullText.DEFAULT_LANGUAGE, List.of(), "RELATIONSHIP"));
    });
    g.fulltext.forEach((l, f) -> {
      List<Object> ps = new ArrayList<>();
      f.fields.forEach(fd -> ps.add(g.keys.name(fd.key())));
      out.add(row("full-text", g.labels.name(l), ps, f.language, new ArrayList<Object>(f.effectiveStopwords()),
          "NODE"));
    });
    return out;
  }

  static Map<String, Object> row(String type, String label, List<Object> props, String language,
      List<Object> stopwords, String entity) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("type", type);
    r.put("label", label);
    r.put("properties", props);
    r.put("language", language);
    r.put("stopwords", stopwords);
    r.put("entitytype", entity);
    r.put("status", "OPERATIONAL");
    return r;
  }
}
