package dev.cairn.core.server;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;

/**
 * READONLY, READWRITE and ASKING: a cluster client's connection commands (the flags they set are read by
 * {@code cluster.ClusterRouting}). A standalone server answers them with Redis's error.
 */
public final class ClusterClientCommands implements CommandFamily {
  static final CommandSpec READONLY = CommandSpec.command("readonly", 1).group(Group.CLUSTER).since("3.0.0")
      .flags(Flag.FAST, Flag.LOADING, Flag.STALE).acl(AclCategory.CONNECTION).complexity("O(1)")
      .summary("Enables read-only queries for a connection to a Redis Cluster replica node.").build();
  static final CommandSpec READWRITE = CommandSpec.command("readwrite", 1).group(Group.CLUSTER).since("3.0.0")
      .flags(Flag.FAST, Flag.LOADING, Flag.STALE).acl(AclCategory.CONNECTION).complexity("O(1)")
      .summary("Enables read-write queries for a connection to a Reids Cluster replica node.").build();
  static final CommandSpec ASKING = CommandSpec.command("asking", 1).group(Group.CLUSTER).since("3.0.0")
      .flags(Flag.FAST).acl(AclCategory.CONNECTION).complexity("O(1)")
      .summary("Signals that a cluster client is following an -ASK redirect.").build();

  static final RedisException DISABLED = RedisException.err("This instance has cluster support disabled");

  @Override
  public void register(CommandRegistry r) {
    r.add(READONLY, (c, a) -> {
      session(c).clusterReadonly = true;
      c.reply().ok();
    });
    r.add(READWRITE, (c, a) -> {
      session(c).clusterReadonly = false;
      c.reply().ok();
    });
    r.add(ASKING, (c, a) -> {
      session(c).clusterAsking = true;
      c.reply().ok();
    });
  }

  /** The client's session, in cluster mode only (standalone Redis answers these with an error). */
  private static dev.cairn.core.connection.Session session(dev.cairn.api.command.CommandContext c) {
    dev.cairn.core.connection.Session s = (dev.cairn.core.connection.Session) c;
    if (s.engine.cluster() == null) {
      throw DISABLED;
    }
    return s;
  }
}
