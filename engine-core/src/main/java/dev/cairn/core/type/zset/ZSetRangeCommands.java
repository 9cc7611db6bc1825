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
import dev.cairn.core.type.StoreResult;
import java.util.Arrays;

/**
 * Range queries and removals by rank, score or lexicographic bounds: ZRANGE (and its legacy forms), ZRANGESTORE,
 * ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*. Every range is first turned into a span of ranks [lo, hi) with two O(log n)
 * descents of the tree, then walked along the leaves.
 */
final class ZSetRangeCommands implements CommandFamily {
  private static final Arg KEY = Arg.key("key", 0);
  private static final Arg LIMIT = Arg.block("limit", Arg.integer("offset"), Arg.integer("count"))
      .withToken("LIMIT").optional();

  static final CommandSpec ZRANGE = CommandSpec.command("zrange", -4).group(Group.SORTED_SET).since("1.2.0")
      .flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns members in a sorted set within a range of indexes.")
      .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
          + "returned.")
      .history("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")
      .args(KEY, Arg.string("start"), Arg.string("stop"),
          Arg.oneOf("sortby", Arg.token("BYSCORE"), Arg.token("BYLEX")).optional().since("6.2.0"),
          Arg.token("REV").optional().since("6.2.0"), LIMIT.since("6.2.0"), Arg.token("WITHSCORES").optional())
      .build();
  static final CommandSpec ZRANGESTORE = CommandSpec.command("zrangestore", -5).group(Group.SORTED_SET)
      .since("6.2.0").flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Stores a range of members from sorted set in a key.")
      .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
          + "stored into the destination key.")
      .args(Arg.key("dst", 0), Arg.key("src", 1), Arg.string("min"), Arg.string("max"),
          Arg.oneOf("sortby", Arg.token("BYSCORE"), Arg.token("BYLEX")).optional(), Arg.token("REV").optional(),
          LIMIT)
      .build();
  static final CommandSpec ZREVRANGE = legacy("zrevrange", "1.2.0", "start", "stop",
      "Returns members in a sorted set within a range of indexes in reverse order.",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
      false).deprecated("6.2.0", "`ZRANGE` with the `REV` argument").build();
  static final CommandSpec ZRANGEBYSCORE = legacy("zrangebyscore", "1.0.5", "min", "max",
      "Returns members in a sorted set within a range of scores.",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned."
          + " If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))"
          + ".", true)
      .history("2.0.0", "Added the `WITHSCORES` modifier.")
      .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument").build();
  static final CommandSpec ZREVRANGEBYSCORE = legacy("zrevrangebyscore", "2.2.0", "max", "min",
      "Returns members in a sorted set within a range of scores in reverse order.",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned."
          + " If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))"
          + ".", true)
      .history("2.1.6", "`min` and `max` can be exclusive.")
      .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments").build();
  static final CommandSpec ZRANGEBYLEX = legacyLex("zrangebylex", "min", "max",
      "Returns members in a sorted set within a lexicographical range.")
      .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument").build();
  static final CommandSpec ZREVRANGEBYLEX = legacyLex("zrevrangebylex", "max", "min",
      "Returns members in a sorted set within a lexicographical range in reverse order.")
      .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments").build();
  static final CommandSpec ZCOUNT = CommandSpec.command("zcount", 4).group(Group.SORTED_SET).since("2.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the count of members in a sorted set that have scores within a range.")
      .complexity("O(log(N)) with N being the number of elements in the sorted set.")
      .args(KEY, Arg.dbl("min"), Arg.dbl("max")).build();
  static final CommandSpec ZLEXCOUNT = CommandSpec.command("zlexcount", 4).group(Group.SORTED_SET).since("2.8.9")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the number of members in a sorted set within a lexicographical range.")
      .complexity("O(log(N)) with N being the number of elements in the sorted set.")
      .args(KEY, Arg.string("min"), Arg.string("max")).build();
  static final CommandSpec ZREMRANGEBYRANK = remSpec("zremrangebyrank", "2.0.0", "start", "stop",
      "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
      Arg.Type.INTEGER);
  static final CommandSpec ZREMRANGEBYSCORE = remSpec("zremrangebyscore", "1.2.0", "min", "max",
      "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
      Arg.Type.DOUBLE);
  static final CommandSpec ZREMRANGEBYLEX = remSpec("zremrangebylex", "2.8.9", "min", "max",
      "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were "
          + "removed.", Arg.Type.STRING);

  static final RedisException NOT_FLOAT_RANGE = Errors.err("min or max is not a float");
  static final RedisException NOT_LEX_RANGE = Errors.err("min or max not valid string range item");
  static final RedisException LIMIT_NEEDS_BY =
      Errors.err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  static final RedisException WITHSCORES_BYLEX =
      Errors.err("syntax error, WITHSCORES not supported in combination with BYLEX");

  /** How a range is given. */
  enum By { RANK, SCORE, LEX }

  private static CommandSpec.Builder legacy(String name, String since, String lo, String hi, String summary,
      String complexity, boolean byScore) {
    CommandSpec.Builder b = CommandSpec.command(name, -4).group(Group.SORTED_SET).since(since)
        .flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity(complexity);
    if (byScore) {
      b.args(KEY, Arg.dbl(lo), Arg.dbl(hi), Arg.token("WITHSCORES").optional().since("2.0.0"), LIMIT);
    } else {
      b.args(KEY, Arg.integer(lo), Arg.integer(hi), Arg.token("WITHSCORES").optional());
    }
    return b;
  }

  private static CommandSpec.Builder legacyLex(String name, String lo, String hi, String summary) {
    return CommandSpec.command(name, -4).group(Group.SORTED_SET).since("2.8.9")
        .flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary)
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
            + "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can "
            + "consider it O(log(N)).")
        .args(KEY, Arg.string(lo), Arg.string(hi), LIMIT);
  }

  private static CommandSpec remSpec(String name, String since, String lo, String hi, String summary,
      Arg.Type type) {
    Arg loArg = new Arg(lo, type, null, -1, false, false, false, null, java.util.List.of());
    Arg hiArg = new Arg(hi, type, null, -1, false, false, false, null, java.util.List.of());
    return CommandSpec.command(name, 4).group(Group.SORTED_SET).since(since).flags(Flag.WRITE)
        .acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
        .summary(summary)
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
            + "removed by the operation.")
        .args(KEY, loArg, hiArg).build();
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(ZRANGE, (c, a) -> zrange(c, a, false, null, null));
    r.add(ZRANGESTORE, (c, a) -> zrange(c, a, true, null, null));
    r.add(ZREVRANGE, (c, a) -> zrange(c, a, false, By.RANK, true));
    r.add(ZRANGEBYSCORE, (c, a) -> zrange(c, a, false, By.SCORE, false));
    r.add(ZREVRANGEBYSCORE, (c, a) -> zrange(c, a, false, By.SCORE, true));
    r.add(ZRANGEBYLEX, (c, a) -> zrange(c, a, false, By.LEX, false));
    r.add(ZREVRANGEBYLEX, (c, a) -> zrange(c, a, false, By.LEX, true));
    r.add(ZCOUNT, (c, a) -> count(c, a, By.SCORE));
    r.add(ZLEXCOUNT, (c, a) -> count(c, a, By.LEX));
    r.add(ZREMRANGEBYRANK, (c, a) -> remrange(c, a, By.RANK));
    r.add(ZREMRANGEBYSCORE, (c, a) -> remrange(c, a, By.SCORE));
    r.add(ZREMRANGEBYLEX, (c, a) -> remrange(c, a, By.LEX));
  }

  /** A parsed score or lex range, resolved against a sorted set into ascending ranks [lo, hi). */
  static final class Bounds {
    final By by;
    long start;
    long stop;
    double min;
    double max;
    boolean minExcl;
    boolean maxExcl;
    byte[] minLex;
    byte[] maxLex;
    /** Lex bounds: -1 for "-", 1 for "+", 0 for a member. */
    int minInf;
    int maxInf;

    Bounds(By by) {
      this.by = by;
    }

    static Bounds parse(By by, Args a, int minIndex, int maxIndex) {
      Bounds b = new Bounds(by);
      switch (by) {
        case RANK -> {
          b.start = a.longArg(minIndex);
          b.stop = a.longArg(maxIndex);
        }
        case SCORE -> {
          byte[] lo = a.get(minIndex);
          byte[] hi = a.get(maxIndex);
          b.minExcl = lo.length > 0 && lo[0] == '(';
          b.maxExcl = hi.length > 0 && hi[0] == '(';
          b.min = rangeDouble(lo, b.minExcl ? 1 : 0);
          b.max = rangeDouble(hi, b.maxExcl ? 1 : 0);
        }
        case LEX -> {
          byte[] lo = a.get(minIndex);
          byte[] hi = a.get(maxIndex);
          b.minInf = lexInf(lo);
          b.maxInf = lexInf(hi);
          b.minExcl = lo[0] == '(';
          b.maxExcl = hi[0] == '(';
          b.minLex = b.minInf == 0 ? Arrays.copyOfRange(lo, 1, lo.length) : null;
          b.maxLex = b.maxInf == 0 ? Arrays.copyOfRange(hi, 1, hi.length) : null;
        }
      }
      return b;
    }

    /**
     * A score bound as Redis reads it with strtod: leading white space is skipped, and an empty rest is 0 (so "" and
     * "(" are valid bounds); anything left after the number, or NaN, is an error.
     */
    private static double rangeDouble(byte[] b, int from) {
      int p = from;
      while (p < b.length && (b[p] == ' ' || b[p] >= '\t' && b[p] <= '\r')) {
        p++;
      }
      if (p == b.length) {
        return 0;
      }
      return Args.parseDouble(Arrays.copyOfRange(b, p, b.length), NOT_FLOAT_RANGE);
    }

    private static int lexInf(byte[] b) {
      if (b.length == 1 && b[0] == '-') {
        return -1;
      }
      if (b.length == 1 && b[0] == '+') {
        return 1;
      }
      if (b.length == 0 || b[0] != '(' && b[0] != '[') {
        throw NOT_LEX_RANGE;
      }
      return 0;
    }

    /** The first rank in the range (ascending). */
    int lo(ZTree t) {
      return switch (by) {
        case RANK -> throw new IllegalStateException();
        case SCORE -> t.countBefore(minExcl ? ZTree.SCORE_LE : ZTree.SCORE_LT, min, null);
        case LEX -> minInf < 0 ? 0 : minInf > 0 ? t.size()
            : t.countBefore(minExcl ? ZTree.LEX_LE : ZTree.LEX_LT, 0, minLex);
      };
    }

    /** One past the last rank in the range (ascending). */
    int hi(ZTree t) {
      return switch (by) {
        case RANK -> throw new IllegalStateException();
        case SCORE -> t.countBefore(maxExcl ? ZTree.SCORE_LT : ZTree.SCORE_LE, max, null);
        case LEX -> maxInf > 0 ? t.size() : maxInf < 0 ? 0
            : t.countBefore(maxExcl ? ZTree.LEX_LT : ZTree.LEX_LE, 0, maxLex);
      };
    }

    /** Rank bounds as ZRANGE reads them (negative from the end), clamped; {lo, hi} with hi exclusive. */
    int[] ranks(int size) {
      if (by != By.RANK) {
        throw new IllegalStateException();
      }
      long s = start < 0 ? size + start : start;
      long e = stop < 0 ? size + stop : stop;
      if (s < 0) {
        s = 0;
      }
      if (s > e || s >= size) {
        return new int[] {0, 0};
      }
      if (e >= size) {
        e = size - 1;
      }
      return new int[] {(int) s, (int) e + 1};
    }
  }

  /**
   * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]; ZRANGESTORE dst src min max
   * [BYSCORE|BYLEX] [REV] [LIMIT offset count]; and the legacy forms, whose range type and direction are fixed
   * ({@code fixedBy}, {@code fixedRev} non-null).
   */
  static void zrange(CommandContext c, Args a, boolean store, By fixedBy, Boolean fixedRev) {
    int keyIndex = store ? 2 : 1;
    By by = fixedBy;
    Boolean rev = fixedRev;
    boolean withScores = false;
    boolean hasLimit = false;
    long offset = 0;
    long limit = -1;
    for (int j = keyIndex + 3; j < a.size(); j++) {
      int left = a.size() - j - 1;
      if (!store && a.is(j, "withscores")) {
        withScores = true;
      } else if (left >= 2 && a.is(j, "limit")) {
        offset = a.longArg(j + 1);
        limit = a.longArg(j + 2);
        hasLimit = true;
        j += 2;
      } else if (by == null && a.is(j, "byscore")) {
        by = By.SCORE;
      } else if (by == null && a.is(j, "bylex")) {
        by = By.LEX;
      } else if (rev == null && a.is(j, "rev")) {
        rev = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (by == null) {
      by = By.RANK;
    }
    boolean reverse = rev != null && rev;
    if (hasLimit && by == By.RANK) {
      throw LIMIT_NEEDS_BY;
    }
    if (withScores && by == By.LEX) {
      throw WITHSCORES_BYLEX;
    }
    int minIndex = keyIndex + 1;
    int maxIndex = keyIndex + 2;
    if (reverse && by != By.RANK) {
      minIndex = keyIndex + 2;
      maxIndex = keyIndex + 1;
    }
    Bounds b = Bounds.parse(by, a, minIndex, maxIndex);
    Database db = c.db();
    ZSetValue z = db.get(a.get(keyIndex), ZSetValue.class);
    int lo = 0;
    int hi = 0;
    if (z != null) {
      if (by == By.RANK) {
        int[] r = b.ranks(z.size());
        // REV counts ranks from the end: map them back to ascending positions
        lo = reverse ? z.size() - r[1] : r[0];
        hi = reverse ? z.size() - r[0] : r[1];
      } else {
        lo = b.lo(z.tree);
        hi = b.hi(z.tree);
      }
    }
    int n = Math.max(0, hi - lo);
    if (offset < 0) {
      n = 0;
    } else {
      n = (int) Math.max(0, n - Math.min(offset, n));
      if (limit >= 0 && limit < n) {
        n = (int) limit;
      }
    }
    // the first rank visited, walking up (forward) or down (reverse)
    int first = n == 0 ? 0 : reverse ? hi - 1 - (int) offset : lo + (int) offset;
    if (store) {
      storeRange(c, db, a.get(1), z, first, n, reverse);
      return;
    }
    Reply r = c.reply();
    boolean nested = withScores && r.protocol() == 3;
    r.array(withScores && !nested ? n * 2 : n);
    if (n == 0) {
      return;
    }
    ZTree.Cursor cur = z.at(first);
    for (int i = 0; i < n; i++) {
      ZSetCommands.writePair(r, cur.member(), cur.score(), withScores, nested);
      if (reverse) {
        cur.prev();
      } else {
        cur.next();
      }
    }
  }

  private static void storeRange(CommandContext c, Database db, byte[] dst, ZSetValue src, int first, int n,
      boolean reverse) {
    if (n == 0) {
      StoreResult.storeEmpty(c, db, dst);
      return;
    }
    byte[][] members = new byte[n][];
    double[] scores = new double[n];
    int maxLen = 0;
    ZTree.Cursor cur = src.at(first);
    for (int i = 0; i < n; i++) {
      members[i] = cur.member();
      scores[i] = cur.score();
      maxLen = Math.max(maxLen, members[i].length);
      if (reverse) {
        cur.prev();
      } else {
        cur.next();
      }
    }
    ZSetValue.Limits l = ZSetCommands.limits(c);
    ZSetValue out = ZSetValue.create(n, maxLen, l);
    for (int i = 0; i < n; i++) {
      out.insert(members[i], scores[i], l);
    }
    StoreResult.store(c, db, dst, out, n, KeyspaceEvents.ZSET, "zrangestore");
  }

  /** ZCOUNT key min max, ZLEXCOUNT key min max */
  static void count(CommandContext c, Args a, By by) {
    Bounds b = Bounds.parse(by, a, 2, 3);
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    if (z == null) {
      c.reply().integer(0);
      return;
    }
    c.reply().integer(Math.max(0, b.hi(z.tree) - b.lo(z.tree)));
  }

  /** ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min max, ZREMRANGEBYLEX key min max */
  static void remrange(CommandContext c, Args a, By by) {
    Bounds b = Bounds.parse(by, a, 2, 3);
    Database db = c.db();
    byte[] key = a.get(1);
    ZSetValue z = db.getForWrite(key, ZSetValue.class);
    if (z == null) {
      c.reply().integer(0);
      return;
    }
    int lo;
    int hi;
    if (by == By.RANK) {
      int[] r = b.ranks(z.size());
      lo = r[0];
      hi = r[1];
    } else {
      lo = b.lo(z.tree);
      hi = b.hi(z.tree);
    }
    int n = Math.max(0, hi - lo);
    if (n == 0) {
      c.reply().integer(0);
      return;
    }
    byte[][] members = new byte[n][];
    double[] scores = new double[n];
    ZTree.Cursor cur = z.at(lo);
    for (int i = 0; i < n; i++) {
      members[i] = cur.member();
      scores[i] = cur.score();
      cur.next();
    }
    for (int i = 0; i < n; i++) {
      z.removeKnown(members[i], scores[i]);
    }
    String event = switch (by) {
      case RANK -> "zremrangebyrank";
      case SCORE -> "zremrangebyscore";
      case LEX -> "zremrangebylex";
    };
    c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, event, key, db.id());
    ZSetCommands.deleteIfEmpty(c, db, key, z);
    c.signalModifiedKey(db.id(), key);
    c.addDirty(n);
    c.reply().integer(n);
  }
}
