package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Function libraries in RDB files: kept across a restart, through DEBUG RELOAD (and its NOFLUSH / MERGE options, as
 * Redis handles a library the server already has), and moving between Cairn and Debian's Redis 7.0 both ways.
 */
class FunctionsRdbIT {
  static final String LIB = "#!lua name=lib\n"
      + "redis.register_function{function_name='hello', callback=function() return 'hello' end, flags={'no-writes'}}";

  @TempDir
  Path dir;

  private CairnServer start() throws Exception {
    return InProcessServers.launchIn(dir, "--save", ""); // loads the directory's dump.rdb before it returns
  }

  private static Object fcall(Jedis j) {
    return j.fcall("hello", List.of(), List.of());
  }

  @Test
  void librariesSurviveARestartAndDebugReload() throws Exception {
    CairnServer a = start();
    try (Jedis j = new Jedis("127.0.0.1", a.port())) {
      j.functionLoad(LIB);
      j.set("k", "v");
      assertEquals("OK", j.save());
      j.functionFlush();
      assertEquals("OK", new String((byte[]) j.sendCommand(PersistenceIT.DEBUG, "RELOAD", "NOSAVE")));
      assertEquals("hello", fcall(j), "DEBUG RELOAD loads the libraries of the file");
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> j.sendCommand(PersistenceIT.DEBUG, "RELOAD", "NOFLUSH"));
      assertTrue(e.getMessage().contains("Error trying to load the RDB dump"), e.getMessage());
      j.sendCommand(PersistenceIT.DEBUG, "RELOAD", "NOFLUSH", "MERGE");
      assertEquals(1, j.functionList().size(), "MERGE replaces the library");
    } finally {
      a.close();
    }
    CairnServer b = start();
    try (Jedis j = new Jedis("127.0.0.1", b.port())) {
      assertEquals("hello", fcall(j));
      assertEquals("v", j.get("k"));
    } finally {
      b.close();
    }
  }

  @Test
  void redisAndCairnReadEachOthersLibraries() throws Exception {
    RealRedis.assumeInstalled("redis-server");
    CairnServer s = start();
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      j.functionLoad(LIB);
      assertEquals("OK", j.save());
    } finally {
      s.close();
    }
    try (RealRedis redis = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb")) {
      assertEquals("hello", fcall(redis.jedis));
      redis.jedis.functionLoad(LIB.replace("lib", "lib2").replace("'hello'", "'hello2'"));
      assertEquals("OK", redis.jedis.save());
    }
    CairnServer t = start();
    try (Jedis j = new Jedis("127.0.0.1", t.port())) {
      assertEquals(2, j.functionList().size());
      assertEquals("hello2", j.fcall("hello2", List.of(), List.of()));
    } finally {
      t.close();
    }
  }
}
