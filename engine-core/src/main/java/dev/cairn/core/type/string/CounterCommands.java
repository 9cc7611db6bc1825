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
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** Strings as numbers: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT. */
public final class CounterCommands implements CommandFamily {
  static final CommandSpec INCR = CommandSpec.command("incr", 2).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0))
      .build();

  static final CommandSpec DECR = CommandSpec.command("decr", 2).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0))
      .build();

  static final CommandSpec INCRBY = CommandSpec.command("incrby", 3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.integer("increment"))
      .build();

  static final CommandSpec DECRBY = CommandSpec.command("decrby", 3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.integer("decrement"))
      .build();

  static final CommandSpec INCRBYFLOAT = CommandSpec.command("incrbyfloat", 3).group(Group.STRING).since("2.6.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.dbl("increment"))
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(INCR, (c, a) -> incrBy(c, a, 1));
    r.add(DECR, (c, a) -> incrBy(c, a, -1));
    r.add(INCRBY, (c, a) -> incrBy(c, a, a.longArg(2)));
    r.add(DECRBY, CounterCommands::decrby);
    r.add(INCRBYFLOAT, CounterCommands::incrbyfloat);
  }

  private static final RedisException DECREMENT_OVERFLOW = Errors.err("decrement would overflow");
  private static final RedisException NAN_OR_INFINITY = Errors.err("increment would produce NaN or Infinity");
  private static final byte[] KEEPTTL_ARG = {'K', 'E', 'E', 'P', 'T', 'T', 'L'};
  /** DECRBY key decrement */
  static void decrby(CommandContext c, Args a) {
    long decrement = a.longArg(2);
    if (decrement == Long.MIN_VALUE) {
      throw DECREMENT_OVERFLOW; // its negation does not exist
    }
    incrBy(c, a, -decrement);
  }

  /** INCR key; DECR key; INCRBY key increment (and DECRBY, negated) */
  static void incrBy(CommandContext c, Args a, long increment) {
    Db db = (Db) c.db();
    Entry e = db.lookupWrite(a, 1); // the key read in place
    Object v = e == null ? null : e.value();
    long value = v == null ? 0 : StringValues.parseLong(v, Errors.NOT_INTEGER);
    long result = value + increment;
    if (((value ^ result) & (increment ^ result)) < 0) {
      throw Errors.OVERFLOW; // both operands' signs differ from the result's
    }
    byte[] key;
    if (e == null) {
      key = a.get(1); // a new key: its array is stored
      db.add(key, new IntString(result));
    } else {
      key = e.key;
      if (v instanceof IntString n) {
        n.value = result; // in place, as Redis changes an int-encoded object it alone holds
      } else {
        db.set(key, new IntString(result), true);
      }
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "incrby", key, db.id());
    c.addDirty(1);
    c.reply().integer(result);
  }

  /** INCRBYFLOAT key increment */
  static void incrbyfloat(CommandContext c, Args a) {
    Db db = (Db) c.db();
    Entry e = db.lookupWrite(a, 1); // the key read in place; the arithmetic's numbers are objects of their own
    Object v = e == null ? null : e.value();
    byte[] key = e == null ? a.get(1) : e.key;
    BigDecimal value = BigDecimal.ZERO;
    if (v != null) {
      value = LongDouble.parse(StringValues.array(v), StringValues.length(v));
      if (value == null) {
        throw Errors.NOT_FLOAT;
      }
    }
    byte[] incrArg = a.get(2);
    BigDecimal increment = LongDouble.parse(incrArg, incrArg.length);
    if (increment == null) {
      throw Errors.NOT_FLOAT;
    }
    if (LongDouble.isInfinite(value) || LongDouble.isInfinite(increment)) {
      throw NAN_OR_INFINITY;
    }
    BigDecimal sum = LongDouble.add(value, increment);
    if (LongDouble.isInfinite(sum)) {
      throw NAN_OR_INFINITY;
    }
    byte[] stored = LongDouble.format(sum).getBytes(StandardCharsets.US_ASCII);
    db.set(key, stored, true);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "incrbyfloat", key, db.id());
    c.addDirty(1);
    c.reply().bulk(stored);
    // replicas get the result, not the sum to redo, so that float formatting cannot make them differ
    c.propagate(StringCommands.SET_CMD, key, stored, KEEPTTL_ARG);
  }
}
