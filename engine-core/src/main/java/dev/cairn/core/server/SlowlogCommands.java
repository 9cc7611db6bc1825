package dev.cairn.core.server;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import java.util.Iterator;

/** SLOWLOG GET / LEN / RESET / HELP over {@link SlowLog}. */
public final class SlowlogCommands implements CommandFamily {
  static final CommandSpec SLOWLOG = CommandSpec.command("slowlog", -2).group(Group.SERVER).since("2.2.12")
      .summary("A container for slow log commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec GET = CommandSpec.subcommand("slowlog", "get", -2).group(Group.SERVER).since("2.2.12")
      .flags(Flag.ADMIN, Flag.LOADING, Flag.STALE).tips("request_policy:all_nodes", "nondeterministic_output")
      .summary("Returns the slow log's entries.").complexity("O(N) where N is the number of entries returned")
      .history("4.0.0", "Added client IP address, port and name to the reply.")
      .args(Arg.integer("count").optional()).build();
  static final CommandSpec LEN = CommandSpec.subcommand("slowlog", "len", 2).group(Group.SERVER).since("2.2.12")
      .flags(Flag.ADMIN, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
      .summary("Returns the number of entries in the slow log.").complexity("O(1)").build();
  static final CommandSpec RESET = CommandSpec.subcommand("slowlog", "reset", 2).group(Group.SERVER)
      .since("2.2.12").flags(Flag.ADMIN, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Clears all entries from the slow log.")
      .complexity("O(N) where N is the number of entries in the slowlog").build();
  static final CommandSpec HELP = CommandSpec.subcommand("slowlog", "help", 2).group(Group.SERVER).since("6.2.0")
      .flags(Flag.LOADING, Flag.STALE).summary("Show helpful text about the different subcommands")
      .complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(SLOWLOG);
    r.add(GET, SlowlogCommands::get);
    r.add(LEN, (c, a) -> c.reply().integer(log(c).items().size()));
    r.add(RESET, (c, a) -> {
      log(c).reset();
      c.reply().ok();
    });
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "SLOWLOG",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog."));
  }

  private static SlowLog log(CommandContext c) {
    return ((Session) c).engine.slowLog();
  }

  /** SLOWLOG GET [count] */
  static void get(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw dev.cairn.api.reply.Errors.arity("slowlog|get");
    }
    long count = 10;
    if (a.size() == 3) {
      RedisException bad = RedisException.err("count should be greater than or equal to -1");
      count = a.longArg(2, bad);
      if (count < -1) {
        throw bad;
      }
    }
    SlowLog log = log(c);
    int n = (int) (count == -1 ? log.items().size() : Math.min(count, log.items().size()));
    Reply r = c.reply();
    r.array(n);
    Iterator<SlowLog.Item> it = log.items().iterator();
    for (int i = 0; i < n; i++) {
      SlowLog.Item e = it.next();
      r.array(6);
      r.integer(e.id());
      r.integer(e.timestampSeconds());
      r.integer(e.micros());
      r.array(e.args().length);
      for (byte[] arg : e.args()) {
        r.bulk(arg);
      }
      r.bulk(e.peer());
      r.bulk(e.clientName());
    }
  }
}
