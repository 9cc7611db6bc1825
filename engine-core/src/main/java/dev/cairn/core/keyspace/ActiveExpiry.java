package dev.cairn.core.keyspace;

/**
 * The active expiry cycle, Redis's adaptive approach: each cron tick samples keys with an expiry in every database and
 * removes the expired ones, repeating on a database while more than a tenth of a sample was expired, within a time
 * budget of a quarter of the tick. Keys that nobody reads therefore do not pile up, and the cost stays bounded.
 */
public final class ActiveExpiry {
  private static final int KEYS_PER_LOOP = 20;
  private static final int ACCEPTABLE_STALE_PERCENT = 10;

  private final Keyspace keyspace;
  private int nextDb;

  public ActiveExpiry(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  /** Runs one cycle for at most {@code budgetNanos}; returns the number of keys removed. */
  public long run(long budgetNanos) {
    if (!keyspace.activeExpireEnabled || !keyspace.expiryEnabled()) {
      return 0; // switched off, or paused (CLIENT PAUSE): nothing could be removed
    }
    long deadline = System.nanoTime() + budgetNanos;
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
        int toSample = Math.min(KEYS_PER_LOOP, db.expiresSize());
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
        if (sampled == 0 || expired * 100 / sampled <= ACCEPTABLE_STALE_PERCENT) {
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
