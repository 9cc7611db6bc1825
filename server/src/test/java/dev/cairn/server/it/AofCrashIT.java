package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Crash safety: a real server process under a write load is killed with SIGKILL at random moments; after each restart
 * on the same directory every acknowledged write must be there and the AOF must load (at most the one command being
 * written when the process died may be cut off, which aof-load-truncated allows). With appendfsync always a reply
 * means the write was fsynced; with everysec it was written to the file, so a process crash (unlike a power loss,
 * which may cost up to a second) loses nothing acknowledged either.
 */
class AofCrashIT {
  private static final int WRITERS = 4;

  @TempDir
  Path dir;

  @Test
  void killedUnderLoadWithFsyncAlwaysLosesNoAcknowledgedWrite() throws Exception {
    crashLoop("always", 20);
  }

  @Test
  void killedUnderLoadWithFsyncEverysecLosesNoAcknowledgedWrite() throws Exception {
    crashLoop("everysec", 3);
  }

  private void crashLoop(String fsync, int rounds) throws Exception {
    long seed = System.nanoTime();
    System.out.println("AofCrashIT seed=" + seed + " appendfsync=" + fsync);
    Random rnd = new Random(seed);
    // acked[w] = the highest n that writer w saw acknowledged for INCR counter:w (also key w:n was SET before)
    AtomicLongArray acked = new AtomicLongArray(WRITERS);
    for (int round = 0; round < rounds; round++) {
      int port = RealRedis.freePort();
      Process p = startServer(port, fsync);
      try {
        awaitUp(port, p);
        verify(port, acked, round, seed);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int id = w;
          Thread t = new Thread(() -> write(port, id, acked));
          t.start();
          writers.add(t);
        }
        Thread.sleep(100 + rnd.nextInt(400));
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        for (Thread t : writers) {
          t.join(10_000);
        }
      } finally {
        p.destroyForcibly();
      }
    }
    int port = RealRedis.freePort();
    Process p = startServer(port, fsync);
    try {
      awaitUp(port, p);
      verify(port, acked, rounds, seed);
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  /** Each writer: SET w:n, then INCR counter:w (which returns n); n acknowledged once INCR's reply arrives. */
  private static void write(int port, int w, AtomicLongArray acked) {
    try (Jedis j = new Jedis("127.0.0.1", port, 5_000)) {
      while (true) {
        long next = acked.get(w) + 1;
        j.set(w + ":" + next, "v" + next);
        long n = j.incr("counter:" + w);
        if (n != next) {
          throw new AssertionError("writer " + w + " expected counter " + next + ", got " + n);
        }
        acked.set(w, n);
      }
    } catch (JedisException e) {
      // the server was killed
    }
  }

  private static void verify(int port, AtomicLongArray acked, int round, long seed) {
    try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
      for (int w = 0; w < WRITERS; w++) {
        long a = acked.get(w);
        String c = j.get("counter:" + w);
        long have = c == null ? 0 : Long.parseLong(c);
        String where = "round " + round + " seed " + seed + " writer " + w;
        // the INCR in flight when the process died may or may not have reached the file
        assertTrue(have == a || have == a + 1, where + ": acknowledged " + a + ", found " + have);
        acked.set(w, have);
        for (long n = Math.max(1, have - 50); n <= have; n++) {
          assertEquals("v" + n, j.get(w + ":" + n), where + " key " + n);
        }
      }
    }
  }

  private Process startServer(int port, String fsync) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", cp, "dev.cairn.server.Main", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", fsync, "--save", "",
        "--aof-use-rdb-preamble", "no", "--logfile", dir.resolve("server.log").toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "stdout"))
        .start();
  }

  private void awaitUp(int port, Process p) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("server exited: " + Files.readString(dir.resolve("server.log")));
      }
      try (Jedis j = new Jedis("127.0.0.1", port, 1_000)) {
        // the free port may have been taken by another process since: only our server's answer counts
        if ("PONG".equals(j.ping()) && j.info("server").contains("process_id:" + p.pid() + "\r\n")) {
          return;
        }
      } catch (JedisException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server did not start");
  }

}
