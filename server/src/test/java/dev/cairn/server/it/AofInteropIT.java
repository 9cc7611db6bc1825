package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.log.Log;
import dev.cairn.server.CairnServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The AOF against Redis's own tools, where they are installed (skipped with a message where they are not):
 * redis-check-aof accepts what Cairn writes, redis-server loads Cairn's AOF directory, and Cairn loads the AOF
 * directory redis-server writes, with AOF-format and with RDB base files.
 */
class AofInteropIT {
  @TempDir
  Path dir;

  private static String tool(String name) {
    for (String d : List.of("/usr/bin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(d, name))) {
        return d + "/" + name;
      }
    }
    System.out.println("AofInteropIT: " + name + " is not installed; skipping");
    Assumptions.abort(name + " is not installed");
    return null;
  }

  private CairnServer startCairn() throws Exception {
    return startCairn("no");
  }

  private CairnServer startCairn(String rdbPreamble) throws Exception {
    Log.configure("notice", dir.resolve("cairn.log").toString());
    return InProcessServers.launchIn(dir, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", rdbPreamble);
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
    j.expire("s", 5000);
    j.select(3);
    j.set("db3", "three");
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
    j.select(3);
    assertEquals("three", j.get("db3"));
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void redisCheckAofAcceptsCairnsFiles() throws Exception {
    String checker = tool("redis-check-aof");
    CairnServer s = startCairn();
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      fill(j);
      j.bgrewriteaof();
      while (j.info("persistence").contains("aof_rewrite_in_progress:1")) {
        Thread.sleep(20);
      }
      j.select(0);
      j.set("after-rewrite", "1");
    } finally {
      s.close();
      Log.reset();
    }
    String out = run(checker, dir.resolve("appendonlydir/appendonly.aof.manifest").toString());
    assertTrue(out.contains("All AOF files and manifest are valid"), out);
  }

  @Test
  void redisServerLoadsCairnsAofAndCairnLoadsRedisServers() throws Exception {
    String redis = tool("redis-server");
    CairnServer s = startCairn();
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      fill(j);
    } finally {
      s.close();
      Log.reset();
    }
    // Redis reads Cairn's directory
    int port = RealRedis.freePort();
    Process p = redisServer(redis, port, "no");
    try (Jedis j = connect(port, p)) {
      check(j);
      j.select(0);
      j.set("from-redis", "yes"); // Redis appends to the incr file Cairn wrote
      j.shutdown();
    } catch (JedisException ignored) {
      // SHUTDOWN closes the connection
    } finally {
      p.waitFor();
    }
    // Cairn reads the directory as Redis left it
    s = startCairn();
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      assertEquals("yes", j.get("from-redis"));
      check(j);
    } finally {
      s.close();
      Log.reset();
    }
  }

  private static void waitRewrite(Jedis j) throws InterruptedException {
    while (j.info("persistence").contains("aof_rewrite_in_progress:1")) {
      Thread.sleep(20);
    }
  }

  private String manifest() throws Exception {
    return Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest"));
  }

  @Test
  void redisCheckAofAcceptsAnRdbBase() throws Exception {
    String checker = tool("redis-check-aof");
    CairnServer s = startCairn("yes");
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      fill(j);
      j.bgrewriteaof();
      waitRewrite(j);
      j.select(0);
      j.set("after-rewrite", "1");
    } finally {
      s.close();
      Log.reset();
    }
    assertTrue(manifest().contains("appendonly.aof.2.base.rdb seq 2 type b"), manifest());
    String out = run(checker, dir.resolve("appendonlydir/appendonly.aof.manifest").toString());
    assertTrue(out.contains("RDB preamble is OK, proceeding with AOF tail"), out);
    assertTrue(out.contains("All AOF files and manifest are valid"), out);
  }

  /** Redis 7.0 writes an RDB base with BGREWRITEAOF; Cairn loads it, and Redis loads Cairn's RDB base back. */
  @Test
  void redisAndCairnLoadEachOthersRdbBases() throws Exception {
    String redis = tool("redis-server");
    int port = RealRedis.freePort();
    Process p = redisServer(redis, port, "yes");
    try (Jedis j = connect(port, p)) {
      fill(j);
      j.bgrewriteaof();
      waitRewrite(j);
      j.select(0);
      j.set("incr-after-base", "1");
      j.shutdown();
    } catch (JedisException ignored) {
      // SHUTDOWN closes the connection
    } finally {
      p.waitFor();
    }
    assertTrue(manifest().contains(".base.rdb"), manifest());
    CairnServer s = startCairn("yes");
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      check(j);
      j.select(0);
      assertEquals("1", j.get("incr-after-base"));
      j.bgrewriteaof();
      waitRewrite(j);
      j.set("from-cairn", "yes");
    } finally {
      s.close();
      Log.reset();
    }
    p = redisServer(redis, port, "yes");
    try (Jedis j = connect(port, p)) {
      check(j);
      j.select(0);
      assertEquals("yes", j.get("from-cairn"));
      j.shutdown();
    } catch (JedisException ignored) {
      // SHUTDOWN closes the connection
    } finally {
      p.waitFor();
    }
  }

  private Process redisServer(String redis, int port, String rdbPreamble) throws Exception {
    return new ProcessBuilder(redis, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir",
        dir.toString(), "--appendonly", "yes", "--aof-use-rdb-preamble", rdbPreamble, "--save", "", "--daemonize",
        "no").redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
  }

  private Jedis connect(int port, Process p) throws Exception {
    for (int i = 0; i < 200; i++) {
      try {
        Jedis j = new Jedis("127.0.0.1", port);
        j.ping();
        return j;
      } catch (JedisException e) {
        if (!p.isAlive()) {
          throw new AssertionError("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("redis-server did not start");
  }

}
