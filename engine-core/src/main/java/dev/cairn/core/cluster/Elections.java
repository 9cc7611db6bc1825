package dev.cairn.core.cluster;

import dev.cairn.core.log.Log;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replica promotion as Redis does it: a replica of a FAILed master waits a delay by its rank (replicas with more of
 * the stream go first), then asks the masters for their vote in a new epoch (FAILOVER_AUTH_REQUEST); a master votes
 * once per epoch, for a replica of a failed master whose claimed slots are not newer elsewhere; with a majority of
 * the slot-serving masters the replica takes its master's slots with that epoch and tells everyone. Manual failover
 * (CLUSTER FAILOVER): the master pauses writes and tells its offset; the replica catches up, then is elected with
 * the masters' forced vote; FORCE skips the master, TAKEOVER the vote.
 */
final class Elections {
  static final long MF_TIMEOUT = 5000;
  private final Gossip g;
  private final Cluster c;
  private long authTime;
  private int authCount;
  private boolean authSent;
  private int authRank;
  private long authEpoch;
  private long masterDownSince;
  // manual failover
  private long mfEnd;
  private ClusterNode mfReplica;
  private boolean mfCanStart;
  private long mfMasterOffset = -1;

  Elections(Gossip g) {
    this.g = g;
    this.c = g.c;
  }

  boolean pausedForManualFailover() {
    return mfEnd != 0;
  }

  /** A replica in a manual failover learns its master's offset from a PING sent while the master is paused. */
  void masterOffsetSeen(ClusterNode sender, ByteBuf m) {
    if (mfEnd != 0 && c.myself.isReplica() && c.myself.master == sender
        && (m.getByte(BusCodec.MFLAGS) & BusCodec.MFLAG0_PAUSED) != 0 && mfMasterOffset == -1) {
      mfMasterOffset = sender.replOffset;
      Log.log(Log.Level.NOTICE, "Received replication offset for paused master manual failover: " + mfMasterOffset);
    }
  }

  void manualFailover(boolean force, boolean takeover) {
    reset();
    mfEnd = c.now() + MF_TIMEOUT;
    if (takeover) {
      Log.log(Log.Level.NOTICE, "Taking over the master (user request).");
      c.bumpEpochWithoutConsensus();
      replaceMaster();
    } else if (force) {
      Log.log(Log.Level.NOTICE, "Forced failover user request accepted.");
      mfCanStart = true;
    } else {
      Log.log(Log.Level.NOTICE, "Manual failover user request accepted.");
      ClusterNode master = c.myself.master;
      g.send(master, g.message(BusMessage.MFSTART, BusCodec.HEADER), BusMessage.MFSTART);
    }
  }

  private void reset() {
    if (mfReplica != null || (mfEnd != 0 && c.myself.isMaster())) {
      c.engine.pauses().unpause();
    }
    mfEnd = 0;
    mfCanStart = false;
    mfReplica = null;
    mfMasterOffset = -1;
  }

  /** MFSTART from one of our replicas: writes pause, and our offset goes out with the PAUSED flag. */
  void mfStart(ClusterNode replica, BusLink link) {
    reset();
    mfEnd = c.now() + MF_TIMEOUT;
    mfReplica = replica;
    c.engine.pauses().pause(MF_TIMEOUT * 2, true);
    Log.log(Log.Level.NOTICE, "Manual failover requested by replica " + replica.name + " (" + replica.humanNodename
        + ").");
    g.sendPing(link, BusMessage.PING);
  }

  void authRequest(ClusterNode node, ByteBuf request) {
    ClusterNode master = node.master;
    long requestCurrentEpoch = request.getLong(BusCodec.CURRENT_EPOCH);
    long requestConfigEpoch = request.getLong(BusCodec.CONFIG_EPOCH);
    boolean forceAck = (request.getByte(BusCodec.MFLAGS) & BusCodec.MFLAG0_FORCEACK) != 0;
    ClusterNode me = c.myself;
    if (me.isReplica() || me.numSlots == 0) {
      return; // only masters serving slots vote
    }
    if (requestCurrentEpoch < c.currentEpoch || c.lastVoteEpoch == c.currentEpoch) {
      return;
    }
    if (node.isMaster() || master == null || (!master.failed() && !forceAck)) {
      return;
    }
    long now = c.now();
    if (now - master.votedTime < g.timeout() * 2) {
      return; // voted for a replica of this master recently
    }
    java.util.BitSet claimed = BusCodec.slotSet(request, BusCodec.MYSLOTS);
    for (int j = claimed.nextSetBit(0); j >= 0; j = claimed.nextSetBit(j + 1)) {
      if (c.slots[j] != null && c.slots[j].configEpoch > requestConfigEpoch) {
        return; // the replica's view of the slots is stale
      }
    }
    c.lastVoteEpoch = c.currentEpoch;
    master.votedTime = now;
    c.saveNeeded = true;
    g.send(node, g.message(BusMessage.FAILOVER_AUTH_ACK, BusCodec.HEADER), BusMessage.FAILOVER_AUTH_ACK);
    Log.log(Log.Level.NOTICE, "Failover auth granted to " + node.name + " (" + node.humanNodename + ") for epoch "
        + c.currentEpoch);
  }

  void authAck(ClusterNode sender, long senderCurrentEpoch) {
    if (sender.isMaster() && sender.numSlots > 0 && senderCurrentEpoch >= authEpoch) {
      authCount++;
    }
  }

  /** How many replicas of our master have more of its stream than we have. */
  private int rank() {
    ClusterNode master = c.myself.master;
    long mine = c.engine.replication().offset();
    int rank = 0;
    for (ClusterNode r : master.replicas) {
      if (r != c.myself && !r.has(ClusterNode.NOFAILOVER) && r.replOffset > mine) {
        rank++;
      }
    }
    return rank;
  }

  void cron() {
    long now = c.now();
    ClusterNode me = c.myself;
    if (mfEnd != 0 && now > mfEnd) {
      Log.log(Log.Level.WARNING, "Manual failover timed out.");
      reset();
    }
    if (mfEnd != 0 && me.isReplica() && !mfCanStart && mfMasterOffset != -1
        && c.engine.replication().offset() >= mfMasterOffset) {
      mfCanStart = true;
      Log.log(Log.Level.NOTICE, "All master replication stream processed, manual failover can start.");
    }
    if (me.isReplica() && me.master != null) {
      if (c.engine.replication().masterLinkUp()) {
        masterDownSince = 0;
      } else if (masterDownSince == 0) {
        masterDownSince = now;
      }
    }
    boolean manual = mfEnd != 0 && mfCanStart;
    ClusterNode master = me.master;
    if (me.isMaster() || master == null || (!master.failed() && !manual) || master.numSlots == 0
        || (c.params.replicaNoFailover.value && !manual)) {
      return;
    }
    long timeout = g.timeout();
    long authTimeout = Math.max(timeout * 2, 2000);
    long retry = authTimeout * 2;
    long dataAge = masterDownSince == 0 ? 0 : now - masterDownSince;
    if (dataAge > timeout) {
      dataAge -= timeout;
    }
    long factor = c.params.replicaValidityFactor.value;
    if (factor != 0 && !manual && dataAge > c.engine.params().replication.pingPeriod.value * 1000
        + timeout * factor) {
      return; // our data is too old to be a candidate
    }
    if (now - authTime > retry) {
      authTime = now + 500 + ThreadLocalRandom.current().nextInt(500);
      authCount = 0;
      authSent = false;
      authRank = rank();
      authTime += authRank * 1000L;
      if (manual) {
        authTime = now;
        authRank = 0;
      }
      Log.log(Log.Level.NOTICE, "Start of election delayed for " + (authTime - now) + " milliseconds (rank #"
          + authRank + ", offset " + c.engine.replication().offset() + ").");
      g.broadcastPong();
      return;
    }
    if (!authSent && !manual) {
      int newRank = rank();
      if (newRank > authRank) {
        authTime += (newRank - authRank) * 1000L;
        authRank = newRank;
      }
    }
    if (now < authTime || now - authTime > authTimeout) {
      return;
    }
    if (!authSent) {
      c.currentEpoch++;
      authEpoch = c.currentEpoch;
      Log.log(Log.Level.NOTICE, "Starting a failover election for epoch " + c.currentEpoch + ".");
      ByteBuf req = g.message(BusMessage.FAILOVER_AUTH_REQUEST, BusCodec.HEADER);
      if (manual) {
        req.setByte(BusCodec.MFLAGS, req.getByte(BusCodec.MFLAGS) | BusCodec.MFLAG0_FORCEACK);
      }
      g.broadcast(req, BusMessage.FAILOVER_AUTH_REQUEST);
      authSent = true;
      c.saveNeeded = true;
      return;
    }
    int quorum = c.size / 2 + 1;
    if (authCount >= quorum) {
      Log.log(Log.Level.NOTICE, "Failover election won: I'm the new master.");
      if (me.configEpoch < authEpoch) {
        me.configEpoch = authEpoch;
        Log.log(Log.Level.NOTICE, "configEpoch set to " + me.configEpoch + " after successful failover");
      }
      replaceMaster();
      reset();
    }
  }

  /** Myself takes its master's slots and becomes a master; everyone hears it at once. */
  private void replaceMaster() {
    ClusterNode old = c.myself.master;
    if (c.myself.isMaster() || old == null) {
      return;
    }
    g.setNodeAsMaster(c.myself);
    c.engine.replication().replicaOfNoOne(null);
    for (int j = old.slots.nextSetBit(0); j >= 0; j = old.slots.nextSetBit(j + 1)) {
      c.delSlot(j);
      c.addSlot(c.myself, j);
    }
    c.myself.flags &= ~ClusterNode.MIGRATE_TO;
    c.saveNeeded = true;
    c.updateState();
    g.broadcastPong();
  }
}
