package dev.cairn.core.cluster;

import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.blocking.Blocking;
import dev.cairn.core.command.Command;

/**
 * Clients blocked on keys (BLPOP, BZPOPMIN, XREAD ...) whose slot this node no longer serves are answered as Redis's
 * clusterRedirectBlockedClientIfNeeded answers them: CLUSTERDOWN while the cluster is down (a write that would wake
 * them may never come), CLUSTERDOWN Hash slot not served for an unassigned slot, else MOVED to the slot's owner; a
 * slot being imported keeps its waiters. Module clients blocked without keys get CLUSTERDOWN while the cluster is
 * down, and otherwise stay. Run from the cluster's cron, as Redis runs it from its clients' cron.
 */
final class BlockedRedirects {
  private BlockedRedirects() { }

  static void run(Cluster c) {
    Blocking blocking = c.engine.blocking();
    if (blocking.blockedClients() == 0) {
      return;
    }
    if (!c.ok()) {
      // module clients blocked without keys too: what would wake them may need a write that never comes
      blocking.failHandles(ClusterRouting.DOWN);
    }
    for (Blocking.KeyWait w : blocking.keyWaits()) {
      RedisException error = redirect(c, w);
      if (error != null) {
        c.engine.stats().countError(error.code());
        blocking.release(w.session(), true, r -> r.error(error));
      }
    }
  }

  private static RedisException redirect(Cluster c, Blocking.KeyWait w) {
    if (!c.ok()) {
      return ClusterRouting.DOWN;
    }
    int slot = KeySlot.of(w.firstKey());
    ClusterNode node = c.slots[slot];
    ClusterNode me = c.myself;
    if (w.session().clusterReadonly && me.isReplica() && me.master == node && !writes(c, w.command())) {
      node = me;
    }
    if (node == me || c.importingFrom[slot] != null) {
      return null;
    }
    if (node == null) {
      return ClusterRouting.UNBOUND;
    }
    return ClusterRouting.redirect(c, "MOVED", slot, node, w.session());
  }

  private static boolean writes(Cluster c, byte[][] command) {
    Command cmd = c.engine.commands().lookup(command[0]);
    return cmd != null && cmd.spec.has(Flag.WRITE);
  }
}
