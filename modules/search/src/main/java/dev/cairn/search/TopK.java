package dev.cairn.search;

import java.util.Arrays;

/**
 * The best {@code k} results of a search (LIMIT offset + num) in a bounded heap whose root is the worst kept, so a
 * search that matches n documents orders them in O(n log k) and keeps k, instead of sorting all n.
 */
final class TopK {
  /** Result order: negative when (d1, s1) ranks before (d2, s2). */
  interface Order {
    int compare(int d1, double s1, int d2, double s2);
  }

  /** By score, highest first, then by doc id (RediSearch's tie order: the earlier document). */
  static final Order BY_SCORE = (d1, s1, d2, s2) -> {
    int c = Double.compare(s2, s1);
    return c != 0 ? c : Integer.compare(d1, d2);
  };

  private final int k;
  private final Order order;
  private int[] docs;
  private double[] scores;
  private int size;

  TopK(long k, Order order) {
    this.k = (int) Math.min(k, Integer.MAX_VALUE - 8);
    this.order = order;
    int cap = Math.min(this.k, 64);
    docs = new int[Math.max(cap, 1)];
    scores = new double[Math.max(cap, 1)];
  }

  void offer(int doc, double score) {
    if (k == 0) {
      return;
    }
    if (size < k) {
      if (size == docs.length) {
        int n = (int) Math.min((long) size * 2, k);
        docs = Arrays.copyOf(docs, n);
        scores = Arrays.copyOf(scores, n);
      }
      docs[size] = doc;
      scores[size] = score;
      up(size++);
      return;
    }
    if (order.compare(doc, score, docs[0], scores[0]) >= 0) {
      return; // no better than the worst kept
    }
    docs[0] = doc;
    scores[0] = score;
    down(0);
  }

  private boolean worse(int i, int j) {
    return order.compare(docs[i], scores[i], docs[j], scores[j]) > 0;
  }

  private void swap(int i, int j) {
    int d = docs[i];
    docs[i] = docs[j];
    docs[j] = d;
    double s = scores[i];
    scores[i] = scores[j];
    scores[j] = s;
  }

  private void up(int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!worse(i, p)) {
        return;
      }
      swap(i, p);
      i = p;
    }
  }

  private void down(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int w = l + 1 < size && worse(l + 1, l) ? l + 1 : l;
      if (!worse(w, i)) {
        return;
      }
      swap(w, i);
      i = w;
    }
  }

  /** Empties the heap into rank order: ids in {@code outDocs}, scores in {@code outScores}; returns the count. */
  int drain(int[] outDocs, double[] outScores) {
    int n = size;
    while (size > 0) { // the worst comes out first: fill from the back
      outDocs[size - 1] = docs[0];
      outScores[size - 1] = scores[0];
      size--;
      docs[0] = docs[size];
      scores[0] = scores[size];
      down(0);
    }
    return n;
  }

  int size() {
    return size;
  }

  /**
   * In score order with k kept: the worst kept score, which a new result must reach to rank (a tie is decided by doc
   * id); else negative infinity.
   */
  double floor() {
    return order == BY_SCORE && size == k && k > 0 ? scores[0] : Double.NEGATIVE_INFINITY;
  }
}
