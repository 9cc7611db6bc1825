package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** EXPIRE and friends, TTL and friends, PERSIST, and keys going away lazily and actively. */
class ExpireIT extends RawCommandTestBase {
  @Test
  void expireAndTtls() throws Exception {
    assertEquals(":0\r\n", q("EXPIRE", "nokey", "100"));
    assertEquals(":-2\r\n", q("TTL", "nokey"));
    assertEquals(":-2\r\n", q("PEXPIRETIME", "nokey"));
    q("SET", "k", "v");
    assertEquals(":-1\r\n", q("TTL", "k"));
    assertEquals(":-1\r\n", q("EXPIRETIME", "k"));
    assertEquals(":1\r\n", q("EXPIRE", "k", "100"));
    assertEquals(":100\r\n", q("TTL", "k"));
    long pttl = integer("PTTL", "k");
    assertTrue(pttl > 99000 && pttl <= 100000, "pttl " + pttl);
    long at = System.currentTimeMillis() + 200_000;
    assertEquals(":1\r\n", q("PEXPIREAT", "k", Long.toString(at)));
    assertEquals(":" + at + "\r\n", q("PEXPIRETIME", "k"));
    assertEquals(":" + (at + 500) / 1000 + "\r\n", q("EXPIRETIME", "k"));
    assertEquals(":1\r\n", q("EXPIREAT", "k", Long.toString(at / 1000)));
    assertEquals(":" + at / 1000 * 1000 + "\r\n", q("PEXPIRETIME", "k"));
    assertEquals(":1\r\n", q("PEXPIRE", "k", "5000"));
    assertEquals(":5\r\n", q("TTL", "k"));
  }

  @Test
  void persist() throws Exception {
    assertEquals(":0\r\n", q("PERSIST", "nokey"));
    q("SET", "k", "v");
    assertEquals(":0\r\n", q("PERSIST", "k"));
    q("EXPIRE", "k", "100");
    assertEquals(":1\r\n", q("PERSIST", "k"));
    assertEquals(":-1\r\n", q("TTL", "k"));
  }

  @Test
  void conditions() throws Exception {
    q("SET", "k", "v");
    assertEquals(":0\r\n", q("EXPIRE", "k", "100", "XX"), "XX needs an existing expiry");
    assertEquals(":0\r\n", q("EXPIRE", "k", "100", "GT"), "no expiry counts as infinite");
    assertEquals(":1\r\n", q("EXPIRE", "k", "100", "LT"));
    assertEquals(":0\r\n", q("EXPIRE", "k", "200", "NX"));
    assertEquals(":0\r\n", q("EXPIRE", "k", "50", "GT"));
    assertEquals(":1\r\n", q("EXPIRE", "k", "200", "gt"));
    assertEquals(":0\r\n", q("EXPIRE", "k", "300", "LT"));
    assertEquals(":1\r\n", q("EXPIRE", "k", "50", "LT", "XX"));
    assertEquals(":50\r\n", q("TTL", "k"));
    q("PERSIST", "k");
    assertEquals(":1\r\n", q("EXPIRE", "k", "100", "NX"));
  }

  @Test
  void optionAndRangeErrors() throws Exception {
    q("SET", "foo", "bar");
    assertEquals("-ERR GT and LT options at the same time are not compatible\r\n", q("EXPIRE", "foo", "200", "LT", "GT"));
    assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
        q("EXPIRE", "foo", "200", "NX", "GT"));
    assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
        q("EXPIRE", "foo", "200", "NX", "XX"));
    assertEquals("-ERR Unsupported option AB\r\n", q("EXPIRE", "foo", "200", "AB"));
    assertEquals("-ERR Unsupported option AB\r\n", q("EXPIRE", "foo", "abc", "XX", "AB"), "options come first");
    assertEquals("-ERR value is not an integer or out of range\r\n", q("EXPIRE", "foo", ""));
    assertEquals("-ERR invalid expire time in 'expire' command\r\n", q("EXPIRE", "foo", "9223370399119966"));
    assertEquals("-ERR invalid expire time in 'expire' command\r\n", q("EXPIRE", "foo", "10000000000000000"));
    assertEquals("-ERR invalid expire time in 'expire' command\r\n", q("EXPIRE", "foo", "-9223372036854776"));
    assertEquals("-ERR invalid expire time in 'pexpire' command\r\n", q("PEXPIRE", "foo", "9223372036854770000"));
    assertEquals("-ERR invalid expire time in 'expireat' command\r\n", q("EXPIREAT", "foo", "9223372036854776"));
    assertEquals("-ERR invalid expire time in 'expire' command\r\n", q("EXPIRE", "nokey", "99999999999999999"),
        "checked before the key is looked up");
    assertEquals(":-1\r\n", q("TTL", "foo"));
  }

  @Test
  void aTimeInThePastDeletesTheKey() throws Exception {
    q("SET", "a", "1");
    q("SET", "b", "1");
    q("SET", "c", "1");
    assertEquals(":1\r\n", q("EXPIRE", "a", "-10"));
    assertEquals(":1\r\n", q("PEXPIREAT", "b", "1"));
    assertEquals(":1\r\n", q("EXPIREAT", "c", "0"));
    assertEquals(":0\r\n", q("EXISTS", "a", "b", "c"));
  }

  @Test
  void expiredKeysNeverSurface() throws Exception {
    q("SET", "k", "v");
    q("PEXPIRE", "k", "30");
    assertEquals("$1\r\nv\r\n", q("GET", "k"));
    Thread.sleep(60);
    assertEquals("$-1\r\n", q("GET", "k"));
    assertEquals(":0\r\n", q("EXISTS", "k"));
    // a write on an expired key sees no old value and no old expiry
    q("SET", "w", "old");
    q("PEXPIRE", "w", "30");
    Thread.sleep(60);
    assertEquals(":0\r\n", q("PERSIST", "w"));
    assertEquals("-ERR no such key\r\n", q("RENAME", "w", "x"));
    byte[] hello = java.util.HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
    assertEquals("OK", jedis.restore("w".getBytes(), 0, hello), "the expired key does not block RESTORE");
    assertEquals(":-1\r\n", q("TTL", "w"), "and its expiry is gone");
    assertEquals(":-2\r\n", q("TTL", "x"));
  }

  @Test
  void activeExpiryRemovesKeysNobodyReads() throws Exception {
    for (int i = 0; i < 100; i++) {
      q("SET", "k" + i, "v");
      q("PEXPIRE", "k" + i, "20");
    }
    q("SET", "keep", "v");
    long deadline = System.currentTimeMillis() + 5000;
    while (integer("DBSIZE") > 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(":1\r\n", q("DBSIZE"), "the cron removed the expired keys without any lookup");
  }

  @Test
  void ttlOfAJustExpiredKey() throws Exception {
    q("SET", "k", "v");
    q("PEXPIRE", "k", "1");
    Thread.sleep(10);
    assertEquals(":-2\r\n", q("TTL", "k"));
    assertEquals(":-2\r\n", q("PTTL", "k"));
  }
}
