package dev.cairn.graph;

import dev.cairn.api.reply.Reply;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.Values.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RedisGraph's result set replies: {@code [header, rows, statistics]}, or {@code [statistics]} for a query without
 * RETURN, in the verbose form (names, scalars as RESP values, doubles and booleans as text) or the compact form
 * ({@code --compact}: ids for labels, types and keys, each value as {@code [type, value]}).
 */
final class ResultWriter {
  private ResultWriter() {}

  // RedisGraph's compact value types
  static final int NULL = 1;
  static final int STRING = 2;
  static final int INTEGER = 3;
  static final int BOOLEAN = 4;
  static final int DOUBLE = 5;
  static final int ARRAY = 6;
  static final int EDGE = 7;
  static final int NODE = 8;
  static final int PATH = 9;
  static final int MAP = 10;
  static final int POINT = 11;
  static final int COLUMN_SCALAR = 1;

  static void write(Reply r, Ctx c, Executor.Result res, boolean compact, long maxRows) {
    List<String> stats = statistics(res);
    if (res.columns().isEmpty()) {
      r.array(1);
      strings(r, stats);
      return;
    }
    r.array(3);
    r.array(res.columns().size());
    for (String col : res.columns()) {
      if (compact) {
        r.array(2);
        r.integer(COLUMN_SCALAR);
      }
      r.bulk(col);
    }
    int n = maxRows >= 0 ? (int) Math.min(maxRows, res.rows().size()) : res.rows().size();
    r.array(n);
    for (int i = 0; i < n; i++) {
      c.tick();
      List<Object> row = res.rows().get(i);
      r.array(row.size());
      for (Object v : row) {
        if (compact) {
          compact(r, c, v);
        } else {
          verbose(r, c, v);
        }
      }
    }
    strings(r, stats);
  }

  private static void strings(Reply r, List<String> lines) {
    r.array(lines.size());
    for (String s : lines) {
      r.bulk(s);
    }
  }

  static List<String> statistics(Executor.Result res) {
    Ctx.Stats s = res.stats();
    List<String> out = new ArrayList<>();
    stat(out, "Labels added", s.labelsAdded);
    stat(out, "Labels removed", s.labelsRemoved);
    stat(out, "Nodes created", s.nodesCreated);
    stat(out, "Properties set", s.propertiesSet);
    stat(out, "Properties removed", s.propertiesRemoved);
    stat(out, "Relationships created", s.relationshipsCreated);
    stat(out, "Nodes deleted", s.nodesDeleted);
    stat(out, "Relationships deleted", s.relationshipsDeleted);
    stat(out, "Indices created", s.indicesCreated);
    stat(out, "Indices deleted", s.indicesDeleted);
    out.add("Cached execution: 0");
    out.add(String.format(Locale.ROOT, "Query internal execution time: %.6f milliseconds", res.millis()));
    return out;
  }

  private static void stat(List<String> out, String name, long v) {
    if (v > 0) {
      out.add(name + ": " + v);
    }
  }

  private static void verbose(Reply r, Ctx c, Object v) {
    if (v == null) {
      r.nullBulk();
    } else if (v instanceof Long l) {
      r.integer(l);
    } else if (v instanceof String s) {
      r.bulk(s);
    } else if (v instanceof Boolean b) {
      r.bulk(b ? "true" : "false");
    } else if (v instanceof Double d) {
      r.bulk(Cypher.g15(d));
    } else if (v instanceof Node n) {
      r.array(3);
      r.array(2);
      r.bulk("id");
      r.integer(n.id());
      r.array(2);
      r.bulk("labels");
      int[] ls = c.graph.nodeExists(n.id()) ? c.graph.labels(n.id()) : Graph.NO_INTS;
      r.array(ls.length);
      for (int l : ls) {
        r.bulk(c.graph.labels.name(l));
      }
      verboseProps(r, c, true, n.id());
    } else if (v instanceof Edge e) {
      boolean live = c.graph.edgeExists(e.id());
      r.array(5);
      r.array(2);
      r.bulk("id");
      r.integer(e.id());
      r.array(2);
      r.bulk("type");
      r.bulk(live ? c.graph.types.name(c.graph.type(e.id())) : "");
      r.array(2);
      r.bulk("src_node");
      r.integer(live ? c.graph.src(e.id()) : -1);
      r.array(2);
      r.bulk("dest_node");
      r.integer(live ? c.graph.dst(e.id()) : -1);
      verboseProps(r, c, false, e.id());
    } else {
      r.bulk(Cypher.text(c, v));
    }
  }

  private static void verboseProps(Reply r, Ctx c, boolean node, int id) {
    r.array(2);
    r.bulk("properties");
    Object[] p = (node ? c.graph.nodeExists(id) : c.graph.edgeExists(id)) ? c.graph.props(node, id)
        : Graph.NO_PROPS;
    r.array(p.length / 2);
    for (int i = 0; i < p.length; i += 2) {
      r.array(2);
      r.bulk(c.graph.keys.name((Integer) p[i]));
      verbose(r, c, p[i + 1]);
    }
  }

  private static void compact(Reply r, Ctx c, Object v) {
    r.array(2);
    typedValue(r, c, v);
  }

  /** A value's compact type and value, without the enclosing pair (property triples use it after the key). */
  private static void typedValue(Reply r, Ctx c, Object v) {
    if (v == null) {
      r.integer(NULL);
      r.nullBulk();
    } else if (v instanceof Long l) {
      r.integer(INTEGER);
      r.integer(l);
    } else if (v instanceof String s) {
      r.integer(STRING);
      r.bulk(s);
    } else if (v instanceof Boolean b) {
      r.integer(BOOLEAN);
      r.bulk(b ? "true" : "false");
    } else if (v instanceof Double d) {
      r.integer(DOUBLE);
      r.bulk(Cypher.g15(d));
    } else if (v instanceof List<?> l) {
      r.integer(ARRAY);
      r.array(l.size());
      for (Object o : l) {
        compact(r, c, o);
      }
    } else if (v instanceof Map<?, ?> m) {
      r.integer(MAP);
      r.array(m.size() * 2);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        r.bulk((String) e.getKey());
        compact(r, c, e.getValue());
      }
    } else if (v instanceof Node n) {
      r.integer(NODE);
      compactNode(r, c, n);
    } else if (v instanceof Edge e) {
      r.integer(EDGE);
      compactEdge(r, c, e);
    } else if (v instanceof Path p) {
      r.integer(PATH);
      r.array(2);
      r.array(2);
      r.integer(ARRAY);
      r.array(p.nodes().size());
      for (Node n : p.nodes()) {
        r.array(2);
        r.integer(NODE);
        compactNode(r, c, n);
      }
      r.array(2);
      r.integer(ARRAY);
      r.array(p.edges().size());
      for (Edge e : p.edges()) {
        r.array(2);
        r.integer(EDGE);
        compactEdge(r, c, e);
      }
    } else if (v instanceof Point p) {
      r.integer(POINT);
      r.array(2);
      r.bulk(Cypher.g15(p.latitude()));
      r.bulk(Cypher.g15(p.longitude()));
    } else {
      // temporal values: RedisGraph 2.12 has no compact type for them, so they go as their text
      r.integer(STRING);
      r.bulk(String.valueOf(v));
    }
  }

  private static void compactNode(Reply r, Ctx c, Node n) {
    r.array(3);
    r.integer(n.id());
    int[] ls = c.graph.nodeExists(n.id()) ? c.graph.labels(n.id()) : Graph.NO_INTS;
    r.array(ls.length);
    for (int l : ls) {
      r.integer(l);
    }
    compactProps(r, c, true, n.id());
  }

  private static void compactEdge(Reply r, Ctx c, Edge e) {
    boolean live = c.graph.edgeExists(e.id());
    r.array(5);
    r.integer(e.id());
    r.integer(live ? c.graph.type(e.id()) : -1);
    r.integer(live ? c.graph.src(e.id()) : -1);
    r.integer(live ? c.graph.dst(e.id()) : -1);
    compactProps(r, c, false, e.id());
  }

  private static void compactProps(Reply r, Ctx c, boolean node, int id) {
    Object[] p = (node ? c.graph.nodeExists(id) : c.graph.edgeExists(id)) ? c.graph.props(node, id)
        : Graph.NO_PROPS;
    r.array(p.length / 2);
    for (int i = 0; i < p.length; i += 2) {
      r.array(3);
      r.integer((Integer) p[i]);
      typedValue(r, c, p[i + 1]);
    }
  }
}
