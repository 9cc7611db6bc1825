package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.log.Log;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The append only file end to end: start a server with a directory, write, stop (or lose the process state), start
 * again on the same directory, compare. Also hand-made files: truncated, malformed, manifests Redis rejects.
 */
class AofIT {
  @TempDir
  Path dir;
  private CairnServer server;
  private Path logFile;

  @BeforeEach
  void logFile() {
    logFile = dir.resolve("server.log");
  }

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
    Log.configure("notice", logFile.toString());
    server = InProcessServers.launchIn(dir, argv.toArray(new String[0]));
    return server;
  }

  private void restart(String... extra) throws Exception {
    server.close();
    server = null;
    start(extra);
  }

  private Jedis client() {
    return new Jedis("127.0.0.1", server.port(), 10_000);
  }

  private String logText() throws Exception {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
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

  private void writeFile(String name, String content) throws Exception {
    Files.createDirectories(aofDir());
    Files.writeString(aofDir().resolve(name), content, StandardCharsets.ISO_8859_1);
  }

  private static String cmd(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void everyTypeSurvivesARestart() throws Exception {
    start();
    String before;
    try (Jedis j = client()) {
      j.set("s", "v");
      j.incr("n");
      j.rpush("l", "a", "b", "c");
      j.sadd("set", "x", "y", "1");
      j.zadd("z", Map.of("m1", 1.5, "m2", -2.25));
      j.hset("h", Map.of("f1", "v1", "f2", "v2"));
      j.expire("s", 1000);
      j.select(5);
      j.set("other-db", "yes");
      j.del("missing");
      before = digest(j);
      assertNotEquals("0".repeat(40), before);
    }
    // aof-use-rdb-preamble is yes by default: the base is an RDB image, as Redis's
    assertTrue(manifest().contains("file appendonly.aof.1.base.rdb seq 1 type b\n"), manifest());
    assertTrue(manifest().contains("file appendonly.aof.1.incr.aof seq 1 type i\n"), manifest());
    restart();
    try (Jedis j = client()) {
      assertEquals(before, digest(j));
      assertTrue(j.ttl("s") > 990);
      j.select(5);
      assertEquals("yes", j.get("other-db"));
    }
    assertTrue(logText().contains("DB loaded from append only file"), logText());
  }

  @Test
  void incrFileStartsWithSelectAndSwitchesDatabases() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.set("a", "1");
      j.select(2);
      j.set("b", "2");
    }
    String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
    assertEquals(cmd("SELECT", "0") + cmd("SET", "a", "1") + cmd("SELECT", "2") + cmd("SET", "b", "2"), incr);
  }

  /** Server-side deletes are logged as DEL, or UNLINK under the lazyfree option that governs them, as Redis does. */
  @Test
  void serverSideDeletesAreLoggedAsDelOrUnlinkByTheLazyfreeOptions() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.sadd("s1", "1", "2");
      j.sadd("s2", "1", "2");
      j.set("k1", "v");
      j.set("k2", "v");
      j.spop("s1", 2);
      j.expireAt("k1", 1);
      j.configSet("lazyfree-lazy-server-del", "yes");
      j.configSet("lazyfree-lazy-expire", "yes");
      j.spop("s2", 5);
      j.expireAt("k2", 1);
    }
    String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
    assertEquals(cmd("SELECT", "0") + cmd("SADD", "s1", "1", "2") + cmd("SADD", "s2", "1", "2")
        + cmd("SET", "k1", "v") + cmd("SET", "k2", "v") + cmd("DEL", "s1") + cmd("DEL", "k1")
        + cmd("UNLINK", "s2") + cmd("UNLINK", "k2"), incr);
  }

  @Test
  void flushesOfEmptyDatabasesAreStillLogged() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.flushDB();
      j.flushAll();
    }
    String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
    assertEquals(cmd("SELECT", "0") + cmd("FLUSHDB") + cmd("FLUSHALL"), incr);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("an approximate trim with LIMIT replays as the exact trim it made")
  void approximateTrimWithLimitReplaysExactly() throws Exception {
    start("--appendfsync", "always", "--stream-node-max-entries", "10");
    try (Jedis j = client()) {
      for (int i = 0; i < 100; i++) {
        j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "*", "f", "v");
      }
      j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "MAXLEN", "~", "55", "LIMIT", "30", "*", "f", "v");
      assertEquals(71L, j.xlen("s"));
      // other node sizes on reload: only the exact count written to the AOF gives the same stream back
      j.configSet("stream-node-max-entries", "1");
      j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "LOADAOF");
      assertEquals(71L, j.xlen("s"));
    }
  }

  @Test
  @org.junit.jupiter.api.DisplayName("MULTI with FLUSHALL and AOF")
  void transactionsAreLoggedAsTheirEffectsInMultiExec() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.sendCommand(redis.clients.jedis.Protocol.Command.MULTI);
      j.sendCommand(redis.clients.jedis.Protocol.Command.SET, "foo", "bar");
      j.sendCommand(redis.clients.jedis.Protocol.Command.FLUSHALL);
      j.sendCommand(redis.clients.jedis.Protocol.Command.EXEC);
      redis.clients.jedis.Transaction t = j.multi();
      t.set("one", "1"); // a single effect goes alone
      t.get("one");
      t.exec();
      j.publish("ch", "not for the AOF");
      j.sendCommand(redis.clients.jedis.Protocol.Command.EVAL, "redis.call('set', KEYS[1], 'x'); redis.call('incr', KEYS[2])", "2", "a", "n");
    }
    String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
    // the MULTI of a unit takes no SELECT of its own: the first effect brings it, inside the transaction
    assertEquals(cmd("MULTI") + cmd("SELECT", "0") + cmd("SET", "foo", "bar") + cmd("FLUSHALL") + cmd("EXEC")
        + cmd("SET", "one", "1")
        + cmd("MULTI") + cmd("set", "a", "x") + cmd("incr", "n") + cmd("EXEC"), incr);
    restart();
    try (Jedis j = client()) {
      assertEquals("1", j.get("one"));
      assertEquals("x", j.get("a"));
      assertEquals(null, j.get("foo"));
    }
  }

  /** As Redis starts no rewrite in the middle of EXEC: BGREWRITEAOF there is scheduled, and the cron starts it. */
  @Test
  void bgrewriteaofInsideExecIsScheduled() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.set("k", "v");
      redis.clients.jedis.Transaction t = j.multi();
      t.sendCommand(redis.clients.jedis.Protocol.Command.BGREWRITEAOF, new String[0]);
      java.util.List<Object> replies = t.exec();
      assertEquals("Background append only file rewriting scheduled", new String((byte[]) replies.get(0)));
      long deadline = System.currentTimeMillis() + 10_000;
      while (!j.info("persistence").contains("aof_rewrites:1") && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(j.info("persistence").contains("aof_rewrites:1"), j.info("persistence"));
      waitForRewrite(j);
    }
    restart();
    try (Jedis j = client()) {
      assertEquals("v", j.get("k"));
    }
  }

  @Test
  void restoreWithTtlIsLoggedWithTheInstant() throws Exception {
    start("--appendfsync", "always");
    try (Jedis j = client()) {
      j.set("src", "bar");
      byte[] payload = j.dump("src");
      long before = System.currentTimeMillis();
      j.restore("dst".getBytes(StandardCharsets.US_ASCII), 100_000, payload);
      String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
      String last = incr.substring(incr.lastIndexOf("*5\r\n"));
      assertTrue(last.startsWith("*5\r\n$7\r\nRESTORE\r\n$3\r\ndst\r\n$13\r\n"), last);
      assertTrue(last.endsWith("$6\r\nABSTTL\r\n"), last);
      long at = Long.parseLong(last.split("\r\n")[6]);
      assertTrue(at >= before + 100_000 && at <= System.currentTimeMillis() + 100_000, last);
    }
  }

  @Test
  void ttlsSurviveDebugLoadaofAsRedisSuiteChecks() throws Exception {
    start("--appendonly", "no");
    try (Jedis j = client()) {
      j.configSet("appendonly", "yes");
      j.set("foo", "bar", redis.clients.jedis.params.SetParams.setParams().ex(100));
      j.set("foo", "bar2", redis.clients.jedis.params.SetParams.setParams().keepTtl());
      waitForRewrite(j);
      loadAof(j);
      assertTrue(j.ttl("foo") > 90 && j.ttl("foo") <= 100);
      assertEquals("bar2", j.get("foo"));
      j.set("foo", "bar", redis.clients.jedis.params.SetParams.setParams().ex(100));
      j.getEx("foo", redis.clients.jedis.params.GetExParams.getExParams().persist());
      loadAof(j);
      assertEquals(-1, j.ttl("foo"));
    }
  }

  @Test
  void rewriteDuringWritesKeepsEveryWrite() throws Exception {
    start("--aof-use-rdb-preamble", "no");
    AtomicBoolean stop = new AtomicBoolean();
    Thread load = new Thread(() -> {
      try (Jedis j = client()) {
        for (int i = 0; !stop.get(); i++) {
          j.incr("counter");
          j.rpush("list", Integer.toString(i));
          j.hset("hash", "f" + (i % 100), Integer.toString(i));
        }
      }
    });
    load.start();
    Thread.sleep(200);
    try (Jedis j = client()) {
      for (int round = 0; round < 3; round++) {
        assertTrue(j.bgrewriteaof().startsWith("Background append only file rewriting"));
        waitForRewrite(j);
      }
      stop.set(true);
      load.join();
      String d1 = digest(j);
      j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "LOADAOF");
      assertEquals(d1, digest(j));
      assertEquals(j.llen("list"), Long.parseLong(j.get("counter")));
      restart();
    }
    try (Jedis j = client()) {
      String m = manifest();
      assertTrue(m.startsWith("file appendonly.aof.4.base.aof seq 4 type b\n"), m);
      assertTrue(m.endsWith("file appendonly.aof.4.incr.aof seq 4 type i\n"), m);
      assertEquals(j.llen("list"), Long.parseLong(j.get("counter")));
    }
    // history files are deleted in the background
    for (int i = 0; i < 50 && Files.exists(aofDir().resolve("appendonly.aof.1.incr.aof")); i++) {
      Thread.sleep(20);
    }
    assertFalse(Files.exists(aofDir().resolve("appendonly.aof.1.incr.aof")));
    assertFalse(Files.exists(aofDir().resolve("appendonly.aof.3.base.aof")));
    assertTrue(logText().contains("Background AOF rewrite finished successfully"));
  }

  private static void waitForRewrite(Jedis j) throws InterruptedException {
    for (int i = 0; i < 500 && j.info("persistence").contains("aof_rewrite_in_progress:1"); i++) {
      Thread.sleep(20);
    }
    assertTrue(j.info("persistence").contains("aof_rewrite_in_progress:0"));
  }

  @Test
  void secondRewriteWhileOneRunsIsRefused() throws Exception {
    start();
    try (Jedis j = client()) {
      for (int i = 0; i < 20; i++) {
        j.set("k" + i, "v");
      }
      j.configSet("rdb-key-save-delay", "100000"); // 0.1 s per key keeps the rewrite running
      j.bgrewriteaof();
      assertEquals("ERR Background append only file rewriting already in progress",
          assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, j::bgrewriteaof).getMessage());
      j.configSet("rdb-key-save-delay", "0");
      waitForRewrite(j);
    }
  }

  @Test
  void truncatedLastCommandIsCutWhenAllowed() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("incr", "foo").repeat(5) + cmd("incr", "foo").substring(0, 10));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    start("--aof-load-truncated", "yes");
    try (Jedis j = client()) {
      assertEquals("5", j.get("foo"));
      j.incr("foo");
    }
    String log = logText();
    assertTrue(log.contains("!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"), log);
    assertTrue(log.contains("ends inside a command at offset"), log);
    assertTrue(log.contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"));
    restart();
    try (Jedis j = client()) {
      assertEquals("6", j.get("foo"));
    }
  }

  @Test
  void truncatedFileStopsStartupUnlessAllowed() throws Exception {
    String content = cmd("set", "foo", "hello") + cmd("set", "bar", "world").substring(0, 20);
    writeFile("appendonly.aof.1.incr.aof", content);
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThrows(CairnServer.LoadFailure.class, () -> start("--aof-load-truncated", "no"));
    String log = logText();
    int at = cmd("set", "foo", "hello").length();
    assertTrue(log.contains("The append only file appendonly.aof.1.incr.aof ends inside a command at offset "
        + content.length() + "; the last complete command ends at offset " + at), log);
    assertTrue(log.strip().endsWith("restart the server."), log);
    assertTrue(log.contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof"));
    // nothing was cut
    assertEquals(content.length(), Files.size(aofDir().resolve("appendonly.aof.1.incr.aof")));
  }

  @Test
  void unfinishedMultiIsRevertedOrRefused() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("set", "foo", "hello") + cmd("multi") + cmd("set", "bar", "world"));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThrows(CairnServer.LoadFailure.class, () -> start("--aof-load-truncated", "no"));
    assertTrue(logText().contains("Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof"));
    start("--aof-load-truncated", "yes");
    try (Jedis j = client()) {
      assertEquals("hello", j.get("foo"));
      assertFalse(j.exists("bar"));
    }
    assertEquals(cmd("set", "foo", "hello").length(), Files.size(aofDir().resolve("appendonly.aof.1.incr.aof")));
  }

  @Test
  @org.junit.jupiter.api.DisplayName("EVAL timeout with slow verbatim Lua script from AOF: others get LOADING meanwhile")
  void debugLoadAofAnswersLoadingDuringASlowScript() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("select", "9") + cmd("eval",
        "redis.call('set',KEYS[1],'y'); for i=1,1500000 do redis.call('ping') end return 'ok'", "1", "x"));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    start("--lua-time-limit", "1", "--aof-use-rdb-preamble", "no");
    try (Jedis loader = client(); Jedis other = client()) {
      loader.select(9);
      other.select(9);
      var done = java.util.concurrent.CompletableFuture.supplyAsync(() -> new String((byte[]) loader.sendCommand(
          () -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "LOADAOF"), StandardCharsets.US_ASCII));
      String loading = null;
      for (int i = 0; i < 500 && loading == null && !done.isDone(); i++) {
        try {
          other.ping();
          Thread.sleep(5);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
          loading = e.getMessage();
        }
      }
      assertTrue(loading != null && loading.startsWith("LOADING"), "no LOADING reply during the load: " + loading + " " + logText());
      assertEquals("OK", done.get(60, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals("y", other.get("x"));
    }
    assertTrue(logText().contains("Slow script detected"), logText());
  }

  @Test
  void completeMultiIsApplied() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("multi") + cmd("set", "a", "1") + cmd("incr", "a") + cmd("exec"));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    start();
    try (Jedis j = client()) {
      assertEquals("2", j.get("a"));
    }
  }

  @Test
  void badFormatNamesFileAndOffset() throws Exception {
    String good = cmd("set", "foo", "hello");
    writeFile("appendonly.aof.1.incr.aof", good + "!!!" + good);
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThrows(CairnServer.LoadFailure.class, () -> start("--aof-load-truncated", "yes"));
    String log = logText();
    assertTrue(log.contains("Error in the append only file appendonly.aof.1.incr.aof at offset " + good.length()
        + ": expected '*', found '!'"), log);
    assertTrue(log.strip().endsWith("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a "
        + "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"), log);
  }

  @Test
  void unknownCommandStopsLoading() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("set", "foo", "hello") + cmd("bla", "foo", "hello"));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThrows(CairnServer.LoadFailure.class, this::start);
    assertTrue(logText().contains("Unknown command 'bla' reading the append only file appendonly.aof.1.incr.aof"));
  }

  @Test
  void manifestErrorsUseRedisWording() throws Exception {
    String[][] cases = {
        {"file a.1.base.aof seq 1 type b\nfile a.2.base.aof seq 2 type b\n", "Found duplicate base file information"},
        {"file a.2.incr.aof seq 2 type i\nfile a.1.incr.aof seq 1 type i\n", "Found a non-monotonic sequence number"},
        {"file a.1.base.aof seq 1 type x\n", "Unknown AOF file type"},
        {"file a.1.incr.aof type i\n", "Invalid AOF manifest file format"},
        {"\n", "Invalid AOF manifest file format"},
        {"", "Found an empty AOF manifest"},
    };
    for (String[] c : cases) {
      writeFile("appendonly.aof.manifest", c[0]);
      assertThrows(CairnServer.LoadFailure.class, this::start, c[1]);
      assertTrue(logText().contains(c[1]), c[1]);
      Log.reset();
      Files.delete(logFile);
    }
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThrows(CairnServer.LoadFailure.class, this::start);
    assertTrue(logText().contains("Unable to obtain the AOF file appendonly.aof.1.incr.aof length. stat: No such file or "
        + "directory"), logText());
  }

  @Test
  void timestampAnnotationsAreWrittenAndSkipped() throws Exception {
    start("--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no");
    try (Jedis j = client()) {
      j.set("foo", "bar");
    }
    restart("--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no");
    assertTrue(Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof")).startsWith("#TS:"));
    try (Jedis j = client()) {
      assertEquals("bar", j.get("foo"));
      j.bgrewriteaof();
      waitForRewrite(j);
    }
    assertTrue(Files.readString(aofDir().resolve("appendonly.aof.2.base.aof")).startsWith("#TS:"));
  }

  @Test
  void oldStyleAofMovesIntoTheDirectory() throws Exception {
    Files.writeString(dir.resolve("appendonly.aof"), cmd("set", "k1", "v1") + cmd("set", "k2", "v2"));
    start();
    try (Jedis j = client()) {
      assertEquals("v2", j.get("k2"));
    }
    assertFalse(Files.exists(dir.resolve("appendonly.aof")));
    assertTrue(Files.exists(aofDir().resolve("appendonly.aof")));
    assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", manifest());
    assertTrue(logText().contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory "
        + "(appendonlydir)."));
  }

  @Test
  void appendonlyTurnedOnAtRunTimeWritesABaseFirst() throws Exception {
    start("--appendonly", "no");
    try (Jedis j = client()) {
      j.set("before", "1");
      j.configSet("appendonly", "yes");
      j.set("after", "2");
      waitForRewrite(j);
      j.set("later", "3");
      assertTrue(j.info("persistence").contains("aof_enabled:1"));
    }
    assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
        manifest());
    restart();
    try (Jedis j = client()) {
      assertEquals("1", j.get("before"));
      assertEquals("2", j.get("after"));
      assertEquals("3", j.get("later"));
      j.configSet("appendonly", "no");
      j.set("not-logged", "x");
    }
    restart();
    try (Jedis j = client()) {
      assertFalse(j.exists("not-logged"));
      assertEquals("3", j.get("later"));
    }
  }

  private static void loadAof(Jedis j) {
    j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "LOADAOF");
  }

  /** The manifests Redis's aof-multi-part suite expects after each step (with AOF-format bases). */
  @Test
  void manifestThroughRewritesWithAofOffAutoGcAndReload() throws Exception {
    start("--aof-use-rdb-preamble", "no");
    try (Jedis j = client()) {
      j.set("k", "v");
      j.bgrewriteaof();
      waitForRewrite(j);
      assertEquals("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
          manifest());
      // a rewrite with the AOF off leaves only a base
      j.configSet("appendonly", "no");
      j.bgrewriteaof();
      waitForRewrite(j);
      assertEquals("file appendonly.aof.3.base.aof seq 3 type b\n", manifest());
      String d1 = digest(j);
      loadAof(j);
      assertEquals(d1, digest(j));
      // turning it on again: a new base, and incr numbering starts over from the manifest on disk
      j.configSet("appendonly", "yes");
      waitForRewrite(j);
      assertEquals("file appendonly.aof.4.base.aof seq 4 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
          manifest());
      // with auto gc off, history stays listed, newest first
      j.configSet("aof-disable-auto-gc", "yes");
      j.bgrewriteaof();
      waitForRewrite(j);
      j.bgrewriteaof();
      waitForRewrite(j);
      assertEquals("file appendonly.aof.6.base.aof seq 6 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\n"
          + "file appendonly.aof.5.base.aof seq 5 type h\nfile appendonly.aof.1.incr.aof seq 1 type h\n"
          + "file appendonly.aof.4.base.aof seq 4 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n", manifest());
      assertTrue(Files.exists(aofDir().resolve("appendonly.aof.4.base.aof")));
      j.configSet("aof-disable-auto-gc", "no");
      assertEquals("file appendonly.aof.6.base.aof seq 6 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n",
          manifest());
      // after DEBUG LOADAOF the next rewrite goes on from the numbers on disk
      loadAof(j);
      j.bgrewriteaof();
      waitForRewrite(j);
      assertEquals("file appendonly.aof.7.base.aof seq 7 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\n",
          manifest());
      assertEquals("v", j.get("k"));
    }
  }

  @Test
  void automaticRewriteOnGrowth() throws Exception {
    start("--auto-aof-rewrite-percentage", "100", "--auto-aof-rewrite-min-size", "1kb");
    try (Jedis j = client()) {
      for (int i = 0; i < 100; i++) {
        j.set("key" + i, "x".repeat(100));
      }
      // the cron notices the growth within a tick; a loaded machine (load 15-21) took longer than 5 s
      for (int i = 0; i < 400 && manifest().contains("seq 1 type b"); i++) {
        Thread.sleep(50);
      }
      waitForRewrite(j);
    }
    assertTrue(manifest().startsWith("file appendonly.aof.2.base"), manifest());
    for (int i = 0; i < 400 && !logText().contains("Starting automatic rewriting of AOF on"); i++) {
      Thread.sleep(50);
    }
    assertTrue(logText().contains("Starting automatic rewriting of AOF on"), "log: " + logText());
  }

  private static Object waitaof(Jedis j, String... args) {
    return j.sendCommand(() -> "WAITAOF".getBytes(StandardCharsets.US_ASCII), args);
  }

  @Test
  void waitaofRepliesOnceTheWriteIsFsynced() throws Exception {
    start("--appendfsync", "no");
    try (Jedis j = client(); Jedis other = client()) {
      j.incr("foo");
      assertEquals(List.of(0L, 0L), waitaof(j, "1", "0", "50")); // never fsynced: times out
      j.configSet("appendfsync", "everysec");
      j.incr("foo");
      assertEquals(List.of(1L, 0L), waitaof(j, "1", "0", "0")); // the background fsync releases it
      j.configSet("appendfsync", "always");
      j.incr("foo");
      assertEquals(List.of(1L, 0L), waitaof(j, "1", "0", "0"));
      assertEquals(List.of(1L, 0L), waitaof(j, "1", "1", "30")); // no replicas acknowledge
      other.configSet("appendonly", "no");
      assertEquals("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
          assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> waitaof(j, "1", "0", "0"))
              .getMessage());
      assertEquals(List.of(0L, 0L), waitaof(j, "0", "0", "0"));
    }
  }

  @Test
  void expiredKeysAreLoadedAsWrittenThenExpire() throws Exception {
    writeFile("appendonly.aof.1.incr.aof", cmd("rpush", "list", "foo") + cmd("pexpireat", "list", "1000")
        + cmd("rpush", "list", "bar"));
    writeFile("appendonly.aof.manifest", "file appendonly.aof.1.incr.aof seq 1 type i\n");
    start();
    try (Jedis j = client()) {
      assertEquals(0, j.llen("list"));
    }
  }

  @Test
  void getexWithoutOptionsAppendsNothing() throws Exception {
    start("--appendfsync", "always");
    Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
    try (Jedis j = client()) {
      j.set("foo", "bar");
      long size = Files.size(incr);
      j.getEx("foo", new redis.clients.jedis.params.GetExParams());
      assertEquals(size, Files.size(incr));
      j.incr("n");
      assertTrue(Files.size(incr) > size, "with appendfsync always the write is in the file before the reply");
    }
  }
}
