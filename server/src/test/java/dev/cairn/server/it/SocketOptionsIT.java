package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code tcp-keepalive} and {@code tcp-backlog} on the sockets themselves, read back from the kernel with {@code ss}
 * (iproute2): a client's connection gets keepalive probes after the configured idle time (0: none), a CONFIG SET
 * applies to connections made after it, as in Redis; the listening socket's queue is {@code tcp-backlog} long.
 */
class SocketOptionsIT {
  @TempDir
  Path dir;
  private CairnServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int start(String... args) throws Exception {
    Assumptions.assumeTrue(ss("-V").contains("iproute2"), "needs ss (iproute2)");
    server = InProcessServers.launchIn(dir, args);
    return server.port();
  }

  private static String ss(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "ss";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return ""; // no ss here
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "ss ended");
    return out;
  }

  /** A connection that has been served a PING, so that the server has set it up. */
  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    byte[] pong = in.readNBytes(7);
    assertEquals("+PONG\r\n", new String(pong, StandardCharsets.US_ASCII));
    return s;
  }

  /** The server side of {@code client}'s connection as ss shows it with its timer ("timer:(keepalive,...)" or none). */
  private static String serverSide(int port, Socket client) throws Exception {
    String line = ss("-tnoH", "state", "established",
        "( sport = :" + port + " and dport = :" + client.getLocalPort() + " )").strip();
    assertFalse(line.isEmpty(), "ss shows the connection");
    return line;
  }

  @Test
  void keepaliveProbesFollowTcpKeepalive() throws Exception {
    int port = start("--tcp-keepalive", "7");
    try (Socket seven = connect(port); Jedis admin = new Jedis("127.0.0.1", port)) {
      String s = serverSide(port, seven);
      // the kernel's own idle time is 2 hours ("119min"): under 7 s the timer shows no minutes
      assertTrue(s.contains("timer:(keepalive,") && !s.contains("min"), s);
      admin.configSet("tcp-keepalive", "100");
      try (Socket hundred = connect(port)) {
        s = serverSide(port, hundred);
        assertTrue(s.contains("timer:(keepalive,1min"), s);
      }
      admin.configSet("tcp-keepalive", "0");
      try (Socket none = connect(port)) {
        s = serverSide(port, none);
        assertFalse(s.contains("keepalive"), s);
      }
      s = serverSide(port, seven); // a connection keeps what it was given
      assertTrue(s.contains("timer:(keepalive,") && !s.contains("min"), s);
    }
  }

  @Test
  void theListenQueueIsTcpBacklogLong() throws Exception {
    int port = start("--tcp-backlog", "37");
    // for a listening socket ss's Send-Q column is the backlog it was given (the kernel caps it at somaxconn)
    String[] cols = ss("-ltnH", "( sport = :" + port + " )").strip().split("\\s+");
    assertEquals("LISTEN", cols[0]);
    assertEquals("37", cols[2]);
  }
}
