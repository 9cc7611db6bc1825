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

/** A server asked for io_uring serves clients through it where the kernel offers it, and through epoll otherwise. */
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
}
