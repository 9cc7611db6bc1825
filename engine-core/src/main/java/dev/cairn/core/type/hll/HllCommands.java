package dev.cairn.core.type.hll;

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
import dev.cairn.core.connection.Session;
import dev.cairn.core.type.string.RawString;
import dev.cairn.core.type.string.StringValues;
import java.nio.charset.StandardCharsets;

/**
 * HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. An HLL is a string value in Redis's layout
 * ({@link Hll}); the commands edit it in place as a {@link RawString}, so GET, APPEND or SETRANGE see and change the
 * same bytes they would in Redis, and a string that is not a valid HLL gets Redis's errors.
 */
public final class HllCommands implements CommandFamily {
  static final CommandSpec PFADD = CommandSpec.command("pfadd", -2).group(Group.HYPERLOGLOG).since("2.8.9")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.HYPERLOGLOG)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.")
      .complexity("O(1) to add every element.")
      .args(Arg.key("key", 0), Arg.string("element").optional().multiple()).build();
  static final CommandSpec PFCOUNT = CommandSpec.command("pfcount", -2).group(Group.HYPERLOGLOG).since("2.8.9")
      .flags(Flag.READONLY, Flag.MAY_REPLICATE).acl(AclCategory.HYPERLOGLOG)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS)
          .notes("RW because it may change the internal representation of the key, and propagate to replicas"))
      .summary("Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).")
      .complexity("O(1) with a very small average constant time when called with a single key. O(N) with N being the "
          + "number of keys, and much bigger constant times, when called with multiple keys.")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec PFMERGE = CommandSpec.command("pfmerge", -2).group(Group.HYPERLOGLOG).since("2.8.9")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.HYPERLOGLOG)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.INSERT))
      .key(KeySpec.index(2).range(-1, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Merges one or more HyperLogLog values into a single key.")
      .complexity("O(N) to merge N HyperLogLogs, but with high constant times.")
      .args(Arg.key("destkey", 0), Arg.key("sourcekey", 1).optional().multiple()).build();
  static final CommandSpec PFDEBUG = CommandSpec.command("pfdebug", 3).group(Group.HYPERLOGLOG).since("2.8.9")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.ADMIN).acl(AclCategory.HYPERLOGLOG)
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS))
      .summary("Internal commands for debugging HyperLogLog values.").complexity("N/A").sysCmd()
      .args(Arg.string("subcommand"), Arg.key("key", 0)).build();
  static final CommandSpec PFSELFTEST = CommandSpec.command("pfselftest", 1).group(Group.HYPERLOGLOG).since("2.8.9")
      .flags(Flag.ADMIN).acl(AclCategory.HYPERLOGLOG)
      .summary("An internal command for testing HyperLogLog values.").complexity("N/A").sysCmd().build();

  static final RedisException NOT_HLL = RedisException.of("WRONGTYPE", "Key is not a valid HyperLogLog string value.");
  static final RedisException CORRUPT = RedisException.of("INVALIDOBJ", "Corrupted HLL object detected");
  static final RedisException NO_KEY = Errors.err("The specified key does not exist");
  static final RedisException NOT_SPARSE = Errors.err("HLL encoding is not sparse");
  private static final long DEFAULT_SPARSE_MAX_BYTES = 3000;

  @Override
  public void register(CommandRegistry r) {
    r.add(PFADD, HllCommands::pfadd);
    r.add(PFCOUNT, HllCommands::pfcount);
    r.add(PFMERGE, HllCommands::pfmerge);
    r.add(PFDEBUG, HllCommands::pfdebug);
    r.add(PFSELFTEST, (c, a) -> HllSelfTest.run(c, sparseMaxBytes(c)));
  }

  /** hll-sparse-max-bytes: the longest a sparse HLL may grow before it turns dense. */
  static long sparseMaxBytes(CommandContext c) {
    return c instanceof Session s ? s.engine.params().memory.hllSparseMaxBytes.value : DEFAULT_SPARSE_MAX_BYTES;
  }

  /**
   * Checks that {@code value} (not null) is a string holding a valid HLL header: WRONGTYPE for other types, Redis's
   * "not a valid HyperLogLog" WRONGTYPE for other strings.
   */
  static void check(Object value) {
    if (!StringValues.isString(value)) {
      throw Errors.WRONGTYPE;
    }
    // an integer-encoded string is never an HLL in Redis (and cannot start with "HYLL" anyway)
    if (!Hll.isValid(StringValues.array(value), StringValues.length(value))) {
      throw NOT_HLL;
    }
  }

  /** A read-only view of a checked HLL value (its bytes are not to be changed). */
  static Hll view(Object value) {
    return new Hll(StringValues.array(value), StringValues.length(value));
  }

  /** The checked HLL at {@code key} as a raw string to change in place (a plain string is converted). */
  private static RawString forWrite(Database db, byte[] key, Object value) {
    return StringValues.forWrite(db, key, value, 0);
  }

  /** PFADD key [element [element ...]] */
  static void pfadd(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    Object cur = db.getForWrite(key);
    int updated = 0;
    RawString r;
    if (cur == null) {
      r = RawString.wrap(Hll.empty());
      db.set(key, r);
      updated++;
    } else {
      check(cur);
      r = forWrite(db, key, cur);
    }
    Hll h = new Hll(r.array(), r.length());
    long max = sparseMaxBytes(c);
    try {
      for (int i = 2; i < a.size(); i++) {
        int rc = h.add(a.get(i), max);
        if (rc < 0) {
          throw CORRUPT;
        }
        updated += rc;
      }
    } finally {
      r.replace(h.a, h.len);
    }
    if (updated > 0) {
      h.invalidateCache();
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "pfadd", key, db.id());
      c.addDirty(updated);
    }
    c.reply().integer(updated > 0 ? 1 : 0);
  }

  /**
   * PFCOUNT key [key ...]. One key: the cached cardinality, or a fresh estimate written back to the cache (a change of
   * the value, so the command is then propagated as Redis does). Several keys: the estimate of their union, computed in
   * a scratch register array; nothing is written.
   */
  static void pfcount(CommandContext c, Args a) {
    Database db = c.db();
    if (a.size() > 2) {
      byte[] max = new byte[Hll.REGISTERS];
      for (int i = 1; i < a.size(); i++) {
        Object v = db.get(a.get(i));
        if (v == null) {
          continue;
        }
        check(v);
        if (!view(v).mergeInto(max)) {
          throw CORRUPT;
        }
      }
      c.reply().integer(Hll.estimate(Hll.histogramOfBytes(max)));
      return;
    }
    byte[] key = a.get(1);
    Object v = db.get(key);
    if (v == null) {
      c.reply().integer(0);
      return;
    }
    check(v);
    // Redis unshares the value here whether or not the cache is valid, leaving a raw string
    RawString r = forWrite(db, key, db.getForWrite(key));
    Hll h = new Hll(r.array(), r.length());
    long card;
    if (h.cacheValid()) {
      card = h.cachedCard();
    } else {
      card = h.count();
      if (card == -1) {
        throw CORRUPT;
      }
      h.setCachedCard(card);
      r.replace(h.a, h.len);
      c.signalModifiedKey(db.id(), key);
      c.addDirty(1);
    }
    c.reply().integer(card);
  }

  /** PFMERGE destkey [sourcekey [sourcekey ...]]: the destination takes part in the union too. */
  static void pfmerge(CommandContext c, Args a) {
    Database db = c.db();
    byte[] max = new byte[Hll.REGISTERS];
    boolean dense = false;
    for (int i = 1; i < a.size(); i++) {
      Object v = db.get(a.get(i));
      if (v == null) {
        continue;
      }
      check(v);
      Hll h = view(v);
      if (h.encoding() == Hll.DENSE) {
        dense = true;
      }
      if (!h.mergeInto(max)) {
        throw CORRUPT;
      }
    }
    byte[] key = a.get(1);
    Object cur = db.getForWrite(key);
    RawString r;
    if (cur == null) {
      r = RawString.wrap(Hll.empty());
      db.set(key, r);
    } else {
      r = forWrite(db, key, cur);
    }
    Hll h = new Hll(r.array(), r.length());
    try {
      if (dense && !h.toDense()) {
        throw CORRUPT;
      }
      long sparseMax = sparseMaxBytes(c);
      for (int j = 0; j < Hll.REGISTERS; j++) {
        if (max[j] != 0) {
          h.set(j, max[j], sparseMax); // a corrupt destination was caught above
        }
      }
      h.invalidateCache();
    } finally {
      r.replace(h.a, h.len);
    }
    c.signalModifiedKey(db.id(), key);
    // Redis reports a merge as "pfadd": in effect, many elements added at once
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "pfadd", key, db.id());
    c.addDirty(1);
    c.reply().ok();
  }

  /** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key */
  static void pfdebug(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(2);
    Object cur = db.getForWrite(key);
    if (cur == null) {
      throw NO_KEY;
    }
    check(cur);
    RawString r = forWrite(db, key, cur);
    Hll h = new Hll(r.array(), r.length());
    Reply out = c.reply();
    if (a.is(1, "getreg")) {
      if (h.encoding() == Hll.SPARSE) {
        toDenseOrThrow(c, r, h);
      }
      out.array(Hll.REGISTERS);
      for (int j = 0; j < Hll.REGISTERS; j++) {
        out.integer(Hll.denseGet(h.a, j));
      }
    } else if (a.is(1, "decode")) {
      if (h.encoding() != Hll.SPARSE) {
        throw NOT_SPARSE;
      }
      out.bulk(decode(h).getBytes(StandardCharsets.US_ASCII));
    } else if (a.is(1, "encoding")) {
      out.simple(h.encoding() == Hll.DENSE ? "dense" : "sparse");
    } else if (a.is(1, "todense")) {
      boolean converted = h.encoding() == Hll.SPARSE;
      if (converted) {
        toDenseOrThrow(c, r, h);
      }
      out.integer(converted ? 1 : 0);
    } else {
      throw Errors.err("Unknown PFDEBUG subcommand '" + a.string(1) + "'");
    }
  }

  /** Converts to dense for PFDEBUG; a change of the value, so it counts as dirty (and propagates). */
  private static void toDenseOrThrow(CommandContext c, RawString r, Hll h) {
    if (!h.toDense()) {
      throw CORRUPT;
    }
    r.replace(h.a, h.len);
    c.addDirty(1);
  }

  /** The sparse opcodes as PFDEBUG DECODE lists them: {@code z:len}, {@code Z:len}, {@code v:value,len}. */
  private static String decode(Hll h) {
    StringBuilder sb = new StringBuilder();
    byte[] b = h.a;
    int p = Hll.HDR;
    while (p < h.len) {
      int op = b[p] & 0xff;
      if ((op & 0xc0) == 0) {
        sb.append("z:").append((op & 0x3f) + 1).append(' ');
        p++;
      } else if ((op & 0xc0) == 0x40) {
        int lo = p + 1 < b.length ? b[p + 1] & 0xff : 0;
        sb.append("Z:").append((((op & 0x3f) << 8) | lo) + 1).append(' ');
        p += 2;
      } else {
        sb.append("v:").append(((op >> 2) & 0x1f) + 1).append(',').append((op & 3) + 1).append(' ');
        p++;
      }
    }
    return sb.toString().strip();
  }
}
