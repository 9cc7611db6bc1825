package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

  private static final long MB = 1 << 20;

  /** A soft maximum for maxmemory 100mb over a heap the test sizes, whose cycles end when the test says. */
  private static final class BlockingCycles {
    final AtomicLong committed;
    final CountDownLatch cycleStarted = new CountDownLatch(1);
    final Semaphore cycleEnds = new Semaphore(0);
    final HeapSoftMax heap;

    BlockingCycles(long committedBytes) {
      committed = new AtomicLong(committedBytes);
      CycleRequests cycles = new CycleRequests(() -> {
        cycleStarted.countDown();
        cycleEnds.acquireUninterruptibly();
      }, true);
      heap = new HeapSoftMax(null, 6L << 30, false, committed::get, cycles);
      heap.apply(100 * MB);
    }
  }

  /**
   * G1 doubled the committed heap after a pause while the data fits: the request thread asks for a cycle at once, and
   * a write waits until the cycle has shrunk the heap back under the soft maximum (before, the writer filled the new
   * regions with 60-90 MB of young objects, all resident, before the cycle came).
   */
  @Test
  void writesWaitWhileAnExpansionHoldsTheHeapAboveTheSoftMaximum() throws Exception {
    Assumptions.assumeTrue(HeapSoftMax.WRITES_WAIT);
    var run = new BlockingCycles(100 * MB);
    HeapSoftMax heap = run.heap; // soft maximum 145 MB
    try {
      long t0 = System.nanoTime();
      heap.awaitCollection();
      assertTrue(System.nanoTime() - t0 < 50_000_000L, "under the soft maximum a write does not wait");
      run.committed.set(300 * MB); // G1 expanded the heap after a pause
      assertTrue(run.cycleStarted.await(5, TimeUnit.SECONDS), "a cycle is asked for");
      assertEquals(1, heap.requests());
      var write = CompletableFuture.runAsync(heap::awaitCollection);
      Thread.sleep(200);
      assertFalse(write.isDone(), "the write waits for the cycle");
      run.committed.set(140 * MB); // its Remark shrank the heap
      run.cycleEnds.release();
      write.get(5, TimeUnit.SECONDS);
      assertTrue(heap.stallMillis() >= 150, "the wait is counted: " + heap.stallMillis());
    } finally {
      heap.apply(0);
      run.cycleEnds.release(100);
    }
  }

  /**
   * A cycle whose Remark brought the heap under the soft maximum, followed by an expansion at a pause before the
   * request returned: the data fits, so the next cycle is asked for at once and writes go on waiting (before, the heap
   * at the return was read as data too big: writes went on and the next request came 500 ms later).
   */
  @Test
  void anExpansionAfterTheCyclesRemarkIsStillTheCollectorsRoom() throws Exception {
    AtomicLong committed = new AtomicLong(300 * MB);
    AtomicLong firstEnded = new AtomicLong();
    AtomicLong secondStarted = new AtomicLong();
    HeapSoftMax[] heap = new HeapSoftMax[1];
    CycleRequests cycles = new CycleRequests(() -> {
      if (firstEnded.get() != 0) {
        secondStarted.compareAndSet(0, System.nanoTime());
        committed.set(140 * MB);
        return;
      }
      committed.set(140 * MB);
      heap[0].wantsCycle(); // the Remark's end, as the collection listener sees it
      committed.set(288 * MB); // a pause grows the heap before the request returns
      firstEnded.set(System.nanoTime());
    }, true);
    heap[0] = new HeapSoftMax(null, 6L << 30, false, committed::get, cycles);
    heap[0].apply(100 * MB);
    try {
      long deadline = System.currentTimeMillis() + 5_000;
      while (secondStarted.get() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(secondStarted.get() != 0, "a second cycle");
      long gap = (secondStarted.get() - firstEnded.get()) / 1_000_000;
      assertTrue(gap < HeapSoftMax.MIN_WAIT_MILLIS / 2, "the next cycle follows at once, not after a backoff: " + gap);
    } finally {
      heap[0].apply(0);
    }
  }

  /**
   * The data itself is above the soft maximum (a cycle does not bring the heap under it): writes do not wait for what
   * no cycle can give, and requests back off instead of following each other.
   */
  @Test
  void dataAboveTheSoftMaximumNeitherStallsWritesNorRequestsBackToBack() throws Exception {
    AtomicLong committed = new AtomicLong(300 * MB);
    AtomicInteger collections = new AtomicInteger();
    CycleRequests cycles = new CycleRequests(collections::incrementAndGet, true);
    HeapSoftMax heap = new HeapSoftMax(null, 6L << 30, false, committed::get, cycles);
    heap.apply(100 * MB);
    try {
      long deadline = System.currentTimeMillis() + 5_000;
      while (collections.get() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, collections.get());
      long t0 = System.nanoTime();
      heap.awaitCollection();
      assertTrue(System.nanoTime() - t0 < 50_000_000L, "no wait once a cycle showed the data does not fit");
      Thread.sleep(300);
      assertEquals(1, collections.get(), "the next request waits " + HeapSoftMax.MIN_WAIT_MILLIS + " ms");
      Thread.sleep(1_500);
      assertTrue(collections.get() >= 2 && collections.get() <= 3, "then backs off: " + collections.get());
    } finally {
      heap.apply(0);
    }
  }

  /**
   * A cycle whose Remark left the heap a little above the soft maximum (148 MB for 145): the data still fits. Writes
   * do not wait for what the next cycle may not give, requests are spaced rather than back to back, and an expansion
   * past the margin is again a reason for writes to wait and for a cycle at once (before, 148 MB read as data too big:
   * writes went on and requests backed off while G1 doubled the heap, RssBoundIT + 275-293 MB).
   */
  @Test
  void aCycleLeavingTheHeapJustAboveTheSoftMaximumStillFits() throws Exception {
    Assumptions.assumeTrue(HeapSoftMax.WRITES_WAIT);
    AtomicLong committed = new AtomicLong(300 * MB);
    AtomicLong next = new AtomicLong(148 * MB); // what each cycle leaves
    java.util.List<Long> starts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CycleRequests cycles = new CycleRequests(() -> {
      starts.add(System.nanoTime());
      committed.set(next.get());
    }, true);
    HeapSoftMax heap = new HeapSoftMax(null, 6L << 30, false, committed::get, cycles);
    heap.apply(100 * MB);
    try {
      assertEquals(145 * MB, heap.softMax());
      long deadline = System.currentTimeMillis() + 5_000;
      while (starts.size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(starts.size() >= 2, "cycles go on while the heap is above the soft maximum: " + starts.size());
      long gap = (starts.get(1) - starts.get(0)) / 1_000_000;
      assertTrue(gap >= HeapSoftMax.MIN_WAIT_MILLIS - 50, "spaced, not back to back: " + gap + " ms");
      long t0 = System.nanoTime();
      heap.awaitCollection();
      assertTrue(System.nanoTime() - t0 < 50_000_000L, "no wait within the margin");
      int before = starts.size();
      next.set(140 * MB);
      long expanded = System.nanoTime();
      committed.set(300 * MB); // G1 expanded the heap past the margin: the data fits, so a cycle at once
      deadline = System.currentTimeMillis() + 5_000;
      while (starts.size() == before && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(starts.size() > before, "a cycle for the expansion");
      long after = (starts.get(before) - expanded) / 1_000_000;
      assertTrue(after < HeapSoftMax.MIN_WAIT_MILLIS / 2, "at once, not after the spacing: " + after + " ms");
    } finally {
      heap.apply(0);
    }
  }

  /** A cycle that runs past the cap does not hold writes longer than {@link HeapSoftMax#MAX_STALL_MILLIS}. */
  @Test
  void aWriteWaitsAtMostTheCapPerEpisode() throws Exception {
    Assumptions.assumeTrue(HeapSoftMax.WRITES_WAIT);
    var run = new BlockingCycles(300 * MB);
    HeapSoftMax heap = run.heap;
    try {
      assertTrue(run.cycleStarted.await(5, TimeUnit.SECONDS));
      long t0 = System.nanoTime();
      heap.awaitCollection();
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waited >= HeapSoftMax.MAX_STALL_MILLIS - 50 && waited < HeapSoftMax.MAX_STALL_MILLIS + 1_000,
          "waited " + waited + " ms");
      t0 = System.nanoTime();
      heap.awaitCollection();
      assertTrue(System.nanoTime() - t0 < 50_000_000L, "the same episode does not stall writes again");
    } finally {
      heap.apply(0);
      run.cycleEnds.release(100);
    }
  }

  /** Lazy free's requests come from the same thread: while a released object stays reachable it asks for cycles. */
  @Test
  void lazyFreeAsksTheSameThreadForCyclesWhileObjectsArePending() throws Exception {
    AtomicInteger collections = new AtomicInteger();
    CycleRequests cycles = new CycleRequests(collections::incrementAndGet, true);
    LazyFree lazy = new LazyFree(cycles);
    Object table = new Object();
    lazy.releaseTable(table, 10);
    assertEquals(10, lazy.pending());
    long deadline = System.currentTimeMillis() + 5_000;
    while (collections.get() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(collections.get() >= 2, "cycles asked for while pending: " + collections.get());
    java.lang.ref.Reference.reachabilityFence(table);
    table = null;
    deadline = System.currentTimeMillis() + 30_000;
    while (lazy.freed() < 10 && System.currentTimeMillis() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertEquals(10, lazy.freed());
    assertEquals(0, lazy.pending());
  }
}
