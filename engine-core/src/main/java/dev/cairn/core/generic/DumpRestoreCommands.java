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
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Lfu;
import dev.cairn.core.keyspace.LruClock;
import dev.cairn.core.rdb.DumpPayload;
import java.nio.charset.StandardCharsets;

/** DUMP and RESTORE: a value as Redis's serialized payload, so keys move between Cairn and Redis both ways. */
public final class DumpRestoreCommands implements CommandFamily {
  static final CommandSpec DUMP = CommandSpec.command("dump", 2)
      .tips("nondeterministic_output").group(Group.GENERIC).since("2.6.0")
      .flags(Flag.READONLY).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns a serialized representation of the value stored at a key.")
      .complexity("O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis "
          + "objects composing the value and M their average size. For small string values the time complexity is "
          + "thus O(1)+O(1*M) where M is small, so simply O(1).")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec RESTORE = CommandSpec.command("restore", -4).group(Group.GENERIC).since("2.6.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Creates a key from the serialized representation of a value.")
      .complexity("O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is "
          + "the number of Redis objects composing the value and M their average size. For small string values the "
          + "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the "
          + "complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
      .history("3.0.0", "Added the `REPLACE` modifier.")
      .history("5.0.0", "Added the `ABSTTL` modifier.")
      .history("5.0.0", "Added the `IDLETIME` and `FREQ` options.")
      .args(Arg.key("key", 0), Arg.integer("ttl"), Arg.string("serialized-value"),
          Arg.token("REPLACE").optional().since("3.0.0"), Arg.token("ABSTTL").optional().since("5.0.0"),
          Arg.integer("seconds").withToken("IDLETIME").optional().since("5.0.0"),
          Arg.integer("frequency").withToken("FREQ").optional().since("5.0.0"))
      .build();

  /** RESTORE as MIGRATE sends it to a cluster node: the ASKING flag lets it into a slot being imported. */
  static final CommandSpec RESTORE_ASKING = CommandSpec.command("restore-asking", -4).group(Group.SERVER)
      .since("3.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.ASKING)
      .acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("An internal command for migrating keys in a cluster.")
      .complexity(RESTORE.complexity())
      .history("3.0.0", "Added the `REPLACE` modifier.")
      .history("5.0.0", "Added the `ABSTTL` modifier.")
      .history("5.0.0", "Added the `IDLETIME` and `FREQ` options.")
      .args(RESTORE.arguments().toArray(new Arg[0])).sysCmd()
      .build();

  static final RedisException BUSYKEY = RedisException.of("BUSYKEY", "Target key name already exists.");
  static final RedisException BAD_PAYLOAD = Errors.err("DUMP payload version or checksum are wrong");
  static final RedisException BAD_FORMAT = Errors.err("Bad data format");
  private static final byte[] DEL_NAME = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNLINK_NAME = "UNLINK".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void register(CommandRegistry r) {
    r.add(DUMP, DumpRestoreCommands::dump);
    r.add(RESTORE, DumpRestoreCommands::restore);
    r.add(RESTORE_ASKING, DumpRestoreCommands::restore);
  }

  private static DumpPayload payloads(CommandContext c) {
    return ((Session) c).engine.dumpPayload();
  }

  /** DUMP key */
  static void dump(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a.get(1));
    if (e == null) {
      c.reply().nullBulk();
      return;
    }
    byte[] payload = payloads(c).create(e.value());
    if (payload == null) {
      // a data type whose RDB codec is not written yet: say so rather than send something Redis could not read
      throw Errors.err("DUMP of " + dev.cairn.core.keyspace.Values.typeName(e.value()) + " values is not supported yet");
    }
    c.reply().bulk(payload);
  }

  /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
  static void restore(CommandContext c, Args a) {
    boolean replace = false;
    boolean absTtl = false;
    long idle = -1;
    long freq = -1;
    for (int i = 4; i < a.size(); i++) {
      boolean hasValue = i + 1 < a.size();
      if (a.is(i, "replace")) {
        replace = true;
      } else if (a.is(i, "absttl")) {
        absTtl = true;
      } else if (a.is(i, "idletime") && hasValue && freq == -1) {
        idle = a.longArg(++i);
        if (idle < 0) {
          throw Errors.err("Invalid IDLETIME value, must be >= 0");
        }
      } else if (a.is(i, "freq") && hasValue && idle == -1) {
        freq = a.longArg(++i);
        if (freq < 0 || freq > 255) {
          throw Errors.err("Invalid FREQ value, must be >= 0 and <= 255");
        }
      } else {
        throw Errors.SYNTAX;
      }
    }
    Db db = (Db) c.db();
    byte[] key = a.get(1);
    Entry old = db.peek(key); // removed below if REPLACE: a running snapshot keeps it without a copy
    if (!replace && old != null) {
      throw BUSYKEY;
    }
    long ttl = a.longArg(2);
    if (ttl < 0) {
      throw Errors.err("Invalid TTL value, must be >= 0");
    }
    Object value;
    try {
      value = payloads(c).restore(a.get(3));
    } catch (DumpPayload.InvalidPayload e) {
      throw e.problem == DumpPayload.Problem.VERSION_OR_CHECKSUM ? BAD_PAYLOAD : BAD_FORMAT;
    }
    if (old != null) {
      db.remove(old);
    }
    boolean relative = ttl > 0 && !absTtl;
    if (relative) {
      ttl += c.now();
    }
    if (ttl > 0 && ttl <= c.now()) {
      // born expired: nothing is created, but a replaced key is gone
      if (old != null) {
        c.signalModifiedKey(db.id(), key);
        c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
        c.addDirty(1);
        // as Redis's server-side deletes: UNLINK under lazyfree-lazy-server-del
        boolean lazy = c instanceof dev.cairn.core.connection.Session s
            && s.engine.params().memory.lazyfreeLazyServerDel.value;
        c.propagate(lazy ? UNLINK_NAME : DEL_NAME, key);
      }
      c.reply().ok();
      return;
    }
    Entry e = db.add(key, value, ttl > 0 ? ttl : -1);
    if (ObjectCommand.lfuPolicy(c)) {
      if (freq >= 0) {
        e.setLru(Lfu.withCounter(c.now(), (int) freq));
      }
    } else if (idle >= 0) {
      e.setLru((int) ((LruClock.now(c.now()) - idle) & LruClock.MAX));
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "restore", key, db.id());
    c.addDirty(1);
    if (relative) {
      // replicas and the AOF get the instant, as Redis rewrites it: the absolute time plus ABSTTL
      byte[][] prop = java.util.Arrays.copyOf(a.toArray(), a.size() + 1);
      prop[2] = Long.toString(ttl).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      prop[a.size()] = ABSTTL;
      c.propagate(prop);
    }
    c.reply().ok();
  }

  private static final byte[] ABSTTL = {'A', 'B', 'S', 'T', 'T', 'L'};
}
