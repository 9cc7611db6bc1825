package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * RDB files moving between Cairn and Debian's Redis 7.0 both ways, and redis-check-rdb on Cairn's files. Each test is
 * skipped, with a message, where the binaries are not installed.
 */
class RdbInteropIT {
  @TempDir
  Path dir;

  private CairnServer startCairn(Path d, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--save", ""));
    argv.addAll(List.of(args));
    return InProcessServers.launchIn(d, argv.toArray(new String[0])); // has loaded the RDB file
  }

  /** Keys of every type in small and large encodings, with TTLs, in databases 0 and 5 (Redis 7.0's commands only). */
  static void populate(Jedis j) {
    for (int db : new int[] {0, 5}) {
      j.select(db);
      j.set("str", "hello");
      j.set("int", "-12345");
      j.set("bigint", "1234567890123456789");
      j.set("long", "abcdefghij".repeat(300));
      j.set("binary", "\u0000\u00ff\u0001");
      j.incrBy("counter", 7);
      j.append("appended", "abc");
      j.rpush("list", "a", "b", "1", "-2", "300000");
      j.hset("hash", Map.of("a", "1", "b", "two"));
      j.sadd("intset", "1", "2", "-3");
      j.sadd("set", "a", "b", "c");
      j.zadd("zset", Map.of("a", 1.5, "b", -2.0, "c", 1e20));
      for (int i = 0; i < 2000; i++) {
        j.rpush("biglist", "element-" + i); // past 8 KB: more than one node
      }
      for (int i = 0; i < 600; i++) {
        j.hset("bighash", "field-" + i, "value-" + i);
        j.sadd("bigset", "member-" + i);
        j.sadd("bigintset", Integer.toString(i * 1000));
        j.zadd("bigzset", i * 0.25, "member-" + i);
      }
      j.rpush("plainlist", "x".repeat(20_000), "y"); // a node too big to pack
      j.hset("longvalues", "f", "v".repeat(100)); // past hash-max-listpack-value
      j.expire("str", 100_000);
      j.pexpire("bighash", 90_000_000);
    }
    j.select(0);
  }

  static Map<String, String> image(Jedis j, int... dbs) {
    return PersistenceIT.image(j, dbs);
  }

  @Test
  void redisCheckRdbAcceptsCairnsFiles() throws Exception {
    String checker = RealRedis.assumeInstalled("redis-check-rdb");
    for (String compression : new String[] {"yes", "no"}) {
      Path d = Files.createDirectories(dir.resolve("c-" + compression));
      CairnServer s = startCairn(d, "--rdbcompression", compression, "--maxmemory-policy", "allkeys-lru");
      try (Jedis j = new Jedis("127.0.0.1", s.port())) {
        populate(j);
        assertEquals("OK", j.save());
      } finally {
        s.close();
      }
      byte[] file = Files.readAllBytes(d.resolve("dump.rdb"));
      assertEquals("REDIS0010", new String(file, 0, 9, StandardCharsets.US_ASCII), "Redis 7.0's version");
      Process p = new ProcessBuilder(checker, d.resolve("dump.rdb").toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      assertTrue(out.contains("RDB looks OK"), out);
      assertTrue(out.contains("[info] 38 keys read"), out);
    }
  }

  @Test
  void redisLoadsCairnsFileWithTheSameData() throws Exception {
    CairnServer s = startCairn(dir);
    Map<String, String> ours;
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      populate(j);
      ours = image(j, 0, 5);
      assertEquals("OK", j.save());
    } finally {
      s.close();
    }
    try (RealRedis redis = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb")) {
      assertEquals(ours, image(redis.jedis, 0, 5));
    }
  }

  @Test
  void cairnLoadsRedisFilesOfEveryTypeAndEncoding() throws Exception {
    for (String policy : new String[] {"noeviction", "allkeys-lru", "allkeys-lfu"}) {
      Path d = Files.createDirectories(dir.resolve(policy));
      Map<String, String> theirs;
      try (RealRedis redis = RealRedis.start("--dir", d.toString(), "--maxmemory-policy", policy)) {
        populate(redis.jedis);
        theirs = image(redis.jedis, 0, 5);
        assertEquals("OK", redis.jedis.save());
      }
      CairnServer s = startCairn(d, "--maxmemory-policy", policy);
      try (Jedis j = new Jedis("127.0.0.1", s.port())) {
        assertEquals(theirs, image(j, 0, 5), policy);
        assertEquals("listpack", j.objectEncoding("hash"));
        assertEquals("intset", j.objectEncoding("intset"));
        assertEquals("hashtable", j.objectEncoding("bighash"));
        assertEquals("quicklist", j.objectEncoding("biglist"));
        assertEquals("skiplist", j.objectEncoding("bigzset"));
      } finally {
        s.close();
      }
    }
  }

  @Test
  void aHashWithFieldTtlsNeedsVersion12AndKeepsThem() throws Exception {
    CairnServer s = startCairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      j.hset("h", Map.of("a", "1", "b", "2", "c", "3"));
      j.sendCommand(redis.clients.jedis.Protocol.Command.HPEXPIRE, "h", "90000000", "FIELDS", "2", "a", "b");
      j.set("plain", "x");
      assertEquals("OK", j.save());
      j.del("h");
      assertEquals("OK", j.save());
      assertEquals("REDIS0010", new String(Files.readAllBytes(dir.resolve("dump.rdb")), 0, 9,
          StandardCharsets.US_ASCII), "back to 10 once no hash has field TTLs");
      j.hset("h", Map.of("a", "1", "b", "2", "c", "3"));
      j.sendCommand(redis.clients.jedis.Protocol.Command.HPEXPIRE, "h", "90000000", "FIELDS", "2", "a", "b");
      assertEquals("OK", j.save());
      assertEquals("REDIS0012", new String(Files.readAllBytes(dir.resolve("dump.rdb")), 0, 9,
          StandardCharsets.US_ASCII));
    } finally {
      s.close();
    }
    CairnServer b = startCairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", b.port())) {
      List<?> ttls = (List<?>) j.sendCommand(redis.clients.jedis.Protocol.Command.HPTTL, "h", "FIELDS", "3", "a", "b",
          "c");
      assertTrue((Long) ttls.get(0) > 80_000_000 && (Long) ttls.get(1) > 80_000_000, ttls.toString());
      assertEquals(-1L, ttls.get(2));
      assertEquals("listpackex", j.objectEncoding("h"));
    } finally {
      b.close();
    }
  }
}
