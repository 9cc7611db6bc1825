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
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * XREAD and XREADGROUP. A read that finds nothing to serve and has BLOCK waits through the one blocking mechanism and
 * runs again when a key changes: XREAD only when the key holds a stream (a deletion or another type leaves it
 * waiting), XREADGROUP on any change, so that a deleted key, a destroyed group or a new type answers with NOGROUP or
 * WRONGTYPE, as Redis 7.2 does. Before blocking, {@code $} is replaced in the stored command by the ID it meant, so the
 * rerun asks for what came after it. XREADGROUP propagates its effects: an XCLAIM per delivered entry (which also
 * carries the group's last ID), XGROUP SETID after NOACK reads, XGROUP CREATECONSUMER for a consumer NOACK created.
 */
public final class StreamReadCommands implements CommandFamily {
  static final CommandSpec XREAD = CommandSpec.command("xread", -4).group(Group.STREAM).since("5.0.0")
      .flags(Flag.BLOCKING, Flag.READONLY).acl(AclCategory.STREAM)
      .key(KeySpec.keyword("STREAMS", 1).range(-1, 1, 2).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a "
          + "message is available otherwise.")
      .args(Arg.integer("count").withToken("COUNT").optional(),
          Arg.integer("milliseconds").withToken("BLOCK").optional(),
          Arg.block("streams", Arg.key("key", 0).multiple(), Arg.string("ID").multiple()).withToken("STREAMS"))
      .build();
  static final CommandSpec XREADGROUP = CommandSpec.command("xreadgroup", -7).group(Group.STREAM).since("5.0.0")
      .flags(Flag.BLOCKING, Flag.WRITE).acl(AclCategory.STREAM)
      .key(KeySpec.keyword("STREAMS", 4).range(-1, 1, 2).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns new or historical messages from a stream for a consumer in a group. Blocks until a message "
          + "is available otherwise.")
      .complexity("For each stream mentioned: O(M) with M being the number of elements returned. If M is constant "
          + "(e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side "
          + "when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream "
          + "getting new data.")
      .args(Arg.block("group-block", Arg.string("group"), Arg.string("consumer")).withToken("GROUP"),
          Arg.integer("count").withToken("COUNT").optional(),
          Arg.integer("milliseconds").withToken("BLOCK").optional(),
          Arg.token("NOACK").optional(),
          Arg.block("streams", Arg.key("key", 0).multiple(), Arg.string("ID").multiple()).withToken("STREAMS"))
      .build();

  static final byte[] XCLAIM = bytes("XCLAIM");
  static final byte[] XGROUP = bytes("XGROUP");
  static final byte[] SETID = bytes("SETID");
  static final byte[] CREATECONSUMER = bytes("CREATECONSUMER");
  static final byte[] ENTRIESREAD = bytes("ENTRIESREAD");
  static final byte[] TIME = bytes("TIME");
  static final byte[] RETRYCOUNT = bytes("RETRYCOUNT");
  static final byte[] FORCE = bytes("FORCE");
  static final byte[] JUSTID = bytes("JUSTID");
  static final byte[] LASTID = bytes("LASTID");
  static final byte[] ZERO = bytes("0");

  @Override
  public void register(CommandRegistry r) {
    r.add(XREAD, (c, a) -> read(c, a, false));
    r.add(XREADGROUP, (c, a) -> read(c, a, true));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A BLOCK timeout in milliseconds, checked as Redis does; 0 waits for ever. */
  static long blockTimeout(CommandContext c, byte[] arg) {
    long t = Args.parseLong(arg, Errors.err("timeout is not an integer or out of range"));
    if (t < 0) {
      throw Errors.err("timeout is negative");
    }
    if (t > 0 && t > Long.MAX_VALUE - c.now()) {
      throw Errors.err("timeout is out of range");
    }
    return t;
  }

  static RedisException noGroup(byte[] key, byte[] group) {
    return RedisException.of("NOGROUP", "No such key '" + StreamCommands.text(key) + "' or consumer group '"
        + StreamCommands.text(group) + "' in XREADGROUP with GROUP option");
  }

  /** XREAD [COUNT n] [BLOCK ms] STREAMS key ... id ...; XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS .. */
  static void read(CommandContext c, Args a, boolean xreadgroup) {
    long timeout = -1;
    long count = 0;
    int streamsArg = 0;
    int streams = 0;
    boolean noack = false;
    byte[] groupName = null;
    byte[] consumerName = null;
    for (int i = 1; i < a.size(); i++) {
      int more = a.size() - i - 1;
      if (a.is(i, "block") && more > 0) {
        if (c instanceof Session s && s.scriptClient) {
          // blocking would be answered as a timeout inside a script; Redis refuses the option there outright
          throw Errors.err(StreamCommands.text(a.get(0)) + " command is not allowed with BLOCK option from scripts");
        }
        i++;
        timeout = blockTimeout(c, a.get(i));
      } else if (a.is(i, "count") && more > 0) {
        i++;
        count = Math.max(0, a.longArg(i));
      } else if (a.is(i, "streams") && more > 0) {
        streamsArg = i + 1;
        streams = a.size() - streamsArg;
        if (streams % 2 != 0) {
          throw Errors.err("Unbalanced '" + (xreadgroup ? "xreadgroup" : "xread") + "' list of streams: for each "
              + "stream key an ID or '" + (xreadgroup ? '>' : '$') + "' must be specified.");
        }
        streams /= 2;
        break;
      } else if (a.is(i, "group") && more >= 2) {
        if (!xreadgroup) {
          throw Errors.err("The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        }
        groupName = a.get(i + 1);
        consumerName = a.get(i + 2);
        i += 2;
      } else if (a.is(i, "noack")) {
        if (!xreadgroup) {
          throw Errors.err("The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        }
        noack = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (streamsArg == 0) {
      throw Errors.SYNTAX;
    }
    if (xreadgroup && groupName == null) {
      throw Errors.err("Missing GROUP option for XREADGROUP");
    }
    Database db = c.db();
    StreamId[] ids = new StreamId[streams];
    StreamGroup[] groups = groupName == null ? null : new StreamGroup[streams];
    for (int k = 0; k < streams; k++) {
      byte[] key = a.get(streamsArg + k);
      byte[] idArg = a.get(streamsArg + streams + k);
      StreamValue s = db.get(key, StreamValue.class);
      if (groups != null) {
        StreamGroup g = s == null ? null : s.group(groupName);
        if (g == null) {
          throw noGroup(key, groupName);
        }
        groups[k] = g;
      }
      if (idArg.length == 1 && idArg[0] == '$') {
        if (xreadgroup) {
          throw Errors.err("The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
              + "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just "
              + "return an empty result set.");
        }
        ids[k] = s == null ? StreamId.MIN : s.lastId();
      } else if (idArg.length == 1 && idArg[0] == '>') {
        if (!xreadgroup) {
          throw Errors.err("The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
              + "<consumer> option.");
        }
        ids[k] = StreamId.MAX; // stands for ">": the group's last ID, looked up when serving
      } else if (idArg.length == 1 && idArg[0] == '+') {
        // Redis 7.4: the last entry
        if (xreadgroup) {
          throw Errors.err("The + ID is meaningless in the context of XREADGROUP: you want to read the history of "
              + "this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just "
              + "return an empty result set.");
        }
        if (s == null) {
          ids[k] = StreamId.MIN;
        } else {
          StreamId prev = s.lastId().prev();
          if (prev == null) {
            throw Errors.err("the stream last element ID is 0-0");
          }
          ids[k] = prev;
        }
      } else {
        ids[k] = StreamId.strict(idArg);
      }
    }

    Reply r = c.reply();
    boolean resp3 = c.client().protocol() >= 3;
    int served = 0;
    long mark = 0;
    Propagated prop = new Propagated(c);
    long now = c.now();
    for (int k = 0; k < streams; k++) {
      byte[] key = a.get(streamsArg + k);
      StreamValue s = db.get(key, StreamValue.class);
      if (s == null) {
        continue;
      }
      if (groups != null) {
        StreamValue.willChange(c, key); // the consumer's seen time at least changes in place
      }
      StreamId gt = ids[k];
      boolean serve = false;
      boolean history = false;
      StreamGroup.Consumer consumer = null;
      if (groups != null) {
        StreamGroup g = groups[k];
        if (!gt.equals(StreamId.MAX)) {
          serve = true;
          history = true;
        } else if (s.length > 0 && s.lastValidId().compareTo(g.lastId) > 0) {
          serve = true;
          gt = g.lastId;
        }
        consumer = g.consumer(consumerName);
        if (consumer == null) {
          consumer = g.createConsumer(consumerName, now);
          c.addDirty(1);
          c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-createconsumer", key, db.id());
          if (noack) {
            if (prop.on) {
              prop.add(XGROUP, CREATECONSUMER, key, groupName, consumerName);
            }
          }
        }
        consumer.seenTime = now;
      } else if (s.length > 0 && s.lastValidId().compareTo(gt) > 0) {
        serve = true;
      }
      if (!serve) {
        continue;
      }
      if (served++ == 0) {
        mark = r.beginDeferred();
      }
      StreamId start = gt.next();
      if (start == null) {
        start = StreamId.MIN; // as Redis's streamIncrID wraps the largest ID
      }
      if (!resp3) {
        r.array(2);
      }
      r.bulk(key);
      if (groups == null) {
        StreamCommands.replyRange(r, s, start, StreamId.MAX, count, false);
      } else if (history) {
        replyFromPel(r, s, consumer, start, count, now);
        c.addDirty(1);
      } else {
        replyNew(c, r, s, key, groupName, groups[k], consumer, start, count, noack, prop);
        c.addDirty(1);
      }
    }
    if (served > 0) {
      if (resp3) {
        r.endDeferredMap(mark, served);
      } else {
        r.endDeferredArray(mark, served);
      }
      prop.finish();
      return;
    }
    prop.finish();
    if (timeout == -1 || !c.block(blockKeys(a, streamsArg, streams, ids), timeout,
        xreadgroup ? null : StreamValue.class, Reply::nullArray)) {
      r.nullArray();
    }
  }

  /** The keys to wait on; {@code $} is rewritten in the stored command to the ID it stood for. */
  private static byte[][] blockKeys(Args a, int streamsArg, int streams, StreamId[] ids) {
    byte[][] keys = new byte[streams][];
    byte[][] argv = a.array();
    for (int k = 0; k < streams; k++) {
      keys[k] = a.get(streamsArg + k);
      byte[] idArg = a.get(streamsArg + streams + k);
      if (idArg.length == 1 && idArg[0] == '$') {
        argv[streamsArg + streams + k] = ids[k].toBytes();
      }
    }
    return keys;
  }

  /**
   * Delivers new entries (after {@code start}) to a consumer: advances the group's last ID and read counter, records
   * each entry as pending for the consumer (unless NOACK) and propagates it as an XCLAIM.
   */
  private static void replyNew(CommandContext c, Reply r, StreamValue s, byte[] key, byte[] groupName, StreamGroup g,
      StreamGroup.Consumer consumer, StreamId start, long count, boolean noack, Propagated prop) {
    long mark = r.beginDeferred();
    int n = 0;
    boolean propagateLastId = false;
    long now = c.now();
    StreamIterator it = new StreamIterator(s, start.ms(), start.seq(), -1L, -1L, false);
    while (it.next()) {
      StreamId id = new StreamId(it.ms, it.seq);
      if (id.compareTo(g.lastId) > 0) {
        if (g.entriesRead != StreamGroup.INVALID && !s.rangeHasTombstones(id)) {
          g.entriesRead++;
        } else if (s.entriesAdded != 0) {
          g.entriesRead = s.estimateDistanceFromFirstEverEntry(id);
        }
        g.lastId = id;
        if (noack) {
          propagateLastId = true;
        }
      }
      it.replyEntry(r);
      if (!noack) {
        StreamGroup.Nack nack = g.pel.get(id);
        if (nack == null) {
          nack = new StreamGroup.Nack(consumer, now);
          g.pel.put(id, nack);
          consumer.pel.put(id, nack);
        } else {
          // delivered before (the group's last ID was moved back): the entry changes hands
          if (nack.consumer != null) {
            nack.consumer.pel.remove(id);
          }
          nack.consumer = consumer;
          nack.deliveryTime = now;
          nack.deliveryCount = 1;
          consumer.pel.put(id, nack);
        }
        consumer.activeTime = now;
        if (prop.on) {
          prop.add(xclaim(key, groupName, consumer.name, id, nack, g));
        }
      }
      n++;
      if (count != 0 && n == count) {
        break;
      }
    }
    if (propagateLastId) {
      if (prop.on) {
        prop.add(setId(key, groupName, g));
      }
    }
    r.endDeferredArray(mark, n);
  }

  /**
   * A consumer's history: its pending entries after {@code start}, each counted as delivered again; an entry deleted
   * from the stream since shows as its ID with a null body.
   */
  private static void replyFromPel(Reply r, StreamValue s, StreamGroup.Consumer consumer, StreamId start, long count,
      long now) {
    long mark = r.beginDeferred();
    int n = 0;
    for (Map.Entry<StreamId, StreamGroup.Nack> e : consumer.pel.tailMap(start, true).entrySet()) {
      if (count != 0 && n >= count) {
        break;
      }
      if (!StreamCommands.replyEntry(r, s, e.getKey())) {
        r.array(2);
        e.getKey().reply(r);
        r.nullArray();
      } else {
        e.getValue().deliveryTime = now;
        e.getValue().deliveryCount++;
      }
      n++;
    }
    r.endDeferredArray(mark, n);
  }

  /** XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID group-last-id: an idempotent claim. */
  static byte[][] xclaim(byte[] key, byte[] group, byte[] consumer, StreamId id, StreamGroup.Nack nack,
      StreamGroup g) {
    return new byte[][] {XCLAIM, key, group, consumer, ZERO, id.toBytes(), TIME, num(nack.deliveryTime),
        RETRYCOUNT, num(nack.deliveryCount), FORCE, JUSTID, LASTID, g.lastId.toBytes()};
  }

  /** XGROUP SETID key group last-id ENTRIESREAD n */
  static byte[][] setId(byte[] key, byte[] group, StreamGroup g) {
    return new byte[][] {XGROUP, SETID, key, group, g.lastId.toBytes(), ENTRIESREAD, num(g.entriesRead)};
  }

  static byte[] num(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The commands a group command propagates instead of itself; when it changed something but chose none (Redis
   * propagates such a command not at all), nothing is propagated.
   */
  static final class Propagated {
    private final CommandContext c;
    /** Whether anything consumes propagation: when not, callers build no commands. */
    final boolean on;
    private int n;

    Propagated(CommandContext c) {
      this.c = c;
      this.on = c.propagates();
    }

    void add(byte[]... command) {
      c.propagate(command);
      n++;
    }

    void finish() {
      if (n == 0) {
        c.preventPropagation();
      }
    }
  }
}
