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
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Issue 16's accuracy bound: with {@code maxmemory 100mb} and an allkeys-lru workload writing six times that, the
 * process's RSS (VmRSS) stays within 160 MB above the RSS of the same server empty (the JVM's fixed share, measured
 * at start: the bound is the issue's). The server runs as the launcher starts it: its own JVM with the collector and
 * heap options of {@code bin/gc.options} and the native heap trim, so that what is proven is the shipped policy
 * (memory.HeapSoftMax and its write wait, the free ratios, GCTimeRatio). The collector's log of the run is kept in
 * {@code target/rss-bound-gc.log}, the server's in {@code target/rss-bound-server.log}.
 *
 * <p>The load runs on a warm server: before it, the same workload at a third of the size, twice, then FLUSHALL and a
 * settle. A cold JVM compiles the request path while the load fills the heap, and C2's arenas for the biggest methods
 * ({@code Dispatcher.call} 19 MB, {@code StringCommands.set} 10-16, {@code Dispatcher.run}, {@code
 * RespDecoder.decode} 10-11) came on top of the heap's peak: run cold, + 141 to + 166 MB over 45 idle runs, one over
 * the bound. Those compilations are a cold server's first seconds, once, not what maxmemory keeps; warm, the
 * compiler's arena peak is reached in the warm-up (native memory tracking: the same 17 MB peak after the warm-up and
 * at the end) and the load's peak was + 140.5 to + 157.1 MB in 47 runs, idle and loaded (docs/ARCHITECTURE.md, "The
 * JVM's heap", has them). The warm-up writes a third of the load (twice 200 MB): at a tenth (twice 60 MB) the methods
 * called once a read rather than once a command had not reached C2 when the load began ({@code RespDecoder.decode},
 * Netty's io_uring read path, and {@code Dispatcher.call} again after a type check's trap), so they were compiled
 * during the load, and one malloc arena of the process (smaps: a 64 MB-aligned anonymous mapping; a compilation's
 * working memory, by its timing) held 10-22 MB more at the peak than at start:
 * + 162.0 and + 165.7 MB in about 20 runs, + 162.5 in a CI run; warmed at a third, + 143.7 to + 158.7 in 16 (two
 * clean-clone CI runs among them): within the bound, but by as little as 1.3 MB.
 * The warm server's own RSS (its heap keeps the warm-up's garbage: no mixed collection runs on an idle server) is
 * printed beside it, with the committed heap at the peak.
 */
class RssBoundIT {
  private static final long BOUND_MB = 160;
  private static final int VALUE = 1000;
  private static final long WRITE_MB = 600;
  private static final long WARMUP_MB = 200;
  private static final long WARMUP_MAXMEMORY_MB = 10;
  /** After the warm-up's FLUSHALL: the compile queue drained, a concurrent cycle's Remark shrank the heap. */
  private static final long SETTLE_MILLIS = 3_000;
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
      purge(j);
      double cold = idleRss(pid);
      // the warm-up: the same workload at a third of the size, twice, with the commands that come between (INFO at a
      // new peak, FLUSHALL, CONFIG SET, MEMORY PURGE), so that C2 has compiled the request path and eviction with
      // every branch they take here (a branch a compilation never saw is an uncommon trap, and the method is compiled
      // again: a first warm-up without the commands between had the request path recompiled at the load's start)
      Random rnd = new Random(seed);
      j.configSet("maxmemory-policy", "allkeys-lru");
      for (int round = 0; round < 2; round++) {
        j.configSet("maxmemory", WARMUP_MAXMEMORY_MB + "mb");
        write(j, pid, rnd, WARMUP_MB, new Peak(0));
        j.flushAll();
        j.configSet("maxmemory", "0");
        purge(j);
      }
      Thread.sleep(SETTLE_MILLIS);
      double warm = idleRss(pid);
      j.configSet("maxmemory", "100mb");
      long start = System.nanoTime();
      Peak peak = new Peak(cold);
      long n = write(j, pid, rnd, WRITE_MB, peak);
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      String info = j.info("all");
      long evicted = Long.parseLong(field(info, "evicted_keys"));
      long used = Long.parseLong(field(info, "used_memory"));
      System.out.printf("RssBoundIT: fixed %.1f MB (warm %.1f), peak %.1f MB = fixed + %.1f MB (bound + %d MB; warm +"
          + " %.1f), heap %.1f MB and the rest %.1f MB at the peak (%s); evicted %d, used_memory %.1f MB; %d s, writes"
          + " waited %s ms for %s cycles; load %s; %s%n", cold, warm, peak.rss, peak.rss - cold, BOUND_MB,
          peak.rss - warm, peak.heap, peak.rss - peak.heap, peak.at, evicted, used / 1048576.0, seconds,
          field(info, "jvm_heap_write_wait_ms"), field(info, "jvm_heap_collections_requested"),
          Files.readString(Path.of("/proc/loadavg")).strip(), gcLog);
      assertTrue(evicted > n / 2, "the workload evicts: " + evicted);
      assertTrue(used <= 100L << 20, "used_memory under maxmemory: " + used);
      assertTrue(peak.rss <= cold + BOUND_MB,
          String.format("RSS peak %.1f MB over fixed %.1f MB + %d MB", peak.rss, cold, BOUND_MB));
    }
  }

  /** The highest RSS seen, with the committed heap right after it was seen. */
  private static final class Peak {
    double rss;
    double heap;
    String at = "";

    Peak(double rss) {
      this.rss = rss;
    }
  }

  /** The idle server's lowest RSS over three seconds (its native heap is trimmed every second). */
  private static double idleRss(long pid) throws IOException, InterruptedException {
    double min = Double.MAX_VALUE;
    for (int i = 0; i < 12; i++) {
      Thread.sleep(250);
      min = Math.min(min, rssMb(pid));
    }
    return min;
  }


  private static void purge(Jedis j) {
    j.sendCommand(() -> "MEMORY".getBytes(StandardCharsets.US_ASCII), "PURGE");
  }

  private static double heapMb(Jedis j) {
    return Long.parseLong(field(j.info("memory"), "jvm_heap_committed")) / 1048576.0;
  }

  /** Writes {@code mb} MB of values under fresh random keys, 500 a pipeline; records the RSS peak in {@code peak}. */
  private static long write(Jedis j, long pid, Random rnd, long mb, Peak peak) throws IOException {
    byte[] value = new byte[VALUE];
    Arrays.fill(value, (byte) 'x');
    long n = (mb << 20) / VALUE;
    for (long i = 0; i < n; i += 500) {
      Pipeline p = j.pipelined();
      for (long k = i; k < i + 500; k++) {
        p.set(("key:" + k + ":" + rnd.nextInt(1 << 30)).getBytes(StandardCharsets.US_ASCII), value);
      }
      p.sync();
      double rss = rssMb(pid);
      if (rss > peak.rss) {
        peak.rss = rss;
        peak.heap = heapMb(j);
        peak.at = java.time.LocalTime.now().toString();
      }
    }
    return n;
  }

  private static String field(String info, String name) {
    return info.replaceAll("(?s).*\r\n" + name + ":([^\r]*).*", "$1");
  }
}
