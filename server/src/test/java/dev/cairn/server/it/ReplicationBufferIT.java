package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.digest;
import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Redis 7's shared replication buffer (a backlog that outgrows its size while a replica needs its blocks, and serves
 * partial resyncs from there) and the replica's diskless load states (loading, and swapdb's async loading with the
 * old data served until the new replaces it), between Cairn servers in one JVM.
 */
class ReplicationBufferIT {
  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

  private Jedis start(String... extra) throws Exception {
    return cairn.start(extra);
  }

  private static long num(Jedis j, String field) {
    return Long.parseLong(info(j, field));
  }

  private static void write(Jedis j, String prefix, int keys, int size) {
    String v = "x".repeat(size);
    for (int i = 0; i < keys; i++) {
      j.set(prefix + i, v);
    }
  }

  @Test
  void aReplicaWaitingForItsRdbMakesTheBacklogOutgrowItsSize() throws Exception {
    Jedis master = start("--repl-backlog-size", "16384", "--client-output-buffer-limit", "replica 0 0 0");
    Jedis fast = start();
    fast.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(fast);
    master.configSet("rdb-key-save-delay", "1000000"); // the next snapshot takes a second per key
    write(master, "slow", 20, 10);
    Jedis waiting = start();
    waiting.replicaof("127.0.0.1", cairn.port(master));
    waitFor("the second replica to wait for its RDB", () -> "1".equals(info(master, "rdb_bgsave_in_progress")));
    write(master, "k", 200, 10_000); // 2 MB the waiting replica will need
    assertTrue(num(master, "repl_backlog_histlen") > 2_000_000, info(master, "repl_backlog_histlen"));
    // written once: the buffer's memory is about the stream's size, not once per replica
    assertTrue(num(master, "mem_total_replication_buffers") < 3_000_000, info(master, "mem_total_replication_buffers"));
    // the fast replica drops its link and continues from the grown backlog
    fast.clientKill(new ClientKillParams().type(ClientType.MASTER));
    write(master, "k", 100, 10_000);
    waitForLink(fast);
    waitFor("offsets to match", () -> info(master, "master_repl_offset").equals(info(fast, "master_repl_offset")));
    assertEquals("1", info(master, "sync_partial_ok"));
    assertEquals(digest(master), digest(fast));
    // the waiting replica goes: nobody needs the old blocks, the backlog shrinks to about its size
    waiting.replicaofNoOne();
    waitFor("the backlog to shrink", () -> num(master, "repl_backlog_histlen") < 100_000);
    assertTrue(num(master, "mem_total_replication_buffers") < 200_000, info(master, "mem_total_replication_buffers"));
    master.configSet("rdb-key-save-delay", "0");
  }

  @Test
  void disklessLoadKeepsTheOldDataUntilTheNewIsLoaded() throws Exception {
    Jedis master = start("--repl-diskless-sync", "yes", "--rdb-key-save-delay", "20000");
    write(master, "m", 300, 100);
    Jedis replica = start("--repl-diskless-load", "swapdb");
    replica.set("mine", "old");
    replica.replicaof("127.0.0.1", cairn.port(master));
    // another history (our id is not the master's): loading, and commands get LOADING meanwhile
    waitFor("the replica to be loading", () -> "1".equals(info(replica, "loading")));
    assertEquals("0", info(replica, "async_loading"));
    JedisDataException e = assertThrows(JedisDataException.class, () -> replica.get("mine"));
    assertTrue(e.getMessage().startsWith("LOADING"), e.getMessage());
    master.clientKill(new ClientKillParams().type(ClientType.REPLICA));
    waitFor("the failed load to end", () -> "0".equals(info(replica, "loading")));
    assertEquals("old", replica.get("mine")); // the old dataset stays
    assertEquals(1, replica.dbSize());
    master.configSet("rdb-key-save-delay", "0");
    waitForLink(replica);
    assertEquals(300, replica.dbSize());
    assertEquals(digest(master), digest(replica));
  }

  @Test
  void swapdbOfTheSameHistoryServesTheOldDataWhileLoading() throws Exception {
    Jedis master = start("--repl-diskless-sync", "yes");
    write(master, "m", 300, 100);
    Jedis replica = start("--repl-diskless-load", "swapdb", "--replica-read-only", "no");
    replica.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(replica);
    replica.set("mine", "old");
    // a full sync of the same history: the link drops and the backlog no longer covers the replica's offset
    master.configSet("rdb-key-save-delay", "20000");
    master.configSet("repl-backlog-size", "16384");
    master.clientKill(new ClientKillParams().type(ClientType.REPLICA));
    write(master, "big", 20, 16384);
    waitFor("async loading", () -> "1".equals(info(replica, "async_loading")));
    assertEquals("0", info(replica, "loading"));
    assertEquals("old", replica.get("mine"));
    assertEquals(301, replica.dbSize());
    JedisDataException e = assertThrows(JedisDataException.class, () -> replica.replicaofNoOne());
    assertTrue(e.getMessage().startsWith("LOADING"), e.getMessage());
    master.configSet("rdb-key-save-delay", "0");
    waitFor("the new dataset", () -> "0".equals(info(replica, "async_loading")) && replica.get("mine") == null);
    waitForLink(replica);
    waitFor("offsets to match", () -> info(master, "master_repl_offset").equals(info(replica, "master_repl_offset")));
    assertEquals(digest(master), digest(replica));
  }
}
