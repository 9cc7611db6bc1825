package dev.cairn.core.generic;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Values;
import dev.cairn.core.type.string.StringValues;
import java.util.Arrays;

/** Commands on keys as a whole: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, COPY, MOVE. */
public final class KeyCommands implements CommandFamily {
  static final CommandSpec DEL = CommandSpec.command("del", -2).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE).tips("request_policy:multi_shard", "response_policy:agg_sum")
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RM, KeyFlag.DELETE))
      .summary("Deletes one or more keys.").complexity("O(N) where N is the number of keys that will be removed. When a "
          + "key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is "
          + "the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string "
          + "value is O(1).")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec UNLINK = CommandSpec.command("unlink", -2)
      .tips("request_policy:multi_shard", "response_policy:agg_sum").group(Group.GENERIC).since("4.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RM, KeyFlag.DELETE))
      .summary("Asynchronously deletes one or more keys.")
      .complexity("O(1) for each key removed regardless of its size. Then the command does O(N) work in a different "
          + "thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed "
          + "of.")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec EXISTS = CommandSpec.command("exists", -2)
      .tips("request_policy:multi_shard", "response_policy:agg_sum").group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO))
      .summary("Determines whether one or more keys exist.").complexity("O(N) where N is the number of keys to check.")
      .history("3.0.3", "Accepts multiple `key` arguments.")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec TYPE = CommandSpec.command("type", 2).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Determines the type of value stored at a key.").complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec TOUCH = CommandSpec.command("touch", -2)
      .tips("request_policy:multi_shard", "response_policy:agg_sum").group(Group.GENERIC).since("3.2.1")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO))
      .summary("Returns the number of existing keys out of those specified after updating the time they were last "
          + "accessed.")
      .complexity("O(N) where N is the number of keys that will be touched.")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec RENAME = CommandSpec.command("rename", 3).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE, AclCategory.SLOW)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Renames a key and overwrites the destination.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.key("newkey", 1)).build();
  static final CommandSpec RENAMENX = CommandSpec.command("renamenx", 3).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.INSERT))
      .summary("Renames a key only when the target key name doesn't exist.").complexity("O(1)")
      .history("3.2.0", "The command no longer returns an error when source and destination names are the same.")
      .args(Arg.key("key", 0), Arg.key("newkey", 1)).build();
  static final CommandSpec COPY = CommandSpec.command("copy", -3).group(Group.GENERIC).since("6.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Copies the value of a key to a new key.")
      .complexity("O(N) worst case for collections, where N is the number of nested items. O(1) for string values.")
      .args(Arg.key("source", 0), Arg.key("destination", 1), Arg.integer("destination-db").withToken("DB").optional(),
          Arg.token("REPLACE").optional())
      .build();
  static final CommandSpec MOVE = CommandSpec.command("move", 3).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Moves a key to another database.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.integer("db")).build();

  static final RedisException SAME_OBJECT = Errors.err("source and destination objects are the same");

  @Override
  public void register(CommandRegistry r) {
    r.add(DEL, KeyCommands::del);
    r.add(UNLINK, (c, a) -> del(c, a, true));
    r.add(EXISTS, KeyCommands::exists);
    r.add(TYPE, KeyCommands::type);
    r.add(TOUCH, KeyCommands::touch);
    r.add(RENAME, (c, a) -> rename(c, a, false));
    r.add(RENAMENX, (c, a) -> rename(c, a, true));
    r.add(COPY, KeyCommands::copy);
    r.add(MOVE, KeyCommands::move);
  }

  /** DEL key [key ...] */
  static void del(CommandContext c, Args a) {
    del(c, a, c instanceof Session s && s.engine.params().memory.lazyfreeLazyUserDel.value);
  }

  /**
   * DEL and UNLINK: the engine drops the values at once either way; a lazy delete (UNLINK, DEL under
   * lazyfree-lazy-user-del) hands a big value to the lazy free, which counts it until the collector has reclaimed it.
   */
  private static void del(CommandContext c, Args a, boolean lazy) {
    Db db = (Db) c.db();
    var lazyFree = lazy && c instanceof Session s ? s.engine.lazyFree() : null;
    long n = 0;
    for (int i = 1; i < a.size(); i++) {
      byte[] key = a.get(i);
      Entry e = db.peek(key);
      if (e != null) {
        db.remove(e);
        if (lazyFree != null) {
          lazyFree.releaseValue(e.value());
        }
        c.signalModifiedKey(db.id(), key);
        c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
        n++;
      }
    }
    c.addDirty(n);
    c.reply().integer(n);
  }

  /** EXISTS key [key ...] */
  static void exists(CommandContext c, Args a) {
    long n = 0;
    for (int i = 1; i < a.size(); i++) {
      if (c.db().exists(a.get(i))) {
        n++;
      }
    }
    c.reply().integer(n);
  }

  /** TYPE key */
  static void type(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupReadNoTouch(a.get(1), true);
    c.reply().simple(e == null ? "none" : Values.typeName(e.value()));
  }

  /** TOUCH key [key ...] */
  static void touch(CommandContext c, Args a) {
    Db db = (Db) c.db();
    long n = 0;
    for (int i = 1; i < a.size(); i++) {
      if (db.lookupRead(a.get(i)) != null) {
        n++;
      }
    }
    c.reply().integer(n);
  }

  /** RENAME key newkey / RENAMENX key newkey */
  static void rename(CommandContext c, Args a, boolean nx) {
    Db db = (Db) c.db();
    byte[] src = a.get(1);
    byte[] dst = a.get(2);
    Entry e = db.lookupWrite(src);
    if (e == null) {
      throw Errors.NO_SUCH_KEY;
    }
    if (Arrays.equals(src, dst)) {
      if (nx) {
        c.reply().integer(0);
      } else {
        c.reply().ok();
      }
      return;
    }
    Entry old = db.lookupWrite(dst);
    if (old != null) {
      if (nx) {
        c.reply().integer(0);
        return;
      }
      db.remove(old);
    }
    relocate(db, e, db, dst);
    c.signalModifiedKey(db.id(), src);
    c.signalModifiedKey(db.id(), dst);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_from", src, db.id());
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_to", dst, db.id());
    c.addDirty(1);
    if (nx) {
      c.reply().integer(1);
    } else {
      c.reply().ok();
    }
  }

  static final RedisException NOT_AN_INT = Errors.err("value is out of range, value must between "
      + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);

  /** A database number argument: an integer, then an int (Redis's getIntFromObjectOrReply errors), not yet checked. */
  private static int dbArg(Args a, int i) {
    long v = a.longArg(i);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw NOT_AN_INT;
    }
    return (int) v;
  }

  /** Moves a live entry to {@code key} in {@code to} (absent there), keeping its value, expiry and access clock. */
  private static void relocate(Db from, Entry e, Db to, byte[] key) {
    from.detach(e); // the value moves: not released
    to.add(key, e.value(), e.expireAt()).setLru(e.lru());
  }

  /** COPY source destination [DB destination-db] [REPLACE] */
  static void copy(CommandContext c, Args a) {
    Db src = (Db) c.db();
    Db dst = src;
    boolean replace = false;
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "replace")) {
        replace = true;
      } else if (a.is(i, "db") && i + 1 < a.size()) {
        int id = dbArg(a, i + 1);
        if (id != 0 && ((dev.cairn.core.connection.Session) c).engine.cluster() != null) {
          throw Errors.err("Copying to another database is not allowed in cluster mode");
        }
        if (id < 0 || id >= c.databases()) {
          throw Errors.DB_INDEX_OUT_OF_RANGE;
        }
        dst = (Db) c.db(id);
        i++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    byte[] key = a.get(1);
    byte[] newKey = a.get(2);
    if (src == dst && Arrays.equals(key, newKey)) {
      throw SAME_OBJECT;
    }
    Entry e = src.lookupRead(key);
    if (e == null) {
      c.reply().integer(0);
      return;
    }
    Entry old = dst.lookupWrite(newKey);
    if (old != null) {
      if (!replace) {
        c.reply().integer(0);
        return;
      }
      dst.remove(old);
    }
    Object value = e.value();
    Object copy = value instanceof RedisValue r ? r.copy() : value; // a byte[] string is never changed in place
    dst.add(newKey, copy, e.expireAt());
    c.signalModifiedKey(dst.id(), newKey);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "copy_to", newKey, dst.id());
    c.addDirty(1);
    c.reply().integer(1);
  }

  /** MOVE key db */
  static void move(CommandContext c, Args a) {
    if (((dev.cairn.core.connection.Session) c).engine.cluster() != null) {
      throw Errors.err("MOVE is not allowed in cluster mode");
    }
    Db src = (Db) c.db();
    int id = dbArg(a, 2);
    if (id < 0 || id >= c.databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    Db dst = (Db) c.db(id);
    if (src == dst) {
      throw SAME_OBJECT;
    }
    byte[] key = a.get(1);
    Entry e = src.lookupWrite(key);
    if (e == null || dst.lookupWrite(key) != null) {
      c.reply().integer(0);
      return;
    }
    relocate(src, e, dst, key);
    c.signalModifiedKey(src.id(), key);
    c.signalModifiedKey(dst.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_from", key, src.id());
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_to", key, dst.id());
    c.addDirty(1);
    c.reply().integer(1);
  }
}
