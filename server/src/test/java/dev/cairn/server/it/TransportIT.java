package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A server asked for io_uring serves clients through it where the kernel offers it, and through epoll otherwise, and
 * holds the output-buffer limits as under epoll.
 */
class TransportIT {
  @Test
  void ioUringServesPipelinesBigRepliesAndTheUnixSocket() throws Exception {
    Path dir = Files.createTempDirectory("cairn-transport");
    Path socket = dir.resolve("cairn.sock");
    try (CairnProcess p = CairnProcess.start(List.of("-Dcairn.transport=io_uring"), "--save", "", "--dir",
        dir.toString(), "--unixsocket", socket.toString())) {
      assertTrue(p.awaitReady(), p.log());
      try (Jedis j = p.connect()) {
        String api = j.info("server").lines().filter(l -> l.startsWith("multiplexing_api:")).findFirst().orElseThrow();
        assertEquals("multiplexing_api:" + (IoUring.isAvailable() ? "io_uring" : "epoll"), api.trim());
        // a pipeline of a thousand commands, answered in order
        Pipeline pl = j.pipelined();
        List<Response<Long>> counts = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          counts.add(pl.incr("counter"));
        }
        pl.sync();
        for (int i = 0; i < 1000; i++) {
          assertEquals(i + 1, counts.get(i).get());
        }
        // a reply bigger than the socket takes at once goes out in parts
        byte[] big = new byte[8 << 20];
        new java.util.Random(42).nextBytes(big);
        j.set("big".getBytes(), big);
        assertArrayEquals(big, j.get("big".getBytes()));
      }
      assertTrue(Files.exists(socket), "the Unix socket listens: " + p.log());
    }
  }

  /**
   * A subscriber that does not read: once the socket is full, CLIENT LIST counts what waits for it in omem, and the
   * hard limit's close removes it before the next command. Under io_uring the channel closes only when the kernel has
   * cancelled its pending send, and it used to stay listed with omem=0 until then, so the omem last seen was 0.
   */
  @Test
  void aSubscriberThatDoesNotReadIsCountedUntilTheHardLimitDropsIt() throws Exception {
    Path dir = Files.createTempDirectory("cairn-transport");
    try (CairnProcess p = CairnProcess.start(List.of("-Dcairn.transport=io_uring"), "--save", "", "--dir",
        dir.toString())) {
      assertTrue(p.awaitReady(), p.log());
      try (Jedis j = p.connect(); java.net.Socket sub = new java.net.Socket()) {
        j.configSet("client-output-buffer-limit", "pubsub 100000 0 0");
        sub.setReceiveBufferSize(4096); // the kernel holds less, so the server's buffer fills sooner
        sub.connect(new java.net.InetSocketAddress("127.0.0.1", p.port));
        sub.getOutputStream().write("SUBSCRIBE foo\r\n".getBytes());
        while (j.pubsubNumSub("foo").get("foo") == 0) {
          Thread.sleep(5);
        }
        String message = "x".repeat(1000);
        long lastOmem = -1;
        for (int i = 0; ; i++) {
          assertTrue(i < 100_000, "the subscriber was never closed; its omem is " + lastOmem);
          j.publish("foo", message);
          String line = j.clientList().lines().filter(l -> l.contains(" sub=1 ")).findFirst().orElse(null);
          if (line == null) {
            break;
          }
          lastOmem = Long.parseLong(line.replaceAll(".* omem=(\\d+) .*", "$1"));
        }
        assertTrue(lastOmem >= 70_000 && lastOmem < 100_000, "omem last seen " + lastOmem);
      }
    }
  }

  /**
   * A client that closes its own connection is forgotten by the time another client's next command is answered: not
   * in INFO clients, not in blocked_clients, not counted against maxclients. Under io_uring the channel's inactive event
   * is a task the loop may run after other clients' completions, and the server used to wait for it.
   */
  @Test
  void aClientThatClosesIsForgottenBeforeTheNextCommandUnderIoUring() throws Exception {
    Path dir = Files.createTempDirectory("cairn-transport");
    try (CairnProcess p = CairnProcess.start(List.of("-Dcairn.transport=io_uring"), "--save", "", "--dir",
        dir.toString())) {
      assertTrue(p.awaitReady(), p.log());
      try (Jedis j = p.connect()) {
        j.configSet("maxclients", "2");
        for (int i = 0; i < 200; i++) {
          try (java.net.Socket s = new java.net.Socket("127.0.0.1", p.port)) {
            s.setSoTimeout(10_000);
            assertEquals("+PONG\r\n", roundTrip(s, "PING\r\n", 7), "connection " + i + " refused");
            if (i % 2 == 1) {
              s.getOutputStream().write("BLPOP nothing 0\r\n".getBytes());
              while (!j.info("clients").contains("blocked_clients:1")) {
                Thread.sleep(1);
              }
            }
          }
          j.ping();
          String info = j.info("clients");
          assertTrue(info.contains("connected_clients:1\r\n") && info.contains("blocked_clients:0\r\n"),
              "after client " + i + " left: " + info);
        }
      }
    }
  }

  private static String roundTrip(java.net.Socket s, String request, int replyLength) throws Exception {
    s.getOutputStream().write(request.getBytes());
    return new String(s.getInputStream().readNBytes(replyLength));
  }
}
