package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The AOF around replication, as Redis 7.2 has it: WAITAOF counts nothing while the AOF waits for its first base (it
 * was just turned on, or a replica restarted it after a full sync), and a replica's full sync restarts its AOF with a
 * rewrite of the loaded dataset, so its FACK covers the sync's data only once that base is written.
 */
class ReplicaAofIT {
  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

  private static Object waitaof(Jedis j, String... args) {
    return j.sendCommand(() -> "WAITAOF".getBytes(StandardCharsets.US_ASCII), args);
  }

  @Test
  void waitaofWaitsForTheFirstBaseWhenTheRewriteIsPostponed() throws Exception {
    Jedis j = cairn.start("--appendfsync", "always");
    j.set("x", "y");
    j.configSet("rdb-key-save-delay", "1500000"); // 1.5 s for the one key: the BGSAVE outlasts the first WAITAOF
    assertEquals("Background saving started", j.bgsave());
    j.configSet("appendonly", "yes");
    assertEquals("1", info(j, "aof_rewrite_scheduled"));
    j.set("x", "z");
    // the AOF has no base yet: the write is in no AOF that a restart would load
    assertEquals(List.of(0L, 0L), waitaof(j, "1", "0", "100"));
    j.configSet("rdb-key-save-delay", "0");
    // the BGSAVE ends, the scheduled rewrite runs, and its end answers the WAITAOF
    assertEquals(List.of(1L, 0L), waitaof(j, "1", "0", "20000"));
    assertEquals("0", info(j, "aof_rewrite_in_progress"));
    assertEquals("0", info(j, "aof_rewrite_scheduled"));
  }

  @Test
  void fullSyncRestartsTheReplicasAof() throws Exception {
    Jedis master = cairn.start("--appendonly", "yes", "--appendfsync", "always");
    for (int i = 0; i < 200; i++) {
      master.set("k" + i, "v" + i);
    }
    Jedis replica = cairn.start("--appendonly", "yes", "--appendfsync", "everysec");
    String baseBefore = manifestBase(cairn.dirOf(1));
    // the replica's rewrite after the sync is slow (10 ms a key): WAITAOF must not count the replica before its end
    replica.configSet("rdb-key-save-delay", "10000");
    replica.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(replica);
    waitFor("the replica's AOF rewrite", () -> "1".equals(info(replica, "aof_rewrite_in_progress")));
    master.incr("foo");
    assertEquals(List.of(1L, 0L), waitaof(master, "1", "1", "300"));
    replica.configSet("rdb-key-save-delay", "0"); // the running rewrite keeps its delay: about 2 s more
    assertEquals(List.of(1L, 1L), waitaof(master, "1", "1", "0"));
    waitFor("the rewrite to end", () -> "0".equals(info(replica, "aof_rewrite_in_progress")));
    // the base now holds the synced data, and a BGREWRITEAOF starts at once
    String baseAfter = manifestBase(cairn.dirOf(1));
    assertTrue(!baseAfter.equals(baseBefore), baseBefore + " -> " + baseAfter);
    assertEquals("Background append only file rewriting started", replica.bgrewriteaof());
    waitFor("the rewrite to end", () -> "0".equals(info(replica, "aof_rewrite_in_progress")));
    master.incr("foo");
    assertEquals(List.of(1L, 1L), waitaof(master, "1", "1", "0"));
    assertEquals(master.get("foo"), replica.get("foo"));
    assertEquals("v199", replica.get("k199"));
  }

  private static String manifestBase(Path serverDir) throws Exception {
    for (String line : Files.readAllLines(serverDir.resolve("appendonlydir").resolve("appendonly.aof.manifest"))) {
      if (line.contains("type b")) {
        return line;
      }
    }
    return "";
  }
}
