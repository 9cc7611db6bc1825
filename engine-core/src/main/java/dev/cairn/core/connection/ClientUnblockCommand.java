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
import dev.cairn.api.reply.RedisException;

/** CLIENT UNBLOCK, registered by the blocking operations (the CLIENT container is {@link ClientCommands}'). */
public final class ClientUnblockCommand implements CommandFamily {
  static final CommandSpec UNBLOCK = CommandSpec.subcommand("client", "unblock", -3).group(Group.CONNECTION)
      .since("5.0.0").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
      .acl(AclCategory.ADMIN, AclCategory.SLOW, AclCategory.DANGEROUS, AclCategory.CONNECTION)
      .summary("Unblocks a client blocked by a blocking command from a different connection.")
      .complexity("O(log N) where N is the number of client connections")
      .args(Arg.integer("client-id"), Arg.oneOf("unblock-type", Arg.token("TIMEOUT"), Arg.token("ERROR")).optional())
      .build();
  static final RedisException BAD_REASON = Errors.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");

  @Override
  public void register(CommandRegistry r) {
    r.add(UNBLOCK, ClientUnblockCommand::unblock);
  }

  /** CLIENT UNBLOCK client-id [TIMEOUT|ERROR] */
  static void unblock(CommandContext c, Args a) {
    long id = a.longArg(2);
    boolean withError = false;
    if (a.size() == 4) {
      if (a.is(3, "error")) {
        withError = true;
      } else if (!a.is(3, "timeout")) {
        throw BAD_REASON;
      }
    } else if (a.size() > 4) {
      throw Errors.SYNTAX;
    }
    Session self = (Session) c;
    Session target = self.engine.client(id);
    boolean done = target != null && self.engine.blocking().unblockByRequest(target, withError);
    c.reply().integer(done ? 1 : 0);
  }
}
