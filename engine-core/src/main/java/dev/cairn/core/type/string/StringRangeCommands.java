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
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;

/** Commands on parts of a string: APPEND, GETRANGE (and its old name SUBSTR), SETRANGE, LCS. */
public final class StringRangeCommands implements CommandFamily {
  static final CommandSpec APPEND = CommandSpec.command("append", 3).group(Group.STRING).since("2.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Appends a string to the value of a key. Creates the key if it doesn't exist.")
      .complexity("O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.")
      .args(Arg.key("key", 0),
          Arg.string("value"))
      .build();

  static final CommandSpec GETRANGE = CommandSpec.command("getrange", 4).group(Group.STRING).since("2.4.0")
      .flags(Flag.READONLY).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns a substring of the string stored at a key.")
      .complexity("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.")
      .args(Arg.key("key", 0),
          Arg.integer("start"),
          Arg.integer("end"))
      .build();

  static final CommandSpec SUBSTR = CommandSpec.command("substr", 4).group(Group.STRING).since("1.0.0")
      .flags(Flag.READONLY).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns a substring from a string value.")
      .complexity("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.")
      .deprecated("2.0.0", "`GETRANGE`")

      .args(Arg.key("key", 0),
          Arg.integer("start"),
          Arg.integer("end"))
      .build();

  static final CommandSpec SETRANGE = CommandSpec.command("setrange", 4).group(Group.STRING).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
      .complexity("O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.")
      .args(Arg.key("key", 0),
          Arg.integer("offset"),
          Arg.string("value"))
      .build();

  static final CommandSpec LCS = CommandSpec.command("lcs", -3).group(Group.STRING).since("7.0.0")
      .flags(Flag.READONLY).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Finds the longest common substring.")
      .complexity("O(N*M) where N and M are the lengths of s1 and s2, respectively")
      .args(Arg.key("key1", 0),
          Arg.key("key2", 0),
          Arg.token("LEN").optional(),
          Arg.token("IDX").optional(),
          Arg.integer("min-match-len").withToken("MINMATCHLEN").optional(),
          Arg.token("WITHMATCHLEN").optional())
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(APPEND, StringRangeCommands::append);
    r.add(GETRANGE, StringRangeCommands::getrange);
    r.add(SUBSTR, StringRangeCommands::getrange);
    r.add(SETRANGE, StringRangeCommands::setrange);
    r.add(LCS, StringRangeCommands::lcs);
  }

  private static final byte[] EMPTY = new byte[0];
  private static final RedisException OFFSET_OUT_OF_RANGE = Errors.err("offset is out of range");
  private static final RedisException LCS_TYPES = Errors.err("The specified keys must contain string values");
  private static final RedisException LCS_LEN_AND_IDX =
      Errors.err("If you want both the length and indexes, please just use IDX.");
  private static final RedisException LCS_MEMORY =
      Errors.err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");

  /** APPEND key value */
  static void append(CommandContext c, Args a) {
    Db db = (Db) c.db();
    Entry e = db.lookupWrite(a, 1); // key and tail read in place
    int tailLength = a.length(2);
    byte[] key;
    long total;
    if (e == null) {
      key = db.setString(a, 1, 2).key; // a new key holds the argument as SET would store it
      total = tailLength;
    } else {
      key = e.key;
      Object v = e.value();
      int len = StringValues.length(v);
      StringValues.checkLength(c, len, tailLength);
      RawString r = StringValues.forWrite(db, key, v, len);
      r.append(a.bytes(2), a.offset(2), tailLength);
      total = r.length();
    }
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "append", key, db.id());
    c.addDirty(1);
    c.reply().integer(total);
  }

  /** GETRANGE key start end; SUBSTR key start end */
  static void getrange(CommandContext c, Args a) {
    long start = a.longArg(2);
    long end = a.longArg(3);
    StringValues.View v = StringValues.view(StringValues.lookupRead(c, a.get(1))); // read in place
    long len = v.length();
    if (start < 0 && end < 0 && start > end) {
      c.reply().bulk(EMPTY);
      return;
    }
    if (start < 0) {
      start = Math.max(0, len + start);
    }
    if (end < 0) {
      end = Math.max(0, len + end);
    }
    if (end >= len) {
      end = len - 1;
    }
    if (start > end || len == 0) {
      c.reply().bulk(EMPTY);
    } else {
      c.reply().bulk(v.array(), v.offset() + (int) start, (int) (end - start + 1));
    }
  }

  /** SETRANGE key offset value */
  static void setrange(CommandContext c, Args a) {
    long offset = a.longArg(2);
    if (offset < 0) {
      throw OFFSET_OUT_OF_RANGE;
    }
    Database db = c.db();
    byte[] key = a.get(1);
    byte[] value = a.get(3);
    Object v = db.getForWrite(key);
    if (v == null) {
      if (value.length == 0) {
        c.reply().integer(0); // setting nothing creates nothing
        return;
      }
    } else {
      int len = StringValues.length(v);
      if (value.length == 0) {
        c.reply().integer(len);
        return;
      }
    }
    StringValues.checkLength(c, offset, value.length);
    RawString r = StringValues.forWrite(db, key, v, (int) offset + value.length);
    System.arraycopy(value, 0, r.array(), (int) offset, value.length);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setrange", key, db.id());
    c.addDirty(1);
    c.reply().integer(r.length());
  }

  /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN] */
  static void lcs(CommandContext c, Args a) {
    Database db = c.db();
    Object va = db.get(a.get(1));
    Object vb = db.get(a.get(2));
    if (va != null && !StringValues.isString(va) || vb != null && !StringValues.isString(vb)) {
      throw LCS_TYPES;
    }
    boolean getLen = false;
    boolean getIdx = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    for (int j = 3; j < a.size(); j++) {
      if (a.is(j, "idx")) {
        getIdx = true;
      } else if (a.is(j, "len")) {
        getLen = true;
      } else if (a.is(j, "withmatchlen")) {
        withMatchLen = true;
      } else if (a.is(j, "minmatchlen") && j + 1 < a.size()) {
        minMatchLen = Math.max(0, a.longArg(++j));
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (getLen && getIdx) {
      throw LCS_LEN_AND_IDX;
    }
    byte[] sa = va == null ? EMPTY : StringValues.array(va);
    byte[] sb = vb == null ? EMPTY : StringValues.array(vb);
    int alen = StringValues.length(va);
    int blen = StringValues.length(vb);
    // the table holds one int per pair of prefixes
    long cells = (alen + 1L) * (blen + 1L);
    if (cells * 4 > StringValues.maxLength(c) || cells > Integer.MAX_VALUE - 8) {
      throw LCS_MEMORY;
    }
    Lcs lcs = new Lcs(sa, alen, sb, blen);
    Reply r = c.reply();
    if (getIdx) {
      r.map(2);
      r.bulk("matches");
      long mark = r.beginDeferred();
      int ranges = lcs.matches(minMatchLen, withMatchLen, r);
      r.bulk("len");
      r.integer(lcs.length());
      r.endDeferredArray(mark, ranges);
    } else if (getLen) {
      r.integer(lcs.length());
    } else {
      r.bulk(lcs.sequence());
    }
  }
}
