package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/** HyperLogLog commands through a real client: counts, merges, the string they are, errors, DUMP/RESTORE. */
class HyperLogLogIT extends RawCommandTestBase {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void addCountMerge() {
    assertEquals(1, jedis.pfadd("h1", "a", "b", "c"));
    assertEquals(0, jedis.pfadd("h1", "a"));
    assertEquals(3, jedis.pfcount("h1"));
    jedis.pfadd("h2", "c", "d");
    assertEquals(4, jedis.pfcount("h1", "h2", "missing"));
    assertEquals("OK", jedis.pfmerge("h3", "h1", "h2"));
    assertEquals(4, jedis.pfcount("h3"));
    assertEquals(0, jedis.pfcount("missing"));
    assertEquals("string", jedis.type("h3"));
  }

  @DisplayName("PFCOUNT returns approximated cardinality of set")
  @Test
  void cardinalityIsApproximate() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("HyperLogLogIT seed " + seed);
    Random rnd = new Random(seed);
    int n = 0;
    while (n < 30_000) {
      String[] batch = new String[500];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = Long.toString(rnd.nextLong());
      }
      n += batch.length;
      jedis.pfadd("hll", batch);
      long card = jedis.pfcount("hll");
      assertTrue(Math.abs(card - n) <= n * 0.05, n + " counted as " + card + ", seed " + seed);
    }
    assertEquals("+dense\r\n", q("PFDEBUG", "ENCODING", "hll"));
  }

  @Test
  void anHllIsAStringWithRedisBytes() throws Exception {
    jedis.pfadd("h", "a", "b", "c");
    assertEquals("48594c4c01000000000000000000008060f38050b1844bfb80425a",
        HexFormat.of().formatHex(jedis.get(b("h"))));
    assertEquals(":3\r\n", q("PFCOUNT", "h"));
    // the estimate is cached in the header (little endian) and the stale bit cleared
    assertEquals("48594c4c01000000030000000000000060f38050b1844bfb80425a",
        HexFormat.of().formatHex(jedis.get(b("h"))));
    // a copy made with SET is an HLL too
    jedis.set(b("copy"), jedis.get(b("h")));
    assertEquals(":3\r\n", q("PFCOUNT", "copy"));
    assertEquals(":1\r\n", q("PFADD", "copy", "d"));
    assertEquals(":4\r\n", q("PFCOUNT", "copy"));
  }

  @Test
  void errors() throws Exception {
    q("SET", "str", "hello");
    assertEquals("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", q("PFADD", "str", "x"));
    q("LPUSH", "list", "x");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", q("PFCOUNT", "list"));
    q("PFADD", "h", "a", "b", "c");
    q("SETRANGE", "h", "0", "0123");
    assertEquals("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", q("PFCOUNT", "h"));
    q("DEL", "h");
    q("PFADD", "h", "a", "b", "c");
    q("APPEND", "h", "hello");
    assertEquals("-INVALIDOBJ Corrupted HLL object detected\r\n", q("PFCOUNT", "h"));
    assertEquals("-ERR wrong number of arguments for 'pfadd' command\r\n", q("PFADD"));
    assertEquals("-ERR wrong number of arguments for 'pfselftest' command\r\n", q("PFSELFTEST", "x"));
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.pfmerge("d", "str"));
    assertTrue(e.getMessage().startsWith("WRONGTYPE Key is not a valid HyperLogLog"));
  }

  /** Random corruption never takes the server down, and the connection stays usable. */
  @DisplayName("Fuzzing dense/sparse encoding: Redis should always detect errors")
  @Test
  void corruptionFuzz() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("HyperLogLogIT.corruptionFuzz seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 150; round++) {
      jedis.del("hll");
      int items = rnd.nextInt(3000);
      String[] els = new String[items + 1];
      els[0] = "first";
      for (int i = 1; i <= items; i++) {
        els[i] = Double.toString(rnd.nextDouble());
      }
      jedis.pfadd("hll", els);
      for (int i = 0; i < 5; i++) {
        long len = jedis.strlen("hll");
        byte[] one = {(byte) rnd.nextInt(256)};
        jedis.setrange(b("hll"), rnd.nextInt((int) len), one);
        if (rnd.nextBoolean()) {
          break;
        }
      }
      for (String[] cmd : new String[][] {{"PFCOUNT", "hll"}, {"PFADD", "hll", "x", "y"}, {"PFCOUNT", "hll", "hll"},
          {"PFMERGE", "out", "hll"}, {"PFDEBUG", "TODENSE", "hll"}, {"PFCOUNT", "hll"}}) {
        String reply = q(cmd);
        assertTrue(reply.startsWith(":") || reply.startsWith("+") || reply.startsWith("*")
            || reply.startsWith("-INVALIDOBJ") || reply.startsWith("-WRONGTYPE"), reply + ", seed " + seed);
      }
    }
    assertEquals("+PONG\r\n", q("PING"));
  }

  @Test
  void dumpAndRestoreKeepTheBytes() throws Exception {
    jedis.pfadd("sparse", "a", "b", "c");
    String[] many = new String[5000];
    for (int i = 0; i < many.length; i++) {
      many[i] = "e" + i;
    }
    jedis.pfadd("dense", many);
    for (String key : new String[] {"sparse", "dense"}) {
      byte[] before = jedis.get(b(key));
      byte[] payload = jedis.dump(key);
      assertEquals("OK", jedis.restore(b(key + "2"), 0, payload));
      assertArrayEquals(before, jedis.get(b(key + "2")));
      assertEquals(jedis.pfcount(key), jedis.pfcount(key + "2"));
    }
    // a payload DUMPed by Redis 7.0.15 after PFADD h a b c and PFCOUNT h
    byte[] fromRedis = HexFormat.of().parseHex(
        "001b48594c4c01000000030000000000000060f38050b1844bfb80425a0a00abfb2b7ea3b0efec");
    assertEquals("OK", jedis.restore(b("r"), 0, fromRedis));
    assertEquals(3, jedis.pfcount("r"));
    assertEquals(1, jedis.pfadd("r", "d"));
  }

  @Test
  void selfTest() throws Exception {
    r.setTimeout(60_000);
    assertEquals("+OK\r\n", q("PFSELFTEST"));
  }
}
