package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The server as a process, as redis-server behaves: its command line, pid file, log file, signals and daemonize. Each
 * test starts {@code dev.cairn.server.Main} in a JVM of its own.
 */
class ProcessIT {
  private static final long START_TIMEOUT_MS = 60_000;
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final List<Long> daemons = new ArrayList<>();

  private static final redis.clients.jedis.commands.ProtocolCommand DEBUG =
      () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (long pid : daemons) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    // as the launcher does: a JVM leaves a signal ignored at start ignored, and this test may run with SIGINT ignored
    if (Files.isExecutable(Path.of("/usr/bin/env"))) {
      cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    return cmd;
  }

  private Process start(String stdin, String... args) throws IOException {
    return startWith(List.of(), stdin, args);
  }

  private Process startWith(List<String> jvmArgs, String stdin, String... args) throws IOException {
    List<String> cmd = javaCommand();
    cmd.addAll(jvmArgs);
    cmd.add("dev.cairn.server.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout-" + started.size()).toFile());
    Process p = pb.start();
    started.add(p);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  private static String waitForLine(Path log, String text) throws Exception {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(log)) {
        String s = Files.readString(log);
        if (s.contains(text)) {
          return s;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no '" + text + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
  }

  /** Waits until a process that is not our child has exited (gone, or a zombie its new parent has not reaped). */
  private static void waitGone(long pid, Path log) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      try {
        String s = Files.readString(stat);
        if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
          return;
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("process " + pid + " still runs:\n" + Files.readString(log));
  }

  private static void signal(long pid, String sig) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
  }

  private static String run(Process p) throws Exception {
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void versionHelpAndTestMemory() throws Exception {
    Process v = new ProcessBuilder(with(javaCommand(), "dev.cairn.server.Main", "--version"))
        .redirectErrorStream(true).start();
    String out = run(v);
    assertEquals(0, v.exitValue());
    assertTrue(out.matches("Redis server v=7\\.2\\.4 sha=00000000:0 malloc=\\S+ bits=64 build=\\S+ .*\\n"), out);

    Process h = new ProcessBuilder(with(javaCommand(), "dev.cairn.server.Main", "-h")).redirectErrorStream(true)
        .start();
    out = run(h);
    assertEquals(1, h.exitValue());
    assertTrue(out.startsWith("Usage: ./cairn-server [/path/to/redis.conf] [options] [-]"), out);

    Process t = new ProcessBuilder(with(javaCommand(), "dev.cairn.server.Main", "--test-memory"))
        .redirectErrorStream(true).start();
    out = run(t);
    assertEquals(1, t.exitValue());
    assertTrue(out.startsWith("Please specify the amount of memory to test in megabytes."), out);
    Process t2 = new ProcessBuilder(with(javaCommand(), "dev.cairn.server.Main", "--test-memory", "64"))
        .redirectErrorStream(true).start();
    out = run(t2);
    assertEquals(1, t2.exitValue());
    assertTrue(out.contains("--test-memory is not supported"), out);
  }

  private static List<String> with(List<String> cmd, String... more) {
    cmd.addAll(List.of(more));
    return cmd;
  }

  /** The logo goes to a terminal only (Redis's isatty(stdout)); redirected output gets the "Running mode" line. */
  @Test
  void logoOnlyWhenStandardOutputIsATerminal() throws Exception {
    int port = RealRedis.freePort();
    Path plain = dir.resolve("stdout-plain");
    Process p = new ProcessBuilder(with(javaCommand(), "dev.cairn.server.Main", "--port", Integer.toString(port),
        "--save", "")).redirectErrorStream(true).redirectOutput(plain.toFile()).start();
    started.add(p);
    String s = waitForLine(plain, "Ready to accept connections tcp");
    assertTrue(s.contains("Running mode=standalone, port=" + port + "."), s);
    assertFalse(s.contains("Port: " + port), s);
    p.destroy();
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));

    if (!Files.isExecutable(Path.of("/usr/bin/script"))) {
      return; // no way to give the server a terminal here
    }
    int port2 = RealRedis.freePort();
    Path typescript = dir.resolve("typescript");
    StringBuilder cmd = new StringBuilder();
    for (String w : with(javaCommand(), "dev.cairn.server.Main", "--port", Integer.toString(port2), "--save", "")) {
      cmd.append(" '").append(w.replace("'", "'\\''")).append('\'');
    }
    Process t = new ProcessBuilder("/usr/bin/script", "-q", "-f", "-e", "-c", cmd.toString(), typescript.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("script-out").toFile()).start();
    started.add(t);
    s = waitForLine(typescript, "Ready to accept connections tcp");
    assertTrue(s.contains("Port: " + port2), s);
    assertFalse(s.contains("Running mode="), s);
    try (Jedis j = new Jedis("127.0.0.1", port2, 30_000)) {
      j.shutdown();
    } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
      // the server closes the connection as it exits
    }
    assertTrue(t.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void stdinConfigPidfileLogfileAndSigtermExitZero() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    Path pidfile = dir.resolve("server.pid");
    Process p = start("port " + port + "\nloglevel verbose\n", "-", "--pidfile", pidfile.toString(), "--logfile",
        log.toString(), "--save", "");
    waitForLine(log, "Ready to accept connections tcp");
    assertEquals(p.pid() + "\n", Files.readString(pidfile));
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      assertEquals("verbose", j.configGet("loglevel").get("loglevel"));
    }
    signal(p.pid(), "TERM");
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(0, p.exitValue());
    String s = Files.readString(log);
    assertTrue(s.contains("Reading config from stdin"), s);
    assertTrue(s.contains(":signal-handler (") && s.contains(") Received SIGTERM scheduling shutdown..."), s);
    assertTrue(s.matches("(?s).*User requested shutdown\\.\\.\\..*Removing the pid file\\..*"
        + "# Redis is now ready to exit, bye bye\\.\\.\\..*"), s);
    assertFalse(Files.exists(pidfile));
  }

  @Test
  void aSignalShutdownThatMustSaveFailsUnlessForcedAndCanBeAborted() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    // save points configured and a save that fails: the RDB file's name is taken by a directory that is not empty
    Process p = start(null, "--port", Integer.toString(port), "--logfile", log.toString(), "--save", "900 1",
        "--hz", "100", "--dir", dir.toString(), "--dbfilename", "blocked.rdb", "--enable-debug-command", "yes");
    waitForLine(log, "Ready to accept connections");
    Files.createDirectories(dir.resolve("blocked.rdb")); // after start-up, which would refuse to load it
    Files.writeString(dir.resolve("blocked.rdb").resolve("keep"), "x");
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      signal(p.pid(), "INT");
      waitForLine(log, "Error trying to save the DB, can't exit.");
      assertTrue(Files.readString(log).contains("Errors trying to shut down the server. Check the logs for more"));
      assertEquals("PONG", j.ping());
      JedisDataException e = assertThrows(JedisDataException.class, () -> j.sendCommand(
          redis.clients.jedis.Protocol.Command.SHUTDOWN));
      assertEquals("ERR Errors trying to SHUTDOWN. Check logs.", e.getMessage());
      e = assertThrows(JedisDataException.class, () -> j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN,
          "ABORT"));
      assertEquals("ERR No shutdown in progress.", e.getMessage());

      // a pending signal can be aborted while the cron does not run
      j.sendCommand(DEBUG, "PAUSE-CRON", "1");
      signal(p.pid(), "TERM");
      waitForLine(log, "Received SIGTERM scheduling shutdown...");
      assertEquals("OK", new String((byte[]) j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, "ABORT"),
          StandardCharsets.UTF_8));
      waitForLine(log, "Shutdown manually aborted.");
      j.sendCommand(DEBUG, "PAUSE-CRON", "0");
      assertEquals("PONG", j.ping());

      // shutdown-on-sigterm force: the failed save is logged and the server exits anyway
      j.configSet("shutdown-on-sigterm", "force");
      signal(p.pid(), "TERM");
    }
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(0, p.exitValue());
    String s = Files.readString(log);
    assertTrue(s.contains("Error trying to save the DB. Exit anyway."), s);
    assertTrue(s.contains("ready to exit, bye bye"), s);
  }

  @Test
  void secondSigintExitsAtOnceWithStatusOne() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    Process p = start(null, "--port", Integer.toString(port), "--logfile", log.toString(), "--save", "",
        "--enable-debug-command", "yes");
    waitForLine(log, "Ready to accept connections");
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      j.sendCommand(DEBUG, "PAUSE-CRON", "1"); // the first one stays pending
      signal(p.pid(), "INT");
      waitForLine(log, "Received SIGINT scheduling shutdown...");
      signal(p.pid(), "INT");
    }
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(1, p.exitValue());
    assertTrue(Files.readString(log).contains("You insist... exiting now."));
  }

  @Test
  void aSecondSigintDuringTheFinalSaveRemovesItsTemporaryFile() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    Process p = start(null, "--port", Integer.toString(port), "--logfile", log.toString(), "--save", "900 1",
        "--dir", dir.toString());
    waitForLine(log, "Ready to accept connections");
    Path temp;
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      for (int i = 0; i < 20; i++) {
        j.set("k" + i, "v");
      }
      j.configSet("rdb-key-save-delay", "100000"); // the final save takes 2 s
      long pid = Long.parseLong(j.info("server").replaceAll("(?s).*process_id:(\\d+).*", "$1"));
      temp = dir.resolve("temp-" + pid + ".rdb");
      signal(pid, "INT");
      long deadline = System.currentTimeMillis() + 10_000;
      while (!Files.exists(temp)) {
        assertTrue(System.currentTimeMillis() < deadline, "the final save did not start");
        Thread.sleep(5);
      }
      signal(pid, "INT");
    }
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(1, p.exitValue());
    assertTrue(Files.readString(log).contains("You insist... exiting now."));
    assertFalse(Files.exists(temp), "the save's temporary file is left behind");
  }

  @Test
  void aSigtermWhileTheFirstAofRewriteRunsIsRefusedUnlessForced() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    Process p = start(null, "--port", Integer.toString(port), "--logfile", log.toString(), "--save", "",
        "--appendonly", "no", "--dir", dir.toString());
    waitForLine(log, "Ready to accept connections");
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      for (int i = 0; i < 10; i++) {
        j.set("k" + i, "v");
      }
      j.configSet("rdb-key-save-delay", "10000000");
      j.configSet("appendonly", "yes"); // the AOF exists once this rewrite ends, which is not soon
      long pid = Long.parseLong(j.info("server").replaceAll("(?s).*process_id:(\\d+).*", "$1"));
      signal(pid, "TERM");
      waitForLine(log, "Writing initial AOF, can't exit.");
      assertEquals("PONG", j.ping());
      j.configSet("shutdown-on-sigterm", "force");
      signal(pid, "TERM");
    }
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(0, p.exitValue());
    assertTrue(Files.readString(log).contains("Writing initial AOF. Exit anyway."));
  }

  @Test
  void shutdownCommandRemovesPidfileAndExitsZero() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("server.log");
    Path pidfile = dir.resolve("p.pid");
    Process p = start(null, "--port", Integer.toString(port), "--logfile", log.toString(), "--pidfile",
        pidfile.toString());
    waitForLine(log, "Ready to accept connections");
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, "NOSAVE");
    } catch (Exception expected) {
      // the connection closes without a reply
    }
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(0, p.exitValue());
    assertFalse(Files.exists(pidfile));
  }

  @Test
  void daemonizeDetachesAndThePidfileHoldsTheServersPid() throws Exception {
    int port = RealRedis.freePort();
    Path log = dir.resolve("daemon.log");
    Path pidfile = dir.resolve("daemon.pid");
    Process launcher = start("port " + port + "\n", "-", "--daemonize", "yes", "--pidfile", pidfile.toString(),
        "--logfile", log.toString(), "--save", "");
    assertTrue(launcher.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    assertEquals(0, launcher.exitValue());
    long pid = Long.parseLong(Files.readString(pidfile).strip());
    daemons.add(pid);
    assertNotEquals(launcher.pid(), pid);
    ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
    assertTrue(server.isAlive());
    waitForLine(log, "Ready to accept connections");
    // its own session, so the launching terminal's hang-up does not reach it
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertEquals(Long.toString(pid), f[3], "session id: " + stat);
    try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
      assertEquals("PONG", j.ping());
      assertEquals("yes", j.configGet("daemonize").get("daemonize"));
      j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, "NOSAVE");
    } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
      // closed without a reply
    }
    waitGone(pid, log);
    assertFalse(Files.exists(pidfile));
  }

  @Test
  void syslogGetsTheLinesWhenItsSocketIsThereAndAWarningOnceWhenNot() throws Exception {
    Path socket = dir.resolve("log.sock");
    try (SyslogReceiver rx = new SyslogReceiver(socket)) {
      int port = RealRedis.freePort();
      Path log = dir.resolve("server.log");
      Process p = startWith(List.of("-Dcairn.syslog.socket=" + socket), null, "--port", Integer.toString(port),
          "--logfile", log.toString(), "--save", "", "--syslog-enabled", "yes", "--syslog-ident", "cairn-test",
          "--syslog-facility", "local3");
      waitForLine(log, "Ready to accept connections");
      String line = rx.await("Ready to accept connections tcp", START_TIMEOUT_MS);
      // local3 (19 << 3) | notice (5)
      assertTrue(line.matches("<157>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d cairn-test\\[" + p.pid()
          + "\\]: Ready to accept connections tcp"), line);
      p.destroy();
      assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      assertTrue(rx.await("ready to exit, bye bye", START_TIMEOUT_MS).startsWith("<156>")); // warning
    }
    int port = RealRedis.freePort();
    Path log = dir.resolve("server2.log");
    Process p = startWith(List.of("-Dcairn.syslog.socket=" + dir.resolve("missing.sock")), null, "--port",
        Integer.toString(port), "--logfile", log.toString(), "--save", "", "--syslog-enabled", "yes");
    String s = waitForLine(log, "Ready to accept connections");
    assertTrue(s.contains("syslog-enabled is set but syslog cannot be written from here"), s);
    p.destroy();
    assertTrue(p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }
}
