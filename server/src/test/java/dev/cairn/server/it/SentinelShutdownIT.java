package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A sentinel process has no dataset: SIGTERM and SHUTDOWN never save an RDB file, as Redis forces NOSAVE in sentinel
 * mode (a sentinel whose directory is gone must still exit).
 */
class SentinelShutdownIT {
  @TempDir
  Path dir;

  @Test
  void sentinelExitsWithoutSavingOnSigterm() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "sentinel monitor mymaster 127.0.0.1 1 1\n");
    Path log = dir.resolve("log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.cairn.server.Main", conf.toString(), "--sentinel",
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      try (Jedis j = RealRedis.connectWithRetry(port, p)) {
        assertEquals("PONG", j.ping());
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the sentinel did not exit: " + Files.readString(log));
      assertEquals(0, p.exitValue(), Files.readString(log));
      assertFalse(Files.exists(dir.resolve("dump.rdb")), Files.readString(log));
      assertFalse(Files.readString(log).contains("Saving the final RDB snapshot"), Files.readString(log));
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }
}
