package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A sentinel under tls-replication opens its links to the instances over TLS, as Redis's sentinel does: it monitors a
 * master through its TLS port (which requires client certificates), names its links there and sees it up.
 */
class SentinelTlsIT {
  @TempDir
  Path dir;

  @BeforeAll
  static void certificates() {
    Assumptions.assumeTrue(TestCerts.available(), "no openssl tool to make certificates");
  }

  private static String field(List<Object> pairs, String name) {
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      if (ClusterModeIT.text(pairs.get(i)).equals(name)) {
        return ClusterModeIT.text(pairs.get(i + 1));
      }
    }
    return null;
  }

  @Test
  void sentinelLinksAreTls() throws Exception {
    TestCerts c = TlsIT.certs();
    String tlsArgs = "tls-cert-file " + c.path("redis.crt") + "\ntls-key-file " + c.path("redis.key")
        + "\ntls-ca-cert-file " + c.path("ca.crt") + "\n";
    int masterTls = RealRedis.freePort();
    try (InProcessServers s = new InProcessServers(dir); SentinelHarness h = new SentinelHarness()) {
      Jedis master = s.start("--port", String.valueOf(RealRedis.freePort()), "--tls-port", String.valueOf(masterTls),
          "--tls-auth-clients", "yes",
          "--tls-cert-file", c.path("redis.crt"), "--tls-key-file", c.path("redis.key"),
          "--tls-ca-cert-file", c.path("ca.crt"));
      int port = SentinelHarness.freePort();
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, SentinelHarness.conf(port, "mymaster", masterTls, 1) + "tls-replication yes\n"
          + tlsArgs);
      h.started.add(SentinelHarness.startCairnSentinel(conf));
      try (Jedis sentinel = new Jedis(SentinelHarness.HOST, port, 10_000)) {
        SentinelHarness.await(() -> {
          @SuppressWarnings("unchecked")
          List<Object> m = (List<Object>) sentinel.sendCommand(() -> "SENTINEL".getBytes(), "MASTER", "mymaster");
          return "master".equals(field(m, "flags")) && "master".equals(field(m, "role-reported"))
              && !"0".equals(field(m, "info-refresh"));
        }, 60_000, "the sentinel sees the master up through its TLS port");
        SentinelHarness.await(() -> master.clientList().contains("name=sentinel-"), 30_000,
            "the sentinel's named links on the master");
        String clients = master.clientList();
        assertTrue(clients.contains("-cmd"), clients);
      }
    }
  }
}
