package dev.cairn.core.server;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import java.util.Map;

/** LATENCY LATEST / HISTORY / RESET / HELP over {@link LatencyMonitor}. DOCTOR, GRAPH and HISTOGRAM are not done. */
public final class LatencyCommands implements CommandFamily {
  static final CommandSpec LATENCY = CommandSpec.command("latency", -2).group(Group.SERVER).since("2.8.13")
      .summary("A container for latency diagnostics commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec LATEST = CommandSpec.subcommand("latency", "latest", 2).group(Group.SERVER)
      .since("2.8.13").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
      .summary("Returns the latest latency samples for all events.").complexity("O(1)").build();
  static final CommandSpec HISTORY = CommandSpec.subcommand("latency", "history", 3).group(Group.SERVER)
      .since("2.8.13").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
      .summary("Returns timestamp-latency samples for an event.").complexity("O(1)")
      .args(Arg.string("event")).build();
  static final CommandSpec RESET = CommandSpec.subcommand("latency", "reset", -2).group(Group.SERVER)
      .since("2.8.13").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:agg_sum")
      .summary("Resets the latency data for one or more events.").complexity("O(1)")
      .args(Arg.string("event").optional().multiple()).build();
  static final CommandSpec HELP = CommandSpec.subcommand("latency", "help", 2).group(Group.SERVER).since("2.8.13")
      .flags(Flag.LOADING, Flag.STALE).summary("Returns helpful text about the different subcommands.")
      .complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(LATENCY);
    r.add(LATEST, LatencyCommands::latest);
    r.add(HISTORY, LatencyCommands::history);
    r.add(RESET, LatencyCommands::reset);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "LATENCY",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)"));
  }

  private static LatencyMonitor monitor(CommandContext c) {
    return ((Session) c).engine.latency();
  }

  /** LATENCY LATEST */
  static void latest(CommandContext c, Args a) {
    Map<String, LatencyMonitor.Series> events = monitor(c).events();
    Reply r = c.reply();
    r.array(events.size());
    for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
      LatencyMonitor.Sample last = e.getValue().latest();
      r.array(4);
      r.bulk(e.getKey());
      r.integer(last.timeSeconds());
      r.integer(last.millis());
      r.integer(e.getValue().max());
    }
  }

  /** LATENCY HISTORY event */
  static void history(CommandContext c, Args a) {
    LatencyMonitor.Series s = monitor(c).events().get(a.string(2));
    Reply r = c.reply();
    if (s == null) {
      r.array(0);
      return;
    }
    r.array(s.samples.size());
    for (LatencyMonitor.Sample sample : s.samples()) {
      r.array(2);
      r.integer(sample.timeSeconds());
      r.integer(sample.millis());
    }
  }

  /** LATENCY RESET [event ...] */
  static void reset(CommandContext c, Args a) {
    LatencyMonitor m = monitor(c);
    if (a.size() == 2) {
      c.reply().integer(m.resetAll());
      return;
    }
    int n = 0;
    for (int i = 2; i < a.size(); i++) {
      n += m.reset(a.string(i)) ? 1 : 0;
    }
    c.reply().integer(n);
  }
}
