package dev.cairn.core.cluster;

/**
 * What the cluster state asks of the cluster bus (the transport that talks to other nodes on the bus port). The
 * server module implements it on Netty; the state calls it on the engine thread.
 */
public interface Bus {
  /** CLUSTER MEET: starts a handshake with the node at that address. */
  void meet(String ip, int port, int cport);

  /** The node left the tables (FORGET, a failed handshake): its links close. */
  void nodeDeleted(ClusterNode n);

  /** Pings, reconnects, failure detection; called from the engine's cron. */
  void cron();

  /** Tells every node our new configuration at once (a slot taken, a failover won). */
  void broadcastPong();

  /** PUBLISH (all nodes) or SPUBLISH (the shard) over the bus. */
  void publish(byte[] channel, byte[] message, boolean sharded);

  /** CLUSTER LINKS: one map per link, inbound and outbound. */
  void links(dev.cairn.api.reply.Reply r);

  /** CLUSTER FAILOVER on a replica: the manual failover (FORCE skips the master's agreement, TAKEOVER the vote). */
  void manualFailover(boolean force, boolean takeover);

  /** DEBUG CLUSTERLINK KILL: frees our link to {@code n} and/or the one it opened to us. */
  void killLinks(ClusterNode n, boolean to, boolean from);

  /** The memory the links hold (INFO mem_cluster_links). */
  long linksMemory();

  /** Closes the listener and every link. */
  void close();
}
