package dev.cairn.search;

import java.util.Arrays;

/**
 * One numeric column's values in (value, doc id) order, for range queries: sorted blocks of at most {@value #BLOCK}
 * pairs (a two-level B-tree without the tree), so an insert or delete moves at most a block and a range reads only
 * the blocks it covers. A range's doc ids are sorted once for the query's iterators.
 */
final class NumericIndex {
  static final int BLOCK = 256;

  private double[][] vals = new double[4][];
  private int[][] docs = new int[4][];
  private int[] sizes = new int[4];
  private int blocks;
  private int count;
  /** The highest doc id ever added: the size of a range's bit map. */
  private int maxDoc;

  int size() {
    return count;
  }

  long byteSize() {
    return 64L + (long) blocks * (40 + 12L * BLOCK);
  }

  void add(double v, int doc) {
    if (blocks == 0) {
      newBlock(0);
    }
    maxDoc = Math.max(maxDoc, doc);
    int b = block(v, doc);
    int i = position(b, v, doc);
    if (sizes[b] == BLOCK) { // split: the upper half goes to a new block after this one
      newBlock(b + 1);
      int half = BLOCK / 2;
      System.arraycopy(vals[b], half, vals[b + 1], 0, BLOCK - half);
      System.arraycopy(docs[b], half, docs[b + 1], 0, BLOCK - half);
      sizes[b + 1] = BLOCK - half;
      sizes[b] = half;
      if (i > half) {
        b++;
        i -= half;
      }
    }
    double[] vs = vals[b];
    int[] ds = docs[b];
    System.arraycopy(vs, i, vs, i + 1, sizes[b] - i);
    System.arraycopy(ds, i, ds, i + 1, sizes[b] - i);
    vs[i] = v;
    ds[i] = doc;
    sizes[b]++;
    count++;
  }

  void remove(double v, int doc) {
    if (blocks == 0) {
      return;
    }
    int b = block(v, doc);
    int i = position(b, v, doc);
    if (i >= sizes[b] || vals[b][i] != v || docs[b][i] != doc) {
      return;
    }
    System.arraycopy(vals[b], i + 1, vals[b], i, sizes[b] - i - 1);
    System.arraycopy(docs[b], i + 1, docs[b], i, sizes[b] - i - 1);
    sizes[b]--;
    count--;
    if (sizes[b] == 0 && blocks > 1) {
      System.arraycopy(vals, b + 1, vals, b, blocks - b - 1);
      System.arraycopy(docs, b + 1, docs, b, blocks - b - 1);
      System.arraycopy(sizes, b + 1, sizes, b, blocks - b - 1);
      blocks--;
    }
  }

  /**
   * The documents with a value in the range, in doc id order: a bit map of the ids when it is smaller than their
   * array, else their sorted ids. A query allocates the map only: collecting the ids in a growing array, sorting
   * them and copying the result cost ~20 KB per query on the bench's ranges (1,000 of 20,000 documents), a young
   * collection every few hundred queries, whose pauses were the numeric row's p99.
   */
  DocIterator iterator(QueryNode.Numeric r) {
    int first = Math.max(0, block(r.min, Integer.MIN_VALUE));
    int n = 0;
    for (int b = first; b < blocks && n >= 0; b++) { // counts; n < 0 once past the range
      n = scan(b, r, null, n);
    }
    n = n < 0 ? -n - 1 : n;
    if (n == 0) {
      return new DocIterator.Empty();
    }
    if ((long) n * 32 <= maxDoc) {
      int[] ids = range(r);
      return new DocIterator.Ids(ids, ids.length);
    }
    long[] bits = new long[(maxDoc >>> 6) + 1];
    int m = 0;
    for (int b = first; b < blocks && m >= 0; b++) {
      m = scan(b, r, bits, m);
    }
    return new DocIterator.Bits(bits, n);
  }

  /**
   * Counts block {@code b}'s pairs in the range onto {@code n}, setting their ids in {@code bits} (when given);
   * returns the count, or {@code -count - 1} when the block reaches past the range (no later block can match).
   */
  private int scan(int b, QueryNode.Numeric r, long[] bits, int n) {
    double[] vs = vals[b];
    int[] ds = docs[b];
    int sz = sizes[b];
    for (int i = 0; i < sz; i++) {
      double v = vs[i];
      if (v < r.min) {
        continue;
      }
      if (v > r.max) {
        return -n - 1;
      }
      if (r.matches(v)) {
        if (bits != null) {
          bits[ds[i] >>> 6] |= 1L << ds[i];
        }
        n++;
      }
    }
    return n;
  }

  /** The sorted, distinct ids of the documents with a value in the range. */
  int[] range(QueryNode.Numeric r) {
    return range(r.min, r.max, r);
  }

  /** Ids with a value between lo and hi (inclusive), that the range (if any) matches; sorted and distinct. */
  int[] range(double lo, double hi, QueryNode.Numeric r) {
    int[] out = new int[16];
    int n = 0;
    int maxDoc = 0;
    for (int b = Math.max(0, block(lo, Integer.MIN_VALUE)); b < blocks; b++) {
      double[] vs = vals[b];
      int[] ds = docs[b];
      int sz = sizes[b];
      if (sz > 0 && vs[0] > hi) {
        break;
      }
      for (int i = 0; i < sz; i++) {
        double v = vs[i];
        if (v < lo) {
          continue;
        }
        if (v > hi) {
          break;
        }
        if (r == null || r.matches(v)) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = ds[i];
          maxDoc = Math.max(maxDoc, ds[i]);
        }
      }
    }
    if (n > 64 && n > maxDoc >>> 6) { // many: through a bit map of the doc ids, O(n + maxDoc / 64)
      long[] bits = new long[(maxDoc >>> 6) + 1];
      for (int i = 0; i < n; i++) {
        bits[out[i] >>> 6] |= 1L << out[i];
      }
      int m = 0;
      for (int w = 0; w < bits.length; w++) {
        for (long x = bits[w]; x != 0; x &= x - 1) {
          out[m++] = (w << 6) + Long.numberOfTrailingZeros(x);
        }
      }
      return Arrays.copyOf(out, m);
    }
    Arrays.sort(out, 0, n);
    int m = 0;
    for (int i = 0; i < n; i++) { // a document with several values (a JSON array) once
      if (m == 0 || out[m - 1] != out[i]) {
        out[m++] = out[i];
      }
    }
    return Arrays.copyOf(out, m);
  }

  private static int compare(double v1, int d1, double v2, int d2) {
    int c = Double.compare(v1, v2);
    return c != 0 ? c : Integer.compare(d1, d2);
  }

  /** The block (value, doc) belongs in: the last one whose first pair is not above it. */
  private int block(double v, int doc) {
    int lo = 0;
    int hi = blocks - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (sizes[mid] > 0 && compare(vals[mid][0], docs[mid][0], v, doc) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private int position(int b, double v, int doc) {
    int lo = 0;
    int hi = sizes[b];
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(vals[b][mid], docs[b][mid], v, doc) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void newBlock(int at) {
    if (blocks == vals.length) {
      vals = Arrays.copyOf(vals, blocks * 2);
      docs = Arrays.copyOf(docs, blocks * 2);
      sizes = Arrays.copyOf(sizes, blocks * 2);
    }
    System.arraycopy(vals, at, vals, at + 1, blocks - at);
    System.arraycopy(docs, at, docs, at + 1, blocks - at);
    System.arraycopy(sizes, at, sizes, at + 1, blocks - at);
    vals[at] = new double[BLOCK];
    docs[at] = new int[BLOCK];
    sizes[at] = 0;
    blocks++;
  }
}
