package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.log.Log;
import dev.cairn.server.CairnServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The AOF with {@code aof-use-rdb-preamble yes} (the default): rewrites write the base file as an RDB image through
 * the copy-on-write snapshot, and Cairn loads them and the RDB preamble of an old single-file AOF. Against Redis's own
 * tools (redis-check-aof, Redis 7.0 writing and reading RDB bases): {@link AofInteropIT}.
 */
class AofRdbBaseIT {
  @TempDir
  Path dir;
  private CairnServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
    Log.reset();
  }

  private CairnServer start(String... extra) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--appendonly", "yes", "--save", ""));
    argv.addAll(List.of(extra));
    Log.configure("notice", dir.resolve("server.log").toString());
    server = InProcessServers.launchIn(dir, argv.toArray(new String[0]));
    return server;
  }

  private void restart(String... extra) throws Exception {
    server.close();
    server = null;
    Log.reset();
    start(extra);
  }

  private Jedis client() {
    return new Jedis("127.0.0.1", server.port(), 10_000);
  }

  private Path aofDir() {
    return dir.resolve("appendonlydir");
  }

  private String manifest() throws Exception {
    return Files.readString(aofDir().resolve("appendonly.aof.manifest"));
  }

  private static String digest(Jedis j) {
    return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "DIGEST"),
        StandardCharsets.US_ASCII);
  }

  private static void waitRewrite(Jedis j) throws InterruptedException {
    while (j.info("persistence").contains("aof_rewrite_in_progress:1")) {
      Thread.sleep(20);
    }
  }

  private static void fill(Jedis j) {
    j.set("s", "hello");
    j.set("n", "42");
    j.incr("n");
    j.rpush("l", "a", "b", "c");
    j.lpop("l");
    j.sadd("set", "x", "y", "7");
    j.zadd("z", Map.of("one", 1.0, "half", 0.5, "neg", -3.25));
    j.hset("h", Map.of("f1", "v1", "f2", "v2"));
    j.xadd("st", Map.of("k", "v"), redis.clients.jedis.params.XAddParams.xAddParams());
    j.expire("s", 5000);
    j.select(3);
    j.set("db3", "three");
    j.select(0);
  }

  private static void check(Jedis j) {
    assertEquals("hello", j.get("s"));
    assertTrue(j.ttl("s") > 4000);
    assertEquals("43", j.get("n"));
    assertEquals(List.of("b", "c"), j.lrange("l", 0, -1));
    assertEquals(Set.of("x", "y", "7"), j.smembers("set"));
    assertEquals(-3.25, j.zscore("z", "neg"));
    assertEquals(0.5, j.zscore("z", "half"));
    assertEquals(Map.of("f1", "v1", "f2", "v2"), j.hgetAll("h"));
    assertEquals(1, j.xlen("st"));
    j.select(3);
    assertEquals("three", j.get("db3"));
    j.select(0);
  }

  @Test
  void rewriteWritesAnRdbBaseThatLoadsBack() throws Exception {
    start();
    String before;
    try (Jedis j = client()) {
      fill(j);
      j.functionLoad("#!lua name=lib\nredis.register_function('f', function() return 7 end)");
      assertEquals("Background append only file rewriting started", j.bgrewriteaof());
      waitRewrite(j);
      // nothing was written during the rewrite: the snapshot copied no value (no copy of the dataset either)
      assertTrue(j.info("persistence").contains("aof_last_cow_size:0"), j.info("persistence"));
      j.set("after-rewrite", "1");
      before = digest(j);
    }
    assertTrue(manifest().contains("appendonly.aof.2.base.rdb seq 2 type b"), manifest());
    byte[] base = Files.readAllBytes(aofDir().resolve("appendonly.aof.2.base.rdb"));
    assertEquals("REDIS", new String(base, 0, 5, StandardCharsets.US_ASCII));
    assertTrue(new String(base, StandardCharsets.ISO_8859_1).contains("aof-base"), "aof-base AUX field");
    restart();
    try (Jedis j = client()) {
      assertEquals(before, digest(j));
      check(j);
      assertEquals("1", j.get("after-rewrite"));
      assertEquals(7L, j.fcall("f", List.of(), List.of()));
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertTrue(log.contains("Reading RDB base file on AOF loading..."), log);
    assertTrue(log.contains("RDB is base AOF"), log);
  }

  @Test
  void theBaseCreatedAtStartIsRdbToo() throws Exception {
    start();
    assertTrue(manifest().contains("appendonly.aof.1.base.rdb seq 1 type b"), manifest());
    try (Jedis j = client()) {
      j.set("k", "v");
    }
    restart();
    try (Jedis j = client()) {
      assertEquals("v", j.get("k"));
    }
  }

  /** Writes during a slow rewrite change keys the snapshot has not reached yet: the base keeps the old values. */
  @Test
  void theBaseIsAPointInTimeImageWhileWritesGoOn() throws Exception {
    long seed = System.nanoTime();
    System.out.println("AofRdbBaseIT seed " + seed);
    Random rnd = new Random(seed);
    for (String preamble : List.of("yes", "no")) {
      if (server != null) {
        server.close();
        server = null;
        Log.reset();
      }
      for (File f : dir.toFile().listFiles()) {
        if (f.isDirectory()) {
          for (File g : f.listFiles()) {
            Files.delete(g.toPath());
          }
        }
        Files.delete(f.toPath());
      }
      start("--aof-use-rdb-preamble", preamble);
      try (Jedis j = client()) {
        for (int i = 0; i < 300; i++) {
          j.rpush("list" + i, "a" + i, "b" + i);
          j.hset("hash" + i, "f", "v" + i);
          j.set("str" + i, "s" + i);
        }
        j.configSet("rdb-key-save-delay", "2000"); // 2 ms a key: the writes below land mid-rewrite
        j.bgrewriteaof();
        String info = j.info("persistence");
        assertTrue(info.contains("aof_rewrite_in_progress:1"), info);
        assertTrue(info.contains("rdb_bgsave_in_progress:0"), info);
        // BGSAVE waits for the rewrite, as it waits for Redis's AOF child
        try {
          j.bgsave();
          throw new AssertionError("BGSAVE during a rewrite must be refused");
        } catch (JedisDataException e) {
          assertTrue(e.getMessage().startsWith("ERR Another child process is active (AOF?)"), e.getMessage());
        }
        for (int k = 0; k < 400; k++) {
          int i = rnd.nextInt(300);
          switch (rnd.nextInt(5)) {
            case 0 -> j.rpush("list" + i, "c" + k);
            case 1 -> j.hset("hash" + i, "g" + k, "w");
            case 2 -> j.set("str" + i, "t" + k);
            case 3 -> j.del("list" + i);
            default -> {
              if (j.exists("str" + i)) {
                j.rename("str" + i, "moved" + k);
              }
            }
          }
        }
        j.configSet("rdb-key-save-delay", "0"); // for the next rewrite; this one keeps its 2 ms a key
        waitRewrite(j);
        String after = j.info("persistence");
        assertTrue(after.contains("aof_last_bgrewrite_status:ok"), after);
        assertTrue(!after.contains("aof_last_cow_size:0\r"), "lists changed mid-rewrite were copied: " + after);
        String before = digest(j);
        restart("--aof-use-rdb-preamble", preamble);
        try (Jedis j2 = client()) {
          assertEquals(before, digest(j2), "preamble " + preamble);
        }
      }
    }
  }

  @Test
  void anOldSingleFileAofWithAnRdbPreambleIsMigratedAndLoaded() throws Exception {
    // an RDB image made by Cairn (SAVE), then commands after it: what Redis 4 to 6 wrote
    start("--appendonly", "no");
    try (Jedis j = client()) {
      fill(j);
      j.save();
    }
    server.close();
    server = null;
    Log.reset();
    byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
    String tail = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$3\r\nyes\r\n"
        + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n";
    byte[] aof = new byte[rdb.length + tail.length()];
    System.arraycopy(rdb, 0, aof, 0, rdb.length);
    System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, aof, rdb.length, tail.length());
    Files.write(dir.resolve("appendonly.aof"), aof);
    Files.delete(dir.resolve("dump.rdb"));
    start();
    try (Jedis j = client()) {
      assertEquals("yes", j.get("tail"));
      assertEquals("44", j.get("n"));
      j.set("n", "43");
      check(j);
    }
    assertTrue(manifest().contains("appendonly.aof seq 1 type b"), manifest());
    String log = Files.readString(dir.resolve("server.log"));
    // the migrated file is the manifest's base, so Redis names its RDB part a base too
    assertTrue(log.contains("Reading RDB base file on AOF loading..."), log);
    assertTrue(log.contains("Reading the remaining AOF tail..."), log);
  }

  @Test
  void aCorruptRdbBaseFailsTheStart() throws Exception {
    start();
    try (Jedis j = client()) {
      fill(j);
      j.bgrewriteaof();
      waitRewrite(j);
    }
    server.close();
    server = null;
    Log.reset();
    Path base = aofDir().resolve("appendonly.aof.2.base.rdb");
    byte[] b = Files.readAllBytes(base);
    Files.write(base, java.util.Arrays.copyOf(b, b.length / 2));
    try {
      start();
      throw new AssertionError("a truncated RDB base must fail the start");
    } catch (CairnServer.LoadFailure e) {
      server = null;
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertTrue(log.contains("Error reading the RDB base file appendonly.aof.2.base.rdb, AOF loading aborted"), log);
  }
}
