package dev.cairn.server.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Cairn as a separate process (the server's Main on this JVM's class path), for what an in-process server cannot
 * show: a kill -9, a startup that fails, the log a real start writes.
 */
final class CairnProcess implements AutoCloseable {
  final int port;
  final Process process;
  final Path log;

  private CairnProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts Cairn with {@code args} after {@code --port N --bind 127.0.0.1}; does not wait for it. */
  static CairnProcess start(String... args) throws Exception {
    return start(List.of(), args);
  }

  /** As {@link #start(String...)}, with options for the server's JVM ({@code -Dcairn.transport=io_uring}). */
  static CairnProcess start(List<String> jvmOptions, String... args) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cairn.server.Main",
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--enable-debug-command", "yes"));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("cairn-process", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new CairnProcess(port, p, log);
  }

  /** Waits until the log says "Ready to accept connections" (or the process ended); returns whether it did. */
  boolean awaitReady() throws Exception {
    return awaitLog("Ready to accept connections", 60_000);
  }

  /** Waits until a log line contains {@code text}, up to {@code millis}; false if not, or if the process ended. */
  boolean awaitLog(String text, long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (log().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return log().contains(text);
      }
      Thread.sleep(20);
    }
    return false;
  }

  String log() throws java.io.IOException {
    return Files.readString(log);
  }

  Jedis connect() throws InterruptedException {
    return RealRedis.connectWithRetry(port, process);
  }

  /** kill -9: no shutdown code runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for the process to exit; returns its exit code. */
  int awaitExit(long millis) throws InterruptedException {
    if (!process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the process did not exit");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
