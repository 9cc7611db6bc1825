package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HeapSoftMaxTest {
  @Test
  void softMaximumFollowsMaxmemory() {
    long gb = 1L << 30;
    assertEquals(0, HeapSoftMax.softMax(0, 6 * gb));
    assertEquals(100L * (1 << 20) / 100 * 125 + HeapSoftMax.SLACK, HeapSoftMax.softMax(100L << 20, 6 * gb));
    assertEquals(0, HeapSoftMax.softMax(6 * gb, 6 * gb), "no soft maximum at or over the heap's maximum");
    assertEquals(0, HeapSoftMax.softMax(Long.MAX_VALUE, 6 * gb));
  }

  /** The test JVM runs G1 with concurrent explicit collections (the launcher's): the thread asks for cycles. */
  @Test
  void aboveTheSoftMaximumTheWatcherAsksForConcurrentCycles() throws InterruptedException {
    Assumptions.assumeTrue(Runtime.version().feature() < 26 && LazyFree.explicitGcIsConcurrent());
    HeapSoftMax soft = HeapSoftMax.get();
    assertNotNull(soft);
    long before = soft.requests();
    soft.apply(1); // soft maximum 32 MB: the test JVM's heap is above it
    try {
      assertTrue(soft.softMax() > 0);
      long deadline = System.currentTimeMillis() + 30_000;
      while (soft.requests() == before && System.currentTimeMillis() < deadline) {
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
          garbage[i] = new byte[1 << 20];
        }
        Thread.sleep(50);
      }
      assertTrue(soft.requests() > before, "a collection was asked for");
    } finally {
      soft.apply(0);
    }
    assertEquals(0, soft.softMax());
  }
}
