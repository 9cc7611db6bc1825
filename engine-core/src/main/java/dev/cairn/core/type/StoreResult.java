package dev.cairn.core.type;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.Database;

/**
 * How the *STORE commands (SINTERSTORE, ZUNIONSTORE, ZRANGESTORE, ...) leave their destination: a non-empty result
 * replaces any value there (and its time to live); an empty one deletes the key. Either way the reply is the size.
 */
public final class StoreResult {
  private StoreResult() {}

  /** Stores {@code value} (of {@code size} members, at least one) at {@code dst} and publishes {@code event}. */
  public static void store(CommandContext c, Database db, byte[] dst, Object value, int size, int eventClass,
      String event) {
    db.set(dst, value);
    c.signalModifiedKey(db.id(), dst);
    c.notifyKeyspaceEvent(eventClass, event, dst, db.id());
    c.addDirty(1);
    c.reply().integer(size);
  }

  /** An empty result: deletes {@code dst} if it exists ("del") and replies 0. */
  public static void storeEmpty(CommandContext c, Database db, byte[] dst) {
    if (db.delete(dst)) {
      c.signalModifiedKey(db.id(), dst);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst, db.id());
      c.addDirty(1);
    }
    c.reply().integer(0);
  }
}
