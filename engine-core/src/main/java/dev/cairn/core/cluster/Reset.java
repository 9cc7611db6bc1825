package dev.cairn.core.cluster;

import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;

/** CLUSTER RESET: myself becomes an empty master that knows nobody; HARD also takes a new name and zero epochs. */
final class Reset {
  private Reset() {}

  static void run(Cluster c, boolean hard) {
    ClusterNode me = c.myself;
    if (me.isReplica()) {
      c.setMyselfMaster();
      // a replica's data was its master's
      for (int i = 0; i < c.engine.keyspace().databases(); i++) {
        c.engine.keyspace().db(i).flush();
      }
    }
    for (int j = 0; j < KeySlot.SLOTS; j++) {
      c.migratingTo[j] = null;
      c.importingFrom[j] = null;
      c.delSlot(j);
    }
    for (ClusterNode n : new java.util.ArrayList<>(c.nodes.values())) {
      if (n != me) {
        c.deleteNode(n);
      }
    }
    c.blacklist.clear();
    if (hard) {
      c.currentEpoch = 0;
      c.lastVoteEpoch = 0;
      me.configEpoch = 0;
      Log.log(Log.Level.NOTICE, "configEpoch set to 0 via CLUSTER RESET HARD");
      c.rename(me, Engine.randomHex(40));
      me.shardId = Engine.randomHex(40);
      Log.log(Log.Level.NOTICE, "Node hard reset, now I'm " + me.name);
    }
    ClusterCommands.changed(c);
  }
}
