package dev.cairn.core.type.stream;

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
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;

/**
 * The stream commands on entries: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID. Reading with XREAD and the
 * consumer group commands are in {@link StreamReadCommands}, {@link StreamGroupCommands} and
 * {@link StreamInfoCommands}.
 */
public final class StreamCommands implements CommandFamily {
  private static KeySpec key(KeyFlag... flags) {
    return KeySpec.index(1).range(0, 1, 0).flags(flags);
  }

  /** A pure token named otherwise than itself, as Redis's docs name "=" equal and "*" auto-id. */
  static Arg token(String name, String token) {
    return new Arg(name, Arg.Type.PURE_TOKEN, token, -1, false, false, false, null, java.util.List.of());
  }

  static final Arg TRIM = Arg.block("trim",
      Arg.oneOf("strategy", Arg.token("MAXLEN"), Arg.token("MINID").since("6.2.0")),
      Arg.oneOf("operator", token("equal", "="), token("approximately", "~")).optional(),
      Arg.string("threshold"),
      Arg.integer("count").withToken("LIMIT").optional().since("6.2.0"));

  static final CommandSpec XADD = CommandSpec.command("xadd", -5).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STREAM).tips("nondeterministic_output")
      .key(key(KeyFlag.RW, KeyFlag.UPDATE).notes("UPDATE instead of INSERT because of the optional trimming feature"))
      .summary("Appends a new message to a stream. Creates the key if it doesn't exist.")
      .complexity("O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.")
      .history("6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.")
      .history("7.0.0", "Added support for the `<ms>-*` explicit ID form.")
      .args(Arg.key("key", 0), Arg.token("NOMKSTREAM").optional().since("6.2.0"), TRIM.optional(),
          Arg.oneOf("id-selector", token("auto-id", "*"), Arg.string("id")),
          Arg.block("data", Arg.string("field"), Arg.string("value")).multiple())
      .build();
  static final CommandSpec XRANGE = CommandSpec.command("xrange", -4).group(Group.STREAM).since("5.0.0")
      .flags(Flag.READONLY).acl(AclCategory.STREAM).key(key(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the messages from a stream within a range of IDs.")
      .complexity("O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for "
          + "the first 10 elements with COUNT), you can consider it O(1).")
      .history("6.2.0", "Added exclusive ranges.")
      .args(Arg.key("key", 0), Arg.string("start"), Arg.string("end"),
          Arg.integer("count").withToken("COUNT").optional())
      .build();
  static final CommandSpec XREVRANGE = CommandSpec.command("xrevrange", -4).group(Group.STREAM).since("5.0.0")
      .flags(Flag.READONLY).acl(AclCategory.STREAM).key(key(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the messages from a stream within a range of IDs in reverse order.")
      .complexity("O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the "
          + "first 10 elements with COUNT), you can consider it O(1).")
      .history("6.2.0", "Added exclusive ranges.")
      .args(Arg.key("key", 0), Arg.string("end"), Arg.string("start"),
          Arg.integer("count").withToken("COUNT").optional())
      .build();
  static final CommandSpec XLEN = CommandSpec.command("xlen", 2).group(Group.STREAM).since("5.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.STREAM).key(key(KeyFlag.RO))
      .summary("Return the number of messages in a stream.").complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec XDEL = CommandSpec.command("xdel", -3).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STREAM).key(key(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Returns the number of messages after removing them from a stream.")
      .complexity("O(1) for each single item to delete in the stream, regardless of the stream size.")
      .args(Arg.key("key", 0), Arg.string("ID").multiple()).build();
  static final CommandSpec XTRIM = CommandSpec.command("xtrim", -4).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE).acl(AclCategory.STREAM).tips("nondeterministic_output")
      .key(key(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Deletes messages from the beginning of a stream.")
      .complexity("O(N), with N being the number of evicted entries. Constant times are very small however, since "
          + "entries are organized in macro nodes containing multiple entries that can be released with a single "
          + "deallocation.")
      .history("6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option.")
      .args(Arg.key("key", 0), TRIM).build();
  static final CommandSpec XSETID = CommandSpec.command("xsetid", -3).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).acl(AclCategory.STREAM).key(key(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("An internal command for replicating stream values.").complexity("O(1)")
      .history("7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments.")
      .args(Arg.key("key", 0), Arg.string("last-id"),
          Arg.integer("entries-added").withToken("ENTRIESADDED").optional().since("7.0.0"),
          Arg.string("max-deleted-id").withToken("MAXDELETEDID").optional().since("7.0.0"))
      .build();

  static final RedisException ID_TOO_SMALL =
      Errors.err("The ID specified in XADD is equal or smaller than the target stream top item");
  static final RedisException ID_ZERO = Errors.err("The ID specified in XADD must be greater than 0-0");
  static final RedisException EXHAUSTED =
      Errors.err("The stream has exhausted the last possible ID, unable to add more items");
  static final RedisException TOO_LARGE = Errors.err("Elements are too large to be stored");
  static final RedisException BAD_START = Errors.err("invalid start ID for the interval");
  static final RedisException BAD_END = Errors.err("invalid end ID for the interval");

  static final byte[] EQUALS = {'='};

  @Override
  public void register(CommandRegistry r) {
    r.add(XADD, StreamCommands::xadd);
    r.add(XRANGE, (c, a) -> xrange(c, a, false));
    r.add(XREVRANGE, (c, a) -> xrange(c, a, true));
    r.add(XLEN, StreamCommands::xlen);
    r.add(XDEL, StreamCommands::xdel);
    r.add(XTRIM, StreamCommands::xtrim);
    r.add(XSETID, StreamCommands::xsetid);
    new StreamReadCommands().register(r);
    new StreamGroupCommands().register(r);
    new StreamInfoCommands().register(r);
  }

  // ---- shared helpers

  static ServerParams params(CommandContext c) {
    return c instanceof Session s ? s.engine.params() : null;
  }

  /** stream-node-max-bytes (Redis's default outside a server). */
  static long nodeMaxBytes(CommandContext c) {
    ServerParams p = params(c);
    return p == null ? 4096 : p.memory.streamNodeMaxBytes.value;
  }

  /** stream-node-max-entries. */
  static long nodeMaxEntries(CommandContext c) {
    ServerParams p = params(c);
    return p == null ? 100 : p.memory.streamNodeMaxEntries.value;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Parses an ID of a range: "(" makes it exclusive (then "-" and "+" are refused). */
  static StreamId rangeId(byte[] arg, long missingSeq, boolean start) {
    if (arg.length > 1 && arg[0] == '(') {
      byte[] rest = java.util.Arrays.copyOfRange(arg, 1, arg.length);
      StreamId id = StreamId.parseOrThrow(rest, missingSeq, true);
      StreamId moved = start ? id.next() : id.prev();
      if (moved == null) {
        throw start ? BAD_START : BAD_END;
      }
      return moved;
    }
    return StreamId.parseOrThrow(arg, missingSeq, false);
  }

  /** The trimming options of XADD and XTRIM, parsed as Redis does. */
  static final class TrimArgs {
    /** 0 none, 1 MAXLEN, 2 MINID. */
    int strategy;
    /** Index of the threshold argument (rewritten for propagation). */
    int thresholdIndex;
    boolean approx;
    long limit;
    long maxLen;
    StreamId minId;
    boolean noMkStream;
    /** XADD: the ID argument's index, whether an ID was given and whether its sequence was. */
    int idIndex;
    boolean idGiven;
    boolean seqGiven = true;
    StreamId id;
  }

  static final RedisException MAXLEN_AND_MINID =
      Errors.err("syntax error, MAXLEN and MINID options at the same time are not compatible");

  /** Parses XADD's (from argument 2 to the ID) or XTRIM's options. */
  static TrimArgs parseTrim(CommandContext c, Args a, boolean xadd) {
    TrimArgs t = new TrimArgs();
    boolean limitGiven = false;
    int i = 2;
    for (; i < a.size(); i++) {
      int more = a.size() - 1 - i;
      byte[] opt = a.get(i);
      if (xadd && opt.length == 1 && opt[0] == '*') {
        break;
      } else if (more > 0 && (a.is(i, "maxlen") || a.is(i, "minid"))) {
        boolean maxlen = a.is(i, "maxlen");
        if (t.strategy != 0) {
          throw MAXLEN_AND_MINID;
        }
        t.approx = false;
        byte[] next = a.get(i + 1);
        if (more >= 2 && next.length == 1 && next[0] == '~') {
          t.approx = true;
          i++;
        } else if (more >= 2 && next.length == 1 && next[0] == '=') {
          i++;
        }
        if (maxlen) {
          t.maxLen = a.longArg(i + 1);
          if (t.maxLen < 0) {
            throw Errors.err("The MAXLEN argument must be >= 0.");
          }
          t.strategy = 1;
        } else {
          t.minId = StreamId.strict(a.get(i + 1));
          t.strategy = 2;
        }
        i++;
        t.thresholdIndex = i;
      } else if (more > 0 && a.is(i, "limit")) {
        t.limit = a.longArg(i + 1);
        if (t.limit < 0) {
          throw Errors.err("The LIMIT argument must be >= 0.");
        }
        limitGiven = true;
        i++;
      } else if (xadd && a.is(i, "nomkstream")) {
        t.noMkStream = true;
      } else if (xadd) {
        StreamId.Parsed p = StreamId.parse(opt, 0, true, true);
        if (p == null) {
          throw StreamId.INVALID;
        }
        t.id = p.id();
        t.seqGiven = p.seqGiven();
        t.idGiven = true;
        break;
      } else {
        throw Errors.SYNTAX;
      }
    }
    t.idIndex = i;
    if (t.limit != 0 && t.strategy == 0) {
      throw Errors.err("syntax error, LIMIT cannot be used without specifying a trimming strategy");
    }
    if (!xadd && t.strategy == 0) {
      throw Errors.err("syntax error, XTRIM must be called with a trimming strategy");
    }
    if (c instanceof dev.cairn.core.connection.Session s && s.mustObey) {
      // replayed from the AOF (later: sent by a master): the trim was made exact before propagation, LIMIT is moot
      t.limit = 0;
    } else if (limitGiven) {
      if (!t.approx) {
        throw Errors.err("syntax error, LIMIT cannot be used without the special ~ option");
      }
    } else if (t.approx) {
      // approximate trimming does at most 100 nodes' worth of work unless told otherwise
      t.limit = 100 * nodeMaxEntries(c);
      if (t.limit <= 0) {
        t.limit = 10000;
      }
      if (t.limit > 1000000) {
        t.limit = 1000000;
      }
    } else {
      t.limit = 0;
    }
    return t;
  }

  static long trim(StreamValue s, TrimArgs t) {
    return t.strategy == 0 ? 0 : s.trim(t.maxLen, t.strategy == 2 ? t.minId : null, t.approx, t.limit);
  }

  /**
   * Rewrites {@code argv} so that an approximate trim propagates as the exact one it turned out to be: "~" becomes
   * "=" and the threshold the resulting length (MAXLEN) or first ID, tombstones counted (MINID).
   */
  static void rewriteApproxTrim(byte[][] argv, StreamValue s, TrimArgs t) {
    argv[t.thresholdIndex - 1] = EQUALS;
    if (t.strategy == 1) {
      argv[t.thresholdIndex] = Long.toString(s.length).getBytes(StandardCharsets.US_ASCII);
    } else {
      argv[t.thresholdIndex] = s.edgeId(true, false).toBytes();
    }
  }

  // ---- commands

  /** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
  static void xadd(CommandContext c, Args a) {
    TrimArgs t = parseTrim(c, a, true);
    int fieldPos = t.idIndex + 1;
    int rest = a.size() - fieldPos;
    if (rest < 2 || rest % 2 == 1) {
      throw Errors.err("wrong number of arguments for 'xadd' command");
    }
    if (t.idGiven && t.seqGiven && t.id.isZero()) {
      throw ID_ZERO;
    }
    Database db = c.db();
    byte[] key = a.get(1);
    StreamValue s = db.getForWrite(key, StreamValue.class);
    if (s == null) {
      if (t.noMkStream) {
        c.reply().nullBulk();
        return;
      }
      s = new StreamValue();
      ((Session) c).db().add(key, s);
    }
    if (s.lastMs == -1L && s.lastSeq == -1L) {
      throw EXHAUSTED;
    }
    long ms;
    long seq;
    if (t.idGiven) {
      if (t.seqGiven) {
        ms = t.id.ms();
        seq = t.id.seq();
      } else if (s.lastMs == t.id.ms()) {
        if (s.lastSeq == -1L) {
          throw ID_TOO_SMALL;
        }
        ms = s.lastMs;
        seq = s.lastSeq + 1;
      } else {
        ms = t.id.ms();
        seq = 0;
      }
    } else {
      long now = c.now();
      if (Long.compareUnsigned(now, s.lastMs) > 0) {
        ms = now;
        seq = 0;
      } else if (s.lastSeq != -1L) {
        ms = s.lastMs;
        seq = s.lastSeq + 1;
      } else {
        ms = s.lastMs + 1; // cannot wrap: the last possible ID was refused above
        seq = 0;
      }
    }
    if (StreamId.compare(ms, seq, s.lastMs, s.lastSeq) <= 0) {
      throw ID_TOO_SMALL;
    }
    int numFields = rest / 2;
    long raw = 0;
    for (int i = fieldPos; i < a.size(); i++) {
      raw += a.get(i).length;
    }
    if (raw > StreamValue.MAX_NODE_BYTES) {
      throw TOO_LARGE;
    }
    s.append(ms, seq, a.array(), fieldPos, numFields, nodeMaxBytes(c), nodeMaxEntries(c));
    StreamId.reply(c.reply(), ms, seq);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xadd", key, db.id());
    c.addDirty(1);
    byte[][] prop = null;
    boolean propagating = c.propagates(); // XADD with "*" builds no replacement for nobody
    if (t.strategy != 0) {
      if (trim(s, t) > 0) {
        c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xtrim", key, db.id());
      }
      if (t.approx && propagating) {
        prop = a.toArray();
        rewriteApproxTrim(prop, s, t);
      }
    }
    if (propagating && (!t.idGiven || !t.seqGiven)) {
      if (prop == null) {
        prop = a.toArray();
      }
      prop[t.idIndex] = new StreamId(ms, seq).toBytes();
    }
    if (prop != null) {
      c.propagate(prop);
    }
  }

  /** XRANGE key start end [COUNT count], XREVRANGE key end start [COUNT count] */
  static void xrange(CommandContext c, Args a, boolean rev) {
    StreamId start = rangeId(a.get(rev ? 3 : 2), 0, true);
    StreamId end = rangeId(a.get(rev ? 2 : 3), -1L, false);
    long count = -1;
    for (int j = 4; j < a.size(); j++) {
      if (a.is(j, "count") && j + 1 < a.size()) {
        count = Math.max(0, a.longArg(j + 1));
        j++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    StreamValue s = c.db().get(a.get(1), StreamValue.class);
    if (s == null) {
      c.reply().array(0);
      return;
    }
    if (count == 0) {
      c.reply().nullArray();
      return;
    }
    replyRange(c.reply(), s, start, end, count < 0 ? 0 : count, rev);
  }

  /** Writes the entries between start and end (inclusive) as an array; {@code count} 0 means all. */
  static long replyRange(Reply r, StreamValue s, StreamId start, StreamId end, long count, boolean rev) {
    long mark = r.beginDeferred();
    int n = 0;
    StreamIterator it = new StreamIterator(s, start.ms(), start.seq(), end.ms(), end.seq(), rev);
    while (it.next()) {
      it.replyEntry(r);
      n++;
      if (count != 0 && n == count) {
        break;
      }
    }
    r.endDeferredArray(mark, n);
    return n;
  }

  /** Writes one entry ([id, [field, value ...]]) if it exists; returns whether it did. */
  static boolean replyEntry(Reply r, StreamValue s, StreamId id) {
    StreamIterator it = new StreamIterator(s, id.ms(), id.seq(), id.ms(), id.seq(), false);
    if (!it.next()) {
      return false;
    }
    it.replyEntry(r);
    return true;
  }

  /** XLEN key */
  static void xlen(CommandContext c, Args a) {
    StreamValue s = c.db().get(a.get(1), StreamValue.class);
    c.reply().integer(s == null ? 0 : s.length);
  }

  /** XDEL key id [id ...] */
  static void xdel(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    StreamValue s = db.getForWrite(key, StreamValue.class);
    if (s == null) {
      c.reply().integer(0);
      return;
    }
    StreamId[] ids = new StreamId[a.size() - 2];
    for (int j = 2; j < a.size(); j++) {
      ids[j - 2] = StreamId.strict(a.get(j));
    }
    long deleted = 0;
    for (StreamId id : ids) {
      if (s.delete(id.ms(), id.seq())) {
        deleted++;
      }
    }
    if (deleted > 0) {
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xdel", key, db.id());
      c.addDirty(deleted);
    }
    c.reply().integer(deleted);
  }

  /** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
  static void xtrim(CommandContext c, Args a) {
    TrimArgs t = parseTrim(c, a, false);
    Database db = c.db();
    byte[] key = a.get(1);
    StreamValue s = db.getForWrite(key, StreamValue.class);
    if (s == null) {
      c.reply().integer(0);
      return;
    }
    long deleted = trim(s, t);
    if (deleted > 0) {
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xtrim", key, db.id());
      if (t.approx) {
        byte[][] prop = a.toArray();
        rewriteApproxTrim(prop, s, t);
        c.propagate(prop);
      }
      c.signalModifiedKey(db.id(), key);
      c.addDirty(deleted);
    }
    c.reply().integer(deleted);
  }

  /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
  static void xsetid(CommandContext c, Args a) {
    StreamId id = StreamId.strict(a.get(2));
    StreamId maxDel = StreamId.MIN;
    long entriesAdded = -1;
    int i = 3;
    while (i < a.size()) {
      int more = a.size() - 1 - i;
      if (a.is(i, "entriesadded") && more > 0) {
        entriesAdded = a.longArg(i + 1);
        if (entriesAdded < 0) {
          throw Errors.err("entries_added must be positive");
        }
        i += 2;
      } else if (a.is(i, "maxdeletedid") && more > 0) {
        maxDel = StreamId.strict(a.get(i + 1));
        if (id.compareTo(maxDel) < 0) {
          throw Errors.err("The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        }
        i += 2;
      } else {
        throw Errors.SYNTAX;
      }
    }
    Database db = c.db();
    byte[] key = a.get(1);
    StreamValue s = db.getForWrite(key, StreamValue.class);
    if (s == null) {
      throw Errors.NO_SUCH_KEY;
    }
    if (id.compareTo(s.maxDeletedId()) < 0) {
      throw Errors.err("The ID specified in XSETID is smaller than current max_deleted_entry_id");
    }
    if (s.length > 0) {
      if (id.compareTo(s.lastValidId()) < 0) {
        throw Errors.err("The ID specified in XSETID is smaller than the target stream top item");
      }
      if (entriesAdded != -1 && s.length > entriesAdded) {
        throw Errors.err("The entries_added specified in XSETID is smaller than the target stream length");
      }
    }
    s.lastMs = id.ms();
    s.lastSeq = id.seq();
    if (entriesAdded != -1) {
      s.entriesAdded = entriesAdded;
    }
    if (!maxDel.isZero()) {
      s.maxDelMs = maxDel.ms();
      s.maxDelSeq = maxDel.seq();
    }
    c.reply().ok();
    c.addDirty(1);
    c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xsetid", key, db.id());
  }
}
