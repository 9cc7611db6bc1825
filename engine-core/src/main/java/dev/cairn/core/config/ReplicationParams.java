package dev.cairn.core.config;

/** Replication and cluster parameters: accepted and stored; Cairn has neither yet (docs/CONFIG.md). */
public final class ReplicationParams extends ParamSet {
  public final SpecialParams.Words replicaof;
  public final Params.Num replBacklogSize;
  public final Params.Num minReplicasToWrite;
  public final Params.Num minReplicasMaxLag;

  ReplicationParams(Config c) {
    super(c);
    replicaof = immutable(add(new SpecialParams.Words("replicaof", "",
        w -> w.length == 0 || w.length == 2 && w[1].matches("\\d{1,5}") && Integer.parseInt(w[1]) <= 65535,
        "Invalid master port", "slaveof").counts(2)));
    text("masteruser", "").markSensitive();
    text("masterauth", "").markSensitive();
    text("replica-announce-ip", "", "slave-announce-ip");
    num("replica-announce-port", 0, 0, 65535, "slave-announce-port");
    bool("replica-lazy-flush", false, "slave-lazy-flush");
    bool("replica-serve-stale-data", true, "slave-serve-stale-data");
    bool("replica-read-only", true, "slave-read-only");
    bool("replica-ignore-maxmemory", true, "slave-ignore-maxmemory");
    bool("replica-announced", true);
    bool("replica-ignore-disk-write-errors", false);
    num("replica-priority", 100, 0, INT_MAX, "slave-priority");
    bool("repl-disable-tcp-nodelay", false);
    bool("repl-diskless-sync", true);
    num("repl-diskless-sync-delay", 5, 0, INT_MAX);
    num("repl-diskless-sync-max-replicas", 0, 0, INT_MAX);
    choice("repl-diskless-load", "disabled", new String[] {"disabled", "on-empty-db", "swapdb"});
    num("repl-timeout", 60, 1, INT_MAX);
    num("repl-ping-replica-period", 10, 1, INT_MAX, "repl-ping-slave-period");
    replBacklogSize = mem("repl-backlog-size", 1024 * 1024, 1, LONG_MAX);
    num("repl-backlog-ttl", 3600, 0, LONG_MAX);
    minReplicasToWrite = num("min-replicas-to-write", 0, 0, INT_MAX, "min-slaves-to-write");
    minReplicasMaxLag = num("min-replicas-max-lag", 10, 0, INT_MAX, "min-slaves-max-lag");
    choice("propagation-error-behavior", "ignore", new String[] {"ignore", "panic", "panic-on-replicas"});

    immutable(bool("cluster-enabled", false));
    immutable(text("cluster-config-file", "nodes.conf"));
    immutable(num("cluster-port", 0, 0, 65535));
    num("cluster-node-timeout", 15000, 0, LONG_MAX);
    hidden(num("cluster-ping-interval", 0, 0, LONG_MAX));
    num("cluster-migration-barrier", 1, 0, INT_MAX);
    num("cluster-replica-validity-factor", 10, 0, INT_MAX, "cluster-slave-validity-factor");
    bool("cluster-replica-no-failover", false, "cluster-slave-no-failover");
    bool("cluster-require-full-coverage", true);
    bool("cluster-allow-reads-when-down", false);
    bool("cluster-allow-pubsubshard-when-down", true);
    bool("cluster-allow-replica-migration", true);
    text("cluster-announce-ip", "");
    text("cluster-announce-hostname", "");
    text("cluster-announce-human-nodename", "");
    num("cluster-announce-port", 0, 0, 65535);
    num("cluster-announce-bus-port", 0, 0, 65535);
    num("cluster-announce-tls-port", 0, 0, 65535);
    choice("cluster-preferred-endpoint-type", "ip", new String[] {"ip", "hostname", "unknown-endpoint"});
    mem("cluster-link-sendbuf-limit", 0, 0, LONG_MAX);
  }
}
