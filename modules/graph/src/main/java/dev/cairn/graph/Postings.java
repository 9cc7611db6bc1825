package dev.cairn.graph;

import java.util.Arrays;

/**
 * The node ids under one value of an exact-match index: a sorted int array (most values of an index on an id-like
 * property hold one node). A BitSet per value cost a word per 64 node ids below the highest, kilobytes per value
 * in a graph of a million nodes.
 */
final class Postings {
  private static final int[] NONE = new int[0];
  static final Postings EMPTY = new Postings();
  private int[] ids = NONE;
  private int size;

  void add(int id) {
    int at = Arrays.binarySearch(ids, 0, size, id);
    if (at >= 0) {
      return;
    }
    at = -at - 1;
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, Math.max(1, size + (size >> 1) + 1));
    }
    System.arraycopy(ids, at, ids, at + 1, size - at);
    ids[at] = id;
    size++;
  }

  void remove(int id) {
    int at = Arrays.binarySearch(ids, 0, size, id);
    if (at >= 0) {
      System.arraycopy(ids, at + 1, ids, at, size - at - 1);
      size--;
    }
  }

  boolean contains(int id) {
    return Arrays.binarySearch(ids, 0, size, id) >= 0;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** A copy of the ids in ascending order (callers may change the graph while they walk it). */
  int[] toArray() {
    return Arrays.copyOf(ids, size);
  }

  long bytes() {
    return 16 + 16 + ids.length * 4L;
  }
}
