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
import dev.cairn.api.reply.Errors;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.nio.charset.StandardCharsets;

/** Time to live: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
public final class ExpireCommands implements CommandFamily {
  private static CommandSpec setter(String name, String since, String summary, Arg time) {
    return CommandSpec.command(name, -3).group(Group.GENERIC).since(since)
        .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
        .summary(summary).complexity("O(1)")
        .history("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")
        .args(Arg.key("key", 0), time, Arg.oneOf("condition", Arg.token("NX"), Arg.token("XX"), Arg.token("GT"),
            Arg.token("LT")).optional().since("7.0.0"))
        .build();
  }

  private static CommandSpec getter(String name, String since, String summary) {
    return CommandSpec.command(name, 2).group(Group.GENERIC).since(since)
        .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity("O(1)").args(Arg.key("key", 0)).build();
  }

  static final CommandSpec EXPIRE = setter("expire", "1.0.0", "Sets the expiration time of a key in seconds.",
      Arg.integer("seconds"));
  static final CommandSpec PEXPIRE = setter("pexpire", "2.6.0", "Sets the expiration time of a key in milliseconds.",
      Arg.integer("milliseconds"));
  static final CommandSpec EXPIREAT = setter("expireat", "1.2.0",
      "Sets the expiration time of a key to a Unix timestamp.", Arg.unixTime("unix-time-seconds"));
  static final CommandSpec PEXPIREAT = setter("pexpireat", "2.6.0",
      "Sets the expiration time of a key to a Unix milliseconds timestamp.", Arg.unixTime("unix-time-milliseconds"));
  static final CommandSpec TTL = CommandSpec.command("ttl", 2)
      .tips("nondeterministic_output").group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the expiration time in seconds of a key.").complexity("O(1)")
      .history("2.8.0", "Added the -2 reply.").args(Arg.key("key", 0)).build();
  static final CommandSpec PTTL = CommandSpec.command("pttl", 2)
      .tips("nondeterministic_output").group(Group.GENERIC).since("2.6.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the expiration time in milliseconds of a key.").complexity("O(1)")
      .history("2.8.0", "Added the -2 reply.").args(Arg.key("key", 0)).build();
  static final CommandSpec EXPIRETIME = getter("expiretime", "7.0.0",
      "Returns the expiration time of a key as a Unix timestamp.");
  static final CommandSpec PEXPIRETIME = getter("pexpiretime", "7.0.0",
      "Returns the expiration time of a key as a Unix milliseconds timestamp.");
  static final CommandSpec PERSIST = CommandSpec.command("persist", 2).group(Group.GENERIC).since("2.2.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Removes the expiration time of a key.").complexity("O(1)").args(Arg.key("key", 0)).build();

  private static final byte[] PEXPIREAT_NAME = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEL_NAME = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNLINK_NAME = "UNLINK".getBytes(StandardCharsets.US_ASCII);

  private static final int NX = 1;
  private static final int XX = 2;
  private static final int GT = 4;
  private static final int LT = 8;

  @Override
  public void register(CommandRegistry r) {
    r.add(EXPIRE, (c, a) -> expire(c, a, true, 1000));
    r.add(PEXPIRE, (c, a) -> expire(c, a, true, 1));
    r.add(EXPIREAT, (c, a) -> expire(c, a, false, 1000));
    r.add(PEXPIREAT, (c, a) -> expire(c, a, false, 1));
    r.add(TTL, (c, a) -> ttl(c, a, false, false));
    r.add(PTTL, (c, a) -> ttl(c, a, true, false));
    r.add(EXPIRETIME, (c, a) -> ttl(c, a, false, true));
    r.add(PEXPIRETIME, (c, a) -> ttl(c, a, true, true));
    r.add(PERSIST, ExpireCommands::persist);
  }

  /**
   * EXPIRE key seconds [NX | XX | GT | LT], and PEXPIRE, EXPIREAT, PEXPIREAT: {@code relative} adds the command's time,
   * {@code unit} is milliseconds per unit of the argument.
   */
  static void expire(CommandContext c, Args a, boolean relative, long unit) {
    int flags = parseConditions(a);
    long when = a.longArg(2);
    if (unit != 1) {
      if (when > Long.MAX_VALUE / unit || when < Long.MIN_VALUE / unit) {
        throw Errors.invalidExpire(a.string(0).toLowerCase(java.util.Locale.ROOT));
      }
      when *= unit;
    }
    if (relative) {
      long base = c.now();
      if (when > Long.MAX_VALUE - base) {
        throw Errors.invalidExpire(a.string(0).toLowerCase(java.util.Locale.ROOT));
      }
      when += base;
    }
    Db db = (Db) c.db();
    byte[] key = a.get(1);
    Entry e = db.lookupWrite(key);
    if (e == null) {
      c.reply().integer(0);
      return;
    }
    if (flags != 0) {
      long current = e.expireAt();
      if ((flags & NX) != 0 && current != -1
          || (flags & XX) != 0 && current == -1
          || (flags & GT) != 0 && (current == -1 || when <= current) // no expiry counts as an infinite one
          || (flags & LT) != 0 && current != -1 && when >= current) {
        c.reply().integer(0);
        return;
      }
    }
    if (when <= c.now() && !(c instanceof dev.cairn.core.connection.Session s && s.engine.keyspace().loading())) {
      // already in the past: the key goes now, and replicas are told DEL (UNLINK under lazyfree-lazy-expire, as
      // Redis) rather than a time they might read later
      db.remove(e);
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
      c.addDirty(1);
      boolean lazy = c instanceof dev.cairn.core.connection.Session session
          && session.engine.params().memory.lazyfreeLazyExpire.value;
      c.propagate(lazy ? UNLINK_NAME : DEL_NAME, key);
      c.reply().integer(1);
      return;
    }
    db.setExpireAt(e, when);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key, db.id());
    c.addDirty(1);
    // an absolute time in milliseconds, so that replicas and the AOF agree on the instant
    byte[][] prop = a.toArray();
    prop[0] = PEXPIREAT_NAME;
    prop[2] = Long.toString(when).getBytes(StandardCharsets.US_ASCII);
    c.propagate(prop);
    c.reply().integer(1);
  }

  private static int parseConditions(Args a) {
    int flags = 0;
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "nx")) {
        flags |= NX;
      } else if (a.is(i, "xx")) {
        flags |= XX;
      } else if (a.is(i, "gt")) {
        flags |= GT;
      } else if (a.is(i, "lt")) {
        flags |= LT;
      } else {
        throw Errors.err("Unsupported option " + a.string(i));
      }
    }
    if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
      throw Errors.err("NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & GT) != 0 && (flags & LT) != 0) {
      throw Errors.err("GT and LT options at the same time are not compatible");
    }
    return flags;
  }

  /** TTL key, PTTL key, EXPIRETIME key, PEXPIRETIME key */
  static void ttl(CommandContext c, Args a, boolean millis, boolean absolute) {
    Entry e = ((Db) c.db()).lookupReadNoTouch(a.get(1), true);
    if (e == null) {
      c.reply().integer(-2);
      return;
    }
    long at = e.expireAt();
    if (at < 0) {
      c.reply().integer(-1);
      return;
    }
    long t = Math.max(0, absolute ? at : at - c.now());
    c.reply().integer(millis ? t : (t + 500) / 1000);
  }

  /** PERSIST key */
  static void persist(CommandContext c, Args a) {
    Db db = (Db) c.db();
    byte[] key = a.get(1);
    Entry e = db.lookupWrite(key);
    if (e == null || !db.persist(e)) {
      c.reply().integer(0);
      return;
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "persist", key, db.id());
    c.addDirty(1);
    c.reply().integer(1);
  }
}
