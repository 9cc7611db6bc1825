package dev.cairn.core.type.string;

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
import dev.cairn.api.reply.Reply;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.ObjIntConsumer;

/**
 * Whole-value string commands: GET, SET and its variants (SETNX, SETEX, PSETEX, GETSET), GETEX, GETDEL, MGET, MSET,
 * MSETNX, STRLEN. The expiry options of SET and GETEX are parsed by {@link ExpireOptions}.
 */
public final class StringCommands implements CommandFamily {
  static final CommandSpec GET = CommandSpec.command("get", 2).group(Group.STRING).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the string value of a key.")
      .complexity("O(1)")
      .args(Arg.key("key", 0))
      .build();

  static final CommandSpec SET = CommandSpec.command("set", -3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE, KeyFlag.VARIABLE_FLAGS)
          .notes("RW and ACCESS due to the optional `GET` argument"))
      .keyFinder(StringCommands::setKeys)
      .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
      .complexity("O(1)")
      .history("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options.")
      .history("6.0.0", "Added the `KEEPTTL` option.")
      .history("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option.")
      .history("7.0.0", "Allowed the `NX` and `GET` options to be used together.")
      .args(Arg.key("key", 0),
          Arg.string("value"),
          Arg.oneOf("condition",
            Arg.token("NX"),
            Arg.token("XX")).optional().since("2.6.12"),
          Arg.token("GET").optional().since("6.2.0"),
          Arg.oneOf("expiration",
            Arg.integer("seconds").withToken("EX").since("2.6.12"),
            Arg.integer("milliseconds").withToken("PX").since("2.6.12"),
            Arg.unixTime("unix-time-seconds").withToken("EXAT").since("6.2.0"),
            Arg.unixTime("unix-time-milliseconds").withToken("PXAT").since("6.2.0"),
            Arg.token("KEEPTTL").since("6.0.0")).optional())
      .build();

  static final CommandSpec SETNX = CommandSpec.command("setnx", 3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.INSERT))
      .summary("Set the string value of a key only when the key doesn't exist.")
      .complexity("O(1)")
      .deprecated("2.6.12", "`SET` with the `NX` argument")

      .args(Arg.key("key", 0),
          Arg.string("value"))
      .build();

  static final CommandSpec SETEX = CommandSpec.command("setex", 4).group(Group.STRING).since("2.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Sets the string value and expiration time of a key. Creates the key if it doesn't exist.")
      .complexity("O(1)")
      .deprecated("2.6.12", "`SET` with the `EX` argument")

      .args(Arg.key("key", 0),
          Arg.integer("seconds"),
          Arg.string("value"))
      .build();

  static final CommandSpec PSETEX = CommandSpec.command("psetex", 4).group(Group.STRING).since("2.6.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.")
      .complexity("O(1)")
      .deprecated("2.6.12", "`SET` with the `PX` argument")

      .args(Arg.key("key", 0),
          Arg.integer("milliseconds"),
          Arg.string("value"))
      .build();

  static final CommandSpec GETEX = CommandSpec.command("getex", -2).group(Group.STRING).since("6.2.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE)
          .notes("RW and UPDATE because it changes the TTL"))
      .summary("Returns the string value of a key after setting its expiration time.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.oneOf("expiration",
            Arg.integer("seconds").withToken("EX"),
            Arg.integer("milliseconds").withToken("PX"),
            Arg.unixTime("unix-time-seconds").withToken("EXAT"),
            Arg.unixTime("unix-time-milliseconds").withToken("PXAT"),
            Arg.token("PERSIST")).optional())
      .build();

  static final CommandSpec GETDEL = CommandSpec.command("getdel", 2).group(Group.STRING).since("6.2.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Returns the string value of a key after deleting the key.")
      .complexity("O(1)")
      .args(Arg.key("key", 0))
      .build();

  static final CommandSpec GETSET = CommandSpec.command("getset", 3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Returns the previous string value of a key after setting it to a new value.")
      .complexity("O(1)")
      .deprecated("6.2.0", "`SET` with the `!GET` argument")

      .args(Arg.key("key", 0),
          Arg.string("value"))
      .build();

  static final CommandSpec MGET = CommandSpec.command("mget", -2)
      .tips("request_policy:multi_shard").group(Group.STRING).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Atomically returns the string values of one or more keys.")
      .complexity("O(N) where N is the number of keys to retrieve.")
      .args(Arg.key("key", 0).multiple())
      .build();

  static final CommandSpec MSET = CommandSpec.command("mset", -3)
      .tips("request_policy:multi_shard", "response_policy:all_succeeded").group(Group.STRING).since("1.0.1")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(-1, 2, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Atomically creates or modifies the string values of one or more keys.")
      .complexity("O(N) where N is the number of keys to set.")
      .args(Arg.block("data",
            Arg.key("key", 0),
            Arg.string("value")).multiple())
      .build();

  static final CommandSpec MSETNX = CommandSpec.command("msetnx", -3).group(Group.STRING).since("1.0.1")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(-1, 2, 0).flags(KeyFlag.OW, KeyFlag.INSERT))
      .summary("Atomically modifies the string values of one or more keys only when all keys don't exist.")
      .complexity("O(N) where N is the number of keys to set.")
      .args(Arg.block("data",
            Arg.key("key", 0),
            Arg.string("value")).multiple())
      .build();

  static final CommandSpec STRLEN = CommandSpec.command("strlen", 2).group(Group.STRING).since("2.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns the length of a string value.")
      .complexity("O(1)")
      .args(Arg.key("key", 0))
      .build();

  /** SET's key is only overwritten (OW) unless GET asks for the old value too (RW, ACCESS). */
  static boolean setKeys(byte[][] argv, int argc, ObjIntConsumer<Set<KeyFlag>> out) {
    boolean get = false;
    for (int i = 3; i < argc; i++) {
      get |= Args.equalsIgnoreCase(argv[i], "get");
    }
    out.accept(get ? EnumSet.of(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE)
        : EnumSet.of(KeyFlag.OW, KeyFlag.UPDATE), 1);
    return true;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(GET, StringCommands::get);
    r.add(SET, StringCommands::set);
    r.add(SETNX, StringCommands::setnx);
    r.add(SETEX, (c, a) -> setex(c, a, false));
    r.add(PSETEX, (c, a) -> setex(c, a, true));
    r.add(GETEX, StringCommands::getex);
    r.add(GETDEL, StringCommands::getdel);
    r.add(GETSET, StringCommands::getset);
    r.add(MGET, StringCommands::mget);
    r.add(MSET, (c, a) -> mset(c, a, false));
    r.add(MSETNX, (c, a) -> mset(c, a, true));
    r.add(STRLEN, StringCommands::strlen);
  }

  static final byte[] SET_CMD = {'S', 'E', 'T'};
  static final byte[] PXAT_ARG = {'P', 'X', 'A', 'T'};
  private static final byte[] DEL_CMD = {'D', 'E', 'L'};
  private static final byte[] PEXPIREAT_CMD = {'P', 'E', 'X', 'P', 'I', 'R', 'E', 'A', 'T'};
  private static final byte[] PERSIST_CMD = {'P', 'E', 'R', 'S', 'I', 'S', 'T'};

  /** GET key */
  static void get(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a, 1); // the key read in place
    if (e == null) {
      c.reply().nullBulk();
    } else {
      StringValues.reply(c.reply(), e); // read in place from the arena, no copy
    }
  }

  /**
   * SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds
   * | KEEPTTL]
   */
  static void set(CommandContext c, Args a) {
    if (a.size() == 3) { // the common case: no options; key and value read in place, kept only as stored
      Db db = (Db) c.db();
      byte[] key = db.setString(a, 1, 2).key;
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key, db.id());
      c.addDirty(1);
      c.reply().ok();
      return;
    }
    long o = ExpireOptions.parse(a, 3, true);
    setGeneric(c, a, ExpireOptions.flags(o), 2, ExpireOptions.argIndex(o), "set", false);
  }

  /** SETNX key value */
  static void setnx(CommandContext c, Args a) {
    setGeneric(c, a, ExpireOptions.NX, 2, -1, "setnx", true);
  }

  /** SETEX key seconds value; PSETEX key milliseconds value */
  static void setex(CommandContext c, Args a, boolean millis) {
    setGeneric(c, a, millis ? ExpireOptions.PX : ExpireOptions.EX, 3, 2, millis ? "psetex" : "setex", false);
  }

  /**
   * What SET and its variants share: the NX/XX condition, GET, and the expiry ({@code expireArg} is the index of the
   * expiry argument, or -1). SETNX replies 1/0 ({@code intReply}) where SET replies OK/nil. The key (argument 1) and
   * the value (argument {@code valueArg}) are read in place, as SET without options reads them.
   */
  private static void setGeneric(CommandContext c, Args a, int flags, int valueArg, int expireArg, String command,
      boolean intReply) {
    long at = expireArg < 0 ? -1 : ExpireOptions.expireAt(c, a, expireArg, flags, command);
    Db db = (Db) c.db();
    boolean get = (flags & ExpireOptions.GET) != 0;
    if (get) {
      Entry old = db.lookupRead(a, 1);
      if (old == null) {
        c.reply().nullBulk();
      } else {
        StringValues.reply(c.reply(), old); // WRONGTYPE here leaves the key alone
      }
    }
    if ((flags & (ExpireOptions.NX | ExpireOptions.XX)) != 0) {
      boolean found = db.existsForWrite(a, 1);
      if ((flags & ExpireOptions.NX) != 0 && found || (flags & ExpireOptions.XX) != 0 && !found) {
        if (intReply) {
          c.reply().integer(0);
        } else if (!get) {
          c.reply().nullBulk();
        }
        return;
      }
    }
    Entry e = db.setString(a, 1, valueArg, at >= 0 || (flags & ExpireOptions.KEEPTTL) != 0);
    byte[] key = e.key;
    c.signalModifiedKey(db.id(), key);
    c.addDirty(1);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key, db.id());
    if (at >= 0) {
      db.setExpireAt(e, at);
      if ((flags & ExpireOptions.PXAT) == 0 && c.propagates()) {
        // replicas and the AOF get the absolute time, so that they expire the key at the same instant
        c.propagate(SET_CMD, key, a.get(valueArg), PXAT_ARG,
            Long.toString(at).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key, db.id());
    } else if (get && c.propagates()) {
      c.propagate(withoutGet(a));
    }
    if (intReply) {
      c.reply().integer(1);
    } else if (!get) {
      c.reply().ok();
    }
  }

  /** The SET command as sent, less its GET options (replicas need not reply). */
  private static byte[][] withoutGet(Args a) {
    int n = 0;
    byte[][] out = new byte[a.size()][];
    for (int i = 0; i < a.size(); i++) {
      if (i < 3 || !a.is(i, "get")) {
        out[n++] = a.get(i);
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] */
  static void getex(CommandContext c, Args a) {
    long o = ExpireOptions.parse(a, 2, false);
    int flags = ExpireOptions.flags(o);
    int expireArg = ExpireOptions.argIndex(o);
    Db db = (Db) c.db();
    Entry e = db.lookupRead(a, 1); // the key read in place
    if (e == null) {
      c.reply().nullBulk();
      return;
    }
    byte[] key = e.key;
    if (e.arena() == null && !StringValues.isString(e.valueObject())) {
      throw Errors.WRONGTYPE;
    }
    // the expiry is checked only once the key is known to be a string, as Redis does
    long at = expireArg < 0 ? -1 : ExpireOptions.expireAt(c, a, expireArg, flags, "getex");
    StringValues.reply(c.reply(), e);
    if ((flags & (ExpireOptions.EXAT | ExpireOptions.PXAT)) != 0 && ExpireOptions.alreadyExpired(c, at)) {
      db.delete(key);
      c.propagate(ExpireOptions.expiredDeleteCommand(c), key);
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
      c.addDirty(1);
    } else if (at >= 0) {
      db.setExpireAt(e, at);
      if (c.propagates()) {
        c.propagate(PEXPIREAT_CMD, key, Long.toString(at).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key, db.id());
      c.addDirty(1);
    } else if ((flags & ExpireOptions.PERSIST) != 0 && db.persist(e)) {
      c.signalModifiedKey(db.id(), key);
      c.propagate(PERSIST_CMD, key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "persist", key, db.id());
      c.addDirty(1);
    }
  }

  /** GETDEL key */
  static void getdel(CommandContext c, Args a) {
    Db db = (Db) c.db();
    Entry e = db.lookupRead(a, 1); // the key read in place
    if (e == null) {
      c.reply().nullBulk();
      return;
    }
    byte[] key = e.key;
    StringValues.reply(c.reply(), e); // before the delete frees its arena slot
    db.delete(key);
    c.propagate(DEL_CMD, key);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
    c.addDirty(1);
  }

  /** GETSET key value */
  static void getset(CommandContext c, Args a) {
    Db db = (Db) c.db();
    Entry e = db.lookupRead(a, 1); // key and value read in place, as SET reads them
    if (e == null) {
      c.reply().nullBulk();
    } else {
      StringValues.reply(c.reply(), e); // before the set writes over its arena slot
    }
    byte[] key = db.setString(a, 1, 2).key;
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key, db.id());
    c.addDirty(1);
    if (c.propagates()) {
      c.propagate(SET_CMD, key, a.get(2));
    }
  }

  /** MGET key [key ...] */
  static void mget(CommandContext c, Args a) {
    Db db = (Db) c.db();
    Reply r = c.reply();
    int n = a.size();
    r.array(n - 1);
    for (int i = 1; i < n; i++) {
      Entry e = db.lookupRead(a, i); // read in place
      if (e != null && StringValues.replyArena(r, e)) {
        continue;
      }
      Object v = e == null ? null : e.valueObject();
      if (v instanceof byte[] b) {
        r.bulk(b);
      } else if (StringValues.isString(v)) {
        StringValues.reply(r, v);
      } else {
        r.nullBulk(); // missing, or not a string: MGET never fails on type
      }
    }
  }

  /** MSET key value [key value ...]; MSETNX key value [key value ...] */
  static void mset(CommandContext c, Args a, boolean nx) {
    int n = a.size();
    if (n % 2 == 0) {
      throw Errors.arity(nx ? "msetnx" : "mset");
    }
    Db db = (Db) c.db();
    if (nx) {
      for (int i = 1; i < n; i += 2) {
        if (db.existsForWrite(a, i)) {
          c.reply().integer(0);
          return;
        }
      }
    }
    int id = db.id();
    for (int i = 1; i < n; i += 2) {
      byte[] key = db.setString(a, i, i + 1).key; // read in place, as SET's; a new key alone gets an array
      c.signalModifiedKey(id, key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key, id);
    }
    c.addDirty((n - 1) / 2);
    if (nx) {
      c.reply().integer(1);
    } else {
      c.reply().ok();
    }
  }

  /** STRLEN key */
  static void strlen(CommandContext c, Args a) {
    c.reply().integer(StringValues.length(((Db) c.db()).lookupRead(a, 1))); // the key read in place
  }
}
