package dev.cairn.core.type.zset;

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
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;

/** Popping the lowest or highest members: ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms. */
final class ZSetPopCommands implements CommandFamily {
  static final CommandSpec ZPOPMIN = popSpec("zpopmin", "Returns the lowest-scoring members from a sorted set after "
      + "removing them. Deletes the sorted set if the last member was popped.");
  static final CommandSpec ZPOPMAX = popSpec("zpopmax", "Returns the highest-scoring members from a sorted set after "
      + "removing them. Deletes the sorted set if the last member was popped.");
  static final CommandSpec BZPOPMIN = bpopSpec("bzpopmin", "Removes and returns the member with the lowest score from "
      + "one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last "
      + "element was popped.");
  static final CommandSpec BZPOPMAX = bpopSpec("bzpopmax", "Removes and returns the member with the highest score "
      + "from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last "
      + "element was popped.");
  static final CommandSpec ZMPOP = CommandSpec.command("zmpop", -4).group(Group.SORTED_SET).since("7.0.0")
      .flags(Flag.WRITE).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).keynum(0, 1, 1).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. "
          + "Deletes the sorted set if the last member was popped.")
      .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
          + "sorted set, and M being the number of elements popped.")
      .args(Arg.integer("numkeys"), Arg.key("key", 0).multiple(),
          Arg.oneOf("where", Arg.token("MIN"), Arg.token("MAX")),
          Arg.integer("count").withToken("COUNT").optional()).build();
  static final CommandSpec BZMPOP = CommandSpec.command("bzmpop", -5).group(Group.SORTED_SET).since("7.0.0")
      .flags(Flag.WRITE, Flag.BLOCKING).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(2).keynum(0, 1, 1).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Removes and returns a member by score from one or more sorted sets. Blocks until a member is "
          + "available otherwise. Deletes the sorted set if the last element was popped.")
      .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
          + "sorted set, and M being the number of elements popped.")
      .args(Arg.dbl("timeout"), Arg.integer("numkeys"), Arg.key("key", 0).multiple(),
          Arg.oneOf("where", Arg.token("MIN"), Arg.token("MAX")),
          Arg.integer("count").withToken("COUNT").optional()).build();

  static final RedisException MUST_BE_POSITIVE = Errors.err("value is out of range, must be positive");
  static final RedisException NUMKEYS = Errors.err("numkeys should be greater than 0");
  static final RedisException COUNT = Errors.err("count should be greater than 0");
  static final RedisException TIMEOUT_NOT_FLOAT = Errors.err("timeout is not a float or out of range");
  static final RedisException TIMEOUT_NEGATIVE = Errors.err("timeout is negative");
  static final RedisException TIMEOUT_RANGE = Errors.err("timeout is out of range");
  private static final byte[] ZPOPMIN_NAME = "ZPOPMIN".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZPOPMAX_NAME = "ZPOPMAX".getBytes(StandardCharsets.US_ASCII);

  private static CommandSpec popSpec(String name, String summary) {
    return CommandSpec.command(name, -2).group(Group.SORTED_SET).since("5.0.0").flags(Flag.WRITE, Flag.FAST)
        .acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
        .summary(summary)
        .complexity("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
            + "elements popped.")
        .args(Arg.key("key", 0), Arg.integer("count").optional()).build();
  }

  private static CommandSpec bpopSpec(String name, String summary) {
    return CommandSpec.command(name, -3).group(Group.SORTED_SET).since("5.0.0")
        .flags(Flag.WRITE, Flag.FAST, Flag.BLOCKING).acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(-2, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
        .summary(summary).complexity("O(log(N)) with N being the number of elements in the sorted set.")
        .history("6.0.0", "`timeout` is interpreted as a double instead of an integer.")
        .args(Arg.key("key", 0).multiple(), Arg.dbl("timeout")).build();
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(ZPOPMIN, (c, a) -> zpop(c, a, true));
    r.add(ZPOPMAX, (c, a) -> zpop(c, a, false));
    r.add(BZPOPMIN, (c, a) -> bzpop(c, a, true));
    r.add(BZPOPMAX, (c, a) -> bzpop(c, a, false));
    r.add(ZMPOP, (c, a) -> zmpop(c, a, 1, false));
    r.add(BZMPOP, (c, a) -> zmpop(c, a, 2, true));
  }

  /** ZPOPMIN key [count], ZPOPMAX key [count] */
  static void zpop(CommandContext c, Args a, boolean min) {
    if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    long count = 1;
    if (a.size() == 3) {
      count = a.longArg(2, MUST_BE_POSITIVE);
      if (count < 0) {
        throw MUST_BE_POSITIVE;
      }
    }
    Database db = c.db();
    byte[] key = a.get(1);
    ZSetValue z = db.getForWrite(key, ZSetValue.class);
    Reply r = c.reply();
    if (z == null || count == 0) {
      r.array(0);
      return;
    }
    int n = (int) Math.min(count, z.size());
    boolean nested = a.size() == 3 && r.protocol() == 3;
    r.array(nested ? n : n * 2);
    pop(c, db, key, z, n, min, r, nested);
  }

  /** Pops {@code n} members (n &gt; 0, at most the size), writing each pair; events and deletion as Redis does. */
  private static void pop(CommandContext c, Database db, byte[] key, ZSetValue z, int n, boolean min, Reply r,
      boolean nested) {
    for (int i = 0; i < n; i++) {
      ZTree.Cursor cur = z.at(min ? 0 : z.size() - 1);
      byte[] m = cur.member();
      double s = cur.score();
      z.removeKnown(m, s);
      ZSetCommands.writePair(r, m, s, true, nested);
    }
    c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, min ? "zpopmin" : "zpopmax", key, db.id());
    ZSetCommands.deleteIfEmpty(c, db, key, z);
    c.signalModifiedKey(db.id(), key);
    c.addDirty(n);
  }

  /**
   * Whether this run is a blocked client's command run again because a key changed. Redis wakes a sorted-set waiter
   * only when a key holds a sorted set, so a key overwritten with another type must not answer WRONGTYPE then.
   */
  private static boolean rerun(CommandContext c) {
    return c instanceof Session s && s.engine.blocking().isBlocked(s);
  }

  /** The sorted set at {@code key} for popping; on a re-run a value of another type counts as no key. */
  private static ZSetValue poppable(Database db, byte[] key, boolean rerun) {
    if (rerun) {
      return db.getForWrite(key) instanceof ZSetValue z ? z : null;
    }
    return db.getForWrite(key, ZSetValue.class);
  }

  /** BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout */
  static void bzpop(CommandContext c, Args a, boolean min) {
    long timeout = timeoutMillis(a, a.size() - 1);
    Database db = c.db();
    boolean rerun = rerun(c);
    for (int i = 1; i < a.size() - 1; i++) {
      byte[] key = a.get(i);
      ZSetValue z = poppable(db, key, rerun);
      if (z != null) {
        Reply r = c.reply();
        r.array(3);
        r.bulk(key);
        pop(c, db, key, z, 1, min, r, false);
        // replicas see the pop that happened, not a wait
        c.propagate(min ? ZPOPMIN_NAME : ZPOPMAX_NAME, key);
        return;
      }
    }
    byte[][] keys = new byte[a.size() - 2][];
    for (int i = 1; i < a.size() - 1; i++) {
      keys[i - 1] = a.get(i);
    }
    if (!c.block(keys, timeout, Reply::nullArray)) {
      c.reply().nullArray();
    }
  }

  /**
   * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count], BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
   */
  static void zmpop(CommandContext c, Args a, int numkeysIndex, boolean blocking) {
    long numkeys = a.longArg(numkeysIndex, NUMKEYS);
    if (numkeys <= 0) {
      throw NUMKEYS;
    }
    int whereIndex = numkeysIndex + 1 + (int) Math.min(numkeys, Integer.MAX_VALUE - numkeysIndex - 2);
    if (numkeys > a.size() || whereIndex >= a.size()) {
      throw Errors.SYNTAX;
    }
    boolean min;
    if (a.is(whereIndex, "min")) {
      min = true;
    } else if (a.is(whereIndex, "max")) {
      min = false;
    } else {
      throw Errors.SYNTAX;
    }
    long count = -1;
    for (int i = whereIndex + 1; i < a.size(); i++) {
      if (count == -1 && a.is(i, "count") && i + 1 < a.size()) {
        count = a.longArg(i + 1, COUNT);
        if (count <= 0) {
          throw COUNT;
        }
        i++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (count == -1) {
      count = 1;
    }
    // BZMPOP's timeout is checked after the other arguments, as in Redis
    long timeout = blocking ? timeoutMillis(a, 1) : -1;
    Database db = c.db();
    boolean rerun = blocking && rerun(c);
    for (int i = numkeysIndex + 1; i < whereIndex; i++) {
      byte[] key = a.get(i);
      ZSetValue z = poppable(db, key, rerun);
      if (z != null) {
        int n = (int) Math.min(count, z.size());
        Reply r = c.reply();
        r.array(2);
        r.bulk(key);
        r.array(n);
        pop(c, db, key, z, n, min, r, true);
        c.propagate(min ? ZPOPMIN_NAME : ZPOPMAX_NAME, key,
            Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        return;
      }
    }
    if (timeout >= 0) {
      byte[][] keys = new byte[whereIndex - numkeysIndex - 1][];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = a.get(numkeysIndex + 1 + i);
      }
      if (c.block(keys, timeout, Reply::nullArray)) {
        return;
      }
    }
    c.reply().nullArray();
  }

  /** A blocking command's timeout in seconds (a double) as milliseconds, with Redis's errors. */
  static long timeoutMillis(Args a, int index) {
    double secs = a.doubleArg(index, TIMEOUT_NOT_FLOAT);
    double ms = Math.ceil(secs * 1000.0);
    if (ms > Long.MAX_VALUE) {
      throw TIMEOUT_RANGE;
    }
    if (ms < 0) {
      throw TIMEOUT_NEGATIVE;
    }
    return (long) ms;
  }
}
