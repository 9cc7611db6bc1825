package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Cairn sentinel runs its master's notification-script (for every warning-level event, with the event's type and
 * text) and client-reconfig-script (at a failover: name, role, state, old and new address), and runs again a
 * script that exited with 1, after script-retry-delay.
 */
class SentinelScriptsIT {
  private static final String MASTER = "mymaster";

  private static Path script(Path dir, String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.exists(p) ? Files.readAllLines(p) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  @Test
  void notificationAndReconfigScriptsRunWithRedisArguments() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      Path d = h.dir;
      Path notified = d.resolve("notified");
      Path failed = d.resolve("failed");
      Path failOnce = d.resolve("fail-once");
      Path reconf = d.resolve("reconf");
      // scripts run side by side (up to 16): only the one whose rm removes the marker fails, so exactly one does
      Path notify = script(d, "notify.sh", "if rm " + failOnce + " 2>/dev/null; then echo \"$1\" >> "
          + failed + "; exit 1; fi\necho \"$*\" >> " + notified);
      Path reconfig = script(d, "reconfig.sh", "echo \"$*\" >> " + reconf);
      SentinelHarness.Node master = h.redis();
      SentinelHarness.Node replica = h.redis("--replicaof", SentinelHarness.HOST, Integer.toString(master.port));
      int port = SentinelHarness.freePort();
      Path conf = d.resolve("sentinel-" + port + ".conf");
      // the reconfig script by a path relative to dir, as Redis's sentinel suite gives its scripts: redis-sentinel
      // runs in dir, and so do Cairn's scripts
      Files.writeString(conf, SentinelHarness.conf(port, MASTER, master.port, 1) + "dir " + d + "\n"
          + "sentinel notification-script " + MASTER + " " + notify + "\n"
          + "sentinel client-reconfig-script " + MASTER + " ./" + reconfig.getFileName() + "\n");
      h.started.add(SentinelHarness.startCairnSentinel(conf));
      String m = SentinelHarness.HOST + " " + master.port;
      String r = SentinelHarness.HOST + " " + replica.port;
      // the start-up's +monitor event is a warning: the script gets its type and text
      SentinelHarness.await(() -> lines(notified).contains("+monitor master " + MASTER + " " + m + " quorum 1"),
          10_000, "the +monitor notification, got " + lines(notified));
      SentinelHarness.await(() -> {
        try (Jedis s = new Jedis(SentinelHarness.HOST, port)) {
          return s.sentinelReplicas(MASTER).size() == 1;
        }
      }, 30_000, "the sentinel to find the replica");
      try (Jedis s = new Jedis(SentinelHarness.HOST, port)) {
        s.sendCommand(() -> "SENTINEL".getBytes(), "DEBUG", "script-retry-delay", "300");
        Files.writeString(failOnce, "");
      }
      // the replica is a candidate once the sentinel has its INFO (link up, offset): until then NOGOODSLAVE
      SentinelHarness.await(() -> {
        try (Jedis s = new Jedis(SentinelHarness.HOST, port)) {
          return "OK".equals(s.sentinelFailover(MASTER));
        }
      }, 30_000, "SENTINEL FAILOVER to be accepted");
      // the leader's client-reconfig-script: <master-name> leader start <from-ip> <from-port> <to-ip> <to-port>
      SentinelHarness.await(() -> lines(reconf).contains(MASTER + " leader start " + m + " " + r), 30_000,
          "the client-reconfig-script, got " + lines(reconf) + ", events " + lines(notified));
      SentinelHarness.await(() -> lines(notified).contains("+switch-master " + MASTER + " " + m + " " + r), 30_000,
          "the +switch-master notification, got " + lines(notified));
      // the first event after the marker was refused with exit 1 and delivered by a retry
      List<String> refused = lines(failed);
      assertEquals(1, refused.size(), refused.toString());
      SentinelHarness.await(() -> lines(notified).stream().anyMatch(l -> l.startsWith(refused.get(0) + " ")), 10_000,
          refused.get(0) + " to be retried, got " + lines(notified));
      try (Jedis s = new Jedis(SentinelHarness.HOST, port)) {
        SentinelHarness.await(() -> ((List<?>) s.sendCommand(() -> "SENTINEL".getBytes(), "PENDING-SCRIPTS")).isEmpty(),
            10_000, "the script queue to empty");
      }
      assertTrue(lines(notified).stream().anyMatch(l -> l.equals("+promoted-slave slave " + SentinelHarness.HOST + ":" + replica.port + " " + r
          + " @ " + MASTER + " " + m)),
          lines(notified).toString());
    }
  }

  /** resolve-hostnames lets MONITOR take a name; announce-hostnames decides whether replies show it or its IP. */
  @Test
  void hostnamesAreAnnouncedOnlyUnderAnnounceHostnames() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      SentinelHarness.Node master = h.redis();
      int port = SentinelHarness.freePort();
      Path conf = h.dir.resolve("sentinel-" + port + ".conf");
      Files.writeString(conf, "port " + port + "\nbind " + SentinelHarness.HOST + "\n"
          + "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n"
          + "sentinel monitor " + MASTER + " localhost " + master.port + " 1\n");
      h.started.add(SentinelHarness.startCairnSentinel(conf));
      try (Jedis s = new Jedis(SentinelHarness.HOST, port)) {
        assertEquals(List.of("localhost", Integer.toString(master.port)), s.sentinelGetMasterAddrByName(MASTER));
        assertEquals("localhost", s.sentinelMaster(MASTER).get("ip"));
        s.sendCommand(() -> "SENTINEL".getBytes(), "CONFIG", "SET", "announce-hostnames", "no");
        String ip = s.sentinelGetMasterAddrByName(MASTER).get(0);
        assertTrue(ip.equals("127.0.0.1") || ip.equals("0:0:0:0:0:0:0:1") || ip.equals("::1"), ip);
        assertEquals(ip, s.sentinelMaster(MASTER).get("ip"));
      }
    }
  }
}
