package dev.cairn.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** db.idx.fulltext.createNodeIndex / queryNodes / drop, with RedisGraph 2.12's arguments and error texts. */
final class FullTextProcs {
  private FullTextProcs() {}

  static void register(Map<String, Procedures.Proc> registry) {
    registry.put("db.idx.fulltext.createnodeindex", new Procedures.Proc(null, List.of(), FullTextProcs::create));
    registry.put("db.idx.fulltext.querynodes", new Procedures.Proc(List.of("label", "query"),
        List.of("node", "score"), FullTextProcs::query));
    registry.put("db.idx.fulltext.drop", new Procedures.Proc(List.of("label"), List.of(), FullTextProcs::drop));
  }

  private static CypherException err(String m) {
    return new CypherException("ProcedureError", m);
  }

  /** createNodeIndex(label | {label, language, stopwords}, field | {field, weight, nostem, phonetic} ...). */
  static List<Map<String, Object>> create(Ctx c, List<Object> a) {
    Graph g = c.graph;
    if (a.size() < 2) {
      throw err("Minimum number of arguments is 2");
    }
    Object first = a.get(0);
    if (!(first instanceof String) && !(first instanceof Map)) {
      throw err("Label argument can be string or map");
    }
    String label;
    String language = null;
    List<String> stopwords = null;
    if (first instanceof Map<?, ?> m) {
      if (!m.containsKey("label")) {
        throw err("Label is missing");
      }
      label = String.valueOf(m.get("label"));
      int lid = g.labels.id(label);
      if (m.size() > 1 && lid >= 0 && g.fulltext.containsKey(lid)) {
        throw err("Index already exists configuration can't be changed");
      }
      if (m.containsKey("stopwords")) {
        if (!(m.get("stopwords") instanceof List<?> sw)) {
          throw err("Stopwords must be array");
        }
        stopwords = new ArrayList<>();
        for (Object o : sw) {
          if (!(o instanceof String w)) {
            throw err("Stopword must be a string");
          }
          stopwords.add(w);
        }
      }
      if (m.containsKey("language")) {
        if (!(m.get("language") instanceof String lang)) {
          throw err("Language must be string");
        }
        language = FullText.language(lang);
        if (!FullText.LANGUAGES.containsKey(language)) {
          throw err("Language is not supported");
        }
      }
    } else {
      label = (String) first;
    }
    List<Object[]> fields = new ArrayList<>(); // {name, weight, nostem, phonetic}
    for (int i = 1; i < a.size(); i++) {
      Object f = a.get(i);
      if (f instanceof String name) {
        fields.add(new Object[] {name, 1.0, false, null});
      } else if (f instanceof Map<?, ?> m) {
        if (!m.containsKey("field")) {
          throw err("Field is missing");
        }
        if (!(m.get("field") instanceof String name)) {
          throw err("Field must be a string");
        }
        Object w = m.get("weight");
        if (m.containsKey("weight") && !(w instanceof Number)) {
          throw err("Weight must be numeric");
        }
        Object ns = m.get("nostem");
        if (m.containsKey("nostem") && !(ns instanceof Boolean)) {
          throw err("Nostem must be bool");
        }
        Object ph = m.get("phonetic");
        if (m.containsKey("phonetic") && !(ph instanceof String)) {
          throw err("Phonetic must be a string");
        }
        if (m.size() > 1) {
          int lid = g.labels.id(label);
          int kid = g.keys.id(name);
          FullText.Index existing = lid < 0 ? null : g.fulltext.get(lid);
          if (existing != null && kid >= 0 && existing.field(kid) != null) {
            throw err("Index already exists configuration can't be changed");
          }
        }
        fields.add(new Object[] {name, w == null ? 1.0 : ((Number) w).doubleValue(), Boolean.TRUE.equals(ns),
            ph});
      } else {
        throw err("Field argument must be string or map");
      }
    }
    int lid = g.labels.intern(label);
    FullText.Index idx = g.fulltext.get(lid);
    FullText.Index before = idx == null ? null : idx.copyDefinition();
    if (idx == null) {
      idx = new FullText.Index(lid, language == null ? FullText.DEFAULT_LANGUAGE : language, stopwords);
    }
    int added = 0;
    List<FullText.FieldDef> defs = new ArrayList<>();
    for (Object[] f : fields) {
      int kid = g.keys.intern((String) f[0]);
      if (idx.field(kid) == null && defs.stream().noneMatch(d -> d.key() == kid)) {
        defs.add(new FullText.FieldDef(kid, (Double) f[1], (Boolean) f[2], (String) f[3]));
        added++;
      }
    }
    if (added > 0) {
      g.addFullText(idx, defs, before);
    }
    c.stats.indicesCreated += added;
    return List.of();
  }

  static List<Map<String, Object>> query(Ctx c, List<Object> a) {
    if (!(a.get(0) instanceof String label) || !(a.get(1) instanceof String text)) {
      throw err("db.idx.fulltext.queryNodes: label and query must be strings");
    }
    int lid = c.graph.labels.id(label);
    FullText.Index idx = lid < 0 ? null : c.graph.fulltext.get(lid);
    if (idx == null) {
      return List.of(); // as RedisGraph 2.12: no index, no rows
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (double[] hit : idx.query(c.graph, text)) {
      c.tick();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("node", new Values.Node((int) hit[0]));
      r.put("score", hit[1]);
      out.add(r);
    }
    return out;
  }

  static List<Map<String, Object>> drop(Ctx c, List<Object> a) {
    if (!(a.get(0) instanceof String label)) {
      throw err("db.idx.fulltext.drop: label must be a string");
    }
    int lid = c.graph.labels.id(label);
    if (lid < 0 || !c.graph.fulltext.containsKey(lid)) {
      throw err("ERR Unable to drop index on :" + label + ": no such index.");
    }
    c.graph.dropFullText(lid);
    c.stats.indicesDeleted++;
    return List.of();
  }
}
