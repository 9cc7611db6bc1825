package dev.cairn.search;

import java.util.List;

/**
 * What FT.PROFILE shows of the iterators a query ran, RediSearch's "Iterators profile": the query evaluator
 * implements it, so that the profile describes whatever iterators the evaluator has (FT.PROFILE knows only this).
 */
interface IteratorProfile {
  /** The iterator tree for {@code root} as this evaluator runs it. */
  Node describe(QueryNode root);

  /**
   * One iterator: its type (TEXT, TAG, NUMERIC, GEO, UNION, INTERSECT, NOT, OPTIONAL, WILDCARD, EMPTY, ID-LIST,
   * VECTOR ...), its term (readers) or query type (unions), the results it gave, the size of what it reads
   * (readers; -1 for none), the time it took in ms, and its children. {@code single}: a NOT/OPTIONAL-like iterator
   * whose one child is shown under "Child iterator".
   */
  record Node(String type, String term, String queryType, long counter, long size, double millis,
      List<Node> children, boolean single) {
  }
}
