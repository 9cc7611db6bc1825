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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Values;
import dev.cairn.core.util.Glob;
import java.util.ArrayList;
import java.util.List;

/** Walking the keyspace: KEYS, SCAN, RANDOMKEY. */
public final class ScanCommands implements CommandFamily {
  static final CommandSpec KEYS = CommandSpec.command("keys", 2)
      .tips("request_policy:all_shards", "nondeterministic_output_order").group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.KEYSPACE, AclCategory.SLOW, AclCategory.DANGEROUS)
      .summary("Returns all key names that match a pattern.")
      .complexity("O(N) with N being the number of keys in the database, under the assumption that the key names in "
          + "the database and the given pattern have limited length.")
      .args(Arg.pattern("pattern")).build();
  static final CommandSpec SCAN = CommandSpec.command("scan", -2)
      .tips("nondeterministic_output", "request_policy:special", "response_policy:special")
      .group(Group.GENERIC).since("2.8.0")
      .flags(Flag.READONLY).acl(AclCategory.KEYSPACE)
      .summary("Iterates over the key names in the database.")
      .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
          + "to return back to 0. N is the number of elements inside the collection.")
      .history("6.0.0", "Added the `TYPE` subcommand.")
      .args(Arg.integer("cursor"), Arg.pattern("pattern").withToken("MATCH").optional(),
          Arg.integer("count").withToken("COUNT").optional(), Arg.string("type").withToken("TYPE").optional())
      .build();
  static final CommandSpec RANDOMKEY = CommandSpec.command("randomkey", 1)
      .tips("request_policy:all_shards", "response_policy:special", "nondeterministic_output")
      .group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.KEYSPACE)
      .summary("Returns a random key name from the database.").complexity("O(1)").build();

  static final RedisException INVALID_CURSOR = Errors.err("invalid cursor");

  @Override
  public void register(CommandRegistry r) {
    r.add(KEYS, ScanCommands::keys);
    r.add(SCAN, ScanCommands::scan);
    r.add(RANDOMKEY, ScanCommands::randomKey);
  }

  /** KEYS pattern */
  static void keys(CommandContext c, Args a) {
    Db db = (Db) c.db();
    byte[] pattern = a.get(1);
    boolean all = Glob.matchesAll(pattern);
    Reply r = c.reply();
    long mark = r.beginDeferred();
    int[] n = {0};
    db.forEach(e -> {
      // expired keys are left for lazy or active expiry: KEYS must not change the keyspace while walking it
      if ((all || Glob.matches(pattern, e.key)) && !db.isExpired(e)) {
        r.bulk(e.key);
        n[0]++;
      }
    });
    r.endDeferredArray(mark, n[0]);
  }

  /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
  static void scan(CommandContext c, Args a) {
    long cursor = parseCursor(a.get(1));
    byte[] pattern = null;
    long count = 10;
    String type = null;
    for (int i = 2; i < a.size(); i++) {
      boolean hasValue = i + 1 < a.size();
      if (a.is(i, "count") && hasValue) {
        count = a.longArg(i + 1);
        if (count < 1) {
          throw Errors.SYNTAX;
        }
      } else if (a.is(i, "match") && hasValue) {
        pattern = a.get(i + 1);
        if (Glob.matchesAll(pattern)) {
          pattern = null;
        }
      } else if (a.is(i, "type") && hasValue) {
        type = a.string(i + 1); // an unknown type name matches nothing, as in Redis 7.2
      } else {
        throw Errors.SYNTAX;
      }
      i++;
    }
    Db db = (Db) c.db();
    List<Entry> found = new ArrayList<>();
    long maxIterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    do {
      cursor = db.scan(cursor, found::add);
    } while (cursor != 0 && maxIterations-- > 0 && found.size() < count);

    Reply r = c.reply();
    r.array(2);
    r.bulk(Long.toUnsignedString(cursor));
    long mark = r.beginDeferred();
    int n = 0;
    for (Entry e : found) {
      if (pattern != null && !Glob.matches(pattern, e.key)) {
        continue;
      }
      // as in Redis 7.2, every key the pattern lets through is checked for expiry (and removed) before the type filter
      if (db.peek(e.key) == null) {
        continue; // expired: removed now, and not reported
      }
      if (type != null && !type.equalsIgnoreCase(Values.typeName(e.value()))) {
        continue;
      }
      r.bulk(e.key);
      n++;
    }
    r.endDeferredArray(mark, n);
  }

  /**
   * A cursor as Redis reads it (strtoull): an optional sign, decimal digits, no spaces, values up to 2^64-1; a minus
   * sign negates modulo 2^64.
   */
  static long parseCursor(byte[] b) {
    int i = 0;
    boolean negative = false;
    if (b.length > 0 && (b[0] == '+' || b[0] == '-')) {
      negative = b[0] == '-';
      i = 1;
      if (b.length == 1) {
        throw INVALID_CURSOR;
      }
    }
    long v = 0;
    for (; i < b.length; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw INVALID_CURSOR;
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
        throw INVALID_CURSOR;
      }
      long next = v * 10 + d;
      if (Long.compareUnsigned(next, v * 10) < 0) {
        throw INVALID_CURSOR;
      }
      v = next;
    }
    return negative ? -v : v;
  }

  /** RANDOMKEY */
  static void randomKey(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).randomEntry();
    if (e == null) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(e.key);
    }
  }
}
