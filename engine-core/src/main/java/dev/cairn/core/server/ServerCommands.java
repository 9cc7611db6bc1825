package dev.cairn.core.server;

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
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import java.util.ArrayList;
import java.util.List;

/** INFO, TIME, SHUTDOWN. */
public final class ServerCommands implements CommandFamily {
  static final CommandSpec INFO = CommandSpec.command("info", -1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.DANGEROUS)
      .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
      .summary("Returns information and statistics about the server.").complexity("O(1)")
      .history("7.0.0", "Added support for taking multiple section arguments.")
      .args(Arg.string("section").optional().multiple()).build();
  static final CommandSpec TIME = CommandSpec.command("time", 1).group(Group.SERVER).since("2.6.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).tips("nondeterministic_output")
      .summary("Returns the server time.").complexity("O(1)").build();
  static final CommandSpec SHUTDOWN = CommandSpec.command("shutdown", -1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.NO_MULTI, Flag.SENTINEL, Flag.ALLOW_BUSY)
      .summary("Synchronously saves the database(s) to disk and shuts down the Redis server.")
      .complexity("O(N) when saving, where N is the total number of keys in all databases when saving data, "
          + "otherwise O(1)")
      .history("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")
      .args(Arg.oneOf("save-selector", Arg.token("NOSAVE"), Arg.token("SAVE")).optional(),
          Arg.token("NOW").optional().since("7.0.0"), Arg.token("FORCE").optional().since("7.0.0"),
          Arg.token("ABORT").optional().since("7.0.0"))
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(INFO, ServerCommands::info);
    r.add(TIME, ServerCommands::time);
    r.add(SHUTDOWN, ServerCommands::shutdown);
  }

  /** INFO [section [section ...]] */
  static void info(CommandContext c, Args a) {
    Engine e = ((Session) c).engine;
    List<String> args = new ArrayList<>();
    for (int i = 1; i < a.size(); i++) {
      args.add(a.string(i));
    }
    c.reply().verbatim("txt", new ServerInfo(e).render(ServerInfo.sections(args)));
  }

  /** TIME */
  static void time(CommandContext c, Args a) {
    // the command clock, as Redis replies its cached time (so a script sees one time throughout)
    long us = ((Session) c).engine.keyspace().nowMicros();
    c.reply().array(2);
    c.reply().bulkLong(us / 1_000_000);
    c.reply().bulkLong(us % 1_000_000);
  }

  /** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
  static void shutdown(CommandContext c, Args a) {
    Engine e = ((Session) c).engine;
    boolean save = false;
    boolean nosave = false;
    boolean abort = false;
    boolean force = false;
    boolean now = false;
    for (int i = 1; i < a.size(); i++) {
      if (a.is(i, "nosave")) {
        nosave = true;
      } else if (a.is(i, "save")) {
        save = true;
      } else if (a.is(i, "now")) {
        now = true;
      } else if (a.is(i, "force")) {
        force = true;
      } else if (a.is(i, "abort")) {
        abort = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (abort && a.size() != 2 || save && nosave) {
      throw Errors.SYNTAX;
    }
    if (abort) {
      if (!e.shutdown().abort()) {
        throw RedisException.err("No shutdown in progress.");
      }
      c.reply().ok();
      return;
    }
    int flags = (save ? Shutdown.SAVE : 0) | (nosave ? Shutdown.NOSAVE : 0) | (now ? Shutdown.NOW : 0)
        | (force ? Shutdown.FORCE : 0);
    if (!e.shutdown().prepare(flags)) {
      throw RedisException.err("Errors trying to SHUTDOWN. Check logs.");
    }
    if (e.shutdown().waitingForReplicas()) {
      // lagging replicas are waited for (shutdown-timeout): the client blocks until the shutdown ends or fails
      if (c.block(new byte[0][], 0, r -> { })) {
        e.shutdown().blockUntilDone((Session) c);
        return;
      }
    }
    ((Session) c).connection.closeNow(); // no reply: the client sees the connection close
  }
}
