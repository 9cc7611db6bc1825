package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * redis-py's graph client (redis.commands.graph in Debian's python3-redis 4.3: node and edge objects, Graph.commit,
 * parameters, read-only queries, the compact reply format resolved through db.labels() and friends) against the
 * graph module's jar loaded with MODULE LOAD, running {@code src/test/clients/graph_check.py}. Skips, saying how to
 * get it, where redis-py is missing.
 */
class GraphRedisPyIT {
  @Test
  void redisPyGraphClient() throws Exception {
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (run(List.of(candidate, "-c", "from redis.commands.graph import Graph"), 30).exit == 0) {
        python = candidate;
        break;
      }
    }
    assumeTrue(python != null, "redis-py with its graph client is not installed (apt-get install -y python3-redis)");
    Path jar = Path.of(System.getProperty("cairn.graphJar", "../../modules/graph/target/cairn-graph.jar"))
        .toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the reactor builds " + jar + " before this module");
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1", "--save", "",
        "--enable-module-command", "yes"});
    CairnServer server = CairnServer.start(config, params);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
      assertEquals("OK", jedis.sendCommand(() -> "MODULE".getBytes(StandardCharsets.US_ASCII), "LOAD",
          jar.toString()) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "?");
      Result r = run(List.of(python, "src/test/clients/graph_check.py", Integer.toString(server.port())), 120);
      assertEquals(0, r.exit, r.output);
    } finally {
      server.close();
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, int seconds) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, e.toString()); // not installed
    }
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (IOException ignored) {
        // the process went away
      }
    });
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5000);
      return new Result(-2, String.join(" ", command) + " timed out after " + seconds + " s:\n" + out);
    }
    reader.join(5000);
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }
}
