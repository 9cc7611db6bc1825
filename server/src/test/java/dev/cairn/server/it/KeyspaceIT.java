package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** Key commands and whole databases, checked reply byte for byte. */
class KeyspaceIT extends RawCommandTestBase {
  @Test
  void delUnlinkExistsCountKeys() throws Exception {
    q("SET", "a", "1");
    q("SET", "b", "2");
    q("SET", "c", "3");
    assertEquals(":3\r\n", q("EXISTS", "a", "a", "b", "nokey"));
    assertEquals(":1\r\n", q("DEL", "a", "nokey", "a"));
    assertEquals(":2\r\n", q("UNLINK", "b", "c"));
    assertEquals(":0\r\n", q("EXISTS", "a", "b", "c"));
    assertEquals("-ERR wrong number of arguments for 'unlink' command\r\n", q("UNLINK"));
  }

  @Test
  void typeIsASimpleString() throws Exception {
    q("SET", "a", "1");
    assertEquals("+string\r\n", q("TYPE", "a"));
    assertEquals("+none\r\n", q("TYPE", "nokey"));
  }

  @Test
  void renameMovesValueAndTtl() throws Exception {
    assertEquals("-ERR no such key\r\n", q("RENAME", "nokey", "x"));
    assertEquals("-ERR no such key\r\n", q("RENAMENX", "nokey", "x"));
    q("SET", "a", "v");
    q("PEXPIRE", "a", "100000");
    assertEquals("+OK\r\n", q("RENAME", "a", "a"));
    assertEquals(":0\r\n", q("RENAMENX", "a", "a"));
    q("SET", "b", "old");
    assertEquals("+OK\r\n", q("RENAME", "a", "b"));
    assertEquals("$1\r\nv\r\n", q("GET", "b"));
    assertEquals(":0\r\n", q("EXISTS", "a"));
    long pttl = Long.parseLong(q("PTTL", "b").trim().substring(1));
    assertTrue(pttl > 90000 && pttl <= 100000, "pttl " + pttl);
    q("SET", "c", "x");
    assertEquals(":0\r\n", q("RENAMENX", "b", "c"));
    assertEquals(":1\r\n", q("RENAMENX", "b", "d"));
    assertEquals("$1\r\nv\r\n", q("GET", "d"));
    assertEquals(":-2\r\n", q("TTL", "b"));
  }

  @Test
  void copyWithinAndAcrossDatabases() throws Exception {
    q("SET", "src", "hello");
    q("PEXPIRE", "src", "100000");
    assertEquals("-ERR source and destination objects are the same\r\n", q("COPY", "src", "src"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("COPY", "src", "d", "DB", "notanumber"));
    assertEquals("-ERR DB index is out of range\r\n", q("COPY", "src", "d", "DB", "16"));
    assertEquals("-ERR DB index is out of range\r\n", q("COPY", "src", "d", "DB", "-1"));
    assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
        q("COPY", "src", "d", "DB", "-2147483649"));
    assertEquals("-ERR syntax error\r\n", q("COPY", "src", "d", "DB"));
    assertEquals("-ERR syntax error\r\n", q("COPY", "src", "d", "foo"));
    assertEquals(":0\r\n", q("COPY", "nokey", "d"));
    assertEquals(":1\r\n", q("COPY", "src", "d"));
    assertEquals("$5\r\nhello\r\n", q("GET", "d"));
    assertExpiryOfAboutAHundredSeconds(q("PTTL", "d"), "the expiry is copied");
    q("SET", "e", "other");
    assertEquals(":0\r\n", q("COPY", "src", "e"));
    assertEquals("$5\r\nother\r\n", q("GET", "e"));
    assertEquals(":1\r\n", q("COPY", "src", "e", "REPLACE"));
    assertEquals("$5\r\nhello\r\n", q("GET", "e"));
    assertEquals(":1\r\n", q("COPY", "src", "src", "DB", "1"));
    q("SELECT", "1");
    assertEquals("$5\r\nhello\r\n", q("GET", "src"));
  }

  @Test
  void moveToAnotherDatabase() throws Exception {
    q("SET", "k", "v");
    q("PEXPIRE", "k", "100000");
    assertEquals("-ERR value is not an integer or out of range\r\n", q("MOVE", "k", "notanumber"));
    assertEquals("-ERR DB index is out of range\r\n", q("MOVE", "k", "16"));
    assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
        q("MOVE", "k", "2147483648"));
    assertEquals("-ERR source and destination objects are the same\r\n", q("MOVE", "k", "0"));
    assertEquals(":0\r\n", q("MOVE", "nokey", "1"));
    assertEquals(":1\r\n", q("MOVE", "k", "1"));
    assertEquals(":0\r\n", q("EXISTS", "k"));
    q("SET", "k", "again");
    assertEquals(":0\r\n", q("MOVE", "k", "1"), "an existing key in the target blocks the move");
    q("SELECT", "1");
    assertEquals("$1\r\nv\r\n", q("GET", "k"));
    assertExpiryOfAboutAHundredSeconds(q("PTTL", "k"), "the expiry moves with the key");
  }

  /**
   * A PTTL reply for a key given 100000 ms moments ago: 90000-100000 (the whole 100000 when the command clock has
   * not moved on a millisecond since, as Redis replies too on a fast machine).
   */
  private static void assertExpiryOfAboutAHundredSeconds(String reply, String what) {
    assertTrue(reply.matches(":(9\\d{4}|100000)\r\n"), what + ": " + reply);
  }

  @Test
  void swapdbIsSeenByClientsOfBothDatabases() throws Exception {
    assertEquals("-ERR invalid first DB index\r\n", q("SWAPDB", "a", "0"));
    assertEquals("-ERR invalid second DB index\r\n", q("SWAPDB", "0", "a"));
    assertEquals("-ERR DB index is out of range\r\n", q("SWAPDB", "0", "16"));
    assertEquals("-ERR DB index is out of range\r\n", q("SWAPDB", "-1", "0"));
    q("SET", "in0", "x");
    Jedis other = newJedis();
    other.select(1);
    other.set("in1", "y");
    assertEquals("+OK\r\n", q("SWAPDB", "0", "1"));
    assertEquals("+OK\r\n", q("SWAPDB", "1", "1"));
    assertEquals("$1\r\ny\r\n", q("GET", "in1"));
    assertEquals(":0\r\n", q("EXISTS", "in0"));
    assertEquals("x", other.get("in0"));
  }

  @Test
  void flushdbFlushallDbsize() throws Exception {
    q("SET", "a", "1");
    q("SET", "b", "1");
    q("SELECT", "1");
    q("SET", "c", "1");
    assertEquals(":1\r\n", q("DBSIZE"));
    assertEquals("-ERR syntax error\r\n", q("FLUSHDB", "foo"));
    assertEquals("-ERR syntax error\r\n", q("FLUSHDB", "ASYNC", "SYNC"));
    assertEquals("+OK\r\n", q("FLUSHDB", "async"));
    assertEquals(":0\r\n", q("DBSIZE"));
    q("SELECT", "0");
    assertEquals(":2\r\n", q("DBSIZE"));
    assertEquals("-ERR syntax error\r\n", q("FLUSHALL", "now"));
    assertEquals("+OK\r\n", q("FLUSHALL", "SYNC"));
    assertEquals(":0\r\n", q("DBSIZE"));
  }

  @Test
  void randomkeyAndKeys() throws Exception {
    assertEquals("$-1\r\n", q("RANDOMKEY"));
    q("SET", "one", "1");
    assertEquals("$3\r\none\r\n", q("RANDOMKEY"));
    q("SET", "two", "2");
    q("SET", "three", "3");
    assertEquals(Set.of("one", "two", "three"), jedis.keys("*"));
    assertEquals(Set.of("two", "three"), jedis.keys("t*"));
    assertEquals(Set.of("one"), jedis.keys("?n[a-e]"));
    assertEquals("*0\r\n", q("KEYS", "none*"));
    for (int i = 0; i < 50; i++) {
      assertTrue(Set.of("one", "two", "three").contains(jedis.randomKey()));
    }
  }

  @Test
  void keysAndRandomkeySkipExpiredKeys() throws Exception {
    q("SET", "live", "1");
    q("SET", "gone", "1");
    q("PEXPIRE", "gone", "1");
    Thread.sleep(20);
    assertEquals(Set.of("live"), jedis.keys("*"));
    for (int i = 0; i < 20; i++) {
      assertEquals("live", jedis.randomKey());
    }
  }

  @Test
  void touchCountsAndResetsIdleTime() throws Exception {
    // redis-server's DUMP of "hello", restored as if idle for 1000 seconds
    byte[] payload = HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
    jedis.sendCommand(Protocol.Command.RESTORE, bytes("a"), bytes("0"), payload, bytes("IDLETIME"), bytes("1000"));
    long idle = Long.parseLong(q("OBJECT", "IDLETIME", "a").trim().substring(1));
    assertTrue(idle >= 1000 && idle < 1010, "idle " + idle);
    assertEquals("+string\r\n", q("TYPE", "a"));
    assertTrue(Long.parseLong(q("OBJECT", "IDLETIME", "a").trim().substring(1)) >= 1000, "TYPE does not touch");
    assertEquals(":1\r\n", q("TOUCH", "a", "nokey"));
    assertEquals(":0\r\n", q("OBJECT", "IDLETIME", "a"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void objectSubcommands() throws Exception {
    q("SET", "int", "12345");
    q("SET", "small", "05");
    q("SET", "shared", "42");
    q("SET", "raw", "x".repeat(45));
    assertEquals("$3\r\nint\r\n", q("OBJECT", "ENCODING", "int"));
    assertEquals("$6\r\nembstr\r\n", q("OBJECT", "ENCODING", "small"));
    assertEquals("$3\r\nraw\r\n", q("OBJECT", "encoding", "raw"));
    assertEquals("$-1\r\n", q("OBJECT", "ENCODING", "nokey"));
    assertEquals(":1\r\n", q("OBJECT", "REFCOUNT", "int"));
    assertEquals(":2147483647\r\n", q("OBJECT", "REFCOUNT", "shared"));
    assertEquals(":0\r\n", q("OBJECT", "IDLETIME", "int"));
    assertEquals("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
        + "switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
        q("OBJECT", "FREQ", "int"));
    assertEquals("$-1\r\n", q("OBJECT", "FREQ", "nokey"));
    String help = q("OBJECT", "HELP");
    assertTrue(help.startsWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        + "+ENCODING <key>\r\n"), help);
    assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
    assertEquals("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", q("OBJECT", "foo"));
    assertEquals("-ERR wrong number of arguments for 'object|encoding' command\r\n", q("OBJECT", "ENCODING"));
    assertEquals("-ERR wrong number of arguments for 'object|help' command\r\n", q("OBJECT", "HELP", "x"));
  }

  @Test
  void objectFreqUnderAnLfuPolicy() throws Exception {
    q("SET", "k", "v");
    assertEquals("+OK\r\n", q("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
    try {
      q("SET", "new", "v");
      assertEquals(":5\r\n", q("OBJECT", "FREQ", "new"), "a new key starts at LFU_INIT_VAL");
      assertEquals("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
          + "between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
          q("OBJECT", "IDLETIME", "new"));
      byte[] hello = HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
      jedis.sendCommand(Protocol.Command.RESTORE, bytes("f"), bytes("0"), hello, bytes("FREQ"), bytes("100"));
      assertEquals(":100\r\n", q("OBJECT", "FREQ", "f"));
      q("CONFIG", "SET", "lfu-log-factor", "0");
      for (int i = 0; i < 10; i++) {
        q("GET", "new");
      }
      assertEquals(":15\r\n", q("OBJECT", "FREQ", "new"), "with log factor 0 every access counts");
    } finally {
      q("CONFIG", "SET", "maxmemory-policy", "noeviction");
      q("CONFIG", "SET", "lfu-log-factor", "10");
    }
  }

  @Test
  void waitWithoutReplicas() throws Exception {
    assertEquals(":0\r\n", q("WAIT", "0", "0"));
    assertEquals("-ERR timeout is negative\r\n", q("WAIT", "0", "-1"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("WAIT", "a", "0"));
    assertEquals("-ERR timeout is not an integer or out of range\r\n", q("WAIT", "0", "a"));
    long start = System.nanoTime();
    assertEquals(":0\r\n", q("WAIT", "1", "200"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 190, "waited only " + ms + " ms");
    assertEquals("+PONG\r\n", q("PING"), "the client runs commands again after the timeout");
  }

  @Test
  void ttlTypeAndExistsLeaveTheAccessTimeAlone() throws Exception {
    jedis.set("foo", "bar");
    Thread.sleep(2100);
    jedis.ttl("foo");
    jedis.type("foo");
    jedis.exists("foo");
    org.junit.jupiter.api.Assertions.assertTrue(jedis.objectIdletime("foo") >= 2);
    jedis.get("foo");
    org.junit.jupiter.api.Assertions.assertTrue(jedis.objectIdletime("foo") < 2);
  }
}
