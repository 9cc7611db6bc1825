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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.server.Help;
import java.util.Map;

/** XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS: Redis 7.2's fields, in its order. */
public final class StreamInfoCommands implements CommandFamily {
  private static final KeySpec KEY = KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS);

  static final CommandSpec XINFO = CommandSpec.command("xinfo", -2).group(Group.STREAM).since("5.0.0")
      .summary("A container for stream introspection commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec CONSUMERS = CommandSpec.subcommand("xinfo", "consumers", 4).group(Group.STREAM)
      .since("5.0.0").flags(Flag.READONLY).acl(AclCategory.STREAM).tips("nondeterministic_output").key(KEY)
      .summary("Returns a list of the consumers in a consumer group.").complexity("O(1)")
      .history("7.2.0", "Added the `inactive` field.")
      .args(Arg.key("key", 0), Arg.string("group")).build();
  static final CommandSpec GROUPS = CommandSpec.subcommand("xinfo", "groups", 3).group(Group.STREAM)
      .since("5.0.0").flags(Flag.READONLY).acl(AclCategory.STREAM).key(KEY)
      .summary("Returns a list of the consumer groups of a stream.").complexity("O(1)")
      .history("7.0.0", "Added the `entries-read` and `lag` fields")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec STREAM = CommandSpec.subcommand("xinfo", "stream", -3).group(Group.STREAM)
      .since("5.0.0").flags(Flag.READONLY).acl(AclCategory.STREAM).key(KEY)
      .summary("Returns information about a stream.").complexity("O(1)")
      .history("6.0.0", "Added the `FULL` modifier.")
      .history("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, "
          + "`entries-read` and `lag` fields")
      .history("7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`.")
      .args(Arg.key("key", 0), Arg.block("full-block", Arg.token("FULL"),
          Arg.integer("count").withToken("COUNT").optional()).optional())
      .build();
  static final CommandSpec HELP = CommandSpec.subcommand("xinfo", "help", 2).group(Group.STREAM).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.STREAM)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();

  private static final String[] HELP_LINES = {
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
  };

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(XINFO);
    r.add(CONSUMERS, StreamInfoCommands::consumers);
    r.add(GROUPS, StreamInfoCommands::groups);
    r.add(STREAM, StreamInfoCommands::stream);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "XINFO", HELP_LINES));
  }

  private static StreamValue lookup(CommandContext c, Args a) {
    StreamValue s = c.db().get(a.get(2), StreamValue.class);
    if (s == null) {
      throw Errors.NO_SUCH_KEY;
    }
    return s;
  }

  /** XINFO CONSUMERS key group */
  static void consumers(CommandContext c, Args a) {
    StreamValue s = lookup(c, a);
    StreamGroup g = s.group(a.get(3));
    if (g == null) {
      throw RedisException.of("NOGROUP", "No such consumer group '" + StreamCommands.text(a.get(3))
          + "' for key name '" + StreamCommands.text(a.get(2)) + "'");
    }
    Reply r = c.reply();
    long now = c.now();
    r.array(g.consumers.size());
    for (StreamGroup.Consumer con : g.consumers.values()) {
      r.map(4);
      r.bulk("name");
      r.bulk(con.name);
      r.bulk("pending");
      r.integer(con.pel.size());
      r.bulk("idle");
      r.integer(Math.max(0, now - con.seenTime));
      r.bulk("inactive");
      r.integer(con.activeTime != -1 ? now - con.activeTime : -1);
    }
  }

  /** XINFO GROUPS key */
  static void groups(CommandContext c, Args a) {
    StreamValue s = lookup(c, a);
    Reply r = c.reply();
    r.array(s.groupCount());
    if (s.groups == null) {
      return;
    }
    for (Map.Entry<byte[], StreamGroup> e : s.groups.entrySet()) {
      StreamGroup g = e.getValue();
      r.map(6);
      r.bulk("name");
      r.bulk(e.getKey());
      r.bulk("consumers");
      r.integer(g.consumers.size());
      r.bulk("pending");
      r.integer(g.pel.size());
      r.bulk("last-delivered-id");
      g.lastId.reply(r);
      replyReadAndLag(r, s, g);
    }
  }

  private static void replyReadAndLag(Reply r, StreamValue s, StreamGroup g) {
    r.bulk("entries-read");
    if (g.entriesRead != StreamGroup.INVALID) {
      r.integer(g.entriesRead);
    } else {
      r.nullBulk();
    }
    r.bulk("lag");
    long lag = s.lag(g);
    if (lag >= 0) {
      r.integer(lag);
    } else {
      r.nullBulk();
    }
  }

  /** XINFO STREAM key [FULL [COUNT count]] */
  static void stream(CommandContext c, Args a) {
    StreamValue s = lookup(c, a);
    boolean full = a.size() > 3;
    long count = 10;
    if (full) {
      if (a.size() != 4 && a.size() != 6) {
        throw StreamGroupCommands.subcommandSyntax(a);
      }
      if (!a.is(3, "full")) {
        throw StreamGroupCommands.subcommandSyntax(a);
      }
      if (a.size() == 6) {
        if (!a.is(4, "count")) {
          throw StreamGroupCommands.subcommandSyntax(a);
        }
        count = a.longArg(5);
        if (count < 0) {
          count = 10;
        }
      }
    }
    Reply r = c.reply();
    r.map(full ? 9 : 10);
    r.bulk("length");
    r.integer(s.length);
    r.bulk("radix-tree-keys");
    r.integer(s.nodeCount());
    r.bulk("radix-tree-nodes");
    r.integer(s.radixTreeNodes());
    r.bulk("last-generated-id");
    s.lastId().reply(r);
    r.bulk("max-deleted-entry-id");
    s.maxDeletedId().reply(r);
    r.bulk("entries-added");
    r.integer(s.entriesAdded);
    r.bulk("recorded-first-entry-id");
    s.firstId().reply(r);
    if (!full) {
      r.bulk("groups");
      r.integer(s.groupCount());
      r.bulk("first-entry");
      StreamIterator first = new StreamIterator(s, false);
      if (first.next()) {
        first.replyEntry(r);
      } else {
        r.nullBulk();
      }
      r.bulk("last-entry");
      StreamIterator last = new StreamIterator(s, true);
      if (last.next()) {
        last.replyEntry(r);
      } else {
        r.nullBulk();
      }
      return;
    }
    r.bulk("entries");
    StreamCommands.replyRange(r, s, StreamId.MIN, StreamId.MAX, count, false);
    r.bulk("groups");
    r.array(s.groupCount());
    if (s.groups == null) {
      return;
    }
    for (Map.Entry<byte[], StreamGroup> e : s.groups.entrySet()) {
      StreamGroup g = e.getValue();
      r.map(7);
      r.bulk("name");
      r.bulk(e.getKey());
      r.bulk("last-delivered-id");
      g.lastId.reply(r);
      replyReadAndLag(r, s, g);
      r.bulk("pel-count");
      r.integer(g.pel.size());
      r.bulk("pending");
      long mark = r.beginDeferred();
      int n = 0;
      for (Map.Entry<StreamId, StreamGroup.Nack> p : g.pel.entrySet()) {
        if (count != 0 && n >= count) {
          break;
        }
        StreamGroup.Nack nack = p.getValue();
        r.array(4);
        p.getKey().reply(r);
        r.bulk(nack.consumer.name);
        r.integer(nack.deliveryTime);
        r.integer(nack.deliveryCount);
        n++;
      }
      r.endDeferredArray(mark, n);
      r.bulk("consumers");
      r.array(g.consumers.size());
      for (StreamGroup.Consumer con : g.consumers.values()) {
        r.map(5);
        r.bulk("name");
        r.bulk(con.name);
        r.bulk("seen-time");
        r.integer(con.seenTime);
        r.bulk("active-time");
        r.integer(con.activeTime);
        r.bulk("pel-count");
        r.integer(con.pel.size());
        r.bulk("pending");
        long cmark = r.beginDeferred();
        int cn = 0;
        for (Map.Entry<StreamId, StreamGroup.Nack> p : con.pel.entrySet()) {
          if (count != 0 && cn >= count) {
            break;
          }
          r.array(3);
          p.getKey().reply(r);
          r.integer(p.getValue().deliveryTime);
          r.integer(p.getValue().deliveryCount);
          cn++;
        }
        r.endDeferredArray(cmark, cn);
      }
    }
  }
}
