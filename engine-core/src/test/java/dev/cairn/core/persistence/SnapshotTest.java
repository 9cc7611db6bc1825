package dev.cairn.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BGSAVE is the dataset as it was when it started, whatever is written while it runs: a random dataset of every type
 * and encoding is saved while random writes of every kind go on (the snapshot thread is slowed down so that writes
 * land on keys before, while and after it takes them), then the file is loaded into another engine and its digest
 * compared with the digest taken at the start.
 */
class SnapshotTest {
  @TempDir
  Path dir;

  @Test
  void backgroundSaveIsAPointInTimeImageWhileWritesGoOn() throws Exception {
    long defaultInFlight = Snapshot.maxInFlight;
    try {
      for (int round = 0; round < 6; round++) {
        // a short leash keeps the walker behind the writes, so that they land on keys it has not taken yet
        Snapshot.maxInFlight = round % 2 == 0 ? 16 : defaultInFlight;
        saveWhileWriting(round);
      }
    } finally {
      Snapshot.maxInFlight = defaultInFlight;
    }
  }

  private void saveWhileWriting(int round) throws Exception {
    {
      long seed = System.nanoTime();
      System.out.println("SnapshotTest seed " + seed);
      Random rnd = new Random(seed);
      Path d = Files.createDirectories(dir.resolve("r" + round));
      TestEngine t = new TestEngine(d, "rdb-key-save-delay", "30");
      List<String> keys = populate(t, rnd, 1500);
      String before = t.digest();
      java.util.Map<String, String> image = image(t);
      assertEquals("+Background saving started\r\n", t.run("BGSAVE"), "seed " + seed);
      Persistence p = t.engine.persistence();
      int writes = 0;
      while (p.activeJob() != Persistence.JobType.NONE) {
        randomWrite(t, rnd, keys);
        writes++;
        if (rnd.nextInt(4) == 0) {
          t.runTasks();
        }
      }
      t.runTasks();
      assertTrue(p.lastBgsaveOk(), "seed " + seed);
      assertTrue(writes > 100, "the save ended before writes had a chance (" + writes + "), seed " + seed);
      assertNotEquals(before, t.digest(), "the writes changed nothing, seed " + seed);

      TestEngine loaded = new TestEngine(d);
      assertEquals("+OK\r\n", loaded.run("DEBUG", "RELOAD", "NOSAVE"), "seed " + seed);
      assertEquals(before, loaded.digest(), "the file is not the dataset at BGSAVE time, seed " + seed);
      assertEquals(image, image(loaded), "expiry times differ, seed " + seed);
    }
  }

  /** Every key's value digest and exact expiry, by database and key. */
  static java.util.Map<String, String> image(TestEngine t) {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    var ks = t.engine.keyspace();
    for (int i = 0; i < ks.databases(); i++) {
      int db = i;
      ks.db(i).forEach(e -> m.put(db + ":" + new String(e.key, java.nio.charset.StandardCharsets.ISO_8859_1),
          dev.cairn.core.server.DatasetDigest.hex(t.engine.digests().entry(e)) + "@" + e.expireAt()));
    }
    return m;
  }

  /** Writes that land while the walker waits for the snapshot thread must not leave that thread waiting too. */
  @Test
  void copiesTakenWhileTheWalkerWaitsReachTheSnapshotThread() throws Exception {
    long defaultInFlight = Snapshot.maxInFlight;
    Snapshot.maxInFlight = 16;
    try {
      TestEngine t = new TestEngine(dir, "rdb-key-save-delay", "200");
      t.run("DEBUG", "POPULATE", "3000");
      String before = t.digest();
      assertEquals("+Background saving started\r\n", t.run("BGSAVE"));
      t.runTasks(); // the walker takes its leash's worth and waits
      for (int i = 0; i < 20; i++) {
        t.run("SET", "key:" + (2999 - i), "changed"); // keys it has not taken: copies go to the batch being filled
      }
      Persistence p = t.engine.persistence();
      t.runUntil(() -> p.activeJob() == Persistence.JobType.NONE);
      assertTrue(p.lastBgsaveOk());
      TestEngine loaded = new TestEngine(dir);
      assertEquals("+OK\r\n", loaded.run("DEBUG", "RELOAD", "NOSAVE"));
      assertEquals(before, loaded.digest());
    } finally {
      Snapshot.maxInFlight = defaultInFlight;
    }
  }

  /**
   * The walker reads tables in bucket order, which holds while no table resizes; one that grows five times over full
   * during the save resizes anyway, and the walker goes on in SCAN's order from the start of that table.
   */
  @Test
  void aTableThatGrowsFarOverFullDuringTheSaveIsStillSavedWhole() throws Exception {
    long defaultInFlight = Snapshot.maxInFlight;
    Snapshot.maxInFlight = 16;
    try {
      TestEngine t = new TestEngine(dir, "rdb-key-save-delay", "100");
      t.run("DEBUG", "POPULATE", "500");
      String before = t.digest();
      int buckets = t.engine.keyspace().db(0).dict().buckets();
      assertEquals("+Background saving started\r\n", t.run("BGSAVE"));
      t.runTasks(); // the walker takes its leash's worth and waits
      int layout = t.engine.keyspace().db(0).dict().layout();
      for (int i = 0; i < 6 * buckets; i++) {
        t.run("SET", "new:" + i, "v");
        if (i % 50 == 0) {
          t.run("DEL", "key:" + (i / 50)); // and some of the keys not yet taken leave
        }
      }
      assertNotEquals(layout, t.engine.keyspace().db(0).dict().layout(), "the table did not resize");
      Persistence p = t.engine.persistence();
      t.runUntil(() -> p.activeJob() == Persistence.JobType.NONE);
      assertTrue(p.lastBgsaveOk());
      TestEngine loaded = new TestEngine(dir);
      assertEquals("+OK\r\n", loaded.run("DEBUG", "RELOAD", "NOSAVE"));
      assertEquals(before, loaded.digest());
    } finally {
      Snapshot.maxInFlight = defaultInFlight;
    }
  }

  @Test
  void saveThenReloadKeepsEveryTypeAndEncoding() throws Exception {
    long seed = System.nanoTime();
    System.out.println("SnapshotTest seed " + seed);
    TestEngine t = new TestEngine(dir);
    populate(t, new Random(seed), 2000);
    String before = t.digest();
    assertEquals("+OK\r\n", t.run("SAVE"));
    assertEquals("+OK\r\n", t.run("DEBUG", "RELOAD"));
    assertEquals(before, t.digest(), "seed " + seed);
  }

  /**
   * Strings that the snapshot thread writes from their arena slots keep their exact bytes: integer-like ones that must
   * not be integer-encoded ("007", "-0", past 32 bits), ones that are, compressible and empty ones, binary ones.
   */
  @Test
  void arenaStringsAreSavedFromTheirSlotsByteForByte() throws Exception {
    TestEngine t = new TestEngine(dir);
    String[] values = {"007", "-0", "+1", "0", "-1", "2147483647", "-2147483648", "2147483648", "12345678901",
        "99999999999", "", "x".repeat(100), "ab".repeat(600), "\u0000\u00ff\r\n", "3.14", " 1"};
    for (int i = 0; i < values.length; i++) {
      t.run("SET", "s" + i, values[i]);
    }
    String before = t.digest();
    assertEquals("+Background saving started\r\n", t.run("BGSAVE"));
    Persistence p = t.engine.persistence();
    t.runUntil(() -> p.activeJob() == Persistence.JobType.NONE);
    t.runTasks();
    assertTrue(p.lastBgsaveOk());
    TestEngine loaded = new TestEngine(dir);
    assertEquals("+OK\r\n", loaded.run("DEBUG", "RELOAD", "NOSAVE"));
    assertEquals(before, loaded.digest());
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      String expected = "$" + v.length() + "\r\n" + v + "\r\n";
      assertEquals(expected, loaded.run("GET", "s" + i), "value " + i);
    }
  }

  /** Keys of every type in databases 0 to 3, small and large encodings, some with a TTL; returns their names. */
  static List<String> populate(TestEngine t, Random rnd, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String k = "k" + i;
      keys.add(k);
      t.run("SELECT", Integer.toString(rnd.nextInt(4)));
      boolean big = rnd.nextInt(10) == 0;
      int elements = big ? 150 + rnd.nextInt(200) : 1 + rnd.nextInt(8);
      switch (rnd.nextInt(7)) {
        case 0 -> t.run("SET", k, rnd.nextBoolean() ? Integer.toString(rnd.nextInt()) : "v".repeat(rnd.nextInt(90)));
        case 1 -> {
          for (int j = 0; j < elements; j++) {
            t.run("RPUSH", k, rnd.nextBoolean() ? Integer.toString(j) : "e" + j + "x".repeat(rnd.nextInt(20)));
          }
        }
        case 2 -> {
          for (int j = 0; j < elements; j++) {
            t.run("HSET", k, "f" + j, "v" + rnd.nextInt(1000));
          }
          if (rnd.nextInt(5) == 0) {
            t.run("HEXPIRE", k, "100000", "FIELDS", "1", "f0");
          }
        }
        case 3 -> {
          boolean ints = rnd.nextBoolean();
          for (int j = 0; j < elements; j++) {
            t.run("SADD", k, ints ? Integer.toString(j * 7) : "m" + j);
          }
        }
        case 4 -> {
          for (int j = 0; j < elements; j++) {
            t.run("ZADD", k, Double.toString(rnd.nextInt(100) / 4.0), "m" + j);
          }
        }
        case 5 -> t.run("INCRBY", k, Integer.toString(rnd.nextInt(1000)));
        default -> t.run("SETRANGE", k, "3", "abc");
      }
      if (rnd.nextInt(5) == 0) {
        t.run("EXPIRE", k, Integer.toString(100_000 + rnd.nextInt(1000)));
      }
    }
    t.run("SELECT", "0");
    return keys;
  }

  /** One write of a random kind to a random key (present or not, in a random database). */
  static void randomWrite(TestEngine t, Random rnd, List<String> keys) {
    String k = keys.get(rnd.nextInt(keys.size()));
    String k2 = keys.get(rnd.nextInt(keys.size()));
    String v = Integer.toString(rnd.nextInt(100));
    t.run("SELECT", Integer.toString(rnd.nextInt(4)));
    switch (rnd.nextInt(26)) {
      case 0 -> t.run("SET", k, v);
      case 1 -> t.run("DEL", k);
      case 2 -> t.run("APPEND", k, v);
      case 3 -> t.run("INCR", k);
      case 4 -> t.run("SETRANGE", k, "1", v);
      case 5 -> t.run("LPUSH", k, v);
      case 6 -> t.run("RPOP", k);
      case 7 -> t.run("LSET", k, "0", v);
      case 8 -> t.run("HSET", k, "f" + rnd.nextInt(20), v);
      case 9 -> t.run("HDEL", k, "f" + rnd.nextInt(20));
      case 10 -> t.run("HEXPIRE", k, "100000", "FIELDS", "1", "f" + rnd.nextInt(5));
      case 11 -> t.run("SADD", k, v);
      case 12 -> t.run("SREM", k, v, "m1", "7");
      case 13 -> t.run("ZADD", k, v, "m" + rnd.nextInt(10));
      case 14 -> t.run("ZINCRBY", k, "1.5", "m" + rnd.nextInt(10));
      case 15 -> t.run("ZPOPMIN", k);
      case 16 -> t.run("EXPIRE", k, Integer.toString(200_000 + rnd.nextInt(1000)));
      case 17 -> t.run("PERSIST", k);
      case 18 -> t.run("RENAME", k, k2);
      case 19 -> t.run("MOVE", k, Integer.toString(rnd.nextInt(4)));
      case 20 -> t.run("COPY", k, k2, "REPLACE");
      case 21 -> t.run("LTRIM", k, "1", "-2");
      case 22 -> t.run("SETBIT", k, Integer.toString(rnd.nextInt(200)), "1");
      case 23 -> {
        if (rnd.nextInt(20) == 0) {
          t.run("SWAPDB", Integer.toString(rnd.nextInt(4)), Integer.toString(rnd.nextInt(4)));
        }
      }
      case 24 -> {
        if (rnd.nextInt(200) == 0) {
          t.run("FLUSHDB");
        }
      }
      default -> t.run("RESTORE", k, "0", "bad", "REPLACE");
    }
  }
}
