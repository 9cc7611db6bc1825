package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * RDB persistence end to end: write, SAVE or BGSAVE, stop (cleanly or with kill -9), start again on the same
 * directory, compare; save points; SHUTDOWN's save; startup errors on bad files; LOADING while a file loads; MISCONF.
 */
class PersistenceIT {
  @TempDir
  Path dir;

  static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes();

  /** An in-process server on {@code dir}, having loaded its RDB file as Main does. */
  private CairnServer start(String... args) throws Exception {
    return InProcessServers.launchIn(dir, args); // has loaded the RDB file (LoadFailure when it does not load)
  }

  private static Jedis connect(CairnServer s) {
    return new Jedis("127.0.0.1", s.port(), 30_000);
  }

  /** Keys of every type, small and large encodings, with TTLs, in databases 0 and 3. */
  static void populate(Jedis j) {
    for (int db : new int[] {0, 3}) {
      j.select(db);
      j.set("str", "hello");
      j.set("int", "12345");
      j.set("long", "x".repeat(3000));
      j.incr("counter");
      j.setrange("raw", 5, "abc");
      j.rpush("list", "a", "b", "1", "2");
      for (int i = 0; i < 400; i++) {
        j.rpush("biglist", "element-" + i);
        j.hset("bighash", "f" + i, "v" + i);
        j.sadd("bigset", "m" + i);
        j.sadd("bigintset", Integer.toString(i * 3));
        j.zadd("bigzset", i / 4.0, "m" + i);
      }
      j.hset("hash", Map.of("a", "1", "b", "2"));
      j.sadd("intset", "1", "2", "3");
      j.sadd("set", "a", "b");
      j.zadd("zset", Map.of("a", 1.5, "b", -2.0));
      j.hset("ttlhash", Map.of("a", "1", "b", "2"));
      j.sendCommand(redis.clients.jedis.Protocol.Command.HEXPIRE, "ttlhash", "100000", "FIELDS", "1", "a");
      j.expire("str", 100_000);
      j.pexpire("biglist", 50_000_000);
    }
    j.select(0);
  }

  /** Every key's type, value digest and TTL-ness, by database. */
  static Map<String, String> image(Jedis j, int... dbs) {
    Map<String, String> m = new TreeMap<>();
    for (int db : dbs) {
      j.select(db);
      for (String k : j.keys("*")) {
        Object d = j.sendCommand(DEBUG, "DIGEST-VALUE", k);
        m.put(db + ":" + k, j.type(k) + " " + new String((byte[]) ((List<?>) d).get(0))
            + (j.ttl(k) >= 0 ? " +ttl" : ""));
      }
    }
    j.select(0);
    return m;
  }

  static String digest(Jedis j) {
    return new String((byte[]) j.sendCommand(DEBUG, "DIGEST"));
  }

  static long info(Jedis j, String field) {
    for (String line : j.info("persistence").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("no INFO field " + field);
  }

  static void awaitBgsave(Jedis j) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (info(j, "rdb_bgsave_in_progress") == 1) {
      if (System.currentTimeMillis() > deadline) {
        fail("BGSAVE did not end");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void saveThenRestartKeepsEveryTypeAndTtl() throws Exception {
    String digest;
    Map<String, String> image;
    CairnServer a = start("--save", "");
    try (Jedis j = connect(a)) {
      populate(j);
      digest = digest(j);
      image = image(j, 0, 3);
      assertEquals("OK", j.save());
      assertTrue(j.lastsave() >= System.currentTimeMillis() / 1000 - 5);
      assertEquals(0, info(j, "rdb_changes_since_last_save"));
    } finally {
      a.close();
    }
    CairnServer b = start("--save", "");
    try (Jedis j = connect(b)) {
      assertEquals(digest, digest(j));
      assertEquals(image, image(j, 0, 3));
      assertTrue(j.ttl("str") > 99_000);
      assertEquals(populatedKeys() * 2, info(j, "rdb_last_load_keys_loaded"));
    } finally {
      b.close();
    }
  }

  private static long populatedKeys() {
    return 16;
  }

  @Test
  void bgsaveIsTheDatasetWhenItStartedWhileWritesGoOn() throws Exception {
    String digest;
    CairnServer a = start("--save", "", "--rdb-key-save-delay", "300");
    try (Jedis j = connect(a)) {
      populate(j);
      j.sendCommand(DEBUG, "POPULATE", "5000");
      digest = digest(j);
      assertEquals("Background saving started", j.bgsave());
      assertEquals(1, info(j, "rdb_bgsave_in_progress"));
      assertEquals("ERR Background save already in progress", error(() -> j.bgsave()));
      assertEquals("ERR Background save already in progress", error(() -> j.save()));
      int during = 0;
      for (int i = 0; i < 3000 && info(j, "rdb_bgsave_in_progress") == 1; i++, during++) {
        j.set("key:" + i, "changed");
        j.del("key:" + (i + 2500));
        j.rpush("biglist", "more");
        j.hset("bighash", "f" + i, "new");
        j.zincrby("bigzset", 1, "m" + (i % 400));
      }
      assertTrue(during > 50, "the BGSAVE ended before the writes could run (" + during + "): slow it down");
      awaitBgsave(j);
      assertEquals(0, info(j, "rdb_bgsave_in_progress"));
      assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:ok"));
      assertNotEquals(digest, digest(j));
    } finally {
      a.close();
    }
    CairnServer b = start("--save", "");
    try (Jedis j = connect(b)) {
      assertEquals(digest, digest(j));
    } finally {
      b.close();
    }
  }

  @Test
  void killAfterSaveLosesOnlyWhatCameAfter() throws Exception {
    String digest;
    try (CairnProcess a = CairnProcess.start("--dir", dir.toString(), "--save", "")) {
      assertTrue(a.awaitReady(), a.log());
      try (Jedis j = a.connect()) {
        populate(j);
        digest = digest(j);
        assertEquals("Background saving started", j.bgsave());
        awaitBgsave(j);
        j.set("after", "lost");
        j.flushDB();
      }
      a.kill();
    }
    try (CairnProcess b = CairnProcess.start("--dir", dir.toString(), "--save", "")) {
      assertTrue(b.awaitReady(), b.log());
      try (Jedis j = b.connect()) {
        assertEquals(digest, digest(j));
        assertEquals(null, j.get("after"));
      }
      String log = b.log();
      assertTrue(log.contains("Loading RDB produced by version 7.2.4"), log);
      assertTrue(log.contains("Done loading RDB, keys loaded: " + populatedKeys() * 2 + ", keys expired: 0."), log);
      assertTrue(log.matches("(?s).*DB loaded from disk: \\d+\\.\\d{3} seconds.*"), log);
      assertTrue(log.indexOf("Server initialized") < log.indexOf("DB loaded from disk")
          && log.indexOf("DB loaded from disk") < log.indexOf("Ready to accept connections"), log);
    }
  }

  @Test
  void shutdownSavesWhenSavePointsAreSet() throws Exception {
    try (CairnProcess a = CairnProcess.start("--dir", dir.toString(), "--save", "3600 1")) {
      assertTrue(a.awaitReady(), a.log());
      try (Jedis j = a.connect()) {
        j.set("k", "v");
        try {
          j.shutdown();
        } catch (RuntimeException closed) {
          // the connection closes as the server stops
        }
      }
      assertEquals(0, a.awaitExit(30_000));
      assertTrue(a.log().contains("Saving the final RDB snapshot before exiting."), a.log());
      assertTrue(a.log().contains("DB saved on disk"), a.log());
    }
    CairnServer b = start("--save", "");
    try (Jedis j = connect(b)) {
      assertEquals("v", j.get("k"));
    } finally {
      b.close();
    }
  }

  @Test
  void savePointsTriggerABgsaveFromTheCron() throws Exception {
    CairnServer a = start("--save", "1 2");
    try (Jedis j = connect(a)) {
      long before = j.lastsave();
      j.set("a", "1");
      j.set("b", "2");
      long deadline = System.currentTimeMillis() + 20_000;
      while (info(j, "rdb_changes_since_last_save") != 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, info(j, "rdb_changes_since_last_save"));
      assertTrue(j.lastsave() >= before);
      assertTrue(Files.exists(dir.resolve("dump.rdb")));
      assertTrue(info(j, "rdb_saves") >= 1);
    } finally {
      a.close();
    }
  }

  @Test
  void failedBgsaveRefusesWritesUntilOneSucceeds() throws Exception {
    Path gone = Files.createDirectory(dir.resolve("gone"));
    CairnServer a = start("--save", "3600 1", "--enable-protected-configs", "yes");
    try (Jedis j = connect(a)) {
      j.set("x", "1");
      j.configSet("dir", gone.toString());
      Files.delete(gone);
      assertEquals("Background saving started", j.bgsave()); // as Redis's child, the save fails once started
      awaitBgsave(j);
      assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:err"));
      assertEquals("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
          + "Commands that may modify the data set are disabled, because this instance is configured to report "
          + "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
          + "Redis logs for details about the RDB error.", error(() -> j.set("x", "2")));
      assertEquals("1", j.get("x"), "reads go on");
      j.configSet("dir", dir.toString());
      assertEquals("Background saving started", j.bgsave());
      awaitBgsave(j);
      assertEquals("OK", j.set("x", "2"));
    } finally {
      a.close();
    }
  }

  @Test
  void flushallStopsABgsave() throws Exception {
    CairnServer a = start("--save", "", "--rdb-key-save-delay", "1000");
    try (Jedis j = connect(a)) {
      j.sendCommand(DEBUG, "POPULATE", "5000");
      for (int i = 0; i < 1000; i++) {
        j.set("c" + i, "v");
      }
      j.bgsave();
      assertEquals(1, info(j, "rdb_bgsave_in_progress"));
      j.flushAll();
      long deadline = System.currentTimeMillis() + 2000;
      while (info(j, "rdb_bgsave_in_progress") == 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, info(j, "rdb_bgsave_in_progress"));
      assertTrue(info(j, "rdb_changes_since_last_save") > 999, "the BGSAVE did not complete");
      assertEquals("OK", j.set("x", "y"));
    } finally {
      a.close();
    }
  }

  @Test
  void corruptOrTruncatedFilesStopTheStartWithFileAndOffset() throws Exception {
    CairnServer a = start("--save", "");
    try (Jedis j = connect(a)) {
      populate(j);
      j.save();
    } finally {
      a.close();
    }
    Path file = dir.resolve("dump.rdb");
    byte[] good = Files.readAllBytes(file);

    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    Files.write(file, truncated);
    String log = failedStart();
    assertTrue(log.contains("Error loading the RDB file " + file + " at offset "), log);
    assertTrue(log.contains("Unexpected EOF reading RDB file"), log);
    assertTrue(log.contains("Fatal error loading the DB, check server logs. Exiting."), log);

    byte[] badChecksum = good.clone();
    badChecksum[badChecksum.length - 3] ^= 0x55;
    Files.write(file, badChecksum);
    log = failedStart();
    assertTrue(log.contains("Wrong RDB checksum") && log.contains("RDB CRC error"), log);

    byte[] badType = good.clone();
    int at = indexOf(good, "hello".getBytes()) - 5; // into the first key's record: its type byte goes bad
    badType[at] = (byte) 99;
    Files.write(file, badType);
    log = failedStart();
    assertTrue(log.contains("at offset"), log);
    assertTrue(!log.contains("Exception in thread") && !log.contains("\tat dev.cairn"), "no stack trace: " + log);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private String failedStart() throws Exception {
    try (CairnProcess p = CairnProcess.start("--dir", dir.toString(), "--save", "")) {
      assertEquals(1, p.awaitExit(60_000), p.log());
      return p.log();
    }
  }

  /** An RDB file of 20000 keys in {@link #dir}, which a server started with {@link #slowLoad} loads for seconds. */
  private void saveTwentyThousandKeys() throws Exception {
    CairnServer a = start("--save", "", "--rdbcompression", "no");
    try (Jedis j = connect(a)) {
      j.sendCommand(DEBUG, "POPULATE", "20000", "key", "100");
      j.save();
    } finally {
      a.close();
    }
  }

  private CairnProcess slowLoad() throws Exception {
    return CairnProcess.start("--dir", dir.toString(), "--save", "", "--key-load-delay", "100",
        "--loading-process-events-interval-bytes", "1024");
  }

  @Test
  void aSigtermDuringTheLoadStopsTheServer() throws Exception {
    saveTwentyThousandKeys();
    try (CairnProcess p = slowLoad()) {
      assertTrue(p.awaitLog("Loading RDB produced by", 60_000), p.log());
      p.process.destroy(); // SIGTERM
      assertEquals(0, p.awaitExit(20_000), p.log()); // without waiting for the load (seconds), as Redis exits
      assertTrue(p.log().contains("Received SIGTERM scheduling shutdown"), p.log());
      assertFalse(p.log().contains("Done loading RDB"), p.log());
    }
  }

  @Test
  void clientsGetLoadingWhileAFileLoads() throws Exception {
    saveTwentyThousandKeys();
    try (CairnProcess p = slowLoad()) {
      assertTrue(p.awaitLog("Server initialized", 60_000), p.log());
      try (Jedis j = new Jedis("127.0.0.1", p.port, 10_000)) { // no PING to check the connection: it gets LOADING
        assertTrue(j.info("persistence").contains("loading:1"));
        assertTrue(j.info("persistence").contains("loading_loaded_perc:"));
        assertEquals("LOADING Redis is loading the dataset in memory", error(() -> j.ping()));
        assertEquals("LOADING Redis is loading the dataset in memory", error(() -> j.get("key:1")));
      }
      assertTrue(p.awaitReady(), p.log());
      try (Jedis j = p.connect()) {
        assertEquals(20000, j.dbSize());
        assertTrue(j.info("persistence").contains("loading:0"));
      }
    }
  }

  private static String error(Runnable r) {
    try {
      r.run();
    } catch (JedisDataException e) {
      return e.getMessage();
    }
    return "no error";
  }
}
