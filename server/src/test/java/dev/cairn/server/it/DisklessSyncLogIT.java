package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The master's log lines about its replicas that Redis's suite waits for (integration/replication): the end of a
 * diskless full sync ("diskless ... replicas drop during rdb pipe"), where a master process with a slow RDB
 * (rdb-key-save-delay) serves two replicas that join one transfer, raw sockets that each read everything, stop
 * reading, or hang up; a replica that sends a command with a reply; PSYNC with an offset that is no number.
 */
class DisklessSyncLogIT {
  private static final long WAIT_MS = 60_000;
  private static final String ALL_UP = "Diskless rdb transfer, done reading from pipe, 2 replicas still up.";
  private static final String ONE_UP = "Diskless rdb transfer, done reading from pipe, 1 replicas still up.";
  private static final String LAST_DROPPED = "Diskless rdb transfer, last replica dropped, killing fork child.";
  private static final String TIMED_OUT = "Disconnecting timedout replica (full sync)";

  @TempDir static Path dir;
  private static Process master;
  private static int port;
  private static Path log;
  private static Jedis client;
  private final List<RawReplica> replicas = new ArrayList<>();
  private long logFrom;

  @BeforeAll
  static void startMaster() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    log = dir.resolve("master.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xshare:auto", "-cp", System.getProperty("java.class.path"), "dev.cairn.server.Main",
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--logfile",
        log.toString(), "--save", "", "--enable-debug-command", "yes", "--repl-diskless-sync", "yes",
        "--repl-diskless-sync-delay", "5", "--repl-diskless-sync-max-replicas", "2", "--rdbcompression", "no"));
    master = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
    waitForLog("Ready to accept connections", 0);
    client = new Jedis("127.0.0.1", port, 30_000);
    // 40 MB of RDB, more than the sockets buffer, made in about 2 s
    client.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "POPULATE", "4000", "key", "10000");
    client.configSet("rdb-key-save-delay", "500");
  }

  @AfterAll
  static void stopMaster() throws Exception {
    if (client != null) {
      client.close();
    }
    if (master != null) {
      master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void markLog() throws Exception {
    waitNoSync();
    client.configSet("repl-timeout", "60");
    logFrom = Files.exists(log) ? Files.size(log) : 0;
  }

  @Test
  void bothReplicasReadTheWholePayload() throws Exception {
    RawReplica[] two = attachTwo();
    RawReplica a = two[0];
    RawReplica b = two[1];
    CompletableFuture<Long> ra = reading(a);
    CompletableFuture<Long> rb = reading(b);
    long size = ra.get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertEquals(size, rb.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(size > 40_000_000L, "payload of " + size + " bytes");
    waitForLog(ALL_UP, logFrom);
    closeAll();
  }

  @Test
  void aReplicaThatHangsUpMidwayLeavesOneUp() throws Exception {
    RawReplica[] two = attachTwo();
    RawReplica a = two[0];
    RawReplica b = two[1];
    CompletableFuture<Long> ra = reading(a);
    b.readSome(1 << 20);
    b.close(); // while the master still makes the RDB
    assertTrue(ra.get(WAIT_MS, TimeUnit.MILLISECONDS) > 40_000_000L);
    String text = waitForLog(ONE_UP, logFrom);
    assertFalse(text.contains(ALL_UP));
    assertFalse(text.contains(LAST_DROPPED));
    closeAll();
  }

  @Test
  void theLastReplicaGoneStopsTheTransfer() throws Exception {
    RawReplica[] two = attachTwo();
    RawReplica a = two[0];
    RawReplica b = two[1];
    a.readSome(1 << 20);
    b.readSome(1 << 20);
    a.close();
    b.close();
    String text = waitForLog(LAST_DROPPED, logFrom);
    waitNoSync(); // the snapshot was stopped
    assertFalse(text.contains("done reading from pipe"));
    closeAll();
  }

  @Test
  void aReplicaThatStopsReadingTimesOutAndTheOtherGoesOn() throws Exception {
    client.configSet("repl-timeout", "1");
    RawReplica[] two = attachTwo();
    RawReplica a = two[0];
    RawReplica b = two[1];
    b.readSome(1 << 16); // then reads nothing more: its socket fills up
    long size = a.readPayload();
    assertTrue(size > 40_000_000L);
    String text = waitForLog(ONE_UP, logFrom);
    assertTrue(text.contains(TIMED_OUT), text);
    closeAll();
  }

  /** integration/replication's "replica do not write the reply to the replication link": such a replica goes. */
  @Test
  void aReplicaWhoseCommandHasAReplyIsDisconnected() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT_MS);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder full = new StringBuilder();
      for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
        full.append((char) c);
      }
      assertTrue(full.toString().startsWith("+FULLRESYNC "), full.toString());
      out.write("*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the two lines are two writes to the log: wait for the second, so that a read between them cannot miss it
      String text = waitForLog("== CRITICAL == This master is sending an error to its replica: 'ERR Replica can't "
          + "interact with the keyspace' after processing the command 'get'", logFrom);
      assertTrue(text.contains("Replica generated a reply to command 'get', disconnecting it: "), text);
      byte[] all = in.readAllBytes(); // the master closed the link, and sent no reply
      assertFalse(new String(all, StandardCharsets.ISO_8859_1).contains("Replica can't interact"));
    }
    assertEquals("PONG", client.ping());
  }

  @Test
  void psyncWithAWrongOffsetIsAnErrorAndLogged() throws Exception {
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(redis.clients.jedis.exceptions.JedisDataException.class,
          () -> j.sendCommand(() -> "PSYNC".getBytes(StandardCharsets.US_ASCII), "replicationid", "offset_str"));
      assertEquals("ERR value is not an integer or out of range", e.getMessage());
      waitForLog("asks for synchronization but with a wrong offset", logFrom);
      assertEquals("PONG", j.ping());
    }
  }

  /** Reads {@code r}'s payload on a thread of its own (the common pool may have one thread: both must read at once). */
  private static CompletableFuture<Long> reading(RawReplica r) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(r.readPayload());
      } catch (RuntimeException | AssertionError e) {
        f.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Two replicas that asked for a full sync, and the sync that serves them both started. */
  private RawReplica[] attachTwo() throws IOException {
    RawReplica a = new RawReplica(port);
    RawReplica b = new RawReplica(port);
    replicas.add(a);
    replicas.add(b);
    a.started();
    b.started();
    return new RawReplica[] {a, b};
  }

  private void closeAll() {
    replicas.forEach(RawReplica::close);
    replicas.clear();
  }

  private static void waitNoSync() throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (client.info("persistence").contains("rdb_bgsave_in_progress:1")) {
      assertTrue(System.currentTimeMillis() < deadline, "the full sync's snapshot did not end");
      Thread.sleep(50);
    }
  }

  /** Waits for {@code text} in the master's log after byte {@code from}; returns the log from there. */
  private static String waitForLog(String text, long from) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(log)) {
        byte[] all = Files.readAllBytes(log);
        String s = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
            StandardCharsets.UTF_8);
        if (s.contains(text)) {
          return s;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no '" + text + "' in the master's log:\n" + Files.readString(log));
  }

  /** A replica speaking the protocol by hand: REPLCONF capa eof, PSYNC ? -1, then the payload as the test wants. */
  private static final class RawReplica implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private byte[] mark;

    RawReplica(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setReceiveBufferSize(64 * 1024);
      socket.setSoTimeout((int) WAIT_MS);
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      OutputStream out = socket.getOutputStream();
      out.write(("*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n1234\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals("+OK", line());
      out.write(("*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertEquals("+OK", line());
      out.write("*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The master's answer once the sync starts (both replicas asked first, so that they join one sync). */
    void started() throws IOException {
      String full = line();
      assertTrue(full.startsWith("+FULLRESYNC "), full);
      String header = line();
      assertTrue(header.startsWith("$EOF:") && header.length() == 45, header);
      mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
    }

    /** A line, past the master's keepalive newlines. */
    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed by the master");
        }
        if (c == '\n') {
          if (sb.length() > 0) {
            return sb.toString();
          }
        } else if (c != '\r') {
          sb.append((char) c);
        }
      }
    }

    void readSome(int n) throws IOException {
      in.readNBytes(n);
    }

    /** Reads up to the EOF mark; the payload's size (an RDB: it starts with REDIS). */
    long readPayload() {
      try {
        byte[] buf = new byte[1 << 16];
        byte[] tail = new byte[mark.length];
        long total = 0;
        boolean first = true;
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            throw new IOException("closed by the master after " + total + " bytes");
          }
          if (first && n >= 5) {
            assertEquals("REDIS", new String(buf, 0, 5, StandardCharsets.US_ASCII));
            first = false;
          }
          total += n;
          if (n >= tail.length) {
            System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
          } else {
            System.arraycopy(tail, n, tail, 0, tail.length - n);
            System.arraycopy(buf, 0, tail, tail.length - n, n);
          }
          if (total >= mark.length && Arrays.equals(tail, mark)) {
            return total - mark.length;
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
