package dev.cairn.core.keyspace;

/**
 * The active expiry cycle, Redis's adaptive approach: each cron tick samples keys with an expiry in every database and
 * removes the expired ones, repeating on a database while more than a tenth of a sample was expired, within a time
 * budget of a quarter of the tick. Keys that nobody reads therefore do not pile up, and the cost stays bounded.
 * {@code active-expire-effort} (1-10) scales the three as Redis's does: at effort {@code e} a sample is
 * {@code 20 + 5(e-1)} keys, a database is sampled again while more than {@code 10 - (e-1)} percent of a sample was
 * expired, and the budget is {@code 25 + 2(e-1)} percent of the tick.
 */
public final class ActiveExpiry {
  private static final int KEYS_PER_LOOP = 20;
  private static final int ACCEPTABLE_STALE_PERCENT = 10;
  private static final int SLOW_TIME_PERCENT = 25;

  /** Keys sampled per loop at {@code active-expire-effort} {@code effort}. */
  static int keysPerLoop(int effort) {
    return KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * (effort - 1);
  }

  /** The share of expired keys in a sample (percent) at or under which a database is left until the next cycle. */
  static int acceptableStalePercent(int effort) {
    return ACCEPTABLE_STALE_PERCENT - (effort - 1);
  }

  /** The share of a cron tick (percent) one cycle may take. */
  static int slowTimePercent(int effort) {
    return SLOW_TIME_PERCENT + 2 * (effort - 1);
  }

  private final Keyspace keyspace;
  private int nextDb;

  public ActiveExpiry(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  /** Runs the cron's cycle ({@code hz} ticks a second) at {@code active-expire-effort}; returns the keys removed. */
  public long run(int hz, int effort) {
    if (!keyspace.activeExpireEnabled || !keyspace.expiryEnabled()) {
      return 0; // switched off, or paused (CLIENT PAUSE): nothing could be removed
    }
    int keysPerLoop = keysPerLoop(effort);
    int acceptableStalePercent = acceptableStalePercent(effort);
    long deadline = System.nanoTime() + slowTimePercent(effort) * 10_000_000L / hz;
    long removed = 0;
    int dbs = keyspace.databases();
    for (int n = 0; n < dbs; n++) {
      Db db = keyspace.db(nextDb);
      nextDb = (nextDb + 1) % dbs;
      int iterations = 0;
      while (db.expiresSize() > 0) {
        keyspace.updateTime();
        int sampled = 0;
        int expired = 0;
        int toSample = Math.min(keysPerLoop, db.expiresSize());
        for (int i = 0; i < toSample; i++) {
          Entry e = db.randomVolatile();
          if (e == null) {
            break;
          }
          sampled++;
          if (keyspace.isExpired(e.expireAt())) {
            db.expire(e);
            expired++;
          }
        }
        removed += expired;
        if ((++iterations & 15) == 0 && System.nanoTime() > deadline) {
          keyspace.stats.expiredTimeCapReachedCount++;
          return removed;
        }
        if (sampled == 0 || expired * 100 / sampled <= acceptableStalePercent) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        keyspace.stats.expiredTimeCapReachedCount++;
        break;
      }
    }
    return removed;
  }
}
