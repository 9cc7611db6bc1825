package dev.cairn.core.cluster;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.log.Log;

/** CLUSTER SETSLOT slot IMPORTING|MIGRATING|NODE node-id, or STABLE: the steps of a slot's migration. */
final class SetSlot {
  private SetSlot() {}

  static void run(CommandContext c, Cluster cl, Args a) {
    if (cl.myself.isReplica()) {
      throw RedisException.err("Please use SETSLOT only with masters.");
    }
    int slot = ClusterCommands.slotArg(a.get(2));
    ClusterNode me = cl.myself;
    if (a.is(3, "migrating") && a.size() == 5) {
      if (cl.slots[slot] != me) {
        throw RedisException.err("I'm not the owner of hash slot " + slot);
      }
      ClusterNode n = target(cl, a.string(4), "I don't know about node ");
      cl.migratingTo[slot] = n;
    } else if (a.is(3, "importing") && a.size() == 5) {
      if (cl.slots[slot] == me) {
        throw RedisException.err("I'm already the owner of hash slot " + slot);
      }
      ClusterNode n = target(cl, a.string(4), "I don't know about node ");
      cl.importingFrom[slot] = n;
    } else if (a.is(3, "stable") && a.size() == 4) {
      cl.importingFrom[slot] = null;
      cl.migratingTo[slot] = null;
    } else if (a.is(3, "node") && a.size() == 5) {
      ClusterNode n = target(cl, a.string(4), "Unknown node ");
      int keys = cl.countKeysInSlot(slot);
      if (cl.slots[slot] == me && n != me && keys != 0) {
        throw RedisException.err("Can't assign hashslot " + slot + " to a different node while I still hold keys for "
            + "this hash slot.");
      }
      if (keys == 0 && cl.migratingTo[slot] != null) {
        cl.migratingTo[slot] = null;
      }
      boolean wasMine = cl.slots[slot] == me;
      cl.delSlot(slot);
      cl.addSlot(n, slot);
      if (wasMine && n != me && me.numSlots == 0 && cl.params.allowReplicaMigration.value) {
        Log.log(Log.Level.NOTICE, "Configuration change detected. Reconfiguring myself as a replica of " + n.name + " ("
            + n.humanNodename + ")");
        cl.setMaster(n);
      }
      if (n == me && cl.importingFrom[slot] != null) {
        // the slot was moved by hand: a new epoch makes this node's claim win everywhere
        if (cl.bumpEpochWithoutConsensus()) {
          Log.log(Log.Level.NOTICE, "configEpoch updated after importing slot " + slot);
        }
        cl.importingFrom[slot] = null;
        if (cl.bus != null) {
          cl.bus.broadcastPong();
        }
      }
    } else {
      throw RedisException.err("Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    }
    ClusterCommands.changed(cl);
    c.reply().ok();
  }

  private static ClusterNode target(Cluster cl, String name, String unknown) {
    ClusterNode n = cl.node(name);
    if (n == null) {
      throw RedisException.err(unknown + name);
    }
    if (n.isReplica()) {
      throw RedisException.err("Target node is not a master");
    }
    return n;
  }
}
