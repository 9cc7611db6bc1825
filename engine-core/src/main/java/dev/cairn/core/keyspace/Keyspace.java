package dev.cairn.core.keyspace;

/**
 * All databases, the command clock that decides expiry, and what happens when a key expires.
 *
 * <p>The clock is set once per command ({@link #updateTime}) and frozen while it runs, as Redis's command time
 * snapshot is, so a key cannot expire half-way through a command, a MULTI or a script.
 */
public final class Keyspace {
  /** Told about keys removed because their time passed (stats are counted here). */
  public interface ExpiryListener {
    void expired(Db db, byte[] key);
  }

  /** Told about read lookups of missing keys (the keymiss keyspace event). */
  public interface MissListener {
    void missed(Db db, byte[] key);

    /** Whether {@link #missed} would do anything now (a miss of a key read in place copies it only then). */
    default boolean listening() {
      return true;
    }
  }

  public final KeyspaceStats stats = new KeyspaceStats();
  private Db[] dbs;
  private long now = System.currentTimeMillis();
  private boolean clockFrozen;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  public boolean activeExpireEnabled = true;
  /** Set per command for clients in CLIENT NO-TOUCH mode: lookups leave the access clock alone. */
  public boolean noTouch;
  /** Off while loading a dataset and on replicas, where the primary decides expiry. */
  private boolean expiryEnabled = true;
  private ExpiryListener expiryListener = (db, key) -> { };
  private MissListener missListener = (db, key) -> { };
  /** Told about each key added that was not there (the "new" keyspace event); null for no one. */
  private MissListener newKeyListener;
  /** The running point-in-time snapshot, told before entries change; null when none runs. */
  SnapshotGuard snapshotGuard;
  /** Snapshots that ended without completing since the last one that completed (see persistence.Snapshot). */
  public int abortedSnapshotsInARow;
  /** The epoch of the latest snapshot (running or finished): the mark new entries get. */
  private int lastEpoch;

  /** Installs the guard of a snapshot that starts now (null when it has ended). */
  public void setSnapshotGuard(SnapshotGuard g) {
    this.snapshotGuard = g;
    if (g != null) {
      lastEpoch = g.epoch();
    }
  }

  public SnapshotGuard snapshotGuard() {
    return snapshotGuard;
  }

  /** The epoch of the latest snapshot, so that the next one can take another. */
  public int lastSnapshotEpoch() {
    return lastEpoch;
  }

  int newEntryMark() {
    return lastEpoch;
  }

  /** Told about each value that leaves the keyspace (module types' free); null while no module type exists. */
  java.util.function.Consumer<Object> valueReleased;

  public Keyspace(int databases) {
    dbs = new Db[databases];
    for (int i = 0; i < databases; i++) {
      dbs[i] = new Db(i, this);
    }
  }

  /** Cluster mode: every database indexes its keys by hash slot from now on (called before anything is loaded). */
  public void indexSlots() {
    for (Db db : dbs) {
      db.indexSlots();
    }
  }

  public int databases() {
    return dbs.length;
  }

  /**
   * An empty database outside the numbered ones, with the number {@code index}: {@link Db#swapWith} parks a
   * database's contents there (a replica's swapdb load keeps its old dataset aside until the new one has loaded).
   */
  public Db spareDb(int index) {
    Db d = new Db(index, this);
    if (dbs[0].slots() != null) {
      d.indexSlots(); // cluster mode: the swap exchanges slot indexes too, so the spare keeps one
    }
    return d;
  }

  public Db db(int index) {
    return dbs[index];
  }

  public void setExpiryListener(ExpiryListener l) {
    this.expiryListener = l;
  }

  /**
   * Sets who is told about each value that leaves the keyspace (deleted, replaced, expired, flushed); null for no one,
   * which spares FLUSHALL a walk over the keys.
   */
  public void setValueReleasedListener(java.util.function.Consumer<Object> l) {
    this.valueReleased = l;
  }

  public void setMissListener(MissListener l) {
    this.missListener = l;
  }

  /** Sets who is told about keys added to a database (any command that creates a key, RENAME and MOVE included). */
  public void setNewKeyListener(MissListener l) {
    this.newKeyListener = l;
  }

  /** The command clock, milliseconds since the epoch. */
  public long now() {
    return now;
  }

  /** Advances the clock to the wall clock, unless frozen for a MULTI or script. */
  public void updateTime() {
    updateTime(System.nanoTime());
  }

  /**
   * Advances the clock to the wall clock at {@code nanoTime} (a {@link System#nanoTime} just read: a command's start,
   * which the dispatcher reads for the command's duration anyway), unless frozen. The wall clock is that monotonic time
   * from the wall clock's reading at the last {@link #syncWallClock} (every cron tick): one clock read a command instead
   * of two, which at pipelining 16 was 3-4% of the engine thread's time.
   */
  public void updateTime(long nanoTime) {
    if (!clockFrozen) {
      now = Math.floorDiv(wallNanosAtSync + (nanoTime - nanoTimeAtSync), 1_000_000L);
      clockTicks++;
    }
  }

  /** Reads the wall clock again, for {@link #updateTime(long)}: it may be set, or drift from the monotonic clock. */
  public void syncWallClock() {
    java.time.Instant wall = java.time.Instant.now();
    nanoTimeAtSync = System.nanoTime();
    wallNanosAtSync = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
  }

  private long wallNanosAtSync;
  private long nanoTimeAtSync;

  {
    syncWallClock();
  }

  /**
   * The command clock in microseconds (TIME), read from the wall clock once per command clock update and then kept, so
   * a script or transaction sees one time throughout, as Redis's cached {@code ustime}.
   */
  public long nowMicros() {
    if (microsTick != clockTicks) {
      java.time.Instant i = java.time.Instant.now();
      long us = i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
      // within the command clock's millisecond, so TIME and the expiry clock agree
      microsNow = Math.max(now * 1000, Math.min(now * 1000 + 999, us));
      microsTick = clockTicks;
    }
    return microsNow;
  }

  private long clockTicks;
  private long microsTick = -1;
  private long microsNow;

  /** Freezes the clock (EXEC, scripts) or thaws it. */
  public void freezeClock(boolean frozen) {
    this.clockFrozen = frozen;
  }

  int lruClock() {
    return LruClock.now(now);
  }

  /** Whether the maxmemory policy is an LFU one (then {@link Entry#lru} holds {@link Lfu} data). */
  private boolean lfuPolicy;
  private java.util.function.LongSupplier lfuLogFactor = () -> 10;
  private java.util.function.LongSupplier lfuDecayTime = () -> 1;

  /** Where the LFU settings come from (the maxmemory-policy, lfu-log-factor and lfu-decay-time parameters). */
  public void setLfuSettings(java.util.function.LongSupplier logFactor,
      java.util.function.LongSupplier decayTime) {
    this.lfuLogFactor = logFactor;
    this.lfuDecayTime = decayTime;
  }

  /** Set when maxmemory-policy changes: a plain field, because every key access reads it. */
  public void setLfuPolicy(boolean lfu) {
    this.lfuPolicy = lfu;
  }

  public boolean lfuPolicy() {
    return lfuPolicy;
  }

  /** A key's LFU counter now, after decay (OBJECT FREQ). */
  public int lfuCounter(Entry e) {
    return Lfu.counter(e.lru, now, lfuDecayTime.getAsLong());
  }

  /** The access data of a key created now. */
  int freshAccess() {
    return lfuPolicy ? Lfu.initial(now) : lruClock();
  }

  /** The access data of a key accessed now; switching policy converts each key's data on its next access. */
  int accessed(int data) {
    return lfuPolicy ? Lfu.accessed(data, now, lfuLogFactor.getAsLong(), lfuDecayTime.getAsLong())
        : lruClock();
  }

  boolean isExpired(long expireAt) {
    return now > expireAt && !loading;
  }

  /**
   * Set while a dataset is loaded from disk: nothing expires (a key whose time passed stays until loading ends, and a
   * past expiry time is set rather than deleting), as in Redis, so that replaying a file gives what was saved.
   */
  private boolean loading;

  public boolean loading() {
    return loading;
  }

  public void setLoading(boolean on) {
    loading = on;
  }

  /** Whether lookups remove expired keys. */
  public boolean expiryEnabled() {
    return expiryEnabled && !expiryPaused.getAsBoolean();
  }

  /** While this says so (CLIENT PAUSE), expired keys read as missing but are not deleted, as Redis pauses expiry. */
  private java.util.function.BooleanSupplier expiryPaused = () -> false;

  public void setExpiryPaused(java.util.function.BooleanSupplier paused) {
    this.expiryPaused = paused;
  }

  public void setExpiryEnabled(boolean enabled) {
    this.expiryEnabled = enabled;
  }

  void onExpired(Db db, byte[] key) {
    stats.expiredKeys++;
    expiryListener.expired(db, key);
  }

  void onKeyMiss(Db db, byte[] key) {
    missListener.missed(db, key);
  }

  /** {@link #onKeyMiss(Db, byte[])} of a key read in place: copied out only if someone listens. */
  void onKeyMiss(Db db, byte[] b, int off, int len) {
    if (missListener.listening()) {
      missListener.missed(db, java.util.Arrays.copyOfRange(b, off, off + len));
    }
  }

  void onNewKey(Db db, byte[] key) {
    if (newKeyListener != null) {
      newKeyListener.missed(db, key);
    }
  }

  /** Total keys in all databases. */
  public long totalKeys() {
    long n = 0;
    for (Db db : dbs) {
      n += db.size();
    }
    return n;
  }
}
