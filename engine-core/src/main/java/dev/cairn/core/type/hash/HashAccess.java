package dev.cairn.core.type.hash;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.nio.charset.StandardCharsets;

/**
 * What every hash command shares: the encoding limits, creating a hash on first write, and Redis 7.4's lazy reclaim of
 * expired fields (a point lookup of an expired field deletes it, propagates HDEL, fires "hexpired", and deletes the key
 * when it was the last field).
 */
final class HashAccess {
  private HashAccess() {}

  static final byte[] HDEL = "HDEL".getBytes(StandardCharsets.US_ASCII);

  static Engine engine(CommandContext c) {
    return ((Session) c).engine;
  }

  static int maxEntries(CommandContext c) {
    return clamp(engine(c).params().memory.hashMaxListpackEntries.value);
  }

  static int maxValue(CommandContext c) {
    return clamp(engine(c).params().memory.hashMaxListpackValue.value);
  }

  private static int clamp(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }

  /** The hash at {@code key} for writing, created (empty, and added to the database) if absent. */
  static HashValue writeOrCreate(CommandContext c, byte[] key) {
    HashValue h = c.db().getForWrite(key, HashValue.class);
    if (h == null) {
      h = new HashValue();
      ((Session) c).db().add(key, h);
    }
    return h;
  }

  /**
   * The entry of the hash at argument {@code i}, made if absent (WRONGTYPE for another type): the key is read in place,
   * and an array is made for it only for a new hash.
   */
  static Entry writeOrCreate(CommandContext c, Args a, int i) {
    Db db = ((Session) c).db();
    Entry e = db.lookupWrite(a, i);
    return Db.valueAs(e, HashValue.class) != null ? e : db.add(a.get(i), new HashValue());
  }

  /**
   * If {@code field} is present but expired, removes it and propagates its HDEL (Redis's lazy field expiry); returns
   * true when the field is to be treated as absent for that reason. The caller fires the events once through
   * {@link #afterReclaim}. While expiry is disabled (a replica, DEBUG) the field is hidden but kept.
   */
  static boolean reclaim(CommandContext c, byte[] key, HashValue h, byte[] field) {
    if (!h.isExpired(field, c.now())) {
      return false;
    }
    Engine e = engine(c);
    if (e.keyspace().expiryEnabled()) {
      deleteExpired(e, c.db().id(), key, h, field);
    }
    return true;
  }

  /**
   * Removes a field because its time passed (or a TTL in the past was given): propagates its HDEL, counts it in INFO's
   * expired_subkeys, and stops tracking the key once no field has a TTL.
   */
  static void deleteExpired(Engine e, int db, byte[] key, HashValue h, byte[] field) {
    e.keyspace().db(db).willChange(key); // often reached from a read lookup: a running snapshot keeps the old value
    h.delete(field);
    propagateHdel(e, db, key, field);
    e.keyspace().stats.expiredSubkeys++;
    if (!h.hasExpiringParts()) {
      e.keyspace().db(db).untrackExpiringParts(key);
    }
  }

  /** Emits {@code HDEL key field} to the AOF and replicas ahead of the running command. */
  static void propagateHdel(Engine e, int db, byte[] key, byte[] field) {
    if (e.propagation().hasListeners()) {
      e.propagation().emit(db, new byte[][] {HDEL, key, field});
    }
  }

  /**
   * After {@code reclaimed} lazy reclaims: one "hexpired" event and, when the hash is now empty, the key deleted with a
   * "del" event. Returns whether the key was deleted.
   */
  static boolean afterReclaim(CommandContext c, byte[] key, HashValue h, int reclaimed) {
    if (reclaimed == 0 || !engine(c).keyspace().expiryEnabled()) {
      return false;
    }
    int db = c.db().id();
    c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hexpired", key, db);
    boolean gone = deleteIfEmpty(c, key, h);
    c.signalModifiedKey(db, key);
    return gone;
  }

  /** The "hexpired" event for {@code reclaimed} lazy reclaims, unless expiry is off (fields were hidden, not deleted). */
  static void notifyReclaimed(CommandContext c, byte[] key, int reclaimed) {
    if (reclaimed > 0 && engine(c).keyspace().expiryEnabled()) {
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hexpired", key, c.db().id());
    }
  }

  /** Deletes the key (with a "del" event) when the hash has no fields left; returns whether it did. */
  static boolean deleteIfEmpty(CommandContext c, byte[] key, HashValue h) {
    if (h.size() != 0) {
      if (!h.hasExpiringParts()) {
        ((Session) c).db().untrackExpiringParts(key); // keeps INFO's subexpiry exact
      }
      return false;
    }
    c.db().delete(key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
    return true;
  }

  /** A point lookup with lazy reclaim and its events: the live value, or null. */
  static byte[] getLive(CommandContext c, byte[] key, HashValue h, byte[] field) {
    if (h.volatileCount() > 0 && reclaim(c, key, h, field)) {
      afterReclaim(c, key, h, 1);
      return null;
    }
    return h.get(field);
  }

  /**
   * Reclaims every expired field (HRANDFIELD does so before sampling, as Redis 7.4); returns true when the hash was
   * emptied and its key deleted.
   */
  static boolean purgeExpired(CommandContext c, byte[] key, HashValue h) {
    if (h.volatileCount() == 0 || !engine(c).keyspace().expiryEnabled()) {
      return false;
    }
    java.util.List<byte[]> expired = h.expiredFields(c.now(), Integer.MAX_VALUE);
    Engine e = engine(c);
    for (byte[] f : expired) {
      deleteExpired(e, c.db().id(), key, h, f);
    }
    return afterReclaim(c, key, h, expired.size());
  }
}
