package dev.cairn.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Module;

/**
 * The distribution as it is started (the packaged cairn-server.jar, its bundled modules beside it in
 * target/modules): bundled modules load by default, show in MODULE LIST and INFO, are off with
 * {@code bundled-modules no}, are not loaded twice with a {@code loadmodule} line for the same module, and CONFIG
 * REWRITE writes no loadmodule line for them.
 */
class BundledModulesIT {
  private static final Path SERVER_JAR = Path.of(System.getProperty("cairn.serverJar"));

  @TempDir
  Path dir;

  private record Server(Process process, int port) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        j.shutdown();
      } catch (RuntimeException e) {
        // gone already
      }
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Server start(String... extra) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", SERVER_JAR.toString()));
    cmd.addAll(extra.length > 0 && extra[0].endsWith(".conf") ? List.of(extra[0]) : List.of());
    cmd.addAll(List.of("--port", Integer.toString(port), "--save", "", "--dir", dir.toString()));
    for (int i = extra.length > 0 && extra[0].endsWith(".conf") ? 1 : 0; i < extra.length; i++) {
      cmd.add(extra[i]);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server-" + port + ".log").toFile()).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        j.ping();
        return new Server(p, port);
      } catch (RuntimeException e) {
        if (!p.isAlive() || System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("server did not start: "
              + Files.readString(dir.resolve("server-" + port + ".log")), e);
        }
        Thread.sleep(50);
      }
    }
  }

  /** The modules dist/pom.xml bundles: name and version as MODULE LIST shows them. */
  static final java.util.Map<String, Long> BUNDLED = new java.util.TreeMap<>(java.util.Map.of(
      "ReJSON", 20809L,
      "graph", 21200L,
      "search", 21005L));

  static java.util.Map<String, Long> names(List<Module> modules) {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    modules.forEach(x -> m.put(x.getName(), (long) x.getVersion()));
    return m;
  }

  @Test
  void bundledModulesLoadByDefault() throws Exception {
    try (Server s = start(); Jedis j = new Jedis("127.0.0.1", s.port)) {
      assertEquals(BUNDLED, names(j.moduleList()));
      for (var m : BUNDLED.entrySet()) {
        assertTrue(j.info("modules").contains("module:name=" + m.getKey() + ",ver=" + m.getValue()), m.getKey());
      }
      assertEquals("OK", new String((byte[]) j.sendCommand(() -> "JSON.SET".getBytes(), "k".getBytes(),
          "$".getBytes(), "{\"a\":1}".getBytes())));
      assertEquals("[1]", new String((byte[]) j.sendCommand(() -> "JSON.GET".getBytes(), "k".getBytes(),
          "$.a".getBytes())));
    }
  }

  @Test
  void bundledModulesNoTurnsThemOff() throws Exception {
    try (Server s = start("--bundled-modules", "no"); Jedis j = new Jedis("127.0.0.1", s.port)) {
      assertTrue(j.moduleList().isEmpty());
      assertTrue(j.configGet("bundled-modules").isEmpty(), "a directive, not a parameter");
    }
  }

  @Test
  void loadmoduleOfTheSameModuleWinsAndRewriteLeavesBundledOut() throws Exception {
    Path conf = dir.resolve("cairn.conf");
    Path jar = Path.of(System.getProperty("cairn.jsonJar")).toAbsolutePath();
    Files.writeString(conf, "loadmodule " + jar + "\n");
    try (Server s = start(conf.toString()); Jedis j = new Jedis("127.0.0.1", s.port)) {
      assertEquals(BUNDLED, names(j.moduleList()));
      assertEquals("OK", j.configRewrite());
      assertTrue(Files.readString(conf).contains("loadmodule " + jar));
    }
    Files.writeString(conf, "");
    try (Server s = start(conf.toString()); Jedis j = new Jedis("127.0.0.1", s.port)) {
      assertEquals(BUNDLED, names(j.moduleList()));
      assertEquals("OK", j.configRewrite());
      assertFalse(Files.readString(conf).contains("loadmodule"), Files.readString(conf));
    }
  }
}
