package dev.cairn.core.cluster;

import dev.cairn.core.Engine;
import dev.cairn.core.config.ClusterParams;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster state of this node (Redis's clusterState), owned by the engine thread: the known nodes, who serves
 * each hash slot, the slots being migrated or imported, the epochs and the cluster's health. Present on the engine
 * only with {@code cluster-enabled yes}. Commands change it through here; every change that must survive a restart
 * is saved to nodes.conf ({@link NodesConf}) before the command replies, as Redis does before it sleeps.
 */
public final class Cluster {
  /** After a start as a master, the cluster stays down this long so that a stale config is corrected first. */
  static final long WRITABLE_DELAY_MS = 2000;
  static final int STATE_OK = 0;
  static final int STATE_FAIL = 1;
  /** The bus port is the client port plus this, unless cluster-port says otherwise. */
  static final int BUS_PORT_OFFSET = 10000;

  final Engine engine;
  final ClusterParams params;
  ClusterNode myself;
  final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  /** Node names forgotten with CLUSTER FORGET, and until when (ms) they are not to be added again. */
  final Map<String, Long> blacklist = new LinkedHashMap<>();
  long currentEpoch;
  long lastVoteEpoch;
  final ClusterNode[] slots = new ClusterNode[KeySlot.SLOTS];
  final ClusterNode[] migratingTo = new ClusterNode[KeySlot.SLOTS];
  final ClusterNode[] importingFrom = new ClusterNode[KeySlot.SLOTS];
  int state = STATE_FAIL;
  int size;
  private final long startedAt = System.currentTimeMillis();
  private long amongMinoritySince;
  final long[] messagesSent = new long[BusMessage.TYPE_COUNT];
  final long[] messagesReceived = new long[BusMessage.TYPE_COUNT];
  long linksBufferLimitExceeded;
  /** DEBUG DROP-CLUSTER-PACKET-FILTER: bus messages of this type are dropped on arrival (-1: none). */
  public long dropPacketFilter = -1;
  private NodesConf conf;
  /** Set when the state changed in a way nodes.conf must keep; saved before the engine sleeps. */
  boolean saveNeeded;
  /** The bus (null until started, and in unit tests that run without sockets). */
  Bus bus;

  public Cluster(Engine engine) {
    this.engine = engine;
    this.params = engine.params().cluster;
  }

  /**
   * Loads nodes.conf, or creates myself with a new name and writes the file (Redis's clusterInit). Refuses a file
   * another process holds. Called before the dataset loads: keys are indexed by slot from the start.
   */
  public void init() throws IOException {
    engine.keyspace().indexSlots();
    Path file = engine.params().dir.resolve(params.configFile.value);
    conf = new NodesConf(this, file);
    conf.lock();
    if (!conf.load()) {
      myself = new ClusterNode(Engine.randomHex(40), ClusterNode.MYSELF | ClusterNode.MASTER, now());
      myself.shardId = Engine.randomHex(40);
      nodes.put(myself.name, myself);
      Log.log(Log.Level.NOTICE, "No cluster configuration found, I'm " + myself.name);
      applyAnnounced();
      save();
    }
    applyAnnounced();
    // CONFIG SET of an announced part takes effect at once: CLUSTER NODES shows it, the next PING carries it
    params.announcePort.listen(v -> reannounce(false));
    params.announceBusPort.listen(v -> reannounce(false));
    params.announceIp.listen(v -> reannounce(true));
    params.announceHostname.listen(v -> reannounce(false));
    params.announceHumanNodename.listen(v -> reannounce(false));
    updateState();
  }

  /** The cluster-announce-ip last applied (a listener is also called once when registered: that is no change). */
  private String announcedIp = "";

  private void reannounce(boolean ip) {
    if (myself == null) {
      return;
    }
    if (ip) {
      String v = params.announceIp.value;
      if (v.isEmpty() && !announcedIp.isEmpty()) {
        myself.ip = ""; // no longer announced: found again from the next PING, as after a start
      }
      announcedIp = v;
    }
    applyAnnounced();
    saveNeeded = true;
  }

  long now() {
    return System.currentTimeMillis();
  }

  /** Sets myself's advertised address parts from the announce parameters and the configured ports. */
  void applyAnnounced() {
    deriveAnnouncedPorts();
    if (!params.announceIp.value.isEmpty()) {
      myself.ip = params.announceIp.value;
    }
    myself.hostname = params.announceHostname.value;
    myself.humanNodename = params.announceHumanNodename.value;
  }

  /**
   * Sets myself's ports (Redis's deriveAnnouncedPorts): each cluster-announce-*port, else the configured port; the bus
   * port is cluster-announce-bus-port, else {@link #busPort()}. From the configuration, not the listeners: this runs
   * before they are bound, and again for every message (a CONFIG SET of a port counts from the next one).
   */
  void deriveAnnouncedPorts() {
    myself.port = params.announcePort.value != 0 ? (int) params.announcePort.value
        : (int) engine.params().port.value;
    myself.tlsPort = params.announceTlsPort.value != 0 ? (int) params.announceTlsPort.value
        : (int) engine.params().process.tlsPort.value;
    myself.cport = params.announceBusPort.value != 0 ? (int) params.announceBusPort.value : busPort();
  }

  /** tls-cluster: the bus is TLS, and a node's first client port is its TLS port (on the bus and nodes.conf). */
  boolean tlsCluster() {
    return engine.params().process.tlsCluster.value;
  }

  /** A node's first client port: TLS under tls-cluster, else plain (Redis's getNodeDefaultClientPort). */
  int defaultPort(ClusterNode n) {
    return tlsCluster() ? n.tlsPort : n.port;
  }

  /** The other one (the header's and gossip's "pport"). */
  int secondaryPort(ClusterNode n) {
    return tlsCluster() ? n.port : n.tlsPort;
  }

  /** Sets a node's ports from a message's port and pport. */
  void setPorts(ClusterNode n, int port, int pport) {
    if (tlsCluster()) {
      n.tlsPort = port;
      n.port = pport;
    } else {
      n.port = port;
      n.tlsPort = pport;
    }
  }

  /**
   * The port CLUSTER SLOTS/NODES/SHARDS/REPLICAS and redirections give for a node: its TLS port to a client connected
   * over TLS, else its plain one; with no client connection (a module's call) the default port, as Redis 7.2.
   */
  public int clientPort(ClusterNode n) {
    return clientPort(n, engine.dispatcher().executing());
  }

  /** As {@link #clientPort(ClusterNode)} for client {@code s} (a redirection, decided before its command runs). */
  int clientPort(ClusterNode n, dev.cairn.core.connection.Session s) {
    boolean tls = s != null && s.connection != null ? s.connection.tls() : tlsCluster();
    return tls ? n.tlsPort : n.port;
  }

  /**
   * The port the bus listens on: cluster-port, else this node's default client port + 10000, which is the TLS port
   * under tls-cluster (a TLS-only node has plain port 0), as Redis's clusterInitListeners.
   */
  public int busPort() {
    if (params.port.value != 0) {
      return (int) params.port.value;
    }
    long clientPort = tlsCluster() ? engine.params().process.tlsPort.value : engine.params().port.value;
    return (int) clientPort + BUS_PORT_OFFSET;
  }

  public ClusterNode myself() {
    return myself;
  }

  public ClusterNode node(String name) {
    return nodes.get(name);
  }

  public java.util.Collection<ClusterNode> nodes() {
    return nodes.values();
  }

  public ClusterNode slotOwner(int slot) {
    return slots[slot];
  }

  public boolean ok() {
    return state == STATE_OK;
  }

  public long currentEpoch() {
    return currentEpoch;
  }

  public Db db() {
    return engine.keyspace().db(0);
  }

  public int countKeysInSlot(int slot) {
    return db().slots().count(slot);
  }

  // ---- slots

  boolean addSlot(ClusterNode n, int slot) {
    if (slots[slot] != null) {
      return false;
    }
    n.addSlot(slot);
    slots[slot] = n;
    return true;
  }

  boolean delSlot(int slot) {
    ClusterNode n = slots[slot];
    if (n == null) {
      return false;
    }
    n.delSlot(slot);
    slots[slot] = null;
    return true;
  }

  int delNodeSlots(ClusterNode n) {
    int deleted = 0;
    for (int j = n.slots.nextSetBit(0); j >= 0; j = n.slots.nextSetBit(j + 1)) {
      if (n.isMyself()) {
        importingFrom[j] = null;
        migratingTo[j] = null;
      }
      delSlot(j);
      deleted++;
    }
    return deleted;
  }

  // ---- nodes

  void addNode(ClusterNode n) {
    nodes.put(n.name, n);
  }

  /** Removes a node from the tables: its slots, its place among its master's replicas, its failure reports. */
  void deleteNode(ClusterNode n) {
    for (int j = 0; j < KeySlot.SLOTS; j++) {
      if (importingFrom[j] == n) {
        importingFrom[j] = null;
      }
      if (migratingTo[j] == n) {
        migratingTo[j] = null;
      }
      if (slots[j] == n) {
        delSlot(j);
      }
    }
    for (ClusterNode other : nodes.values()) {
      other.failReports.remove(n);
    }
    if (n.master != null) {
      n.master.removeReplica(n);
    }
    for (ClusterNode r : n.replicas) {
      if (r.master == n) {
        r.master = null;
      }
    }
    nodes.remove(n.name);
    if (bus != null) {
      bus.nodeDeleted(n);
    }
  }

  /** Renames a node met by address once its first PONG tells its real name. */
  void rename(ClusterNode n, String newName) {
    nodes.remove(n.name);
    n.name = newName;
    nodes.put(newName, n);
  }

  /** Seconds a forgotten node stays banned from being added by gossip, as in Redis. */
  static final long BLACKLIST_TTL = 60;

  void blacklistAdd(String name) {
    blacklistCleanup();
    blacklist.put(name, now() / 1000 + BLACKLIST_TTL);
  }

  boolean blacklisted(String name) {
    blacklistCleanup();
    return blacklist.containsKey(name);
  }

  private void blacklistCleanup() {
    long now = now() / 1000;
    blacklist.values().removeIf(expire -> expire < now);
  }

  /** Makes {@code n} the master of myself (CLUSTER REPLICATE, a lost slot, a failover elsewhere): replication follows. */
  void setMaster(ClusterNode n) {
    if (myself.isMaster()) {
      myself.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
      myself.flags |= ClusterNode.SLAVE;
      for (int j = 0; j < KeySlot.SLOTS; j++) {
        importingFrom[j] = null;
        migratingTo[j] = null;
      }
    }
    if (myself.master != null) {
      myself.master.removeReplica(myself);
    }
    myself.master = n;
    n.addReplica(myself);
    myself.shardId = n.shardId;
    // tls-replication: the master's TLS port (Redis's getNodeDefaultReplicationPort)
    int replPort = engine.config().find("tls-replication").get().equals("yes") ? n.tlsPort : n.port;
    if (!n.ip.isEmpty() && replPort > 0) {
      engine.replication().replicaOf(n.ip, replPort, null);
    }
    saveNeeded = true;
  }

  /** Myself becomes a master (a won election, CLUSTER RESET of a replica, a manual takeover). */
  void setMyselfMaster() {
    if (myself.isMaster()) {
      return;
    }
    if (myself.master != null) {
      myself.master.removeReplica(myself);
    }
    myself.flags &= ~ClusterNode.SLAVE;
    myself.flags |= ClusterNode.MASTER;
    myself.master = null;
    engine.replication().replicaOfNoOne(null);
    saveNeeded = true;
  }

  /** CLUSTER BUMPEPOCH and the end of an import: a new config epoch without agreement, unless mine is already the top. */
  boolean bumpEpochWithoutConsensus() {
    long maxEpoch = maxEpoch();
    if (myself.configEpoch == 0 || myself.configEpoch != maxEpoch) {
      currentEpoch++;
      myself.configEpoch = currentEpoch;
      saveNeeded = true;
      Log.log(Log.Level.NOTICE, "New configEpoch set to " + myself.configEpoch);
      return true;
    }
    return false;
  }

  long maxEpoch() {
    long max = currentEpoch;
    for (ClusterNode n : nodes.values()) {
      max = Math.max(max, n.configEpoch);
    }
    return max;
  }

  // ---- state

  /**
   * Recomputes cluster_state and cluster_size as Redis does: down when a slot is unserved or served by a failed node
   * (under cluster-require-full-coverage), or when fewer than a majority of the masters that serve slots are
   * reachable; a master that just started stays down for a moment.
   */
  public void updateState() {
    if (myself.isMaster() && state == STATE_FAIL && now() - startedAt < WRITABLE_DELAY_MS) {
      return;
    }
    int newState = STATE_OK;
    if (params.requireFullCoverage.value) {
      for (int j = 0; j < KeySlot.SLOTS; j++) {
        if (slots[j] == null || slots[j].failed()) {
          newState = STATE_FAIL;
          break;
        }
      }
    }
    int reachable = 0;
    size = 0;
    for (ClusterNode n : nodes.values()) {
      if (n.isMaster() && n.numSlots > 0) {
        size++;
        if (!n.failed() && !n.timedOut()) {
          reachable++;
        }
      }
    }
    int quorum = size / 2 + 1;
    if (reachable < quorum) {
      newState = STATE_FAIL;
      amongMinoritySince = now();
    }
    if (newState != state) {
      // a master of the minority side waits before it takes writes again, so the majority's view reaches it first
      long rejoinDelay = Math.max(500, Math.min(5000, params.nodeTimeout.value));
      if (newState == STATE_OK && myself.isMaster() && now() - amongMinoritySince < rejoinDelay) {
        return;
      }
      Log.log(Log.Level.NOTICE, newState == STATE_OK ? "Cluster state changed: ok" : "Cluster state changed: fail");
      state = newState;
    }
  }

  /** Saves nodes.conf when something changed; called after commands and bus events, and from the cron. */
  public void saveIfNeeded() {
    if (saveNeeded) {
      try {
        save();
      } catch (IOException e) {
        Log.log(Log.Level.WARNING, "Could not save the cluster config: " + e.getMessage());
      }
    }
  }

  void save() throws IOException {
    saveNeeded = false;
    conf.save();
  }

  /** The masters serving at least one slot, for CLUSTER SHARDS and the failure majority. */
  List<ClusterNode> masters() {
    List<ClusterNode> out = new ArrayList<>();
    for (ClusterNode n : nodes.values()) {
      if (n.isMaster()) {
        out.add(n);
      }
    }
    return out;
  }

  /** The address a client should use for a node: ip, hostname or "?" (cluster-preferred-endpoint-type). */
  String endpoint(ClusterNode n) {
    return switch (params.preferredEndpointType.value) {
      case "hostname" -> n.hostname.isEmpty() ? "?" : n.hostname;
      case "unknown-endpoint" -> "";
      default -> n.ip;
    };
  }

  /** The cron: failure detection, pings, the state; called hz times a second from the engine's cron. */
  public void cron() {
    if (bus != null) {
      bus.cron();
    }
    updateState();
    BlockedRedirects.run(this);
    saveIfNeeded();
  }

  /** PUBLISH and SPUBLISH reach the other nodes over the bus. */
  public void publish(byte[] channel, byte[] message, boolean sharded) {
    if (bus != null) {
      bus.publish(channel, message, sharded);
    }
  }

  public void stop() {
    if (bus != null) {
      Bus b = bus;
      bus = null;
      b.close();
    }
    if (conf != null) {
      conf.unlock();
    }
  }

  /** DEBUG CLUSTERLINK KILL to|from|all node-id. */
  public void killLinks(String name, String direction) {
    ClusterNode n = nodes.get(name);
    if (n == null) {
      throw dev.cairn.api.reply.RedisException.err("Unknown node " + name);
    }
    boolean to = direction.equalsIgnoreCase("to") || direction.equalsIgnoreCase("all");
    boolean from = direction.equalsIgnoreCase("from") || direction.equalsIgnoreCase("all");
    if (!to && !from) {
      throw dev.cairn.api.reply.RedisException.err("Unknown direction " + direction);
    }
    if (bus != null) {
      bus.killLinks(n, to, from);
    }
  }

  /** INFO mem_cluster_links. */
  public long linksMemory() {
    return bus == null ? 0 : bus.linksMemory();
  }

  /** Starts the bus listener (server side); null bus means this node cannot talk to others. */
  public void attachBus(Bus b) {
    this.bus = b;
  }

  public Bus bus() {
    return bus;
  }

  public Engine engine() {
    return engine;
  }
}
