package dev.cairn.core.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Keeps the JVM's heap near what {@code maxmemory} allows, so that RSS stays within maxmemory plus the JVM's fixed
 * share (docs/ARCHITECTURE.md, "The JVM's heap"). Without it the collector grows the heap into the garbage eviction
 * leaves: under maxmemory 100mb and an allkeys-lru write load, G1 committed 2 GB for 130 MB live, RSS 370 MB above
 * the empty server's. The soft maximum is maxmemory plus a quarter of it (the collector's room; {@code
 * -Dcairn.heapSoftMaxPercent=125} is that sum as a percentage of maxmemory) plus {@link #SLACK} for what the
 * accounting leaves out; with maxmemory 0 there is none. How it is kept depends on the collector:
 * <ul>
 *   <li>where the collector honours the manageable {@code SoftMaxHeapSize} (ZGC, Shenandoah; G1 from JDK 26), the
 *       flag is set, and the collector runs its cycles to stay under it;
 *   <li>G1 before JDK 26 ignores that flag, so a daemon thread looks at the committed heap every
 *       {@link #POLL_MILLIS} and, above the soft maximum, asks for a collection, which {@code
 *       -XX:+ExplicitGCInvokesConcurrent} (the launcher's) makes a concurrent cycle: its mixed collections reclaim the
 *       evicted keys' old regions and its Remark shrinks the heap to the launcher's free ratio. A request that leaves
 *       the heap above the soft maximum (live data larger than it: a JVM shared by several servers, as in tests)
 *       doubles the wait before the next one, up to {@link #MAX_BACKOFF_MILLIS}. Without concurrent explicit
 *       collections it does nothing: a stop-the-world full collection is never asked for.
 * </ul>
 * One per JVM: the flag is the JVM's, and the last server to set maxmemory decides.
 */
public final class HeapSoftMax {
  /** Heap the server holds that used_memory does not count, whatever the dataset. */
  static final long SLACK = 32L << 20;
  static final long POLL_MILLIS = 100;
  static final long MIN_WAIT_MILLIS = 500;
  static final long MAX_BACKOFF_MILLIS = 10_000;
  static final long PERCENT = Long.getLong("cairn.heapSoftMaxPercent", 125);

  private static final HeapSoftMax INSTANCE = create();

  private final HotSpotDiagnosticMXBean bean;
  private final long maxHeap;
  /** Sets SoftMaxHeapSize (true) or watches the heap from a thread (false). */
  private final boolean flag;
  /** The soft maximum being kept, 0 for none. */
  private volatile long softMax;
  private Thread watcher; // guarded by this
  private volatile long requests;

  private HeapSoftMax(HotSpotDiagnosticMXBean bean, long maxHeap, boolean flag) {
    this.bean = bean;
    this.maxHeap = maxHeap;
    this.flag = flag;
  }

  /** The soft maximum for {@code maxmemory} on a heap of at most {@code maxHeap} bytes; 0 for none. */
  static long softMax(long maxmemory, long maxHeap) {
    if (maxmemory <= 0) {
      return 0;
    }
    long soft = maxmemory / 100 * PERCENT + SLACK;
    return soft < 0 || soft >= maxHeap ? 0 : soft;
  }

  /** This JVM's, or null where nothing can be done (no HotSpot diagnostic bean, G1 without concurrent requests). */
  public static HeapSoftMax get() {
    return INSTANCE;
  }

  private static HeapSoftMax create() {
    try {
      var bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (bean == null) {
        return null;
      }
      long maxHeap = Long.parseLong(bean.getVMOption("MaxHeapSize").getValue());
      boolean g1 = on(bean, "UseG1GC");
      boolean flagHonoured = on(bean, "UseZGC") || on(bean, "UseShenandoahGC")
          || g1 && Runtime.version().feature() >= 26;
      if (flagHonoured && bean.getVMOption("SoftMaxHeapSize").isWriteable()) {
        return new HeapSoftMax(bean, maxHeap, true);
      }
      return g1 && LazyFree.explicitGcIsConcurrent() ? new HeapSoftMax(bean, maxHeap, false) : null;
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static boolean on(HotSpotDiagnosticMXBean bean, String name) {
    try {
      return Boolean.parseBoolean(bean.getVMOption(name).getValue());
    } catch (IllegalArgumentException e) { // not a flag of this JVM
      return false;
    }
  }

  /** At start and on CONFIG SET maxmemory: keeps the heap under the soft maximum for {@code maxmemory}. */
  public void apply(long maxmemory) {
    long soft = softMax(maxmemory, maxHeap);
    softMax = soft;
    if (flag) {
      try {
        bean.setVMOption("SoftMaxHeapSize", Long.toString(soft == 0 ? maxHeap : soft));
      } catch (RuntimeException e) {
        // a value the JVM refuses leaves the flag as it was: the heap grows as the collector decides
      }
    } else if (soft > 0) {
      startWatcher();
    }
  }

  /** The soft maximum kept now (bytes), 0 for none. */
  public long softMax() {
    return softMax;
  }

  /** Collections asked for since start (the watcher's). */
  public long requests() {
    return requests;
  }

  private synchronized void startWatcher() {
    if (watcher == null) {
      watcher = new Thread(this::watch, "cairn-heap-soft-max");
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  private void watch() {
    long wait = MIN_WAIT_MILLIS;
    try {
      while (true) {
        long soft = softMax;
        if (soft == 0) {
          synchronized (this) {
            if (softMax == 0) {
              watcher = null;
              return;
            }
          }
          continue;
        }
        if (Runtime.getRuntime().totalMemory() > soft) {
          requests++;
          System.gc(); // a concurrent cycle (-XX:+ExplicitGCInvokesConcurrent); returns when it has finished
          boolean stillAbove = Runtime.getRuntime().totalMemory() > softMax;
          Thread.sleep(wait);
          wait = stillAbove ? Math.min(MAX_BACKOFF_MILLIS, wait * 2) : MIN_WAIT_MILLIS;
        } else {
          Thread.sleep(POLL_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      synchronized (this) {
        watcher = null;
      }
    }
  }
}
