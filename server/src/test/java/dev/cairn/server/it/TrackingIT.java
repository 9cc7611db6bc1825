package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Client-side caching over the network: a RESP3 connection gets invalidation pushes beside its replies; a RESP2
 * client redirects them to a subscribed connection; BCAST invalidations arrive at the end of the event-loop batch.
 */
class TrackingIT extends ServerTestBase {
  private static String push(String... keys) {
    StringBuilder sb = new StringBuilder(">2\r\n$10\r\ninvalidate\r\n*").append(keys.length).append("\r\n");
    for (String k : keys) {
      sb.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void resp3ConnectionGetsInvalidationPushes() throws Exception {
    RawClient r = raw();
    assertTrue(r.command("HELLO", "3").readReply().startsWith("%7\r\n"));
    assertEquals("+OK\r\n", r.command("CLIENT", "TRACKING", "ON").readReply());
    jedis.set("key1", "1");
    assertEquals("$1\r\n1\r\n", r.command("GET", "key1").readReply());
    jedis.set("key1", "2");
    assertEquals(push("key1"), r.readReply());
    // its own write: the reply first, then the invalidation
    assertEquals("$1\r\n2\r\n", r.command("GET", "key1").readReply());
    r.command("SET", "key1", "3");
    assertEquals("+OK\r\n", r.readReply());
    assertEquals(push("key1"), r.readReply());
    // a flush invalidates everything with a null
    r.command("GET", "key1").readReply();
    jedis.flushAll();
    assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", r.readReply());
  }

  @Test
  void resp2ClientRedirectsToASubscribedConnection() throws Exception {
    RawClient redirect = raw();
    String id = redirect.command("CLIENT", "ID").readReply().trim().substring(1);
    redirect.command("SUBSCRIBE", "__redis__:invalidate").readReply();
    try (Jedis tracking = newJedis(); Jedis writer = newJedis()) {
      assertEquals("OK", new String((byte[]) tracking.sendCommand(Protocol.Command.CLIENT, "TRACKING", "ON",
          "REDIRECT", id)));
      writer.mset("a", "1", "b", "2");
      assertEquals(java.util.List.of("1", "2"), tracking.mget("a", "b"));
      writer.incr("b");
      assertEquals("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nb\r\n", redirect.readReply());
      assertEquals(Long.parseLong(id), (Long) tracking.sendCommand(Protocol.Command.CLIENT, "GETREDIR"));
      String info = jedis.info("stats");
      assertTrue(info.contains("tracking_total_keys:1\r\n") && info.contains("tracking_total_items:1\r\n"), info);
    }
  }

  @Test
  void broadcastModeSendsEachPrefixsKeysTogether() throws Exception {
    RawClient r = raw();
    r.command("HELLO", "3").readReply();
    assertEquals("+OK\r\n", r.command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:").readReply());
    RawClient w = raw();
    // one batch: a pipelined transaction
    w.send("MULTI\r\nSET user:1 a\r\nSET user:2 b\r\nSET item:1 c\r\nEXEC\r\n");
    for (int i = 0; i < 5; i++) {
      w.readReply();
    }
    assertEquals(push("user:1", "user:2"), r.readReply());
    String list = jedis.clientList();
    assertTrue(list.contains(" flags=tB "), list);
  }
}
