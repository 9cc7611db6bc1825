package dev.cairn.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-server (and its tools) for interop tests: started on a free port of the range the project's tests
 * may use for other servers ({@code cairn.test.redisPorts.first/last}, 7112 to 7119 by default). A test that needs a
 * binary calls {@link #assumeInstalled}, which skips it with a message naming the binary when it is missing.
 */
final class RealRedis implements AutoCloseable {
  final int port;
  final Jedis jedis;
  private final Process process;
  final Path log;

  private RealRedis(int port, Process process, Jedis jedis, Path log) {
    this.port = port;
    this.process = process;
    this.jedis = jedis;
    this.log = log;
  }

  /** The binary's path if it is on the PATH, else null. */
  static String binary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  /** Skips the calling test, visibly, when {@code name} is not installed. */
  static String assumeInstalled(String name) {
    String path = binary(name);
    if (path == null) {
      System.out.println("SKIPPED: " + name + " is not installed; the interop test that needs it did not run");
    }
    assumeTrue(path != null, name + " is not installed (Debian's redis-server / redis-tools)");
    return path;
  }

  /** Starts redis-server with {@code args} (after --port; --save "" unless given) and connects to it. */
  static RealRedis start(String... args) throws Exception {
    String server = assumeInstalled("redis-server");
    int port = freePort(Integer.getInteger("cairn.test.redisPorts.first", 7112),
        Integer.getInteger("cairn.test.redisPorts.last", 7119));
    assumeTrue(port > 0, "no free port for redis-server");
    List<String> cmd = new ArrayList<>(List.of(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--appendonly", "no", "--enable-debug-command", "yes"));
    if (!List.of(args).contains("--save")) {
      cmd.addAll(List.of("--save", ""));
    }
    cmd.addAll(List.of(args));
    Path log = java.nio.file.Files.createTempFile("redis-server", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new RealRedis(port, p, connectWithRetry(port, p), log);
  }

  /** A free port in [first, last], or -1. */
  static int freePort(int first, int last) {
    for (int p = first; p <= last; p++) {
      try (ServerSocket s = new ServerSocket(p)) {
        return p;
      } catch (java.io.IOException busy) {
        // try the next one
      }
    }
    return -1;
  }

  static Jedis connectWithRetry(int port, Process p) throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        Jedis j = new Jedis("127.0.0.1", port, 10_000);
        j.ping();
        return j;
      } catch (RuntimeException e) {
        if (i > 100 || p != null && !p.isAlive()) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** The redis-server on the PATH, or null. */
  static String binary() {
    return binary("redis-server");
  }

  /** A port the system has free now. */
  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code binary} on {@code port} (in memory only) and waits until it answers. */
  static RealRedis start(String binary, int port) throws Exception {
    Process p = new ProcessBuilder(binary, "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
        "--bind", "127.0.0.1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return new RealRedis(port, p, connectWithRetry(port, p), null);
  }

  /** A further client of this server. */
  Jedis connect() throws InterruptedException {
    return connectWithRetry(port, process);
  }

  @Override
  public void close() throws Exception {
    jedis.close();
    process.destroy();
    process.waitFor();
  }
}
