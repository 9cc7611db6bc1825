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

/** BGREWRITEAOF, WAITAOF. DEBUG LOADAOF and AOF-FLUSH-SLEEP call into {@link Aof} from DebugCommands. */
public final class AofCommands implements CommandFamily {
  static final CommandSpec WAITAOF = CommandSpec.command("waitaof", 4).group(Group.GENERIC).since("7.2.0")
      .flags(Flag.NOSCRIPT).acl(dev.cairn.api.command.AclCategory.CONNECTION)
      .tips("request_policy:all_shards", "response_policy:agg_min")
      .summary("Blocks until all of the preceding write commands sent by the connection are written to the "
          + "append-only file of the master and/or replicas.")
      .complexity("O(1)")
      .args(dev.cairn.api.command.Arg.integer("numlocal"), dev.cairn.api.command.Arg.integer("numreplicas"),
          dev.cairn.api.command.Arg.integer("timeout"))
      .build();
  private static final byte[][] NO_KEYS = new byte[0][];
  static final CommandSpec BGREWRITEAOF = CommandSpec.command("bgrewriteaof", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NOSCRIPT)
      .summary("Asynchronously rewrites the append-only file to disk.").complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.add(BGREWRITEAOF, AofCommands::bgrewriteaof);
    r.add(WAITAOF, AofCommands::waitaof);
  }

  /**
   * WAITAOF numlocal numreplicas timeout: replies [local, replicas] once the client's writes so far are fsynced to the
   * local AOF (numlocal 1) and acknowledged by that many replicas, or when the timeout (ms, 0 for ever) runs out.
   * There are no replicas yet, so asking for any waits for the timeout.
   */
  static void waitaof(CommandContext c, Args a) {
    Session s = (Session) c;
    Aof aof = s.engine.aof();
    var repl = s.engine.replication();
    if (repl.isReplica()) {
      throw RedisException.err("WAITAOF cannot be used with replica instances. Please also note that writes to "
          + "replicas are just local and are not propagated.");
    }
    long numlocal = a.longArg(1);
    long numreplicas = a.longArg(2);
    long timeout = a.longArg(3, dev.cairn.api.reply.RedisException.err("timeout is not an integer or out of range"));
    if (timeout < 0) {
      throw RedisException.err("timeout is negative");
    }
    if (numlocal > 0 && aof.state() == Aof.State.OFF) {
      throw Aof.WAITAOF_AOF_OFF;
    }
    long offset = s.aofOffset;
    long replOffset = s.replOffset;
    boolean local = aof.fsyncedUpTo(offset);
    int replicas = repl.replicasAofAcked(replOffset);
    if ((numlocal <= 0 || local) && replicas >= numreplicas) {
      reply(c, local, replicas);
      return;
    }
    boolean blocked = c.block(NO_KEYS, timeout, r -> {
      repl.forgetWait(s);
      aof.forgetWaiter(s);
      reply(r, aof.fsyncedUpTo(offset), repl.replicasAofAcked(replOffset));
    });
    if (!blocked) {
      reply(c, local, replicas);
      return;
    }
    if (numreplicas <= 0) {
      aof.waitForFsync(s); // the AOF releases it (or fails it if appendonly is turned off)
      return;
    }
    repl.waitFor(s, () -> (numlocal <= 0 || aof.fsyncedUpTo(offset)) && repl.replicasAofAcked(replOffset) >= numreplicas,
        r -> reply(r, aof.fsyncedUpTo(offset), repl.replicasAofAcked(replOffset)));
    if (numreplicas > 0) {
      repl.requestAcks();
    }
  }

  private static void reply(CommandContext c, boolean local, int replicas) {
    reply(c.reply(), local, replicas);
  }

  private static void reply(dev.cairn.api.reply.Reply r, boolean local, int replicas) {
    r.array(2);
    r.integer(local ? 1 : 0);
    r.integer(replicas);
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
