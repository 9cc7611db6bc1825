package dev.cairn.core.server;

import dev.cairn.api.reply.Reply;

/** The HELP subcommands' reply, in Redis's layout: a title line, the given lines, then HELP's own entry. */
public final class Help {
  private Help() {}

  public static void reply(Reply r, String command, String... lines) {
    r.array(lines.length + 3);
    r.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String l : lines) {
      r.simple(l);
    }
    r.simple("HELP");
    r.simple("    Prints this help.");
  }
}
