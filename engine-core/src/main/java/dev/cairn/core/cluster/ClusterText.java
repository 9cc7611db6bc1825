package dev.cairn.core.cluster;

import dev.cairn.api.reply.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cluster's views for clients: CLUSTER NODES lines (also nodes.conf's), INFO, SLOTS and SHARDS replies. */
final class ClusterText {
  private ClusterText() {}

  /**
   * One CLUSTER NODES line: id, ip:port@cport[,hostname], flags, master, ping-sent, pong-received, config epoch,
   * link state, slots, and for myself the slots being migrated or imported. The file's form adds the aux fields.
   */
  static String describe(Cluster c, ClusterNode n, boolean forFile) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(n.name).append(' ').append(n.ip).append(':').append(forFile ? c.defaultPort(n) : c.clientPort(n))
        .append('@').append(n.cport);
    if (!n.hostname.isEmpty()) {
      sb.append(',').append(n.hostname);
    }
    if (forFile) {
      if (n.hostname.isEmpty()) {
        sb.append(',');
      }
      if (!n.humanNodename.isEmpty()) {
        sb.append(",nodename=").append(n.humanNodename);
      }
      sb.append(",shard-id=").append(n.shardId);
      if (n.tlsPort != 0) { // both client ports, as Redis 7.2's aux fields (without: the address's port is the default)
        sb.append(",tcp-port=").append(n.port).append(",tls-port=").append(n.tlsPort);
      }
    }
    sb.append(' ').append(n.flagsString()).append(' ').append(n.master != null ? n.master.name : "-");
    sb.append(' ').append(n.pingSent).append(' ').append(n.pongReceived).append(' ').append(n.shownEpoch());
    sb.append(' ').append(n.link != null || n.isMyself() ? "connected" : "disconnected");
    int start = -1;
    for (int j = n.slots.nextSetBit(0); j >= 0; ) {
      start = j;
      int end = n.slots.nextClearBit(j) - 1;
      sb.append(' ').append(start);
      if (end > start) {
        sb.append('-').append(end);
      }
      j = n.slots.nextSetBit(end + 1);
    }
    if (n.isMyself()) {
      for (int j = 0; j < KeySlot.SLOTS; j++) {
        if (c.migratingTo[j] != null) {
          sb.append(" [").append(j).append("->-").append(c.migratingTo[j].name).append(']');
        } else if (c.importingFrom[j] != null) {
          sb.append(" [").append(j).append("-<-").append(c.importingFrom[j].name).append(']');
        }
      }
    }
    return sb.toString();
  }

  static String nodes(Cluster c) {
    StringBuilder sb = new StringBuilder();
    for (ClusterNode n : c.nodes.values()) {
      sb.append(describe(c, n, false)).append('\n');
    }
    return sb.toString();
  }

  static String info(Cluster c) {
    int assigned = 0;
    int ok = 0;
    int pfail = 0;
    int fail = 0;
    for (ClusterNode n : c.slots) {
      if (n == null) {
        continue;
      }
      assigned++;
      if (n.failed()) {
        fail++;
      } else if (n.timedOut()) {
        pfail++;
      } else {
        ok++;
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("cluster_state:").append(c.ok() ? "ok" : "fail").append("\r\n");
    sb.append("cluster_slots_assigned:").append(assigned).append("\r\n");
    sb.append("cluster_slots_ok:").append(ok).append("\r\n");
    sb.append("cluster_slots_pfail:").append(pfail).append("\r\n");
    sb.append("cluster_slots_fail:").append(fail).append("\r\n");
    sb.append("cluster_known_nodes:").append(c.nodes.size()).append("\r\n");
    sb.append("cluster_size:").append(c.size).append("\r\n");
    sb.append("cluster_current_epoch:").append(c.currentEpoch).append("\r\n");
    sb.append("cluster_my_epoch:").append(c.myself.shownEpoch()).append("\r\n");
    long sent = 0;
    for (int i = 0; i < BusMessage.TYPE_COUNT; i++) {
      if (c.messagesSent[i] != 0) {
        sent += c.messagesSent[i];
        sb.append("cluster_stats_messages_").append(BusMessage.name(i)).append("_sent:").append(c.messagesSent[i])
            .append("\r\n");
      }
    }
    sb.append("cluster_stats_messages_sent:").append(sent).append("\r\n");
    long received = 0;
    for (int i = 0; i < BusMessage.TYPE_COUNT; i++) {
      if (c.messagesReceived[i] != 0) {
        received += c.messagesReceived[i];
        sb.append("cluster_stats_messages_").append(BusMessage.name(i)).append("_received:")
            .append(c.messagesReceived[i]).append("\r\n");
      }
    }
    sb.append("cluster_stats_messages_received:").append(received).append("\r\n");
    sb.append("total_cluster_links_buffer_limit_exceeded:").append(c.linksBufferLimitExceeded).append("\r\n");
    return sb.toString();
  }

  /** Whether CLUSTER SLOTS lists a replica: not failed, and it has replicated something. */
  private static boolean available(Cluster c, ClusterNode r) {
    if (r.failed()) {
      return false;
    }
    long offset = r.isMyself() ? c.engine.replication().offset() : r.replOffset;
    return offset != 0;
  }

  /** CLUSTER SLOTS: each run of slots with one owner, in slot order, with the owner and its available replicas. */
  static void slots(Cluster c, Reply r) {
    List<int[]> ranges = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= KeySlot.SLOTS; i++) {
      ClusterNode n = i < KeySlot.SLOTS ? c.slots[i] : null;
      if (start >= 0 && (i == KeySlot.SLOTS || n != c.slots[start])) {
        ranges.add(new int[] {start, i - 1});
        start = -1;
      }
      if (start < 0 && n != null) {
        start = i;
      }
    }
    r.array(ranges.size());
    for (int[] range : ranges) {
      ClusterNode owner = c.slots[range[0]];
      List<ClusterNode> replicas = new ArrayList<>();
      for (ClusterNode rep : owner.replicas) {
        if (available(c, rep)) {
          replicas.add(rep);
        }
      }
      r.array(3 + replicas.size());
      r.integer(range[0]);
      r.integer(range[1]);
      nodeEntry(c, owner, r);
      for (ClusterNode rep : replicas) {
        nodeEntry(c, rep, r);
      }
    }
  }

  private static void nodeEntry(Cluster c, ClusterNode n, Reply r) {
    r.array(4);
    String type = c.params.preferredEndpointType.value;
    switch (type) {
      case "hostname" -> r.bulk(n.hostname.isEmpty() ? "?" : n.hostname);
      case "unknown-endpoint" -> r.nullBulk();
      default -> r.bulk(n.ip);
    }
    r.integer(c.clientPort(n));
    r.bulk(n.name);
    boolean ip = !type.equals("ip");
    boolean host = !type.equals("hostname") && !n.hostname.isEmpty();
    r.map((ip ? 1 : 0) + (host ? 1 : 0));
    if (ip) {
      r.bulk("ip");
      r.bulk(n.ip);
    }
    if (host) {
      r.bulk("hostname");
      r.bulk(n.hostname);
    }
  }

  /** CLUSTER SHARDS: per shard (nodes sharing a shard id), its master's slot ranges and every node's details. */
  static void shards(Cluster c, Reply r) {
    Map<String, List<ClusterNode>> shards = new LinkedHashMap<>();
    for (ClusterNode n : c.nodes.values()) {
      if (n.inHandshake()) {
        continue;
      }
      shards.computeIfAbsent(n.shardId, k -> new ArrayList<>()).add(n);
    }
    r.array(shards.size());
    for (List<ClusterNode> members : shards.values()) {
      ClusterNode master = members.get(0);
      for (ClusterNode m : members) {
        if (m.isMaster()) {
          master = m;
          break;
        }
        if (m.master != null) {
          master = m.master;
        }
      }
      r.map(2);
      r.bulk("slots");
      List<Integer> pairs = new ArrayList<>();
      for (int j = master.slots.nextSetBit(0); j >= 0; ) {
        int end = master.slots.nextClearBit(j) - 1;
        pairs.add(j);
        pairs.add(end);
        j = master.slots.nextSetBit(end + 1);
      }
      r.array(pairs.size());
      for (int p : pairs) {
        r.integer(p);
      }
      r.bulk("nodes");
      r.array(members.size());
      for (ClusterNode n : members) {
        shardNode(c, n, r);
      }
    }
  }

  private static void shardNode(Cluster c, ClusterNode n, Reply r) {
    boolean host = !n.hostname.isEmpty();
    r.map(6 + (n.port != 0 ? 1 : 0) + (n.tlsPort != 0 ? 1 : 0) + (host ? 1 : 0));
    r.bulk("id");
    r.bulk(n.name);
    if (n.port != 0) {
      r.bulk("port");
      r.integer(n.port);
    }
    if (n.tlsPort != 0) {
      r.bulk("tls-port");
      r.integer(n.tlsPort);
    }
    r.bulk("ip");
    r.bulk(n.ip);
    r.bulk("endpoint");
    r.bulk(c.endpoint(n));
    if (host) {
      r.bulk("hostname");
      r.bulk(n.hostname);
    }
    long offset = n.isMyself() ? c.engine.replication().offset() : n.replOffset;
    r.bulk("role");
    r.bulk(n.isReplica() ? "replica" : "master");
    r.bulk("replication-offset");
    r.integer(offset);
    r.bulk("health");
    r.bulk(n.failed() ? "fail" : n.isReplica() && offset == 0 ? "loading" : "online");
  }
}
