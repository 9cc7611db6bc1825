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
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandTable;
import dev.cairn.core.command.LatencyHistogram;
import dev.cairn.core.connection.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** LATENCY LATEST / HISTORY / RESET / HISTOGRAM / DOCTOR / GRAPH / HELP. */
public final class LatencyCommands implements CommandFamily {
  static final CommandSpec LATENCY = CommandSpec.command("latency", -2).group(Group.SERVER).since("2.8.13")
      .summary("A container for latency diagnostics commands.").complexity("Depends on subcommand.").build();
  private static final String[] PER_NODE_SPECIAL =
      {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"};
  static final CommandSpec LATEST = sub("latest", 2, "2.8.13", "Returns the latest latency samples for all events.")
      .tips(PER_NODE_SPECIAL).complexity("O(1)").build();
  static final CommandSpec HISTORY = sub("history", 3, "2.8.13", "Returns timestamp-latency samples for an event.")
      .tips(PER_NODE_SPECIAL).complexity("O(1)").args(Arg.string("event")).build();
  static final CommandSpec RESET = sub("reset", -2, "2.8.13", "Resets the latency data for one or more events.")
      .tips("request_policy:all_nodes", "response_policy:agg_sum").complexity("O(1)")
      .args(Arg.string("event").optional().multiple()).build();
  static final CommandSpec HISTOGRAM = sub("histogram", -2, "7.0.0",
      "Returns the cumulative distribution of latencies of a subset or all commands.").tips(PER_NODE_SPECIAL)
      .complexity("O(N) where N is the number of commands with latency information being retrieved.")
      .args(Arg.string("command").optional().multiple()).build();
  static final CommandSpec DOCTOR = sub("doctor", 2, "2.8.13", "Returns a human-readable latency analysis report.")
      .tips(PER_NODE_SPECIAL).complexity("O(1)").build();
  static final CommandSpec GRAPH = sub("graph", 3, "2.8.13", "Returns a latency graph for an event.")
      .tips(PER_NODE_SPECIAL).complexity("O(1)").args(Arg.string("event")).build();
  static final CommandSpec HELP = CommandSpec.subcommand("latency", "help", 2).group(Group.SERVER).since("2.8.13")
      .flags(Flag.LOADING, Flag.STALE).summary("Returns helpful text about the different subcommands.")
      .complexity("O(1)").build();

  private static CommandSpec.Builder sub(String name, int arity, String since, String summary) {
    return CommandSpec.subcommand("latency", name, arity).group(Group.SERVER).since(since)
        .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE).summary(summary);
  }

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(LATENCY);
    r.add(LATEST, LatencyCommands::latest);
    r.add(HISTORY, LatencyCommands::history);
    r.add(RESET, LatencyCommands::reset);
    r.add(HISTOGRAM, LatencyCommands::histogram);
    r.add(DOCTOR, (c, a) -> c.reply().verbatim("txt", LatencyReport.doctor(monitor(c).events(),
        ((Session) c).engine.params().latencyMonitorThreshold.value)));
    r.add(GRAPH, LatencyCommands::graph);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "LATENCY",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied."));
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

  /** LATENCY GRAPH event */
  static void graph(CommandContext c, Args a) {
    LatencyMonitor.Series s = monitor(c).events().get(a.string(2));
    if (s == null) {
      throw dev.cairn.api.reply.RedisException.err("No samples available for event '" + a.string(2) + "'");
    }
    c.reply().verbatim("txt", LatencyReport.graph(a.string(2), s));
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

  /** LATENCY HISTOGRAM [command ...] */
  static void histogram(CommandContext c, Args a) {
    CommandTable table = ((Session) c).engine.commands();
    List<Command> chosen = new ArrayList<>();
    if (a.size() == 2) {
      for (Command cmd : table.all()) {
        withHistograms(cmd, chosen);
      }
    } else {
      for (int i = 2; i < a.size(); i++) {
        Command cmd = table.lookup(a.string(i).toLowerCase(Locale.ROOT));
        if (cmd != null) {
          withHistograms(cmd, chosen); // a container brings its subcommands
        }
      }
    }
    Reply r = c.reply();
    r.map(chosen.size());
    for (Command cmd : chosen) {
      LatencyHistogram h = cmd.latency;
      r.bulk(cmd.fullName());
      r.map(2);
      r.bulk("calls");
      r.integer(h.total());
      r.bulk("histogram_usec");
      int nonEmpty = 0;
      for (int b = 0; b < LatencyHistogram.buckets(); b++) {
        nonEmpty += h.count(b) > 0 ? 1 : 0;
      }
      r.map(nonEmpty);
      long cumulative = 0;
      for (int b = 0; b < LatencyHistogram.buckets(); b++) {
        cumulative += h.count(b);
        if (h.count(b) > 0) {
          r.integer(LatencyHistogram.bucketMicros(b));
          r.integer(cumulative);
        }
      }
    }
  }

  private static void withHistograms(Command cmd, List<Command> out) {
    if (cmd.latency != null && !out.contains(cmd)) {
      out.add(cmd);
    }
    for (Command sub : cmd.subcommands.values()) {
      withHistograms(sub, out);
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
