package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * TLS as Redis has it: a TLS port beside the plain one, client certificates per {@code tls-auth-clients}, protocols,
 * ciphers and the server's preference, certificates reloaded by CONFIG SET, encrypted keys, moving the TLS port, a
 * replica of a TLS master, redis-cli --tls, and garbage on the TLS port. Runs with the JDK's engine;
 * {@link TlsOpenSslIT} runs the same with the default engine, OpenSSL.
 */
class TlsIT extends ServerTestBase {
  static {
    // the server allows OpenSSL's DEFAULT RSA key exchange suites by editing the JDK's disabled list, which the JDK
    // reads once per process at its first TLS use: here the test's clients share the server's process
    try {
      Class.forName("dev.cairn.server.tls.TlsContexts", true, TlsIT.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static TestCerts certs;
  private int tlsPort;
  private int plainPort;

  @BeforeAll
  static void certificates() throws Exception {
    Assumptions.assumeTrue(TestCerts.available(), "no openssl tool to make certificates");
  }

  static synchronized TestCerts certs() throws Exception {
    if (certs == null) {
      certs = TestCerts.make(Files.createTempDirectory("cairn-tls"));
    }
    return certs;
  }

  /** The engine asked for through {@code cairn.tls.provider} (read when the server builds its contexts). */
  protected String engineProperty() {
    return "jdk";
  }

  /** The engine the server's contexts use now. */
  protected io.netty.handler.ssl.SslProvider engineInUse() {
    return ((dev.cairn.server.tls.TlsContexts) server.engine().tls).engine();
  }

  @AfterAll
  void clearEngineProperty() {
    System.clearProperty("cairn.tls.provider");
  }

  @Override
  protected String[] serverArgs() {
    if (engineProperty() != null) {
      System.setProperty("cairn.tls.provider", engineProperty());
    } else {
      System.clearProperty("cairn.tls.provider");
    }
    try {
      TestCerts c = certs();
      tlsPort = RealRedis.freePort();
      plainPort = RealRedis.freePort();
      return new String[] {"--port", Integer.toString(plainPort), "--tls-port", Integer.toString(tlsPort),
          "--tls-cert-file", c.path("server.crt"), "--tls-key-file", c.path("server.key"),
          "--tls-ca-cert-file", c.path("ca.crt")};
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void restoreConfig() {
    jedis.configSet("tls-auth-clients", "yes");
    jedis.configSet("tls-protocols", "");
    jedis.configSet("tls-ciphers", "");
    jedis.configSet("tls-prefer-server-ciphers", "no");
  }

  private Jedis tls(String clientCert) throws Exception {
    SSLContext ctx = certs().client(clientCert, "ca");
    return new Jedis(new HostAndPort("127.0.0.1", tlsPort), DefaultJedisClientConfig.builder().ssl(true)
        .sslSocketFactory(ctx.getSocketFactory()).socketTimeoutMillis(10_000).build());
  }

  /** A raw TLS socket with these protocols and suites (null: the client's defaults), handshake done. */
  private SSLSocket handshake(String clientCert, String[] protocols, String[] suites) throws Exception {
    SSLSocket s = (SSLSocket) certs().client(clientCert, "ca").getSocketFactory().createSocket("127.0.0.1", tlsPort);
    s.setSoTimeout(10_000);
    if (protocols != null) {
      s.setEnabledProtocols(protocols);
    }
    if (suites != null) {
      s.setEnabledCipherSuites(suites);
    }
    s.startHandshake();
    return s;
  }

  private static String ping(Socket s) throws IOException {
    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    byte[] b = new byte[7];
    int n = s.getInputStream().readNBytes(b, 0, 7);
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }

  private boolean pingWorks(String clientCert, String[] protocols, String[] suites) {
    try (SSLSocket s = handshake(clientCert, protocols, suites)) {
      return ping(s).equals("+PONG\r\n");
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void clientLibraryOverTlsBesidePlainPort() throws Exception {
    try (Jedis j = tls("client")) {
      assertEquals("OK", j.set("k", "v"));
      assertEquals("v", j.get("k"));
      byte[] big = new byte[3 << 20];
      new Random(7).nextBytes(big);
      j.set("big".getBytes(), big);
      assertTrue(java.util.Arrays.equals(big, j.get("big".getBytes())), "a value larger than TLS records round-trips");
    }
    assertEquals("v", jedis.get("k"), "the plain port serves the same data");
    assertEquals(Integer.toString(tlsPort), jedis.configGet("tls-port").get("tls-port"));
  }

  @Test
  void authClientsYesOptionalNo() throws Exception {
    assertFalse(pingWorks(null, null, null), "yes: a client without a certificate is refused");
    assertFalse(pingWorks("stranger", null, null), "a certificate from another CA is refused");
    assertTrue(pingWorks("client", null, null));
    jedis.configSet("tls-auth-clients", "no");
    assertTrue(pingWorks(null, null, null));
    jedis.configSet("tls-auth-clients", "optional");
    assertTrue(pingWorks(null, null, null), "optional: no certificate is fine");
    assertTrue(pingWorks("client", null, null));
    assertFalse(pingWorks("stranger", null, null), "optional: a certificate given must still verify");
    jedis.configSet("tls-auth-clients", "yes");
    assertFalse(pingWorks(null, null, null));
  }

  @Test
  void protocols() throws Exception {
    assertTrue(pingWorks("client", new String[] {"TLSv1.3"}, null));
    jedis.configSet("tls-protocols", "TLSv1.2");
    assertFalse(pingWorks("client", new String[] {"TLSv1.3"}, null), "a TLS 1.3-only client is refused");
    assertTrue(pingWorks("client", new String[] {"TLSv1.2"}, null));
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.configSet("tls-protocols", "TLSv9"));
    assertEquals("ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - Unable to update TLS "
        + "configuration. Check server logs.", e.getMessage());
    assertEquals("TLSv1.2", jedis.configGet("tls-protocols").get("tls-protocols"), "a failed change changes nothing");
  }

  @Test
  void ciphersAndServerPreference() throws Exception {
    String gcm128 = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    String gcm256 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
    String[] v12 = {"TLSv1.2"};
    jedis.configSet("tls-protocols", "TLSv1.2");
    jedis.configSet("tls-ciphers", "DEFAULT:-ECDHE-RSA-AES128-GCM-SHA256");
    assertFalse(pingWorks("client", v12, new String[] {gcm128}), "a cipher taken out is refused");
    assertTrue(pingWorks("client", v12, new String[] {gcm256}));
    jedis.configSet("tls-ciphers", "DEFAULT");
    assertTrue(pingWorks("client", v12, new String[] {gcm128}));
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.configSet("tls-ciphers", "NOSUCH"));
    assertTrue(e.getMessage().endsWith("Unable to update TLS configuration. Check server logs."), e.getMessage());

    jedis.configSet("tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
    try (SSLSocket s = handshake("client", v12, new String[] {gcm256, gcm128})) {
      assertEquals(gcm256, s.getSession().getCipherSuite(), "by default the client's preference wins");
    }
    jedis.configSet("tls-prefer-server-ciphers", "yes");
    try (SSLSocket s = handshake("client", v12, new String[] {gcm256, gcm128})) {
      assertEquals(gcm128, s.getSession().getCipherSuite(), "tls-prefer-server-ciphers: the server's order wins");
    }
  }

  /**
   * Redis's unit/tls: "DEFAULT:-AES128-SHA256" leaves AES256-SHA256 usable, and DEFAULT has AES128-SHA256. BoringSSL
   * has neither, so with OpenSSL the contexts are built on the JDK's engine for such a list (and on OpenSSL again for
   * one it can serve).
   */
  @Test
  void cbcSha256SuitesAsRedisTestsThem() throws Exception {
    String aes128 = "TLS_RSA_WITH_AES_128_CBC_SHA256";
    String aes256 = "TLS_RSA_WITH_AES_256_CBC_SHA256";
    String[] v12 = {"TLSv1.2"};
    jedis.configSet("tls-ciphers", "DEFAULT:-AES128-SHA256");
    assertEquals(io.netty.handler.ssl.SslProvider.JDK, engineInUse());
    assertFalse(pingWorks("client", v12, new String[] {aes128}), "a cipher taken out is refused");
    assertTrue(pingWorks("client", v12, new String[] {aes256}));
    jedis.configSet("tls-ciphers", "DEFAULT");
    assertTrue(pingWorks("client", v12, new String[] {aes128}));
    jedis.configSet("tls-ciphers", "AES128-SHA256:AES256-SHA256");
    jedis.configSet("tls-prefer-server-ciphers", "yes");
    try (SSLSocket s = handshake("client", v12, new String[] {aes256, aes128})) {
      assertEquals(aes128, s.getSession().getCipherSuite());
    }
    jedis.configSet("tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
    assertEquals(defaultEngine(), engineInUse(), "a list the preferred engine serves is served by it");
    jedis.configSet("tls-ciphers", "");
    assertEquals(defaultEngine(), engineInUse());
  }

  /** The engine a list both engines serve gets. */
  protected io.netty.handler.ssl.SslProvider defaultEngine() {
    return io.netty.handler.ssl.SslProvider.JDK;
  }

  @Test
  void configSetReloadsCertificates() throws Exception {
    try (SSLSocket s = handshake("client", null, null)) {
      assertTrue(s.getSession().getPeerPrincipal().getName().contains("CN=Server-only"));
    }
    try (Jedis old = tls("client")) {
      old.ping();
      jedis.configSet("tls-cert-file", certs().path("server2.crt"), "tls-key-file", certs().path("server2.key"));
      try (SSLSocket s = handshake("client", null, null)) {
        assertTrue(s.getSession().getPeerPrincipal().getName().contains("CN=Server-two"), "new connections: new cert");
      }
      assertEquals("PONG", old.ping(), "open connections keep going");
      // a key that does not match the certificate, or a missing file: refused, and the old ones stay
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> jedis.configSet("tls-key-file", certs().path("nonexistent.key")));
      assertEquals("ERR CONFIG SET failed (possibly related to argument 'tls-key-file') - Unable to update TLS "
          + "configuration. Check server logs.", e.getMessage());
      assertEquals(certs().path("server2.key"), jedis.configGet("tls-key-file").get("tls-key-file"));
      assertTrue(pingWorks("client", null, null));
    } finally {
      jedis.configSet("tls-cert-file", certs().path("server.crt"), "tls-key-file", certs().path("server.key"));
    }
  }

  @Test
  void encryptedKeyFile() throws Exception {
    Path enc = certs().dir.resolve("server.key.encrypted");
    certs().run("openssl", "pkcs8", "-topk8", "-in", "server.key", "-out", enc.toString(), "-v2", "aes-256-cbc",
        "-passout", "pass:1234");
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> jedis.configSet("tls-key-file", enc.toString()));
    assertTrue(e.getMessage().contains("Unable to update TLS"), e.getMessage());
    try {
      jedis.configSet("tls-key-file-pass", "1234");
      jedis.configSet("tls-key-file", enc.toString());
      assertTrue(pingWorks("client", null, null));
    } finally {
      jedis.configSet("tls-key-file", certs().path("server.key"));
      jedis.configSet("tls-key-file-pass", "");
    }
  }

  @Test
  void garbageAndPlainTextOnTheTlsPortCloseOnlyThatConnection() throws Exception {
    long seed = System.nanoTime();
    System.out.println("TlsIT garbage seed " + seed);
    Random rnd = new Random(seed);
    int before = jedis.clientList().split("\n").length;
    for (int i = 0; i < 30; i++) {
      try (Socket s = new Socket("127.0.0.1", tlsPort)) {
        s.setSoTimeout(10_000);
        byte[] junk = new byte[1 + rnd.nextInt(4096)];
        rnd.nextBytes(junk);
        if (i % 3 == 0) {
          junk = "PING\r\n".getBytes(StandardCharsets.US_ASCII); // plain text on the TLS port
        } else if (i % 3 == 1) {
          junk[0] = 0x16; // looks like a handshake record, then nonsense
          junk[1] = 3;
        }
        OutputStream out = s.getOutputStream();
        try {
          out.write(junk);
          out.flush();
        } catch (IOException closedEarly) {
          continue;
        }
        InputStream in = s.getInputStream();
        try {
          byte[] buf = new byte[1024];
          while (in.read(buf) >= 0) {
            // drain until the server closes (an alert may come first; never a RESP reply)
          }
        } catch (IOException reset) {
          // closed by the server
        }
      }
    }
    assertTrue(pingWorks("client", null, null));
    for (int i = 0; i < 50 && jedis.clientList().split("\n").length != before; i++) {
      Thread.sleep(50);
    }
    assertEquals(before, jedis.clientList().split("\n").length, "no connection left behind");
  }

  @Test
  void switchBetweenTcpAndTlsPorts() throws Exception {
    int newTls = RealRedis.freePort();
    jedis.configSet("tls-port", Integer.toString(newTls));
    int oldTls = tlsPort;
    tlsPort = newTls;
    try {
      assertTrue(pingWorks("client", null, null));
      assertThrows(IOException.class, () -> new Socket("127.0.0.1", oldTls).close(), "the old TLS port is closed");
      try (Jedis j = tls("client")) {
        j.configSet("port", "0");
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", plainPort).close(), "port 0: no plain port");
        j.configSet("port", Integer.toString(plainPort));
      }
      assertEquals("PONG", newJedis().ping());
    } finally {
      jedis = newJedis();
      jedis.configSet("tls-port", Integer.toString(oldTls));
      tlsPort = oldTls;
    }
  }

  @Test
  void replicaOfTlsMasterOverTls() throws Exception {
    TestCerts c = certs();
    try (InProcessServers s = new InProcessServers(Files.createTempDirectory("cairn-tls-repl"))) {
      // the replica has no client certificate of its own: its server certificate (redis.crt) is presented
      Jedis replica = s.start("--port", Integer.toString(RealRedis.freePort()), "--tls-port", Integer.toString(RealRedis.freePort()), "--tls-replication", "yes",
          "--tls-cert-file", c.path("redis.crt"), "--tls-key-file", c.path("redis.key"),
          "--tls-ca-cert-file", c.path("ca.crt"));
      jedis.set("before", "1");
      replica.replicaof("127.0.0.1", tlsPort);
      long deadline = System.currentTimeMillis() + 30_000;
      while (!replica.info("replication").contains("master_link_status:up")
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(replica.info("replication").contains("master_link_status:up"), replica.info("replication"));
      jedis.set("after", "2");
      deadline = System.currentTimeMillis() + 10_000;
      while (replica.get("after") == null && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals("1", replica.get("before"));
      assertEquals("2", replica.get("after"));
      String info = jedis.info("replication");
      assertTrue(info.contains("slave0:ip=127.0.0.1,port=" + s.servers.get(0).engine().tlsPort), info);
      replica.replicaofNoOne();
    }
  }

  @Test
  void redisCliOverTls() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "no redis-cli");
    TestCerts c = certs();
    Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(tlsPort), "--tls", "--cacert",
        c.path("ca.crt"), "--cert", c.path("client.crt"), "--key", c.path("client.key"), "SET", "cli", "ok")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor());
    Assumptions.assumeFalse(out.contains("TLS support"), "this redis-cli has no TLS: " + out);
    assertEquals("OK", out);
    assertEquals("ok", jedis.get("cli"));
  }

  @Test
  void startupRefusesUnusableConfiguration() throws Exception {
    TestCerts c = certs();
    InProcessServers s = new InProcessServers(Files.createTempDirectory("cairn-tls-bad"));
    try (s) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.start("--tls-port",
          Integer.toString(RealRedis.freePort()), "--tls-cert-file", c.path("server.crt"), "--tls-key-file", c.path("server.key")));
      assertEquals("Failed to configure TLS. Check logs for more info.", e.getMessage(),
          "tls-auth-clients yes without a CA");
      e = assertThrows(IllegalStateException.class, () -> s.start("--tls-port", Integer.toString(RealRedis.freePort()),
          "--tls-cert-file", c.path("server.crt"), "--tls-key-file", c.path("client.key"), "--tls-auth-clients", "no"));
      assertEquals("Failed to configure TLS. Check logs for more info.", e.getMessage(), "a key of another cert");
    }
  }
}
