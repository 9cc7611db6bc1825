package dev.cairn.core.memory;

import dev.cairn.api.keyspace.RedisValue;
import java.lang.management.ManagementFactory;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis's lazy free (UNLINK, FLUSHALL/FLUSHDB ASYNC, {@code replica-lazy-flush}, the {@code lazyfree-lazy-*} options)
 * for a heap the collector frees. The engine thread drops what it releases at once in any case; what is left to do in
 * the background is the reclaim itself, and that is what this class tracks and hastens: each released object (a big
 * value, or a flushed database's table counted as its keys) is watched through a phantom reference, counted in
 * {@code lazyfree_pending_objects} until the collector has found it unreachable, then in {@code lazyfreed_objects}.
 * A thread of its own waits for those references; while something stays pending it asks for a concurrent collection
 * (at once, then at most every {@link #COLLECT_INTERVAL_MILLIS}), so that a dropped dataset's heap is reclaimed and, under the
 * launcher's heap free ratios, given back to the system, as Redis's lazy-free thread gives it back to the allocator.
 * The request is made only where {@code System.gc()} starts a concurrent cycle ({@code -XX:+ExplicitGCInvokesConcurrent},
 * which the launcher sets), never as a stop-the-world full collection; without it the collector's own cycles reclaim.
 *
 * <p>As in Redis, only values whose free takes work are released this way: {@link #effort} above {@link #THRESHOLD}
 * (Redis's allocation count: a hash table's or skip list's elements, a quicklist's nodes, a stream's nodes and
 * consumer groups); a small value is simply dropped, as Redis frees it synchronously.
 */
public final class LazyFree {
  /** Redis's LAZYFREE_THRESHOLD. */
  public static final long THRESHOLD = 64;
  static final long COLLECT_INTERVAL_MILLIS = 500;

  private static final boolean CONCURRENT_GC = explicitGcIsConcurrent();

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  /** The references themselves must stay reachable until they are enqueued. */
  private final Set<Tracked> tracked = ConcurrentHashMap.newKeySet();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong freed = new AtomicLong();
  private boolean running; // guarded by this

  private static final class Tracked extends PhantomReference<Object> {
    final long count;

    Tracked(Object o, long count, ReferenceQueue<Object> q) {
      super(o, q);
      this.count = count;
    }
  }

  /** The work of freeing {@code value} in Redis's terms: 1 for a string or a compact encoding. */
  public static long effort(Object value) {
    return value instanceof RedisValue v ? v.freeEffort() : 1;
  }

  /**
   * A value leaves the keyspace through a lazy delete (UNLINK, or DEL etc. under the lazyfree options): tracked when
   * freeing it is work, as Redis hands such a value to its lazy-free thread. Engine thread.
   */
  public void releaseValue(Object value) {
    if (effort(value) > THRESHOLD) {
      release(value, 1);
    }
  }

  /** A database's old table, of {@code keys} keys, dropped by an asynchronous flush. Engine thread. */
  public void releaseTable(Object table, long keys) {
    if (keys > 0) {
      release(table, keys);
    }
  }

  /** Flushes {@code db}; an asynchronous flush releases its old table here. Returns the keys there were. */
  public long flush(dev.cairn.core.keyspace.Db db, boolean async) {
    Object table = db.table();
    long n = db.flush();
    if (async) {
      releaseTable(table, n);
    }
    return n;
  }

  private void release(Object o, long count) {
    tracked.add(new Tracked(o, count, queue));
    pending.addAndGet(count);
    synchronized (this) {
      if (!running) {
        running = true;
        Thread t = new Thread(this::run, "cairn-lazyfree");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  /** {@code lazyfree_pending_objects}: released and not yet reclaimed by the collector. */
  public long pending() {
    return pending.get();
  }

  /** {@code lazyfreed_objects}: released and reclaimed since the start or CONFIG RESETSTAT. */
  public long freed() {
    return freed.get();
  }

  public void resetStats() {
    freed.set(0);
  }

  /** Waits for the tracked objects to be reclaimed; asks for collections while some stay; ends when none is left. */
  private void run() {
    // the first request goes at the first idle poll: a young object may be reclaimed by then without one
    long lastRequest = System.nanoTime() - COLLECT_INTERVAL_MILLIS * 1_000_000;
    while (true) {
      Reference<?> r;
      try {
        r = queue.remove(100);
      } catch (InterruptedException e) {
        r = null;
      }
      if (r != null) {
        Tracked t = (Tracked) r;
        tracked.remove(t);
        pending.addAndGet(-t.count);
        freed.addAndGet(t.count);
        continue;
      }
      synchronized (this) {
        if (tracked.isEmpty()) {
          running = false;
          return;
        }
      }
      long now = System.nanoTime();
      if (CONCURRENT_GC && now - lastRequest >= COLLECT_INTERVAL_MILLIS * 1_000_000) {
        lastRequest = now;
        System.gc(); // a concurrent cycle (see the class comment); the engine thread goes on meanwhile
      }
    }
  }

  static boolean explicitGcIsConcurrent() {
    try {
      var hs = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return hs != null && Boolean.parseBoolean(hs.getVMOption("ExplicitGCInvokesConcurrent").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
