package dev.cairn.server.sentinel;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.ConfigRewrite;
import dev.cairn.core.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code sentinel ...} lines of the configuration file: read at start-up (queued while the file is parsed, applied
 * once the sentinel exists, as Redis does), and written back with the sentinel's state (its id, epochs, the replicas
 * and sentinels it discovered) whenever that state changes, through CONFIG REWRITE's machinery.
 */
final class SentinelConfig {
  static final long DEFAULT_DOWN_AFTER = 30000;
  static final long DEFAULT_FAILOVER_TIMEOUT = 180000;

  private final Config config;
  private final List<List<String>> queued = new ArrayList<>();
  private Sentinel sentinel;

  SentinelConfig(Config config) {
    this.config = config;
  }

  /** Registers the {@code sentinel} directive; outside sentinel mode it refuses, as redis-server does. */
  static SentinelConfig register(Config config, boolean sentinelMode) {
    SentinelConfig sc = new SentinelConfig(config);
    config.registerDirective("sentinel", values -> {
      if (values.isEmpty()) {
        return; // "--sentinel" on the command line
      }
      if (!sentinelMode) {
        throw new ConfigException("sentinel directive while not in sentinel mode");
      }
      sc.queued.add(List.copyOf(values));
    });
    if (sentinelMode) {
      config.setKeyedDirectiveRewriter("sentinel", sc::rewriteLines);
    }
    return sc;
  }

  /** Lines applied before the masters exist, as Redis orders them (then MONITOR lines, then the rest). */
  private static final java.util.Set<String> PRE_MONITOR = java.util.Set.of("announce-ip", "announce-port",
      "deny-scripts-reconfig", "sentinel-user", "sentinel-pass", "current-epoch", "myid", "resolve-hostnames",
      "announce-hostnames");

  /**
   * Applies the queued lines: those that need no master first, then MONITOR, then the rest (a file may set a master's
   * options before its MONITOR line). The error names the line, as redis-server's fatal config error does.
   */
  Sentinel load() throws dev.cairn.core.config.ConfigFile.StartupError {
    Sentinel s = new Sentinel(this);
    this.sentinel = s;
    List<List<String>> ordered = new ArrayList<>();
    for (int pass = 0; pass < 3; pass++) {
      for (List<String> line : queued) {
        String op = line.get(0).toLowerCase(Locale.ROOT);
        int kind = PRE_MONITOR.contains(op) ? 0 : op.equals("monitor") ? 1 : 2;
        if (kind == pass) {
          ordered.add(line);
        }
      }
    }
    for (List<String> line : ordered) {
      String err = applyLine(s, line);
      if (err != null) {
        throw new dev.cairn.core.config.ConfigFile.StartupError("\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\n"
            + ">>> 'sentinel " + String.join(" ", line) + "'\n" + err);
      }
    }
    queued.clear();
    return s;
  }

  private static String applyLine(Sentinel s, List<String> a) {
    String op = a.get(0).toLowerCase(Locale.ROOT);
    int n = a.size();
    try {
      switch (op) {
        case "monitor" -> {
          if (n != 5) break;
          int quorum = Integer.parseInt(a.get(4));
          if (quorum <= 0) return "Quorum must be 1 or greater.";
          if (s.masters.containsKey(a.get(1))) return "Duplicate master name.";
          s.monitor(a.get(1), a.get(2), Integer.parseInt(a.get(3)), quorum);
          return null;
        }
        case "down-after-milliseconds", "failover-timeout", "parallel-syncs", "auth-pass", "auth-user",
            "notification-script", "client-reconfig-script", "config-epoch", "leader-epoch",
            "master-reboot-down-after-period" -> {
          if (n != 3) break;
          Instance m = s.master(a.get(1));
          if (m == null) return "No such master with specified name.";
          String v = a.get(2);
          switch (op) {
            case "down-after-milliseconds" -> {
              m.downAfterPeriod = positive(v);
              m.slaves.values().forEach(x -> x.downAfterPeriod = m.downAfterPeriod);
              m.sentinels.values().forEach(x -> x.downAfterPeriod = m.downAfterPeriod);
            }
            case "failover-timeout" -> m.failoverTimeout = positive(v);
            case "parallel-syncs" -> m.parallelSyncs = Integer.parseInt(v);
            case "auth-pass" -> m.authPass = v;
            case "auth-user" -> m.authUser = v;
            case "notification-script" -> m.notificationScript = v;
            case "client-reconfig-script" -> m.clientReconfigScript = v;
            case "config-epoch" -> {
              m.configEpoch = Long.parseLong(v);
              s.currentEpoch = Math.max(s.currentEpoch, m.configEpoch);
            }
            case "leader-epoch" -> m.leaderEpoch = Long.parseLong(v);
            default -> m.masterRebootDownAfterPeriod = Long.parseLong(v);
          }
          return null;
        }
        case "known-slave", "known-replica" -> {
          if (n != 4) break;
          Instance m = s.master(a.get(1));
          if (m == null) return "No such master with specified name.";
          s.addSlave(m, a.get(2), Integer.parseInt(a.get(3)));
          return null;
        }
        case "known-sentinel" -> {
          if (n != 4 && n != 5) break;
          Instance m = s.master(a.get(1));
          if (m == null) return "No such master with specified name.";
          if (n == 5 && a.get(4).equals(s.myId)) return null; // ourselves, in a copied file
          s.addSentinel(m, a.get(2), Integer.parseInt(a.get(3)), n == 5 ? a.get(4) : null);
          return null;
        }
        case "rename-command" -> {
          if (n != 4) break;
          Instance m = s.master(a.get(1));
          if (m == null) return "No such master with specified name.";
          m.renamedCommands.put(a.get(2).toLowerCase(Locale.ROOT), a.get(3));
          return null;
        }
        case "current-epoch" -> {
          if (n != 2) break;
          s.currentEpoch = Math.max(s.currentEpoch, Long.parseLong(a.get(1)));
          return null;
        }
        case "myid" -> {
          if (n != 2) break;
          if (a.get(1).length() != 40) return "Malformed Sentinel id in myid option.";
          s.myId = a.get(1);
          return null;
        }
        case "announce-ip" -> {
          if (n != 2) break;
          s.announceIp = a.get(1);
          return null;
        }
        case "announce-port" -> {
          if (n != 2) break;
          s.announcePort = Integer.parseInt(a.get(1));
          return null;
        }
        case "deny-scripts-reconfig", "resolve-hostnames", "announce-hostnames" -> {
          if (n != 2) break;
          boolean v = yesNo(a.get(1));
          switch (op) {
            case "deny-scripts-reconfig" -> s.denyScriptsReconfig = v;
            case "resolve-hostnames" -> s.resolveHostnames = v;
            default -> s.announceHostnames = v;
          }
          return null;
        }
        case "sentinel-user" -> {
          if (n != 2) break;
          s.sentinelUser = a.get(1);
          return null;
        }
        case "sentinel-pass" -> {
          if (n != 2) break;
          s.sentinelPass = a.get(1);
          return null;
        }
        default -> { }
      }
    } catch (NumberFormatException e) {
      return "Unrecognized sentinel configuration statement.";
    }
    return "Unrecognized sentinel configuration statement.";
  }

  private static long positive(String v) {
    long x = Long.parseLong(v);
    if (x <= 0) {
      throw new NumberFormatException(v);
    }
    return x;
  }

  private static boolean yesNo(String v) {
    if (v.equalsIgnoreCase("yes")) return true;
    if (v.equalsIgnoreCase("no")) return false;
    throw new NumberFormatException(v);
  }

  /** The sentinel's state as {@code sentinel} lines (without the word), in Redis's order. */
  List<String> rewriteLines() {
    List<String> out = new ArrayList<>();
    Sentinel s = sentinel;
    if (s == null) {
      queued.forEach(l -> out.add(String.join(" ", l.stream().map(SentinelConfig::quote).toList())));
      return out;
    }
    out.add("myid " + s.myId);
    if (!s.denyScriptsReconfig) out.add("deny-scripts-reconfig no");
    if (s.resolveHostnames) out.add("resolve-hostnames yes");
    if (s.announceHostnames) out.add("announce-hostnames yes");
    if (s.announceIp != null && !s.announceIp.isEmpty()) out.add("announce-ip " + quote(s.announceIp));
    if (s.announcePort != 0) out.add("announce-port " + s.announcePort);
    if (s.sentinelUser != null) out.add("sentinel-user " + quote(s.sentinelUser));
    if (s.sentinelPass != null) out.add("sentinel-pass " + quote(s.sentinelPass));
    for (Instance m : s.masters.values()) {
      // during a failover past the promotion, the master is already the promoted replica
      Instance addr = Sentinel.currentAddress(m);
      String name = quote(m.name);
      out.add("monitor " + name + " " + addr.host + " " + addr.port + " " + m.quorum);
      if (m.downAfterPeriod != DEFAULT_DOWN_AFTER) out.add("down-after-milliseconds " + name + " " + m.downAfterPeriod);
      if (m.failoverTimeout != DEFAULT_FAILOVER_TIMEOUT) out.add("failover-timeout " + name + " " + m.failoverTimeout);
      if (m.parallelSyncs != 1) out.add("parallel-syncs " + name + " " + m.parallelSyncs);
      if (m.notificationScript != null) out.add("notification-script " + name + " " + quote(m.notificationScript));
      if (m.clientReconfigScript != null) {
        out.add("client-reconfig-script " + name + " " + quote(m.clientReconfigScript));
      }
      if (m.authPass != null) out.add("auth-pass " + name + " " + quote(m.authPass));
      if (m.authUser != null) out.add("auth-user " + name + " " + quote(m.authUser));
      if (m.masterRebootDownAfterPeriod != 0) {
        out.add("master-reboot-down-after-period " + name + " " + m.masterRebootDownAfterPeriod);
      }
      out.add("config-epoch " + name + " " + m.configEpoch);
      out.add("leader-epoch " + name + " " + m.leaderEpoch);
      m.renamedCommands.forEach((from, to) -> out.add("rename-command " + name + " " + from + " " + to));
      for (Instance r : m.slaves.values()) {
        if (r.port == addr.port && r.host.equals(addr.host)) {
          continue;
        }
        out.add("known-replica " + name + " " + r.host + " " + r.port);
      }
      if (addr != m) {
        out.add("known-replica " + name + " " + m.host + " " + m.port);
      }
      for (Instance x : m.sentinels.values()) {
        if (x.runId != null && x.port != 0) {
          out.add("known-sentinel " + name + " " + x.host + " " + x.port + " " + x.runId);
        }
      }
    }
    out.add("current-epoch " + s.currentEpoch);
    return out;
  }

  private static String quote(String v) {
    if (!v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '\'' && c != '\\')) {
      return v;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '\\', '"' -> sb.append('\\').append(c);
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < ' ' || c >= 127) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Writes the configuration file now; false (and a warning) when it cannot be written. */
  boolean flush() {
    Path file = config.configFile;
    if (file == null) {
      return false;
    }
    try {
      ConfigRewrite.rewrite(config, file);
      return true;
    } catch (IOException e) {
      Log.log(Log.Level.WARNING, "WARNING: Sentinel was not able to save the new configuration on disk!!!: "
          + e.getMessage());
      return false;
    }
  }
}
