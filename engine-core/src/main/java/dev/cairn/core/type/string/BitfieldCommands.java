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
import java.util.ArrayList;
import java.util.List;

/** BITFIELD and BITFIELD_RO: integers of any width at any bit offset of a string. */
public final class BitfieldCommands implements CommandFamily {
  static final CommandSpec BITFIELD = CommandSpec.command("bitfield", -2).group(Group.BITMAP).since("3.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE, KeyFlag.ACCESS, KeyFlag.VARIABLE_FLAGS)
          .notes("This command allows both access and modification of the key"))
      .keyFinder(BitfieldCommands::keys)
      .summary("Performs arbitrary bitfield integer operations on strings.")
      .complexity("O(1) for each subcommand specified")
      .args(Arg.key("key", 0),
          Arg.oneOf("operation",
            Arg.block("get-block",
              Arg.string("encoding"),
              Arg.integer("offset")).withToken("GET"),
            Arg.block("write",
              Arg.oneOf("overflow-block",
                Arg.token("WRAP"),
                Arg.token("SAT"),
                Arg.token("FAIL")).withToken("OVERFLOW").optional(),
              Arg.oneOf("write-operation",
                Arg.block("set-block",
                  Arg.string("encoding"),
                  Arg.integer("offset"),
                  Arg.integer("value")).withToken("SET"),
                Arg.block("incrby-block",
                  Arg.string("encoding"),
                  Arg.integer("offset"),
                  Arg.integer("increment")).withToken("INCRBY")))).optional().multiple())
      .build();

  static final CommandSpec BITFIELD_RO = CommandSpec.command("bitfield_ro", -2).group(Group.BITMAP).since("6.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.BITMAP)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Performs arbitrary read-only bitfield integer operations on strings.")
      .complexity("O(1) for each subcommand specified")
      .args(Arg.key("key", 0),
          Arg.block("get-block",
            Arg.string("encoding"),
            Arg.integer("offset")).withToken("GET").optional().multiple().multipleToken())
      .build();

  /** Only GETs (and OVERFLOW) read the key; anything else may write it, as Redis's bitfieldGetKeys decides. */
  static boolean keys(byte[][] argv, int argc, java.util.function.ObjIntConsumer<java.util.Set<KeyFlag>> out) {
    boolean readOnly = true;
    for (int i = 2; i < argc && readOnly; i++) {
      int left = argc - i - 1;
      if (Args.equalsIgnoreCase(argv[i], "get") && left >= 2) {
        i += 2;
      } else if (Args.equalsIgnoreCase(argv[i], "overflow") && left >= 1) {
        i += 1;
      } else {
        readOnly = false; // SET, INCRBY, or a syntax error: assume a write
      }
    }
    out.accept(readOnly ? java.util.EnumSet.of(KeyFlag.RO, KeyFlag.ACCESS)
        : java.util.EnumSet.of(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE), 1);
    return true;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(BITFIELD, (c, a) -> bitfield(c, a, false));
    r.add(BITFIELD_RO, (c, a) -> bitfield(c, a, true));
  }

  private static final RedisException BAD_TYPE = Errors.err(
      "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
  private static final RedisException BAD_OVERFLOW = Errors.err("Invalid OVERFLOW type specified");
  private static final RedisException READ_ONLY = Errors.err("BITFIELD_RO only supports the GET subcommand");

  private enum Kind { GET, SET, INCRBY }

  /** One GET, SET or INCRBY, with the OVERFLOW mode in force where it appeared. */
  private record Op(Kind kind, boolean signed, int bits, long offset, long value, Bitfield.Overflow overflow) {}

  /**
   * BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value | INCRBY encoding offset
   * increment ...]; BITFIELD_RO key [GET encoding offset ...]
   */
  static void bitfield(CommandContext c, Args a, boolean readOnlyCommand) {
    List<Op> ops = new ArrayList<>();
    Bitfield.Overflow overflow = Bitfield.Overflow.WRAP;
    boolean writes = false;
    long highestBit = 0;
    int n = a.size();
    for (int j = 2; j < n; j++) {
      int remaining = n - j - 1;
      Kind kind;
      if (a.is(j, "get") && remaining >= 2) {
        kind = Kind.GET;
      } else if (a.is(j, "set") && remaining >= 3) {
        kind = Kind.SET;
      } else if (a.is(j, "incrby") && remaining >= 3) {
        kind = Kind.INCRBY;
      } else if (a.is(j, "overflow") && remaining >= 1) {
        j++;
        if (a.is(j, "wrap")) {
          overflow = Bitfield.Overflow.WRAP;
        } else if (a.is(j, "sat")) {
          overflow = Bitfield.Overflow.SAT;
        } else if (a.is(j, "fail")) {
          overflow = Bitfield.Overflow.FAIL;
        } else {
          throw BAD_OVERFLOW;
        }
        continue;
      } else {
        throw Errors.SYNTAX;
      }
      byte[] type = a.get(j + 1);
      boolean signed = type.length > 0 && type[0] == 'i';
      if (!signed && (type.length == 0 || type[0] != 'u')) {
        throw BAD_TYPE;
      }
      long bits = type.length > 1 ? Args.parseLongOrMin(type, 1, type.length - 1) : Long.MIN_VALUE;
      if (bits < 1 || bits > (signed ? 64 : 63)) {
        throw BAD_TYPE;
      }
      long offset = BitCommands.bitOffset(c, a.get(j + 2), (int) bits);
      long value = 0;
      if (kind != Kind.GET) {
        writes = true;
        highestBit = Math.max(highestBit, offset + bits - 1);
        value = a.longArg(j + 3);
      }
      ops.add(new Op(kind, signed, (int) bits, offset, value, overflow));
      j += kind == Kind.GET ? 2 : 3;
    }

    Database db = c.db();
    byte[] key = a.get(1);
    byte[] buf;
    int len;
    boolean grew = false;
    if (!writes) {
      Object v = db.get(key);
      buf = StringValues.array(v); // WRONGTYPE; null for a missing key, which reads as zeros
      len = StringValues.length(v);
    } else {
      if (readOnlyCommand) {
        throw READ_ONLY;
      }
      Object v = db.getForWrite(key);
      int oldLength = v == null ? -1 : StringValues.length(v);
      int needed = (int) (highestBit >>> 3) + 1;
      RawString r = StringValues.forWrite(db, key, v, needed);
      grew = oldLength < needed;
      buf = r.array();
      len = r.length();
    }

    Reply reply = c.reply();
    reply.array(ops.size());
    Bitfield.Result result = new Bitfield.Result();
    long changes = 0;
    for (Op op : ops) {
      if (op.kind == Kind.GET) {
        reply.integer(op.signed ? Bitfield.getSigned(buf, len, op.offset, op.bits)
            : Bitfield.getUnsigned(buf, len, op.offset, op.bits));
        continue;
      }
      long old = op.signed ? Bitfield.getSigned(buf, len, op.offset, op.bits)
          : Bitfield.getUnsigned(buf, len, op.offset, op.bits);
      if (op.kind == Kind.INCRBY) {
        if (op.signed) {
          Bitfield.addSigned(old, op.value, op.bits, op.overflow, result);
        } else {
          Bitfield.addUnsigned(old, op.value, op.bits, op.overflow, result);
        }
      } else if (op.signed) {
        Bitfield.addSigned(op.value, 0, op.bits, op.overflow, result);
      } else {
        Bitfield.setUnsigned(op.value, op.bits, op.overflow, result);
      }
      if (result.failed) {
        reply.nullBulk(); // OVERFLOW FAIL: nothing written
        continue;
      }
      // INCRBY answers the new value, SET the old one
      reply.integer(op.kind == Kind.INCRBY ? result.stored : old);
      Bitfield.set(buf, op.offset, op.bits, result.stored);
      if (grew || old != result.stored) {
        changes++;
      }
    }
    if (changes > 0) {
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setbit", key, db.id());
      c.addDirty(changes);
    }
  }
}
