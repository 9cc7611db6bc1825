package dev.cairn.core.memory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The one thread of the JVM that asks for concurrent collections ({@code System.gc()} under {@code
 * -XX:+ExplicitGCInvokesConcurrent}, which the launcher sets): for the heap's soft maximum ({@link HeapSoftMax}: at
 * once when G1's expansion took the heap above it, backing off while the data itself is above it) and for lazy free
 * ({@link LazyFree}: while released objects stay unreclaimed, at most every {@link #LAZY_INTERVAL_MILLIS}). One cycle
 * serves both; and for a heap that changed and went quiet ({@link IdleCycle}). The same thread counts what the
 * collector reclaimed of lazy free's objects (their phantom references). It runs while there is something to do (a soft
 * maximum kept by this thread, objects pending, idle cycles watched) and looks at least every {@link #POLL_MILLIS}; a
 * collection's end wakes it ({@link #wake}).
 */
final class CycleRequests {
  static final long POLL_MILLIS = 100;
  static final long LAZY_INTERVAL_MILLIS = 500;

  private static final CycleRequests INSTANCE = new CycleRequests(System::gc, LazyFree.explicitGcIsConcurrent());

  /** Starts a concurrent cycle and returns when it has finished. */
  private final Runnable collect;
  /** Whether {@link #collect} is a concurrent cycle: never a stop-the-world full collection is asked for. */
  private final boolean concurrent;
  private HeapSoftMax heap; // guarded by this
  private final Set<LazyFree> lazyFrees = new LinkedHashSet<>(); // guarded by this
  private IdleCycle idle; // guarded by this
  private Thread thread; // guarded by this
  private boolean woken; // guarded by this

  CycleRequests(Runnable collect, boolean concurrent) {
    this.collect = collect;
    this.concurrent = concurrent;
  }

  static CycleRequests get() {
    return INSTANCE;
  }

  /** The soft maximum of {@code heap} is set: the thread keeps it (until {@link HeapSoftMax#active} turns false). */
  synchronized void keep(HeapSoftMax h) {
    heap = h;
    start();
  }

  /** {@code f} has released objects: the thread counts them as they are reclaimed and asks for cycles meanwhile. */
  synchronized void watch(LazyFree f) {
    if (lazyFrees.add(f)) {
      start();
    }
  }

  /** Idle cycles are watched from now on (once per JVM; nothing when they are off or explicit collections are not concurrent). */
  synchronized void watchIdle(IdleCycle i) {
    if (idle == null && i != null && concurrent) {
      idle = i;
      start();
    }
  }

  /** A collection ended with the heap above its soft maximum: look now rather than at the next poll. */
  synchronized void wake() {
    woken = true;
    notifyAll();
  }

  private void start() {
    if (thread == null) {
      thread = new Thread(this::run, "cairn-gc-requests");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void run() {
    long lastLazyRequest = System.nanoTime() - LAZY_INTERVAL_MILLIS * 1_000_000;
    boolean lazyWaited = false;
    try {
      while (true) {
        HeapSoftMax h;
        LazyFree[] frees;
        IdleCycle i;
        synchronized (this) {
          i = idle;
          lazyFrees.removeIf(LazyFree::done);
          frees = lazyFrees.toArray(LazyFree[]::new);
          h = heap != null && heap.active() ? heap : null;
          if (h == null && frees.length == 0 && i == null) {
            thread = null;
            return;
          }
        }
        boolean lazyPending = false;
        for (LazyFree f : frees) {
          lazyPending |= f.drain();
        }
        // lazy free asks once its objects stayed pending for a poll (a young object may be reclaimed without it)
        long now = System.nanoTime();
        boolean lazyWants = concurrent && lazyPending && lazyWaited
            && now - lastLazyRequest >= LAZY_INTERVAL_MILLIS * 1_000_000;
        lazyWaited = lazyPending;
        boolean heapWants = h != null && h.wantsCycle();
        boolean idleWants = i != null && i.wantsCycle(now / 1_000_000);
        if (heapWants || lazyWants || idleWants) {
          lastLazyRequest = now;
          if (heapWants) {
            h.cycleStarts();
          }
          collect.run();
          if (heapWants) {
            h.cycleEnded();
          }
          if (i != null) {
            i.cycleEnded(System.nanoTime() / 1_000_000);
          }
          continue;
        }
        synchronized (this) {
          if (!woken) {
            wait(POLL_MILLIS);
          }
          woken = false;
        }
      }
    } catch (InterruptedException e) {
      synchronized (this) {
        thread = null;
      }
    } finally {
      HeapSoftMax h;
      synchronized (this) {
        h = heap;
      }
      if (h != null) {
        h.cycleEnded(); // writes never wait for a thread that has gone
      }
    }
  }
}
