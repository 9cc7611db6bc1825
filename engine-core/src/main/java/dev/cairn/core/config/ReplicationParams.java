package dev.cairn.core.config;

/** Replication parameters (read by {@code dev.cairn.core.replication}); the cluster's are {@link ClusterParams}. */
public final class ReplicationParams extends ParamSet {
  public final SpecialParams.Words replicaof;
  public final Params.Num replBacklogSize;
  public final Params.Num minReplicasToWrite;
  public final Params.Num minReplicasMaxLag;
  public final Params.Text masteruser;
  public final Params.Text masterauth;
  public final Params.Text announceIp;
  public final Params.Num announcePort;
  public final Params.Bool lazyFlush;
  public final Params.Bool serveStaleData;
  public final Params.Bool readOnly;
  public final Params.Bool ignoreMaxmemory;
  public final Params.Num priority;
  /** Whether Sentinel lists this replica (INFO's replica_announced; SENTINEL REPLICAS hides it when 0). */
  public final Params.Bool announced;
  public final Params.Bool disklessSync;
  public final Params.Num disklessSyncDelay;
  public final Params.Num disklessSyncMaxReplicas;
  public final Params.Choice disklessLoad;
  public final Params.Choice propagationErrorBehavior;
  public final Params.Num timeout;
  public final Params.Num pingPeriod;
  public final Params.Num backlogTtl;

  ReplicationParams(Config c) {
    super(c);
    replicaof = immutable(add(new SpecialParams.Words("replicaof", "",
        w -> w.length == 0 || w.length == 2 && w[1].matches("\\d{1,5}") && Integer.parseInt(w[1]) <= 65535,
        "Invalid master port", "slaveof").counts(2)));
    masteruser = text("masteruser", "");
    masteruser.markSensitive();
    masterauth = text("masterauth", "");
    masterauth.markSensitive();
    announceIp = text("replica-announce-ip", "", "slave-announce-ip");
    announcePort = num("replica-announce-port", 0, 0, 65535, "slave-announce-port");
    lazyFlush = bool("replica-lazy-flush", false, "slave-lazy-flush");
    serveStaleData = bool("replica-serve-stale-data", true, "slave-serve-stale-data");
    readOnly = bool("replica-read-only", true, "slave-read-only");
    ignoreMaxmemory = bool("replica-ignore-maxmemory", true, "slave-ignore-maxmemory");
    announced = bool("replica-announced", true);
    bool("replica-ignore-disk-write-errors", false);
    priority = num("replica-priority", 100, 0, INT_MAX, "slave-priority");
    bool("repl-disable-tcp-nodelay", false);
    disklessSync = bool("repl-diskless-sync", true);
    disklessSyncDelay = num("repl-diskless-sync-delay", 5, 0, INT_MAX);
    disklessSyncMaxReplicas = num("repl-diskless-sync-max-replicas", 0, 0, INT_MAX);
    disklessLoad = choice("repl-diskless-load", "disabled", new String[] {"disabled", "on-empty-db", "swapdb"});
    timeout = num("repl-timeout", 60, 1, INT_MAX);
    pingPeriod = num("repl-ping-replica-period", 10, 1, INT_MAX, "repl-ping-slave-period");
    replBacklogSize = mem("repl-backlog-size", 1024 * 1024, 1, LONG_MAX);
    backlogTtl = num("repl-backlog-ttl", 3600, 0, LONG_MAX);
    minReplicasToWrite = num("min-replicas-to-write", 0, 0, INT_MAX, "min-slaves-to-write");
    minReplicasMaxLag = num("min-replicas-max-lag", 10, 0, INT_MAX, "min-slaves-max-lag");
    propagationErrorBehavior = choice("propagation-error-behavior", "ignore", new String[] {"ignore", "panic", "panic-on-replicas"});
  }
}
