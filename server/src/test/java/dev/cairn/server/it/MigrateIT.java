package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.server.CairnServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** MIGRATE between two Cairn servers, and to and from Debian's Redis. */
class MigrateIT {
  private CairnServer source;
  private CairnServer target;
  private Jedis src;
  private Jedis dst;

  private static CairnServer start(String... extra) throws Exception {
    Config config = new Config();
    var params = new dev.cairn.core.config.ServerParams(config);
    List<String> argv = new java.util.ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--save", "",
        "--dir", java.nio.file.Files.createTempDirectory("cairn-migrate").toString()));
    argv.addAll(List.of(extra));
    ConfigFile.load(config, argv.toArray(new String[0]));
    return CairnServer.start(config, params);
  }

  @BeforeEach
  void startServers() throws Exception {
    source = start();
    target = start("--requirepass", "secret");
    src = new Jedis("127.0.0.1", source.port(), 10_000);
    dst = new Jedis("127.0.0.1", target.port(), 10_000);
    dst.auth("secret");
  }

  @AfterEach
  void stopServers() {
    src.close();
    dst.close();
    source.close();
    target.close();
  }

  private Object migrate(String... args) {
    Object r = src.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, args);
    return r instanceof byte[] b ? new String(b) : r;
  }

  private String migrateError(String... args) {
    try {
      return "no error: " + migrate(args);
    } catch (JedisDataException e) {
      return e.getMessage();
    }
  }

  @Test
  void movesCopiesAndReplaces() {
    String port = Integer.toString(target.port());
    src.set("k", "v");
    src.pexpire("k", 500_000);
    src.hset("h", Map.of("a", "1"));
    assertEquals("OK", migrate("127.0.0.1", port, "k", "3", "5000", "AUTH", "secret"));
    assertEquals(false, src.exists("k"));
    dst.select(3);
    assertEquals("v", dst.get("k"));
    assertTrue(dst.pttl("k") > 400_000);
    assertEquals("OK", migrate("127.0.0.1", port, "h", "3", "5000", "COPY", "AUTH", "secret"));
    assertEquals("1", src.hget("h", "a"));
    assertEquals("1", dst.hget("h", "a"));
    assertTrue(migrateError("127.0.0.1", port, "h", "3", "5000", "AUTH", "secret")
        .startsWith("ERR Target instance replied with error: BUSYKEY"));
    assertEquals("OK", migrate("127.0.0.1", port, "h", "3", "5000", "REPLACE", "AUTH", "secret"));
    assertEquals(false, src.exists("h"));
    assertEquals("NOKEY", migrate("127.0.0.1", port, "nope", "3", "5000"));
    assertTrue(src.info("stats").contains("migrate_cached_sockets:1"));
  }

  @Test
  void manyKeysAndErrors() {
    String port = Integer.toString(target.port());
    src.set("c", "3");
    assertTrue(migrateError("127.0.0.1", port, "c", "0", "5000").startsWith(
        "ERR Target instance replied with error: NOAUTH"), "no AUTH given");
    assertEquals("3", src.get("c"), "kept after the target refused it");
    src.mset("a", "1", "b", "2");
    assertEquals("OK", migrate("127.0.0.1", port, "", "0", "5000", "AUTH2", "default", "secret", "KEYS", "a",
        "missing", "b"));
    assertEquals(List.of("1", "2"), dst.mget("a", "b"));
    assertEquals("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
        migrateError("127.0.0.1", port, "x", "0", "5000", "KEYS", "a"));
    assertEquals("ERR syntax error", migrateError("127.0.0.1", port, "x", "0", "5000", "FOO"));
    src.set("c", "3");
    int closed = RealRedis.freePort(7112, 7119);
    assertEquals("IOERR error or timeout connecting to the client",
        migrateError("127.0.0.1", Integer.toString(closed), "c", "0", "200"));
  }

  @Test
  void movesToAndFromRedis() throws Exception {
    try (RealRedis real = RealRedis.start()) {
      src.rpush("l", "a", "b");
      src.zadd("z", Map.of("m", 1.5));
      assertEquals("OK", migrate("127.0.0.1", Integer.toString(real.port), "", "0", "5000", "KEYS", "l", "z"));
      assertEquals(List.of("a", "b"), real.jedis.lrange("l", 0, -1));
      assertEquals(1.5, real.jedis.zscore("z", "m"));
      real.jedis.sadd("s", "x", "y");
      Object r = real.jedis.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, "127.0.0.1",
          Integer.toString(source.port()), "s", "0", "5000");
      assertEquals("OK", new String((byte[]) r));
      assertEquals(java.util.Set.of("x", "y"), src.smembers("s"));
    }
  }
}
