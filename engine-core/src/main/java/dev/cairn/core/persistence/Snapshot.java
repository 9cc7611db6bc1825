package dev.cairn.core.persistence;

import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.EngineLoop;
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.keyspace.SnapshotGuard;
import dev.cairn.core.log.Log;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A point-in-time image of the keyspace, written by a background thread while writes go on: the fork-less BGSAVE (and
 * BGREWRITEAOF's base, and full syncs). Memory overhead is bounded by what is written during the snapshot, never by the
 * dataset's size.
 *
 * <p>How: when the snapshot starts it takes a new epoch and holds on to each database's table. A <b>walker</b> on the
 * engine thread visits the tables in slices (one slice per event-loop turn, so clients are served in between), hands
 * each entry it has not yet taken to the snapshot thread in batches, and marks the entry with the epoch. Every write
 * path of the keyspace calls {@link #beforeChange} first ({@link SnapshotGuard}): an entry not yet taken is taken right
 * then, as it is before the write, so the snapshot sees every key as it was at the start (copy-on-write per entry).
 * Entries created after the start carry the epoch already and are skipped.
 *
 * <p>The snapshot thread reads the values it was handed while the engine goes on; what keeps them unchanged:
 * <ul>
 *   <li>a value about to change in place is copied ({@link RedisValue#copy}) and the copy is handed over; a replaced
 *       or deleted value is handed over as it is (nothing else refers to it any more); strings are immutable
 *       {@code byte[]} and never copied;
 *   <li>a string in a table's {@link dev.cairn.core.keyspace.StringArena} is handed over as its page and slot: the
 *       arenas of the walked tables park the slots freed while the snapshot runs, each until the snapshot thread has
 *       written every record taken before it was freed (records are written in the order taken), so the snapshot
 *       thread reads the bytes in place;
 *   <li>a value handed over whole and still queued ("lent") that is then written in place is taken back: the engine
 *       swaps a copy into the queued record before the snapshot thread claims it, or, if that thread is serializing
 *       it at this very moment, waits for that one value;
 *   <li>a type whose codec cannot be read concurrently (module types, whose code runs on the engine thread) is
 *       serialized on the engine thread when taken ({@link SnapshotSink#prepare}).
 * </ul>
 * The walker reads each table in bucket order, which reads the table's array sequentially (SCAN's reverse-binary order
 * jumps across it, a cache miss per bucket): tables do not resize while their walk is on ({@link ByteDict#beginWalk}),
 * as Redis does not resize while a child runs, unless one grows five times over full; the walker then goes on over
 * that table in SCAN's order, which survives resizes, and the marks skip entries seen twice. FLUSHDB leaves the dropped
 * table to the walker.
 */
public final class Snapshot implements SnapshotGuard {
  /** How a snapshot ended. */
  public enum Outcome { DONE, FAILED, ABORTED }

  private static final int BATCH = 256;
  /** Longest the walker keeps the engine thread per event-loop turn. */
  private static final long SLICE_NANOS = 250_000;
  /**
   * How far the walker may run ahead of the snapshot thread: about {@link #LEASH_MILLIS} of that thread's work, at
   * least {@link #MIN_LEASH} and at most this many records (tests lower it). A short leash keeps little queued (the
   * queued values are the ones a write must take back) and leaves the rest of the keyspace untaken, so that what a
   * write changes is what the snapshot copies; a long one saves wake-ups.
   */
  static volatile long maxInFlight = 64 * 1024;
  static final long LEASH_MILLIS = 10;
  static final long MIN_LEASH = 256;
  /** An entry's mark holds 8 bits of epoch; after this many aborted snapshots in a row, marks are reset. */
  private static final int REMARK_AFTER_ABORTS = 200;

  private final Keyspace keyspace;
  private final EngineLoop loop;
  private final SnapshotSink sink;
  private final int epoch;
  private final ByteDict<Entry>[] dicts;
  /** The tables' string arenas at the start: they park freed slots while the snapshot may read them in place. */
  private final dev.cairn.core.keyspace.StringArena[] arenas;
  private final SnapshotInfo info;
  private final BiConsumer<Outcome, Throwable> onDone;
  private final Thread thread;
  /** Batches for the snapshot thread. Lock-free: a lock the snapshot thread held when preempted would stall the engine. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Batch> queue =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** The snapshot thread is parked waiting for a batch (or about to be): who queues one unparks it. */
  private volatile boolean idle;
  /** Lent values: handed over whole and perhaps not yet written, by identity. */
  private final Map<Object, Batch> lent = new IdentityHashMap<>();
  /** Batches the snapshot thread has written, for the engine thread to forget their lent values and reuse them. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Batch> writtenBatches =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Written batches ready for reuse (engine thread only): a snapshot allocates about as many as its leash holds. */
  private final ArrayDeque<Batch> pool = new ArrayDeque<>();
  private final long startMillis = System.currentTimeMillis();
  private Batch current = new Batch();
  private int walkDb;
  /** Where the walker is in the current table: a bucket index in bucket order, or SCAN's cursor after a resize. */
  private long walkCursor;
  /** The current table is walked in bucket order (its layout has not changed since the start). */
  private boolean bucketOrder = true;
  /** Each table's layout when the snapshot started, and whether its walk (and the resize pause) is still on. */
  private final int[] layouts;
  private final boolean[] walking;
  private boolean walked;
  private boolean ended;
  /** Records taken so far (engine thread). */
  private long taken;
  /**
   * What the arenas of the walked tables read to reuse a slot freed during the snapshot once every record taken
   * before it was freed has been written (records are written in the order taken).
   */
  private final dev.cairn.core.keyspace.StringArena.SnapshotProgress progress =
      new dev.cairn.core.keyspace.StringArena.SnapshotProgress() {
        @Override
        public long taken() {
          return taken;
        }

        @Override
        public long written() {
          return written;
        }
      };
  /**
   * Records in batches queued for the snapshot thread, which reads it to wake a waiting walker: published once per
   * batch rather than per record (a volatile store per key would cost the walker a fence per key).
   */
  private volatile long handedOver;
  /** The walker stopped for the snapshot thread to catch up; whoever clears this runs the next step. */
  private final java.util.concurrent.atomic.AtomicBoolean walkerWaiting =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean aborted;
  private volatile long written;
  /** Bytes of values copied or kept alive for the snapshot (INFO's current_cow_size). */
  private long cowBytes;
  private long cowPeak;
  /** Microseconds the snapshot thread sleeps after each key (rdb-key-save-delay, for tests), re-read at each key. */
  private final java.util.function.LongSupplier keyDelayMicros;
  /** Commands the engine has served so far (read racily: it only tells whether clients are being served). */
  private final java.util.function.LongSupplier clientActivity;
  /** How the snapshot thread ended, for {@link #ended} (set before it stops). */
  private volatile Outcome finalOutcome;
  private volatile Throwable finalFailure;

  private static final Batch END = new Batch();

  @SuppressWarnings("unchecked")
  private Snapshot(Keyspace keyspace, EngineLoop loop, SnapshotSink sink, SnapshotInfo info,
      java.util.function.LongSupplier keyDelayMicros, java.util.function.LongSupplier clientActivity,
      String threadName, BiConsumer<Outcome, Throwable> onDone) {
    this.keyspace = keyspace;
    this.clientActivity = clientActivity;
    this.loop = loop;
    this.sink = sink;
    this.info = info;
    this.keyDelayMicros = keyDelayMicros;
    this.onDone = onDone;
    this.epoch = (keyspace.lastSnapshotEpoch() + 1) & 0xff;
    this.dicts = new ByteDict[keyspace.databases()];
    this.layouts = new int[dicts.length];
    this.walking = new boolean[dicts.length];
    this.arenas = new dev.cairn.core.keyspace.StringArena[dicts.length];
    for (int i = 0; i < dicts.length; i++) {
      dicts[i] = keyspace.db(i).dict();
      arenas[i] = keyspace.db(i).arena();
    }
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  /**
   * Starts a snapshot of {@code keyspace} into {@code sink} (on the engine thread). {@code onDone} runs on the engine
   * thread when it has ended, with the outcome and, when it failed, the cause. {@code keyDelayMicros} is read after
   * each key (Persistence passes the value the job started with, as a forked child keeps its own).
   */
  public static Snapshot start(Keyspace keyspace, EngineLoop loop, SnapshotSink sink, SnapshotInfo info,
      java.util.function.LongSupplier keyDelayMicros, java.util.function.LongSupplier clientActivity,
      String threadName, BiConsumer<Outcome, Throwable> onDone) {
    if (keyspace.snapshotGuard() != null) {
      throw new IllegalStateException("a snapshot is already running");
    }
    if (keyspace.abortedSnapshotsInARow >= REMARK_AFTER_ABORTS) {
      remarkAll(keyspace);
    }
    Snapshot s = new Snapshot(keyspace, loop, sink, info, keyDelayMicros, clientActivity, threadName, onDone);
    for (int i = 0; i < s.dicts.length; i++) {
      s.dicts[i].beginWalk();
      s.walking[i] = true;
      s.layouts[i] = s.dicts[i].layout();
      s.arenas[i].park(s.progress);
    }
    keyspace.setSnapshotGuard(s);
    s.thread.start();
    loop.execute(s::step);
    return s;
  }

  /**
   * Gives every entry the latest epoch's mark, so that no stale mark can equal a new epoch (marks are 8 bits; only a
   * long run of aborted snapshots, each marking part of the keyspace, could leave one that old).
   */
  private static void remarkAll(Keyspace keyspace) {
    int mark = keyspace.lastSnapshotEpoch();
    for (int i = 0; i < keyspace.databases(); i++) {
      keyspace.db(i).forEach(e -> e.setMark(mark));
    }
    keyspace.abortedSnapshotsInARow = 0;
  }

  @Override
  public int epoch() {
    return epoch;
  }

  public SnapshotInfo info() {
    return info;
  }

  public long startMillis() {
    return startMillis;
  }

  /** Keys the snapshot thread has written so far. */
  public long keysWritten() {
    return written;
  }

  public long cowBytes() {
    return cowBytes;
  }

  public long cowPeak() {
    return cowPeak;
  }

  public boolean aborted() {
    return aborted;
  }

  /** Stops the snapshot (FLUSHALL, shutdown, a killed BGSAVE): its output is discarded; {@code onDone} still runs. */
  public void abort() {
    if (!aborted && !ended) {
      aborted = true;
      hand(END);
      thread.interrupt();
    }
  }

  /** Waits up to {@code millis} for the snapshot thread to stop (after {@link #abort}, at shutdown). */
  public void join(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the walker, on the engine thread

  private void step() {
    long start = System.nanoTime();
    try {
      walkStep();
    } finally {
      walkerNanos += System.nanoTime() - start;
      walkerSlices++;
    }
  }

  private void walkStep() {
    if (ended) {
      return;
    }
    pruneLent();
    if (aborted || walked) {
      return;
    }
    long deadline = System.nanoTime() + SLICE_NANOS;
    int n = 0;
    long leash = leash();
    while (true) {
      if (aborted) {
        return;
      }
      if (taken - written > leash) {
        flush();
        // wait for the snapshot thread to drain half the queue: it runs the next step then (see run)
        walkerWaiting.set(true);
        if (taken - written > leash / 2 || !walkerWaiting.compareAndSet(true, false)) {
          return;
        }
      }
      ByteDict<Entry> d = dicts[walkDb];
      if (bucketOrder && d.layout() != layouts[walkDb]) {
        // the table grew past the forced-resize ratio: a whole pass in SCAN's order, which survives resizes (the
        // marks skip what was taken)
        bucketOrder = false;
        walkCursor = 0;
      }
      boolean tableDone;
      if (bucketOrder) {
        walkCursor = d.gather(walkCursor, GATHER_BUCKETS, block);
        visitBlock();
        tableDone = walkCursor < 0;
      } else {
        walkCursor = d.scan(walkCursor, visitor);
        tableDone = walkCursor == 0;
      }
      if (tableDone) {
        endWalk(walkDb);
        walkCursor = 0;
        bucketOrder = true;
        if (++walkDb == dicts.length) {
          walked = true;
          flush();
          hand(END);
          return;
        }
      }
      if ((bucketOrder || (++n & 7) == 0) && System.nanoTime() > deadline) {
        break;
      }
    }
    flush();
    reschedule(0);
  }

  /**
   * Visits the entries {@link ByteDict#gather} put in {@link #block}, after reading each one's value reference and the
   * value's class in a tight loop first: those loads are independent of each other, so their cache misses overlap
   * (a block of 64 buckets is read in about the time of a few misses), and the visits find the lines in the cache.
   */
  private void visitBlock() {
    int size = block.size();
    int strings = 0;
    for (int i = 0; i < size; i++) {
      if (block.get(i).valueObject() instanceof byte[]) {
        strings++;
      }
    }
    touched += strings;
    for (int i = 0; i < size; i++) {
      visit(block.get(i));
    }
  }

  /** Lets the table resize again (once its walk is over, or the snapshot ended). */
  private void endWalk(int db) {
    if (walking[db]) {
      walking[db] = false;
      dicts[db].endWalk();
    }
  }

  /** The current leash, from the snapshot thread's rate so far (records per millisecond). */
  private long leash() {
    long elapsed = System.currentTimeMillis() - startMillis;
    long w = written;
    long rate = elapsed > 0 && w > 0 ? w / elapsed : 0;
    long max = maxInFlight;
    return rate == 0 ? Math.min(4096, max) : Math.max(Math.min(MIN_LEASH, max), Math.min(max, rate * LEASH_MILLIS));
  }

  /** Runs the next slice after the event loop has served its sockets (a task it runs at once would starve them). */
  private void reschedule(long delayNanos) {
    loop.schedule(this::step, delayNanos, TimeUnit.NANOSECONDS);
  }

  private final java.util.function.Consumer<Entry> visitor = this::visit;
  /** Buckets the walker gathers at a time in bucket order, and the entries it gathered. */
  private static final int GATHER_BUCKETS = 64;
  private final ByteDict.NodeBlock<Entry> block = new ByteDict.NodeBlock<>();
  /** Values whose class the walker read ahead (kept so that the compiler cannot drop those reads). */
  private long touched;
  /** Engine-thread time the walker has taken, and in how many slices (logged at the end, verbose). */
  private long walkerNanos;
  private int walkerSlices;

  private void visit(Entry e) {
    if (e.mark() != epoch) {
      e.setMark(epoch);
      take(walkDb, e, Hand.KEPT);
    }
  }

  // ---- copy-on-write, on the engine thread

  @Override
  public void beforeChange(Db db, Entry e, Change change) {
    if (e.mark() == epoch) {
      if (change == Change.IN_PLACE && !lent.isEmpty()) {
        takeBack(e.valueObject());
      }
      return;
    }
    e.setMark(epoch);
    if (aborted || ended) {
      return;
    }
    int index = indexOf(db.dict());
    if (index >= 0) {
      take(index, e, switch (change) {
        case IN_PLACE -> Hand.COPY;
        case REPLACE, REMOVE -> Hand.GONE;
        case MOVE, EXPIRY -> Hand.KEPT;
      });
    }
  }

  @Override
  public void beforeFlush(Db db, ByteDict<Entry> dict) {
    // the walker goes on over the dropped table; values the engine thread must serialize go now, before they are freed
    if (aborted || ended || indexOf(dict) < 0) {
      return;
    }
    int index = indexOf(dict);
    dict.forEach(e -> {
      Object v = e.valueObject(); // null: a string in the arena, which any thread may write
      if (e.mark() != epoch && v != null && !sink.concurrent(v)) {
        e.setMark(epoch);
        take(index, e, Hand.GONE);
      }
    });
    flush();
  }

  private int indexOf(ByteDict<Entry> dict) {
    for (int i = 0; i < dicts.length; i++) {
      if (dicts[i] == dict) {
        return i;
      }
    }
    return -1;
  }

  /** How a value is handed to the snapshot thread. */
  private enum Hand {
    /** A copy: the value is about to change in place. */
    COPY,
    /** The value itself, which stays reachable (under its key or another): lent, and taken back if written. */
    KEPT,
    /** The value itself, which leaves the keyspace: nothing will change it any more. */
    GONE
  }

  /** Hands the entry's current value, expiry and access data to the snapshot thread. */
  private void take(int db, Entry e, Hand hand) {
    dev.cairn.core.keyspace.StringArena arena = e.arena();
    if (arena != null) {
      // a string in its table's arena: the snapshot thread reads the slot in place (a freed slot stays parked until
      // this record is written, so its bytes stay); a slot kept only for the snapshot counts as copy-on-write
      int h = e.handle();
      if (hand != Hand.KEPT) {
        addCow(dev.cairn.core.keyspace.StringArena.slotSize(arena.length(h)));
      }
      current.addSlot(db, e.key, arena.page(h), h, e.expireAt(), e.lru());
      taken++;
      if (current.n == BATCH || walkerWaiting.get()) {
        flush();
      }
      return;
    }
    Object v = e.value();
    boolean prepared = false;
    boolean track = false;
    if (!sink.concurrent(v)) {
      v = sink.prepare(db, e.key, v);
      prepared = true;
    } else if (hand == Hand.COPY) {
      if (v instanceof RedisValue r) {
        v = r.copy();
      }
      addCow(v); // a string is not copied, but its in-place change makes the keyspace a new one
    } else if (hand == Hand.KEPT) {
      track = v instanceof RedisValue; // strings are immutable byte[]: nothing to take back
    } else if (hand == Hand.GONE) {
      addCow(v); // kept alive only for the snapshot
    }
    Batch b = current;
    b.add(db, e.key, v, prepared, e.expireAt(), e.lru());
    if (track) {
      lent.put(v, b);
      b.tracked = true;
    }
    taken++;
    // while the walker waits, the snapshot thread only wakes it after a batch it was given: a copy left in the batch
    // being filled would keep the count of records in flight up and both threads waiting
    if (b.n == BATCH || walkerWaiting.get()) {
      flush();
    }
  }

  private void addCow(Object v) {
    addCow(v instanceof byte[] b ? b.length + 16 : Math.max(0, ((RedisValue) v).estimatedBytes(16)));
  }

  private void addCow(long size) {
    cowBytes += size;
    cowPeak = Math.max(cowPeak, cowBytes);
  }

  /** A lent value is about to change in place: swap a copy into its record, or wait while it is being written. */
  private void takeBack(Object value) {
    Batch b = lent.remove(value);
    if (b == null) {
      return;
    }
    int i = b.indexOf(value);
    if (i < 0) {
      return;
    }
    RedisValue copy = ((RedisValue) value).copy();
    if (!b.replace(i, copy)) {
      b.awaitWritten(i);
    } else {
      addCow(copy);
    }
  }

  /** Forgets the lent values of batches the snapshot thread has written, and keeps the batches for reuse. */
  private void pruneLent() {
    Batch b;
    while ((b = writtenBatches.poll()) != null) {
      if (b.tracked) {
        for (int i = 0; i < b.n; i++) {
          if (lent.get(b.values[i]) == b) {
            lent.remove(b.values[i]);
          }
        }
      }
      b.clear();
      pool.add(b);
    }
  }

  private void flush() {
    if (current.n > 0) {
      handedOver = taken;
      hand(current);
      Batch next = pool.poll();
      current = next != null ? next : new Batch();
    }
  }

  /** Queues a batch for the snapshot thread, waking it if it waits for one. */
  private void hand(Batch b) {
    queue.add(b);
    if (idle) {
      java.util.concurrent.locks.LockSupport.unpark(thread);
    }
  }

  // ---- the snapshot thread

  /** The next batch, waiting for one as long as it takes. */
  private Batch next() throws InterruptedException {
    Batch b;
    while ((b = queue.poll()) == null) {
      idle = true;
      if ((b = queue.poll()) != null) { // queued before the flag was seen: no unpark may come
        idle = false;
        return b;
      }
      java.util.concurrent.locks.LockSupport.park(this);
      idle = false;
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return b;
  }

  private void run() {
    Outcome outcome = Outcome.DONE;
    Throwable failure = null;
    try {
      sink.begin(info);
      long count = 0;
      Pacer pacer = new Pacer(clientActivity);
      while (true) {
        Batch b = next();
        if (b == END || aborted) {
          break;
        }
        for (int i = 0; i < b.n && !aborted; i++) {
          Object v = b.claim(i);
          try {
            if (b.inArena[i]) { // the slot read in place: no copy per string
              byte[] page = (byte[]) v;
              int h = b.handles[i];
              sink.writeString(b.dbs[i], b.keys[i], page, dev.cairn.core.keyspace.StringArena.offset(h),
                  dev.cairn.core.keyspace.StringArena.length(page, h), b.expires[i], b.lrus[i]);
            } else {
              sink.write(b.dbs[i], b.keys[i], v, b.prepared[i], b.expires[i], b.lrus[i]);
            }
          } finally {
            b.written(i);
          }
          written = ++count;
          delay();
        }
        b.done = true;
        writtenBatches.add(b);
        pacer.afterBatch();
        if (walkerWaiting.get() && handedOver - count <= leash() / 2 && walkerWaiting.compareAndSet(true, false)) {
          loop.execute(this::step);
        }
      }
      if (aborted) {
        outcome = Outcome.ABORTED;
        sink.discard();
      } else {
        sink.finish();
      }
    } catch (InterruptedException e) {
      outcome = Outcome.ABORTED;
      sink.discard();
    } catch (Throwable t) {
      outcome = aborted ? Outcome.ABORTED : Outcome.FAILED;
      failure = t;
      sink.discard();
    } finally {
      releaseAll();
    }
    finalFailure = failure;
    finalOutcome = outcome;
    loop.execute(this::ended);
  }

  /** Marks every queued record written, so that an engine thread waiting on one never waits for ever. */
  private void releaseAll() {
    for (Batch b : queue) {
      b.done = true;
    }
  }

  /** How often the snapshot thread considers pausing, in nanoseconds of its processor time. */
  static final long PACING_SLICE_NANOS = 1_000_000;
  /**
   * The share of one processor the snapshot thread may use while clients are served, in percent (the walker, leashed
   * to it, slows down with it). The default makes a 2M-key save under load last about as long as Redis's forked child
   * takes for it; {@code -Dcairn.snapshot.busyCpuPercent} changes it (100: no pacing).
   */
  static final int BUSY_CPU_PERCENT = Math.max(1, Math.min(100, Integer.getInteger("cairn.snapshot.busyCpuPercent", 15)));
  /** Clients count as served from this rate on (a harness polling INFO does not slow a save down). */
  static final long BUSY_COMMANDS_PER_SECOND = 10_000;

  /**
   * How long the snapshot thread pauses after {@code cpuNanos} of processor time used over {@code wallNanos} since its
   * last pause, while the engine served {@code commandsServed} commands over {@code periodNanos} (the time since the
   * last decision, pause included; negative after CONFIG RESETSTAT). While clients are served, the snapshot keeps to
   * {@link #BUSY_CPU_PERCENT} of a processor: on a machine with few cores its thread competes with the engine thread
   * (and the walker takes engine time), and a BGSAVE that ends later hurts no one, while a request that waits does.
   * The budget is counted in the thread's own processor time, so the time it spent preempted (waiting for a core,
   * which is the engine's or the clients') counts as pause already. An idle server's snapshot runs flat out.
   */
  static long pause(long cpuNanos, long wallNanos, long commandsServed, long periodNanos) {
    boolean busy = commandsServed < 0 || commandsServed * 1_000_000_000L >= BUSY_COMMANDS_PER_SECOND * periodNanos;
    return busy ? Math.max(0, cpuNanos * 100 / BUSY_CPU_PERCENT - wallNanos) : 0;
  }

  /** Keeps the snapshot thread to its processor budget (see {@link #pause}); snapshot thread only. */
  private static final class Pacer {
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    private final java.util.function.LongSupplier clientActivity;
    private final boolean cpuClock = THREADS.isCurrentThreadCpuTimeSupported();
    /** Processor and wall time when the thread last woke from a pause. */
    private long cpuStart = cpuNanos();
    private long wallStart = System.nanoTime();
    /** Commands served, and the time, at the last decision. */
    private long activity;
    private long decidedAt = wallStart;

    Pacer(java.util.function.LongSupplier clientActivity) {
      this.clientActivity = clientActivity;
      this.activity = clientActivity.getAsLong();
    }

    /** The thread's processor time (its wall time where the JVM cannot tell). */
    private long cpuNanos() {
      return cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    void afterBatch() throws InterruptedException {
      long cpu = cpuNanos() - cpuStart;
      if (cpu < PACING_SLICE_NANOS) {
        return;
      }
      long now = System.nanoTime();
      long a = clientActivity.getAsLong();
      long sleep = pause(cpu, now - wallStart, a - activity, now - decidedAt);
      activity = a;
      decidedAt = now;
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      cpuStart = cpuNanos();
      wallStart = System.nanoTime();
    }
  }

  /** rdb-key-save-delay after a key, slept in slices so that a lowered delay takes effect during a long one. */
  private void delay() throws InterruptedException {
    long micros = keyDelayMicros.getAsLong();
    if (micros < 0) {
      micros = java.util.concurrent.ThreadLocalRandom.current().nextLong(-micros) == 0 ? 1 : 0;
    }
    long waited = 0;
    while (waited < micros && !aborted) {
      long slice = Math.min(micros - waited, 50_000);
      TimeUnit.MICROSECONDS.sleep(slice);
      waited += slice;
      long now = keyDelayMicros.getAsLong();
      if (now >= 0) {
        micros = Math.min(micros, now);
      }
    }
  }

  /**
   * Stops the snapshot and waits (up to {@code millis}) for its thread, then ends it on the spot: {@code onDone} has
   * run when this returns, so that a new snapshot can start at once (a rewrite restarted by CONFIG SET appendonly, as
   * Redis waits for the child it kills). Engine thread.
   */
  public void abortAndWait(long millis) {
    abort();
    join(millis);
    if (!thread.isAlive()) {
      ended();
    }
  }

  /** On the engine thread, once the snapshot thread has stopped (once, whoever gets here first). */
  private void ended() {
    if (ended) {
      return;
    }
    Outcome outcome = finalOutcome;
    Throwable failure = finalFailure;
    ended = true;
    for (int i = 0; i < dicts.length; i++) {
      endWalk(i);
      arenas[i].unpark();
    }
    if (keyspace.snapshotGuard() == this) {
      keyspace.setSnapshotGuard(null);
    }
    keyspace.abortedSnapshotsInARow = outcome == Outcome.DONE ? 0 : keyspace.abortedSnapshotsInARow + 1;
    lent.clear();
    block.clear();
    Log.log(Log.Level.VERBOSE, String.format("Snapshot walk: %.1f ms of the main thread in %d slices, %d keys written",
        walkerNanos / 1e6, walkerSlices, written));
    pool.clear();
    writtenBatches.clear();
    try {
      onDone.accept(outcome, failure);
    } catch (RuntimeException e) {
      Log.log(Log.Level.WARNING, "Error after a snapshot ended: " + e);
    }
  }

  /** Records handed over together, in arrays; per record a state word the two threads agree through. */
  private static final class Batch {
    private static final java.lang.invoke.VarHandle STATE =
        java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);
    static final int PENDING = 0;
    static final int CLAIMED = 1;
    static final int REPLACED = 2;
    static final int WRITTEN = 3;

    final int[] dbs = new int[BATCH];
    final byte[][] keys = new byte[BATCH][];
    final Object[] values = new Object[BATCH];
    final Object[] replacements = new Object[BATCH];
    final boolean[] prepared = new boolean[BATCH];
    final long[] expires = new long[BATCH];
    final int[] lrus = new int[BATCH];
    final int[] states = new int[BATCH];
    /** The record is a string in an arena: its value is the page, and the slot is at {@link #handles}. */
    final boolean[] inArena = new boolean[BATCH];
    final int[] handles = new int[BATCH];
    int n;
    volatile boolean done;
    /** Some value here is lent (in the engine's map of lent values). */
    boolean tracked;

    /** Empties the batch for reuse (its references dropped, its states pending again). */
    void clear() {
      java.util.Arrays.fill(keys, 0, n, null);
      java.util.Arrays.fill(values, 0, n, null);
      java.util.Arrays.fill(replacements, 0, n, null);
      java.util.Arrays.fill(states, 0, n, PENDING);
      java.util.Arrays.fill(inArena, 0, n, false);
      n = 0;
      tracked = false;
      done = false;
    }

    void add(int db, byte[] key, Object value, boolean prep, long expireAt, int lru) {
      dbs[n] = db;
      keys[n] = key;
      values[n] = value;
      prepared[n] = prep;
      expires[n] = expireAt;
      lrus[n] = lru;
      n++;
    }

    void addSlot(int db, byte[] key, byte[] page, int handle, long expireAt, int lru) {
      inArena[n] = true;
      handles[n] = handle;
      add(db, key, page, false, expireAt, lru);
    }

    int indexOf(Object value) {
      for (int i = 0; i < n; i++) {
        if (values[i] == value) {
          return i;
        }
      }
      return -1;
    }

    /** Engine thread: gives the record a copy instead of the value, if the snapshot thread has not claimed it. */
    boolean replace(int i, Object copy) {
      replacements[i] = copy;
      if (STATE.compareAndSet(states, i, PENDING, REPLACED)) {
        return true;
      }
      replacements[i] = null;
      return false;
    }

    /** Engine thread: waits until record {@code i} was written (the snapshot thread is on it right now). */
    void awaitWritten(int i) {
      int spins = 0;
      while ((int) STATE.getVolatile(states, i) != WRITTEN && !done) {
        if (++spins < 1000) {
          Thread.onSpinWait();
        } else {
          java.util.concurrent.locks.LockSupport.parkNanos(10_000);
        }
      }
    }

    /** Snapshot thread: the value to write for record {@code i}. */
    Object claim(int i) {
      return STATE.compareAndSet(states, i, PENDING, CLAIMED) ? values[i] : replacements[i];
    }

    void written(int i) {
      STATE.setVolatile(states, i, WRITTEN);
    }
  }
}
