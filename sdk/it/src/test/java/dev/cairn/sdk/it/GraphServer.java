package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * What the graph module's integration tests share: a server on a free port with the build's cairn-graph.jar loaded
 * by MODULE LOAD, and raw commands through Jedis with their byte strings as Java strings.
 */
final class GraphServer implements AutoCloseable {
  final CairnServer server;

  private GraphServer(CairnServer server) {
    this.server = server;
  }

  /** The module jar the reactor built before this module. */
  static Path jar() {
    Path jar = Path.of(System.getProperty("cairn.graphJar", "../../modules/graph/target/cairn-graph.jar"))
        .toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the reactor builds " + jar + " before this module");
    return jar;
  }

  /** Starts a server and loads the jar with {@code loadArgs} (GRAPH.CONFIG fields and values). */
  static GraphServer start(String... loadArgs) throws Exception {
    Path jar = jar();
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1", "--save", "",
        "--enable-module-command", "yes"});
    GraphServer s = new GraphServer(CairnServer.start(config, params));
    try (Jedis j = s.client(10_000)) {
      String[] load = new String[3 + loadArgs.length];
      load[0] = "MODULE";
      load[1] = "LOAD";
      load[2] = jar.toString();
      System.arraycopy(loadArgs, 0, load, 3, loadArgs.length);
      assertEquals("OK", cmd(j, load));
    }
    return s;
  }

  int port() {
    return server.port();
  }

  Jedis client(int timeoutMillis) {
    return new Jedis("127.0.0.1", server.port(), timeoutMillis);
  }

  @Override
  public void close() {
    server.close();
  }

  static Object cmd(Jedis j, String... args) {
    return text(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length)));
  }

  /** Byte strings as Java strings, recursively. */
  static Object text(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(text(x)));
      return out;
    }
    return o;
  }

  /** The first row of a result set. */
  static List<?> firstRow(Object reply) {
    return (List<?>) ((List<?>) ((List<?>) reply).get(1)).get(0);
  }

  /** A field of INFO graph_queries. */
  static long queriesInfo(Jedis j, String field) {
    for (String line : j.info("graph_queries").split("\r\n")) {
      if (line.startsWith("graph_" + field + ":")) {
        return Long.parseLong(line.substring(field.length() + 7));
      }
    }
    throw new AssertionError(field + " not in INFO graph_queries");
  }
}
