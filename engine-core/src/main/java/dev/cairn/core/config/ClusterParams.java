package dev.cairn.core.config;

/** Cluster parameters (read by {@code dev.cairn.core.cluster}). */
public final class ClusterParams extends ParamSet {
  public final Params.Bool enabled;
  public final Params.Text configFile;
  public final Params.Num port;
  public final Params.Num nodeTimeout;
  public final Params.Num pingInterval;
  public final Params.Num migrationBarrier;
  public final Params.Num replicaValidityFactor;
  public final Params.Bool replicaNoFailover;
  public final Params.Bool requireFullCoverage;
  public final Params.Bool allowReadsWhenDown;
  public final Params.Bool allowPubsubshardWhenDown;
  public final Params.Bool allowReplicaMigration;
  public final Params.Text announceIp;
  public final Params.Text announceHostname;
  public final Params.Text announceHumanNodename;
  public final Params.Num announcePort;
  public final Params.Num announceBusPort;
  public final Params.Num announceTlsPort;
  public final Params.Choice preferredEndpointType;
  public final Params.Num linkSendbufLimit;

  ClusterParams(Config c) {
    super(c);
    enabled = immutable(bool("cluster-enabled", false));
    configFile = immutable(text("cluster-config-file", "nodes.conf"));
    port = immutable(num("cluster-port", 0, 0, 65535));
    nodeTimeout = num("cluster-node-timeout", 15000, 0, LONG_MAX);
    pingInterval = hidden(num("cluster-ping-interval", 0, 0, LONG_MAX));
    migrationBarrier = num("cluster-migration-barrier", 1, 0, INT_MAX);
    replicaValidityFactor = num("cluster-replica-validity-factor", 10, 0, INT_MAX, "cluster-slave-validity-factor");
    replicaNoFailover = bool("cluster-replica-no-failover", false, "cluster-slave-no-failover");
    requireFullCoverage = bool("cluster-require-full-coverage", true);
    allowReadsWhenDown = bool("cluster-allow-reads-when-down", false);
    allowPubsubshardWhenDown = bool("cluster-allow-pubsubshard-when-down", true);
    allowReplicaMigration = bool("cluster-allow-replica-migration", true);
    announceIp = text("cluster-announce-ip", "");
    announceHostname = text("cluster-announce-hostname", "");
    announceHumanNodename = text("cluster-announce-human-nodename", "");
    announcePort = num("cluster-announce-port", 0, 0, 65535);
    announceBusPort = num("cluster-announce-bus-port", 0, 0, 65535);
    announceTlsPort = num("cluster-announce-tls-port", 0, 0, 65535);
    preferredEndpointType = choice("cluster-preferred-endpoint-type", "ip",
        new String[] {"ip", "hostname", "unknown-endpoint"});
    linkSendbufLimit = mem("cluster-link-sendbuf-limit", 0, 0, LONG_MAX);
    announceHostname.onApply(() -> checkHostname(announceHostname.value));
    announceHumanNodename.onApply(() -> checkNodename(announceHumanNodename.value));
  }

  /** Redis's check of an announced hostname: it travels in the bus extensions and in nodes.conf. */
  static void checkHostname(String v) throws ConfigException {
    if (v.length() >= 256) {
      throw new ConfigException("Hostnames must be less than 256 characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.')) {
        throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
      }
    }
  }

  /** A human node name goes into nodes.conf's aux fields: none of the characters that would break them. */
  static void checkNodename(String v) throws ConfigException {
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (!Character.isLetterOrDigit(ch) && "!#$%&()*+:;<>?@[]^{|}~".indexOf(ch) >= 0) {
        throw new ConfigException("Announced human node name contained invalid character");
      }
    }
  }
}
