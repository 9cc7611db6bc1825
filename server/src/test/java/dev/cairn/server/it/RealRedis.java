package dev.cairn.server.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server started for a test, where one is installed (tests that compare with Redis skip without it),
 * in memory only, on loopback; stopped on close.
 */
final class RealRedis implements AutoCloseable {
  final int port;
  private final Process process;

  private RealRedis(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** The redis-server on the PATH, or null. */
  static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  /** A free port in [first, last], or -1. */
  static int freePort(int first, int last) {
    for (int p = first; p <= last; p++) {
      try (ServerSocket s = new ServerSocket(p)) {
        return p;
      } catch (IOException busy) {
        // try the next one
      }
    }
    return -1;
  }

  /** A port the system has free now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code binary} on {@code port} and waits until it answers. */
  static RealRedis start(String binary, int port) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary, "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
        "--bind", "127.0.0.1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    RealRedis r = new RealRedis(port, p);
    try (Jedis j = r.connect()) {
      j.ping();
    }
    return r;
  }

  /** A client, retrying while the server starts. */
  Jedis connect() throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        Jedis j = new Jedis("127.0.0.1", port, 10_000);
        j.ping();
        return j;
      } catch (RuntimeException e) {
        if (i > 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
