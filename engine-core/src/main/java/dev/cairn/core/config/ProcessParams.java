package dev.cairn.core.config;

import java.util.List;
import java.util.Set;

/**
 * Process, logging, security, TLS and tuning parameters that Cairn accepts and stores; which of them have an effect is
 * listed in docs/CONFIG.md.
 */
public final class ProcessParams extends ParamSet {
  private static final String[] PROTECTED_ACTION = {"no", "yes", "local"};
  private static final Set<String> SHUTDOWN_FLAGS = Set.of("save", "nosave", "now", "force");
  private static final List<String> SHUTDOWN_FLAG_ORDER = List.of("default", "save", "nosave", "now", "force");

  public final Params.Bool daemonize;
  public final Params.Text pidfile;
  public final Params.Choice loglevel;
  public final Params.Text logfile;
  public final Params.Bool syslogEnabled;
  public final Params.Text syslogIdent;
  public final Params.Choice syslogFacility;
  public final SpecialParams.Words shutdownOnSigint;
  public final SpecialParams.Words shutdownOnSigterm;
  public final Params.Num shutdownTimeout;
  public final Params.Bool alwaysShowLogo;
  public final Params.Bool protectedMode;
  public final Params.Choice enableProtectedConfigs;
  public final Params.Choice enableDebugCommand;
  public final Params.Choice enableModuleCommand;
  public final Params.Bool latencyTracking;
  public final SpecialParams.Words latencyTrackingInfoPercentiles;
  public final Params.Num tcpKeepalive;
  public final Params.Num tcpBacklog;
  public final Params.Num busyReplyThreshold;
  public final Params.Num acllogMaxLen;
  public final Params.Text aclfile;
  public final Params.Choice aclPubsubDefault;
  public final Params.Num trackingTableMaxKeys;
  /** The TLS client port as configured (the listener may not be bound yet: the cluster reads it at start-up). */
  public final Params.Num tlsPort;
  public final Params.Bool tlsCluster;

  ProcessParams(Config c) {
    super(c);
    daemonize = immutable(bool("daemonize", false));
    pidfile = immutable(text("pidfile", ""));
    logfile = immutable(text("logfile", ""));
    loglevel = choice("loglevel", "notice", new String[] {"debug", "verbose", "notice", "warning", "nothing"});
    syslogEnabled = immutable(bool("syslog-enabled", false));
    syslogIdent = immutable(text("syslog-ident", "redis"));
    syslogFacility = immutable(choice("syslog-facility", "local0",
        new String[] {"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}));
    immutable(choice("supervised", "no", new String[] {"upstart", "systemd", "auto", "no"}));
    alwaysShowLogo = immutable(bool("always-show-logo", false));
    immutable(bool("set-proc-title", true));
    text("proc-title-template", "{title} {listen-addr} {server-mode}");
    immutable(bool("disable-thp", true));
    bool("crash-log-enabled", true);
    bool("crash-memcheck-enabled", true);
    hidden(bool("use-exit-on-panic", false));
    hidden(immutable(text("req-res-logfile", "")));
    text("locale-collate", "");
    text("ignore-warnings", "");
    immutable(num("io-threads", 1, 1, 128));
    immutable(bool("io-threads-do-reads", false));
    bool("dynamic-hz", true);
    immutable(text("server_cpulist", ""));
    immutable(text("bio_cpulist", ""));
    immutable(text("aof_rewrite_cpulist", ""));
    immutable(text("bgsave_cpulist", ""));
    hidden(num("watchdog-period", 0, 0, INT_MAX));
    shutdownOnSigint = add(shutdownOnSignal("shutdown-on-sigint"));
    shutdownOnSigterm = add(shutdownOnSignal("shutdown-on-sigterm"));
    shutdownTimeout = num("shutdown-timeout", 10, 0, INT_MAX);

    protectedMode = bool("protected-mode", true);
    enableProtectedConfigs = immutable(choice("enable-protected-configs", "no", PROTECTED_ACTION));
    enableDebugCommand = immutable(choice("enable-debug-command", "no", PROTECTED_ACTION));
    enableModuleCommand = immutable(choice("enable-module-command", "no", PROTECTED_ACTION));
    aclfile = immutable(text("aclfile", ""));
    acllogMaxLen = num("acllog-max-len", 128, 0, LONG_MAX);
    aclPubsubDefault = choice("acl-pubsub-default", "resetchannels", new String[] {"allchannels", "resetchannels"});
    immutable(text("unixsocket", ""));
    immutable(add(new SpecialParams.Words("unixsocketperm", "0",
        w -> w.length == 1 && w[0].matches("[0-7]{1,4}") && Integer.parseInt(w[0], 8) <= 0777,
        "argument must be between 0 and 511 inclusive").counts(1)));
    immutable(num("socket-mark-id", 0, 0, 4294967295L));
    text("bind-source-addr", "");
    tcpKeepalive = num("tcp-keepalive", 300, 0, INT_MAX);
    tcpBacklog = immutable(num("tcp-backlog", 511, 0, INT_MAX));
    hidden(immutable(num("client-default-resp", 2, 2, 3)));
    busyReplyThreshold = num("busy-reply-threshold", 5000, 0, LONG_MAX, "lua-time-limit");
    trackingTableMaxKeys = num("tracking-table-max-keys", 1000000, 0, LONG_MAX);
    latencyTracking = bool("latency-tracking", true);
    latencyTrackingInfoPercentiles = add(new SpecialParams.Words("latency-tracking-info-percentiles", "50 99 99.9",
        ProcessParams::validPercentiles, "Invalid latency-tracking-info-percentiles parameters")
        .canonical(ProcessParams::shortDouble));

    tlsPort = num("tls-port", 0, 0, 65535);
    num("tls-session-cache-size", 20 * 1024, 0, INT_MAX);
    num("tls-session-cache-timeout", 300, 0, INT_MAX);
    tlsCluster = bool("tls-cluster", false);
    bool("tls-replication", false);
    choice("tls-auth-clients", "yes", new String[] {"no", "yes", "optional"});
    bool("tls-prefer-server-ciphers", false);
    bool("tls-session-caching", true);
    for (String f : new String[] {"tls-cert-file", "tls-key-file", "tls-client-cert-file", "tls-client-key-file",
        "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers",
        "tls-ciphersuites"}) {
      text(f, "");
    }
    text("tls-key-file-pass", "");
    text("tls-client-key-file-pass", "");
  }

  /** Redis's pid file when daemonized without one configured. */
  public static final String DEFAULT_PIDFILE = "/var/run/redis.pid";

  /** The pid file to write, or null for none: the configured one, or Redis's default when daemonized. */
  public String effectivePidfile() {
    String p = pidfile.value;
    if (!p.isEmpty()) {
      return p;
    }
    return daemonize.value ? DEFAULT_PIDFILE : null;
  }

  private static SpecialParams.Words shutdownOnSignal(String name) {
    return new SpecialParams.Words(name, "default", w -> {
      if (w.length == 1 && w[0].equalsIgnoreCase("default")) {
        return true;
      }
      boolean save = false;
      boolean nosave = false;
      for (String s : w) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        if (!SHUTDOWN_FLAGS.contains(l)) {
          return false;
        }
        save |= l.equals("save");
        nosave |= l.equals("nosave");
      }
      return w.length > 0 && !(save && nosave);
    }, "argument(s) must be one of the following: default, save, nosave, now, force")
        // a set of flags: lower case, in Redis's order (save/nosave, now, force)
        .canonical(x -> x.toLowerCase(java.util.Locale.ROOT))
        .ordered(java.util.Comparator.comparingInt(SHUTDOWN_FLAG_ORDER::indexOf));
  }

  /** A number as Redis prints a double with trailing zeros trimmed: "50.0" as "50", "99.90" as "99.9". */
  public static String shortDouble(String s) {
    String t = String.format(java.util.Locale.ROOT, "%f", Double.parseDouble(s)).replaceAll("0+$", "");
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }

  private static boolean validPercentiles(String[] w) {
    for (String s : w) {
      try {
        double d = Double.parseDouble(s);
        if (!(d >= 0 && d <= 100)) {
          return false;
        }
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }
}
