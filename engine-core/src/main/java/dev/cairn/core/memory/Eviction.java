package dev.cairn.core.memory;

import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.Engine;
import dev.cairn.core.config.MemoryParams;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.keyspace.KeyspaceStats;
import dev.cairn.core.keyspace.LruClock;

/**
 * Keeps used memory under {@code maxmemory} by evicting keys, as Redis's {@code performEvictions}: before each client
 * command, and from a task that keeps going when a round ran out of time (maxmemory-eviction-tenacity) or maxmemory
 * was lowered. The LRU, LFU and TTL policies pick from a pool of the best candidates seen so far, refilled with
 * {@code maxmemory-samples} keys sampled from each database per pick; the random ones pick a random key of the next
 * database in turn. An evicted key is deleted as DEL (UNLINK with lazyfree-lazy-eviction) on the propagation stream,
 * "evicted" on the keyspace event stream, and counted in INFO's evicted_keys.
 *
 * <p>Memory counted is {@link UsedMemory#total} less the replication buffers; what a key frees is what the accounting
 * had it hold, so the clients' buffers that an eviction fills (tracking invalidations) do not feed back into it.
 */
public final class Eviction {
  /** Under maxmemory, or nothing could be done about it here (a replica, a busy script, loading). */
  public static final int OK = 0;
  /** Evicted until the time limit; the rest is left to the eviction task, and commands may run meanwhile. */
  public static final int RUNNING = 1;
  /** Over maxmemory and nothing more can be evicted (noeviction, or no candidate keys): deny-oom commands fail. */
  public static final int FAIL = 2;

  private static final int POOL_SIZE = 16;
  private static final byte[] DEL = {'D', 'E', 'L'};
  private static final byte[] UNLINK = {'U', 'N', 'L', 'I', 'N', 'K'};

  private final Engine engine;
  private final MemoryParams params;
  private final UsedMemory used;
  /** The pool: candidates ordered by rising score (idle time, 255 - LFU counter, or time left to live inverted). */
  private final long[] poolScore = new long[POOL_SIZE];
  private final byte[][] poolKey = new byte[POOL_SIZE][];
  private final int[] poolDb = new int[POOL_SIZE];
  private int nextDb;
  private boolean taskRunning;
  /** When memory went over maxmemory (ms), or 0 while under it: INFO's eviction_exceeded_time. */
  private long overSince;

  public Eviction(Engine engine, UsedMemory used) {
    this.engine = engine;
    this.params = engine.params().memory;
    this.used = used;
  }

  /** Memory counted against maxmemory (used memory less the replication buffers). */
  public long countedMemory() {
    long total = used.total();
    long not = used.notCountedForEviction();
    return total > not ? total - not : 0;
  }

  private boolean safe() {
    Keyspace ks = engine.keyspace();
    if (engine.scripting().busy() || ks.loading() || engine.persistence().loader().loading()
        || engine.aof().loading()) {
      return false;
    }
    if (engine.replication().isReplica() && engine.params().replication.ignoreMaxmemory.value) {
      return false; // the master evicts, and its DELs reach us
    }
    return !engine.pauses().active(); // a pause stops writes, evictions included (Redis's PAUSE_ACTION_EVICT)
  }

  /** Evicts until under maxmemory or out of time; returns {@link #OK}, {@link #RUNNING} or {@link #FAIL}. */
  public int perform() {
    long max = params.maxmemory.value;
    if (max <= 0 || !safe()) {
      return OK;
    }
    used.refreshClientsPeriodically();
    long counted = countedMemory();
    if (counted > max) {
      used.refreshClientsIfStale();
      counted = countedMemory();
    }
    if (counted <= max) {
      noteUnder();
      return OK;
    }
    if (overSince == 0) {
      overSince = System.currentTimeMillis();
    }
    String policy = params.maxmemoryPolicy.value;
    if (policy.equals("noeviction")) {
      return FAIL;
    }
    long toFree = counted - max;
    long freed = 0;
    long keysFreed = 0;
    long start = System.nanoTime();
    long limitNanos = timeLimitNanos();
    boolean allKeys = policy.startsWith("allkeys");
    boolean random = policy.endsWith("random");
    boolean lazy = params.lazyfreeLazyEviction.value;
    KeyspaceStats stats = engine.keyspace().stats;
    while (freed < toFree) {
      Db db = random ? randomPick(allKeys) : poolPick(policy, allKeys);
      if (db == null) {
        return FAIL; // nothing left that the policy may evict
      }
      Entry e = picked;
      picked = null;
      long before = db.usedBytes();
      byte[] key = e.key;
      db.remove(e);
      freed += before - db.usedBytes();
      stats.evictedKeys++;
      engine.events().keyModifiedByServer(db.id(), key);
      engine.events().notify(KeyspaceEvents.EVICTED, "evicted", key, db.id());
      engine.propagation().emit(db.id(), new byte[][] {lazy ? UNLINK : DEL, key});
      keysFreed++;
      if (keysFreed % 16 == 0 && System.nanoTime() - start > limitNanos) {
        startTask();
        return RUNNING; // the command runs meanwhile, as in Redis
      }
    }
    return taskRunning ? RUNNING : OK;
  }

  private void noteUnder() {
    if (overSince != 0) {
      engine.keyspace().stats.evictionExceededMillis += System.currentTimeMillis() - overSince;
      overSince = 0;
    }
  }

  /** Milliseconds the current spell over maxmemory has lasted (0 when under it). */
  public long currentExceededMillis() {
    return overSince == 0 ? 0 : System.currentTimeMillis() - overSince;
  }

  /** maxmemory-eviction-tenacity as a time budget per round: 0 to 500 µs linearly to 10, then 15% more a step. */
  private long timeLimitNanos() {
    long t = params.maxmemoryEvictionTenacity.value;
    if (t <= 10) {
      return 50_000L * t;
    }
    if (t < 100) {
      return (long) (500_000.0 * Math.pow(1.15, t - 10.0));
    }
    return Long.MAX_VALUE;
  }

  /** CONFIG SET maxmemory: a warning when already over the new value, and eviction starts between commands. */
  public void maxmemoryChanged() {
    long max = params.maxmemory.value;
    if (max > 0) {
      used.refreshClients();
      long counted = countedMemory();
      if (max < counted) {
        dev.cairn.core.log.LogMessage.MAXMEMORY_UNDER_USAGE.log(max, counted);
      }
      startTask();
    }
  }

  /** Evicting goes on from a task between the clients' commands until under maxmemory (CONFIG SET, time limit). */
  public void startTask() {
    if (!taskRunning && engine.loop() != null) {
      taskRunning = true;
      engine.loop().execute(this::task);
    }
  }

  private void task() {
    taskRunning = false;
    taskRunning = perform() == RUNNING || taskRunning;
    if (taskRunning) {
      engine.loop().execute(this::task);
    }
  }

  /** Whether the eviction task is under way (it keeps evicting between commands). */
  public boolean running() {
    return taskRunning;
  }

  private Entry picked;

  private Db randomPick(boolean allKeys) {
    Keyspace ks = engine.keyspace();
    for (int i = 0; i < ks.databases(); i++) {
      Db db = ks.db(nextDb = (nextDb + 1) % ks.databases());
      Entry[] one = {null};
      db.sampleEntries(!allKeys, 1, e -> one[0] = e);
      if (one[0] != null) {
        picked = one[0];
        return db;
      }
    }
    return null;
  }

  private Db poolPick(String policy, boolean allKeys) {
    Keyspace ks = engine.keyspace();
    int samples = (int) params.maxmemorySamples.value;
    boolean lfu = policy.endsWith("lfu");
    boolean ttl = policy.endsWith("ttl");
    long now = ks.now();
    while (true) {
      long candidates = 0;
      for (int i = 0; i < ks.databases(); i++) {
        Db db = ks.db(i);
        long n = allKeys ? db.size() : db.expiresSize();
        if (n == 0) {
          continue;
        }
        candidates += n;
        int dbId = i;
        db.sampleEntries(!allKeys, samples, e -> {
          long score = ttl ? Long.MAX_VALUE - e.expireAt()
              : lfu ? 255 - ks.lfuCounter(e) : LruClock.idleSeconds(e.lru(), now);
          offer(score, e.key, dbId);
        });
      }
      if (candidates == 0) {
        return null;
      }
      // the best is last; a candidate gone since it was sampled (deleted, or lost its TTL) is passed over
      for (int k = POOL_SIZE - 1; k >= 0; k--) {
        if (poolKey[k] == null) {
          continue;
        }
        Db db = ks.db(poolDb[k]);
        byte[] key = poolKey[k];
        removeAt(k);
        Entry e = db.stored(key);
        if (e != null && (allKeys || e.expireAt() >= 0)) {
          picked = e;
          return db;
        }
      }
    }
  }

  /** Puts a candidate into the pool in score order, unless the pool is full of better ones. */
  private void offer(long score, byte[] key, int db) {
    int k = 0;
    while (k < POOL_SIZE && poolKey[k] != null && poolScore[k] < score) {
      k++;
    }
    if (k == 0 && poolKey[POOL_SIZE - 1] != null) {
      return;
    }
    for (int j = 0; j < POOL_SIZE && poolKey[j] != null; j++) {
      if (poolDb[j] == db && java.util.Arrays.equals(poolKey[j], key)) {
        return; // sampled again: already a candidate
      }
    }
    if (k == POOL_SIZE || poolKey[k] != null) {
      if (poolKey[POOL_SIZE - 1] == null) {
        shift(k, k + 1, POOL_SIZE - k - 1); // room on the right: make a hole at k
      } else {
        k--; // full: drop the worst (leftmost) and insert just before the first better one
        shift(1, 0, k);
      }
    }
    poolScore[k] = score;
    poolKey[k] = key;
    poolDb[k] = db;
  }

  private void shift(int from, int to, int n) {
    if (n > 0) {
      System.arraycopy(poolScore, from, poolScore, to, n);
      System.arraycopy(poolKey, from, poolKey, to, n);
      System.arraycopy(poolDb, from, poolDb, to, n);
    }
  }

  private void removeAt(int k) {
    shift(k + 1, k, POOL_SIZE - k - 1);
    poolKey[POOL_SIZE - 1] = null;
  }

  /** FLUSHALL, SWAPDB and such leave keys in the pool that a pick passes over; this empties it outright. */
  public void clearPool() {
    java.util.Arrays.fill(poolKey, null);
  }
}
