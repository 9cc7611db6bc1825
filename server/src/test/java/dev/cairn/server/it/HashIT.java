package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class HashIT extends ServerTestBase {
  private RawClient r;

  @BeforeEach
  void rawClient() throws Exception {
    r = raw();
  }

  private String q(String... args) throws Exception {
    return r.command(args).readReply();
  }

  @Test
  @DisplayName("HSET/HLEN - Small hash creation")
  void hsetHlenSmall() throws Exception {
    assertEquals(":3\r\n", q("HSET", "h", "a", "1", "b", "2", "c", "3"));
    assertEquals(":1\r\n", q("HSET", "h", "a", "x", "d", "4"));
    assertEquals(":4\r\n", q("HLEN", "h"));
    assertEquals("$1\r\nx\r\n", q("HGET", "h", "a"));
    assertEquals("$-1\r\n", q("HGET", "h", "zz"));
    assertEquals("$-1\r\n", q("HGET", "nokey", "a"));
    assertEquals(":0\r\n", q("HLEN", "nokey"));
    assertEquals("+OK\r\n", q("HMSET", "h", "e", "5"));
    assertEquals("*3\r\n$1\r\nx\r\n$-1\r\n$1\r\n5\r\n", q("HMGET", "h", "a", "nope", "e"));
    assertEquals("*2\r\n$-1\r\n$-1\r\n", q("HMGET", "nokey", "a", "b"));
  }

  @Test
  void arityAndTypeErrors() throws Exception {
    assertEquals("-ERR wrong number of arguments for 'hset' command\r\n", q("HSET", "h", "a", "1", "b"));
    assertEquals("-ERR wrong number of arguments for 'hmset' command\r\n", q("HMSET", "h", "a", "1", "b"));
    assertEquals("-ERR wrong number of arguments for 'hget' command\r\n", q("HGET", "h"));
    q("SET", "s", "v");
    String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    for (List<String> c : List.of(List.of("HGET", "s", "a"), List.of("HSET", "s", "a", "b"), List.of("HLEN", "s"),
        List.of("HGETALL", "s"), List.of("HDEL", "s", "a"), List.of("HINCRBY", "s", "a", "1"),
        List.of("HSCAN", "s", "0"), List.of("HRANDFIELD", "s"), List.of("HEXPIRE", "s", "1", "FIELDS", "1", "a"))) {
      assertEquals(wrongType, q(c.toArray(new String[0])), c.toString());
    }
  }

  @Test
  void hsetnxHexistsHstrlenHdel() throws Exception {
    assertEquals(":1\r\n", q("HSETNX", "h", "a", "hello"));
    assertEquals(":0\r\n", q("HSETNX", "h", "a", "other"));
    assertEquals("$5\r\nhello\r\n", q("HGET", "h", "a"));
    assertEquals(":1\r\n", q("HEXISTS", "h", "a"));
    assertEquals(":0\r\n", q("HEXISTS", "h", "b"));
    assertEquals(":5\r\n", q("HSTRLEN", "h", "a"));
    assertEquals(":0\r\n", q("HSTRLEN", "h", "b"));
    q("HSET", "h", "b", "1", "c", "2");
    assertEquals(":2\r\n", q("HDEL", "h", "a", "b", "nope"));
    assertEquals(":1\r\n", q("HDEL", "h", "c", "c"));
    assertEquals(":0\r\n", q("EXISTS", "h")); // emptied hash is deleted
    assertEquals(":0\r\n", q("HDEL", "h", "c"));
  }

  @Test
  void hgetallHkeysHvals() throws Exception {
    assertEquals("*0\r\n", q("HGETALL", "nokey"));
    assertEquals("*0\r\n", q("HKEYS", "nokey"));
    q("HSET", "h", "a", "1", "b", "2");
    assertEquals("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", q("HGETALL", "h"));
    assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", q("HKEYS", "h"));
    assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", q("HVALS", "h"));
  }

  @Test
  void bigHashThroughJedis() {
    Map<String, String> model = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      model.put("field:" + i, "value:" + i);
    }
    jedis.hset("big", model);
    assertEquals(1000L, jedis.hlen("big"));
    assertEquals(model, jedis.hgetAll("big"));
    assertEquals(model.keySet(), jedis.hkeys("big"));
    assertEquals("value:7", jedis.hget("big", "field:7"));
    // HSCAN of a hashtable: every field at least once, cursor back to 0
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      ScanResult<Map.Entry<String, String>> res = jedis.hscan("big", cursor, new ScanParams().count(50));
      res.getResult().forEach(e -> {
        seen.add(e.getKey());
        assertEquals(model.get(e.getKey()), e.getValue());
      });
      cursor = res.getCursor();
      calls++;
    } while (!cursor.equals("0"));
    assertEquals(model.keySet(), seen);
    assertTrue(calls > 1, "a big hash scans in several calls");
  }

  @Test
  void hscanSmallHashReturnsAllWithCursorZero() throws Exception {
    q("HSET", "h", "a", "1", "b", "2", "cc", "3");
    assertEquals("*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\ncc\r\n$1\r\n3\r\n",
        q("HSCAN", "h", "0", "COUNT", "1"));
    assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$2\r\ncc\r\n$1\r\n3\r\n", q("HSCAN", "h", "0", "MATCH", "c*"));
    assertEquals("*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\ncc\r\n", q("HSCAN", "h", "0", "NOVALUES"));
    assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", q("HSCAN", "nokey", "0"));
    assertEquals("-ERR invalid cursor\r\n", q("HSCAN", "h", "x"));
    assertEquals("-ERR syntax error\r\n", q("HSCAN", "h", "0", "COUNT", "0"));
    assertEquals("-ERR syntax error\r\n", q("HSCAN", "h", "0", "FOO"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("HSCAN", "h", "0", "COUNT", "x"));
  }

  @Test
  void hincrby() throws Exception {
    assertEquals(":5\r\n", q("HINCRBY", "h", "n", "5"));
    assertEquals(":-5\r\n", q("HINCRBY", "h", "n", "-10"));
    q("HSET", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1");
    assertEquals("-ERR hash value is not an integer\r\n", q("HINCRBY", "h", "s", "1"));
    assertEquals("-ERR hash value is not an integer\r\n", q("HINCRBY", "h", "sp", "1"));
    assertEquals("-ERR increment or decrement would overflow\r\n", q("HINCRBY", "h", "big", "1"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("HINCRBY", "h", "n", "1.5"));
    assertEquals("$19\r\n9223372036854775807\r\n", q("HGET", "h", "big"));
  }

  @Test
  void hincrbyfloat() throws Exception {
    assertEquals("$4\r\n10.5\r\n", q("HINCRBYFLOAT", "h", "f", "10.5"));
    assertEquals("$4\r\n10.6\r\n", q("HINCRBYFLOAT", "h", "f", "0.1"));
    assertEquals("$21\r\n100000000000000000000\r\n", q("HINCRBYFLOAT", "h", "g", "1e20"));
    assertEquals("$21\r\n100000000000000000008\r\n", q("HINCRBYFLOAT", "h", "g", "8"));
    assertEquals("-ERR wrong number of arguments for 'hincrbyfloat' command\r\n",
        q("HINCRBYFLOAT", "h", "g", "1", "extra"));
    q("HSET", "h", "s", "abc");
    assertEquals("-ERR hash value is not a float\r\n", q("HINCRBYFLOAT", "h", "s", "1"));
    assertEquals("-ERR value is not a valid float\r\n", q("HINCRBYFLOAT", "h", "f", "x"));
    assertEquals("-ERR value is NaN or Infinity\r\n", q("HINCRBYFLOAT", "h", "f", "inf"));
    q("HSET", "h", "i", "inf");
    assertEquals("-ERR increment would produce NaN or Infinity\r\n", q("HINCRBYFLOAT", "h", "i", "1"));
    q("HSET", "h", "int", "17179869184");
    assertEquals("$13\r\n17179869185.5\r\n", q("HINCRBYFLOAT", "h", "int", "1.5"));
  }

  @Test
  void hrandfield() throws Exception {
    assertEquals("$-1\r\n", q("HRANDFIELD", "nokey"));
    assertEquals("*0\r\n", q("HRANDFIELD", "nokey", "3"));
    q("HSET", "h", "a", "1", "b", "2", "c", "3");
    Set<String> fields = Set.of("a", "b", "c");
    assertTrue(fields.contains(jedis.hrandfield("h")));
    assertEquals(fields, new HashSet<>(jedis.hrandfield("h", 10)));
    assertEquals(2, new HashSet<>(jedis.hrandfield("h", 2)).size());
    assertEquals(7, jedis.hrandfield("h", -7).size());
    assertEquals("*0\r\n", q("HRANDFIELD", "h", "0"));
    String two = q("HRANDFIELD", "h", "-2", "WITHVALUES");
    assertTrue(two.startsWith("*4\r\n"), two);
    assertEquals("-ERR syntax error\r\n", q("HRANDFIELD", "h", "1", "FOO"));
    assertEquals("-ERR value is out of range\r\n", q("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"));
    assertEquals("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
        q("HRANDFIELD", "h", "-9223372036854775808"));
  }

  @Test
  @DisplayName("DUMP / RESTORE of both encodings, and a listpack payload as Redis 7 dumps it")
  void dumpRestore() {
    jedis.hset("small", Map.of("a", "1", "b", "-5", "c", "xyz"));
    Map<String, String> big = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      big.put("f" + i, "v" + i);
    }
    jedis.hset("big", big);
    for (String k : List.of("small", "big")) {
      byte[] payload = jedis.dump(k);
      assertEquals("OK", jedis.restore(k + "2", 0, payload));
      assertEquals(jedis.hgetAll(k), jedis.hgetAll(k + "2"));
    }
    // redis-server 7.0's DUMP of HSET h a 1 b 22 c -5 d 1000 e 100000 f 5000000000 g xyz (RDB_TYPE_HASH_LISTPACK)
    byte[] fromRedis = hex("103a3a0000000e008161020101816202160181630" + "2dffb02816402c3e802816502f2a08601048166"
        + "02f400f2052a0100000009816702837879" + "7a04ff0a006a72aab35cdbaf88");
    assertEquals("OK", jedis.restore("r", 0, fromRedis));
    assertEquals(Map.of("a", "1", "b", "22", "c", "-5", "d", "1000", "e", "100000", "f", "5000000000", "g", "xyz"),
        jedis.hgetAll("r"));
    jedis.hset("copied", "x", "1");
    assertTrue(jedis.copy("small", "copied", true));
    jedis.hset("small", "a", "changed");
    assertEquals("1", jedis.hget("copied", "a")); // an independent copy
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  @Test
  void resp3Shapes() throws Exception {
    String hello = q("HELLO", "3");
    Assumptions.assumeTrue(hello.startsWith("%"), "HELLO 3 not available in this build: " + hello.trim());
    q("HSET", "h", "a", "1", "b", "2");
    assertEquals("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", q("HGETALL", "h"));
    assertEquals("%0\r\n", q("HGETALL", "nokey"));
    assertEquals("_\r\n", q("HGET", "h", "zz"));
    assertEquals("_\r\n", q("HRANDFIELD", "nokey"));
    String rand = q("HRANDFIELD", "h", "-2", "WITHVALUES");
    assertTrue(rand.startsWith("*2\r\n*2\r\n$1\r\n"), rand);
    assertEquals("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
        q("HRANDFIELD", "h", "5", "WITHVALUES"));
  }
}
