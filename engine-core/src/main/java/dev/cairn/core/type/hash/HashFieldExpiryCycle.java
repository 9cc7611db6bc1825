package dev.cairn.core.type.hash;

import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Keyspace;
import java.util.List;

/**
 * Active expiry of hash fields, run from the cron beside the keys' {@link dev.cairn.core.keyspace.ActiveExpiry}: samples
 * the hashes each database tracks as having fields with a TTL, reclaims their expired fields (HDEL propagated, one
 * "hexpired" event per hash, the key deleted with "del" when emptied), and repeats on a database while more than a
 * tenth of the sampled hashes had something to reclaim, within a time budget.
 */
public final class HashFieldExpiryCycle {
  private static final int HASHES_PER_LOOP = 20;
  private static final int FIELDS_PER_HASH = 20;
  private static final int ACCEPTABLE_STALE_PERCENT = 10;

  private final Engine engine;
  private int nextDb;

  public HashFieldExpiryCycle(Engine engine) {
    this.engine = engine;
  }

  /** Runs one cycle for at most {@code budgetNanos}; returns the number of fields reclaimed. */
  public long run(long budgetNanos) {
    Keyspace ks = engine.keyspace();
    if (!ks.activeExpireEnabled || !ks.expiryEnabled()) {
      return 0;
    }
    long deadline = System.nanoTime() + budgetNanos;
    long removed = 0;
    int dbs = ks.databases();
    for (int n = 0; n < dbs && System.nanoTime() < deadline; n++) {
      Db db = ks.db(nextDb);
      nextDb = (nextDb + 1) % dbs;
      while (db.expiringPartsSize() > 0) {
        ks.updateTime();
        long now = ks.now();
        int sampled = 0;
        int stale = 0;
        int toSample = Math.min(HASHES_PER_LOOP, db.expiringPartsSize());
        for (int i = 0; i < toSample; i++) {
          Entry e = db.randomWithExpiringParts();
          if (e == null || !(e.value() instanceof HashValue h)) {
            continue;
          }
          sampled++;
          int r = reclaim(db, e.key, h, now);
          if (r > 0) {
            stale++;
            removed += r;
          }
        }
        if (System.nanoTime() > deadline) {
          return removed;
        }
        if (sampled == 0 || stale * 100 / sampled <= ACCEPTABLE_STALE_PERCENT) {
          break;
        }
      }
    }
    return removed;
  }

  private int reclaim(Db db, byte[] key, HashValue h, long now) {
    List<byte[]> expired = h.sampleExpired(now, FIELDS_PER_HASH);
    if (expired.isEmpty()) {
      return 0;
    }
    for (byte[] f : expired) {
      HashAccess.deleteExpired(engine, db.id(), key, h, f);
    }
    engine.events().notify(KeyspaceEvents.HASH, "hexpired", key, db.id());
    if (h.size() == 0) {
      db.delete(key);
      engine.events().notify(KeyspaceEvents.GENERIC, "del", key, db.id());
    }
    engine.events().keyModified(db.id(), key);
    return expired.size();
  }
}
