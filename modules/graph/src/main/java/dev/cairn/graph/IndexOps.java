package dev.cairn.graph;

import dev.cairn.graph.Plan.Op;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.List;

/** CREATE INDEX / DROP INDEX: exact-match indexes on node properties, used by MATCH for equality lookups. */
final class IndexOps {
  private IndexOps() {}

  static Op compile(IndexCommandContext x) {
    String label;
    List<String> props = new ArrayList<>();
    boolean create;
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
      if (nr.relationshipPattern() != null || nr.nodePattern(0).nodeLabels() == null) {
        throw CypherException.unsupported("Only node label indexes are supported");
      }
      label = ExprCompiler.labels(nr.nodePattern(0).nodeLabels()).get(0);
      for (PropertyExpressionContext pe : pes) {
        props.add(ExprCompiler.name(pe.propertyKeyName(pe.propertyKeyName().size() - 1).schemaName()));
      }
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
}
