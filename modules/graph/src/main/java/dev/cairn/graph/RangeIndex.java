package dev.cairn.graph;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A property index: value to the ids holding it, sorted in Cypher's ORDER BY order, so that the planner can use it
 * for equality and for ranges (as RedisGraph 2.12's range indexes: {@code =, <, <=, >, >=, IN}). Integral numbers
 * are keyed as Long ({@link Values#indexKey}). A lookup may return more ids than match (values that order the same
 * but are not equal); the query's predicate is applied to each candidate anyway.
 */
final class RangeIndex {
  private RangeIndex() {}

  static NavigableMap<Object, Postings> create() {
    return new TreeMap<>(Values::orderCompare);
  }

  static void add(Map<Object, Postings> idx, Object v, int id) {
    idx.computeIfAbsent(Values.indexKey(v), k -> new Postings()).add(id);
  }

  static void remove(Map<Object, Postings> idx, Object v, int id) {
    Object k = Values.indexKey(v);
    Postings b = idx.get(k);
    if (b != null) {
      b.remove(id);
      if (b.isEmpty()) {
        idx.remove(k);
      }
    }
  }

  /**
   * The ids whose value lies between the bounds (a null bound is open), within the bound's type: numbers with
   * numbers, strings with strings, as Cypher's comparisons never hold across types. Sorted, without repeats.
   */
  static int[] range(Map<Object, Postings> index, Object lo, boolean loInc, Object hi, boolean hiInc) {
    NavigableMap<Object, Postings> idx = (NavigableMap<Object, Postings>) index;
    Object any = lo != null ? lo : hi;
    if (lo == null) {
      lo = any instanceof Number ? (Object) Double.NEGATIVE_INFINITY : any instanceof String ? "" : null;
      loInc = true;
    }
    if (hi == null) {
      hi = any instanceof Number ? (Object) Double.POSITIVE_INFINITY : null;
      hiInc = true;
    }
    if (lo == null || (any instanceof Number n && Double.isNaN(n.doubleValue()))) {
      return Graph.NO_INTS; // only numbers and strings are ranged; NaN compares with nothing
    }
    lo = Values.indexKey(lo);
    NavigableMap<Object, Postings> sub;
    if (hi == null) { // strings: up to the first value of the next type
      sub = idx.tailMap(lo, loInc).headMap(Boolean.FALSE, false);
    } else {
      hi = Values.indexKey(hi);
      if (Values.orderCompare(lo, hi) > 0) {
        return Graph.NO_INTS;
      }
      sub = idx.subMap(lo, loInc, hi, hiInc);
    }
    java.util.BitSet ids = new java.util.BitSet();
    for (Postings p : sub.values()) {
      for (int id : p.toArray()) {
        ids.set(id);
      }
    }
    return ids.stream().toArray();
  }
}
