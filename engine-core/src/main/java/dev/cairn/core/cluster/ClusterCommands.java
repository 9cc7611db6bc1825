package dev.cairn.core.cluster;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.Handler;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.Log;
import java.io.IOException;
import java.net.InetAddress;

/**
 * CLUSTER and its subcommands, with Redis 7.2's replies and errors. Without cluster mode every subcommand answers
 * "This instance has cluster support disabled", as Redis does.
 */
public final class ClusterCommands implements CommandFamily {
  static final CommandSpec CLUSTER = CommandSpec.command("cluster", -2).group(Group.CLUSTER).since("3.0.0")
      .summary("A container for Redis Cluster commands.").complexity("Depends on subcommand.").build();

  static final RedisException DISABLED = RedisException.err("This instance has cluster support disabled");
  static final RedisException INVALID_SLOT = RedisException.err("Invalid or out of range slot");

  private static CommandSpec.Builder sub(String name, int arity, String since, Flag... flags) {
    return CommandSpec.subcommand("cluster", name, arity).group(Group.CLUSTER).since(since).flags(flags)
        .acl(AclCategory.SLOW);
  }

  private static final Flag[] ADMIN = {Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.STALE};

  private static final String[] HELP = {
      "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ADDSLOTS <slot> [<slot> ...]",
      "    Assign slots to current node.",
      "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
      "    Assign slots which are between <start-slot> and <end-slot> to current node.",
      "BUMPEPOCH",
      "    Advance the cluster config epoch.",
      "COUNT-FAILURE-REPORTS <node-id>",
      "    Return number of failure reports for <node-id>.",
      "COUNTKEYSINSLOT <slot>",
      "    Return the number of keys in <slot>.",
      "DELSLOTS <slot> [<slot> ...]",
      "    Delete slots information from current node.",
      "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
      "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
      "FAILOVER [FORCE|TAKEOVER]",
      "    Promote current replica node to being a master.",
      "FORGET <node-id>",
      "    Remove a node from the cluster.",
      "GETKEYSINSLOT <slot> <count>",
      "    Return key names stored by current node in a slot.",
      "FLUSHSLOTS",
      "    Delete current node own slots information.",
      "INFO",
      "    Return information about the cluster.",
      "KEYSLOT <key>",
      "    Return the hash slot for <key>.",
      "MEET <ip> <port> [<bus-port>]",
      "    Connect nodes into a working cluster.",
      "MYID",
      "    Return the node id.",
      "MYSHARDID",
      "    Return the node's shard id.",
      "NODES",
      "    Return cluster configuration seen by node. Output format:",
      "    <id> <ip:port@bus-port[,hostname]> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
      "REPLICATE <node-id>",
      "    Configure current node as replica to <node-id>.",
      "RESET [HARD|SOFT]",
      "    Reset current node (default: soft).",
      "SET-CONFIG-EPOCH <epoch>",
      "    Set config epoch of current node.",
      "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
      "    Set slot state.",
      "REPLICAS <node-id>",
      "    Return <node-id> replicas.",
      "SAVECONFIG",
      "    Force saving cluster configuration on disk.",
      "SLOTS",
      "    Return information about slots range mappings. Each range is made of:",
      "    start, end, master and replicas IP addresses, ports and ids",
      "SHARDS",
      "    Return information about slot range mappings and the nodes associated with them.",
      "LINKS",
      "    Return information about all network links between this node and its peers.",
      "    Output format is an array where each array element is a map containing attributes of a link",
      "HELP",
      "    Print this help.",
  };

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(CLUSTER);
    add(r, sub("addslots", -3, "3.0.0", ADMIN).summary("Assigns new hash slots to a node.")
        .complexity("O(N) where N is the total number of hash slot arguments")
        .args(Arg.integer("slot").multiple()), (c, cl, a) -> slots(c, cl, a, false, false));
    add(r, sub("addslotsrange", -4, "7.0.0", ADMIN).summary("Assigns new hash slot ranges to a node.")
        .complexity("O(N) where N is the total number of the slots between the start slot and end slot arguments.")
        .args(Arg.block("range", Arg.integer("start-slot"), Arg.integer("end-slot")).multiple()),
        (c, cl, a) -> slots(c, cl, a, false, true));
    add(r, sub("bumpepoch", 2, "3.0.0", ADMIN).summary("Advances the cluster config epoch.").complexity("O(1)")
        .tips("nondeterministic_output"), (c, cl, a) -> {
          boolean bumped = cl.bumpEpochWithoutConsensus();
          cl.saveIfNeeded();
          c.reply().simple((bumped ? "BUMPED " : "STILL ") + cl.myself.configEpoch);
        });
    add(r, sub("count-failure-reports", 3, "3.0.0", Flag.ADMIN, Flag.STALE)
        .summary("Returns the number of active failure reports active for a node.")
        .complexity("O(N) where N is the number of failure reports").tips("nondeterministic_output")
        .args(Arg.string("node-id")), (c, cl, a) -> c.reply().integer(Failures.count(cl, known(cl, a.string(2)))));
    add(r, sub("countkeysinslot", 3, "3.0.0", Flag.STALE).summary("Returns the number of keys in a hash slot.")
        .complexity("O(1)").args(Arg.integer("slot")), (c, cl, a) -> {
          long slot = a.longArg(2);
          if (slot < 0 || slot >= KeySlot.SLOTS) {
            throw RedisException.err("Invalid slot");
          }
          c.reply().integer(cl.countKeysInSlot((int) slot));
        });
    add(r, sub("delslots", -3, "3.0.0", ADMIN).summary("Sets hash slots as unbound for a node.")
        .complexity("O(N) where N is the total number of hash slot arguments")
        .args(Arg.integer("slot").multiple()), (c, cl, a) -> slots(c, cl, a, true, false));
    add(r, sub("delslotsrange", -4, "7.0.0", ADMIN).summary("Sets hash slot ranges as unbound for a node.")
        .complexity("O(N) where N is the total number of the slots between the start slot and end slot arguments.")
        .args(Arg.block("range", Arg.integer("start-slot"), Arg.integer("end-slot")).multiple()),
        (c, cl, a) -> slots(c, cl, a, true, true));
    add(r, sub("failover", -2, "3.0.0", ADMIN).summary("Forces a replica to perform a manual failover of its master.")
        .complexity("O(1)").args(Arg.oneOf("options", Arg.token("FORCE"), Arg.token("TAKEOVER")).optional()),
        ClusterCommands::failover);
    add(r, sub("flushslots", 2, "3.0.0", ADMIN).summary("Deletes all slots information from a node.")
        .complexity("O(1)"), (c, cl, a) -> {
          if (cl.db().size() != 0) {
            throw RedisException.err("DB must be empty to perform CLUSTER FLUSHSLOTS.");
          }
          cl.delNodeSlots(cl.myself);
          changed(cl);
          c.reply().ok();
        });
    add(r, sub("forget", 3, "3.0.0", ADMIN).summary("Removes a node from the nodes table.").complexity("O(1)")
        .args(Arg.string("node-id")), ClusterCommands::forget);
    add(r, sub("getkeysinslot", 4, "3.0.0", Flag.STALE).summary("Returns the key names in a hash slot.")
        .complexity("O(N) where N is the number of requested keys").tips("nondeterministic_output")
        .args(Arg.integer("slot"), Arg.integer("count")), (c, cl, a) -> {
          long slot = a.longArg(2);
          long max = a.longArg(3);
          if (slot < 0 || slot >= KeySlot.SLOTS || max < 0) {
            throw RedisException.err("Invalid slot or number of keys");
          }
          int n = (int) Math.min(max, cl.countKeysInSlot((int) slot));
          c.reply().array(n);
          cl.db().slots().keys((int) slot, n, k -> c.reply().bulk(k));
        });
    add(r, CommandSpec.subcommand("cluster", "help", 2).group(Group.CLUSTER).since("5.0.0")
        .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.SLOW).complexity("O(1)")
        .summary("Returns helpful text about the different subcommands."), (c, cl, a) -> {
          c.reply().array(HELP.length);
          for (String line : HELP) {
            c.reply().simple(line);
          }
        });
    add(r, sub("info", 2, "3.0.0", Flag.STALE).summary("Returns information about the state of a node.")
        .complexity("O(1)").tips("nondeterministic_output"),
        (c, cl, a) -> c.reply().verbatim("txt", ClusterText.info(cl)));
    add(r, sub("keyslot", 3, "3.0.0", Flag.STALE).summary("Returns the hash slot for a key.")
        .complexity("O(N) where N is the number of bytes in the key").args(Arg.string("key")),
        (c, cl, a) -> c.reply().integer(KeySlot.of(a.get(2))));
    add(r, sub("links", 2, "7.0.0", Flag.STALE).summary("Returns a list of all TCP links to and from peer nodes.")
        .complexity("O(N) where N is the total number of Cluster nodes").tips("nondeterministic_output"),
        (c, cl, a) -> {
          if (cl.bus != null) {
            cl.bus.links(c.reply());
          } else {
            c.reply().array(0);
          }
        });
    add(r, sub("meet", -4, "3.0.0", ADMIN).summary("Forces a node to handshake with another node.")
        .complexity("O(1)").args(Arg.string("ip"), Arg.integer("port"), Arg.integer("cluster-bus-port").optional()),
        ClusterCommands::meet);
    add(r, sub("myid", 2, "3.0.0", Flag.STALE).summary("Returns the ID of a node.").complexity("O(1)"),
        (c, cl, a) -> c.reply().bulk(cl.myself.name));
    add(r, sub("myshardid", 2, "7.2.0", Flag.STALE).summary("Returns the shard ID of a node.").complexity("O(1)")
        .tips("nondeterministic_output"), (c, cl, a) -> c.reply().bulk(cl.myself.shardId));
    add(r, sub("nodes", 2, "3.0.0", Flag.STALE).summary("Returns the cluster configuration for a node.")
        .complexity("O(N) where N is the total number of Cluster nodes").tips("nondeterministic_output"),
        (c, cl, a) -> c.reply().verbatim("txt", ClusterText.nodes(cl)));
    for (String name : new String[] {"replicas", "slaves"}) {
      CommandSpec.Builder b = sub(name, 3, name.equals("replicas") ? "5.0.0" : "3.0.0", Flag.ADMIN, Flag.STALE)
          .summary("Lists the replica nodes of a master node.")
          .complexity("O(N) where N is the number of replicas.").tips("nondeterministic_output")
          .args(Arg.string("node-id"));
      if (name.equals("slaves")) {
        b.deprecated("5.0.0", "`CLUSTER REPLICAS`");
      }
      add(r, b, ClusterCommands::replicas);
    }
    add(r, sub("replicate", 3, "3.0.0", ADMIN).summary("Configure a node as replica of a master node.")
        .complexity("O(1)").args(Arg.string("node-id")), ClusterCommands::replicate);
    add(r, sub("reset", -2, "3.0.0", Flag.ADMIN, Flag.STALE, Flag.NOSCRIPT).summary("Resets a node.")
        .complexity("O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.")
        .args(Arg.oneOf("reset-type", Arg.token("HARD"), Arg.token("SOFT")).optional()), ClusterCommands::reset);
    add(r, sub("saveconfig", 2, "3.0.0", ADMIN).summary("Forces a node to save the cluster configuration to disk.")
        .complexity("O(1)"), (c, cl, a) -> {
          try {
            cl.save();
          } catch (IOException e) {
            throw RedisException.err("error saving the cluster node config: " + e.getMessage());
          }
          c.reply().ok();
        });
    add(r, sub("set-config-epoch", 3, "3.0.0", ADMIN).summary("Sets the configuration epoch for a new node.")
        .complexity("O(1)").args(Arg.integer("config-epoch")), (c, cl, a) -> {
          long epoch = a.longArg(2);
          if (epoch < 0) {
            throw RedisException.err("Invalid config epoch specified: " + epoch);
          } else if (cl.nodes.size() > 1) {
            throw RedisException.err("The user can assign a config epoch only when the node does not know any other "
                + "node.");
          } else if (cl.myself.configEpoch != 0) {
            throw RedisException.err("Node config epoch is already non-zero");
          }
          cl.myself.configEpoch = epoch;
          Log.log(Log.Level.NOTICE, "configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
          cl.currentEpoch = Math.max(cl.currentEpoch, epoch);
          changed(cl);
          c.reply().ok();
        });
    add(r, sub("setslot", -4, "3.0.0", ADMIN).summary("Binds a hash slot to a node.").complexity("O(1)")
        .args(Arg.integer("slot"), Arg.oneOf("subcommand", Arg.block("importing", Arg.token("IMPORTING"),
            Arg.string("node-id")), Arg.block("migrating", Arg.token("MIGRATING"), Arg.string("node-id")),
            Arg.block("node", Arg.token("NODE"), Arg.string("node-id")), Arg.token("STABLE"))),
        SetSlot::run);
    add(r, sub("shards", 2, "7.0.0", Flag.LOADING, Flag.STALE)
        .summary("Returns the mapping of cluster slots to shards.")
        .complexity("O(N) where N is the total number of cluster nodes").tips("nondeterministic_output"),
        (c, cl, a) -> ClusterText.shards(cl, c.reply()));
    add(r, sub("slots", 2, "3.0.0", Flag.LOADING, Flag.STALE)
        .summary("Returns the mapping of cluster slots to nodes.")
        .complexity("O(N) where N is the total number of Cluster nodes").tips("nondeterministic_output"),
        (c, cl, a) -> ClusterText.slots(cl, c.reply()));
  }

  /** A handler that runs only in cluster mode. */
  interface ClusterHandler {
    void handle(CommandContext c, Cluster cluster, Args a);
  }

  private static void add(CommandRegistry r, CommandSpec.Builder b, ClusterHandler h) {
    Handler handler = (c, a) -> {
      Cluster cl = ((Session) c).engine.cluster();
      if (cl == null) {
        throw DISABLED;
      }
      h.handle(c, cl, a);
    };
    r.add(b.build(), handler);
  }

  /** After a change: the state again, and nodes.conf before the reply. */
  static void changed(Cluster cl) {
    cl.saveNeeded = true;
    cl.updateState();
    cl.saveIfNeeded();
  }

  static ClusterNode known(Cluster cl, String name) {
    ClusterNode n = cl.node(name);
    if (n == null) {
      throw RedisException.err("Unknown node " + name);
    }
    return n;
  }

  static int slotArg(byte[] b) {
    long v = Args.parseLongOrMin(b, 0, b.length);
    if (v == Long.MIN_VALUE && !Args.isLong(b) || v < 0 || v >= KeySlot.SLOTS) {
      throw INVALID_SLOT;
    }
    return (int) v;
  }

  /** ADDSLOTS, DELSLOTS and their RANGE forms: all arguments checked before any slot changes. */
  private static void slots(CommandContext c, Cluster cl, Args a, boolean del, boolean ranges) {
    if (ranges && a.size() % 2 == 1) {
      throw Errors.arity(del ? "cluster|delslotsrange" : "cluster|addslotsrange");
    }
    boolean[] chosen = new boolean[KeySlot.SLOTS];
    if (!ranges) {
      for (int j = 2; j < a.size(); j++) {
        slotArg(a.get(j));
      }
    }
    for (int j = 2; j < a.size(); j += ranges ? 2 : 1) {
      int start = slotArg(a.get(j));
      int end = ranges ? slotArg(a.get(j + 1)) : start;
      if (start > end) {
        throw RedisException.err("start slot number " + start + " is greater than end slot number " + end);
      }
      for (int s = start; s <= end; s++) {
        if (del && cl.slots[s] == null) {
          throw RedisException.err("Slot " + s + " is already unassigned");
        } else if (!del && cl.slots[s] != null) {
          throw RedisException.err("Slot " + s + " is already busy");
        }
        if (chosen[s]) {
          throw RedisException.err("Slot " + s + " specified multiple times");
        }
        chosen[s] = true;
      }
    }
    for (int s = 0; s < KeySlot.SLOTS; s++) {
      if (!chosen[s]) {
        continue;
      }
      if (del) {
        cl.delSlot(s);
      } else {
        // an imported slot we now own is no longer being imported
        cl.importingFrom[s] = null;
        cl.addSlot(cl.myself, s);
      }
    }
    changed(cl);
    c.reply().ok();
  }

  private static void meet(CommandContext c, Cluster cl, Args a) {
    if (a.size() > 5) {
      throw Errors.SYNTAX;
    }
    long port = Args.parseLongOrMin(a.get(3), 0, a.get(3).length);
    if (!Args.isLong(a.get(3)) || port < 0 || port > 65535) {
      throw RedisException.err("Invalid base port specified: " + a.string(3));
    }
    long cport = port + Cluster.BUS_PORT_OFFSET;
    if (a.size() == 5) {
      cport = Args.parseLongOrMin(a.get(4), 0, a.get(4).length);
      if (!Args.isLong(a.get(4)) || cport < 0 || cport > 65535) {
        throw RedisException.err("Invalid bus port specified: " + a.string(4));
      }
    }
    String ip = a.string(2);
    String normalized = normalizeIp(ip);
    if (normalized == null || port == 0 || cport == 0 || cport > 65535) {
      throw RedisException.err("Invalid node address specified: " + ip + ":" + a.string(3));
    }
    if (cl.bus == null) {
      throw RedisException.err("Invalid node address specified: " + ip + ":" + a.string(3));
    }
    cl.bus.meet(normalized, (int) port, (int) cport);
    c.reply().ok();
  }

  /** An IP literal in its normal form, or null for anything else (Redis's MEET takes no host names). */
  static String normalizeIp(String ip) {
    if (ip.isEmpty() || !(ip.indexOf(':') >= 0 || ip.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch)))) {
      return null;
    }
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (IOException e) {
      return null;
    }
  }

  private static void forget(CommandContext c, Cluster cl, Args a) {
    String name = a.string(2);
    if (cl.node(name) == null && cl.blacklisted(name)) {
      // already forgotten: another node's forgotten-node extension got here before the command (redis-cli del-node
      // sends FORGET to one node after another), which Redis 7.2 answers as a success
      c.reply().ok();
      return;
    }
    ClusterNode n = known(cl, name);
    if (n == cl.myself) {
      throw RedisException.err("I tried hard but I can't forget myself...");
    }
    if (cl.myself.isReplica() && cl.myself.master == n) {
      throw RedisException.err("Can't forget my master!");
    }
    cl.blacklistAdd(n.name);
    cl.deleteNode(n);
    changed(cl);
    c.reply().ok();
  }

  private static void replicas(CommandContext c, Cluster cl, Args a) {
    ClusterNode n = known(cl, a.string(2));
    if (n.isReplica()) {
      throw RedisException.err("The specified node is not a master");
    }
    c.reply().array(n.replicas.size());
    for (ClusterNode rep : n.replicas) {
      c.reply().bulk(ClusterText.describe(cl, rep, false));
    }
  }

  private static void replicate(CommandContext c, Cluster cl, Args a) {
    ClusterNode n = known(cl, a.string(2));
    if (n == cl.myself) {
      throw RedisException.err("Can't replicate myself");
    }
    if (n.isReplica()) {
      throw RedisException.err("I can only replicate a master, not a replica.");
    }
    if (cl.myself.isMaster() && (cl.myself.numSlots != 0 || cl.db().size() != 0)) {
      throw RedisException.err("To set a master the node must be empty and without assigned slots.");
    }
    cl.setMaster(n);
    changed(cl);
    c.reply().ok();
  }

  private static void reset(CommandContext c, Cluster cl, Args a) {
    boolean hard = false;
    if (a.size() == 3) {
      if (a.is(2, "hard")) {
        hard = true;
      } else if (!a.is(2, "soft")) {
        throw Errors.SYNTAX;
      }
    } else if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    if (cl.myself.isMaster() && cl.db().size() != 0) {
      throw RedisException.err("CLUSTER RESET can't be called with master nodes containing keys");
    }
    Reset.run(cl, hard);
    c.reply().ok();
  }

  private static void failover(CommandContext c, Cluster cl, Args a) {
    boolean force = false;
    boolean takeover = false;
    if (a.size() == 3) {
      if (a.is(2, "force")) {
        force = true;
      } else if (a.is(2, "takeover")) {
        takeover = true;
        force = true;
      } else {
        throw Errors.SYNTAX;
      }
    } else if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    ClusterNode me = cl.myself;
    if (me.isMaster()) {
      throw RedisException.err("You should send CLUSTER FAILOVER to a replica");
    } else if (me.master == null) {
      throw RedisException.err("I'm a replica but my master is unknown to me");
    } else if (!force && (me.master.failed() || me.master.link == null)) {
      throw RedisException.err("Master is down or failed, please use CLUSTER FAILOVER FORCE");
    }
    if (cl.bus == null) {
      throw RedisException.err("This node cannot reach the cluster bus");
    }
    cl.bus.manualFailover(force, takeover);
    c.reply().ok();
  }
}
