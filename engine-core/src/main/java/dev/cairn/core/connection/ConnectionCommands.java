package dev.cairn.core.connection;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Errors;

/** Connection commands: PING, ECHO, QUIT, SELECT. */
public final class ConnectionCommands implements CommandFamily {
  static final CommandSpec PING = CommandSpec.command("ping", -1).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.FAST, Flag.SENTINEL).acl(AclCategory.CONNECTION)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .summary("Returns the server's liveliness response.").complexity("O(1)")
      .args(Arg.string("message").optional()).build();
  static final CommandSpec ECHO = CommandSpec.command("echo", 2).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).acl(AclCategory.CONNECTION)
      .summary("Returns the given string.").complexity("O(1)").args(Arg.string("message")).build();
  static final CommandSpec QUIT = CommandSpec.command("quit", -1).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.ALLOW_BUSY, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.NO_AUTH)
      .acl(AclCategory.CONNECTION).summary("Closes the connection.").complexity("O(1)")
      .deprecated("7.2.0", "just closing the connection").build();
  static final CommandSpec SELECT = CommandSpec.command("select", 2).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).acl(AclCategory.CONNECTION)
      .summary("Changes the selected database.").complexity("O(1)").args(Arg.integer("index")).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(PING, ConnectionCommands::ping);
    r.add(ECHO, (c, a) -> c.reply().bulk(a.get(1)));
    r.add(QUIT, ConnectionCommands::quit);
    r.add(SELECT, ConnectionCommands::select);
  }

  /** PING [message] */
  static void ping(CommandContext c, Args a) {
    if (a.size() > 2) {
      throw Errors.arity("ping");
    }
    if (a.size() == 1) {
      c.reply().simple("PONG");
    } else {
      c.reply().bulk(a.get(1));
    }
  }

  /** QUIT */
  static void quit(CommandContext c, Args a) {
    Session s = (Session) c;
    s.writer.ok();
    s.connection.closeAfterReply();
  }

  /** SELECT index */
  static void select(CommandContext c, Args a) {
    long idx = a.longArg(1, Errors.err("value is not an integer or out of range"));
    if (idx < 0 || idx >= c.databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    ((Session) c).select((int) idx);
    c.reply().ok();
  }
}
