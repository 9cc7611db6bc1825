package dev.cairn.core.aof;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;

/** BGREWRITEAOF. DEBUG LOADAOF and AOF-FLUSH-SLEEP call into {@link Aof} from DebugCommands. */
public final class AofCommands implements CommandFamily {
  static final CommandSpec BGREWRITEAOF = CommandSpec.command("bgrewriteaof", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NOSCRIPT)
      .summary("Asynchronously rewrites the append-only file to disk.").complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.add(BGREWRITEAOF, AofCommands::bgrewriteaof);
  }

  /** BGREWRITEAOF */
  static void bgrewriteaof(CommandContext c, Args a) {
    Aof aof = ((Session) c).engine.aof();
    switch (aof.requestRewrite()) {
      case STARTED -> c.reply().simple("Background append only file rewriting started");
      case SCHEDULED -> c.reply().simple("Background append only file rewriting scheduled");
      case ALREADY_RUNNING -> throw RedisException.err("Background append only file rewriting already in progress");
      case FAILED -> throw RedisException.err("Can't execute an AOF background rewriting. "
          + "Please check the server logs for more information.");
    }
  }
}
