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
import dev.cairn.api.reply.RedisException;

/**
 * FUNCTION, for now only FLUSH: Cairn has no function libraries yet, so the library set is always empty and flushing it
 * is true as it stands. The scripting work adds LOAD, LIST, DELETE and the rest to this container.
 */
public final class FunctionCommands implements CommandFamily {
  static final CommandSpec FUNCTION = CommandSpec.command("function", -2).group(Group.SCRIPTING).since("7.0.0")
      .summary("A container for function commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec FLUSH = CommandSpec.subcommand("function", "flush", -2).group(Group.SCRIPTING)
      .since("7.0.0").flags(Flag.WRITE, Flag.NOSCRIPT).acl(AclCategory.SCRIPTING)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .summary("Deletes all libraries and functions.").complexity("O(N) where N is the number of functions deleted")
      .args(Arg.oneOf("flush-type", Arg.token("ASYNC"), Arg.token("SYNC")).optional()).build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(FUNCTION);
    r.add(FLUSH, FunctionCommands::flush);
  }

  /** FUNCTION FLUSH [ASYNC|SYNC] */
  static void flush(CommandContext c, Args a) {
    if (a.size() > 3 || a.size() == 3 && !a.is(2, "async") && !a.is(2, "sync")) {
      throw RedisException.err("FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    c.reply().ok();
  }
}
