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
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.type.set.CollectionScan;
import dev.cairn.core.util.DoubleFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorted-set commands on single members: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZRANDMEMBER,
 * ZSCAN. Pops are in {@link ZSetPopCommands}, ranges in {@link ZSetRangeCommands}, the algebra in
 * {@link ZSetStoreCommands}.
 */
public final class ZSetCommands implements CommandFamily {
  static final CommandSpec ZADD = CommandSpec.command("zadd", -4).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't "
          + "exist.")
      .complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
      .history("2.4.0", "Accepts multiple elements.")
      .history("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options.")
      .history("6.2.0", "Added the `GT` and `LT` options.")
      .args(Arg.key("key", 0),
          Arg.oneOf("condition", Arg.token("NX"), Arg.token("XX")).optional().since("3.0.2"),
          Arg.oneOf("comparison", Arg.token("GT"), Arg.token("LT")).optional().since("6.2.0"),
          namedToken("change", "CH").optional().since("3.0.2"),
          namedToken("increment", "INCR").optional().since("3.0.2"),
          Arg.block("data", Arg.dbl("score"), Arg.string("member")).multiple())
      .build();
  static final CommandSpec ZINCRBY = CommandSpec.command("zincrby", 4).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Increments the score of a member in a sorted set.")
      .complexity("O(log(N)) where N is the number of elements in the sorted set.")
      .args(Arg.key("key", 0), Arg.integer("increment"), Arg.string("member")).build();
  static final CommandSpec ZREM = CommandSpec.command("zrem", -3).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.")
      .complexity("O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to "
          + "be removed.")
      .history("2.4.0", "Accepts multiple elements.")
      .args(Arg.key("key", 0), Arg.string("member").multiple()).build();
  static final CommandSpec ZCARD = CommandSpec.command("zcard", 2).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns the number of members in a sorted set.").complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec ZSCORE = CommandSpec.command("zscore", 3).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the score of a member in a sorted set.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("member")).build();
  static final CommandSpec ZMSCORE = CommandSpec.command("zmscore", -3).group(Group.SORTED_SET).since("6.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the score of one or more members in a sorted set.")
      .complexity("O(N) where N is the number of members being requested.")
      .args(Arg.key("key", 0), Arg.string("member").multiple()).build();
  static final CommandSpec ZRANK = rankSpec("zrank", "Returns the index of a member in a sorted set ordered by "
      + "ascending scores.");
  static final CommandSpec ZREVRANK = rankSpec("zrevrank", "Returns the index of a member in a sorted set ordered by "
      + "descending scores.");
  static final CommandSpec ZRANDMEMBER = CommandSpec.command("zrandmember", -2).group(Group.SORTED_SET)
      .since("6.2.0").flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .tips("nondeterministic_output").summary("Returns one or more random members from a sorted set.")
      .complexity("O(N) where N is the number of members returned")
      .args(Arg.key("key", 0), Arg.block("options", Arg.integer("count"),
          Arg.token("WITHSCORES").optional()).optional()).build();
  static final CommandSpec ZSCAN = CommandSpec.command("zscan", -3).group(Group.SORTED_SET).since("2.8.0")
      .flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .tips("nondeterministic_output").summary("Iterates over members and scores of a sorted set.")
      .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
          + "to return back to 0. N is the number of elements inside the collection.")
      .args(Arg.key("key", 0), Arg.integer("cursor"), Arg.pattern("pattern").withToken("MATCH").optional(),
          Arg.integer("count").withToken("COUNT").optional()).build();

  /** A pure token whose argument name differs from the token, as ZADD's CH ("change") and INCR ("increment"). */
  private static Arg namedToken(String name, String token) {
    return new Arg(name, Arg.Type.PURE_TOKEN, token, -1, false, false, false, null, java.util.List.of());
  }

  private static CommandSpec rankSpec(String name, String summary) {
    return CommandSpec.command(name, -3).group(Group.SORTED_SET).since("2.0.0")
        .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity("O(log(N))").history("7.2.0", "Added the optional `WITHSCORE` argument.")
        .args(Arg.key("key", 0), Arg.string("member"), Arg.token("WITHSCORE").optional()).build();
  }

  static final RedisException XX_NX = Errors.err("XX and NX options at the same time are not compatible");
  static final RedisException GT_LT_NX = Errors.err("GT, LT, and/or NX options at the same time are not compatible");
  static final RedisException INCR_PAIR = Errors.err("INCR option supports a single increment-element pair");
  static final RedisException NAN_RESULT = Errors.err("resulting score is not a number (NaN)");
  static final RedisException OUT_OF_RANGE = Errors.err("value is out of range");
  static final RedisException COUNT_RANGE =
      Errors.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  static final byte[] ZADD_INCR_NOP = new byte[0];

  @Override
  public void register(CommandRegistry r) {
    r.add(ZADD, ZSetCommands::zadd);
    r.add(ZINCRBY, ZSetCommands::zincrby);
    r.add(ZREM, ZSetCommands::zrem);
    r.add(ZCARD, ZSetCommands::zcard);
    r.add(ZSCORE, ZSetCommands::zscore);
    r.add(ZMSCORE, ZSetCommands::zmscore);
    r.add(ZRANK, (c, a) -> zrank(c, a, false));
    r.add(ZREVRANK, (c, a) -> zrank(c, a, true));
    r.add(ZRANDMEMBER, ZSetCommands::zrandmember);
    r.add(ZSCAN, ZSetCommands::zscan);
    new ZSetPopCommands().register(r);
    new ZSetRangeCommands().register(r);
    new ZSetStoreCommands().register(r);
  }

  /** The encoding thresholds from the server's config (the defaults when run outside a server). */
  public static ZSetValue.Limits limits(CommandContext c) {
    return c instanceof Session s ? limits(s.engine.params()) : ZSetValue.Limits.DEFAULT;
  }

  /** The last thresholds handed out: ZADD asks on every call, and the config rarely changes (no object per call). */
  private static ZSetValue.Limits lastLimits = ZSetValue.Limits.DEFAULT;

  /** The encoding thresholds the config sets now. */
  public static ZSetValue.Limits limits(ServerParams p) {
    long entries = p.memory.zsetMaxListpackEntries.value;
    long value = p.memory.zsetMaxListpackValue.value;
    ZSetValue.Limits l = lastLimits; // (immutable: servers of one JVM may race on it harmlessly)
    if (l.listpackEntries() != entries || l.listpackValue() != value) {
      l = new ZSetValue.Limits(entries, value);
      lastLimits = l;
    }
    return l;
  }

  /** Deletes an emptied sorted set and publishes "del". */
  static void deleteIfEmpty(CommandContext c, Database db, byte[] key, ZSetValue z) {
    if (z.size() == 0) {
      db.delete(key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
    }
  }

  /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (GEOADD runs it with geohash scores) */
  public static void zadd(CommandContext c, Args a) {
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    boolean ch = false;
    boolean incr = false;
    int i = 2;
    for (; i < a.size(); i++) {
      if (a.is(i, "nx")) {
        nx = true;
      } else if (a.is(i, "xx")) {
        xx = true;
      } else if (a.is(i, "gt")) {
        gt = true;
      } else if (a.is(i, "lt")) {
        lt = true;
      } else if (a.is(i, "ch")) {
        ch = true;
      } else if (a.is(i, "incr")) {
        incr = true;
      } else {
        break;
      }
    }
    int rest = a.size() - i;
    if (rest == 0 || rest % 2 != 0) {
      throw Errors.SYNTAX;
    }
    if (nx && xx) {
      throw XX_NX;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw GT_LT_NX;
    }
    int pairs = rest / 2;
    if (incr && pairs > 1) {
      throw INCR_PAIR;
    }
    // every score is checked before anything changes (one pair, the usual ZADD, needs no array for it)
    double[] scores = pairs == 1 ? null : new double[pairs];
    double onlyScore = 0;
    int maxLen = 0;
    for (int k = 0; k < pairs; k++) {
      double score = a.doubleArg(i + 2 * k);
      if (scores == null) {
        onlyScore = score;
      } else {
        scores[k] = score;
      }
      maxLen = Math.max(maxLen, a.length(i + 2 * k + 1));
    }
    // the key and the members are read in place: only a new key or member gets an array
    Db db = ((Session) c).db();
    ZSetValue.Limits l = limits(c);
    Entry entry = db.lookupWrite(a, 1);
    ZSetValue z = Db.valueAs(entry, ZSetValue.class);
    byte[] key;
    if (z != null) {
      key = entry.key;
    } else {
      if (xx) {
        if (incr) {
          c.reply().nullBulk();
        } else {
          c.reply().integer(0);
        }
        return;
      }
      key = a.get(1);
      z = ZSetValue.create(pairs, maxLen, l);
      db.add(key, z);
    }
    int added = 0;
    int updated = 0;
    double incrResult = Double.NaN;
    for (int k = 0; k < pairs; k++) {
      int mi = i + 2 * k + 1;
      double score = scores == null ? onlyScore : scores[k];
      double cur = z.score(a.bytes(mi), a.offset(mi), a.length(mi));
      if (!Double.isNaN(cur)) {
        if (nx) {
          continue;
        }
        if (incr) {
          score = cur + score;
          if (Double.isNaN(score)) {
            finishZadd(c, db, key, z, added, updated, incr);
            throw NAN_RESULT;
          }
        }
        if ((gt && score <= cur) || (lt && score >= cur)) {
          continue;
        }
        incrResult = score;
        if (score != cur) {
          z.update(a.bytes(mi), a.offset(mi), a.length(mi), cur, score);
          updated++;
        }
      } else {
        if (xx) {
          continue;
        }
        z.insert(a.get(mi), score, l);
        incrResult = score;
        added++;
      }
    }
    finishZadd(c, db, key, z, added, updated, incr);
    if (incr) {
      if (Double.isNaN(incrResult)) {
        c.reply().nullBulk();
      } else {
        c.reply().doubleValue(incrResult);
      }
    } else {
      c.reply().integer(ch ? added + updated : added);
    }
  }

  private static void finishZadd(CommandContext c, Database db, byte[] key, ZSetValue z, int added, int updated,
      boolean incr) {
    if (added + updated > 0) {
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", key, db.id());
      c.addDirty(added + updated);
    } else if (z.size() == 0) {
      db.delete(key);
    }
  }

  /** ZINCRBY key increment member */
  static void zincrby(CommandContext c, Args a) {
    double by = a.doubleArg(2);
    Database db = c.db();
    byte[] key = a.get(1);
    byte[] m = a.get(3);
    ZSetValue.Limits l = limits(c);
    ZSetValue z = db.getForWrite(key, ZSetValue.class);
    boolean created = false;
    if (z == null) {
      z = ZSetValue.create(1, m.length, l);
      created = true;
    }
    double cur = z.score(m);
    double score;
    if (Double.isNaN(cur)) {
      score = by;
      if (created) {
        db.set(key, z);
      }
      z.insert(m, score, l);
    } else {
      score = cur + by;
      if (Double.isNaN(score)) {
        throw NAN_RESULT;
      }
      z.update(m, cur, score);
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, "zincr", key, db.id());
    c.addDirty(1);
    c.reply().doubleValue(score);
  }

  /** ZREM key member [member ...] */
  static void zrem(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    ZSetValue z = db.getForWrite(key, ZSetValue.class);
    if (z == null) {
      c.reply().integer(0);
      return;
    }
    int removed = 0;
    for (int i = 2; i < a.size() && z.size() > 0; i++) {
      if (z.remove(a.get(i))) {
        removed++;
      }
    }
    if (removed > 0) {
      c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, "zrem", key, db.id());
      deleteIfEmpty(c, db, key, z);
      c.signalModifiedKey(db.id(), key);
      c.addDirty(removed);
    }
    c.reply().integer(removed);
  }

  /** ZCARD key */
  static void zcard(CommandContext c, Args a) {
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    c.reply().integer(z == null ? 0 : z.size());
  }

  /** ZSCORE key member */
  static void zscore(CommandContext c, Args a) {
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    double s = z == null ? Double.NaN : z.score(a.get(2));
    if (Double.isNaN(s)) {
      c.reply().nullBulk();
    } else {
      c.reply().doubleValue(s);
    }
  }

  /** ZMSCORE key member [member ...] */
  static void zmscore(CommandContext c, Args a) {
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    Reply r = c.reply();
    r.array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      double s = z == null ? Double.NaN : z.score(a.get(i));
      if (Double.isNaN(s)) {
        r.nullBulk();
      } else {
        r.doubleValue(s);
      }
    }
  }

  /** ZRANK key member [WITHSCORE] */
  static void zrank(CommandContext c, Args a, boolean reverse) {
    if (a.size() > 4 || a.size() == 4 && !a.is(3, "withscore")) {
      throw Errors.SYNTAX;
    }
    boolean withScore = a.size() == 4;
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    Reply r = c.reply();
    byte[] m = a.get(2);
    double s = z == null ? Double.NaN : z.score(m);
    if (Double.isNaN(s)) {
      if (withScore) {
        r.nullArray();
      } else {
        r.nullBulk();
      }
      return;
    }
    long rank = z.tree.rank(s, m);
    if (reverse) {
      rank = z.size() - 1 - rank;
    }
    if (withScore) {
      r.array(2);
      r.integer(rank);
      r.doubleValue(s);
    } else {
      r.integer(rank);
    }
  }

  /** ZRANDMEMBER key [count [WITHSCORES]] */
  static void zrandmember(CommandContext c, Args a) {
    Reply r = c.reply();
    if (a.size() == 2) {
      ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
      if (z == null) {
        r.nullBulk();
      } else {
        r.bulk(z.at(ThreadLocalRandom.current().nextInt(z.size())).member());
      }
      return;
    }
    if (a.size() > 4 || a.size() == 4 && !a.is(3, "withscores")) {
      throw Errors.SYNTAX;
    }
    boolean withScores = a.size() == 4;
    long count = a.longArg(2);
    if (count == Long.MIN_VALUE) {
      throw COUNT_RANGE;
    }
    // the reply would hold twice as many elements as can be counted
    if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
      throw OUT_OF_RANGE;
    }
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    if (z == null || count == 0) {
      r.array(0);
      return;
    }
    int size = z.size();
    boolean nested = withScores && r.protocol() == 3;
    if (count < 0) {
      long n = -count;
      r.array((int) Math.min(Integer.MAX_VALUE, nested || !withScores ? n : n * 2));
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      for (long i = 0; i < n && !dev.cairn.core.connection.Session.stopLongReply(c, i); i++) {
        ZTree.Cursor cur = z.at(rnd.nextInt(size));
        writePair(r, cur.member(), cur.score(), withScores, nested);
      }
      return;
    }
    int n = (int) Math.min(count, size);
    int[] ranks;
    if ((long) n * 3 <= size) {
      // a few out of many: draw ranks until distinct rather than listing every rank
      java.util.Set<Integer> picked = new java.util.LinkedHashSet<>();
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (picked.size() < n) {
        picked.add(rnd.nextInt(size));
      }
      ranks = picked.stream().mapToInt(Integer::intValue).toArray();
    } else {
      ranks = new int[size];
      for (int i = 0; i < size; i++) {
        ranks[i] = i;
      }
    }
    if (n < size && ranks.length == size) {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      for (int i = 0; i < n; i++) {
        int j = i + rnd.nextInt(size - i);
        int t = ranks[i];
        ranks[i] = ranks[j];
        ranks[j] = t;
      }
    }
    r.array(withScores && !nested ? n * 2 : n);
    for (int i = 0; i < n; i++) {
      ZTree.Cursor cur = z.at(ranks[i]);
      writePair(r, cur.member(), cur.score(), withScores, nested);
    }
  }

  /** A member, or member and score: flat in RESP2, a two-element array in RESP3 ({@code nested}). */
  static void writePair(Reply r, byte[] m, double s, boolean withScore, boolean nested) {
    if (nested) {
      r.array(2);
    }
    r.bulk(m);
    if (withScore) {
      r.doubleValue(s);
    }
  }

  /** ZSCAN key cursor [MATCH pattern] [COUNT count] */
  static void zscan(CommandContext c, Args a) {
    CollectionScan opts = CollectionScan.parse(a);
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    Reply r = c.reply();
    List<byte[]> found = new ArrayList<>();
    List<Double> foundScores = new ArrayList<>();
    long cursor = opts.cursor;
    if (z == null) {
      cursor = 0;
    } else if (z.isListpack()) {
      z.forEach((m, s) -> {
        if (opts.matches(m)) {
          found.add(m);
          foundScores.add(s);
        }
      });
      cursor = 0;
    } else {
      long maxSteps = opts.count * 10;
      List<byte[]> seen = new ArrayList<>();
      List<Double> seenScores = new ArrayList<>();
      do {
        cursor = z.scan(cursor, (m, s) -> {
          seen.add(m);
          seenScores.add(s);
        });
      } while (cursor != 0 && seen.size() < opts.count && --maxSteps > 0);
      for (int i = 0; i < seen.size(); i++) {
        if (opts.matches(seen.get(i))) {
          found.add(seen.get(i));
          foundScores.add(seenScores.get(i));
        }
      }
    }
    r.array(2);
    r.bulk(Long.toUnsignedString(cursor));
    r.array(found.size() * 2);
    for (int i = 0; i < found.size(); i++) {
      r.bulk(found.get(i));
      r.bulk(DoubleFormat.format(foundScores.get(i)).getBytes(StandardCharsets.US_ASCII));
    }
  }
}
