package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** BZPOPMIN, BZPOPMAX and BZMPOP: blocking, wake-up order, timeouts, with concurrent clients. */
class ZSetBlockingIT extends ServerTestBase {
  private String cmd(RawClient c, String... args) throws Exception {
    return c.command(args).readReply();
  }

  @Test
  void popsAtOnceWhenDataIsThere() throws Exception {
    RawClient c = raw();
    cmd(c, "ZADD", "z", "1", "a", "2", "b");
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", cmd(c, "BZPOPMIN", "nokey", "z", "0"));
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n", cmd(c, "BZPOPMAX", "z", "0"));
    assertEquals(":0\r\n", cmd(c, "EXISTS", "z"));
    assertEquals("-ERR timeout is negative\r\n", cmd(c, "BZPOPMIN", "z", "-1"));
    assertEquals("-ERR timeout is not a float or out of range\r\n", cmd(c, "BZPOPMIN", "z", "x"));
    cmd(c, "SET", "str", "x");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        cmd(c, "BZPOPMIN", "str", "0"));
  }

  @Test
  void blockedClientsAreServedInArrivalOrder() throws Exception {
    RawClient first = raw();
    RawClient second = raw();
    first.command("BZPOPMIN", "z", "0");
    awaitBlockedClients(1);
    second.command("BZPOPMIN", "other", "z", "0");
    awaitBlockedClients(2);
    jedis.zadd("z", 1, "a");
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", first.readReply());
    awaitBlockedClients(1);
    jedis.zadd("z", 2, "b");
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n", second.readReply());
    awaitBlockedClients(0);
    assertEquals(0, jedis.exists("z") ? 1 : 0);
  }

  @Test
  void timeoutRepliesNullArray() throws Exception {
    RawClient c = raw();
    long start = System.nanoTime();
    assertEquals("*-1\r\n", cmd(c, "BZPOPMAX", "nokey", "0.2"));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms >= 150, "returned after " + ms + " ms");
    assertEquals("*-1\r\n", cmd(c, "BZMPOP", "0.1", "1", "nokey", "MIN"));
    cmd(c, "HELLO", "3");
    assertEquals("_\r\n", cmd(c, "BZPOPMIN", "nokey", "0.05"));
  }

  @Test
  void bzmpopWakesWithCount() throws Exception {
    RawClient c = raw();
    c.command("BZMPOP", "0", "2", "k1", "k2", "MAX", "COUNT", "2");
    awaitBlockedClients(1);
    // a write to an unrelated key does not wake it
    jedis.zadd("k3", 1, "x");
    jedis.zadd("k2", java.util.Map.of("a", 1.0, "b", 2.0, "c", 3.0));
    assertEquals("*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", c.readReply());
    assertEquals(1, jedis.zcard("k2"));
    assertEquals("-ERR numkeys should be greater than 0\r\n", cmd(c, "BZMPOP", "0", "0", "k", "MIN"));
    assertEquals("-ERR timeout is negative\r\n", cmd(c, "BZMPOP", "-1", "1", "k", "MIN"));
  }

  @Test
  void keyOverwrittenWithAnotherTypeDoesNotWakeTheWaiter() throws Exception {
    RawClient c = raw();
    c.command("BZPOPMIN", "zset", "0");
    awaitBlockedClients(1);
    jedis.set("zset", "foo");
    awaitBlockedClients(1);
    jedis.del("zset");
    jedis.zadd("zset", 1, "bar");
    assertEquals("*3\r\n$4\r\nzset\r\n$3\r\nbar\r\n$1\r\n1\r\n", c.readReply());
    c.command("BZMPOP", "0", "1", "zset2", "MIN");
    awaitBlockedClients(1);
    jedis.sadd("zset2", "x");
    awaitBlockedClients(1);
    jedis.del("zset2");
    jedis.zadd("zset2", 2, "y");
    assertEquals("*2\r\n$5\r\nzset2\r\n*1\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n", c.readReply());
  }

  @Test
  void manyConcurrentWaitersEachGetOneMember() throws Exception {
    int n = 8;
    RawClient[] clients = new RawClient[n];
    for (int i = 0; i < n; i++) {
      clients[i] = raw();
      clients[i].command("BZPOPMIN", "q", "5");
    }
    awaitBlockedClients(n);
    Thread producer = new Thread(() -> {
      try (var p = newJedis()) {
        for (int i = 0; i < n; i++) {
          p.zadd("q", i, "m" + i);
        }
      }
    });
    producer.start();
    producer.join();
    java.util.Set<String> got = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      String reply = clients[i].readReply();
      assertTrue(reply.startsWith("*3\r\n$1\r\nq\r\n"), reply);
      got.add(reply);
    }
    assertEquals(n, got.size());
    awaitBlockedClients(0);
  }
}
