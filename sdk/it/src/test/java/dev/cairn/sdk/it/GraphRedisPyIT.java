package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
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
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (GraphServer.run(List.of(candidate, "-c", "from redis.commands.graph import Graph"), 30).code() == 0) {
        python = candidate;
        break;
      }
    }
    assumeTrue(python != null, "redis-py with its graph client is not installed (apt-get install -y python3-redis)");
    try (GraphServer server = GraphServer.start()) {
      GraphServer.Exit r = GraphServer.run(List.of(python, "src/test/clients/graph_check.py",
          Integer.toString(server.port())), 120);
      assertEquals(0, r.code(), r.output());
    }
  }
}
