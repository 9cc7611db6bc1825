package dev.cairn.graph;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a graph's readers on reader threads apart from its writes on the engine thread, as RedisGraph's read-write
 * lock did, without ever making the engine thread wait for a read:
 * <ul>
 *   <li>the engine thread counts a reader in when it hands the read to the pool ({@link #reserve}); the reader counts
 *       itself out when done ({@link #release});
 *   <li>a write that finds readers in (or operations queued) is queued with its client blocked ({@link #enqueue}),
 *       and so is every read behind it, so writes are not starved; when the last reader leaves, the engine thread
 *       runs the queue in order ({@link #drain}, a task of its own): reads go to the pool, a write runs once no
 *       reader is in;
 *   <li>a write that cannot wait (inside MULTI or a script, or the master's stream) preempts the readers instead
 *       ({@link #beginWrite}): it raises a flag that every reader checks every few thousand steps, and waits the few
 *       microseconds until they have left; each preempted read runs again afterwards.
 * </ul>
 * So a reader sees the graph between two writes, never during one. The queue belongs to the engine thread; the
 * reader count and the two flags are how the threads meet. Lost wake-ups are ruled out as in Dekker's handshake: the
 * engine thread sets {@code queued} and then reads the count; a reader lowers the count and then reads
 * {@code queued}; at least one of them sees the other and drains.
 */
final class ReadGate {
  /** Thrown in a reader that must make way for a write; the read runs again after it. */
  static final class Preempted extends RuntimeException {
    Preempted() {
      super(null, null, false, false);
    }
  }

  static final Preempted PREEMPTED = new Preempted();

  /** An operation waiting for its turn: a read (handed to the pool) or a write (run on the engine thread). */
  interface Queued {
    boolean write();

    void run();
  }

  private final AtomicInteger readers = new AtomicInteger();
  private volatile boolean preempt;
  private volatile boolean queued;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>(); // engine thread only
  private int writeDepth;

  /** Engine thread: whether an operation must queue (readers in, or others queued before it). */
  boolean busy() {
    return readers.get() > 0 || !queue.isEmpty();
  }

  /** Engine thread: whether a read must queue behind a waiting write. */
  boolean writesWaiting() {
    return !queue.isEmpty();
  }

  /** Engine thread: counts a reader in before handing it to the pool. */
  void reserve() {
    readers.incrementAndGet();
  }

  /** Reader thread: counts itself out; true when the engine thread must {@link #drain} now. */
  boolean release() {
    return readers.decrementAndGet() == 0 && queued;
  }

  /**
   * Engine thread: queues an operation behind the readers in. True when they all left meanwhile: the caller must then
   * have {@link #drain} run (as a task of its own, not inside the command that queued).
   */
  boolean enqueue(Queued op) {
    queue.add(op);
    queued = true;
    return readers.get() == 0;
  }

  /** Engine thread: runs the queue in order, as far as it can (a write waits for the readers to leave). */
  void drain() {
    while (!queue.isEmpty()) {
      if (queue.peek().write() && readers.get() > 0) {
        return; // the last of them drains again
      }
      queue.poll().run();
    }
    queued = false;
  }

  /** Reader thread, at each check: leaves by {@link Preempted} when a write that cannot wait is waiting. */
  void check() {
    if (preempt) {
      throw PREEMPTED;
    }
  }

  /** Engine thread, a write that cannot queue: preempts the readers and waits until they have left. Nests. */
  void beginWrite() {
    if (writeDepth++ > 0 || readers.get() == 0) {
      return;
    }
    preempt = true;
    int spins = 0;
    while (readers.get() > 0) {
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(20_000);
      }
    }
  }

  /** Engine thread: the write is over. */
  void endWrite() {
    if (--writeDepth == 0) {
      preempt = false;
    }
  }

  /** How many readers are in (tests). */
  int readers() {
    return readers.get();
  }
}
