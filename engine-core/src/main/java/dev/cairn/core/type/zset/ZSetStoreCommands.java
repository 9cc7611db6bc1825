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
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.type.StoreResult;
import dev.cairn.core.type.set.SetValue;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ObjDoubleConsumer;

/**
 * Sorted-set algebra over sorted sets and plain sets (whose members score 1): ZUNION, ZINTER, ZDIFF, their STORE
 * forms with WEIGHTS and AGGREGATE, and ZINTERCARD.
 */
final class ZSetStoreCommands implements CommandFamily {
  static final CommandSpec ZUNION = readSpec("zunion", "Returns the union of multiple sorted sets.",
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of "
          + "elements in the resulting sorted set.", true);
  static final CommandSpec ZINTER = readSpec("zinter", "Returns the intersect of multiple sorted sets.",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted "
          + "sets and M being the number of elements in the resulting sorted set.", true);
  static final CommandSpec ZDIFF = readSpec("zdiff", "Returns the difference between multiple sorted sets.",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the "
          + "first set, and K is the size of the result set.", false);
  static final CommandSpec ZUNIONSTORE = storeSpec("zunionstore", "2.0.0",
      "Stores the union of multiple sorted sets in a key.",
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of "
          + "elements in the resulting sorted set.", true);
  static final CommandSpec ZINTERSTORE = storeSpec("zinterstore", "2.0.0",
      "Stores the intersect of multiple sorted sets in a key.",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted "
          + "sets and M being the number of elements in the resulting sorted set.", true);
  static final CommandSpec ZDIFFSTORE = storeSpec("zdiffstore", "6.2.0",
      "Stores the difference of multiple sorted sets in a key.",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the "
          + "first set, and K is the size of the result set.", false);
  static final CommandSpec ZINTERCARD = CommandSpec.command("zintercard", -3).group(Group.SORTED_SET).since("7.0.0")
      .flags(Flag.READONLY).acl(AclCategory.SORTEDSET)
      .key(KeySpec.index(1).keynum(0, 1, 1).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the number of members of the intersect of multiple sorted sets.")
      .complexity("O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted "
          + "sets.")
      .args(Arg.integer("numkeys"), Arg.key("key", 0).multiple(), Arg.integer("limit").withToken("LIMIT").optional())
      .build();

  static final RedisException WEIGHT_NOT_FLOAT = Errors.err("weight value is not a float");
  static final RedisException LIMIT_NEGATIVE = Errors.err("LIMIT can't be negative");

  private enum Op { UNION, INTER, DIFF }

  private enum Aggregate { SUM, MIN, MAX }

  private static Arg[] algebraArgs(boolean store, boolean weights) {
    java.util.List<Arg> args = new java.util.ArrayList<>();
    if (store) {
      args.add(Arg.key("destination", 0));
    }
    args.add(Arg.integer("numkeys"));
    args.add(Arg.key("key", store ? 1 : 0).multiple());
    if (weights) {
      args.add(Arg.integer("weight").withToken("WEIGHTS").optional().multiple());
      args.add(Arg.oneOf("aggregate", Arg.token("SUM"), Arg.token("MIN"), Arg.token("MAX"))
          .withToken("AGGREGATE").optional());
    }
    if (!store) {
      args.add(Arg.token("WITHSCORES").optional());
    }
    return args.toArray(new Arg[0]);
  }

  private static CommandSpec readSpec(String name, String summary, String complexity, boolean weights) {
    return CommandSpec.command(name, -3).group(Group.SORTED_SET).since("6.2.0").flags(Flag.READONLY)
        .acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).keynum(0, 1, 1).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity(complexity).args(algebraArgs(false, weights)).build();
  }

  private static CommandSpec storeSpec(String name, String since, String summary, String complexity,
      boolean weights) {
    return CommandSpec.command(name, -4).group(Group.SORTED_SET).since(since).flags(Flag.WRITE, Flag.DENYOOM)
        .acl(AclCategory.SORTEDSET)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
        .key(KeySpec.index(2).keynum(0, 1, 1).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity(complexity).args(algebraArgs(true, weights)).build();
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(ZUNION, (c, a) -> algebra(c, a, Op.UNION, false, false));
    r.add(ZINTER, (c, a) -> algebra(c, a, Op.INTER, false, false));
    r.add(ZDIFF, (c, a) -> algebra(c, a, Op.DIFF, false, false));
    r.add(ZUNIONSTORE, (c, a) -> algebra(c, a, Op.UNION, true, false));
    r.add(ZINTERSTORE, (c, a) -> algebra(c, a, Op.INTER, true, false));
    r.add(ZDIFFSTORE, (c, a) -> algebra(c, a, Op.DIFF, true, false));
    r.add(ZINTERCARD, (c, a) -> algebra(c, a, Op.INTER, false, true));
  }

  /** One input: a sorted set, or a set whose members all score 1. */
  private record Input(ZSetValue z, SetValue s, double weight) {
    int size() {
      return z != null ? z.size() : s != null ? s.size() : 0;
    }

    /** The member's unweighted score, NaN if absent. */
    double score(byte[] m) {
      if (z != null) {
        return z.score(m);
      }
      return s != null && s.contains(m) ? 1.0 : Double.NaN;
    }

    void forEach(ObjDoubleConsumer<byte[]> v) {
      if (z != null) {
        z.forEach(v);
      } else if (s != null) {
        s.forEach(m -> v.accept(m, 1.0));
      }
    }
  }

  /**
   * ZUNION/ZINTER/ZDIFF numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES], the STORE
   * forms with a destination first, and ZINTERCARD numkeys key [key ...] [LIMIT limit] ({@code cardOnly}).
   */
  static void algebra(CommandContext c, Args a, Op op, boolean store, boolean cardOnly) {
    int numkeysIndex = store ? 2 : 1;
    long numkeys = a.longArg(numkeysIndex);
    if (numkeys < 1) {
      throw Errors.err("at least 1 input key is needed for '" + a.string(0).toLowerCase(java.util.Locale.ROOT)
          + "' command");
    }
    if (numkeys > a.size() - numkeysIndex - 1) {
      throw Errors.SYNTAX;
    }
    int n = (int) numkeys;
    Database db = c.db();
    // types are checked before the options are parsed, as in Redis
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      Object v = db.get(a.get(numkeysIndex + 1 + i));
      if (v != null && !(v instanceof ZSetValue) && !(v instanceof SetValue)) {
        throw Errors.WRONGTYPE;
      }
      values[i] = v;
    }
    double[] weights = new double[n];
    Arrays.fill(weights, 1.0);
    Aggregate agg = Aggregate.SUM;
    boolean withScores = false;
    long limit = 0;
    for (int j = numkeysIndex + 1 + n; j < a.size(); j++) {
      int left = a.size() - j - 1;
      if (op != Op.DIFF && !cardOnly && left >= n && a.is(j, "weights")) {
        for (int k = 0; k < n; k++) {
          weights[k] = a.doubleArg(j + 1 + k, WEIGHT_NOT_FLOAT);
        }
        j += n;
      } else if (op != Op.DIFF && !cardOnly && left >= 1 && a.is(j, "aggregate")) {
        if (a.is(j + 1, "sum")) {
          agg = Aggregate.SUM;
        } else if (a.is(j + 1, "min")) {
          agg = Aggregate.MIN;
        } else if (a.is(j + 1, "max")) {
          agg = Aggregate.MAX;
        } else {
          throw Errors.SYNTAX;
        }
        j++;
      } else if (!store && !cardOnly && a.is(j, "withscores")) {
        withScores = true;
      } else if (cardOnly && left >= 1 && a.is(j, "limit")) {
        limit = a.longArg(j + 1, LIMIT_NEGATIVE);
        if (limit < 0) {
          throw LIMIT_NEGATIVE;
        }
        j++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    Input[] inputs = new Input[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = new Input(values[i] instanceof ZSetValue z ? z : null,
          values[i] instanceof SetValue s ? s : null, weights[i]);
    }
    if (cardOnly) {
      c.reply().integer(interCard(inputs, limit));
      return;
    }
    ByteDict<ZSetValue.Entry> acc = new ByteDict<>();
    switch (op) {
      case UNION -> union(inputs, agg, acc);
      case INTER -> inter(inputs, agg, acc);
      case DIFF -> diff(inputs, acc);
    }
    ZSetValue.Entry[] sorted = new ZSetValue.Entry[acc.size()];
    int[] k = {0};
    acc.forEach(e -> sorted[k[0]++] = e);
    Arrays.sort(sorted, (x, y) -> ZTree.compare(x.score, x.key, y.score, y.key));
    if (store) {
      store(c, db, a.get(1), sorted, op);
      return;
    }
    Reply r = c.reply();
    boolean nested = withScores && r.protocol() == 3;
    r.array(withScores && !nested ? sorted.length * 2 : sorted.length);
    for (ZSetValue.Entry e : sorted) {
      ZSetCommands.writePair(r, e.key, e.score, withScores, nested);
    }
  }

  private static double weighted(double score, double weight) {
    double v = score * weight;
    // 0 * inf is NaN in IEEE; Redis scores it 0
    return Double.isNaN(v) ? 0 : v;
  }

  private static double aggregate(Aggregate agg, double acc, double v) {
    return switch (agg) {
      case SUM -> {
        double s = acc + v;
        yield Double.isNaN(s) ? 0 : s; // inf + -inf
      }
      case MIN -> Math.min(acc, v);
      case MAX -> Math.max(acc, v);
    };
  }

  private static void union(Input[] inputs, Aggregate agg, ByteDict<ZSetValue.Entry> acc) {
    for (Input in : inputs) {
      in.forEach((m, s) -> {
        double v = weighted(s, in.weight());
        ZSetValue.Entry e = acc.get(m);
        if (e == null) {
          acc.addNew(new ZSetValue.Entry(m, v));
        } else {
          e.score = aggregate(agg, e.score, v);
        }
      });
    }
  }

  private static Input[] bySize(Input[] inputs) {
    Input[] sorted = inputs.clone();
    Arrays.sort(sorted, Comparator.comparingInt(Input::size));
    return sorted;
  }

  private static void inter(Input[] inputs, Aggregate agg, ByteDict<ZSetValue.Entry> acc) {
    for (Input in : inputs) {
      if (in.size() == 0) {
        return;
      }
    }
    Input[] sorted = bySize(inputs);
    sorted[0].forEach((m, s) -> {
      double v = weighted(s, sorted[0].weight());
      for (int k = 1; k < sorted.length; k++) {
        double o = sorted[k].score(m);
        if (Double.isNaN(o)) {
          return;
        }
        v = aggregate(agg, v, weighted(o, sorted[k].weight()));
      }
      acc.addNew(new ZSetValue.Entry(m, v));
    });
  }

  private static long interCard(Input[] inputs, long limit) {
    for (Input in : inputs) {
      if (in.size() == 0) {
        return 0;
      }
    }
    Input[] sorted = bySize(inputs);
    long[] count = {0};
    // a small exception-free early exit: stop counting once LIMIT is reached
    sorted[0].forEach((m, s) -> {
      if (limit > 0 && count[0] >= limit) {
        return;
      }
      for (int k = 1; k < sorted.length; k++) {
        if (Double.isNaN(sorted[k].score(m))) {
          return;
        }
      }
      count[0]++;
    });
    return count[0];
  }

  private static void diff(Input[] inputs, ByteDict<ZSetValue.Entry> acc) {
    inputs[0].forEach((m, s) -> {
      for (int k = 1; k < inputs.length; k++) {
        if (!Double.isNaN(inputs[k].score(m))) {
          return;
        }
      }
      acc.addNew(new ZSetValue.Entry(m, s));
    });
  }

  private static void store(CommandContext c, Database db, byte[] dst, ZSetValue.Entry[] sorted, Op op) {
    if (sorted.length == 0) {
      StoreResult.storeEmpty(c, db, dst);
      return;
    }
    int maxLen = 0;
    for (ZSetValue.Entry e : sorted) {
      maxLen = Math.max(maxLen, e.key.length);
    }
    ZSetValue.Limits l = ZSetCommands.limits(c);
    ZSetValue out = ZSetValue.create(sorted.length, maxLen, l);
    for (ZSetValue.Entry e : sorted) {
      out.insert(e.key, e.score, l);
    }
    String event = switch (op) {
      case UNION -> "zunionstore";
      case INTER -> "zinterstore";
      case DIFF -> "zdiffstore";
    };
    StoreResult.store(c, db, dst, out, sorted.length, KeyspaceEvents.ZSET, event);
  }
}
