package dev.cairn.core.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** A node of the cluster as this node knows it (Redis's clusterNode): address, flags, role, epochs and slots. */
public final class ClusterNode {
  // flag bits, with Redis's values (they travel in the bus header)
  public static final int MASTER = 1;
  public static final int SLAVE = 2;
  public static final int PFAIL = 4;
  public static final int FAIL = 8;
  public static final int MYSELF = 16;
  public static final int HANDSHAKE = 32;
  public static final int NOADDR = 64;
  public static final int MEET = 128;
  public static final int MIGRATE_TO = 256;
  public static final int NOFAILOVER = 512;

  /** 40 hex characters. */
  public String name;
  public String shardId;
  public int flags;
  public String ip = "";
  /** The client port (plain TCP) and the TLS port (0: none), as Redis 7.2 keeps both per node. */
  public int port;
  public int tlsPort;
  public int cport;
  public String hostname = "";
  public String humanNodename = "";
  public long configEpoch;
  public ClusterNode master;
  public final List<ClusterNode> replicas = new ArrayList<>();
  public final BitSet slots = new BitSet(KeySlot.SLOTS);
  public int numSlots;
  /** Milliseconds: when the last PING was sent (0: none pending), when the last PONG came, when created. */
  public long pingSent;
  public long pongReceived;
  public long dataReceived;
  public final long ctime;
  public long failTime;
  public long votedTime;
  public long replOffset;
  /** When we last sent this node a MEET (0: never). */
  long meetSent;
  /**
   * When a MEET handshake with this node (either way) began, for the handshakes that named it (0: learnt by gossip or
   * from nodes.conf): a FORGET older than that is not about this meeting (see {@link Gossip}).
   */
  long metAt;
  /** Failure reports by other masters: node and when (see {@link Failures}). */
  public final java.util.Map<ClusterNode, Long> failReports = new java.util.LinkedHashMap<>();
  /** The bus link we opened to it (outbound) and the one it opened to us (inbound); null when none. */
  public Object link;
  public Object inboundLink;

  public ClusterNode(String name, int flags, long now) {
    this.name = name;
    this.flags = flags;
    this.ctime = now;
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  public boolean isMaster() {
    return has(MASTER);
  }

  public boolean isReplica() {
    return has(SLAVE);
  }

  public boolean isMyself() {
    return has(MYSELF);
  }

  public boolean failed() {
    return has(FAIL);
  }

  public boolean timedOut() {
    return has(PFAIL);
  }

  public boolean inHandshake() {
    return has(HANDSHAKE);
  }

  boolean addSlot(int slot) {
    if (slots.get(slot)) {
      return false;
    }
    slots.set(slot);
    numSlots++;
    return true;
  }

  boolean delSlot(int slot) {
    if (!slots.get(slot)) {
      return false;
    }
    slots.clear(slot);
    numSlots--;
    return true;
  }

  /** The flags as CLUSTER NODES writes them: "myself,master", "slave,fail?", "noflags". */
  public String flagsString() {
    StringBuilder sb = new StringBuilder();
    String[] names = {"myself", "master", "slave", "fail?", "fail", "handshake", "noaddr", "nofailover"};
    int[] bits = {MYSELF, MASTER, SLAVE, PFAIL, FAIL, HANDSHAKE, NOADDR, NOFAILOVER};
    for (int i = 0; i < bits.length; i++) {
      if (has(bits[i])) {
        if (!sb.isEmpty()) {
          sb.append(',');
        }
        sb.append(names[i]);
      }
    }
    return sb.isEmpty() ? "noflags" : sb.toString();
  }

  /** The epoch CLUSTER NODES shows: a replica shows its master's. */
  public long shownEpoch() {
    return isReplica() && master != null ? master.configEpoch : configEpoch;
  }

  /** A master that has had a replica is one replica migration may give a replica to again (MIGRATE_TO). */
  void addReplica(ClusterNode r) {
    if (!replicas.contains(r)) {
      replicas.add(r);
    }
    flags |= MIGRATE_TO;
  }

  void removeReplica(ClusterNode r) {
    replicas.remove(r);
  }

  /** Replicas not marked FAIL (a master without any is orphaned). */
  public int nonFailedReplicas() {
    int n = 0;
    for (ClusterNode r : replicas) {
      if (!r.failed()) {
        n++;
      }
    }
    return n;
  }

  /** When this master was first seen orphaned (0: it is not), for the delay before a replica migrates to it. */
  long orphanedSince;

  /** Replicas neither FAIL nor PFAIL (cluster-migration-barrier counts these). */
  public int okReplicas() {
    int n = 0;
    for (ClusterNode r : replicas) {
      if (!r.failed() && !r.timedOut()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return name;
  }
}
