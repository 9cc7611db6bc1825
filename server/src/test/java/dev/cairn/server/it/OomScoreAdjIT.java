package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * oom-score-adj as unit/oom-score-adj checks it: the process's score follows oom-score-adj-values for its role (master,
 * then replica after REPLICAOF, master again after REPLICAOF NO ONE), relative to the score it started with, and goes
 * back to that score when turned off. The server runs in this JVM, so /proc/self is its process.
 */
class OomScoreAdjIT extends ServerTestBase {
  private static final Path PROC = Path.of("/proc/self/oom_score_adj");

  private static int score() throws Exception {
    return Integer.parseInt(Files.readString(PROC).strip());
  }

  @Test
  void theScoreFollowsTheRole() throws Exception {
    Assumptions.assumeTrue(Files.isWritable(PROC), "no writable /proc/self/oom_score_adj");
    int base = score();
    try {
      jedis.configSet("oom-score-adj-values", "10 20 30");
      jedis.configSet("oom-score-adj", "yes");
      assertEquals(base + 10, score());
      jedis.configSet("oom-score-adj-values", "15 20 30");
      assertEquals(base + 15, score());
      jedis.replicaof("localhost", 1);
      assertEquals(base + 20, score(), "a replica takes the second value");
      jedis.configSet("oom-score-adj-values", "15 25 30");
      assertEquals(base + 25, score());
      jedis.replicaofNoOne();
      assertEquals(base + 15, score(), "a master again takes the first value");
      jedis.configSet("oom-score-adj", "absolute");
      assertEquals(15, score());
      jedis.configSet("oom-score-adj", "no");
      assertEquals(base, score(), "turned off, the score the process started with comes back");
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> jedis.configSet("oom-score-adj-values", "10 20"));
      assertTrue(e.getMessage().startsWith("ERR CONFIG SET failed (possibly related to argument "
          + "'oom-score-adj-values')"), e.getMessage());
    } finally {
      jedis.configSet("oom-score-adj", "no");
      jedis.replicaofNoOne();
    }
  }
}
