package dev.cairn.core.type.set;

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
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Set commands: membership, random pops and samples, moves and scans. The set algebra is in {@link SetAlgebraCommands}. */
public final class SetCommands implements CommandFamily {
  static final CommandSpec SADD = CommandSpec.command("sadd", -3).group(Group.SET).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds one or more members to a set. Creates the key if it doesn't exist.")
      .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
          + "arguments.")
      .history("2.4.0", "Accepts multiple `member` arguments.")
      .args(Arg.key("key", 0), Arg.string("member").multiple()).build();
  static final CommandSpec SREM = CommandSpec.command("srem", -3).group(Group.SET).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Removes one or more members from a set. Deletes the set if the last member was removed.")
      .complexity("O(N) where N is the number of members to be removed.")
      .history("2.4.0", "Accepts multiple `member` arguments.")
      .args(Arg.key("key", 0), Arg.string("member").multiple()).build();
  static final CommandSpec SMEMBERS = CommandSpec.command("smembers", 2).group(Group.SET).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .tips("nondeterministic_output_order").summary("Returns all members of a set.").complexity("O(N) where N is the set cardinality.")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec SISMEMBER = CommandSpec.command("sismember", 3).group(Group.SET).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Determines whether a member belongs to a set.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("member")).build();
  static final CommandSpec SMISMEMBER = CommandSpec.command("smismember", -3).group(Group.SET).since("6.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Determines whether multiple members belong to a set.")
      .complexity("O(N) where N is the number of elements being checked for membership")
      .args(Arg.key("key", 0), Arg.string("member").multiple()).build();
  static final CommandSpec SCARD = CommandSpec.command("scard", 2).group(Group.SET).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns the number of members in a set.").complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec SPOP = CommandSpec.command("spop", -2).group(Group.SET).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .tips("nondeterministic_output")
      .summary("Returns one or more random members from a set after removing them. Deletes the set if the last member "
          + "was popped.")
      .complexity("Without the count argument O(1), otherwise O(N) where N is the value of the passed count.")
      .history("3.2.0", "Added the `count` argument.")
      .args(Arg.key("key", 0), Arg.integer("count").optional().since("3.2.0")).build();
  static final CommandSpec SRANDMEMBER = CommandSpec.command("srandmember", -2).group(Group.SET).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .tips("nondeterministic_output").summary("Get one or multiple random members from a set")
      .complexity("Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed "
          + "count.")
      .history("2.6.0", "Added the optional `count` argument.")
      .args(Arg.key("key", 0), Arg.integer("count").optional().since("2.6.0")).build();
  static final CommandSpec SMOVE = CommandSpec.command("smove", 4).group(Group.SET).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Moves a member from one set to another.").complexity("O(1)")
      .args(Arg.key("source", 0), Arg.key("destination", 1), Arg.string("member")).build();
  static final CommandSpec SSCAN = CommandSpec.command("sscan", -3).group(Group.SET).since("2.8.0")
      .flags(Flag.READONLY).acl(AclCategory.SET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .tips("nondeterministic_output").summary("Iterates over members of a set.")
      .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
          + "to return back to 0. N is the number of elements inside the collection.")
      .args(Arg.key("key", 0), Arg.integer("cursor"), Arg.pattern("pattern").withToken("MATCH").optional(),
          Arg.integer("count").withToken("COUNT").optional()).build();

  static final RedisException MUST_BE_POSITIVE = Errors.err("value is out of range, must be positive");
  static final RedisException OUT_OF_RANGE =
      Errors.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  private static final byte[] SREM_NAME = "SREM".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEL_NAME = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNLINK_NAME = "UNLINK".getBytes(StandardCharsets.US_ASCII);
  /** SPOP with a count propagates as SREMs of at most this many members each, as Redis does. */
  private static final int SREM_BATCH = 1024;

  @Override
  public void register(CommandRegistry r) {
    r.add(SADD, SetCommands::sadd);
    r.add(SREM, SetCommands::srem);
    r.add(SMEMBERS, SetCommands::smembers);
    r.add(SISMEMBER, SetCommands::sismember);
    r.add(SMISMEMBER, SetCommands::smismember);
    r.add(SCARD, SetCommands::scard);
    r.add(SPOP, SetCommands::spop);
    r.add(SRANDMEMBER, SetCommands::srandmember);
    r.add(SMOVE, SetCommands::smove);
    r.add(SSCAN, SetCommands::sscan);
    new SetAlgebraCommands().register(r);
  }

  /** The encoding thresholds from the server's config (the defaults when run outside a server). */
  static SetValue.Limits limits(CommandContext c) {
    return c instanceof Session s ? limits(s.engine.params()) : SetValue.Limits.DEFAULT;
  }

  /** The last thresholds handed out: SADD asks on every call, and the config rarely changes (no object per call). */
  private static SetValue.Limits lastLimits = SetValue.Limits.DEFAULT;

  /** The encoding thresholds the config sets now. */
  public static SetValue.Limits limits(ServerParams p) {
    long intset = p.memory.setMaxIntsetEntries.value;
    long entries = p.memory.setMaxListpackEntries.value;
    long value = p.memory.setMaxListpackValue.value;
    SetValue.Limits l = lastLimits; // (immutable: servers of one JVM may race on it harmlessly)
    if (l.intsetEntries() != intset || l.listpackEntries() != entries || l.listpackValue() != value) {
      l = new SetValue.Limits(intset, entries, value);
      lastLimits = l;
    }
    return l;
  }

  /** SADD key member [member ...] */
  static void sadd(CommandContext c, Args a) {
    // the key and the members are read in place: only a new key or member gets an array
    Db db = ((Session) c).db();
    SetValue.Limits l = limits(c);
    Entry e = db.lookupWrite(a, 1);
    SetValue set = Db.valueAs(e, SetValue.class);
    byte[] key;
    if (set == null) {
      key = a.get(1);
      set = SetValue.create(a.get(2), a.size() - 2, l);
      db.add(key, set);
    } else {
      key = e.key;
    }
    int added = 0;
    for (int i = 2; i < a.size(); i++) {
      if (set.add(a, i, l)) {
        added++;
      }
    }
    if (added > 0) {
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.SET, "sadd", key, db.id());
    }
    c.addDirty(added);
    c.reply().integer(added);
  }

  /** SREM key member [member ...] */
  static void srem(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    SetValue set = db.getForWrite(key, SetValue.class);
    if (set == null) {
      c.reply().integer(0);
      return;
    }
    int removed = 0;
    for (int i = 2; i < a.size(); i++) {
      if (set.remove(a.get(i))) {
        removed++;
        if (set.size() == 0) {
          break;
        }
      }
    }
    if (removed > 0) {
      c.notifyKeyspaceEvent(KeyspaceEvents.SET, "srem", key, db.id());
      deleteIfEmpty(c, db, key, set);
      c.signalModifiedKey(db.id(), key);
    }
    c.addDirty(removed);
    c.reply().integer(removed);
  }

  /** Deletes an emptied set and publishes "del". */
  static void deleteIfEmpty(CommandContext c, Database db, byte[] key, SetValue set) {
    if (set.size() == 0) {
      db.delete(key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
    }
  }

  /** SMEMBERS key */
  static void smembers(CommandContext c, Args a) {
    SetValue set = c.db().get(a.get(1), SetValue.class);
    Reply r = c.reply();
    if (set == null) {
      r.set(0);
      return;
    }
    r.set(set.size());
    set.forEach(r::bulk);
  }

  /** SISMEMBER key member */
  static void sismember(CommandContext c, Args a) {
    SetValue set = c.db().get(a.get(1), SetValue.class);
    c.reply().integer(set != null && set.contains(a.get(2)) ? 1 : 0);
  }

  /** SMISMEMBER key member [member ...] */
  static void smismember(CommandContext c, Args a) {
    SetValue set = c.db().get(a.get(1), SetValue.class);
    Reply r = c.reply();
    r.array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      r.integer(set != null && set.contains(a.get(i)) ? 1 : 0);
    }
  }

  /** SCARD key */
  static void scard(CommandContext c, Args a) {
    SetValue set = c.db().get(a.get(1), SetValue.class);
    c.reply().integer(set == null ? 0 : set.size());
  }

  /** SPOP key [count] */
  static void spop(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    Database db = c.db();
    byte[] key = a.get(1);
    if (a.size() == 3) {
      spopCount(c, db, key, a);
      return;
    }
    SetValue set = db.getForWrite(key, SetValue.class);
    if (set == null) {
      c.reply().nullBulk();
      return;
    }
    byte[] m = set.pop();
    c.notifyKeyspaceEvent(KeyspaceEvents.SET, "spop", key, db.id());
    // replicas must remove the same member
    c.propagate(SREM_NAME, key, m);
    deleteIfEmpty(c, db, key, set);
    c.signalModifiedKey(db.id(), key);
    c.addDirty(1);
    c.reply().bulk(m);
  }

  private static void spopCount(CommandContext c, Database db, byte[] key, Args a) {
    long count = a.longArg(2, MUST_BE_POSITIVE);
    if (count < 0) {
      throw MUST_BE_POSITIVE;
    }
    SetValue set = db.getForWrite(key, SetValue.class);
    Reply r = c.reply();
    if (set == null || count == 0) {
      r.set(0);
      return;
    }
    int size = set.size();
    if (count >= size) {
      r.set(size);
      set.forEach(r::bulk);
      db.delete(key);
      c.notifyKeyspaceEvent(KeyspaceEvents.SET, "spop", key, db.id());
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
      // a server-side delete: UNLINK under lazyfree-lazy-server-del, as Redis propagates it
      boolean lazy = c instanceof dev.cairn.core.connection.Session s
          && s.engine.params().memory.lazyfreeLazyServerDel.value;
      c.propagate(lazy ? UNLINK_NAME : DEL_NAME, key);
      c.signalModifiedKey(db.id(), key);
      c.addDirty(size);
      return;
    }
    int n = (int) count;
    r.set(n);
    List<byte[]> batch = new ArrayList<>(Math.min(n, SREM_BATCH) + 2);
    for (int i = 0; i < n; i++) {
      byte[] m = set.pop();
      r.bulk(m);
      if (batch.isEmpty()) {
        batch.add(SREM_NAME);
        batch.add(key);
      }
      batch.add(m);
      if (batch.size() == SREM_BATCH + 2) {
        c.propagate(batch.toArray(new byte[0][]));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      c.propagate(batch.toArray(new byte[0][]));
    }
    c.notifyKeyspaceEvent(KeyspaceEvents.SET, "spop", key, db.id());
    c.signalModifiedKey(db.id(), key);
    c.addDirty(n);
  }

  /** SRANDMEMBER key [count] */
  static void srandmember(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    Reply r = c.reply();
    if (a.size() == 2) {
      SetValue set = c.db().get(a.get(1), SetValue.class);
      if (set == null) {
        r.nullBulk();
      } else {
        r.bulk(set.random());
      }
      return;
    }
    long count = a.longArg(2);
    if (count == Long.MIN_VALUE) {
      throw OUT_OF_RANGE;
    }
    SetValue set = c.db().get(a.get(1), SetValue.class);
    if (set == null || count == 0) {
      r.array(0);
      return;
    }
    if (count < 0) {
      // with repetitions: each pick independent
      long n = -count;
      r.array((int) Math.min(n, Integer.MAX_VALUE));
      for (long i = 0; i < n && !dev.cairn.core.connection.Session.stopLongReply(c, i); i++) {
        r.bulk(set.random());
      }
      return;
    }
    int size = set.size();
    if (count >= size) {
      r.array(size);
      set.forEach(r::bulk);
      return;
    }
    byte[][] picked = distinctSample(set, (int) count);
    r.array(picked.length);
    for (byte[] m : picked) {
      r.bulk(m);
    }
  }

  /**
   * {@code k} distinct random members (k below the set's size). Like Redis: a few out of many are drawn one by one
   * until distinct; a large share comes from a partial Fisher-Yates shuffle of all members.
   */
  static byte[][] distinctSample(SetValue set, int k) {
    if ((long) k * 3 <= set.size()) {
      java.util.Set<java.nio.ByteBuffer> picked = new java.util.HashSet<>();
      byte[][] out = new byte[k][];
      int n = 0;
      while (n < k) {
        byte[] m = set.random();
        if (picked.add(java.nio.ByteBuffer.wrap(m))) {
          out[n++] = m;
        }
      }
      return out;
    }
    byte[][] all = set.toArray();
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(all.length - i);
      byte[] t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, k);
  }

  /** SMOVE source destination member */
  static void smove(CommandContext c, Args a) {
    Database db = c.db();
    byte[] src = a.get(1);
    byte[] dst = a.get(2);
    byte[] m = a.get(3);
    SetValue from = db.getForWrite(src, SetValue.class);
    Object toValue = db.getForWrite(dst);
    // a missing source answers 0 before the destination's type is checked, as in Redis
    if (from == null) {
      c.reply().integer(0);
      return;
    }
    if (toValue != null && !(toValue instanceof SetValue)) {
      throw Errors.WRONGTYPE;
    }
    SetValue to = (SetValue) toValue;
    if (from == to) {
      c.reply().integer(from.contains(m) ? 1 : 0);
      return;
    }
    if (!from.remove(m)) {
      c.reply().integer(0);
      return;
    }
    c.notifyKeyspaceEvent(KeyspaceEvents.SET, "srem", src, db.id());
    deleteIfEmpty(c, db, src, from);
    SetValue.Limits l = limits(c);
    if (to == null) {
      to = SetValue.create(m, 1, l);
      db.set(dst, to);
    }
    c.signalModifiedKey(db.id(), src);
    c.addDirty(1);
    // the destination changed only if the member was not there already (WATCH on it must not fail otherwise)
    if (to.add(m, l)) {
      c.addDirty(1);
      c.signalModifiedKey(db.id(), dst);
      c.notifyKeyspaceEvent(KeyspaceEvents.SET, "sadd", dst, db.id());
    }
    c.reply().integer(1);
  }

  /** SSCAN key cursor [MATCH pattern] [COUNT count] */
  static void sscan(CommandContext c, Args a) {
    CollectionScan opts = CollectionScan.parse(a);
    SetValue set = c.db().get(a.get(1), SetValue.class);
    Reply r = c.reply();
    if (set == null) {
      r.array(2);
      r.bulk("0");
      r.array(0);
      return;
    }
    List<byte[]> found = new ArrayList<>();
    long cursor = opts.cursor;
    if (!set.isHashtable()) {
      set.forEach(m -> {
        if (opts.matches(m)) {
          found.add(m);
        }
      });
      cursor = 0;
    } else {
      // as Redis: visit buckets until COUNT elements were seen, giving up after ten times as many empty steps
      long maxSteps = opts.count * 10;
      List<byte[]> seen = new ArrayList<>();
      do {
        cursor = set.scan(cursor, seen::add);
      } while (cursor != 0 && seen.size() < opts.count && --maxSteps > 0);
      for (byte[] m : seen) {
        if (opts.matches(m)) {
          found.add(m);
        }
      }
    }
    r.array(2);
    r.bulk(Long.toUnsignedString(cursor));
    r.array(found.size());
    for (byte[] m : found) {
      r.bulk(m);
    }
  }
}
