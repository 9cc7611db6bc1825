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
    Ctx c = new Ctx(g, params, timeoutMillis);
    List<Map<String, Object>> rows = runBranches(c, q, List.of(new HashMap<>()), true);
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

  /** Compiles only (GRAPH.EXPLAIN); returns the plan's operation names. */
  public static List<String> explain(String query) {
    Plan.Query q = Compiler.compile(query);
    List<String> out = new ArrayList<>();
    if (q.indexOp() != null) {
      out.add("Index operation");
      return out;
    }
    int b = 0;
    for (List<Op> ops : q.branches()) {
      String pad = q.branches().size() > 1 ? "    " : "";
      if (q.branches().size() > 1 && b++ == 0) {
        out.add("Union");
      }
      for (int i = ops.size() - 1; i >= 0; i--) {
        out.add(pad + "    ".repeat(ops.size() - 1 - i) + opName(ops.get(i)));
      }
    }
    return out;
  }

  private static String opName(Op op) {
    String n = op.getClass().getSimpleName();
    int cut = n.indexOf('$');
    return cut > 0 ? n.substring(0, cut) : n;
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
