package dev.cairn.core.replication;

import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.ClientInfo;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.Log;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A replica's connection carries the replication stream to it and no replies: a replica that sends a command with a
 * reply on it (a rogue or broken one) is disconnected with Redis's log line, and commands that touch the keyspace are
 * refused first, as Redis does.
 */
public final class ReplicaMisuse {
  static final RedisException KEYSPACE = RedisException.err("Replica can't interact with the keyspace");

  private ReplicaMisuse() {
  }

  /** The error for a keyspace command sent on a replica's connection, or null. */
  public static RedisException refuse(Session s, Command cmd) {
    if (s.replica && (cmd.spec.has(Flag.WRITE) || cmd.spec.has(Flag.READONLY) || cmd.spec.has(Flag.MAY_REPLICATE))) {
      return KEYSPACE;
    }
    return null;
  }

  /**
   * After a command of {@code s}, a replica before it ran: a reply from {@code mark} on is not sent; the replica is
   * disconnected, with Redis's lines (and its critical line when the reply is an error).
   */
  public static void afterCommand(Session s, Command cmd, ByteBuf reply, int mark) {
    if (reply.writerIndex() <= mark) {
      return;
    }
    String name = cmd == null ? "<unknown>" : cmd.fullName();
    StringBuilder info = new StringBuilder();
    ClientInfo.append(info, s, System.currentTimeMillis());
    Log.log(Log.Level.WARNING, "Replica generated a reply to command '" + name + "', disconnecting it: " + info);
    if (reply.getByte(mark) == '-') {
      int end = reply.indexOf(mark, reply.writerIndex(), (byte) '\r');
      String err = reply.toString(mark + 1, Math.max(0, (end < 0 ? reply.writerIndex() : end) - mark - 1),
          StandardCharsets.UTF_8);
      Log.log(Log.Level.WARNING, "== CRITICAL == This master is sending an error to its replica: '" + err
          + "' after processing the command '" + name + "'");
    }
    reply.writerIndex(mark);
    s.connection.closeNow();
  }
}
