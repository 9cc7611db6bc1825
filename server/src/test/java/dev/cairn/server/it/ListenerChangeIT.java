package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** CONFIG SET port and bind move the listening sockets at once, or fail with Redis's message and keep the old ones. */
class ListenerChangeIT extends ServerTestBase {

  @Test
  void portAndBindChanges() throws Exception {
    int old = port();
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> jedis.configSet("port", Integer.toString(busy.getLocalPort())));
      assertEquals("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
          + "Check server logs.", e.getMessage());
    }
    assertEquals("PONG", newJedis().ping()); // still on the old port
    assertEquals(old, server.port());

    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.configSet("bind", "999.999.999.999"));
    assertTrue(e.getMessage().endsWith("Failed to bind to specified addresses."), e.getMessage());
    assertEquals("PONG", newJedis().ping());

    // the new port listens by the time the reply arrives: no retry needed
    int next = RealRedis.freePort();
    assertEquals("OK", jedis.configSet("port", Integer.toString(next)));
    try (Jedis j = new Jedis("127.0.0.1", next, 10_000)) {
      assertEquals("PONG", j.ping());
    }
    assertThrows(JedisConnectionException.class, () -> new Jedis("127.0.0.1", old, 2_000).ping());
    assertEquals(next, server.port());
  }
}
