package dev.cairn.graph;

import dev.cairn.graph.Plan.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs a query against a graph: parameters, compilation, the clause pipeline, the result set. */
public final class Executor {
  private Executor() {}

  /** A query's outcome: columns (empty when it returns nothing), rows, statistics, run time. */
  public record Result(List<String> columns, List<List<Object>> rows, Ctx.Stats stats, double millis) {}

  public static final String RO_ERROR = "graph.RO_QUERY is to be executed only on read-only queries";

  /** Splits RedisGraph's {@code CYPHER name=value ...} prefix off a query, evaluating the values. */
  public static String extractParams(String query, Map<String, Object> into) {
    String q = query.stripLeading();
    if (q.length() < 7 || !q.regionMatches(true, 0, "CYPHER", 0, 6) || !Character.isWhitespace(q.charAt(6))) {
      return query;
    }
    int i = 6;
    while (true) {
      while (i < q.length() && Character.isWhitespace(q.charAt(i))) {
        i++;
      }
      int nameStart = i;
      while (i < q.length() && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '_')) {
        i++;
      }
      if (i == nameStart || i >= q.length() || q.charAt(i) != '=') {
        return q.substring(nameStart);
      }
      String name = q.substring(nameStart, i);
      int start = ++i;
      int depth = 0;
      while (i < q.length()) {
        char ch = q.charAt(i);
        if (ch == '\'' || ch == '"') {
          i++;
          while (i < q.length() && q.charAt(i) != ch) {
            if (q.charAt(i) == '\\') {
              i++;
            }
            i++;
          }
        } else if (ch == '[' || ch == '{' || ch == '(') {
          depth++;
        } else if (ch == ']' || ch == '}' || ch == ')') {
          depth--;
        } else if (Character.isWhitespace(ch) && depth == 0) {
          break;
        }
        i++;
      }
      String value = q.substring(start, Math.min(i, q.length()));
      Result r = run(new Graph(), "RETURN " + value, Map.of(), 0, true);
      into.put(name, r.rows().get(0).get(0));
    }
  }

  public static Result run(Graph g, String query, Map<String, Object> params, long timeoutMillis,
      boolean readOnly) {
    long t0 = System.nanoTime();
    Plan.Query q = Compiler.compile(query);
    if (readOnly && q.writes()) {
      throw new CypherException("ReadOnly", RO_ERROR);
    }
    return run(g, q, new Ctx(g, params, timeoutMillis), t0);
  }

  /** Runs a compiled query in {@code c} (its graph, parameters, deadline and gate); {@code t0} is when it began. */
  static Result run(Graph g, Plan.Query q, Ctx c, long t0) {
    List<Map<String, Object>> rows;
    if (q.writes()) {
      g.beginUndo();
    }
    try {
      rows = runBranches(c, q, List.of(new HashMap<>()), true);
    } catch (RuntimeException | Error e) {
      if (q.writes()) {
        g.rollback(); // a failing query leaves the graph as it found it
      }
      throw e;
    }
    if (q.writes()) {
      g.commitUndo(); // a read changes no field of the graph: it may run on a reader thread
    }
    List<List<Object>> out = new ArrayList<>();
    if (!q.columns().isEmpty()) {
      for (Map<String, Object> r : rows) {
        List<Object> row = new ArrayList<>(q.columns().size());
        for (String col : q.columns()) {
          row.add(r.get(col));
        }
        out.add(row);
      }
    }
    return new Result(q.columns(), out, c.stats, (System.nanoTime() - t0) / 1e6);
  }

  /** GRAPH.EXPLAIN: the plan's operators, the last clause's on top, each level indented by four spaces. */
  public static List<String> explain(Graph g, String query) {
    return describe(g, Compiler.compile(query), null);
  }

  /** GRAPH.PROFILE: runs the query and describes the plan with each operator's records and time. */
  public record Profile(List<String> lines, Ctx.Stats stats) {}

  public static Profile profile(Graph g, String query, Map<String, Object> params, long timeoutMillis) {
    Plan.Query q = Compiler.compile(query);
    Ctx c = new Ctx(g, params, timeoutMillis);
    Map<Op, long[]> counts = new java.util.IdentityHashMap<>();
    if (q.writes()) {
      g.beginUndo();
    }
    try {
      for (List<Op> ops : q.branches()) {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(new HashMap<>()));
        for (Op op : ops) {
          long t0 = System.nanoTime();
          rows = op.run(c, rows);
          counts.put(op, new long[] {rows.size(), System.nanoTime() - t0});
        }
      }
    } catch (RuntimeException | Error e) {
      g.rollback();
      throw e;
    }
    g.commitUndo();
    return new Profile(describe(g, q, counts), c.stats);
  }

  private static List<String> describe(Graph g, Plan.Query q, Map<Op, long[]> counts) {
    List<String> out = new ArrayList<>();
    boolean union = q.branches().size() > 1;
    if (union) {
      out.add("Union");
    }
    for (List<Op> ops : q.branches()) {
      int depth = union ? 1 : 0;
      for (int i = ops.size() - 1; i >= 0; i--) {
        Op op = ops.get(i);
        java.util.function.Function<Graph, String> label = q.labels().get(op);
        String text = label == null ? "Operation" : label.apply(g);
        for (String line : text.split("\n")) {
          String suffix = "";
          if (counts != null && counts.containsKey(op)) {
            long[] cnt = counts.get(op);
            suffix = String.format(java.util.Locale.ROOT, " | Records produced: %d, Execution time: %.6f ms",
                cnt[0], cnt[1] / 1e6);
          }
          out.add("    ".repeat(depth++) + line + suffix);
        }
      }
    }
    return out;
  }

  static List<Map<String, Object>> runBranches(Ctx c, Plan.Query q, List<Map<String, Object>> input,
      boolean top) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (List<Op> ops : q.branches()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Map<String, Object> r : input) {
        rows.add(new HashMap<>(r));
      }
      for (Op op : ops) {
        rows = op.run(c, rows);
      }
      all.addAll(rows);
    }
    if (q.branches().size() > 1 && !q.unionAll()) {
      Set<Values.Key> seen = new HashSet<>();
      List<Map<String, Object>> distinct = new ArrayList<>();
      for (Map<String, Object> r : all) {
        List<Object> key = new ArrayList<>();
        for (String col : q.columns()) {
          key.add(r.get(col));
        }
        if (seen.add(new Values.Key(key))) {
          distinct.add(r);
        }
      }
      return distinct;
    }
    return all;
  }

  static Map<String, Object> row() {
    return new LinkedHashMap<>();
  }
}
