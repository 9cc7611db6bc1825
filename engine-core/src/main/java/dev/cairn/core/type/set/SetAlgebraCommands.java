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
import dev.cairn.core.type.StoreResult;
import java.util.Arrays;
import java.util.Comparator;

/** Set algebra: SINTER, SUNION, SDIFF, their STORE forms, and SINTERCARD. */
final class SetAlgebraCommands implements CommandFamily {
  static final CommandSpec SINTER = readSpec("sinter", "Returns the intersect of multiple sets.",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.");
  static final CommandSpec SUNION = readSpec("sunion", "Returns the union of multiple sets.",
      "O(N) where N is the total number of elements in all given sets.");
  static final CommandSpec SDIFF = readSpec("sdiff", "Returns the difference of multiple sets.",
      "O(N) where N is the total number of elements in all given sets.");
  static final CommandSpec SINTERSTORE = storeSpec("sinterstore",
      "Stores the intersect of multiple sets in a key.",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.");
  static final CommandSpec SUNIONSTORE = storeSpec("sunionstore", "Stores the union of multiple sets in a key.",
      "O(N) where N is the total number of elements in all given sets.");
  static final CommandSpec SDIFFSTORE = storeSpec("sdiffstore",
      "Stores the difference of multiple sets in a key.",
      "O(N) where N is the total number of elements in all given sets.");
  static final CommandSpec SINTERCARD = CommandSpec.command("sintercard", -3).group(Group.SET).since("7.0.0")
      .flags(Flag.READONLY).acl(AclCategory.SET)
      .key(KeySpec.index(1).keynum(0, 1, 1).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the number of members of the intersect of multiple sets.")
      .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
      .args(Arg.integer("numkeys"), Arg.key("key", 0).multiple(), Arg.integer("limit").withToken("LIMIT").optional())
      .build();

  static final RedisException NUMKEYS = Errors.err("numkeys should be greater than 0");
  static final RedisException NUMKEYS_TOO_BIG = Errors.err("Number of keys can't be greater than number of args");
  static final RedisException LIMIT_NEGATIVE = Errors.err("LIMIT can't be negative");

  private enum Op { INTER, UNION, DIFF }

  private static CommandSpec readSpec(String name, String summary, String complexity) {
    return CommandSpec.command(name, -2).group(Group.SET).since("1.0.0").flags(Flag.READONLY).acl(AclCategory.SET)
        .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .tips("nondeterministic_output_order").summary(summary).complexity(complexity).args(Arg.key("key", 0).multiple()).build();
  }

  private static CommandSpec storeSpec(String name, String summary, String complexity) {
    return CommandSpec.command(name, -3).group(Group.SET).since("1.0.0").flags(Flag.WRITE, Flag.DENYOOM)
        .acl(AclCategory.SET)
        // Redis's key specs say RW for SINTERSTORE's destination and OW for the others
        .key(KeySpec.index(1).range(0, 1, 0).flags(name.equals("sinterstore") ? KeyFlag.RW : KeyFlag.OW,
            KeyFlag.UPDATE))
        .key(KeySpec.index(2).range(-1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
        .summary(summary).complexity(complexity).args(Arg.key("destination", 0), Arg.key("key", 1).multiple())
        .build();
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(SINTER, (c, a) -> algebra(c, a, Op.INTER, false));
    r.add(SUNION, (c, a) -> algebra(c, a, Op.UNION, false));
    r.add(SDIFF, (c, a) -> algebra(c, a, Op.DIFF, false));
    r.add(SINTERSTORE, (c, a) -> algebra(c, a, Op.INTER, true));
    r.add(SUNIONSTORE, (c, a) -> algebra(c, a, Op.UNION, true));
    r.add(SDIFFSTORE, (c, a) -> algebra(c, a, Op.DIFF, true));
    r.add(SINTERCARD, SetAlgebraCommands::sintercard);
  }

  /**
   * SINTER key [key ...], SUNION key [key ...], SDIFF key [key ...], and the STORE forms with a destination first.
   */
  static void algebra(CommandContext c, Args a, Op op, boolean store) {
    Database db = c.db();
    int first = store ? 2 : 1;
    // every key's type is checked even when an earlier one is missing
    SetValue[] sets = new SetValue[a.size() - first];
    boolean anyMissing = false;
    for (int i = first; i < a.size(); i++) {
      sets[i - first] = db.get(a.get(i), SetValue.class);
      anyMissing |= sets[i - first] == null;
    }
    SetValue.Limits l = SetCommands.limits(c);
    SetValue result = SetValue.createIntset();
    switch (op) {
      case INTER -> {
        if (!anyMissing) {
          intersect(sets, result, l);
        }
      }
      case UNION -> {
        for (SetValue s : sets) {
          if (s != null) {
            s.forEach(m -> result.add(m, l));
          }
        }
      }
      case DIFF -> {
        if (sets[0] != null) {
          sets[0].forEach(m -> {
            for (int k = 1; k < sets.length; k++) {
              if (sets[k] != null && sets[k].contains(m)) {
                return;
              }
            }
            result.add(m, l);
          });
        }
      }
    }
    if (!store) {
      Reply r = c.reply();
      r.set(result.size());
      result.forEach(r::bulk);
      return;
    }
    byte[] dst = a.get(1);
    if (result.size() == 0) {
      StoreResult.storeEmpty(c, db, dst);
      return;
    }
    String event = switch (op) {
      case INTER -> "sinterstore";
      case UNION -> "sunionstore";
      case DIFF -> "sdiffstore";
    };
    StoreResult.store(c, db, dst, result, result.size(), KeyspaceEvents.SET, event);
  }

  /** Walks the smallest set, keeping members every other set has. */
  private static void intersect(SetValue[] sets, SetValue result, SetValue.Limits l) {
    SetValue[] bySize = sets.clone();
    Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
    bySize[0].forEach(m -> {
      for (int k = 1; k < bySize.length; k++) {
        if (bySize[k] != bySize[0] && !bySize[k].contains(m)) {
          return;
        }
      }
      result.add(m, l);
    });
  }

  /** SINTERCARD numkeys key [key ...] [LIMIT limit] */
  static void sintercard(CommandContext c, Args a) {
    long numkeys = a.longArg(1, NUMKEYS);
    if (numkeys <= 0) {
      throw NUMKEYS;
    }
    if (numkeys > a.size() - 2) {
      throw NUMKEYS_TOO_BIG;
    }
    long limit = 0;
    for (int i = 2 + (int) numkeys; i < a.size(); i++) {
      if (a.is(i, "limit") && i + 1 < a.size()) {
        limit = a.longArg(i + 1, LIMIT_NEGATIVE);
        if (limit < 0) {
          throw LIMIT_NEGATIVE;
        }
        i++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    Database db = c.db();
    SetValue[] sets = new SetValue[(int) numkeys];
    boolean anyMissing = false;
    for (int i = 0; i < numkeys; i++) {
      sets[i] = db.get(a.get(2 + i), SetValue.class);
      anyMissing |= sets[i] == null;
    }
    if (anyMissing) {
      c.reply().integer(0);
      return;
    }
    SetValue[] bySize = sets.clone();
    Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
    long[] count = {0};
    long max = limit;
    // stops early once LIMIT members are found
    byte[][] members = bySize[0].toArray();
    outer:
    for (byte[] m : members) {
      for (int k = 1; k < bySize.length; k++) {
        if (bySize[k] != bySize[0] && !bySize[k].contains(m)) {
          continue outer;
        }
      }
      if (++count[0] == max) {
        break;
      }
    }
    c.reply().integer(count[0]);
  }
}
