package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.resps.Tuple;

/** DUMP and RESTORE of sets and sorted sets: round trips, and payloads made by a real redis-server (7.0, RDB 10). */
class CollectionDumpIT extends ServerTestBase {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void restoresRedisPayloads() {
    // SADD a 1 -70000 3 (intset), SADD b x y 12345 (type 2), ZADD c 1.5 m -2 n 100000 o (listpack)
    jedis.restore("a".getBytes(), 0, hex("0b14040000000300000090eefeff01000000030000000a00090eec49a6504d88"));
    jedis.restore("b".getBytes(), 0, hex("020301790178c139300a0021fe4d918b972b87"));
    jedis.restore("c".getBytes(), 0,
        hex("111d1d0000000600816e02dffe02816d0283312e3504816f02f2a0860104ff0a00641df3eeee0cd5c3"));
    assertEquals(Set.of("1", "-70000", "3"), jedis.smembers("a"));
    assertEquals("intset", jedis.objectEncoding("a"));
    assertEquals(Set.of("x", "y", "12345"), jedis.smembers("b"));
    assertEquals(List.of(new Tuple("n", -2.0), new Tuple("m", 1.5), new Tuple("o", 100000.0)),
        jedis.zrangeWithScores("c", 0, -1));
    assertEquals("listpack", jedis.objectEncoding("c"));
  }

  @Test
  void roundTripsEveryEncoding() {
    jedis.sadd("intset", "1", "2", "3");
    jedis.sadd("listpack", "a", "b");
    for (int i = 0; i < 600; i++) {
      jedis.sadd("hashtable", "m" + i);
      jedis.zadd("skiplist", i * 0.5, "m" + i);
    }
    jedis.zadd("zsmall", -1, "x");
    jedis.zadd("zsmall", Double.POSITIVE_INFINITY, "y");
    for (String k : List.of("intset", "listpack", "hashtable", "skiplist", "zsmall")) {
      byte[] payload = jedis.dump(k);
      jedis.restore(k + "-copy", 0, payload);
      assertEquals(jedis.objectEncoding(k), jedis.objectEncoding(k + "-copy"), k);
      if (jedis.type(k).equals("set")) {
        assertEquals(jedis.smembers(k), jedis.smembers(k + "-copy"), k);
      } else {
        assertEquals(jedis.zrangeWithScores(k, 0, -1), jedis.zrangeWithScores(k + "-copy", 0, -1), k);
      }
    }
  }
}
