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
 * The JVM's collection-request thread ({@link CycleRequests}, which also keeps the heap's soft maximum) counts those
 * references as they come; while something stays pending it asks for a concurrent collection (after a poll, then at
 * most every {@link CycleRequests#LAZY_INTERVAL_MILLIS}), so that a dropped dataset's heap is reclaimed and, under the
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

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  /** The references themselves must stay reachable until they are enqueued. */
  private final Set<Tracked> tracked = ConcurrentHashMap.newKeySet();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong freed = new AtomicLong();
  private final CycleRequests cycles;

  public LazyFree() {
    this(CycleRequests.get());
  }

  /** One watched by the given request thread (tests). */
  LazyFree(CycleRequests cycles) {
    this.cycles = cycles;
  }

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
      release(value instanceof RedisValue v ? v.releaseToken() : value, 1);
    }
  }

  /**
   * A database's old table, of {@code keys} keys, dropped by an asynchronous flush (or an object only the table
   * references, standing for it). Engine thread.
   */
  public void releaseTable(Object table, long keys) {
    if (keys > 0) {
      release(table, keys);
    }
  }

  /** Flushes {@code db}; an asynchronous flush releases its old table here. Returns the keys there were. */
  public long flush(dev.cairn.core.keyspace.Db db, boolean async) {
    Object table = async && db.size() > 0 ? db.tableReleaseToken() : null; // the table itself may be old: see there
    long n = db.flush();
    if (table != null) {
      releaseTable(table, n);
    }
    return n;
  }

  private void release(Object o, long count) {
    tracked.add(new Tracked(o, count, queue));
    pending.addAndGet(count);
    cycles.watch(this);
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

  /** Counts what the collector has reclaimed (request thread); returns whether something is still pending. */
  boolean drain() {
    Reference<?> r;
    while ((r = queue.poll()) != null) {
      Tracked t = (Tracked) r;
      tracked.remove(t);
      pending.addAndGet(-t.count);
      freed.addAndGet(t.count);
    }
    return !tracked.isEmpty();
  }

  /** Nothing is pending: the request thread can forget this one until its next release. */
  boolean done() {
    return tracked.isEmpty(); // a reference leaves it only when drained
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
