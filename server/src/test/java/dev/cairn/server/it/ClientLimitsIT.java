package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** maxclients refuses a connection past the limit with Redis's error; `timeout` closes idle clients. */
class ClientLimitsIT extends ServerTestBase {
  @AfterEach
  void reset() {
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port())) { // jedis may have idled out
      j.configSet("maxclients", "10000");
      j.configSet("timeout", "0");
    }
  }

  private static String readAll(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }

  @Test
  void maxclientsRefusesWithRedisError() throws Exception {
    jedis.configSet("maxclients", "2");
    try (Socket second = new Socket("127.0.0.1", port()); Socket third = new Socket("127.0.0.1", port())) {
      second.setSoTimeout(10_000);
      third.setSoTimeout(10_000);
      assertEquals("-ERR max number of clients reached\r\n", readAll(third.getInputStream()),
          "the third client is told why and closed");
      second.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("+PONG\r\n", new String(second.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
    }
    assertTrue(jedis.info("stats").contains("rejected_connections:1"), jedis.info("stats"));
  }

  @Test
  void idleClientsAreClosedAfterTimeout() throws Exception {
    jedis.configSet("timeout", "1");
    try (Socket idle = new Socket("127.0.0.1", port())) {
      idle.setSoTimeout(15_000);
      long start = System.currentTimeMillis();
      assertEquals(-1, idle.getInputStream().read(), "closed without a reply");
      long took = System.currentTimeMillis() - start;
      assertTrue(took >= 900, "closed after " + took + " ms, before the timeout");
    }
  }
}
