package dev.cairn.core.type.hash;

import static dev.cairn.core.type.hash.HashAccess.getLive;
import static dev.cairn.core.type.hash.HashAccess.reclaim;

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
import dev.cairn.api.reply.Reply;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.type.string.LongDouble;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** Hash commands without field expiry: HSET ... HSCAN. Field expiry is {@link HashFieldExpiryCommands}. */
public final class HashCommands implements CommandFamily {
  private static KeySpec key(KeyFlag... flags) {
    return KeySpec.index(1).range(0, 1, 0).flags(flags);
  }

  private static CommandSpec.Builder hash(String name, int arity, String since) {
    return CommandSpec.command(name, arity).group(Group.HASH).since(since).acl(AclCategory.HASH);
  }

  static final Arg KEY = Arg.key("key", 0);
  static final Arg FIELD = Arg.string("field");
  static final Arg FIELD_VALUE = Arg.block("data", Arg.string("field"), Arg.string("value")).multiple();

  static final CommandSpec HSET = hash("hset", -4, "2.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(key(KeyFlag.RW, KeyFlag.UPDATE)).summary("Creates or modifies the value of a field in a hash.")
      .complexity("O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called "
          + "with multiple field/value pairs.")
      .history("4.0.0", "Accepts multiple `field` and `value` arguments.").args(KEY, FIELD_VALUE).build();
  static final CommandSpec HMSET = hash("hmset", -4, "2.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(key(KeyFlag.RW, KeyFlag.UPDATE)).summary("Sets the values of multiple fields.")
      .complexity("O(N) where N is the number of fields being set.")
      .deprecated("4.0.0", "`HSET` with multiple field-value pairs").args(KEY, FIELD_VALUE).build();
  static final CommandSpec HSETNX = hash("hsetnx", 4, "2.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(key(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Sets the value of a field in a hash only when the field doesn't exist.").complexity("O(1)")
      .args(KEY, FIELD, Arg.string("value")).build();
  static final CommandSpec HGET = hash("hget", 3, "2.0.0").flags(Flag.READONLY, Flag.FAST)
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns the value of a field in a hash.").complexity("O(1)")
      .args(KEY, FIELD).build();
  static final CommandSpec HMGET = hash("hmget", -3, "2.0.0").flags(Flag.READONLY, Flag.FAST)
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns the values of all fields in a hash.")
      .complexity("O(N) where N is the number of fields being requested.").args(KEY, FIELD.multiple()).build();
  static final CommandSpec HDEL = hash("hdel", -3, "2.0.0").flags(Flag.WRITE, Flag.FAST)
      .key(key(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.")
      .complexity("O(N) where N is the number of fields to be removed.")
      .history("2.4.0", "Accepts multiple `field` arguments.").args(KEY, FIELD.multiple()).build();
  static final CommandSpec HLEN = hash("hlen", 2, "2.0.0").flags(Flag.READONLY, Flag.FAST).key(key(KeyFlag.RO))
      .summary("Returns the number of fields in a hash.").complexity("O(1)").args(KEY).build();
  static final CommandSpec HSTRLEN = hash("hstrlen", 3, "3.2.0").flags(Flag.READONLY, Flag.FAST)
      .key(key(KeyFlag.RO)).summary("Returns the length of the value of a field.").complexity("O(1)")
      .args(KEY, FIELD).build();
  static final CommandSpec HEXISTS = hash("hexists", 3, "2.0.0").flags(Flag.READONLY, Flag.FAST)
      .key(key(KeyFlag.RO)).summary("Determines whether a field exists in a hash.").complexity("O(1)")
      .args(KEY, FIELD).build();
  static final CommandSpec HKEYS = hash("hkeys", 2, "2.0.0").flags(Flag.READONLY).tips("nondeterministic_output_order")
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns all fields in a hash.")
      .complexity("O(N) where N is the size of the hash.").args(KEY).build();
  static final CommandSpec HVALS = hash("hvals", 2, "2.0.0").flags(Flag.READONLY).tips("nondeterministic_output_order")
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns all values in a hash.")
      .complexity("O(N) where N is the size of the hash.").args(KEY).build();
  static final CommandSpec HGETALL = hash("hgetall", 2, "2.0.0").flags(Flag.READONLY).tips("nondeterministic_output_order")
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns all fields and values in a hash.")
      .complexity("O(N) where N is the size of the hash.").args(KEY).build();
  static final CommandSpec HINCRBY = hash("hincrby", 4, "2.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(key(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field "
          + "doesn't exist.").complexity("O(1)").args(KEY, FIELD, Arg.integer("increment")).build();
  static final CommandSpec HINCRBYFLOAT = hash("hincrbyfloat", 4, "2.6.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).key(key(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increments the floating point value of a field by a number. Uses 0 as initial value if the field "
          + "doesn't exist.").complexity("O(1)").args(KEY, FIELD, Arg.dbl("increment")).build();
  static final CommandSpec HRANDFIELD = hash("hrandfield", -2, "6.2.0").flags(Flag.READONLY)
      .tips("nondeterministic_output")
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Returns one or more random fields from a hash.")
      .complexity("O(N) where N is the number of fields returned")
      .args(KEY, Arg.block("options", Arg.integer("count"), Arg.token("WITHVALUES").optional()).optional()).build();
  static final CommandSpec HSCAN = hash("hscan", -3, "2.8.0").flags(Flag.READONLY).tips("nondeterministic_output")
      .key(key(KeyFlag.RO, KeyFlag.ACCESS)).summary("Iterates over fields and values of a hash.")
      .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
          + "to return back to 0. N is the number of elements inside the collection.")
      .args(KEY, Arg.integer("cursor"), Arg.pattern("pattern").withToken("MATCH").optional(),
          Arg.integer("count").withToken("COUNT").optional(), Arg.token("NOVALUES").since("7.4.0").optional())
      .build();

  static final RedisException NOT_INTEGER_HASH = Errors.err("hash value is not an integer");
  static final RedisException NOT_FLOAT_HASH = Errors.err("hash value is not a float");
  static final RedisException NAN_OR_INFINITY = Errors.err("value is NaN or Infinity");
  static final RedisException WOULD_BE_NAN_OR_INFINITY = Errors.err("increment would produce NaN or Infinity");
  static final RedisException INVALID_CURSOR = Errors.err("invalid cursor");
  static final RedisException OUT_OF_RANGE = Errors.err("value is out of range");
  static final RedisException COUNT_OUT_OF_RANGE =
      Errors.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");

  private static final byte[] HSET_CMD = "HSET".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void register(CommandRegistry r) {
    r.add(HSET, (c, a) -> hset(c, a, false));
    r.add(HMSET, (c, a) -> hset(c, a, true));
    r.add(HSETNX, HashCommands::hsetnx);
    r.add(HGET, HashCommands::hget);
    r.add(HMGET, HashCommands::hmget);
    r.add(HDEL, HashCommands::hdel);
    r.add(HLEN, HashCommands::hlen);
    r.add(HSTRLEN, HashCommands::hstrlen);
    r.add(HEXISTS, HashCommands::hexists);
    r.add(HKEYS, (c, a) -> getAll(c, a, true, false));
    r.add(HVALS, (c, a) -> getAll(c, a, false, true));
    r.add(HGETALL, (c, a) -> getAll(c, a, true, true));
    r.add(HINCRBY, HashCommands::hincrby);
    r.add(HINCRBYFLOAT, HashCommands::hincrbyfloat);
    r.add(HRANDFIELD, HashCommands::hrandfield);
    r.add(HSCAN, HashCommands::hscan);
  }

  /** HSET key field value [field value ...] (and HMSET, which replies OK). */
  static void hset(CommandContext c, Args a, boolean hmset) {
    int n = a.size();
    if ((n & 1) == 1) {
      throw Errors.arity(hmset ? "hmset" : "hset");
    }
    Entry entry = HashAccess.writeOrCreate(c, a, 1);
    byte[] key = entry.key;
    HashValue h = (HashValue) entry.value();
    int maxEntries = HashAccess.maxEntries(c);
    int maxValue = HashAccess.maxValue(c);
    h.prepareFor((n - 2) / 2, maxEntries);
    int created = 0;
    int reclaimed = 0;
    if (h.volatileCount() == 0) {
      created = h.setPairs(a, 2, n, maxEntries, maxValue); // the key stays in place; fields and values are read in place too
    } else {
      for (int i = 2; i < n; i += 2) {
        byte[] field = a.get(i);
        if (reclaim(c, key, h, field)) {
          reclaimed++;
        }
        if (h.set(field, a.get(i + 1), false, maxEntries, maxValue)) {
          created++;
        }
      }
    }
    int db = c.db().id();
    HashAccess.notifyReclaimed(c, key, reclaimed);
    if (hmset) {
      c.reply().ok();
    } else {
      c.reply().integer(created);
    }
    c.signalModifiedKey(db, key);
    c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", key, db);
    c.addDirty((n - 2) / 2);
  }

  /** HSETNX key field value */
  static void hsetnx(CommandContext c, Args a) {
    byte[] key = a.get(1);
    byte[] field = a.get(2);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    if (h != null && getLive(c, key, h, field) != null) {
      c.reply().integer(0);
      return;
    }
    h = HashAccess.writeOrCreate(c, key); // again: a lazy reclaim may have deleted the key
    h.set(field, a.get(3), false, HashAccess.maxEntries(c), HashAccess.maxValue(c));
    c.reply().integer(1);
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", key, c.db().id());
    c.addDirty(1);
  }

  /** HGET key field */
  static void hget(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a, 1); // the key read in place
    HashValue h = Db.valueAs(e, HashValue.class);
    if (h != null && h.volatileCount() == 0) {
      if (!h.replyValue(a.bytes(2), a.offset(2), a.length(2), c.reply())) { // the field too, the value from the hash
        c.reply().nullBulk();
      }
      return;
    }
    byte[] v = h == null ? null : getLive(c, e.key, h, a.get(2));
    if (v == null) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(v);
    }
  }

  /** HMGET key field [field ...] */
  static void hmget(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a, 1); // the key read in place
    HashValue h = Db.valueAs(e, HashValue.class);
    byte[] key = e == null ? null : e.key;
    Reply r = c.reply();
    int n = a.size();
    r.array(n - 2);
    int reclaimed = 0;
    for (int i = 2; i < n; i++) {
      if (h != null && h.volatileCount() == 0) {
        if (!h.replyValue(a.bytes(i), a.offset(i), a.length(i), r)) { // read in place, as HGET's
          r.nullBulk();
        }
        continue;
      }
      byte[] field = a.get(i);
      byte[] v = null;
      if (h != null) {
        if (h.volatileCount() > 0 && reclaim(c, key, h, field)) {
          reclaimed++;
        } else {
          v = h.get(field);
        }
      }
      if (v == null) {
        r.nullBulk();
      } else {
        r.bulk(v);
      }
    }
    HashAccess.afterReclaim(c, key, h, reclaimed);
  }

  /** HDEL key field [field ...] */
  static void hdel(CommandContext c, Args a) {
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    if (h == null) {
      c.reply().integer(0);
      return;
    }
    // an expired field not yet reclaimed is still deleted and counted, as in Redis 7.4
    int deleted = 0;
    for (int i = 2; i < a.size() && h.size() > 0; i++) {
      if (h.delete(a.get(i))) {
        deleted++;
      }
    }
    if (deleted > 0) {
      int db = c.db().id();
      c.signalModifiedKey(db, key);
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hdel", key, db);
      HashAccess.deleteIfEmpty(c, key, h);
      c.addDirty(deleted);
    }
    c.reply().integer(deleted);
  }

  /** HLEN key */
  static void hlen(CommandContext c, Args a) {
    HashValue h = Db.valueAs(((Db) c.db()).lookupRead(a, 1), HashValue.class);
    c.reply().integer(h == null ? 0 : h.size());
  }

  /** HSTRLEN key field */
  static void hstrlen(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a, 1); // key and field read in place
    HashValue h = Db.valueAs(e, HashValue.class);
    if (h != null && h.volatileCount() == 0) {
      c.reply().integer(Math.max(0, h.valueLength(a.bytes(2), a.offset(2), a.length(2))));
      return;
    }
    byte[] v = h == null ? null : getLive(c, e.key, h, a.get(2));
    c.reply().integer(v == null ? 0 : v.length);
  }

  /** HEXISTS key field */
  static void hexists(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupRead(a, 1); // key and field read in place
    HashValue h = Db.valueAs(e, HashValue.class);
    boolean found = h != null && (h.volatileCount() == 0
        ? h.valueLength(a.bytes(2), a.offset(2), a.length(2)) >= 0
        : getLive(c, e.key, h, a.get(2)) != null);
    c.reply().integer(found ? 1 : 0);
  }

  /** HGETALL key, HKEYS key, HVALS key: expired fields are skipped, not reclaimed (as Redis 7.4). */
  static void getAll(CommandContext c, Args a, boolean fields, boolean values) {
    HashValue h = c.db().get(a.get(1), HashValue.class);
    Reply r = c.reply();
    long now = c.now();
    int n = h == null ? 0 : h.liveSize(now);
    if (fields && values) {
      r.map(n);
    } else {
      r.array(n);
    }
    if (n == 0) {
      return;
    }
    h.forEach(now, (fb, fo, fl, vb, vo, vl) -> {
      if (fields) {
        r.bulk(fb, fo, fl);
      }
      if (values) {
        r.bulk(vb, vo, vl);
      }
    });
  }

  /** HINCRBY key field increment */
  static void hincrby(CommandContext c, Args a) {
    long incr = a.longArg(3);
    Entry e = HashAccess.writeOrCreate(c, a, 1); // key and field read in place
    byte[] key = e.key;
    HashValue h = (HashValue) e.value();
    boolean reclaimed = h.volatileCount() > 0 && reclaim(c, key, h, a.get(2));
    long value = h.longValue(a.bytes(2), a.offset(2), a.length(2), NOT_INTEGER_HASH);
    if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
        || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
      throw Errors.OVERFLOW;
    }
    value += incr;
    h.setDecimal(a.bytes(2), a.offset(2), a.length(2), value, HashAccess.maxEntries(c), HashAccess.maxValue(c));
    int db = c.db().id();
    HashAccess.notifyReclaimed(c, key, reclaimed ? 1 : 0);
    c.reply().integer(value);
    c.signalModifiedKey(db, key);
    c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrby", key, db);
    c.addDirty(1);
  }

  /** HINCRBYFLOAT key field increment */
  static void hincrbyfloat(CommandContext c, Args a) {
    BigDecimal incr = LongDouble.parse(a.get(3), a.get(3).length);
    if (incr == null) {
      throw Errors.NOT_FLOAT;
    }
    if (LongDouble.isInfinite(incr)) {
      throw NAN_OR_INFINITY;
    }
    byte[] key = a.get(1);
    byte[] field = a.get(2);
    HashValue h = HashAccess.writeOrCreate(c, key);
    boolean reclaimed = h.volatileCount() > 0 && reclaim(c, key, h, field);
    byte[] old = h.get(field);
    BigDecimal value = BigDecimal.ZERO;
    if (old != null) {
      value = LongDouble.parse(old, old.length);
      if (value == null) {
        throw NOT_FLOAT_HASH;
      }
    }
    BigDecimal sum = LongDouble.add(value, incr);
    if (LongDouble.isInfinite(sum)) {
      throw WOULD_BE_NAN_OR_INFINITY;
    }
    byte[] out = LongDouble.format(sum).getBytes(StandardCharsets.US_ASCII);
    h.set(field, out, true, HashAccess.maxEntries(c), HashAccess.maxValue(c));
    int db = c.db().id();
    HashAccess.notifyReclaimed(c, key, reclaimed ? 1 : 0);
    c.reply().bulk(out);
    c.signalModifiedKey(db, key);
    c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrbyfloat", key, db);
    c.addDirty(1);
    // the result, not the increment, goes to replicas so that they cannot round differently
    if (h.expireAt(field) > 0) {
      c.propagate(HashFieldExpiryCommands.HSETEX_CMD, key, HashFieldExpiryCommands.KEEPTTL,
          HashFieldExpiryCommands.FIELDS, new byte[] {'1'}, field, out);
    } else {
      c.propagate(HSET_CMD, key, field, out);
    }
  }

  /** HRANDFIELD key [count [WITHVALUES]] */
  static void hrandfield(CommandContext c, Args a) {
    if (a.size() >= 3) {
      long count = a.longArg(2);
      if (count == Long.MIN_VALUE) {
        throw COUNT_OUT_OF_RANGE;
      }
      boolean withValues = false;
      if (a.size() > 4 || (a.size() == 4 && !a.is(3, "withvalues"))) {
        throw Errors.SYNTAX;
      } else if (a.size() == 4) {
        withValues = true;
        if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
          throw OUT_OF_RANGE;
        }
      }
      HashRandom.withCount(c, a.get(1), count, withValues);
      return;
    }
    byte[] key = a.get(1);
    HashValue h = c.db().get(key, HashValue.class);
    if (h == null || HashAccess.purgeExpired(c, key, h)) {
      c.reply().nullBulk();
      return;
    }
    c.reply().bulk(h.random()[0]);
  }

  /** HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES] */
  static void hscan(CommandContext c, Args a) {
    long cursor = parseCursor(a.get(2));
    HashValue h = c.db().get(a.get(1), HashValue.class);
    if (h == null) {
      c.reply().array(2);
      c.reply().bulk(new byte[] {'0'});
      c.reply().array(0);
      return;
    }
    HashScan.scan(c, a, h, cursor);
  }

  /** The cursor as Redis's strtoull would take it: an unsigned 64-bit decimal. */
  static long parseCursor(byte[] b) {
    if (b.length == 0 || b.length > 20) {
      throw INVALID_CURSOR;
    }
    long v = 0;
    for (byte x : b) {
      if (x < '0' || x > '9') {
        throw INVALID_CURSOR;
      }
      long next = v * 10 + (x - '0');
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0 || Long.compareUnsigned(next, v * 10) < 0) {
        throw INVALID_CURSOR;
      }
      v = next;
    }
    return v;
  }
}
