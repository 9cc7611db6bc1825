package dev.cairn.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BGSAVE keeps streams (with consumer groups, PELs and consumers) and HyperLogLogs as they were when it started,
 * although their commands change them in place: XADD, XDEL, XTRIM, XSETID, XGROUP, XREADGROUP, XACK, XCLAIM, XAUTOCLAIM,
 * PFADD, PFCOUNT's cache, PFMERGE and PFDEBUG run while the snapshot thread is slowed down. After DEBUG RELOAD every key
 * must have the DEBUG DIGEST-VALUE and the DUMP payload it had at the start (DUMP covers what the digest leaves out:
 * groups, PELs with delivery times and counts, consumers' seen and active times, the HLL's cached count).
 */
class StreamHllSnapshotTest {
  @TempDir
  Path dir;

  @Test
  void backgroundSaveKeepsStreamsAndHllsAsTheyWereAtItsStart() throws Exception {
    long defaultInFlight = Snapshot.maxInFlight;
    try {
      for (int round = 0; round < 4; round++) {
        Snapshot.maxInFlight = round % 2 == 0 ? 8 : defaultInFlight;
        saveWhileWriting(round);
      }
    } finally {
      Snapshot.maxInFlight = defaultInFlight;
    }
  }

  private void saveWhileWriting(int round) throws Exception {
    long seed = System.nanoTime();
    System.out.println("StreamHllSnapshotTest seed " + seed);
    Random rnd = new Random(seed);
    Path d = Files.createDirectories(dir.resolve("r" + round));
    // Redis 7.0's version 10 (the default) has no consumer active times (type 19 loads them as the seen times); 11
    // keeps them, so that every round but the default's compares DUMP payloads whole
    boolean v11 = round % 2 == 1;
    TestEngine t = new TestEngine(d, "rdb-key-save-delay", "300", "stream-node-max-entries", "8", "rdb-version",
        v11 ? "11" : "0");
    List<String> streams = new ArrayList<>();
    List<String> hlls = new ArrayList<>();
    populate(t, rnd, 200, streams, hlls);
    Thread.sleep(5); // so that times set by the writes below differ from those saved
    Map<String, String> before = image(t, streams, hlls, v11);
    String digest = t.digest();
    assertEquals("+Background saving started\r\n", t.run("BGSAVE"), "seed " + seed);
    Persistence p = t.engine.persistence();
    int writes = 0;
    while (p.activeJob() != Persistence.JobType.NONE) {
      if (rnd.nextBoolean()) {
        streamWrite(t, rnd, streams);
      } else {
        hllWrite(t, rnd, hlls);
      }
      writes++;
      if (rnd.nextInt(4) == 0) {
        t.runTasks();
      }
    }
    t.runTasks();
    assertTrue(p.lastBgsaveOk(), "seed " + seed);
    assertTrue(writes > 200, "the save ended before writes had a chance (" + writes + "), seed " + seed);
    assertNotEquals(before, image(t, streams, hlls, v11), "the writes changed nothing, seed " + seed);

    assertEquals("+OK\r\n", t.run("DEBUG", "RELOAD", "NOSAVE"), "seed " + seed);
    assertEquals(digest, t.digest(), "the file is not the dataset at BGSAVE time, seed " + seed);
    Map<String, String> after = image(t, streams, hlls, v11);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " differs from BGSAVE time, seed " + seed);
    }
  }

  /**
   * Every key's DEBUG DIGEST-VALUE and DUMP reply; for a stream saved in a version 10 file, XINFO STREAM FULL (groups,
   * PELs with delivery times and counts, consumers' seen times) less the consumers' active times instead of DUMP.
   */
  private static Map<String, String> image(TestEngine t, List<String> streams, List<String> hlls, boolean v11) {
    Map<String, String> m = new TreeMap<>();
    for (String k : streams) {
      m.put(k, t.run("DEBUG", "DIGEST-VALUE", k) + (v11 ? t.run("DUMP", k)
          : ACTIVE_TIME.matcher(t.run("XINFO", "STREAM", k, "FULL", "COUNT", "0")).replaceAll("")));
    }
    for (String k : hlls) {
      m.put(k, t.run("DEBUG", "DIGEST-VALUE", k) + t.run("DUMP", k));
    }
    return m;
  }

  private static final java.util.regex.Pattern ACTIVE_TIME =
      java.util.regex.Pattern.compile("\\$11\r\nactive-time\r\n:-?[0-9]+\r\n");

  private static void populate(TestEngine t, Random rnd, int n, List<String> streams, List<String> hlls) {
    for (int i = 0; i < n; i++) {
      String s = "s" + i;
      streams.add(s);
      int entries = rnd.nextInt(10) == 0 ? 100 + rnd.nextInt(100) : 1 + rnd.nextInt(12);
      for (int j = 0; j < entries; j++) {
        if (rnd.nextBoolean()) {
          t.run("XADD", s, "*", "f", "v" + j, "g", Integer.toString(rnd.nextInt(1000)));
        } else {
          t.run("XADD", s, "*", "other" + rnd.nextInt(3), "x".repeat(rnd.nextInt(30)));
        }
      }
      int groups = rnd.nextInt(4);
      for (int g = 0; g < groups; g++) {
        t.run("XGROUP", "CREATE", s, "g" + g, "0");
        for (int c = 0; c < 1 + rnd.nextInt(3); c++) {
          t.run("XREADGROUP", "GROUP", "g" + g, "c" + c, "COUNT", Integer.toString(1 + rnd.nextInt(5)), "STREAMS", s,
              ">");
        }
      }
      if (rnd.nextInt(5) == 0) {
        t.run("XDEL", s, "0-1", firstId(t, s));
      }
      String h = "h" + i;
      hlls.add(h);
      int elements = rnd.nextInt(8) == 0 ? 3000 + rnd.nextInt(2000) : 1 + rnd.nextInt(50);
      String[] args = new String[2 + elements];
      args[0] = "PFADD";
      args[1] = h;
      for (int j = 0; j < elements; j++) {
        args[2 + j] = "e" + rnd.nextInt(1_000_000);
      }
      t.run(args);
      if (rnd.nextBoolean()) {
        t.run("PFCOUNT", h);
      }
    }
  }

  private static String firstId(TestEngine t, String s) {
    String r = t.run("XRANGE", s, "-", "+", "COUNT", "1");
    int at = r.indexOf("\r\n$");
    if (at < 0) {
      return "0-0";
    }
    int start = r.indexOf("\r\n", at + 3) + 2;
    return r.substring(start, r.indexOf("\r\n", start));
  }

  private static void streamWrite(TestEngine t, Random rnd, List<String> streams) {
    String s = streams.get(rnd.nextInt(streams.size()));
    String g = "g" + rnd.nextInt(3);
    String c = "c" + rnd.nextInt(4);
    switch (rnd.nextInt(16)) {
      case 0, 1 -> t.run("XADD", s, "*", "f", "w" + rnd.nextInt(100));
      case 2 -> t.run("XADD", s, "MAXLEN", "~", Integer.toString(rnd.nextInt(30)), "*", "a", "b");
      case 3 -> t.run("XDEL", s, firstId(t, s));
      case 4 -> t.run("XTRIM", s, "MAXLEN", Integer.toString(rnd.nextInt(20)));
      case 5 -> {
        if (rnd.nextInt(10) == 0) {
          t.run("XSETID", s, "18446744073709551614-0"); // later XADDs to it fail
        } else {
          t.run("XSETID", s, "18446744073709551614-0", "ENTRIESADDED", "1", "MAXDELETEDID", "0-1"); // refused
        }
      }
      case 6 -> t.run("XGROUP", "CREATE", s, g, rnd.nextBoolean() ? "0" : "$", "MKSTREAM");
      case 7 -> t.run("XGROUP", "SETID", s, g, "0", "ENTRIESREAD", Integer.toString(rnd.nextInt(5)));
      case 8 -> t.run("XGROUP", rnd.nextBoolean() ? "CREATECONSUMER" : "DELCONSUMER", s, g, c);
      case 9 -> t.run("XREADGROUP", "GROUP", g, c, "COUNT", "3", "STREAMS", s, ">");
      case 10 -> t.run("XREADGROUP", "GROUP", g, c, "COUNT", "3", "STREAMS", s, "0"); // history: the seen time
      case 11 -> t.run("XREADGROUP", "GROUP", g, c, "COUNT", "2", "NOACK", "STREAMS", s, ">");
      case 12 -> t.run("XACK", s, g, firstId(t, s));
      case 13 -> t.run("XCLAIM", s, g, c, "0", firstId(t, s), "RETRYCOUNT", Integer.toString(rnd.nextInt(9)));
      case 14 -> t.run("XAUTOCLAIM", s, g, c, "0", "0", "COUNT", "2");
      default -> {
        if (rnd.nextInt(10) == 0) {
          t.run("XGROUP", "DESTROY", s, g);
        } else {
          t.run("XINFO", "STREAM", s, "FULL");
        }
      }
    }
  }

  private static void hllWrite(TestEngine t, Random rnd, List<String> hlls) {
    String h = hlls.get(rnd.nextInt(hlls.size()));
    switch (rnd.nextInt(6)) {
      case 0, 1 -> t.run("PFADD", h, "n" + rnd.nextInt(1_000_000), "n" + rnd.nextInt(1_000_000));
      case 2 -> t.run("PFCOUNT", h);
      case 3 -> t.run("PFMERGE", h, hlls.get(rnd.nextInt(hlls.size())));
      case 4 -> t.run("PFDEBUG", "TODENSE", h);
      default -> t.run("PFCOUNT", h, hlls.get(rnd.nextInt(hlls.size())));
    }
  }
}
