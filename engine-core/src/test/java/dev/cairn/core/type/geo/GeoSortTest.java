package dev.cairn.core.type.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two orders of search results: a stable full sort and the partial sort for COUNT. */
class GeoSortTest {
  private static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  @Test
  void fullSortIsStable() {
    double[] dist = {3, 1, 2, 1, 3, 1, 0};
    int[] idx = identity(dist.length);
    GeoSort.sort(idx, dist, false);
    assertEquals("[6, 1, 3, 5, 2, 0, 4]", Arrays.toString(idx));
    idx = identity(dist.length);
    GeoSort.sort(idx, dist, true);
    assertEquals("[0, 4, 2, 1, 3, 5, 6]", Arrays.toString(idx));
  }

  @Test
  void partialSortPutsTheFirstRanksInPlace() {
    long seed = new Random().nextLong();
    System.out.println("GeoSortTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 2000; round++) {
      int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 10 : 300);
      double[] dist = new double[n];
      for (int i = 0; i < n; i++) {
        dist[i] = rnd.nextInt(rnd.nextBoolean() ? 5 : 1000); // many ties
      }
      boolean desc = rnd.nextBoolean();
      int k = 1 + rnd.nextInt(n);
      int[] idx = identity(n);
      GeoSort.partialSort(idx, dist, desc, 0, k - 1);
      double[] sorted = dist.clone();
      Arrays.sort(sorted);
      int[] seen = new int[n];
      for (int i = 0; i < n; i++) {
        seen[idx[i]]++;
      }
      for (int i = 0; i < n; i++) {
        assertEquals(1, seen[i], "a permutation, seed " + seed);
      }
      for (int i = 0; i < k; i++) {
        double want = desc ? sorted[n - 1 - i] : sorted[i];
        assertEquals(want, dist[idx[i]], "rank " + i + " of " + n + ", seed " + seed);
      }
    }
  }

  @Test
  void nanComparesSmallerBothWaysWithoutFailing() {
    double[] dist = {2, Double.NaN, 1, Double.NaN, 0};
    int[] idx = identity(dist.length);
    GeoSort.sort(idx, dist, false);
    assertEquals(5, Arrays.stream(idx).distinct().count());
    idx = identity(dist.length);
    GeoSort.partialSort(idx, dist, false, 0, 1);
    assertTrue(Arrays.stream(idx).distinct().count() == 5);
  }
}
