package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.info;
import static dev.cairn.server.it.ClusterModeIT.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * tls-cluster: the cluster bus over TLS. Three nodes meet, agree on the slots and turn ok over TLS links; the bus port
 * answers only TLS, and, as Redis's bus does, only to a peer with a certificate from the CAs (whatever
 * tls-auth-clients says); a plain-text message on it is dropped with the connection.
 */
class ClusterTlsIT {
  @TempDir
  Path dir;

  @BeforeAll
  static void certificates() {
    Assumptions.assumeTrue(TestCerts.available(), "no openssl tool to make certificates");
  }

  @Test
  void busLinksAreTls() throws Exception {
    TestCerts c = TlsIT.certs();
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = new ArrayList<>();
      int[] bus = new int[3];
      int[] tls = new int[3];
      for (int i = 0; i < 3; i++) {
        bus[i] = RealRedis.freePort();
        tls[i] = RealRedis.freePort();
        n.add(s.start("--port", String.valueOf(RealRedis.freePort()), "--cluster-enabled", "yes",
            "--cluster-port", String.valueOf(bus[i]),
            "--cluster-node-timeout", "15000", "--tls-port", String.valueOf(tls[i]), "--tls-cluster", "yes",
            "--tls-auth-clients", "no", "--tls-cert-file", c.path("redis.crt"), "--tls-key-file", c.path("redis.key"),
            "--tls-ca-cert-file", c.path("ca.crt")));
      }
      for (int i = 1; i < 3; i++) { // under tls-cluster a node's address is its TLS port
        assertEquals("OK", text(cluster(n.get(0), "MEET", "127.0.0.1", String.valueOf(tls[i]),
            String.valueOf(bus[i]))));
      }
      try {
        // the first TLS handshakes of a JVM are slow on a loaded machine (class loading, cold code)
        ClusterBusIT.await("3 nodes known everywhere", 90_000,
            () -> n.stream().allMatch(j -> "3".equals(info(j, "cluster_known_nodes"))));
      } catch (AssertionError e) {
        StringBuilder views = new StringBuilder();
        n.forEach(j -> views.append(text(cluster(j, "NODES"))).append('\n'));
        throw new AssertionError(e.getMessage() + "\n" + views);
      }
      assertEquals("OK", text(cluster(n.get(0), "ADDSLOTSRANGE", "0", "5460")));
      assertEquals("OK", text(cluster(n.get(1), "ADDSLOTSRANGE", "5461", "10922")));
      assertEquals("OK", text(cluster(n.get(2), "ADDSLOTSRANGE", "10923", "16383")));
      ClusterBusIT.await("the cluster ok everywhere", 60_000,
          () -> n.stream().allMatch(j -> "ok".equals(info(j, "cluster_state"))));
      String slots = ClusterBusIT.deep(cluster(n.get(0), "SLOTS"));
      ClusterBusIT.await("same slots everywhere", 10_000,
          () -> n.stream().allMatch(j -> ClusterBusIT.deep(cluster(j, "SLOTS")).equals(slots)));

      // the bus port speaks TLS to a peer with a certificate of the CA ...
      try (SSLSocket t = (SSLSocket) c.client("client", "ca").getSocketFactory().createSocket("127.0.0.1", bus[0])) {
        t.setSoTimeout(10_000);
        t.startHandshake();
        assertTrue(t.getSession().getProtocol().startsWith("TLS"), t.getSession().getProtocol());
      }
      // ... refuses one without (the bus requires client certificates although tls-auth-clients is no) ...
      assertThrows(IOException.class, () -> {
        try (SSLSocket t = (SSLSocket) c.client(null, "ca").getSocketFactory().createSocket("127.0.0.1", bus[0])) {
          t.setSoTimeout(10_000);
          t.startHandshake();
          t.getOutputStream().write(new byte[] {'R', 'C', 'm', 'b'});
          t.getOutputStream().flush();
          if (t.getInputStream().read() < 0) {
            throw new IOException("closed");
          }
        }
      });
      // ... and drops plain text: an RCmb header in the clear is not a TLS record
      try (Socket p = new Socket("127.0.0.1", bus[0])) {
        p.setSoTimeout(10_000);
        byte[] header = new byte[2256];
        header[0] = 'R';
        header[1] = 'C';
        header[2] = 'm';
        header[3] = 'b';
        header[6] = (byte) (2256 >> 8);
        header[7] = (byte) (2256 & 0xFF);
        p.getOutputStream().write(header);
        InputStream in = p.getInputStream();
        int b;
        int got = 0;
        try {
          while ((b = in.read()) >= 0 && got < 10_000) {
            got++; // a TLS alert may come before the close; no bus message does
          }
        } catch (IOException reset) {
          // closed by the server
        }
        assertTrue(got < 64, "no bus reply in the clear: " + got + " bytes");
      }
      assertEquals("ok", info(n.get(0), "cluster_state"));
    }
  }

  /**
   * Each node has a plain and a TLS client port, as in Redis 7.2: the bus header carries both (port and pport), and
   * CLUSTER SLOTS, NODES and MOVED give the TLS port to a client connected over TLS and the plain one to a plain
   * client; CLUSTER SHARDS gives both.
   */
  @Test
  void tlsAndPlainPortsPerNode() throws Exception {
    TestCerts c = TlsIT.certs();
    try (InProcessServers s = new InProcessServers(dir)) {
      int[] plain = new int[2];
      int[] tls = new int[2];
      int[] bus = new int[2];
      List<Jedis> n = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        plain[i] = RealRedis.freePort();
        tls[i] = RealRedis.freePort();
        bus[i] = RealRedis.freePort();
        n.add(s.start("--port", String.valueOf(plain[i]), "--cluster-enabled", "yes",
            "--cluster-port", String.valueOf(bus[i]), "--cluster-node-timeout", "15000",
            "--tls-port", String.valueOf(tls[i]), "--tls-cluster", "yes", "--tls-auth-clients", "no",
            "--tls-cert-file", c.path("redis.crt"), "--tls-key-file", c.path("redis.key"),
            "--tls-ca-cert-file", c.path("ca.crt")));
      }
      // MEET takes the default client port, the TLS one under tls-cluster
      assertEquals("OK", text(cluster(n.get(0), "MEET", "127.0.0.1", String.valueOf(tls[1]),
          String.valueOf(bus[1]))));
      assertEquals("OK", text(cluster(n.get(0), "ADDSLOTSRANGE", "0", "8191")));
      assertEquals("OK", text(cluster(n.get(1), "ADDSLOTSRANGE", "8192", "16383")));
      ClusterBusIT.await("the cluster ok on both", 90_000,
          () -> n.stream().allMatch(j -> "ok".equals(info(j, "cluster_state"))));
      String id1 = text(cluster(n.get(1), "MYID"));
      // node 0 learnt node 1's plain port from the header's pport (MEET gave only the TLS one)
      ClusterBusIT.await("node 1's ports known to node 0", 30_000,
          () -> text(cluster(n.get(0), "NODES")).contains(id1 + " 127.0.0.1:" + plain[1] + "@" + bus[1]));
      try (Jedis t = new Jedis(new HostAndPort("127.0.0.1", tls[0]), DefaultJedisClientConfig.builder().ssl(true)
          .sslSocketFactory(c.client(null, "ca").getSocketFactory()).socketTimeoutMillis(10_000).build())) {
        String nodes = text(cluster(t, "NODES"));
        assertTrue(nodes.contains(id1 + " 127.0.0.1:" + tls[1] + "@" + bus[1]), nodes);
        assertTrue(nodes.contains("127.0.0.1:" + tls[0] + "@" + bus[0] + " myself"), nodes);
        String tlsSlots = ClusterBusIT.deep(cluster(t, "SLOTS"));
        assertTrue(tlsSlots.contains(String.valueOf(tls[1])) && !tlsSlots.contains(String.valueOf(plain[1])),
            tlsSlots);
        // a key of node 1's slots: MOVED names its TLS port over TLS, its plain port otherwise
        JedisDataException moved = assertThrows(JedisDataException.class, () -> t.get("foo")); // slot 12182
        assertEquals("MOVED 12182 127.0.0.1:" + tls[1], moved.getMessage());
      }
      String plainSlots = ClusterBusIT.deep(cluster(n.get(0), "SLOTS"));
      assertTrue(plainSlots.contains(String.valueOf(plain[1])) && !plainSlots.contains(String.valueOf(tls[1])),
          plainSlots);
      JedisDataException moved = assertThrows(JedisDataException.class, () -> n.get(0).get("foo"));
      assertEquals("MOVED 12182 127.0.0.1:" + plain[1], moved.getMessage());
      String shards = ClusterBusIT.deep(cluster(n.get(0), "SHARDS"));
      assertTrue(shards.contains(",port," + plain[1] + ",") && shards.contains(",tls-port," + tls[1] + ","), shards);
    }
  }

  /**
   * A TLS-only cluster (port 0 beside tls-port, as Redis's suite starts nodes in TLS mode): each node's bus port is its
   * TLS port + 10000 and it announces that TLS port (never port 0); the nodes meet on their TLS ports alone, turn ok
   * and redirect to each other's TLS ports.
   */
  @Test
  void tlsOnlyClusterFormsOnTheTlsPorts() throws Exception {
    TestCerts c = TlsIT.certs();
    javax.net.ssl.SSLSocketFactory sockets = c.client(null, "ca").getSocketFactory();
    try (InProcessServers s = new InProcessServers(dir)) {
      int[] tls = new int[3];
      List<Jedis> n = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        tls[i] = portWithBusPort();
        s.server("--port", "0", "--tls-port", String.valueOf(tls[i]), "--cluster-enabled", "yes",
            "--cluster-node-timeout", "15000", "--tls-cluster", "yes", "--tls-replication", "yes",
            "--tls-auth-clients", "no", "--tls-cert-file", c.path("redis.crt"), "--tls-key-file", c.path("redis.key"),
            "--tls-ca-cert-file", c.path("ca.crt"));
        n.add(new Jedis(new HostAndPort("127.0.0.1", tls[i]), DefaultJedisClientConfig.builder().ssl(true)
            .sslSocketFactory(sockets).socketTimeoutMillis(10_000).build()));
      }
      // a client that connects now and says nothing until the cluster is up, as Redis's suite does: no handshake
      // deadline closes it meanwhile
      long connected = System.nanoTime();
      Socket silent = new Socket("127.0.0.1", tls[1]);
      try {
        String myself = n.get(0).clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow();
        assertTrue(myself.contains(":" + tls[0] + "@" + (tls[0] + 10000) + " myself"), myself);
        for (int i = 1; i < 3; i++) { // MEET with no bus port: the TLS port + 10000
          assertEquals("OK", text(cluster(n.get(0), "MEET", "127.0.0.1", String.valueOf(tls[i]))));
        }
        ClusterBusIT.await("3 nodes known everywhere", 90_000,
            () -> n.stream().allMatch(j -> "3".equals(info(j, "cluster_known_nodes"))));
        assertEquals("OK", text(cluster(n.get(0), "ADDSLOTSRANGE", "0", "5460")));
        assertEquals("OK", text(cluster(n.get(1), "ADDSLOTSRANGE", "5461", "10922")));
        assertEquals("OK", text(cluster(n.get(2), "ADDSLOTSRANGE", "10923", "16383")));
        ClusterBusIT.await("the cluster ok everywhere", 60_000,
            () -> n.stream().allMatch(j -> "ok".equals(info(j, "cluster_state"))));
        String id2 = text(cluster(n.get(2), "MYID"));
        ClusterBusIT.await("node 2's address known to node 0", 30_000, () -> text(cluster(n.get(0), "NODES"))
            .contains(id2 + " 127.0.0.1:" + tls[2] + "@" + (tls[2] + 10000) + " master"));
        String nodes = text(cluster(n.get(1), "NODES"));
        assertTrue(!nodes.contains(":0@"), nodes);
        JedisDataException moved = assertThrows(JedisDataException.class, () -> n.get(0).get("foo")); // slot 12182
        assertEquals("MOVED 12182 127.0.0.1:" + tls[2], moved.getMessage());
        assertEquals("OK", n.get(2).set("foo", "bar"));
        String slots = ClusterBusIT.deep(cluster(n.get(0), "SLOTS"));
        for (int port : tls) {
          assertTrue(slots.contains(String.valueOf(port)), slots);
        }
        Thread.sleep(Math.max(0, 11_000 - (System.nanoTime() - connected) / 1_000_000));
        try (SSLSocket t = (SSLSocket) sockets.createSocket(silent, "127.0.0.1", tls[1], true)) {
          t.setSoTimeout(10_000);
          t.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
          t.getOutputStream().flush();
          assertEquals("+PONG", new String(t.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
        }
      } finally {
        silent.close();
        n.forEach(Jedis::close);
      }
    }
  }

  /** A free port from the OS whose bus port (+ 10000) is free as well. */
  private static int portWithBusPort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (java.net.ServerSocket client = new java.net.ServerSocket(0)) {
        int port = client.getLocalPort();
        if (port + 10000 > 65535) {
          continue;
        }
        try (java.net.ServerSocket bus = new java.net.ServerSocket(port + 10000)) {
          return port;
        } catch (IOException taken) {
          if (attempt > 100) {
            throw taken;
          }
        }
      }
    }
  }
}
