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

/** Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. Bit 0 is the most significant bit of the first byte. */
public final class BitCommands implements CommandFamily {
  static final CommandSpec SETBIT = CommandSpec.command("setbit", 4).group(Group.BITMAP).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.integer("offset"),
          Arg.integer("value"))
      .build();

  static final CommandSpec GETBIT = CommandSpec.command("getbit", 3).group(Group.BITMAP).since("2.2.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns a bit value by offset.")
      .complexity("O(1)")
      .args(Arg.key("key", 0),
          Arg.integer("offset"))
      .build();

  static final CommandSpec BITCOUNT = CommandSpec.command("bitcount", -2).group(Group.BITMAP).since("2.6.0")
      .flags(Flag.READONLY).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Counts the number of set bits (population counting) in a string.")
      .complexity("O(N)")
      .history("7.0.0", "Added the `BYTE|BIT` option.")
      .args(Arg.key("key", 0),
          Arg.block("range",
            Arg.integer("start"),
            Arg.integer("end"),
            Arg.oneOf("unit",
              Arg.token("BYTE"),
              Arg.token("BIT")).optional().since("7.0.0")).optional())
      .build();

  static final CommandSpec BITPOS = CommandSpec.command("bitpos", -3).group(Group.BITMAP).since("2.8.7")
      .flags(Flag.READONLY).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Finds the first set (1) or clear (0) bit in a string.")
      .complexity("O(N)")
      .history("7.0.0", "Added the `BYTE|BIT` option.")
      .args(Arg.key("key", 0),
          Arg.integer("bit"),
          Arg.block("range",
            Arg.integer("start"),
            Arg.block("end-unit-block",
              Arg.integer("end"),
              Arg.oneOf("unit",
                Arg.token("BYTE"),
                Arg.token("BIT")).optional().since("7.0.0")).optional()).optional())
      .build();

  static final CommandSpec BITOP = CommandSpec.command("bitop", -4).group(Group.BITMAP).since("2.6.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.BITMAP)
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .key(KeySpec.index(3).range(-1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Performs bitwise operations on multiple strings, and stores the result.")
      .complexity("O(N)")
      .args(Arg.oneOf("operation",
            Arg.token("AND"),
            Arg.token("OR"),
            Arg.token("XOR"),
            Arg.token("NOT")),
          Arg.key("destkey", 0),
          Arg.key("key", 1).multiple())
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(SETBIT, BitCommands::setbit);
    r.add(GETBIT, BitCommands::getbit);
    r.add(BITCOUNT, BitCommands::bitcount);
    r.add(BITPOS, BitCommands::bitpos);
    r.add(BITOP, BitCommands::bitop);
  }

  private static final RedisException BAD_OFFSET = Errors.err("bit offset is not an integer or out of range");
  private static final RedisException BAD_BIT = Errors.err("bit is not an integer or out of range");
  private static final RedisException BIT_NOT_0_OR_1 = Errors.err("The bit argument must be 1 or 0.");
  private static final RedisException NOT_NEEDS_ONE_KEY = Errors.err("BITOP NOT must be called with a single source key.");
  private static final byte[] EMPTY = new byte[0];

  /**
   * Parses a bit offset: not negative, and addressing a byte below proto-max-bulk-len. With {@code bits > 0} the form
   * {@code #n} (BITFIELD's) means n times {@code bits}.
   */
  static long bitOffset(CommandContext c, byte[] arg, int bits) {
    boolean hash = bits > 0 && arg.length > 0 && arg[0] == '#';
    long offset = Args.parseLongOrMin(arg, hash ? 1 : 0, arg.length - (hash ? 1 : 0));
    if (offset == Long.MIN_VALUE) {
      throw BAD_OFFSET; // Long.MIN_VALUE itself would be negative anyway
    }
    if (hash) {
      long scaled = offset * bits;
      if (scaled / bits != offset) {
        throw BAD_OFFSET;
      }
      offset = scaled;
    }
    if (offset < 0 || (offset >>> 3) >= StringValues.maxLength(c)) {
      throw BAD_OFFSET;
    }
    return offset;
  }

  /** SETBIT key offset value */
  static void setbit(CommandContext c, Args a) {
    long offset = bitOffset(c, a.get(2), 0);
    long on = a.longArg(3, BAD_BIT);
    if ((on & ~1L) != 0) {
      throw BAD_BIT;
    }
    Database db = c.db();
    byte[] key = a.get(1);
    Object v = db.getForWrite(key);
    int oldLength = v == null ? -1 : StringValues.length(v);
    int index = (int) (offset >>> 3);
    RawString r = StringValues.forWrite(db, key, v, index + 1);
    byte[] buf = r.array();
    int mask = 0x80 >>> (int) (offset & 7);
    int old = (buf[index] & mask) != 0 ? 1 : 0;
    if (oldLength < index + 1 || old != on) {
      buf[index] = (byte) (on == 1 ? buf[index] | mask : buf[index] & ~mask);
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setbit", key, db.id());
      c.addDirty(1);
    }
    c.reply().integer(old);
  }

  /** GETBIT key offset */
  static void getbit(CommandContext c, Args a) {
    long offset = bitOffset(c, a.get(2), 0);
    Object v = c.db().get(a.get(1));
    byte[] b = StringValues.array(v);
    long index = offset >>> 3;
    int bit = 0;
    if (index < StringValues.length(v)) {
      bit = (b[(int) index] & (0x80 >>> (int) (offset & 7))) != 0 ? 1 : 0;
    }
    c.reply().integer(bit);
  }

  /** BITCOUNT key [start end [BYTE | BIT]] */
  static void bitcount(CommandContext c, Args a) {
    Object v = c.db().get(a.get(1));
    if (v == null) {
      c.reply().integer(0); // before the arguments are looked at, as in Redis
      return;
    }
    byte[] b = StringValues.array(v);
    long len = StringValues.length(v);
    int n = a.size();
    long from;
    long to;
    if (n == 4 || n == 5) {
      long start = a.longArg(2);
      long end = a.longArg(3);
      if (start < 0 && end < 0 && start > end) {
        c.reply().integer(0);
        return;
      }
      boolean isBit = n == 5 && unitIsBit(a, 4);
      long total = isBit ? len << 3 : len;
      start = clampIndex(start, total);
      end = Math.min(clampIndex(end, total), total - 1);
      if (start > end) {
        c.reply().integer(0);
        return;
      }
      from = isBit ? start : start << 3;
      to = isBit ? end : (end << 3) + 7;
    } else if (n == 2) {
      from = 0;
      to = (len << 3) - 1;
    } else {
      throw Errors.SYNTAX;
    }
    c.reply().integer(Bits.count(b, from, to));
  }

  /** BITPOS key bit [start [end [BYTE | BIT]]] */
  static void bitpos(CommandContext c, Args a) {
    long bit = a.longArg(2);
    if (bit != 0 && bit != 1) {
      throw BIT_NOT_0_OR_1;
    }
    Object v = c.db().get(a.get(1));
    if (v == null) {
      // a missing key is an endless run of zeros
      c.reply().integer(bit == 1 ? -1 : 0);
      return;
    }
    byte[] b = StringValues.array(v);
    long len = StringValues.length(v);
    int n = a.size();
    boolean endGiven = false;
    long from;
    long to;
    if (n >= 4 && n <= 6) {
      long start = a.longArg(3);
      boolean isBit = n == 6 && unitIsBit(a, 5);
      long end;
      if (n >= 5) {
        end = a.longArg(4);
        endGiven = true;
      } else {
        end = isBit ? (len << 3) + 7 : len - 1;
      }
      long total = isBit ? len << 3 : len;
      start = clampIndex(start, total);
      end = Math.min(clampIndex(end, total), total - 1);
      if (start > end) {
        c.reply().integer(-1); // an empty range holds neither zeros nor ones
        return;
      }
      from = isBit ? start : start << 3;
      to = isBit ? end : (end << 3) + 7;
    } else if (n == 3) {
      from = 0;
      to = (len << 3) - 1;
    } else {
      throw Errors.SYNTAX;
    }
    long pos = Bits.position(b, from, to, (int) bit);
    if (pos < 0 && bit == 0 && !endGiven && from <= to) {
      // without an explicit end the string counts as padded with zeros: the first one is just past the range
      pos = to + 1;
    }
    c.reply().integer(pos);
  }

  /** The BYTE | BIT unit at argument {@code i}: true for BIT; syntax error for anything else. */
  private static boolean unitIsBit(Args a, int i) {
    if (a.is(i, "bit")) {
      return true;
    }
    if (a.is(i, "byte")) {
      return false;
    }
    throw Errors.SYNTAX;
  }

  /** A start or end index with negatives counted from the end, clamped below at 0. */
  private static long clampIndex(long index, long total) {
    if (index < 0) {
      index += total;
    }
    return Math.max(0, index);
  }

  /** BITOP AND | OR | XOR | NOT destkey key [key ...] */
  static void bitop(CommandContext c, Args a) {
    Bits.Op op;
    if (a.is(1, "and")) {
      op = Bits.Op.AND;
    } else if (a.is(1, "or")) {
      op = Bits.Op.OR;
    } else if (a.is(1, "xor")) {
      op = Bits.Op.XOR;
    } else if (a.is(1, "not")) {
      op = Bits.Op.NOT;
    } else {
      throw Errors.SYNTAX;
    }
    if (op == Bits.Op.NOT && a.size() != 4) {
      throw NOT_NEEDS_ONE_KEY;
    }
    Database db = c.db();
    int count = a.size() - 3;
    byte[][] sources = new byte[count][];
    int[] lengths = new int[count];
    for (int k = 0; k < count; k++) {
      Object v = db.get(a.get(k + 3));
      sources[k] = v == null ? EMPTY : StringValues.array(v);
      lengths[k] = StringValues.length(v);
    }
    byte[] result = Bits.op(op, sources, lengths, count);
    byte[] dest = a.get(2);
    if (result.length > 0) {
      db.set(dest, RawString.wrap(result));
      c.signalModifiedKey(db.id(), dest);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", dest, db.id());
      c.addDirty(1);
    } else if (db.delete(dest)) {
      c.signalModifiedKey(db.id(), dest);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dest, db.id());
      c.addDirty(1);
    }
    c.reply().integer(result.length);
  }
}
