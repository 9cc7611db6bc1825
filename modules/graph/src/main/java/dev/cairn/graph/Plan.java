package dev.cairn.graph;

import java.util.List;
import java.util.Map;

/** The compiled form of a query: clause operators over rows, and the pattern shapes they match or create. */
final class Plan {
  private Plan() {}

  /** A row: variable name to value. */
  interface Row extends Map<String, Object> {}

  /** An expression compiled to a closure. */
  interface Expr {
    Object eval(Ctx c, Map<String, Object> row);
  }

  /** One clause: takes all rows in, gives all rows out (eager, so a clause sees the writes of the ones before). */
  interface Op {
    List<Map<String, Object>> run(Ctx c, List<Map<String, Object>> in);
  }

  record NodePat(String var, boolean anonymous, List<String> labels, Expr props) {}

  /** dir: 1 left to right, -1 right to left, 0 either. */
  record RelPat(String var, boolean anonymous, List<String> types, int dir, boolean varLength, int min, int max,
      Expr props) {}

  /** shortest: 0 plain, 1 shortestPath, 2 allShortestPaths. */
  record PathPat(String pathVar, List<NodePat> nodes, List<RelPat> rels, int shortest) {}

  /**
   * A compiled statement: its UNION branches, columns and whether it writes; {@code engineOnly} when it changes state
   * beside the graph even as a read (a full-text query brings its Lucene index up to date), so it runs on the engine
   * thread and never on a reader.
   */
  record Query(List<List<Op>> branches, boolean unionAll, List<String> columns, boolean writes, String indexOp,
      Map<Op, java.util.function.Function<Graph, String>> labels, boolean engineOnly) {}
}
