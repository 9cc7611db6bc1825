package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.sdk.ExternalProgram;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * redis-py's graph client (redis.commands.graph in Debian's python3-redis 4.3: node and edge objects, Graph.commit,
 * parameters, read-only queries, the compact reply format resolved through db.labels() and friends) against the
 * graph module's jar loaded with MODULE LOAD, running {@code src/test/clients/graph_check.py}. Skips, saying how to
 * get it, where redis-py is missing.
 */
class GraphRedisPyIT {
  @Test
  void redisPyGraphClient() throws Exception {
    Optional<String> python = ExternalProgram.pythonWith("from redis.commands.graph import Graph");
    assumeTrue(python.isPresent(), "redis-py with its graph client is not installed (apt-get install -y python3-redis)");
    try (GraphServer server = GraphServer.start()) {
      ExternalProgram r = ExternalProgram.run(
          List.of(python.get(), "src/test/clients/graph_check.py", Integer.toString(server.port())), 120);
      assertEquals(0, r.exit(), r.output());
    }
  }
}
