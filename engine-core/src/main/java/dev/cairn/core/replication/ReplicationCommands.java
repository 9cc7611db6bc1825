package dev.cairn.core.replication;

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
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;

/** SYNC, PSYNC, REPLCONF (the protocol between a replica and its master), REPLICAOF/SLAVEOF, ROLE, WAIT. */
public final class ReplicationCommands implements CommandFamily {
  static final CommandSpec SYNC = CommandSpec.command("sync", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NO_MULTI, Flag.NOSCRIPT)
      .summary("An internal command used in replication.").build();
  static final CommandSpec PSYNC = CommandSpec.command("psync", -3).group(Group.SERVER).since("2.8.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NO_MULTI, Flag.NOSCRIPT)
      .summary("An internal command used in replication.")
      .args(Arg.string("replicationid"), Arg.integer("offset")).build();
  static final CommandSpec REPLCONF = CommandSpec.command("replconf", -1).group(Group.SERVER).since("3.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.ALLOW_BUSY).sysCmd()
      .summary("An internal command for configuring the replication stream.").complexity("O(1)").build();
  static final CommandSpec ROLE = CommandSpec.command("role", 1).group(Group.SERVER).since("2.8.12")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.SENTINEL)
      .acl(AclCategory.ADMIN, AclCategory.DANGEROUS)
      .summary("Returns the replication role.").complexity("O(1)").build();

  private static CommandSpec replicaof(String name, String since, String summary, boolean deprecated) {
    CommandSpec.Builder b = CommandSpec.command(name, 3).group(Group.SERVER).since(since)
        .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NOSCRIPT, Flag.STALE)
        .summary(summary).complexity("O(1)")
        .args(Arg.oneOf("args", Arg.block("host-port", Arg.string("host"), Arg.integer("port")),
            Arg.block("no-one", Arg.token("NO"), Arg.token("ONE"))));
    if (deprecated) {
      b.deprecated("5.0.0", "`REPLICAOF`");
    }
    return b.build();
  }

  static final CommandSpec REPLICAOF = replicaof("replicaof", "5.0.0",
      "Configures a server as replica of another, or promotes it to a master.", false);
  static final CommandSpec SLAVEOF = replicaof("slaveof", "1.0.0",
      "Sets a Redis server as a replica of another, or promotes it to being a master.", true);
  static final CommandSpec FAILOVER = CommandSpec.command("failover", -1).group(Group.SERVER).since("6.2.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.STALE)
      .summary("Starts a coordinated failover from a server to one of its replicas.").complexity("O(1)")
      .args(Arg.block("target", Arg.string("host"), Arg.integer("port"), Arg.token("FORCE").optional())
              .withToken("TO").optional(),
          Arg.token("ABORT").optional(), Arg.integer("milliseconds").withToken("TIMEOUT").optional()).build();
  static final CommandSpec WAIT = CommandSpec.command("wait", 3)
      .tips("request_policy:all_shards", "response_policy:agg_min").group(Group.GENERIC).since("3.0.0")
      .acl(AclCategory.CONNECTION)
      .summary("Blocks until the asynchronous replication of all preceding write commands sent by the connection is "
          + "completed.")
      .complexity("O(1)")
      .args(Arg.integer("numreplicas"), Arg.integer("timeout")).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(SYNC, (c, a) -> sync(c, a, false));
    r.add(PSYNC, (c, a) -> sync(c, a, true));
    r.add(REPLCONF, ReplicationCommands::replconf);
    r.add(ROLE, ReplicationCommands::role);
    r.add(REPLICAOF, ReplicationCommands::replicaof);
    r.add(SLAVEOF, ReplicationCommands::replicaof);
    r.add(WAIT, ReplicationCommands::await);
    r.add(FAILOVER, (c, a) -> {
      repl(c).failover.command(a);
      c.reply().ok();
    });
  }

  private static Replication repl(CommandContext c) {
    return ((Session) c).engine.replication();
  }

  /** SYNC / PSYNC replicationid offset */
  static void sync(CommandContext c, Args a, boolean psync) {
    Session s = (Session) c;
    Replication repl = repl(c);
    if (s.replica) {
      return; // already a replica: a repeated SYNC is ignored, as Redis does
    }
    if (psync && a.size() > 3 && a.is(3, "failover")) {
      if (!a.string(1).equalsIgnoreCase(s.engine.replId)) {
        throw Failover.MISMATCH;
      }
      repl.replicaOfNoOne(null, "failover request from 'id=" + s.id + " addr=" + s.connection.remoteAddress()
          + "'");
    }
    if (repl.failover.state != Failover.State.NONE) {
      throw RedisException.of("NOMASTERLINK", "Can't SYNC while failing over");
    }
    if (repl.isReplica() && !repl.masterLinkUp()) {
      throw RedisException.of("NOMASTERLINK", "Can't SYNC while not connected with my master");
    }
    if (s.connection.pendingOutputBytes() > 0 || s.writer.buffer().readableBytes() > 0) {
      throw Errors.err("SYNC and PSYNC are invalid with pending output");
    }
    long psyncOffset = 0;
    if (psync) {
      try {
        psyncOffset = a.longArg(2);
      } catch (RedisException e) {
        ReplicaLink h = repl.handshake(s);
        dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.WARNING, "Replica " + h.ip() + ":" + h.listeningPort
            + " asks for synchronization but with a wrong offset");
        throw e;
      }
    }
    ReplicaLink r = repl.handshake(s);
    dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.NOTICE, "Replica " + r.ip() + ":" + r.listeningPort + " asks for synchronization");
    if (psync && repl.tryPartial(r, a.string(1), psyncOffset)) {
      return;
    }
    r.oldSync = !psync;
    repl.fullSync(r);
  }

  /** REPLCONF option value [option value ...] */
  static void replconf(CommandContext c, Args a) {
    Session s = (Session) c;
    Replication repl = repl(c);
    if (a.size() % 2 == 0) {
      throw Errors.SYNTAX;
    }
    for (int i = 1; i < a.size(); i += 2) {
      String opt = a.string(i).toLowerCase(java.util.Locale.ROOT);
      switch (opt) {
        case "listening-port" -> repl.handshake(s).listeningPort = (int) a.longArg(i + 1);
        case "ip-address" -> repl.handshake(s).announcedIp = a.string(i + 1);
        case "capa" -> {
          ReplicaLink r = repl.handshake(s);
          if (a.is(i + 1, "eof")) {
            r.capaEof = true;
          } else if (a.is(i + 1, "psync2")) {
            r.capaPsync2 = true;
          }
        }
        case "ack" -> {
          // no reply: the master never answers its replicas' ACKs
          if (s.replica) {
            long fack = a.size() > i + 3 && a.is(i + 2, "fack") ? a.longArg(i + 3) : -1;
            repl.ack(s, a.longArg(i + 1), fack);
          }
          return;
        }
        case "getack" -> {
          if (s.master) {
            repl.master.sendAck();
          }
          return;
        }
        case "rdb-only", "rdb-filter-only" -> { }
        default -> throw Errors.err("Unrecognized REPLCONF option: " + a.string(i));
      }
    }
    c.reply().ok();
  }

  /** ROLE */
  static void role(CommandContext c, Args a) {
    repl(c).role(c.reply());
  }

  /** REPLICAOF host port | NO ONE */
  static void replicaof(CommandContext c, Args a) {
    Session s = (Session) c;
    if (s.engine.cluster() != null) {
      throw dev.cairn.api.reply.RedisException.err("REPLICAOF not allowed in cluster mode.");
    }
    Replication repl = repl(c);
    if (a.is(1, "no") && a.is(2, "one")) {
      repl.replicaOfNoOne(s);
      c.reply().ok();
      return;
    }
    long port = a.longArg(2);
    if (port < 0 || port > 65535) {
      throw Errors.err("Invalid master port");
    }
    if (repl.isReplica() && repl.master.host.equals(a.string(1)) && repl.master.port == port) {
      dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.NOTICE, "REPLICAOF would result into synchronization with the master we are already "
          + "connected with. No operation performed.");
      c.reply().simple("OK Already connected to specified master");
      return;
    }
    repl.replicaOf(a.string(1), (int) port, s);
    c.reply().ok();
  }

  private static final byte[][] NO_KEYS = new byte[0][];
  static final RedisException TIMEOUT_NOT_INTEGER = Errors.err("timeout is not an integer or out of range");

  /** WAIT numreplicas timeout */
  static void await(CommandContext c, Args a) {
    Session s = (Session) c;
    Replication repl = repl(c);
    if (repl.isReplica()) {
      throw Errors.err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica"
          + " is configured to be writable (which is not the default) writes to replicas are just local and are not "
          + "propagated.");
    }
    long timeout = a.longArg(2, TIMEOUT_NOT_INTEGER); // the timeout is checked first, as Redis does
    if (timeout < 0) {
      throw Errors.err("timeout is negative");
    }
    if (timeout > 0 && timeout > Long.MAX_VALUE - System.currentTimeMillis()) {
      throw Errors.err("timeout is out of range");
    }
    long replicas = a.longArg(1);
    long offset = s.replOffset;
    int acked = repl.replicasAcked(offset);
    if (acked >= replicas || s.denyBlocking > 0) {
      c.reply().integer(acked);
      return;
    }
    if (!c.block(NO_KEYS, timeout, r -> {
      repl.waits.forget(s);
      r.integer(repl.replicasAcked(offset));
    })) {
      c.reply().integer(acked);
      return;
    }
    repl.waits.add(new Waits.Waiter(s, () -> repl.replicasAcked(offset) >= replicas,
        r -> r.integer(repl.replicasAcked(offset))));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
