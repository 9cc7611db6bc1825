package dev.cairn.core.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

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
 *   <li>G1 before JDK 26 ignores that flag, so the JVM's collection-request thread ({@link CycleRequests}) looks at
 *       the committed heap after each collection and at least every {@link CycleRequests#POLL_MILLIS} and, above the
 *       soft maximum, asks for a collection, which {@code -XX:+ExplicitGCInvokesConcurrent} (the launcher's) makes a
 *       concurrent cycle: its Remark shrinks the heap to the launcher's free ratio and the mixed collections after it
 *       reclaim the evicted keys' old regions. While the data fits (the last cycle brought the heap under the soft
 *       maximum), growth past it is G1's expansion after a pause it judged too costly: the cycle is asked for at once,
 *       and writes wait until the heap is back under ({@link #awaitCollection}). A cycle that leaves the heap within
 *       {@link #FITS_MARGIN} above the soft maximum still leaves the data fitting ({@link #near}). One that leaves it
 *       above that (live data larger than it: a JVM shared by several servers, as in tests) ends that: writes
 *       no longer wait, and the next request comes {@link #MIN_WAIT_MILLIS} later, the wait doubling up to {@link
 *       #MAX_BACKOFF_MILLIS}. Without concurrent explicit collections it does nothing: a stop-the-world full
 *       collection is never asked for.
 * </ul>
 * One per JVM: the flag is the JVM's, and the last server to set maxmemory decides.
 */
public final class HeapSoftMax {
  /** Heap the server holds that used_memory does not count, whatever the dataset. */
  static final long SLACK = 20L << 20;
  /**
   * How far above the soft maximum a cycle may leave the heap and the data still count as fitting, and the line above
   * which writes wait after such a cycle ({@link #near}). A Remark sometimes leaves a few MB over the soft maximum
   * (148 MB for 145): judged against the soft maximum itself, the data was taken as not fitting, writes stopped
   * waiting and requests backed off 0.5-1 s while G1 doubled the heap (RssBoundIT + 275-293 MB in 4 of 12 runs).
   */
  static final long FITS_MARGIN = 12L << 20;
  static final long MIN_WAIT_MILLIS = 500;
  static final long MAX_BACKOFF_MILLIS = 10_000;
  /** The longest a write waits for one cycle (a loaded machine's cycles take a second or more). */
  static final long MAX_STALL_MILLIS = 1_000;
  /** Off with {@code -Dcairn.heapWriteWait=false}: writes never wait for a cycle (for before/after measurements). */
  static final boolean WRITES_WAIT = !"false".equals(System.getProperty("cairn.heapWriteWait"));
  static final long PERCENT = Long.getLong("cairn.heapSoftMaxPercent", 125);

  private static final HeapSoftMax INSTANCE = create();

  private final HotSpotDiagnosticMXBean bean;
  private final long maxHeap;
  /** Sets SoftMaxHeapSize (true) or has {@link CycleRequests} keep it (false). */
  private final boolean flag;
  private final LongSupplier committedHeap;
  private final CycleRequests cycles;
  /** The soft maximum being kept, 0 for none. */
  private volatile long softMax;
  private boolean listening; // guarded by this
  private volatile long requests;
  /**
   * The last cycle brought the committed heap under the soft maximum: the data fits, and growth past the soft maximum
   * is the collector's expansion, to be given back by the next cycle's Remark.
   */
  private volatile boolean fits = true;
  /**
   * The last cycle left the heap above the soft maximum but within {@link #FITS_MARGIN} of it: the data fits, but no
   * cycle may bring the heap lower for now. Writes wait only above the margin, and requests below it are spaced by
   * {@link #MIN_WAIT_MILLIS} rather than following each other.
   */
  private volatile boolean near;
  /** The next request's earliest time while the data does not fit ({@link System#currentTimeMillis}). */
  private long notBefore; // the request thread's
  private long backoff = MIN_WAIT_MILLIS; // the request thread's
  /** The heap grew past the soft maximum while the data fits: writes wait until a cycle brings it back under. */
  private volatile boolean over;
  /** How many times {@link #over} was set: writes give up waiting for one episode, not for the next. */
  private volatile long episode;
  private final Object shrunk = new Object();
  /**
   * The lowest committed heap seen (at a collection's end, Remark's included, or a poll) since the last request:
   * whether that cycle brought the heap under the soft maximum, even if a pause after its Remark grew it again.
   */
  private long lowestSinceRequest = Long.MAX_VALUE; // guarded by shrunk
  /** The episode (its number in {@link #episode}) that writes stopped waiting for at {@link #MAX_STALL_MILLIS}. */
  private long stallGivenUp = -1; // engine thread
  private volatile long stallNanos;

  private HeapSoftMax(HotSpotDiagnosticMXBean bean, long maxHeap, boolean flag) {
    this(bean, maxHeap, flag, Runtime.getRuntime()::totalMemory, CycleRequests.get());
  }

  /** One kept by the given thread, with the committed heap as {@code committedHeap} tells (tests). */
  HeapSoftMax(HotSpotDiagnosticMXBean bean, long maxHeap, boolean flag, LongSupplier committedHeap,
      CycleRequests cycles) {
    this.bean = bean;
    this.maxHeap = maxHeap;
    this.flag = flag;
    this.committedHeap = committedHeap;
    this.cycles = cycles;
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
      if (cycles == CycleRequests.get()) {
        listenForCollections();
      }
      cycles.keep(this);
    }
  }

  /** The soft maximum kept now (bytes), 0 for none. */
  public long softMax() {
    return softMax;
  }

  /** Collections asked for since start for the soft maximum. */
  public long requests() {
    return requests;
  }

  /**
   * The heap grows only at a collection (G1 expands after a pause it judged too costly), so each one's end is looked
   * at, and wakes the request thread, rather than the growth being found at its next poll.
   */
  private synchronized void listenForCollections() {
    if (listening) {
      return;
    }
    listening = true;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof javax.management.NotificationEmitter emitter) {
        emitter.addNotificationListener((n, h) -> {
          if (heapOverSoftMax()) {
            cycles.wake();
          }
        }, null, null);
      }
    }
  }

  /** Whether the request thread keeps this soft maximum. */
  boolean active() {
    return !flag && softMax > 0;
  }

  /**
   * After each collection and at each poll: whether the committed heap is above the soft maximum. While the data fits
   * (the last cycle brought the heap under), that is G1's expansion after a pause it judged too costly, and the new
   * regions become resident only as the writes fill them: writes wait ({@link #over}) until a cycle's Remark has
   * shrunk the heap again. Back under it, the wait ends.
   */
  private boolean heapOverSoftMax() {
    long soft = softMax;
    long committed = committedHeap.getAsLong();
    boolean above = soft > 0 && committed > soft;
    synchronized (shrunk) {
      lowestSinceRequest = Math.min(lowestSinceRequest, committed);
      boolean aboveLine = above && committed > waitLine(soft);
      if (aboveLine && fits && WRITES_WAIT && !over) {
        episode++;
        over = true;
      } else if (!aboveLine && over) {
        over = false;
        shrunk.notifyAll();
      }
    }
    return above;
  }

  /** Where writes start waiting: the soft maximum, or its margin above it after a cycle left the heap there. */
  private long waitLine(long soft) {
    return near ? soft + FITS_MARGIN : soft;
  }

  /**
   * The request thread's question: a cycle now? At once for an expansion while the data fits (the writes are waiting
   * for it); for a heap the last cycle left above the soft maximum (within the margin, or live data bigger than it),
   * at most every backoff.
   */
  boolean wantsCycle() {
    return heapOverSoftMax() && (over || fits && !near || System.currentTimeMillis() >= notBefore);
  }

  void cycleStarts() {
    requests++;
    synchronized (shrunk) {
      lowestSinceRequest = Long.MAX_VALUE;
    }
  }

  /**
   * The cycle asked for has finished (or the request thread ends). The data fits if the cycle brought the heap under
   * the soft maximum at some point: judged by the heap at the return alone, an expansion at a pause after the cycle's
   * Remark (mixed collections go on; a System.gc() returns a little later) read as data too big, the episode ended and
   * the writer filled a 116 MB eden before the next request, 500 ms later (RssBoundIT: fixed + 275-280 MB).
   */
  void cycleEnded() {
    boolean above = heapOverSoftMax();
    long lowest;
    synchronized (shrunk) {
      lowest = lowestSinceRequest;
    }
    fits = !above || lowest <= softMax + FITS_MARGIN;
    near = fits && above && lowest > softMax;
    heapOverSoftMax(); // against the line that holds now: near, writes wait only above the margin
    if (!fits) {
      synchronized (shrunk) { // the data outgrew the soft maximum: waiting would not bring the heap under it
        over = false;
        shrunk.notifyAll();
      }
    }
    backoff = fits ? MIN_WAIT_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    notBefore = System.currentTimeMillis() + backoff; // back to back, cycles failed 2 of unit/client-eviction
  }

  /**
   * Before a command that may use more memory, while maxmemory is set (engine thread): while the heap is above the
   * soft maximum and the data fits ({@link #heapOverSoftMax}), waits until a cycle has brought it back under, at most
   * {@link #MAX_STALL_MILLIS} per episode. Redis evicts synchronously, within the write that needs the room; here the
   * room is the collector's to make, and a writer that kept going filled the regions G1 had just added (the heap
   * doubled after a costly pause, and RSS grew by the young generation G1 sized for it, 60-90 MB, before the next
   * cycle's Remark gave them back). Costs a volatile read when the heap is under the soft maximum.
   */
  public void awaitCollection() {
    if (!over) {
      return;
    }
    long ep = episode;
    if (ep == stallGivenUp) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + MAX_STALL_MILLIS * 1_000_000;
    try {
      synchronized (shrunk) {
        while (over && episode == ep) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            stallGivenUp = ep; // writes go on; the next episode may stall them again
            break;
          }
          shrunk.wait(Math.max(1, left / 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stallNanos += System.nanoTime() - start;
  }

  /** Milliseconds commands waited for collections in {@link #awaitCollection} since start. */
  public long stallMillis() {
    return stallNanos / 1_000_000;
  }
}
