package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.LCSMatchResult;

/** String commands over the network: Jedis for the semantics, raw RESP where the exact bytes matter. */
class StringIT extends ServerTestBase {
  @Test
  void setOptionsThroughJedis() {
    assertEquals("OK", jedis.set("k", "v", SetParams.setParams().nx()));
    assertNull(jedis.set("k", "w", SetParams.setParams().nx()));
    assertEquals("OK", jedis.set("k", "w", SetParams.setParams().xx()));
    assertNull(jedis.set("missing", "w", SetParams.setParams().xx()));
    assertEquals("w", jedis.setGet("k", "x"));
    assertNull(jedis.setGet("new", "y"));
    assertEquals("x", jedis.get("k"));
    assertEquals(1, jedis.setnx("n", "1"));
    assertEquals(0, jedis.setnx("n", "2"));
  }

  @Test
  void setErrorsAreRedisBytes() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR syntax error\r\n", r.command("SET", "k", "v", "NX", "XX").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("SET", "k", "v", "EX", "10", "KEEPTTL").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("SET", "k", "v", "EX").readReply());
    assertEquals("-ERR invalid expire time in 'set' command\r\n", r.command("SET", "k", "v", "EX", "0").readReply());
    assertEquals("-ERR invalid expire time in 'set' command\r\n",
        r.command("SET", "k", "v", "PX", "9223372036854775807").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n",
        r.command("SET", "k", "v", "EX", "ten").readReply());
    assertEquals("-ERR invalid expire time in 'setex' command\r\n", r.command("SETEX", "k", "-1", "v").readReply());
    assertEquals("-ERR invalid expire time in 'psetex' command\r\n", r.command("PSETEX", "k", "0", "v").readReply());
    assertEquals("-ERR wrong number of arguments for 'set' command\r\n", r.command("SET", "k").readReply());
    assertEquals("-ERR wrong number of arguments for 'mset' command\r\n",
        r.command("MSET", "a", "1", "b").readReply());
    assertEquals("$-1\r\n", r.command("SET", "k", "v", "NX", "GET").readReply());
    assertEquals("$1\r\nv\r\n", r.command("SET", "k", "v2", "NX", "GET").readReply());
  }

  @Test
  void relativeExpiryOptionsExpireTheKey() throws Exception {
    jedis.set("ex", "v", SetParams.setParams().px(100));
    jedis.setex("setex", 1, "v");
    jedis.psetex("psetex", 100, "v");
    jedis.set("keep", "v", SetParams.setParams().px(100));
    jedis.set("keep", "v2", SetParams.setParams().keepTtl());
    jedis.set("plain", "v", SetParams.setParams().px(100));
    jedis.set("plain", "v2"); // a plain SET removes the TTL
    jedis.set("getex", "v");
    assertEquals("v", jedis.getEx("getex", GetExParams.getExParams().px(100)));
    jedis.set("persist", "v", SetParams.setParams().px(100));
    assertEquals("v", jedis.getEx("persist", GetExParams.getExParams().persist()));
    assertEquals("v", jedis.get("ex"));
    Thread.sleep(250);
    assertNull(jedis.get("ex"));
    assertEquals("v", jedis.get("setex")); // one second has not passed
    assertNull(jedis.get("psetex"));
    assertNull(jedis.get("keep"));
    assertEquals("v2", jedis.get("plain"));
    assertNull(jedis.get("getex"));
    assertEquals("v", jedis.get("persist"));
  }

  @Test
  void absoluteExpiry() {
    long past = System.currentTimeMillis() - 1000;
    assertEquals("OK", jedis.set("k", "v", SetParams.setParams().pxAt(past)));
    assertFalse(jedis.exists("k"));
    jedis.set("k", "v");
    assertEquals("v", jedis.getEx("k", GetExParams.getExParams().exAt(past / 1000)));
    assertFalse(jedis.exists("k")); // GETEX with a past time deletes at once
    jedis.set("k", "v", SetParams.setParams().exAt(System.currentTimeMillis() / 1000 + 100));
    assertEquals("v", jedis.get("k"));
  }

  @Test
  void getdelGetsetMsetMget() {
    jedis.set("a", "1");
    assertEquals("1", jedis.getDel("a"));
    assertNull(jedis.getDel("a"));
    assertNull(jedis.getSet("a", "2"));
    assertEquals("2", jedis.getSet("a", "3"));
    assertEquals("OK", jedis.mset("x", "1", "y", "2"));
    assertEquals(0, jedis.msetnx("y", "9", "z", "3"));
    assertFalse(jedis.exists("z"));
    assertEquals(1, jedis.msetnx("z", "3", "w", "4"));
    assertEquals(Arrays.asList("1", "2", "3", null), jedis.mget("x", "y", "z", "nokey"));
    assertEquals(1, jedis.strlen("x"));
    assertEquals(0, jedis.strlen("nokey"));
  }

  @Test
  void binarySafeValues() {
    byte[] key = {0, (byte) 0xff, '\r', '\n'};
    byte[] value = new byte[256];
    for (int i = 0; i < 256; i++) {
      value[i] = (byte) i;
    }
    jedis.set(key, value);
    assertArrayEquals(value, jedis.get(key));
    assertEquals(258, jedis.append(key, new byte[] {0, 1}));
    assertArrayEquals(Arrays.copyOfRange(value, 250, 256), jedis.getrange(key, 250, 255));
  }

  @Test
  @DisplayName("APPEND fuzzing: a loop of appends builds the same string")
  void appendLoop() {
    StringBuilder expect = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      String part = Integer.toString(i * 7919 % 1000);
      expect.append(part);
      assertEquals(expect.length(), jedis.append("s", part));
    }
    assertEquals(expect.toString(), jedis.get("s"));
  }

  @Test
  void rangesThroughRaw() throws Exception {
    RawClient r = raw();
    r.command("SET", "k", "Hello World").readReply();
    assertEquals("$5\r\nWorld\r\n", r.command("GETRANGE", "k", "-5", "-1").readReply());
    assertEquals("$0\r\n\r\n", r.command("GETRANGE", "k", "-1", "-5").readReply());
    assertEquals("$0\r\n\r\n", r.command("GETRANGE", "nokey", "0", "-1").readReply());
    assertEquals("$3\r\nell\r\n", r.command("SUBSTR", "k", "1", "3").readReply());
    assertEquals(":11\r\n", r.command("SETRANGE", "k", "6", "Redis").readReply());
    assertEquals("$11\r\nHello Redis\r\n", r.command("GET", "k").readReply());
    assertEquals(":5\r\n", r.command("SETRANGE", "pad", "2", "abc").readReply());
    assertEquals("$5\r\n\0\0abc\r\n", r.command("GET", "pad").readReply());
    assertEquals("-ERR offset is out of range\r\n", r.command("SETRANGE", "k", "-1", "x").readReply());
    assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
        r.command("SETRANGE", "k", "536870912", "x").readReply());
    assertEquals(":0\r\n", r.command("SETRANGE", "nokey", "536870912", "").readReply());
  }

  @Test
  void counters() throws Exception {
    assertEquals(1, jedis.incr("c"));
    assertEquals(11, jedis.incrBy("c", 10));
    assertEquals(10, jedis.decr("c"));
    assertEquals(-5, jedis.decrBy("c", 15));
    assertEquals(10.5, jedis.incrByFloat("f", 10.5));
    RawClient r = raw();
    r.command("SET", "f", "0.1").readReply();
    assertEquals("$3\r\n0.3\r\n", r.command("INCRBYFLOAT", "f", "0.2").readReply());
    assertEquals("$23\r\n-4989.70000000000000018\r\n", r.command("INCRBYFLOAT", "f", "-4990").readReply());
    assertEquals("-ERR value is not a valid float\r\n", r.command("INCRBYFLOAT", "f", "x").readReply());
    assertEquals("-ERR increment would produce NaN or Infinity\r\n",
        r.command("INCRBYFLOAT", "f", "+inf").readReply());
    r.command("SET", "max", "9223372036854775807").readReply();
    assertEquals("-ERR increment or decrement would overflow\r\n", r.command("INCR", "max").readReply());
    assertEquals("-ERR decrement would overflow\r\n",
        r.command("DECRBY", "max", "-9223372036854775808").readReply());
    r.command("SET", "s", "12 ").readReply();
    assertEquals("-ERR value is not an integer or out of range\r\n", r.command("INCR", "s").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n", r.command("INCRBY", "c", "1.5").readReply());
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.incr("s"));
    assertEquals("ERR value is not an integer or out of range", e.getMessage());
  }

  @Test
  void lcs() throws Exception {
    jedis.set("a", "ohmytext");
    jedis.set("b", "mynewtext");
    LCSMatchResult plain = jedis.lcs("a", "b", LCSParams.LCSParams());
    assertEquals("mytext", plain.getMatchString());
    assertEquals(6, jedis.lcs("a", "b", LCSParams.LCSParams().len()).getLen());
    LCSMatchResult idx = jedis.lcs("a", "b", LCSParams.LCSParams().idx().withMatchLen());
    assertEquals(6, idx.getLen());
    assertEquals(2, idx.getMatches().size());
    assertEquals(4, idx.getMatches().get(0).getMatchLen());
    assertEquals(4, idx.getMatches().get(0).getA().getStart());
    assertEquals(7, idx.getMatches().get(0).getA().getEnd());
    RawClient r = raw();
    assertEquals("-ERR If you want both the length and indexes, please just use IDX.\r\n",
        r.command("LCS", "a", "b", "LEN", "IDX").readReply());
    assertEquals("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:6\r\n",
        r.command("LCS", "a", "b", "IDX", "MINMATCHLEN", "5").readReply());
  }

  @Test
  void bigValueRoundTrip() {
    byte[] big = new byte[3 * 1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    jedis.set("big".getBytes(), big);
    assertEquals(big.length, jedis.strlen("big"));
    assertEquals(big.length + 1, jedis.append("big", "y"));
    List<String> got = jedis.mget("big");
    assertTrue(got.get(0).endsWith("xxy"));
  }
}
