package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.connection.ClientType;
import dev.cairn.core.connection.OutputBufferLimits;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** client-query-buffer-limit and client-output-buffer-limit close the offending client, and only it. */
class BufferLimitsIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--client-query-buffer-limit", "1mb", "--client-output-buffer-limit",
        "normal 200kb 100kb 1 pubsub 32mb 8mb 60"};
  }

  @Test
  void limitsAreParsedFromTheConfig() {
    OutputBufferLimits l = server.engine().params().clientOutputBufferLimit;
    assertEquals(200 * 1024, l.hard(ClientType.NORMAL));
    assertEquals(100 * 1024, l.soft(ClientType.NORMAL));
    assertEquals(1, l.softSeconds(ClientType.NORMAL));
    assertEquals("normal 204800 102400 1 slave 268435456 67108864 60 pubsub 33554432 8388608 60", l.get());
  }

  @Test
  void limitConfigErrors() {
    OutputBufferLimits l = new OutputBufferLimits();
    assertEquals("Wrong number of arguments in buffer limit configuration.",
        assertThrows(() -> l.set("normal 0 0")));
    assertEquals("Invalid client class specified in buffer limit configuration.",
        assertThrows(() -> l.set("master 0 0 0")));
    assertEquals("Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        assertThrows(() -> l.set("normal -1 0 0")));
    assertEquals("Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        assertThrows(() -> l.set("normal 1 0 x")));
    // a bad group leaves every class as it was
    assertEquals("Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        assertThrows(() -> l.set("replica 1 1 1 normal 1 1 x")));
    assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", l.get());
  }

  private static String assertThrows(org.junit.jupiter.api.function.Executable e) {
    return org.junit.jupiter.api.Assertions.assertThrows(dev.cairn.core.config.ConfigException.class, e).getMessage();
  }

  @Test
  void queryBufferLimitClosesTheClient() throws Exception {
    long before = onEngine(() -> server.engine().stats().clientQueryBufferLimitDisconnections);
    RawClient r = raw();
    // a bulk that never completes: the buffer grows past 1mb
    r.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n");
    byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
    boolean closed = false;
    try {
      for (int i = 0; i < 40; i++) {
        r.send(chunk);
      }
    } catch (java.io.IOException e) {
      closed = true;
    }
    assertTrue(closed || r.closedByServer());
    assertEquals(before + 1, (long) onEngine(() -> server.engine().stats().clientQueryBufferLimitDisconnections));
    assertEquals("PONG", jedis.ping());
  }

  /**
   * A reply bounded only by its count (a billion random picks, repeats allowed) stops once the client is past its hard
   * limit, instead of holding the server for minutes and gigabytes.
   */
  @Test
  void aRandomPickOfABillionStopsAtTheLimit() throws Exception {
    jedis.hset("h", "f", "v");
    jedis.sadd("s", "m");
    jedis.zadd("z", 1, "m");
    for (String command : new String[] {"HRANDFIELD h", "SRANDMEMBER s", "ZRANDMEMBER z"}) {
      long start = System.currentTimeMillis();
      try (Socket s = new Socket("127.0.0.1", port())) {
        s.setSoTimeout(10_000);
        String[] w = command.split(" ");
        s.getOutputStream().write(("*3\r\n$" + w[0].length() + "\r\n" + w[0] + "\r\n$1\r\n" + w[1]
            + "\r\n$10\r\n-999999999\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(-1, s.getInputStream().read(), command + ": closed with nothing sent");
      }
      assertTrue(System.currentTimeMillis() - start < 5000, command + " ran on past the limit");
      assertEquals("PONG", jedis.ping());
    }
  }

  @Test
  void outputBufferHardLimitClosesWithoutAReply() throws Exception {
    jedis.set("big", "x".repeat(300 * 1024));
    long before = onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections);
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      assertEquals(-1, in.read(), "closed with nothing sent");
    }
    assertEquals(before + 1, (long) onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections));
    assertEquals("PONG", jedis.ping());
    // under the limit is fine
    jedis.set("small", "x".repeat(50 * 1024));
    assertEquals(50 * 1024, newJedis().get("small").length());
  }

  @Test
  void aMonitorThatDoesNotReadIsClosedAtTheLimit() throws Exception {
    long before = onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections);
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port()));
      s.getOutputStream().write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(100);
      String value = "v".repeat(60 * 1024);
      long deadline = System.currentTimeMillis() + 10_000;
      while (onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections) == before
          && System.currentTimeMillis() < deadline) {
        redis.clients.jedis.Pipeline p = jedis.pipelined();
        for (int i = 0; i < 50; i++) {
          p.set("m" + i, value);
        }
        p.sync();
      }
    }
    assertEquals(before + 1, (long) onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections));
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void outputBufferSoftLimitClosesAClientThatStaysOver() throws Exception {
    jedis.set("mid", "x".repeat(60 * 1024));
    OutputBufferLimits limits = server.engine().params().clientOutputBufferLimit;
    onEngine(() -> {
      limits.set("normal 0 100kb 1"); // soft only: the hard limit cannot be what closes the client
      return null;
    });
    try {
      softLimit();
    } finally {
      onEngine(() -> {
        limits.set("normal 200kb 100kb 1");
        return null;
      });
    }
  }

  /** Over the soft limit and then silent: the cron closes the client once the limit's time is up. */
  @Test
  void softLimitRunsOutWithoutTraffic() throws Exception {
    jedis.set("mid", "x".repeat(60 * 1024));
    OutputBufferLimits limits = server.engine().params().clientOutputBufferLimit;
    onEngine(() -> {
      limits.set("normal 0 100kb 1");
      return null;
    });
    try {
      long before = onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections);
      try (Socket s = new Socket("127.0.0.1", port())) {
        s.setReceiveBufferSize(4096);
        byte[] get = "*2\r\n$3\r\nGET\r\n$3\r\nmid\r\n".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.currentTimeMillis() + 8000;
        // never read: replies fill the socket's buffers, then wait in the server; stop writing once they stay there
        java.util.function.Supplier<Long> pending = () -> {
          try {
            return onEngine(() -> server.engine().clients().stream()
                .mapToLong(c -> c.connection.pendingOutputBytes()).max().orElse(0));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
        while (pending.get() < 150 * 1024) {
          assertTrue(System.currentTimeMillis() < deadline, "never over the soft limit at rest");
          for (int i = 0; i < 10; i++) {
            s.getOutputStream().write(get);
          }
          Thread.sleep(50);
        }
        long over = System.currentTimeMillis();
        while (onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections) == before) {
          assertTrue(System.currentTimeMillis() - over < 3000, "still connected 3 s after the last command");
          Thread.sleep(20);
        }
      }
    } finally {
      onEngine(() -> {
        limits.set("normal 200kb 100kb 1");
        return null;
      });
    }
  }

  private void softLimit() throws Exception {
    long before = onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections);
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setReceiveBufferSize(4096);
      s.setSoTimeout(10_000);
      byte[] get = "*2\r\n$3\r\nGET\r\n$3\r\nmid\r\n".getBytes(StandardCharsets.US_ASCII);
      // never read: replies pile up over the 100kb soft limit; after a second above it the next reply closes us
      long deadline = System.currentTimeMillis() + 8000;
      boolean closed = false;
      while (!closed && System.currentTimeMillis() < deadline) {
        try {
          s.getOutputStream().write(get);
          Thread.sleep(50);
        } catch (java.io.IOException e) {
          closed = true;
        }
        if (onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections) > before) {
          closed = true;
        }
      }
      assertTrue(closed, "soft limit enforced");
    }
    assertEquals(before + 1, (long) onEngine(() -> server.engine().stats().clientOutputBufferLimitDisconnections));
  }
}
