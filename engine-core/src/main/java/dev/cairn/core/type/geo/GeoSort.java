package dev.cairn.core.type.geo;

/**
 * Orders search results by distance the way Redis's reply shows them, ties included: a full sort is C's qsort, which
 * glibc implements as a top-down merge sort (stable); a sort for COUNT that needs only the first k results is Redis's
 * partial quicksort, Bentley and McIlroy's "Engineering a Sort Function" skipping partitions that lie wholly outside
 * the wanted ranks. Equal distances keep whatever order each algorithm leaves them in, so both are followed step for
 * step. The comparison is Redis's: 1 if greater, 0 if equal, -1 otherwise (so NaN compares as smaller both ways).
 */
final class GeoSort {
  private GeoSort() {}

  /** The points' order, as indexes into {@code dist}. */
  private final static class Order {
    final int[] idx;
    final double[] dist;
    final boolean desc;

    Order(int[] idx, double[] dist, boolean desc) {
      this.idx = idx;
      this.dist = dist;
      this.desc = desc;
    }

    int cmp(int i, int j) {
      double a = dist[idx[i]];
      double b = dist[idx[j]];
      int c = a > b ? 1 : a == b ? 0 : -1;
      return desc ? -c : c;
    }

    void swap(int i, int j) {
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }

    /** Swaps the {@code n} elements from {@code i} with the {@code n} from {@code j}, pairwise. */
    void swapBlocks(int i, int j, int n) {
      for (int k = 0; k < n; k++) {
        swap(i + k, j + k);
      }
    }
  }

  /** Sorts all of {@code idx} (indexes into {@code dist}) by distance, stably. */
  static void sort(int[] idx, double[] dist, boolean desc) {
    Order o = new Order(idx, dist, desc);
    mergeSort(o, 0, idx.length, new int[idx.length]);
  }

  private static void mergeSort(Order o, int from, int n, int[] tmp) {
    if (n <= 1) {
      return;
    }
    int n1 = n / 2;
    int n2 = n - n1;
    mergeSort(o, from, n1, tmp);
    mergeSort(o, from + n1, n2, tmp);
    int i = from;
    int j = from + n1;
    int out = 0;
    while (n1 > 0 && n2 > 0) {
      if (o.cmp(i, j) <= 0) {
        tmp[out++] = o.idx[i++];
        n1--;
      } else {
        tmp[out++] = o.idx[j++];
        n2--;
      }
    }
    while (n1 > 0) {
      tmp[out++] = o.idx[i++];
      n1--;
    }
    // what is left of the second half is already in place
    System.arraycopy(tmp, 0, o.idx, from, out);
  }

  /** Puts the elements of ranks {@code lo..hi} (inclusive) of {@code idx} in their sorted places. */
  static void partialSort(int[] idx, double[] dist, boolean desc, int lo, int hi) {
    quickSort(new Order(idx, dist, desc), 0, idx.length, lo, hi);
  }

  private static int med3(Order o, int a, int b, int c) {
    return o.cmp(a, b) < 0
        ? (o.cmp(b, c) < 0 ? b : o.cmp(a, c) < 0 ? c : a)
        : (o.cmp(b, c) > 0 ? b : o.cmp(a, c) < 0 ? a : c);
  }

  /** Sorts {@code n} elements from {@code a}, leaving alone partitions that hold none of ranks lo..hi. */
  private static void quickSort(Order o, int a, int n, int lo, int hi) {
    while (true) {
      if (n < 7) {
        // insertion sort for the smallest partitions
        for (int m = a + 1; m < a + n; m++) {
          for (int l = m; l > a && o.cmp(l - 1, l) > 0; l--) {
            o.swap(l, l - 1);
          }
        }
        return;
      }
      int pm = a + n / 2;
      if (n > 7) {
        int pl = a;
        int pn = a + n - 1;
        if (n > 40) {
          // the pseudo-median of nine
          int d = n / 8;
          pl = med3(o, pl, pl + d, pl + 2 * d);
          pm = med3(o, pm - d, pm, pm + d);
          pn = med3(o, pn - 2 * d, pn - d, pn);
        }
        pm = med3(o, pl, pm, pn);
      }
      o.swap(a, pm);
      // split-end partitioning: equal keys gather at both ends, then move to the middle
      int pa = a + 1;
      int pb = pa;
      int pc = a + n - 1;
      int pd = pc;
      while (true) {
        int r;
        while (pb <= pc && (r = o.cmp(pb, a)) <= 0) {
          if (r == 0) {
            o.swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = o.cmp(pc, a)) >= 0) {
          if (r == 0) {
            o.swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) {
          break;
        }
        o.swap(pb, pc);
        pb++;
        pc--;
      }
      int pn = a + n;
      int s = Math.min(pa - a, pb - pa);
      o.swapBlocks(a, pb - s, s);
      s = Math.min(pd - pc, pn - pd - 1);
      o.swapBlocks(pb, pn - s, s);
      int left = pb - pa;
      if (left > 1 && overlaps(a, a + left - 1, lo, hi)) {
        quickSort(o, a, left, lo, hi);
      }
      int right = pd - pc;
      if (right <= 1) {
        return;
      }
      a = pn - right;
      n = right;
      if (!overlaps(a, a + n - 1, lo, hi)) {
        return;
      }
    }
  }

  /** Whether the ranks from..to share one with lo..hi. */
  private static boolean overlaps(int from, int to, int lo, int hi) {
    return !(lo < from && hi < from || lo > to && hi > to);
  }
}
