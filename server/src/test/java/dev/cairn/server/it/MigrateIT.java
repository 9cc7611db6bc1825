package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** MIGRATE between two servers: move, copy, replace, several keys, AUTH, errors of the target and timeouts. */
class MigrateIT extends ServerTestBase {
  private CairnServer target;

  @BeforeAll
  void startTarget() throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1", "--enable-debug-command", "yes"});
    target = CairnServer.start(config, params);
  }

  @AfterAll
  void stopTarget() {
    target.close();
  }

  private Jedis target() {
    Jedis j = new Jedis("127.0.0.1", target.port(), 10_000);
    j.select(9);
    return j;
  }

  private Object migrate(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "127.0.0.1";
    all[1] = Integer.toString(target.port());
    System.arraycopy(args, 0, all, 2, args.length);
    Object r = jedis.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, all);
    return r instanceof byte[] b ? new String(b) : r;
  }

  @Test
  void movesCopiesReplacesAndKeepsTtl() {
    try (Jedis t = target()) {
      t.flushAll();
      jedis.set("k", "v");
      jedis.rpush("l", "a", "b");
      jedis.pexpire("l", 100_000);
      assertEquals("OK", migrate("k", "9", "1000"));
      assertFalse(jedis.exists("k"));
      assertEquals("v", t.get("k"));
      assertEquals("OK", migrate("l", "9", "1000", "COPY"));
      assertTrue(jedis.exists("l"));
      long pttl = t.pttl("l");
      assertTrue(pttl > 90_000 && pttl <= 100_000, Long.toString(pttl));
      JedisDataException e = assertThrows(JedisDataException.class, () -> migrate("l", "9", "1000", "COPY"));
      assertEquals("ERR Target instance replied with error: BUSYKEY Target key name already exists.",
          e.getMessage());
      assertEquals("OK", migrate("l", "9", "1000", "REPLACE"));
      assertEquals(List.of("a", "b"), t.lrange("l", 0, -1));
      assertFalse(jedis.exists("l"));
      assertTrue(jedis.info("stats").contains("migrate_cached_sockets:1"));
    }
  }

  @Test
  void severalKeysOnlyExistingOnesAndOnlyAcknowledgedOnesAreDeleted() {
    try (Jedis t = target()) {
      t.flushAll();
      assertEquals("NOKEY", migrate("", "9", "1000", "KEYS", "none1", "none2"));
      jedis.mset("a", "1", "b", "2", "c", "3");
      t.set("b", "busy");
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> migrate("", "9", "1000", "KEYS", "a", "none", "b", "c"));
      assertTrue(e.getMessage().contains("BUSYKEY"), e.getMessage());
      assertEquals(List.of("b"), List.copyOf(jedis.keys("*")));
      assertEquals("1", t.get("a"));
      assertEquals("3", t.get("c"));
      e = assertThrows(JedisDataException.class, () -> migrate("x", "9", "1000", "KEYS", "a"));
      assertEquals("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
          e.getMessage());
    }
  }

  @Test
  void authAndTargetErrorsAndTimeouts() throws Exception {
    try (Jedis t = target()) {
      t.flushAll();
      t.configSet("requirepass", "secret");
      try {
        jedis.set("k", "v");
        JedisDataException e = assertThrows(JedisDataException.class,
            () -> migrate("k", "9", "1000", "AUTH", "wrong"));
        assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
        assertEquals("OK", migrate("k", "9", "1000", "AUTH2", "default", "secret"));
        // the password is not in the slow log
        jedis.configSet("slowlog-log-slower-than", "0");
        jedis.set("k2", "v");
        migrate("k2", "9", "1000", "AUTH", "secret");
        jedis.configSet("slowlog-log-slower-than", "10000");
        assertTrue(jedis.slowlogGet().stream().anyMatch(l -> l.getArgs().contains("(redacted)")));
      } finally {
        t.auth("secret");
        t.configSet("requirepass", "");
      }
      jedis.set("slow", "v");
      Thread sleeper = new Thread(() -> {
        try (Jedis j = new Jedis("127.0.0.1", target.port(), 10_000)) {
          j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "SLEEP", "1");
        }
      });
      sleeper.start();
      Thread.sleep(200);
      JedisDataException e = assertThrows(JedisDataException.class, () -> migrate("slow", "9", "300"));
      assertEquals("IOERR error or timeout reading to target instance", e.getMessage());
      sleeper.join();
      assertTrue(jedis.exists("slow"));
    }
  }
}
