package dev.cairn.core.pubsub;

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
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import dev.cairn.core.multi.Transactions;
import dev.cairn.core.server.Help;
import dev.cairn.core.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and PUBSUB. The
 * (un)subscribe commands reply with one push message per channel, which CLIENT REPLY OFF does not silence; a RESP2
 * client with subscriptions may only run the commands the dispatcher allows in subscribed mode.
 */
public final class PubSubCommands implements CommandFamily {
  private static CommandSpec.Builder cmd(String name, int arity, String since) {
    return CommandSpec.command(name, arity).group(Group.PUBSUB).since(since);
  }

  static final CommandSpec SUBSCRIBE = cmd("subscribe", -2, "2.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
      .summary("Listens for messages published to channels.")
      .complexity("O(N) where N is the number of channels to subscribe to.")
      .args(Arg.string("channel").multiple()).build();
  static final CommandSpec UNSUBSCRIBE = cmd("unsubscribe", -1, "2.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
      .summary("Stops listening to messages posted to channels.")
      .complexity("O(N) where N is the number of channels to unsubscribe.")
      .args(Arg.string("channel").optional().multiple()).build();
  static final CommandSpec PSUBSCRIBE = cmd("psubscribe", -2, "2.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
      .summary("Listens for messages published to channels that match one or more patterns.")
      .complexity("O(N) where N is the number of patterns to subscribe to.")
      .args(Arg.pattern("pattern").multiple()).build();
  static final CommandSpec PUNSUBSCRIBE = cmd("punsubscribe", -1, "2.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
      .summary("Stops listening to messages published to channels that match one or more patterns.")
      .complexity("O(N) where N is the number of patterns to unsubscribe.")
      .args(Arg.pattern("pattern").optional().multiple()).build();
  static final CommandSpec PUBLISH = cmd("publish", 3, "2.0.0")
      .flags(Flag.PUBSUB, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.MAY_REPLICATE, Flag.SENTINEL)
      .summary("Posts a message to a channel.")
      .complexity("O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total "
          + "number of subscribed patterns (by any client).")
      .args(Arg.string("channel"), Arg.string("message")).build();
  static final CommandSpec SSUBSCRIBE = cmd("ssubscribe", -2, "7.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.NOT_KEY))
      .summary("Listens for messages published to shard channels.")
      .complexity("O(N) where N is the number of shard channels to subscribe to.")
      .args(Arg.string("shardchannel").multiple()).build();
  static final CommandSpec SUNSUBSCRIBE = cmd("sunsubscribe", -1, "7.0.0")
      .flags(Flag.PUBSUB, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.NOT_KEY))
      .summary("Stops listening to messages posted to shard channels.")
      .complexity("O(N) where N is the number of shard channels to unsubscribe.")
      .args(Arg.string("shardchannel").optional().multiple()).build();
  static final CommandSpec SPUBLISH = cmd("spublish", 3, "7.0.0")
      .flags(Flag.PUBSUB, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.MAY_REPLICATE)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.NOT_KEY))
      .summary("Post a message to a shard channel")
      .complexity("O(N) where N is the number of clients subscribed to the receiving shard channel.")
      .args(Arg.string("shardchannel"), Arg.string("message")).build();

  static final CommandSpec PUBSUB = cmd("pubsub", -2, "2.8.0").summary("A container for Pub/Sub commands.")
      .complexity("Depends on subcommand.").build();

  private static CommandSpec.Builder sub(String name, int arity, String since) {
    return CommandSpec.subcommand("pubsub", name, arity).group(Group.PUBSUB).since(since)
        .flags(Flag.PUBSUB, Flag.LOADING, Flag.STALE);
  }

  static final CommandSpec CHANNELS = sub("channels", -2, "2.8.0").summary("Returns the active channels.")
      .complexity("O(N) where N is the number of active channels, and assuming constant time pattern matching "
          + "(relatively short channels and patterns)")
      .args(Arg.pattern("pattern").optional()).build();
  static final CommandSpec NUMSUB = sub("numsub", -2, "2.8.0").summary("Returns a count of subscribers to channels.")
      .complexity("O(N) for the NUMSUB subcommand, where N is the number of requested channels")
      .args(Arg.string("channel").optional().multiple()).build();
  static final CommandSpec NUMPAT = sub("numpat", 2, "2.8.0")
      .summary("Returns a count of unique pattern subscriptions.").complexity("O(1)").build();
  static final CommandSpec SHARDCHANNELS = sub("shardchannels", -2, "7.0.0")
      .summary("Returns the active shard channels.")
      .complexity("O(N) where N is the number of active shard channels, and assuming constant time pattern matching "
          + "(relatively short shard channels).")
      .args(Arg.pattern("pattern").optional()).build();
  static final CommandSpec SHARDNUMSUB = sub("shardnumsub", -2, "7.0.0")
      .summary("Returns the count of subscribers of shard channels.")
      .complexity("O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels")
      .args(Arg.string("shardchannel").optional().multiple()).build();
  static final CommandSpec HELP = CommandSpec.subcommand("pubsub", "help", 2).group(Group.PUBSUB).since("6.2.0")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.SLOW)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();

  private static final byte[] SUBSCRIBE_MSG = bytes("subscribe");
  private static final byte[] UNSUBSCRIBE_MSG = bytes("unsubscribe");
  private static final byte[] PSUBSCRIBE_MSG = bytes("psubscribe");
  private static final byte[] PUNSUBSCRIBE_MSG = bytes("punsubscribe");
  private static final byte[] SSUBSCRIBE_MSG = bytes("ssubscribe");
  private static final byte[] SUNSUBSCRIBE_MSG = bytes("sunsubscribe");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(SUBSCRIBE, PubSubCommands::subscribe);
    r.add(UNSUBSCRIBE, (c, a) -> unsubscribe(c, a, false));
    r.add(PSUBSCRIBE, PubSubCommands::psubscribe);
    r.add(PUNSUBSCRIBE, PubSubCommands::punsubscribe);
    r.add(PUBLISH, PubSubCommands::publish);
    r.add(SSUBSCRIBE, PubSubCommands::ssubscribe);
    r.add(SUNSUBSCRIBE, (c, a) -> unsubscribe(c, a, true));
    r.add(SPUBLISH, PubSubCommands::spublish);
    r.addContainer(PUBSUB);
    r.add(CHANNELS, (c, a) -> channels(c, a, false));
    r.add(NUMSUB, (c, a) -> numsub(c, a, false));
    r.add(NUMPAT, (c, a) -> c.reply().integer(pubsub(c).patternCount()));
    r.add(SHARDCHANNELS, (c, a) -> channels(c, a, true));
    r.add(SHARDNUMSUB, (c, a) -> numsub(c, a, true));
    r.add(HELP, PubSubCommands::help);
  }

  private static PubSub pubsub(CommandContext c) {
    return ((Session) c).engine.pubsub();
  }

  /** The (un)subscribe replies are push messages, sent whatever CLIENT REPLY says. */
  private static Session pushReply(CommandContext c) {
    Session s = (Session) c;
    if (!s.inExec) {
      s.engine.dispatcher().replyIsPush();
    }
    return s;
  }

  /**
   * A client that expects exactly one reply per command (inside EXEC or a script) cannot subscribe; Redis keeps
   * SUBSCRIBE and PSUBSCRIBE working inside MULTI for compatibility, but not SSUBSCRIBE.
   */
  private static void checkMayBlock(Session s, String command, boolean allowInMulti) {
    if (s.denyBlocking > 0 && !(allowInMulti && Transactions.inMulti(s))) {
      throw RedisException.err(command + " isn't allowed for a DENY BLOCKING client");
    }
  }

  private static void confirm(Reply r, byte[] kind, byte[] channel, int count) {
    r.push(3);
    r.bulk(kind);
    if (channel == null) {
      r.nullBulk();
    } else {
      r.bulk(channel);
    }
    r.integer(count);
  }

  /** SUBSCRIBE channel [channel ...] */
  static void subscribe(CommandContext c, Args a) {
    Session s = (Session) c;
    checkMayBlock(s, "SUBSCRIBE", true);
    pushReply(c);
    PubSub ps = pubsub(c);
    for (int i = 1; i < a.size(); i++) {
      ps.subscribe(s, a.get(i), false);
      confirm(c.reply(), SUBSCRIBE_MSG, a.get(i), s.subscriptions.classic());
    }
  }

  /** SSUBSCRIBE shardchannel [shardchannel ...] */
  static void ssubscribe(CommandContext c, Args a) {
    Session s = (Session) c;
    checkMayBlock(s, "SSUBSCRIBE", false);
    pushReply(c);
    PubSub ps = pubsub(c);
    for (int i = 1; i < a.size(); i++) {
      ps.subscribe(s, a.get(i), true);
      confirm(c.reply(), SSUBSCRIBE_MSG, a.get(i), s.subscriptions.shardChannels());
    }
  }

  /** UNSUBSCRIBE [channel ...], SUNSUBSCRIBE [shardchannel ...] */
  static void unsubscribe(CommandContext c, Args a, boolean shard) {
    Session s = pushReply(c);
    PubSub ps = pubsub(c);
    byte[] kind = shard ? SUNSUBSCRIBE_MSG : UNSUBSCRIBE_MSG;
    if (a.size() > 1) {
      for (int i = 1; i < a.size(); i++) {
        ps.unsubscribe(s, a.get(i), shard);
        confirm(c.reply(), kind, a.get(i), count(s, shard));
      }
    } else {
      List<byte[]> all = subscribedTo(s, shard ? 2 : 0);
      for (byte[] ch : all) {
        ps.unsubscribe(s, ch, shard);
        confirm(c.reply(), kind, ch, count(s, shard));
      }
      if (all.isEmpty()) {
        confirm(c.reply(), kind, null, count(s, shard)); // nothing to leave: still one reply
      }
    }
    dropIfEmpty(s);
  }

  /** PSUBSCRIBE pattern [pattern ...] */
  static void psubscribe(CommandContext c, Args a) {
    Session s = (Session) c;
    checkMayBlock(s, "PSUBSCRIBE", true);
    pushReply(c);
    PubSub ps = pubsub(c);
    for (int i = 1; i < a.size(); i++) {
      ps.psubscribe(s, a.get(i));
      confirm(c.reply(), PSUBSCRIBE_MSG, a.get(i), s.subscriptions.classic());
    }
  }

  /** PUNSUBSCRIBE [pattern ...] */
  static void punsubscribe(CommandContext c, Args a) {
    Session s = pushReply(c);
    PubSub ps = pubsub(c);
    if (a.size() > 1) {
      for (int i = 1; i < a.size(); i++) {
        ps.punsubscribe(s, a.get(i));
        confirm(c.reply(), PUNSUBSCRIBE_MSG, a.get(i), count(s, false));
      }
    } else {
      List<byte[]> all = subscribedTo(s, 1);
      for (byte[] p : all) {
        ps.punsubscribe(s, p);
        confirm(c.reply(), PUNSUBSCRIBE_MSG, p, count(s, false));
      }
      if (all.isEmpty()) {
        confirm(c.reply(), PUNSUBSCRIBE_MSG, null, count(s, false));
      }
    }
    dropIfEmpty(s);
  }

  private static int count(Session s, boolean shard) {
    Subscriptions subs = s.subscriptions;
    return subs == null ? 0 : shard ? subs.shardChannels() : subs.classic();
  }

  /** 0: channels, 1: patterns, 2: shard channels. */
  private static List<byte[]> subscribedTo(Session s, int kind) {
    List<byte[]> out = new ArrayList<>();
    Subscriptions subs = s.subscriptions;
    if (subs != null) {
      for (var k : kind == 0 ? subs.channels : kind == 1 ? subs.patterns : subs.shardChannels) {
        out.add(k.bytes());
      }
    }
    return out;
  }

  private static void dropIfEmpty(Session s) {
    if (s.subscriptions != null && s.subscriptions.total() == 0) {
      s.subscriptions = null;
    }
  }

  /** PUBLISH channel message */
  static void publish(CommandContext c, Args a) {
    Session s = (Session) c;
    int receivers = s.engine.pubsub().publish(a.get(1), a.get(2));
    if (s.engine.cluster() != null) {
      s.engine.cluster().publish(a.get(1), a.get(2), false); // every node gets it over the bus, replicas included
    } else {
      s.engine.dispatcher().forceReplicaPropagation(); // replicas' subscribers get it too, as in Redis
    }
    c.reply().integer(receivers);
  }

  /** SPUBLISH shardchannel message */
  static void spublish(CommandContext c, Args a) {
    Session s = (Session) c;
    int receivers = s.engine.pubsub().spublish(a.get(1), a.get(2));
    if (s.engine.cluster() != null) {
      s.engine.cluster().publish(a.get(1), a.get(2), true); // the shard's nodes get it over the bus
    } else {
      s.engine.dispatcher().forceReplicaPropagation();
    }
    c.reply().integer(receivers);
  }

  /** PUBSUB CHANNELS [pattern], PUBSUB SHARDCHANNELS [pattern] */
  static void channels(CommandContext c, Args a, boolean shard) {
    if (a.size() > 3) {
      throw subcommandSyntax(a);
    }
    byte[] pattern = a.size() == 3 ? a.get(2) : null;
    List<byte[]> out = new ArrayList<>();
    pubsub(c).forEachChannel(shard, ch -> {
      if (pattern == null || Glob.matches(pattern, ch)) {
        out.add(ch);
      }
    });
    Reply r = c.reply();
    r.array(out.size());
    for (byte[] ch : out) {
      r.bulk(ch);
    }
  }

  /** PUBSUB NUMSUB [channel ...], PUBSUB SHARDNUMSUB [shardchannel ...] */
  static void numsub(CommandContext c, Args a, boolean shard) {
    PubSub ps = pubsub(c);
    Reply r = c.reply();
    r.array((a.size() - 2) * 2);
    for (int i = 2; i < a.size(); i++) {
      r.bulk(a.get(i));
      r.integer(ps.subscriberCount(a.get(i), shard));
    }
  }

  /** PUBSUB HELP */
  static void help(CommandContext c, Args a) {
    Help.reply(c.reply(), "PUBSUB",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)");
  }

  /** {@code ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.} */
  private static RedisException subcommandSyntax(Args a) {
    String sub = a.string(1);
    return RedisException.err("unknown subcommand or wrong number of arguments for '"
        + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try " + a.string(0).toUpperCase(Locale.ROOT)
        + " HELP.");
  }
}
