package dev.cairn.core.command;

import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Handler;
import java.util.Map;
import java.util.TreeMap;

/** A registered command: its spec, its handler (null for a container), its subcommands and its INFO statistics. */
public final class Command {
  public final CommandSpec spec;
  public final Handler handler;
  /** Subcommands of a container, by lower-case name. */
  public final Map<String, Command> subcommands = new TreeMap<>();
  /** The container of a subcommand. */
  public final Command parent;
  /** The command's number in its table (ACL permission bitmaps); -1 for a command outside a table. */
  public int id = -1;

  // INFO commandstats
  public long calls;
  public long microseconds;
  public long rejectedCalls;
  public long failedCalls;
  /** LATENCY HISTOGRAM: created at the first call while latency-tracking is on, dropped by CONFIG RESETSTAT. */
  public LatencyHistogram latency;

  Command(CommandSpec spec, Handler handler, Command parent) {
    this.spec = spec;
    this.handler = handler;
    this.parent = parent;
  }

  public boolean isContainer() {
    return handler == null;
  }

  public String fullName() {
    return spec.fullName();
  }

  /** Finds a subcommand by its (any case) name, or null. */
  public Command subcommand(byte[] name) {
    if (subcommands.isEmpty()) {
      return null;
    }
    return subcommands.get(new String(name, java.nio.charset.StandardCharsets.ISO_8859_1)
        .toLowerCase(java.util.Locale.ROOT));
  }

  public void resetStats() {
    calls = 0;
    microseconds = 0;
    rejectedCalls = 0;
    failedCalls = 0;
    latency = null;
    for (Command sub : subcommands.values()) {
      sub.resetStats();
    }
  }
}
