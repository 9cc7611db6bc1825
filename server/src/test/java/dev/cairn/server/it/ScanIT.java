package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** SCAN: options, errors, and the guarantee that keys present for the whole scan are returned. */
class ScanIT extends RawCommandTestBase {
  private Set<String> fullScan(ScanParams params) {
    return fullScan(params, null);
  }

  private Set<String> fullScan(ScanParams params, String type) {
    Set<String> keys = new HashSet<>();
    String cursor = "0";
    do {
      ScanResult<String> page = type == null ? jedis.scan(cursor, params) : jedis.scan(cursor, params, type);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals("0"));
    return keys;
  }

  @Test
  void errors() throws Exception {
    assertEquals("-ERR invalid cursor\r\n", q("SCAN", "abc"));
    assertEquals("-ERR invalid cursor\r\n", q("SCAN", " 1"));
    assertEquals("-ERR invalid cursor\r\n", q("SCAN", "18446744073709551616"));
    assertEquals("-ERR invalid cursor\r\n", q("SCAN", "-"));
    assertEquals("-ERR syntax error\r\n", q("SCAN", "0", "COUNT", "0"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("SCAN", "0", "COUNT", "x"));
    assertEquals("-ERR syntax error\r\n", q("SCAN", "0", "COUNT"));
    assertEquals("-ERR syntax error\r\n", q("SCAN", "0", "foo", "bar"));
  }

  @Test
  void emptyAndFullCursors() throws Exception {
    assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", q("SCAN", "0"));
    assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", q("SCAN", "18446744073709551615"));
    q("SET", "a", "1");
    assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", q("SCAN", "0"));
    assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", q("SCAN", ""), "an empty cursor reads as 0, as strtoull does");
  }

  @Test
  void matchCountAndType() {
    for (int i = 0; i < 1000; i++) {
      jedis.set("key:" + i, "v");
    }
    jedis.set("other", "v");
    assertEquals(1001, fullScan(new ScanParams()).size());
    Set<String> matched = fullScan(new ScanParams().match("key:1*").count(50));
    assertEquals(111, matched.size());
    assertTrue(matched.stream().allMatch(k -> k.startsWith("key:1")));
    assertEquals(1001, fullScan(new ScanParams().count(1000)).size());
    ScanResult<String> big = jedis.scan("0", new ScanParams().count(5000));
    assertEquals("0", big.getCursor());
    assertEquals(1001, big.getResult().size());
    assertEquals(1001, fullScan(new ScanParams(), "string").size());
    assertEquals(0, fullScan(new ScanParams(), "list").size());
    assertEquals(0, fullScan(new ScanParams(), "nosuchtype").size());
  }

  @Test
  void expiredKeysAreNotReturned() throws Exception {
    for (int i = 0; i < 100; i++) {
      jedis.set("k" + i, "v");
      if (i % 2 == 0) {
        jedis.pexpire("k" + i, 1);
      }
    }
    Thread.sleep(20);
    Set<String> keys = fullScan(new ScanParams());
    assertEquals(50, keys.size());
    assertTrue(keys.stream().allMatch(k -> Integer.parseInt(k.substring(1)) % 2 == 1));
  }

  @Test
  void keysPresentThroughoutAreReturnedWhileTheTableGrowsAndShrinks() {
    long seed = System.nanoTime();
    System.out.println("ScanIT seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 5; round++) {
      jedis.flushAll();
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 500; i++) {
        jedis.set("stable:" + i, "v");
        stable.add("stable:" + i);
      }
      int volatileNext = 0;
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      do {
        ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1 + rnd.nextInt(20)));
        seen.addAll(page.getResult());
        cursor = page.getCursor();
        // between calls: grow the table a lot, or delete most of what was added so that it shrinks
        if (rnd.nextBoolean()) {
          for (int k = 0; k < 300; k++) {
            jedis.set("tmp:" + volatileNext++, "v");
          }
        } else {
          List<String> tmp = jedis.keys("tmp:*").stream().toList();
          if (!tmp.isEmpty()) {
            jedis.del(tmp.toArray(new String[0]));
          }
        }
      } while (!cursor.equals("0"));
      Set<String> missed = new HashSet<>(stable);
      missed.removeAll(seen);
      assertEquals(Set.of(), missed, "seed " + seed + " round " + round);
    }
  }

  @Test
  void scanWithTypeStillRemovesExpiredKeysOfOtherTypes() throws Exception {
    q("debug", "set-active-expire", "0");
    try {
      for (int i = 0; i < 50; i++) {
        jedis.set("k" + i, "v");
      }
      jedis.hset("hash", "f", "v");
      jedis.pexpire("hash", 1);
      Thread.sleep(5);
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      do {
        ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(10), "string");
        seen.addAll(r.getResult());
        cursor = r.getCursor();
      } while (!cursor.equals("0"));
      assertEquals(50, seen.size());
      assertEquals(50, jedis.dbSize(), "the expired hash was removed by the scan, as in Redis 7.2");
    } finally {
      q("debug", "set-active-expire", "1");
    }
  }
}
