package dev.cairn.core.type.list;

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
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;

/**
 * List commands on one key: push, pop, read by index or range, change in place. The commands that move elements
 * between keys or block are in {@link ListMoveCommands}.
 */
public final class ListCommands implements CommandFamily {
  private static final KeySpec KEY_INSERT = KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT);
  private static final KeySpec KEY_POP = KeySpec.index(1).range(0, 1, 0)
      .flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE);
  private static final KeySpec KEY_READ = KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO);
  private static final KeySpec KEY_READ_ACCESS = KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS);
  private static final KeySpec KEY_DELETE = KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE);

  static final CommandSpec LPUSH = CommandSpec.command("lpush", -3).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.LIST).key(KEY_INSERT)
      .summary("Prepends one or more elements to a list. Creates the key if it doesn't exist.")
      .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
          + "arguments.")
      .history("2.4.0", "Accepts multiple `element` arguments.")
      .args(Arg.key("key", 0), Arg.string("element").multiple()).build();
  static final CommandSpec RPUSH = CommandSpec.command("rpush", -3).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.LIST).key(KEY_INSERT)
      .summary("Appends one or more elements to a list. Creates the key if it doesn't exist.")
      .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
          + "arguments.")
      .history("2.4.0", "Accepts multiple `element` arguments.")
      .args(Arg.key("key", 0), Arg.string("element").multiple()).build();
  static final CommandSpec LPUSHX = CommandSpec.command("lpushx", -3).group(Group.LIST).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.LIST).key(KEY_INSERT)
      .summary("Prepends one or more elements to a list only when the list exists.")
      .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
          + "arguments.")
      .history("4.0.0", "Accepts multiple `element` arguments.")
      .args(Arg.key("key", 0), Arg.string("element").multiple()).build();
  static final CommandSpec RPUSHX = CommandSpec.command("rpushx", -3).group(Group.LIST).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.LIST).key(KEY_INSERT)
      .summary("Appends an element to a list only when the list exists.")
      .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
          + "arguments.")
      .history("4.0.0", "Accepts multiple `element` arguments.")
      .args(Arg.key("key", 0), Arg.string("element").multiple()).build();
  static final CommandSpec LPOP = CommandSpec.command("lpop", -2).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.LIST).key(KEY_POP)
      .summary("Returns the first elements in a list after removing it. Deletes the list if the last element was "
          + "popped.")
      .complexity("O(N) where N is the number of elements returned")
      .history("6.2.0", "Added the `count` argument.")
      .args(Arg.key("key", 0), Arg.integer("count").optional().since("6.2.0")).build();
  static final CommandSpec RPOP = CommandSpec.command("rpop", -2).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.LIST).key(KEY_POP)
      .summary("Returns and removes the last elements of a list. Deletes the list if the last element was popped.")
      .complexity("O(N) where N is the number of elements returned")
      .history("6.2.0", "Added the `count` argument.")
      .args(Arg.key("key", 0), Arg.integer("count").optional().since("6.2.0")).build();
  static final CommandSpec LLEN = CommandSpec.command("llen", 2).group(Group.LIST).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.LIST).key(KEY_READ)
      .summary("Returns the length of a list.").complexity("O(1)").args(Arg.key("key", 0)).build();
  static final CommandSpec LRANGE = CommandSpec.command("lrange", 4).group(Group.LIST).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.LIST).key(KEY_READ_ACCESS)
      .summary("Returns a range of elements from a list.")
      .complexity("O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD "
          + "or TAIL) for large lists; and N is the number of elements in the specified range.")
      .args(Arg.key("key", 0), Arg.integer("start"), Arg.integer("stop")).build();
  static final CommandSpec LINDEX = CommandSpec.command("lindex", 3).group(Group.LIST).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.LIST).key(KEY_READ_ACCESS)
      .summary("Returns an element from a list by its index.")
      .complexity("O(N) where N is the number of elements to traverse to get to the element at index. This makes "
          + "asking for the first or the last element of the list O(1).")
      .args(Arg.key("key", 0), Arg.integer("index")).build();
  static final CommandSpec LSET = CommandSpec.command("lset", 4).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.LIST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Sets the value of an element in a list by its index.")
      .complexity("O(N) where N is the length of the list. Setting either the first or the last element of the list "
          + "is O(1).")
      .args(Arg.key("key", 0), Arg.integer("index"), Arg.string("element")).build();
  static final CommandSpec LINSERT = CommandSpec.command("linsert", 5).group(Group.LIST).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.LIST).key(KEY_INSERT)
      .summary("Inserts an element before or after another element in a list.")
      .complexity("O(N) where N is the number of elements to traverse before seeing the value pivot. This means that "
          + "inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on "
          + "the right end (tail) is O(N).")
      .args(Arg.key("key", 0), Arg.oneOf("where", Arg.token("BEFORE"), Arg.token("AFTER")), Arg.string("pivot"),
          Arg.string("element")).build();
  static final CommandSpec LREM = CommandSpec.command("lrem", 4).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.LIST).key(KEY_DELETE)
      .summary("Removes elements from a list. Deletes the list if the last element was removed.")
      .complexity("O(N+M) where N is the length of the list and M is the number of elements removed.")
      .args(Arg.key("key", 0), Arg.integer("count"), Arg.string("element")).build();
  static final CommandSpec LTRIM = CommandSpec.command("ltrim", 4).group(Group.LIST).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.LIST).key(KEY_DELETE)
      .summary("Removes elements from both ends a list. Deletes the list if all elements were trimmed.")
      .complexity("O(N) where N is the number of elements to be removed by the operation.")
      .args(Arg.key("key", 0), Arg.integer("start"), Arg.integer("stop")).build();
  static final CommandSpec LPOS = CommandSpec.command("lpos", -3).group(Group.LIST).since("6.0.6")
      .flags(Flag.READONLY).acl(AclCategory.LIST).key(KEY_READ)
      .summary("Returns the index of matching elements in a list.")
      .complexity("O(N) where N is the number of elements in the list, for the average case. When searching for "
          + "elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may "
          + "run in constant time.")
      .args(Arg.key("key", 0), Arg.string("element"), Arg.integer("rank").withToken("RANK").optional(),
          Arg.integer("num-matches").withToken("COUNT").optional(), Arg.integer("len").withToken("MAXLEN").optional())
      .build();

  static final RedisException POP_COUNT = Errors.err("value is out of range, must be positive");
  static final RedisException LPOS_RANK_ZERO = Errors.err("RANK can't be zero: use 1 to start from the first match, 2 "
      + "from the second ... or use negative to start from the end of the list");
  static final RedisException LPOS_COUNT_NEGATIVE = Errors.err("COUNT can't be negative");
  static final RedisException LPOS_MAXLEN_NEGATIVE = Errors.err("MAXLEN can't be negative");

  @Override
  public void register(CommandRegistry r) {
    r.add(LPUSH, (c, a) -> push(c, a, true, false));
    r.add(RPUSH, (c, a) -> push(c, a, false, false));
    r.add(LPUSHX, (c, a) -> push(c, a, true, true));
    r.add(RPUSHX, (c, a) -> push(c, a, false, true));
    r.add(LPOP, (c, a) -> pop(c, a, true));
    r.add(RPOP, (c, a) -> pop(c, a, false));
    r.add(LLEN, ListCommands::llen);
    r.add(LRANGE, ListCommands::lrange);
    r.add(LINDEX, ListCommands::lindex);
    r.add(LSET, ListCommands::lset);
    r.add(LINSERT, ListCommands::linsert);
    r.add(LREM, ListCommands::lrem);
    r.add(LTRIM, ListCommands::ltrim);
    r.add(LPOS, ListCommands::lpos);
  }

  /** LPUSH key element [element ...], and RPUSH, LPUSHX, RPUSHX */
  static void push(CommandContext c, Args a, boolean head, boolean onlyIfExists) {
    Db db = (Db) c.db();
    Entry e = db.lookupWrite(a, 1); // the key read in place: an array is made for it only for a new list
    ListValue list = Db.valueAs(e, ListValue.class);
    byte[] key;
    if (list == null) {
      if (onlyIfExists) {
        c.reply().integer(0);
        return;
      }
      list = new ListValue();
      key = a.get(1);
      db.add(key, list);
    } else {
      key = e.key;
    }
    int fill = ListConfig.fill();
    int n = a.size() - 2;
    long bytes = 0;
    for (int i = 2; i < a.size(); i++) {
      bytes += a.length(i);
    }
    list.convertForAdd(bytes, n, fill);
    for (int i = 2; i < a.size(); i++) {
      list.push(a.bytes(i), a.offset(i), a.length(i), head, fill); // copied into a node: no array of its own
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, head ? "lpush" : "rpush", key, db.id());
    c.addDirty(n);
    c.reply().integer(list.size());
  }

  /** LPOP key [count], and RPOP */
  static void pop(CommandContext c, Args a, boolean head) {
    if (a.size() > 3) {
      throw Errors.arity(head ? "lpop" : "rpop");
    }
    boolean hasCount = a.size() == 3;
    long count = hasCount ? positiveLong(a, 2, POP_COUNT) : 1;
    Db db = (Db) c.db();
    Entry e = db.lookupWrite(a, 1); // the key read in place
    ListValue list = Db.valueAs(e, ListValue.class);
    Reply r = c.reply();
    if (list == null) {
      if (hasCount) {
        r.nullArray();
      } else {
        r.nullBulk();
      }
      return;
    }
    if (hasCount && count == 0) {
      r.array(0); // Redis: an empty array, and the key is left alone
      return;
    }
    byte[] key = e.key;
    if (!hasCount) {
      list.pop(head, r);
      popped(c, db, key, list, head, 1);
      return;
    }
    long n = Math.min(count, list.size());
    popInto(list, head, n, r);
    popped(c, db, key, list, head, n);
  }

  /** Pops {@code n} elements and writes them as an array. */
  static void popInto(ListValue list, boolean head, long n, Reply r) {
    r.array((int) n);
    for (long i = 0; i < n; i++) {
      list.pop(head, r);
    }
  }

  /** The effects of popping {@code n} elements from {@code key}: event, deletion when empty, signal, dirty. */
  static void popped(CommandContext c, Database db, byte[] key, ListValue list, boolean head, long n) {
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, head ? "lpop" : "rpop", key, db.id());
    deleteIfEmpty(c, db, key, list);
    c.signalModifiedKey(db.id(), key);
    c.addDirty(n);
  }

  /** Deletes an emptied list (with the "del" event), or lets a shrunk quicklist become a listpack again. */
  static void deleteIfEmpty(CommandContext c, Database db, byte[] key, ListValue list) {
    if (list.size() == 0) {
      db.delete(key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
    } else {
      list.tryShrink(ListConfig.fill());
    }
  }

  /** A count in 0..Long.MAX_VALUE, with {@code error} for anything else (Redis's getPositiveLongFromObjectOrReply). */
  static long positiveLong(Args a, int i, RedisException error) {
    long v = a.longArg(i, error);
    if (v < 0) {
      throw error;
    }
    return v;
  }

  /** LLEN key */
  static void llen(CommandContext c, Args a) {
    ListValue list = Db.valueAs(((Db) c.db()).lookupRead(a, 1), ListValue.class);
    c.reply().integer(list == null ? 0 : list.size());
  }

  /** LRANGE key start stop */
  static void lrange(CommandContext c, Args a) {
    long start = a.longArg(2);
    long end = a.longArg(3);
    ListValue list = Db.valueAs(((Db) c.db()).lookupRead(a, 1), ListValue.class); // the key read in place
    Reply r = c.reply();
    if (list == null) {
      r.array(0);
      return;
    }
    long size = list.size();
    if (start < 0) {
      start += size;
    }
    if (end < 0) {
      end += size;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= size) {
      r.array(0);
      return;
    }
    if (end >= size) {
      end = size - 1;
    }
    long n = end - start + 1;
    r.array((int) n);
    list.replyRange(start, n, r);
  }

  /** LINDEX key index */
  static void lindex(CommandContext c, Args a) {
    ListValue list = Db.valueAs(((Db) c.db()).lookupRead(a, 1), ListValue.class);
    if (list == null) {
      c.reply().nullBulk(); // Redis looks the key up before parsing the index
      return;
    }
    long index = a.longArg(2);
    long size = list.size();
    if (index < 0) {
      index += size;
    }
    if (index < 0 || index >= size) {
      c.reply().nullBulk();
      return;
    }
    list.cursor(index, false).reply(c.reply());
  }

  /** LSET key index element */
  static void lset(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    ListValue list = db.getForWrite(key, ListValue.class);
    if (list == null) {
      throw Errors.NO_SUCH_KEY;
    }
    long index = a.longArg(2);
    byte[] element = a.get(3);
    int fill = ListConfig.fill();
    list.convertForAdd(element.length, 1, fill);
    long size = list.size();
    if (index < 0) {
      index += size;
    }
    if (index < 0 || index >= size) {
      throw Errors.INDEX_OUT_OF_RANGE;
    }
    list.set(index, element, fill);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, "lset", key, db.id());
    c.addDirty(1);
    list.tryShrink(fill); // a small element may have replaced a big one
    c.reply().ok();
  }

  /** LINSERT key BEFORE|AFTER pivot element */
  static void linsert(CommandContext c, Args a) {
    boolean after;
    if (a.is(2, "after")) {
      after = true;
    } else if (a.is(2, "before")) {
      after = false;
    } else {
      throw Errors.SYNTAX;
    }
    Database db = c.db();
    byte[] key = a.get(1);
    ListValue list = db.getForWrite(key, ListValue.class);
    if (list == null) {
      c.reply().integer(0);
      return;
    }
    int fill = ListConfig.fill();
    byte[] element = a.get(4);
    list.convertForAdd(element.length, 1, fill);
    if (!list.insert(a.get(3), element, after, fill)) {
      c.reply().integer(-1); // Redis replies -1, not an error, when the pivot is missing
      return;
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, "linsert", key, db.id());
    c.addDirty(1);
    c.reply().integer(list.size());
  }

  /** LREM key count element */
  static void lrem(CommandContext c, Args a) {
    long count = a.longArg(2);
    Database db = c.db();
    byte[] key = a.get(1);
    ListValue list = db.getForWrite(key, ListValue.class);
    if (list == null) {
      c.reply().integer(0);
      return;
    }
    long removed = list.remove(a.get(3), count);
    if (removed > 0) {
      c.notifyKeyspaceEvent(KeyspaceEvents.LIST, "lrem", key, db.id());
      deleteIfEmpty(c, db, key, list);
      c.signalModifiedKey(db.id(), key);
      c.addDirty(removed);
    }
    c.reply().integer(removed);
  }

  /** LTRIM key start stop */
  static void ltrim(CommandContext c, Args a) {
    long start = a.longArg(2);
    long end = a.longArg(3);
    Database db = c.db();
    byte[] key = a.get(1);
    ListValue list = db.getForWrite(key, ListValue.class);
    if (list == null) {
      c.reply().ok();
      return;
    }
    long size = list.size();
    if (start < 0) {
      start += size;
    }
    if (end < 0) {
      end += size;
    }
    if (start < 0) {
      start = 0;
    }
    long left;
    long right;
    if (start > end || start >= size) {
      left = size; // out of range: the list empties
      right = 0;
    } else {
      if (end >= size) {
        end = size - 1;
      }
      left = start;
      right = size - end - 1;
    }
    list.trimHead(left);
    list.trimTail(right);
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, "ltrim", key, db.id());
    deleteIfEmpty(c, db, key, list);
    c.signalModifiedKey(db.id(), key);
    c.addDirty(left + right);
    c.reply().ok();
  }

  /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
  static void lpos(CommandContext c, Args a) {
    long rank = 1;
    long count = -1; // -1: no COUNT given, reply a single index
    long maxlen = 0;
    for (int j = 3; j < a.size(); j++) {
      boolean more = j + 1 < a.size();
      if (a.is(j, "rank") && more) {
        rank = a.longArg(++j);
        if (rank == Long.MIN_VALUE) {
          throw Errors.err("value is out of range, value must between -9223372036854775807 and "
              + "9223372036854775807");
        }
        if (rank == 0) {
          throw LPOS_RANK_ZERO;
        }
      } else if (a.is(j, "count") && more) {
        count = positiveLong(a, ++j, LPOS_COUNT_NEGATIVE);
      } else if (a.is(j, "maxlen") && more) {
        maxlen = positiveLong(a, ++j, LPOS_MAXLEN_NEGATIVE);
      } else {
        throw Errors.SYNTAX;
      }
    }
    ListValue list = c.db().get(a.get(1), ListValue.class);
    Reply r = c.reply();
    if (list == null) {
      if (count != -1) {
        r.array(0);
      } else {
        r.nullBulk();
      }
      return;
    }
    boolean reverse = rank < 0;
    long skip = Math.abs(rank);
    long size = list.size();
    ListPack.Needle needle = new ListPack.Needle(a.get(2));
    long mark = count != -1 ? r.beginDeferred() : 0;
    int found = 0;
    long matches = 0;
    long index = 0;
    for (ListValue.Cursor cur = list.cursor(reverse ? size - 1 : 0, reverse);
        cur.valid() && (maxlen == 0 || index < maxlen); cur.advance(), index++) {
      if (!cur.matches(needle)) {
        continue;
      }
      matches++;
      if (matches < skip) {
        continue;
      }
      long at = reverse ? size - index - 1 : index;
      if (count == -1) {
        r.integer(at);
        return;
      }
      r.integer(at);
      found++;
      if (count != 0 && found >= count) {
        break;
      }
    }
    if (count == -1) {
      r.nullBulk();
    } else {
      r.endDeferredArray(mark, found);
    }
  }
}
