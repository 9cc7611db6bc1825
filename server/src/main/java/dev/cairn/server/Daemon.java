package dev.cairn.server;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code daemonize yes}. A JVM cannot fork, so the launching process starts the server again as a new process in its
 * own session ({@code setsid}), with standard input, output and error on /dev/null (the log goes to {@code logfile}),
 * waits until that server has written its pid file (it is the server's own pid, as with redis-server) or has failed,
 * and exits: 0 once the server runs, 1 when it stopped during start-up.
 */
final class Daemon {
  /** Set in the environment of the detached server so that it does not detach again. */
  static final String CHILD_ENV = "CAIRN_DAEMONIZED";
  private static final long START_WAIT_MILLIS = 30_000;

  private Daemon() {}

  /** Whether this process is the detached server. */
  static boolean isDetachedServer() {
    return System.getenv(CHILD_ENV) != null;
  }

  /**
   * Starts the detached server with the same JVM options and arguments and returns the exit status for this process.
   * {@code stdinConfig} is the configuration this process read from standard input for a {@code -} argument (the
   * detached server reads it again from a pipe), or null.
   */
  static int detach(String[] argv, String stdinConfig, Path pidfile) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    for (String setsid : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
      if (Files.isExecutable(Path.of(setsid))) {
        cmd.add(setsid);
        break;
      }
    }
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(argv));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(stdinConfig != null ? ProcessBuilder.Redirect.PIPE
            : ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put(CHILD_ENV, "1");
    Files.deleteIfExists(pidfile); // so that the one we wait for is the new server's
    Process p = pb.start();
    if (stdinConfig != null) {
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdinConfig.getBytes(StandardCharsets.UTF_8));
      }
    }
    // the detached server is setsid's own process (setsid execs in place when it is not a group leader)
    String expected = Long.toString(p.pid());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return p.exitValue() == 0 ? 0 : 1;
      }
      if (Files.isRegularFile(pidfile) && Files.readString(pidfile).strip().equals(expected)) {
        return 0;
      }
      Thread.sleep(10);
    }
    return 0; // still starting (a large dataset to load): it runs on without us, as redis-server's child does
  }
}
