package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.log.Log;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Scripts and functions in the append only file: their effects are what is written (never the EVAL or FCALL), function
 * libraries are in a rewritten base, and scripts written verbatim by an older Redis load back.
 */
class ScriptingAofIT {
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

  private void start(String... extra) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", "no"));
    argv.addAll(List.of(extra));
    Log.configure("notice", dir.resolve("server.log").toString());
    server = InProcessServers.launchIn(dir, argv.toArray(new String[0]));
  }

  private void restart() throws Exception {
    server.close();
    server = null;
    start();
  }

  private Jedis client() {
    return new Jedis("127.0.0.1", server.port(), 10_000);
  }

  private Path aofDir() {
    return dir.resolve("appendonlydir");
  }

  /** Every AOF file's text, base first. */
  private String aofText() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(aofDir())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".aof")).sorted((a, b) ->
          Boolean.compare(a.toString().contains(".incr."), b.toString().contains(".incr."))).toList()) {
        sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  private static String cmd(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  private static Object send(Jedis j, String command, String... args) {
    return j.sendCommand(() -> command.getBytes(StandardCharsets.US_ASCII), args);
  }

  private static void waitForRewrite(Jedis j) throws InterruptedException {
    for (int i = 0; i < 500 && j.info("persistence").contains("aof_rewrite_in_progress:1"); i++) {
      Thread.sleep(20);
    }
    assertTrue(j.info("persistence").contains("aof_rewrite_in_progress:0"));
  }

  @Test
  @DisplayName("EVAL and FCALL are written as their effects, wrapped in MULTI/EXEC when there are several")
  void effectsAreWritten() throws Exception {
    start();
    String lib = "#!lua name=lib\nredis.register_function('bump', function(keys) "
        + "redis.call('incr', keys[1]); return redis.call('incr', keys[1]) end)";
    try (Jedis j = client()) {
      j.eval("redis.call('set', KEYS[1], 'v'); redis.call('lpush', KEYS[2], 'a', 'b')", 2, "s", "l");
      j.eval("return redis.call('set', KEYS[1], '1')", 1, "one");
      j.eval("return redis.call('get', KEYS[1])", 1, "s"); // reads write nothing
      j.functionLoad(lib);
      assertEquals(2L, j.fcall("bump", List.of("n"), List.of()));
    }
    String aof = aofText();
    assertFalse(aof.contains("eval") || aof.contains("EVAL") || aof.contains("fcall") || aof.contains("FCALL"), aof);
    // the first effect of the file brings its SELECT, inside the transaction (MULTI belongs to no database), as Redis
    assertTrue(aof.contains(cmd("MULTI") + cmd("SELECT", "0") + cmd("set", "s", "v") + cmd("lpush", "l", "a", "b")
        + cmd("EXEC")), aof);
    assertTrue(aof.contains(cmd("set", "one", "1")) && !aof.contains(cmd("set", "one", "1") + cmd("EXEC")), aof);
    assertTrue(aof.contains(cmd("FUNCTION", "LOAD", lib)) || aof.contains(cmd("function", "load", lib)), aof);
    assertTrue(aof.contains(cmd("MULTI") + cmd("incr", "n") + cmd("incr", "n") + cmd("EXEC")), aof);
    restart();
    try (Jedis j = client()) {
      assertEquals("v", j.get("s"));
      assertEquals(List.of("b", "a"), j.lrange("l", 0, -1));
      assertEquals("2", j.get("n"));
      assertEquals(4L, j.fcall("bump", List.of("n"), List.of()));
    }
  }

  @Test
  @DisplayName("redis.set_repl decides whether the AOF gets a script's effects")
  void setRepl() throws Exception {
    start();
    try (Jedis j = client()) {
      j.eval("redis.set_repl(redis.REPL_NONE); redis.call('set', 'none', '1')");
      j.eval("redis.set_repl(redis.REPL_REPLICA); redis.call('set', 'replica', '1')");
      j.eval("redis.set_repl(redis.REPL_AOF); redis.call('set', 'aof', '1')");
      j.eval("redis.call('set', 'a1', '1'); redis.set_repl(redis.REPL_NONE); redis.call('set', 'skip', '1'); "
          + "redis.set_repl(redis.REPL_ALL); redis.call('set', 'a2', '1')");
    }
    String aof = aofText();
    assertFalse(aof.contains("none") || aof.contains("replica") || aof.contains("skip"), aof);
    assertTrue(aof.contains(cmd("set", "aof", "1")), aof);
    assertTrue(aof.contains(cmd("MULTI") + cmd("set", "a1", "1") + cmd("set", "a2", "1") + cmd("EXEC")), aof);
  }

  @Test
  @DisplayName("AOF rewrite functions: the base loads every library, and DEBUG LOADAOF brings them back")
  void rewriteKeepsFunctions() throws Exception {
    start();
    String lib = "#!lua name=test\nredis.register_function('test', function() return 1 end)";
    try (Jedis j = client()) {
      // as in Redis's aofrw suite: with the AOF off, so that the FUNCTION FLUSH below is not logged after the base
      j.configSet("appendonly", "no");
      j.functionLoad(lib);
      j.set("k", "v");
      j.bgrewriteaof();
      waitForRewrite(j);
      String base;
      try (Stream<Path> files = Files.list(aofDir())) {
        base = Files.readString(files.filter(p -> p.toString().contains(".base.aof")).findFirst().orElseThrow(),
            StandardCharsets.ISO_8859_1);
      }
      assertTrue(base.startsWith(cmd("FUNCTION", "LOAD", lib)), base);
      j.functionFlush();
      send(j, "DEBUG", "LOADAOF");
      assertEquals(1L, j.fcall("test", List.of(), List.of()));
      assertEquals("test", j.functionList().get(0).getLibraryName());
      assertEquals("v", j.get("k"));
    }
  }

  @Test
  @DisplayName("EVAL can process writes from AOF: scripts an older Redis wrote verbatim replay, slow ones to their end")
  void verbatimScriptsLoad() throws Exception {
    Files.createDirectories(aofDir());
    String slow = "redis.call('set',KEYS[1],'y'); for i=1,300000 do redis.call('ping') end return 'ok'";
    Files.writeString(aofDir().resolve("appendonly.aof.1.incr.aof"), cmd("select", "9")
        + cmd("eval", "redis.call(\"set\",KEYS[1],\"100\")", "1", "foo")
        + cmd("eval", "redis.call(\"incr\",KEYS[1])", "1", "foo")
        + cmd("eval", "redis.call(\"incr\",KEYS[1])", "1", "foo")
        + cmd("eval", slow, "1", "x")
        + cmd("set", "after", "1"), StandardCharsets.ISO_8859_1);
    Files.writeString(aofDir().resolve("appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
    start("--lua-time-limit", "1");
    try (Jedis j = client()) {
      j.select(9);
      assertEquals("102", j.get("foo"));
      assertEquals("y", j.get("x"));
      assertEquals("1", j.get("after"));
      assertEquals("PONG", j.ping()); // not left busy
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertTrue(log.contains("Slow script detected"), log);
  }
}
