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
import dev.cairn.core.server.Help;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER), XACK, XPENDING, XCLAIM and
 * XAUTOCLAIM. Claims propagate as idempotent XCLAIMs with the concrete delivery time and count, as Redis does.
 */
public final class StreamGroupCommands implements CommandFamily {
  private static KeySpec groupKey(KeyFlag... flags) {
    return KeySpec.index(2).range(0, 1, 0).flags(flags);
  }

  private static final Arg ID_SELECTOR = Arg.oneOf("id-selector", Arg.string("id"),
      StreamCommands.token("new-id", "$"));

  private static KeySpec streamKey(KeyFlag... flags) {
    return KeySpec.index(1).range(0, 1, 0).flags(flags);
  }

  static final CommandSpec XGROUP = CommandSpec.command("xgroup", -2).group(Group.STREAM).since("5.0.0")
      .summary("A container for consumer groups commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec CREATE = CommandSpec.subcommand("xgroup", "create", -5).group(Group.STREAM)
      .since("5.0.0").flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STREAM).key(groupKey(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Creates a consumer group.").complexity("O(1)")
      .history("7.0.0", "Added the `entries_read` named argument.")
      .args(Arg.key("key", 0), Arg.string("group"), ID_SELECTOR,
          Arg.token("MKSTREAM").optional(), Arg.integer("entries-read").withToken("ENTRIESREAD").optional())
      .build();
  static final CommandSpec SETID = CommandSpec.subcommand("xgroup", "setid", -5).group(Group.STREAM)
      .since("5.0.0").flags(Flag.WRITE).acl(AclCategory.STREAM).key(groupKey(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Sets the last-delivered ID of a consumer group.").complexity("O(1)")
      .history("7.0.0", "Added the optional `entries_read` argument.")
      .args(Arg.key("key", 0), Arg.string("group"), ID_SELECTOR,
          Arg.integer("entriesread").withToken("ENTRIESREAD").optional())
      .build();
  static final CommandSpec DESTROY = CommandSpec.subcommand("xgroup", "destroy", 4).group(Group.STREAM)
      .since("5.0.0").flags(Flag.WRITE).acl(AclCategory.STREAM).key(groupKey(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Destroys a consumer group.")
      .complexity("O(N) where N is the number of entries in the group's pending entries list (PEL).")
      .args(Arg.key("key", 0), Arg.string("group")).build();
  static final CommandSpec CREATECONSUMER = CommandSpec.subcommand("xgroup", "createconsumer", 5)
      .group(Group.STREAM).since("6.2.0").flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STREAM)
      .key(groupKey(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Creates a consumer in a consumer group.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("group"), Arg.string("consumer")).build();
  static final CommandSpec DELCONSUMER = CommandSpec.subcommand("xgroup", "delconsumer", 5).group(Group.STREAM)
      .since("5.0.0").flags(Flag.WRITE).acl(AclCategory.STREAM).key(groupKey(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Deletes a consumer from a consumer group.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("group"), Arg.string("consumer")).build();
  static final CommandSpec HELP = CommandSpec.subcommand("xgroup", "help", 2).group(Group.STREAM).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.STREAM)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();

  static final CommandSpec XACK = CommandSpec.command("xack", -4).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STREAM).key(streamKey(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Returns the number of messages that were successfully acknowledged by the consumer group member of a "
          + "stream.")
      .complexity("O(1) for each message ID processed.")
      .args(Arg.key("key", 0), Arg.string("group"), Arg.string("ID").multiple()).build();
  static final CommandSpec XPENDING = CommandSpec.command("xpending", -3).group(Group.STREAM).since("5.0.0")
      .flags(Flag.READONLY).acl(AclCategory.STREAM).tips("nondeterministic_output")
      .key(streamKey(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the information and entries from a stream consumer group's pending entries list.")
      .complexity("O(N) with N being the number of elements returned, so asking for a small fixed number of entries "
          + "per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. "
          + "When the command returns just the summary and the list of consumers is small, it runs in O(1) time; "
          + "otherwise, an additional O(N) time for iterating every consumer.")
      .history("6.2.0", "Added the `IDLE` option and exclusive range intervals.")
      .args(Arg.key("key", 0), Arg.string("group"),
          Arg.block("filters", Arg.integer("min-idle-time").withToken("IDLE").optional().since("6.2.0"),
              Arg.string("start"), Arg.string("end"), Arg.integer("count"), Arg.string("consumer").optional())
              .optional())
      .build();
  static final CommandSpec XCLAIM = CommandSpec.command("xclaim", -6).group(Group.STREAM).since("5.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STREAM).tips("nondeterministic_output")
      .key(streamKey(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a "
          + "consumer group member.")
      .complexity("O(log N) with N being the number of messages in the PEL of the consumer group.")
      .args(Arg.key("key", 0), Arg.string("group"), Arg.string("consumer"), Arg.string("min-idle-time"),
          Arg.string("ID").multiple(), Arg.integer("ms").withToken("IDLE").optional(),
          Arg.unixTime("unix-time-milliseconds").withToken("TIME").optional(),
          Arg.integer("count").withToken("RETRYCOUNT").optional(), Arg.token("FORCE").optional(),
          Arg.token("JUSTID").optional(), Arg.string("lastid").withToken("LASTID").optional())
      .build();
  static final CommandSpec XAUTOCLAIM = CommandSpec.command("xautoclaim", -6).group(Group.STREAM).since("6.2.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.STREAM).tips("nondeterministic_output")
      .key(streamKey(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to "
          + "as consumer group member.")
      .complexity("O(1) if COUNT is small.")
      .history("7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from "
          + "the PEL")
      .args(Arg.key("key", 0), Arg.string("group"), Arg.string("consumer"), Arg.string("min-idle-time"),
          Arg.string("start"), Arg.integer("count").withToken("COUNT").optional(), Arg.token("JUSTID").optional())
      .build();

  private static final String[] HELP_LINES = {
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
  };

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(XGROUP);
    r.add(CREATE, StreamGroupCommands::xgroup);
    r.add(SETID, StreamGroupCommands::xgroup);
    r.add(DESTROY, StreamGroupCommands::xgroup);
    r.add(CREATECONSUMER, StreamGroupCommands::xgroup);
    r.add(DELCONSUMER, StreamGroupCommands::xgroup);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "XGROUP", HELP_LINES));
    r.add(XACK, StreamGroupCommands::xack);
    r.add(XPENDING, StreamGroupCommands::xpending);
    r.add(XCLAIM, StreamGroupCommands::xclaim);
    r.add(XAUTOCLAIM, StreamGroupCommands::xautoclaim);
  }

  /** Redis's reply to a subcommand with options it does not take. */
  static RedisException subcommandSyntax(Args a) {
    return Errors.err("unknown subcommand or wrong number of arguments for '" + StreamCommands.text(a.get(1))
        + "'. Try " + a.string(0).toUpperCase(Locale.ROOT) + " HELP.");
  }

  static RedisException noGroup(byte[] key, byte[] group) {
    return RedisException.of("NOGROUP", "No such key '" + StreamCommands.text(key) + "' or consumer group '"
        + StreamCommands.text(group) + "'");
  }

  /** The ID argument of CREATE and SETID: "$" is the stream's last ID. */
  private static StreamId groupId(byte[] arg, StreamValue s, boolean strict) {
    if (arg.length == 1 && arg[0] == '$') {
      return s == null ? StreamId.MIN : s.lastId();
    }
    return StreamId.parseOrThrow(arg, 0, strict);
  }

  /** XGROUP CREATE | SETID | DESTROY | CREATECONSUMER | DELCONSUMER, with Redis's order of checks. */
  static void xgroup(CommandContext c, Args a) {
    boolean create = a.is(1, "create");
    boolean setid = a.is(1, "setid");
    boolean mkstream = false;
    long entriesRead = StreamGroup.INVALID;
    int i = 5;
    while (i < a.size()) {
      if (create && a.is(i, "mkstream")) {
        mkstream = true;
        i++;
      } else if ((create || setid) && a.is(i, "entriesread") && i + 1 < a.size()) {
        entriesRead = a.longArg(i + 1);
        if (entriesRead < 0 && entriesRead != StreamGroup.INVALID) {
          throw Errors.err("value for ENTRIESREAD must be positive or -1");
        }
        i += 2;
      } else {
        throw subcommandSyntax(a);
      }
    }
    Database db = c.db();
    byte[] key = a.get(2);
    byte[] name = a.get(3);
    StreamValue s = db.getForWrite(key, StreamValue.class);
    StreamGroup g = s == null ? null : s.group(name);
    if (!mkstream) {
      if (s == null) {
        throw Errors.err("The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
            + "the MKSTREAM option to create an empty stream automatically.");
      }
      if (g == null && !create && !a.is(1, "destroy")) {
        throw RedisException.of("NOGROUP", "No such consumer group '" + StreamCommands.text(name)
            + "' for key name '" + StreamCommands.text(key) + "'");
      }
    }
    if (create) {
      if (a.size() > 8) {
        throw subcommandSyntax(a);
      }
      StreamId id = groupId(a.get(4), s, true);
      if (s == null) {
        s = new StreamValue();
        ((Session) c).db().add(key, s);
        c.signalModifiedKey(db.id(), key);
      }
      if (s.createGroup(name, id, entriesRead) == null) {
        throw RedisException.of("BUSYGROUP", "Consumer Group name already exists");
      }
      c.reply().ok();
      c.addDirty(1);
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-create", key, db.id());
    } else if (setid) {
      if (a.size() != 5 && a.size() != 7) {
        throw subcommandSyntax(a);
      }
      StreamId id = groupId(a.get(4), s, false);
      g.lastId = id;
      g.entriesRead = entriesRead;
      c.reply().ok();
      c.addDirty(1);
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-setid", key, db.id());
    } else if (a.is(1, "destroy")) {
      if (g == null) {
        c.reply().integer(0);
        return;
      }
      s.groups.remove(name);
      c.reply().integer(1);
      c.addDirty(1);
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-destroy", key, db.id());
      // readers blocked on the group wake up to answer NOGROUP
      ((Session) c).engine.blocking().signalReady(db.id(), key);
    } else if (a.is(1, "createconsumer")) {
      StreamGroup.Consumer created = g.createConsumer(a.get(4), c.now());
      if (created != null) {
        c.addDirty(1);
        c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-createconsumer", key, db.id());
      }
      c.reply().integer(created != null ? 1 : 0);
    } else {
      StreamGroup.Consumer consumer = g.consumer(a.get(4));
      long pending = 0;
      if (consumer != null) {
        pending = g.deleteConsumer(consumer);
        c.addDirty(1);
        c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-delconsumer", key, db.id());
      }
      c.reply().integer(pending);
    }
  }

  /** XACK key group id [id ...] */
  static void xack(CommandContext c, Args a) {
    StreamValue s = c.db().get(a.get(1), StreamValue.class);
    StreamGroup g = s == null ? null : s.group(a.get(2));
    if (g == null) {
      c.reply().integer(0);
      return;
    }
    StreamValue.willChange(c, a.get(1));
    StreamId[] ids = new StreamId[a.size() - 3];
    for (int j = 3; j < a.size(); j++) {
      ids[j - 3] = StreamId.strict(a.get(j));
    }
    long acked = 0;
    for (StreamId id : ids) {
      StreamGroup.Nack n = g.pel.get(id);
      if (n != null) {
        g.ack(id, n);
        acked++;
      }
    }
    c.addDirty(acked);
    c.reply().integer(acked);
  }

  /** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
  static void xpending(CommandContext c, Args a) {
    int argc = a.size();
    if (argc != 3 && (argc < 6 || argc > 9)) {
      throw Errors.SYNTAX;
    }
    long minIdle = 0;
    long count = 0;
    StreamId start = null;
    StreamId end = null;
    byte[] consumerName = null;
    if (argc >= 6) {
      int startIdx = 3;
      if (a.is(3, "idle")) {
        minIdle = a.longArg(4);
        if (argc < 8) {
          throw Errors.SYNTAX;
        }
        startIdx += 2;
      }
      count = Math.max(0, a.longArg(startIdx + 2));
      start = StreamCommands.rangeId(a.get(startIdx), 0, true);
      end = StreamCommands.rangeId(a.get(startIdx + 1), -1L, false);
      if (startIdx + 3 < argc) {
        consumerName = a.get(startIdx + 3);
      }
    }
    StreamValue s = c.db().get(a.get(1), StreamValue.class);
    StreamGroup g = s == null ? null : s.group(a.get(2));
    if (g == null) {
      throw noGroup(a.get(1), a.get(2));
    }
    Reply r = c.reply();
    if (argc == 3) {
      r.array(4);
      r.integer(g.pel.size());
      if (g.pel.isEmpty()) {
        r.nullBulk();
        r.nullBulk();
        r.nullArray();
        return;
      }
      g.pel.firstKey().reply(r);
      g.pel.lastKey().reply(r);
      long mark = r.beginDeferred();
      int n = 0;
      for (StreamGroup.Consumer con : g.consumers.values()) {
        if (con.pel.isEmpty()) {
          continue;
        }
        r.array(2);
        r.bulk(con.name);
        r.bulkLong(con.pel.size());
        n++;
      }
      r.endDeferredArray(mark, n);
      return;
    }
    java.util.NavigableMap<StreamId, StreamGroup.Nack> pel;
    if (consumerName != null) {
      StreamGroup.Consumer con = g.consumer(consumerName);
      if (con == null) {
        r.array(0);
        return;
      }
      pel = con.pel;
    } else {
      pel = g.pel;
    }
    long now = c.now();
    long mark = r.beginDeferred();
    int n = 0;
    if (start.compareTo(end) <= 0) {
      for (Map.Entry<StreamId, StreamGroup.Nack> e : pel.subMap(start, true, end, true).entrySet()) {
        if (count == 0) {
          break;
        }
        StreamGroup.Nack nack = e.getValue();
        if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
          continue;
        }
        n++;
        count--;
        r.array(4);
        e.getKey().reply(r);
        r.bulk(nack.consumer.name);
        r.integer(Math.max(0, now - nack.deliveryTime));
        r.integer(nack.deliveryCount);
      }
    }
    r.endDeferredArray(mark, n);
  }

  /**
   * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms-unix-time] [RETRYCOUNT count] [FORCE]
   * [JUSTID] [LASTID lastid]
   */
  static void xclaim(CommandContext c, Args a) {
    Database db = c.db();
    byte[] key = a.get(1);
    byte[] groupName = a.get(2);
    StreamValue s = db.get(key, StreamValue.class);
    StreamGroup g = s == null ? null : s.group(groupName);
    if (g == null) {
      throw noGroup(key, groupName);
    }
    StreamValue.willChange(c, key); // read lookup as in Redis, but PELs and consumers change in place
    long minIdle = Math.max(0, a.longArg(4, Errors.err("Invalid min-idle-time argument for XCLAIM")));
    List<StreamId> ids = new ArrayList<>();
    int j = 5;
    for (; j < a.size(); j++) {
      StreamId.Parsed p = StreamId.parse(a.get(j), 0, true, false);
      if (p == null) {
        break;
      }
      ids.add(p.id());
    }
    long now = c.now();
    long deliveryTime = -1;
    long retryCount = -1;
    boolean force = false;
    boolean justId = false;
    StreamId lastId = StreamId.MIN;
    for (; j < a.size(); j++) {
      int more = a.size() - 1 - j;
      if (a.is(j, "force")) {
        force = true;
      } else if (a.is(j, "justid")) {
        justId = true;
      } else if (a.is(j, "idle") && more > 0) {
        j++;
        deliveryTime = now - a.longArg(j, Errors.err("Invalid IDLE option argument for XCLAIM"));
      } else if (a.is(j, "time") && more > 0) {
        j++;
        deliveryTime = a.longArg(j, Errors.err("Invalid TIME option argument for XCLAIM"));
      } else if (a.is(j, "retrycount") && more > 0) {
        j++;
        retryCount = a.longArg(j, Errors.err("Invalid RETRYCOUNT option argument for XCLAIM"));
      } else if (a.is(j, "lastid") && more > 0) {
        j++;
        lastId = StreamId.strict(a.get(j));
      } else {
        throw Errors.err("Unrecognized XCLAIM option '" + StreamCommands.text(a.get(j)) + "'");
      }
    }
    StreamReadCommands.Propagated prop = new StreamReadCommands.Propagated(c);
    boolean propagateLastId = false;
    if (lastId.compareTo(g.lastId) > 0) {
      g.lastId = lastId;
      propagateLastId = true;
    }
    if (deliveryTime != -1) {
      if (deliveryTime < 0 || deliveryTime > now) {
        deliveryTime = now; // a bogus time (clock skew on the client) counts as now rather than failing
      }
    } else {
      deliveryTime = now;
    }
    StreamGroup.Consumer consumer = consumerFor(c, g, key, a.get(3), now);
    Reply r = c.reply();
    long mark = r.beginDeferred();
    int n = 0;
    for (StreamId id : ids) {
      StreamGroup.Nack nack = g.pel.get(id);
      if (!s.exists(id)) {
        if (nack != null) {
          // the entry is gone: drop it from the PEL, and tell replicas the same way
          if (prop.on) {
            prop.add(StreamReadCommands.xclaim(key, groupName, nack.consumer.name, id, nack, g));
          }
          propagateLastId = false;
          c.addDirty(1);
          g.ack(id, nack);
        }
        continue;
      }
      if (force && nack == null) {
        nack = new StreamGroup.Nack(null, now);
        g.pel.put(id, nack);
      }
      if (nack == null) {
        continue;
      }
      if (nack.consumer != null && minIdle != 0 && now - nack.deliveryTime < minIdle) {
        continue;
      }
      if (nack.consumer != consumer && nack.consumer != null) {
        nack.consumer.pel.remove(id);
      }
      nack.deliveryTime = deliveryTime;
      if (retryCount >= 0) {
        nack.deliveryCount = retryCount;
      } else if (!justId) {
        nack.deliveryCount++;
      }
      if (nack.consumer != consumer) {
        consumer.pel.put(id, nack);
        nack.consumer = consumer;
      }
      if (justId) {
        id.reply(r);
      } else {
        StreamCommands.replyEntry(r, s, id);
      }
      n++;
      consumer.activeTime = now;
      if (prop.on) {
        prop.add(StreamReadCommands.xclaim(key, groupName, consumer.name, id, nack, g));
      }
      propagateLastId = false;
      c.addDirty(1);
    }
    if (propagateLastId) {
      if (prop.on) {
        prop.add(StreamReadCommands.setId(key, groupName, g));
      }
      c.addDirty(1);
    }
    r.endDeferredArray(mark, n);
    prop.finish();
  }

  /** The named consumer, created (and announced) if it does not exist; it is seen now either way. */
  private static StreamGroup.Consumer consumerFor(CommandContext c, StreamGroup g, byte[] key, byte[] name,
      long now) {
    StreamGroup.Consumer consumer = g.consumer(name);
    if (consumer == null) {
      consumer = g.createConsumer(name, now);
      c.addDirty(1);
      c.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-createconsumer", key, c.db().id());
    }
    consumer.seenTime = now;
    return consumer;
  }

  /** The largest COUNT XAUTOCLAIM takes (Redis bounds it so that its work and scratch space stay in range). */
  private static final long AUTOCLAIM_MAX_COUNT = Long.MAX_VALUE / 16;

  /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
  static void xautoclaim(CommandContext c, Args a) {
    long minIdle = Math.max(0, a.longArg(4, Errors.err("Invalid min-idle-time argument for XAUTOCLAIM")));
    StreamId start = StreamCommands.rangeId(a.get(5), 0, true);
    long count = 100;
    boolean justId = false;
    RedisException badCount = Errors.err("COUNT must be > 0");
    for (int j = 6; j < a.size(); j++) {
      int more = a.size() - 1 - j;
      if (a.is(j, "count") && more > 0) {
        count = a.longArg(j + 1, badCount);
        if (count < 1 || count > AUTOCLAIM_MAX_COUNT) {
          throw badCount;
        }
        j++;
      } else if (a.is(j, "justid")) {
        justId = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    Database db = c.db();
    byte[] key = a.get(1);
    byte[] groupName = a.get(2);
    StreamValue s = db.get(key, StreamValue.class);
    StreamGroup g = s == null ? null : s.group(groupName);
    if (g == null) {
      throw noGroup(key, groupName);
    }
    StreamValue.willChange(c, key); // read lookup as in Redis, but PELs and consumers change in place
    long now = c.now();
    StreamGroup.Consumer consumer = consumerFor(c, g, key, a.get(3), now);
    StreamReadCommands.Propagated prop = new StreamReadCommands.Propagated(c);
    long attempts = count * 10;
    Reply r = c.reply();
    r.array(3);
    // the cursor comes first in the reply but is known last: claim into a list, then write
    List<StreamId> claimed = new ArrayList<>();
    List<StreamId> deleted = new ArrayList<>();
    Iterator<Map.Entry<StreamId, StreamGroup.Nack>> it = g.pel.tailMap(start, true).entrySet().iterator();
    StreamId next = null;
    while (attempts-- > 0 && count > 0 && it.hasNext()) {
      Map.Entry<StreamId, StreamGroup.Nack> e = it.next();
      StreamId id = e.getKey();
      StreamGroup.Nack nack = e.getValue();
      if (!s.exists(id)) {
        if (prop.on) {
          prop.add(StreamReadCommands.xclaim(key, groupName, nack.consumer.name, id, nack, g));
        }
        c.addDirty(1);
        it.remove();
        if (nack.consumer != null) {
          nack.consumer.pel.remove(id);
        }
        deleted.add(id);
        count--;
        continue;
      }
      if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
        continue;
      }
      if (nack.consumer != consumer) {
        if (nack.consumer != null) {
          nack.consumer.pel.remove(id);
        }
        consumer.pel.put(id, nack);
        nack.consumer = consumer;
      }
      nack.deliveryTime = now;
      if (!justId) {
        nack.deliveryCount++;
      }
      claimed.add(id);
      count--;
      consumer.activeTime = now;
      if (prop.on) {
        prop.add(StreamReadCommands.xclaim(key, groupName, consumer.name, id, nack, g));
      }
      c.addDirty(1);
    }
    if (it.hasNext()) {
      next = it.next().getKey();
    }
    (next == null ? StreamId.MIN : next).reply(r);
    r.array(claimed.size());
    for (StreamId id : claimed) {
      if (justId) {
        id.reply(r);
      } else {
        StreamCommands.replyEntry(r, s, id);
      }
    }
    r.array(deleted.size());
    for (StreamId id : deleted) {
      id.reply(r);
    }
    prop.finish();
  }
}
