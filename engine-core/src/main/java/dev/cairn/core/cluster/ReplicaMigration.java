package dev.cairn.core.cluster;

import dev.cairn.core.log.Log;

/**
 * Replica migration, as Redis does it: a master that serves slots and used to have replicas (MIGRATE_TO) but has no
 * working one left is orphaned; a replica of the master with the most working replicas, the one with the smallest
 * name among all replicas of such masters, moves to it, provided its own master keeps more than
 * cluster-migration-barrier working replicas and the master has stayed orphaned for a few seconds (the replicas of a
 * master that just failed over get time to say whom they follow now). Off with cluster-allow-replica-migration no.
 */
final class ReplicaMigration {
  /** How long a master must stay orphaned before a replica moves to it. */
  static final long DELAY_MS = 5000;

  private ReplicaMigration() { }

  /** From the cron, on a replica. */
  static void run(Cluster c) {
    ClusterNode me = c.myself;
    if (!me.isReplica() || me.master == null) {
      return;
    }
    // is any master orphaned, and is my master among those with the most working replicas?
    int orphaned = 0;
    int most = 0;
    for (ClusterNode n : c.nodes.values()) {
      if (!n.isMaster() || n.failed()) {
        continue;
      }
      int ok = n.nonFailedReplicas();
      if (ok == 0 && n.numSlots > 0 && n.has(ClusterNode.MIGRATE_TO)) {
        orphaned++;
      }
      most = Math.max(most, ok);
    }
    int mine = me.master.failed() ? 0 : me.master.nonFailedReplicas();
    // a master with a single working replica has none to give
    if (orphaned == 0 || most < 2 || mine != most || !c.params.allowReplicaMigration.value) {
      clearOrphanTimes(c);
      return;
    }
    migrate(c, most);
  }

  private static void clearOrphanTimes(Cluster c) {
    for (ClusterNode n : c.nodes.values()) {
      n.orphanedSince = 0;
    }
  }

  private static void migrate(Cluster c, int most) {
    ClusterNode me = c.myself;
    if (!c.ok() || me.master.okReplicas() <= c.params.migrationBarrier.value) {
      return;
    }
    ClusterNode target = null;
    ClusterNode candidate = me;
    long now = c.now();
    for (ClusterNode n : c.nodes.values()) {
      int ok = n.isMaster() ? n.nonFailedReplicas() : 0;
      boolean orphan = n.isMaster() && !n.failed() && n.has(ClusterNode.MIGRATE_TO) && ok == 0;
      if (orphan) {
        if (target == null && n.numSlots > 0) {
          target = n;
        }
        if (n.orphanedSince == 0) {
          n.orphanedSince = now;
        }
      } else {
        n.orphanedSince = 0;
      }
      // the candidate: the smallest name among the replicas of the masters with the most working replicas
      if (ok == most) {
        for (ClusterNode r : n.replicas) {
          if (r.name.compareTo(candidate.name) < 0) {
            candidate = r;
          }
        }
      }
    }
    if (target != null && candidate == me && now - target.orphanedSince > DELAY_MS) {
      Log.log(Log.Level.NOTICE, "Migrating to orphaned master " + target.name);
      c.setMaster(target);
    }
  }
}
