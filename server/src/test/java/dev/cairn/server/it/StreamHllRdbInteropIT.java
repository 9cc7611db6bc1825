package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Streams with consumer groups and HyperLogLogs in RDB files, between Cairn and Debian's Redis 7.0 both ways: the
 * entries, groups, PELs (delivery times and counts), consumers (seen times), the stream's counters and the HLL's exact
 * bytes survive, redis-check-rdb accepts Cairn's file (version 10, streams as type 19), and DEBUG DIGEST-VALUE of a
 * stream is the same number on both servers. Skipped, with a message, where the binaries are not installed.
 */
class StreamHllRdbInteropIT {
  @TempDir
  Path dir;

  private static final List<String> KEYS = List.of("events", "trimmed", "setid", "numbers", "nogroups", "hll-sparse",
      "hll-dense", "hll-cached", "hll-merged", "hll-plain");

  private CairnServer startCairn(Path d) throws Exception {
    return InProcessServers.launchIn(d, "--save", "");
  }

  private static Object cmd(Jedis j, String name, String... args) {
    byte[] raw = name.getBytes(StandardCharsets.US_ASCII);
    return j.sendCommand(() -> raw, args);
  }

  /** Streams and HLLs built with Redis 7.0's commands only; delivery times are fixed (XCLAIM TIME) where it matters. */
  static void populate(Jedis j) {
    for (int i = 0; i < 320; i++) {
      String id = (1_000 + i) + "-" + (i % 3);
      if (i % 4 == 0) {
        cmd(j, "XADD", "events", id, "temp", Integer.toString(20 + i % 7), "where", "room-" + (i % 5));
      } else if (i % 4 == 1) {
        cmd(j, "XADD", "events", id, "temp", Integer.toString(-i), "where", "x".repeat(i % 90));
      } else {
        cmd(j, "XADD", "events", id, "other", "v" + i, "n", Long.toString(1L << (i % 63)), "more", "yes");
      }
    }
    cmd(j, "XDEL", "events", "1005-2", "1100-1", "1319-2");
    cmd(j, "XGROUP", "CREATE", "events", "g1", "0");
    cmd(j, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "40", "STREAMS", "events", ">");
    cmd(j, "XREADGROUP", "GROUP", "g1", "bob", "COUNT", "25", "STREAMS", "events", ">");
    cmd(j, "XACK", "events", "g1", "1001-1", "1002-2", "1030-0");
    cmd(j, "XCLAIM", "events", "g1", "carol", "0", "1003-0", "1004-1", "1045-0", "TIME", "1700000000123",
        "RETRYCOUNT", "7");
    cmd(j, "XGROUP", "CREATE", "events", "g2", "$", "ENTRIESREAD", "300");
    cmd(j, "XGROUP", "CREATECONSUMER", "events", "g2", "idle");
    cmd(j, "XGROUP", "CREATE", "events", "g3", "1200-0");
    cmd(j, "XREADGROUP", "GROUP", "g3", "dave", "COUNT", "5", "NOACK", "STREAMS", "events", ">");
    cmd(j, "XDEL", "events", "1210-0"); // a deleted entry after g3's position: its lag is unknown

    for (int i = 0; i < 30; i++) {
      cmd(j, "XADD", "trimmed", "*", "i", Integer.toString(i));
    }
    cmd(j, "XGROUP", "CREATE", "trimmed", "readers", "0");
    cmd(j, "XREADGROUP", "GROUP", "readers", "r1", "STREAMS", "trimmed", ">");
    cmd(j, "XTRIM", "trimmed", "MAXLEN", "0"); // PEL entries left pointing at deleted entries

    cmd(j, "XADD", "setid", "5-1", "a", "b");
    cmd(j, "XSETID", "setid", "99-5", "ENTRIESADDED", "42", "MAXDELETEDID", "10-0");
    cmd(j, "XGROUP", "CREATE", "setid", "g", "0", "ENTRIESREAD", "3");

    for (int i = 0; i < 150; i++) {
      cmd(j, "XADD", "numbers", "*", "n", Long.toString(Long.MIN_VALUE + i * 97L), "m", Integer.toString(i),
          "neg", Integer.toString(-i));
    }
    cmd(j, "XADD", "nogroups", "1-1", "only", "entry");

    cmd(j, "PFADD", "hll-sparse", "a", "b", "c", "d");
    String[] many = new String[5000];
    for (int i = 0; i < many.length; i++) {
      many[i] = "element-" + i;
    }
    String[] args = new String[many.length + 1];
    args[0] = "hll-dense";
    System.arraycopy(many, 0, args, 1, many.length);
    cmd(j, "PFADD", args);
    cmd(j, "PFADD", "hll-cached", "x", "y", "z");
    cmd(j, "PFCOUNT", "hll-cached"); // writes the cached count into the value
    cmd(j, "PFMERGE", "hll-merged", "hll-sparse", "hll-cached");
    cmd(j, "PFADD", "hll-plain");
  }

  /**
   * What both servers must agree on per key: the type, DEBUG DIGEST-VALUE, and for a stream XINFO STREAM FULL less
   * what Redis 7.0 lacks (consumers' active-time, a 7.2 field), the PEL by XPENDING, and for a string its bytes.
   */
  static Map<String, String> image(Jedis j) {
    Map<String, String> m = new TreeMap<>();
    for (String k : KEYS) {
      String type = j.type(k);
      String digest = new String((byte[]) ((List<?>) cmd(j, "DEBUG", "DIGEST-VALUE", k)).get(0),
          StandardCharsets.US_ASCII);
      String detail;
      if (type.equals("stream")) {
        detail = render(cmd(j, "XINFO", "STREAM", k, "FULL", "COUNT", "0"));
      } else {
        detail = HexFormat.of().formatHex((byte[]) cmd(j, "GET", k));
      }
      m.put(k, type + " digest=" + digest + " " + detail);
    }
    return m;
  }

  /** A reply as text, dropping the 7.2-only "active-time" field and its value wherever it appears. */
  static String render(Object reply) {
    if (reply instanceof byte[] b) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
    if (reply instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        if (l.get(i) instanceof byte[] b && new String(b, StandardCharsets.ISO_8859_1).equals("active-time")) {
          i++;
          continue;
        }
        parts.add(render(l.get(i)));
      }
      return parts.toString();
    }
    return String.valueOf(reply);
  }

  private static String header(Path file) throws Exception {
    return new String(Files.readAllBytes(file), 0, 9, StandardCharsets.US_ASCII);
  }

  @Test
  void redisLoadsCairnsStreamsAndHlls() throws Exception {
    String checker = RealRedis.assumeInstalled("redis-check-rdb");
    RealRedis.assumeInstalled("redis-server");
    CairnServer s = startCairn(dir);
    Map<String, String> ours;
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      populate(j);
      ours = image(j);
      assertEquals("OK", j.save());
    } finally {
      s.close();
    }
    Path file = dir.resolve("dump.rdb");
    assertEquals("REDIS0010", header(file), "Redis 7.0's version: streams go out as type 19");
    Process p = new ProcessBuilder(checker, file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("RDB looks OK"), out);
    assertTrue(out.contains("[info] " + KEYS.size() + " keys read"), out);
    try (RealRedis redis = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb")) {
      assertEquals(ours, image(redis.jedis));
      assertEquals(PersistenceIT.digest(redis.jedis), digestOfCairnLoading(file));
    }
  }

  @Test
  void cairnLoadsRedisStreamsAndHlls() throws Exception {
    Map<String, String> theirs;
    String theirDigest;
    try (RealRedis redis = RealRedis.start("--dir", dir.toString())) {
      populate(redis.jedis);
      theirs = image(redis.jedis);
      theirDigest = PersistenceIT.digest(redis.jedis);
      assertEquals("OK", redis.jedis.save());
    }
    CairnServer s = startCairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      assertEquals(theirs, image(j));
      assertEquals(theirDigest, PersistenceIT.digest(j));
      // Redis 7.2 loads a type-19 consumer with its active time equal to its seen time
      List<?> consumers = (List<?>) cmd(j, "XINFO", "CONSUMERS", "events", "g1");
      for (Object c : consumers) {
        List<?> fields = (List<?>) c;
        assertEquals(fields.get(fields.indexOf(fields.stream().filter(f -> f instanceof byte[] b
            && new String(b).equals("idle")).findFirst().orElseThrow()) + 1),
            fields.get(fields.indexOf(fields.stream().filter(f -> f instanceof byte[] b
                && new String(b).equals("inactive")).findFirst().orElseThrow()) + 1), render(c));
      }
      // and the stream goes on: new entries, reads and acks work on what was loaded
      cmd(j, "XADD", "events", "*", "after", "load");
      List<?> read = (List<?>) cmd(j, "XREADGROUP", "GROUP", "g2", "idle", "STREAMS", "events", ">");
      assertEquals(1, read.size());
      assertEquals(1L, cmd(j, "PFADD", "hll-sparse", "new"));
    } finally {
      s.close();
    }
  }

  /** The dataset digest of a Cairn server that loaded {@code file}. */
  private String digestOfCairnLoading(Path file) throws Exception {
    Path d = Files.createDirectories(dir.resolve("again"));
    Files.copy(file, d.resolve("dump.rdb"));
    CairnServer s = startCairn(d);
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      return PersistenceIT.digest(j);
    } finally {
      s.close();
    }
  }
}
