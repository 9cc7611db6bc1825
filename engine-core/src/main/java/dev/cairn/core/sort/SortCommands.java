package dev.cairn.core.sort;

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
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import dev.cairn.core.type.list.ListConfig;
import dev.cairn.core.type.list.ListValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SORT and SORT_RO over lists, sets and sorted sets ({@link SortSource}), with BY (including {@code nosort} and hash
 * fields {@code ->}), GET (including {@code #}), LIMIT, ASC/DESC, ALPHA and STORE (a list).
 */
public final class SortCommands implements CommandFamily {
  private static final Arg[] SORT_ARGS = {
      Arg.key("key", 0), keyPattern("by-pattern").withToken("BY").optional(),
      Arg.block("limit", Arg.integer("offset"), Arg.integer("count")).withToken("LIMIT").optional(),
      keyPattern("get-pattern").withToken("GET").optional().multiple().multipleToken(),
      Arg.oneOf("order", Arg.token("ASC"), Arg.token("DESC")).optional(),
      Arg.token("ALPHA").withToken("ALPHA").optional()};

  static final CommandSpec SORT = CommandSpec.command("sort", -2).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM)
      .acl(AclCategory.SET, AclCategory.SORTEDSET, AclCategory.LIST, AclCategory.DANGEROUS)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .key(KeySpec.unknown().unknownKeys().flags(KeyFlag.RO, KeyFlag.ACCESS)
          .notes("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the "
              + "content of the key we sort"))
      .key(KeySpec.unknown().unknownKeys().flags(KeyFlag.OW, KeyFlag.UPDATE)
          .notes("For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in "
              + "the argument array"))
      .keyFinder(SortCommands::sortKeys)
      .summary("Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
      .complexity("O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of "
          + "returned elements. When the elements are not sorted, complexity is O(N).")
      .args(withStore()).build();
  static final CommandSpec SORT_RO = CommandSpec.command("sort_ro", -2).group(Group.GENERIC).since("7.0.0")
      .flags(Flag.READONLY)
      .acl(AclCategory.SET, AclCategory.SORTEDSET, AclCategory.LIST, AclCategory.DANGEROUS)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .key(KeySpec.unknown().unknownKeys().flags(KeyFlag.RO, KeyFlag.ACCESS)
          .notes("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the "
              + "content of the key we sort"))
      .summary("Returns the sorted elements of a list, a set, or a sorted set.")
      .complexity("O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of "
          + "returned elements. When the elements are not sorted, complexity is O(N).")
      .args(SORT_ARGS).build();

  static final RedisException NOT_DOUBLE = Errors.err("One or more scores can't be converted into double");

  /** A pattern whose expansions are key names (key spec 1, as in Redis's sort.json). */
  private static Arg keyPattern(String name) {
    return new Arg(name, Arg.Type.PATTERN, null, 1, false, false, false, null, java.util.List.of());
  }

  private static Arg[] withStore() {
    Arg[] a = Arrays.copyOf(SORT_ARGS, SORT_ARGS.length + 1);
    a[SORT_ARGS.length] = Arg.key("destination", 2).withToken("STORE").optional();
    return a;
  }

  private static final java.util.Set<KeyFlag> SORTED_KEY = java.util.EnumSet.of(KeyFlag.RO, KeyFlag.ACCESS);
  private static final java.util.Set<KeyFlag> STORE_KEY = java.util.EnumSet.of(KeyFlag.OW, KeyFlag.UPDATE);

  /**
   * COMMAND GETKEYS for SORT: the sorted key and the destination of the last STORE, skipping the arguments of LIMIT,
   * GET and BY as Redis's sortGetKeys does.
   */
  static boolean sortKeys(byte[][] argv, int argc, java.util.function.ObjIntConsumer<java.util.Set<KeyFlag>> out) {
    out.accept(SORTED_KEY, 1);
    int store = -1;
    for (int i = 2; i < argc; i++) {
      if (Args.equalsIgnoreCase(argv[i], "limit")) {
        i += 2;
      } else if (Args.equalsIgnoreCase(argv[i], "get") || Args.equalsIgnoreCase(argv[i], "by")) {
        i += 1;
      } else if (Args.equalsIgnoreCase(argv[i], "store") && i + 1 < argc) {
        store = i + 1; // the last STORE wins, as in SORT itself
      }
    }
    if (store >= 0) {
      out.accept(STORE_KEY, store);
    }
    return true;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(SORT, (c, a) -> sort(c, a, false));
    r.add(SORT_RO, (c, a) -> sort(c, a, true));
  }

  /** One member being sorted and what it sorts by. */
  private static final class Item {
    final byte[] member;
    double score;
    byte[] by; // ALPHA with BY: the looked-up value, or null

    Item(byte[] member) {
      this.member = member;
    }
  }

  /**
   * SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination],
   * and SORT_RO (no STORE)
   */
  static void sort(CommandContext c, Args a, boolean readOnly) {
    boolean desc = false;
    boolean alpha = false;
    boolean dontSort = false;
    long limitStart = 0;
    long limitCount = -1;
    byte[] sortBy = null;
    byte[] storeKey = null;
    List<byte[]> gets = new ArrayList<>();
    for (int j = 2; j < a.size(); j++) {
      int left = a.size() - j - 1;
      if (a.is(j, "asc")) {
        desc = false;
      } else if (a.is(j, "desc")) {
        desc = true;
      } else if (a.is(j, "alpha")) {
        alpha = true;
      } else if (a.is(j, "limit") && left >= 2) {
        limitStart = a.longArg(j + 1);
        limitCount = a.longArg(j + 2);
        j += 2;
      } else if (a.is(j, "store") && left >= 1 && !readOnly) {
        storeKey = a.get(++j);
      } else if (a.is(j, "by") && left >= 1) {
        sortBy = a.get(++j);
        // a BY pattern without '*' cannot name per-member keys: it means "don't sort"
        dontSort = indexOf(sortBy, (byte) '*', 0) < 0;
        if (!dontSort && !dev.cairn.core.acl.Acl.readsAnyKey(c, a)) {
          throw RedisException.err("BY option of SORT denied due to insufficient ACL permissions.");
        }
      } else if (a.is(j, "get") && left >= 1) {
        if (!dev.cairn.core.acl.Acl.readsAnyKey(c, a)) {
          throw RedisException.err("GET option of SORT denied due to insufficient ACL permissions.");
        }
        gets.add(a.get(++j));
      } else {
        throw Errors.SYNTAX;
      }
    }
    Database db = c.db();
    Object value = db.get(a.get(1));
    String type = value == null ? "list" : value instanceof RedisValue rv ? rv.typeName() : "string";
    if (!type.equals("list") && !type.equals("set") && !type.equals("zset")) {
      throw Errors.WRONGTYPE;
    }
    if (value != null && !(value instanceof SortSource)) {
      throw Errors.WRONGTYPE;
    }
    SortSource source = (SortSource) value;
    // sorting a set for STORE or a script must not depend on its hash order (replicas, AOF, the script's effects)
    if (dontSort && type.equals("set") && (storeKey != null || c instanceof Session s
        && s.scriptClient)) {
      dontSort = false;
      alpha = true;
      sortBy = null;
    }
    long length = source == null ? 0 : source.sortSize();
    long start = limitStart < 0 ? 0 : limitStart;
    long end = limitCount < 0 ? length - 1 : start + limitCount - 1;
    if (start >= length) {
      start = length - 1;
      end = length - 2;
    }
    if (end >= length) {
      end = length - 1;
    }

    List<Item> items = new ArrayList<>();
    if (source != null) {
      boolean ordered = type.equals("list") || type.equals("zset");
      if (dontSort && ordered) {
        // native order (reversed by DESC), LIMIT applied while reading
        if (end >= start) {
          source.forEachInRange(start, end, desc, m -> items.add(new Item(m)));
        }
        end -= start;
        start = 0;
      } else {
        source.forEachMember(m -> items.add(new Item(m)));
      }
    }

    if (!dontSort) {
      boolean badScore = false;
      for (Item it : items) {
        byte[] by;
        if (sortBy != null) {
          by = lookupByPattern(db, sortBy, it.member, c.now());
          if (by == null) {
            continue;
          }
        } else {
          by = it.member;
        }
        if (alpha) {
          if (sortBy != null) {
            it.by = by;
          }
        } else {
          double d = strtod(by);
          if (Double.isNaN(d)) {
            badScore = true;
          } else {
            it.score = d;
          }
        }
      }
      if (badScore) {
        throw NOT_DOUBLE;
      }
      final boolean byAlpha = alpha;
      final boolean byPattern = sortBy != null;
      final int sign = desc ? -1 : 1;
      items.sort((x, y) -> sign * compare(x, y, byAlpha, byPattern));
    }

    int outputLen = (int) (gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1));
    if (outputLen < 0) {
      outputLen = 0;
    }
    if (storeKey == null) {
      Reply r = c.reply();
      r.array(outputLen);
      for (long j = start; j <= end; j++) {
        Item it = items.get((int) j);
        if (gets.isEmpty()) {
          r.bulk(it.member);
        }
        for (byte[] pattern : gets) {
          byte[] v = lookupByPattern(db, pattern, it.member, c.now());
          if (v == null) {
            r.nullBulk();
          } else {
            r.bulk(v);
          }
        }
      }
      return;
    }
    int fill = ListConfig.fill();
    ListValue out = new ListValue();
    for (long j = start; j <= end; j++) {
      Item it = items.get((int) j);
      if (gets.isEmpty()) {
        add(out, it.member, fill);
      }
      for (byte[] pattern : gets) {
        byte[] v = lookupByPattern(db, pattern, it.member, c.now());
        add(out, v == null ? new byte[0] : v.clone(), fill); // a hash's value array is overwritten in place
      }
    }
    if (outputLen > 0) {
      db.set(storeKey, out);
      c.signalModifiedKey(db.id(), storeKey);
      c.notifyKeyspaceEvent(KeyspaceEvents.LIST, "sortstore", storeKey, db.id());
      c.addDirty(outputLen);
    } else if (db.delete(storeKey)) {
      c.signalModifiedKey(db.id(), storeKey);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", storeKey, db.id());
      c.addDirty(1);
    }
    c.reply().integer(outputLen);
  }

  private static void add(ListValue out, byte[] v, int fill) {
    out.convertForAdd(v.length, 1, fill);
    out.push(v, false, fill);
  }

  private static int compare(Item x, Item y, boolean alpha, boolean byPattern) {
    if (!alpha) {
      int cmp = Double.compare(x.score, y.score);
      if (x.score == y.score) {
        cmp = 0; // -0.0 and 0.0 tie, as in C
      }
      // equal scores: the members decide, so that the result is deterministic
      return cmp != 0 ? cmp : Arrays.compareUnsigned(x.member, y.member);
    }
    if (byPattern) {
      if (x.by == null || y.by == null) {
        return x.by == y.by ? 0 : x.by == null ? -1 : 1;
      }
      return Arrays.compareUnsigned(x.by, y.by);
    }
    return Arrays.compareUnsigned(x.member, y.member);
  }

  /**
   * C's strtod as SORT uses it: the whole string must be a number (leading white space allowed, the empty string is
   * 0); NaN is returned for anything else, including overflow.
   */
  static double strtod(byte[] b) {
    int p = 0;
    while (p < b.length && isSpace(b[p])) {
      p++;
    }
    if (b.length == 0) {
      return 0;
    }
    if (p == b.length) {
      return Double.NaN;
    }
    String s = new String(b, p, b.length - p, java.nio.charset.StandardCharsets.ISO_8859_1);
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    char last = s.charAt(s.length() - 1);
    if (!(last >= '0' && last <= '9') && last != '.') {
      return Double.NaN; // Java accepts suffixes such as 'd' and 'f'; strtod does not
    }
    double d;
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
    if (Double.isInfinite(d)) {
      return Double.NaN; // ERANGE
    }
    return d;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }

  /**
   * The value a BY or GET pattern names for {@code member}: {@code #} is the member itself; otherwise the first
   * {@code *} is replaced by the member and the string key of that name is read, or, with {@code ->field} after the
   * {@code *}, that field of the hash of that name. Null when there is no such value (or no {@code *}).
   */
  static byte[] lookupByPattern(Database db, byte[] pattern, byte[] member, long now) {
    if (pattern.length == 1 && pattern[0] == '#') {
      return member;
    }
    int star = indexOf(pattern, (byte) '*', 0);
    if (star < 0) {
      return null;
    }
    int arrow = -1;
    for (int i = star + 1; i + 1 < pattern.length; i++) {
      if (pattern[i] == '-' && pattern[i + 1] == '>') {
        arrow = i;
        break;
      }
    }
    if (arrow >= 0 && arrow + 2 == pattern.length) {
      arrow = -1; // "->" with no field name is part of the key name
    }
    int keyEnd = arrow >= 0 ? arrow : pattern.length;
    byte[] key = new byte[keyEnd - 1 + member.length];
    System.arraycopy(pattern, 0, key, 0, star);
    System.arraycopy(member, 0, key, star, member.length);
    System.arraycopy(pattern, star + 1, key, star + member.length, keyEnd - star - 1);
    Object v = db.get(key);
    if (v == null) {
      return null;
    }
    if (arrow >= 0) {
      if (v instanceof HashFieldSource h && v instanceof RedisValue rv && rv.typeName().equals("hash")) {
        return h.sortField(Arrays.copyOfRange(pattern, arrow + 2, pattern.length), now);
      }
      return null;
    }
    return v instanceof byte[] s ? s : null;
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
