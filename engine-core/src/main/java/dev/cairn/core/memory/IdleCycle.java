package dev.cairn.core.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A concurrent cycle for a heap that changed and then went quiet, so that heap a burst grew is given back (a cycle's
 * Remark shrinks the heap to the launcher's free ratio; without one an idle server kept 140-690 MB committed for 40 MB
 * of data after indexing a burst of documents). It replaces G1's periodic collection ({@code G1PeriodicGCInterval}),
 * which asks for a cycle whenever no collection ran for its interval: a server busy with commands that allocate
 * nothing (GET, PING) runs none, so it got one every 5 s, each with its young, Remark and mixed pauses, for a heap
 * that had not changed since the last. Here a quiet period ({@link #QUIET_MILLIS} without a collection) asks for a
 * cycle only if the heap's committed or used size moved by more than {@link #slack} since the last cycle this asked
 * for ended. The request thread ({@link CycleRequests}) polls it.
 */
public final class IdleCycle {
  static final long QUIET_MILLIS = Long.getLong("cairn.idleCycleMillis", 5000);
  static final long MIN_SLACK = 4L << 20;

  private final LongSupplier collections;
  private final LongSupplier committed;
  private final LongSupplier used;
  private long lastCollections = -1;
  private long quietSince;
  /** The heap when the last requested cycle ended; -1: none yet, so the first quiet period asks for one. */
  private long committedAfter = -1;
  private long usedAfter = -1;

  IdleCycle(LongSupplier collections, LongSupplier committed, LongSupplier used) {
    this.collections = collections;
    this.committed = committed;
    this.used = used;
  }

  /** Idle cycles from now on, for this JVM (the engine's start; once is enough, later calls change nothing). */
  public static void watchThisJvm() {
    CycleRequests.get().watchIdle(ofThisJvm());
  }

  /** The JVM's collectors and heap, or null when idle cycles are off ({@code -Dcairn.idleCycleMillis=0}). */
  static IdleCycle ofThisJvm() {
    if (QUIET_MILLIS <= 0) {
      return null;
    }
    List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    return new IdleCycle(() -> {
      long n = 0;
      for (GarbageCollectorMXBean gc : gcs) {
        n += Math.max(0, gc.getCollectionCount());
      }
      return n;
    }, () -> memory.getHeapMemoryUsage().getCommitted(), () -> memory.getHeapMemoryUsage().getUsed());
  }

  /** How far the heap may move from where the last cycle left it without another: 10% of it, at least 4 MB. */
  static long slack(long committed) {
    return Math.max(MIN_SLACK, committed / 10);
  }

  /** Asked at each poll: a cycle now? */
  boolean wantsCycle(long nowMillis) {
    long n = collections.getAsLong();
    if (n != lastCollections) {
      lastCollections = n;
      quietSince = nowMillis;
      return false;
    }
    if (nowMillis - quietSince < QUIET_MILLIS) {
      return false;
    }
    quietSince = nowMillis; // asked once a quiet period, whatever the answer
    if (committedAfter < 0) {
      return true;
    }
    long c = committed.getAsLong();
    long u = used.getAsLong();
    long slack = slack(committedAfter);
    return Math.abs(c - committedAfter) > slack || Math.abs(u - usedAfter) > slack;
  }

  /** The cycle asked for has ended: the heap it left is the reference for the next quiet period. */
  void cycleEnded(long nowMillis) {
    committedAfter = committed.getAsLong();
    usedAfter = used.getAsLong();
    lastCollections = collections.getAsLong();
    quietSince = nowMillis;
  }
}
