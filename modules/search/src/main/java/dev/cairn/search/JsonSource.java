package dev.cairn.search;

import dev.cairn.api.ModuleServer;
import dev.cairn.api.keyspace.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON documents (ON JSON indexes), read through the JSON module's shared API (exported by {@code ReJSON}, looked up
 * when needed, so the two modules load in any order): a schema field's identifier is a JSONPath, its matches are the
 * field's values. Compiled paths are cached for as long as the same JSON module instance is loaded.
 */
final class JsonSource {
  static final String PATHS = "ReJSON.paths.v1";
  static final String TO_JAVA = "ReJSON.tojava.v1";
  static final String TO_JSON = "ReJSON.tojson.v1";

  /** A value of the wrong JSON type for its field: the document fails to index with this message. */
  record Bad(String message) { }

  private final ModuleServer server;
  private Object api; // the PATHS function the cache was made with
  private final Map<String, Function<Object, List<Object>>> compiled = new HashMap<>();

  JsonSource(ModuleServer server) {
    this.server = server;
  }

  @SuppressWarnings("unchecked")
  private Function<String, Function<Object, List<Object>>> paths() {
    Function<String, Function<Object, List<Object>>> p = server.sharedApi(PATHS, Function.class);
    if (p != api) {
      compiled.clear();
      api = p;
    }
    return p;
  }

  /** Whether the JSON module is loaded. */
  boolean available() {
    return paths() != null;
  }

  @SuppressWarnings("unchecked")
  private Function<Object, Object> toJava() {
    return server.sharedApi(TO_JAVA, Function.class);
  }

  @SuppressWarnings("unchecked")
  private Function<Object, String> toJson() {
    return server.sharedApi(TO_JSON, Function.class);
  }

  /** The matches of {@code path} in the value at {@code key}; null when the key holds no JSON document. */
  private List<Object> select(Database db, byte[] key, String path) {
    Function<String, Function<Object, List<Object>>> p = paths();
    if (p == null) {
      return null;
    }
    Function<Object, List<Object>> sel = compiled.get(path);
    if (sel == null) {
      sel = p.apply(path);
      compiled.put(path, sel);
    }
    return sel.apply(db.peekValue(key));
  }

  /** Checks a schema path when FT.CREATE declares it (RuntimeException with the JSON module's message). */
  void checkPath(String path) {
    Function<String, Function<Object, List<Object>>> p = paths();
    if (p != null) {
      compiled.put(path, p.apply(path));
    }
  }

  /**
   * The document's field values by identifier: a String, a List of Strings (several values), or {@link Bad}; null
   * when the key holds no JSON document.
   */
  Map<String, Object> read(Database db, byte[] key, IndexDefinition def) {
    if (db.peekValue(key) == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Function<Object, Object> java = toJava();
    for (FieldSpec f : def.fields.values()) {
      List<Object> matches;
      try {
        matches = select(db, key, f.identifier);
      } catch (RuntimeException e) {
        return null;
      }
      if (matches == null) {
        return null; // not a JSON document
      }
      List<String> values = new ArrayList<>();
      Bad bad = null;
      for (Object m : matches) {
        bad = flatten(java.apply(m), f, values, true);
        if (bad != null) {
          break;
        }
      }
      if (bad != null) {
        out.put(f.identifier, bad);
      } else if (values.size() == 1) {
        out.put(f.identifier, values.get(0));
      } else if (!values.isEmpty()) {
        out.put(f.identifier, values);
      }
    }
    for (String path : def.extraJsonPaths()) { // SCORE_FIELD, LANGUAGE_FIELD, PAYLOAD_FIELD, FILTER's @$paths
      if (out.containsKey(path)) {
        continue;
      }
      List<Object> matches;
      try {
        matches = select(db, key, path);
      } catch (RuntimeException e) {
        continue;
      }
      Object v = matches == null || matches.isEmpty() ? null : java.apply(matches.get(0));
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        out.put(path, v instanceof Double dv && dv == Math.rint(dv) && !Double.isInfinite(dv)
            ? Long.toString(dv.longValue()) : v.toString());
      }
    }
    return out;
  }

  /** Adds a value's strings for field {@code f}; arrays add each element (one level, as RediSearch). */
  private static Bad flatten(Object v, FieldSpec f, List<String> out, boolean top) {
    if (v == null) {
      return null; // JSON null: no value
    }
    if (v instanceof List<?> l && top) {
      for (Object e : l) {
        Bad b = flatten(e, f, out, false);
        if (b != null) {
          return b;
        }
      }
      return null;
    }
    switch (f.type) {
      case NUMERIC -> {
        if (!(v instanceof Number n)) {
          return new Bad("Invalid JSON type: " + kind(v) + " type can represent only " + canHold(v) + " field");
        }
        out.add(n instanceof Long ? n.toString() : Double.toString(n.doubleValue()));
      }
      case TEXT, GEO -> {
        if (!(v instanceof String s)) {
          return new Bad("Invalid JSON type: " + kind(v) + " type can represent only " + canHold(v) + " field");
        }
        out.add(s);
      }
      case VECTOR -> {
        if (!(v instanceof Number n)) {
          return new Bad("Invalid JSON type: " + kind(v) + " type can represent only " + canHold(v) + " field");
        }
        out.add(Double.toString(n.doubleValue()));
      }
      case GEOSHAPE -> {
        if (!(v instanceof String s)) {
          return new Bad("Invalid JSON type: " + kind(v) + " type can represent only " + canHold(v) + " field");
        }
        out.add(s);
      }
      case TAG -> {
        if (v instanceof String s) {
          out.add(s);
        } else if (v instanceof Boolean b) {
          out.add(b.toString());
        } else {
          return new Bad("Invalid JSON type: " + kind(v) + " type can represent only " + canHold(v) + " field");
        }
      }
    }
    return null;
  }

  private static String kind(Object v) {
    return v instanceof Number ? "Number" : v instanceof String ? "String" : v instanceof Boolean ? "Boolean"
        : v instanceof List ? "Array" : "Object";
  }

  private static String canHold(Object v) {
    return v instanceof Number ? "NUMERIC" : v instanceof String ? "TEXT, TAG or GEO" : v instanceof Boolean ? "TAG"
        : "VECTOR";
  }

  /** The whole document as JSON text (a result's {@code $}), or null. */
  String whole(Database db, byte[] key) {
    List<Object> root = select(db, key, "$");
    return root == null || root.isEmpty() ? null : toJson().apply(root.get(0));
  }

  /**
   * RETURN's value of {@code path}: with dialect 3 and up the JSON array of every match; before, the first match, a
   * string as itself and anything else as JSON text. Null when nothing matches.
   */
  String returned(Database db, byte[] key, String path, int dialect) {
    List<Object> m;
    try {
      m = select(db, key, path);
    } catch (RuntimeException e) {
      return null;
    }
    if (m == null || m.isEmpty()) {
      return null;
    }
    Function<Object, String> json = toJson();
    if (dialect >= 3) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < m.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(json.apply(m.get(i)));
      }
      return sb.append(']').toString();
    }
    Object first = m.get(0);
    Object java = toJava().apply(first);
    return java instanceof String s ? s : json.apply(first);
  }
}
