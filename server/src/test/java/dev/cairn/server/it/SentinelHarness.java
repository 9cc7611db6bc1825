package dev.cairn.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import dev.cairn.server.sentinel.SentinelMode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;

/**
 * Servers and sentinels for Sentinel tests: Debian's redis-server as master, replica or sentinel (processes), Cairn
 * sentinels in this JVM, and Cairn servers as processes. Ports come from 31200-31399, each probed free: below the
 * kernel's ephemeral range (32768-60999), where a client socket's local port could take one between probe and bind. Everything started is stopped by {@link #close}.
 */
final class SentinelHarness implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  private static final int FIRST_PORT = 31200;
  private static final int LAST_PORT = 31399;
  private static int nextPort = FIRST_PORT + (int) (ProcessHandle.current().pid() % 30) * 6;

  final Path dir;
  final List<AutoCloseable> started = new ArrayList<>();

  SentinelHarness() throws Exception {
    dir = Files.createTempDirectory("cairn-sentinel-test");
  }

  static synchronized int freePort() {
    for (int i = 0; i < 300; i++) {
      int p = nextPort++;
      if (nextPort > LAST_PORT) {
        nextPort = FIRST_PORT;
      }
      try (ServerSocket s = new ServerSocket(p)) {
        s.setReuseAddress(true);
        return p;
      } catch (java.io.IOException busy) {
        // next
      }
    }
    throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + LAST_PORT);
  }

  /** A data server (master or replica): stopped with {@link #kill}, started again with {@link #restart}. */
  final class Node implements AutoCloseable {
    final int port;
    final boolean cairn;
    private final List<String> args;
    private Process process;

    Node(int port, boolean cairn, List<String> args) throws Exception {
      this.port = port;
      this.cairn = cairn;
      this.args = args;
      start(args);
    }

    private void start(List<String> extra) throws Exception {
      Path nodeDir = dir.resolve("node-" + port);
      Files.createDirectories(nodeDir);
      List<String> cmd = new ArrayList<>();
      if (cairn) {
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
            "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.cairn.server.Main"));
      } else {
        cmd.add(RealRedis.assumeInstalled("redis-server"));
      }
      cmd.addAll(List.of("--port", Integer.toString(port), "--bind", HOST, "--save", "", "--dir",
          nodeDir.toString(), "--appendonly", "no"));
      cmd.addAll(extra);
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("log").toFile())).start();
      await(() -> ping(port), 60_000, "server on " + port + " to answer");
    }

    /** SIGKILL: the master dies without a goodbye. */
    void kill() throws Exception {
      process.destroyForcibly().waitFor();
    }

    /** Started again on its port as a master with its original arguments minus replicaof (as a restarted box). */
    void restart() throws Exception {
      List<String> a = new ArrayList<>(args);
      int i = a.indexOf("--replicaof");
      if (i >= 0) {
        a.subList(i, i + 2).clear();
      }
      start(a);
    }

    Jedis jedis() {
      return new Jedis(HOST, port, 2000);
    }

    @Override
    public void close() {
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }

  Node redis(String... args) throws Exception {
    Node n = new Node(freePort(), false, List.of(args));
    started.add(n);
    return n;
  }

  Node cairn(String... args) throws Exception {
    Node n = new Node(freePort(), true, List.of(args));
    started.add(n);
    return n;
  }

  /** The sentinel.conf lines every test sentinel gets: short timings so a failover takes seconds. */
  static String conf(int port, String master, int masterPort, int quorum) {
    return "port " + port + "\nbind " + HOST + "\n"
        + "sentinel monitor " + master + " " + HOST + " " + masterPort + " " + quorum + "\n"
        + "sentinel down-after-milliseconds " + master + " 2000\n"
        + "sentinel failover-timeout " + master + " 20000\n";
  }

  /** A Redis sentinel (redis-server sentinel.conf --sentinel); returns its port. */
  int redisSentinel(String master, int masterPort, int quorum) throws Exception {
    String bin = RealRedis.assumeInstalled("redis-server");
    int port = freePort();
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    Files.writeString(conf, conf(port, master, masterPort, quorum));
    Process p = new ProcessBuilder(bin, conf.toString(), "--sentinel").redirectErrorStream(true)
        .redirectOutput(dir.resolve("sentinel-" + port + ".log").toFile()).start();
    started.add(p::destroyForcibly);
    await(() -> ping(port), 30_000, "redis sentinel on " + port);
    return port;
  }

  /** A Cairn sentinel in this JVM; returns its port. */
  int cairnSentinel(String master, int masterPort, int quorum) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    Files.writeString(conf, conf(port, master, masterPort, quorum));
    started.add(startCairnSentinel(conf));
    return port;
  }

  /** Starts a Cairn sentinel in this JVM from {@code conf}, as {@code cairn-server conf --sentinel} does. */
  static AutoCloseable startCairnSentinel(Path conf) throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    SentinelMode mode = SentinelMode.prepare(config, true);
    ConfigFile.load(config, new String[] {conf.toString()});
    mode.loadConfig();
    assumeTrue(mode.checkConfigFile(config) == null);
    CairnServer server = CairnServer.start(config, params, List.of(), started -> { }, mode.families());
    server.eventLoop().submit(() -> mode.start(server.engine(), server.eventLoop())).sync();
    return () -> {
      server.eventLoop().submit(mode::stop).sync();
      server.close();
    };
  }

  static boolean ping(int port) {
    try (Jedis j = new Jedis(HOST, port, 500)) {
      return "PONG".equals(j.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  static void await(BooleanSupplier cond, long millis, String what) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      try {
        if (cond.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
  }

  /** What a sentinel answers to GET-MASTER-ADDR-BY-NAME: the port, or -1. */
  static int masterPort(int sentinelPort, String master) {
    try (Jedis j = new Jedis(HOST, sentinelPort, 1000)) {
      List<String> addr = j.sentinelGetMasterAddrByName(master);
      return addr == null || addr.size() != 2 ? -1 : Integer.parseInt(addr.get(1));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The role line of a server: "master", or "slave:<master port>:<link state>". */
  static String role(int port) {
    try (Jedis j = new Jedis(HOST, port, 1000)) {
      List<?> r = (List<?>) j.sendCommand(redis.clients.jedis.Protocol.Command.ROLE);
      String role = str(r.get(0));
      if (role.equals("slave")) {
        return "slave:" + str(r.get(2)) + ":" + str(r.get(3));
      }
      return role;
    } catch (RuntimeException e) {
      return "down";
    }
  }

  private static String str(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
  }

  /** Dumps every log of the run (for a failed test's report). */
  String logs() {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith("log")).toList()) {
        sb.append("==== ").append(p).append('\n').append(Files.readString(p));
      }
    } catch (java.io.IOException e) {
      sb.append(e);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // best effort
      }
    }
  }
}
