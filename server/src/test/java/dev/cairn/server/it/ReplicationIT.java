package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Replication between Cairn servers in one JVM, each on a port of its own: full sync (diskless and disk-based, both
 * ways of loading), the stream after it (MULTI, scripts, expiry, databases), partial resync after a dropped link,
 * PSYNC2 after a promotion, WAIT, read-only replicas, expiry on replicas, min-replicas-to-write.
 */
class ReplicationIT {
  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

  private Jedis start(String... extra) throws Exception {
    return cairn.start(extra);
  }

  private int port(Jedis j) {
    return cairn.port(j);
  }

  static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
    long end = System.currentTimeMillis() + 20_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static String info(Jedis j, String field) {
    for (String line : j.info().split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return null;
  }

  static void waitForLink(Jedis replica) throws InterruptedException {
    waitFor("master_link_status:up", () -> "up".equals(info(replica, "master_link_status")));
  }

  /** Waits until the replica applied everything the master has (equal offsets), then compares digests. */
  static void assertInSync(Jedis master, Jedis replica) throws InterruptedException {
    waitFor("offsets to match", () -> info(master, "master_repl_offset").equals(info(replica, "master_repl_offset")));
    assertEquals(digest(master), digest(replica));
  }

  static String digest(Jedis j) {
    return new String((byte[]) debug(j, "DIGEST"), java.nio.charset.StandardCharsets.US_ASCII);
  }

  static Object debug(Jedis j, String... args) {
    return j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), args);
  }

  static void fill(Jedis j) {
    j.set("s", "hello");
    j.incr("n");
    j.rpush("l", "a", "b", "c");
    j.sadd("set", "x", "y", "7");
    j.zadd("z", Map.of("one", 1.0, "neg", -3.25));
    j.hset("h", Map.of("f1", "v1", "f2", "v2"));
    j.xadd("st", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("k", "v"));
    j.pexpire("s", 500_000);
    j.select(3);
    j.set("db3", "three");
    j.select(0);
  }

  static void mixedWrites(Jedis j, int round) {
    j.incr("n");
    j.lpush("l", "r" + round);
    j.hincrBy("h", "c", 1);
    j.zincrby("z", 1.5, "one");
    redis.clients.jedis.Transaction t = j.multi();
    t.set("tx" + round, "v");
    t.sadd("set", "m" + round);
    t.exec();
    j.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('rpush', 'l2', ARGV[1])", 1, "lua" + round, "x" + round);
    j.setex("ex" + round, 1000, "e");
    j.select(5);
    j.append("db5", "." + round);
    j.select(0);
  }

  private void fullSyncAndStream(String[] masterArgs, String[] replicaArgs) throws Exception {
    Jedis master = start(masterArgs);
    fill(master);
    Jedis replica = start(replicaArgs);
    assertEquals("OK", replica.replicaof("127.0.0.1", port(master)));
    waitForLink(replica);
    assertInSync(master, replica);
    for (int i = 0; i < 20; i++) {
      mixedWrites(master, i);
    }
    assertInSync(master, replica);
    assertEquals("hello", replica.get("s"));
    assertTrue(replica.ttl("s") > 400);
    assertEquals("1", info(master, "connected_slaves"));
    assertEquals("1", info(master, "sync_full"));
    assertTrue(info(master, "slave0").contains("state=online"));
  }

  @Test
  void disklessFullSyncThenStream() throws Exception {
    fullSyncAndStream(new String[] {"--repl-diskless-sync", "yes"}, new String[0]);
  }

  @Test
  void diskBasedFullSyncThenStream() throws Exception {
    fullSyncAndStream(new String[] {"--repl-diskless-sync", "no"}, new String[0]);
  }

  @Test
  void disklessLoadOnTheReplica() throws Exception {
    fullSyncAndStream(new String[] {"--repl-diskless-sync", "yes"},
        new String[] {"--repl-diskless-load", "swapdb"});
  }

  /** A replica's INFO gives its own settings, as Redis's: Sentinel reads replica_announced to hide a replica. */
  @Test
  void replicaInfoReportsItsSettings() throws Exception {
    Jedis master = start();
    Jedis replica = start("--replica-announced", "no", "--replica-priority", "7", "--replica-read-only", "no");
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    assertEquals("0", info(replica, "replica_announced"));
    assertEquals("7", info(replica, "slave_priority"));
    assertEquals("0", info(replica, "slave_read_only"));
    replica.configSet("replica-announced", "yes");
    assertEquals("1", info(replica, "replica_announced"));
  }

  /**
   * rdb-del-sync-files with no persistence: the RDB a disk-based sync wrote on the master and the one the replica
   * received are removed once used; without the option both stay, as in Redis.
   */
  @Test
  void syncFilesAreRemovedWhereNothingPersists() throws Exception {
    for (boolean del : new boolean[] {false, true}) {
      String flag = del ? "yes" : "no";
      int first = cairn.started();
      Jedis master = start("--repl-diskless-sync", "no", "--appendonly", "no", "--rdb-del-sync-files", flag);
      fill(master);
      Jedis replica = start("--repl-diskless-load", "disabled", "--appendonly", "no", "--rdb-del-sync-files", flag);
      replica.replicaof("127.0.0.1", port(master));
      waitForLink(replica);
      assertInSync(master, replica);
      java.nio.file.Path masterRdb = cairn.dirOf(first).resolve("dump.rdb");
      java.nio.file.Path replicaRdb = cairn.dirOf(first + 1).resolve("dump.rdb");
      if (del) {
        waitFor("the sync files removed", () -> !java.nio.file.Files.exists(masterRdb)
            && !java.nio.file.Files.exists(replicaRdb));
      } else {
        Thread.sleep(300); // the master's removal, were it made, follows the last byte sent
        assertTrue(java.nio.file.Files.exists(masterRdb), "the master keeps " + masterRdb);
        assertTrue(java.nio.file.Files.exists(replicaRdb), "the replica keeps " + replicaRdb);
      }
    }
  }

  @Test
  void writesGoOnDuringTheFullSync() throws Exception {
    Jedis master = start("--repl-diskless-sync", "yes", "--rdb-key-save-delay", "200");
    for (int i = 0; i < 2000; i++) {
      master.set("k" + i, "v" + i);
    }
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitFor("the sync to start", () -> "1".equals(info(master, "rdb_bgsave_in_progress")) || info(master,
        "slave0") != null && info(master, "slave0").contains("online"));
    for (int i = 0; i < 500; i++) {
      master.set("k" + i, "changed" + i);
      master.del("k" + (1000 + i));
    }
    waitForLink(replica);
    assertInSync(master, replica);
    assertEquals("changed7", replica.get("k7"));
    assertNull(replica.get("k1007"));
  }

  /**
   * A disk-based sync's snapshot stops once no replica waits for it and no save point wants the file, as Redis kills
   * its RDB child then; with a save point it goes on.
   */
  @Test
  void diskSyncSnapshotStopsWhenNoReplicaWaitsForIt() throws Exception {
    Jedis master = start("--repl-diskless-sync", "no", "--save", "", "--rdb-key-save-delay", "1000000");
    for (int i = 0; i < 40; i++) {
      master.set("k" + i, "v" + i); // a second a key: the snapshot would run 40 s, longer than waitFor waits
    }
    Jedis replica1 = start();
    Jedis replica2 = start();
    BooleanSupplier bothWait = () -> "1".equals(info(master, "rdb_bgsave_in_progress"))
        && String.valueOf(info(master, "slave0")).contains("wait_bgsave")
        && String.valueOf(info(master, "slave1")).contains("wait_bgsave");
    replica1.replicaof("127.0.0.1", port(master));
    replica2.replicaof("127.0.0.1", port(master));
    waitFor("both replicas to wait for the snapshot", bothWait);
    replica1.replicaofNoOne();
    waitFor("one replica left", () -> info(master, "slave1") == null);
    assertEquals("1", info(master, "rdb_bgsave_in_progress"), "another replica still waits for the file");
    replica2.replicaofNoOne();
    waitFor("the snapshot to stop", () -> "0".equals(info(master, "rdb_bgsave_in_progress")));

    master.configSet("save", "900 1");
    replica1.replicaof("127.0.0.1", port(master));
    replica2.replicaof("127.0.0.1", port(master));
    waitFor("both replicas to wait for the snapshot again", bothWait);
    replica1.replicaofNoOne();
    replica2.replicaofNoOne();
    waitFor("no replica left", () -> info(master, "slave0") == null);
    Thread.sleep(200);
    assertEquals("1", info(master, "rdb_bgsave_in_progress"), "a save point wants the file");
  }

  @Test
  void partialResyncAfterTheLinkDrops() throws Exception {
    Jedis master = start();
    fill(master);
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    assertInSync(master, replica);
    replica.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
        redis.clients.jedis.args.ClientType.MASTER));
    for (int i = 0; i < 10; i++) {
      mixedWrites(master, i);
    }
    waitForLink(replica);
    assertInSync(master, replica);
    assertEquals("1", info(master, "sync_full"));
    assertEquals("1", info(master, "sync_partial_ok"));
  }

  @Test
  void psync2AfterPromotion() throws Exception {
    Jedis master = start();
    fill(master);
    Jedis r1 = start();
    Jedis r2 = start();
    r1.replicaof("127.0.0.1", port(master));
    r2.replicaof("127.0.0.1", port(master));
    waitForLink(r1);
    waitForLink(r2);
    mixedWrites(master, 1);
    assertInSync(master, r1);
    assertInSync(master, r2);
    String oldId = info(master, "master_replid");
    r1.replicaofNoOne();
    assertEquals("master", r1.role().get(0));
    assertEquals(oldId, info(r1, "master_replid2"));
    r2.replicaof("127.0.0.1", port(r1));
    mixedWrites(r1, 2);
    waitForLink(r2);
    assertInSync(r1, r2);
    assertEquals("1", info(r1, "sync_partial_ok"));
    assertEquals("0", info(r1, "sync_full"));
    // the old master follows the promoted one as well; its history diverged by nothing, so it continues partially
    master.replicaof("127.0.0.1", port(r1));
    waitForLink(master);
    assertInSync(r1, master);
  }

  @Test
  void chainedReplicas() throws Exception {
    Jedis master = start();
    Jedis r1 = start();
    Jedis r2 = start();
    r1.replicaof("127.0.0.1", port(master));
    waitForLink(r1);
    r2.replicaof("127.0.0.1", port(r1));
    waitForLink(r2);
    for (int i = 0; i < 10; i++) {
      mixedWrites(master, i);
    }
    assertInSync(master, r1);
    assertInSync(master, r2);
    assertEquals(info(master, "master_replid"), info(r2, "master_replid"));
  }

  @Test
  void waitCountsAcknowledgingReplicas() throws Exception {
    Jedis master = start();
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    master.set("a", "1");
    assertEquals(1, master.waitReplicas(1, 5000));
    long t0 = System.currentTimeMillis();
    master.set("b", "1");
    assertEquals(1, master.waitReplicas(2, 300));
    assertTrue(System.currentTimeMillis() - t0 >= 250);
    JedisDataException e = assertThrows(JedisDataException.class, () -> replica.waitReplicas(1, 10));
    assertTrue(e.getMessage().startsWith("ERR WAIT cannot be used with replica instances"));
  }

  @Test
  void replicasAreReadOnlyUnlessConfigured() throws Exception {
    Jedis master = start();
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    JedisDataException e = assertThrows(JedisDataException.class, () -> replica.set("x", "1"));
    assertEquals("READONLY You can't write against a read only replica.", e.getMessage());
    replica.configSet("replica-read-only", "no");
    assertEquals("OK", replica.set("x", "1"));
    assertEquals(List.of("slave", "127.0.0.1", (long) port(master), "connected"), replica.role().subList(0, 4));
  }

  @Test
  void replicasExpireNothingThemselves() throws Exception {
    Jedis master = start();
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    debug(master, "set-active-expire", "0");
    master.psetex("short", 100, "v");
    assertInSync(master, replica);
    Thread.sleep(300);
    assertNull(replica.get("short")); // hidden: logically expired
    assertEquals(1, replica.dbSize()); // but still there: the master decides
    assertNull(master.get("short")); // the master expires it and propagates a DEL
    waitFor("the DEL on the replica", () -> replica.dbSize() == 0);
  }

  @Test
  void minReplicasToWriteCountsRealReplicas() throws Exception {
    Jedis master = start("--min-replicas-to-write", "1", "--min-replicas-max-lag", "10");
    JedisDataException e = assertThrows(JedisDataException.class, () -> master.set("a", "1"));
    assertEquals("NOREPLICAS Not enough good replicas to write.", e.getMessage());
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    waitFor("a good replica", () -> "1".equals(info(master, "min_slaves_good_slaves")));
    assertEquals("OK", master.set("a", "1"));
  }

  @Test
  void failoverSwapsRolesWithoutAFullSync() throws Exception {
    Jedis master = start();
    JedisDataException e = assertThrows(JedisDataException.class, () -> failover(master));
    assertEquals("ERR FAILOVER requires connected replicas.", e.getMessage());
    Jedis replica = start();
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    for (int i = 0; i < 5; i++) {
      mixedWrites(master, i);
    }
    assertEquals("OK", failover(master, "TO", "127.0.0.1", Integer.toString(port(replica)), "TIMEOUT", "10000"));
    waitFor("the old master to follow the new one", () -> "slave".equals(master.role().get(0))
        && "up".equals(info(master, "master_link_status")));
    assertEquals("master", replica.role().get(0));
    assertEquals("no-failover", info(master, "master_failover_state"));
    mixedWrites(replica, 99);
    assertInSync(replica, master);
    assertEquals("1", info(replica, "sync_partial_ok"));
    assertEquals("0", info(replica, "sync_full"));
    e = assertThrows(JedisDataException.class, () -> failover(master, "ABORT"));
    assertEquals("ERR No failover in progress.", e.getMessage());
  }

  private static Object failover(Jedis j, String... args) {
    Object r = j.sendCommand(() -> "FAILOVER".getBytes(java.nio.charset.StandardCharsets.US_ASCII), args);
    return r instanceof byte[] b ? new String(b) : r;
  }

  @Test
  void waitaofCountsReplicasWithAnAof() throws Exception {
    Jedis master = start();
    Jedis replica = start("--appendonly", "yes", "--appendfsync", "always");
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    master.set("a", "1");
    Object r = master.sendCommand(() -> "WAITAOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "0", "1", "5000");
    assertEquals(List.of(0L, 1L), r); // the master has no AOF; the replica fsynced the write
    JedisDataException e = assertThrows(JedisDataException.class, () -> replica.sendCommand(
        () -> "WAITAOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "0", "1", "10"));
    assertTrue(e.getMessage().startsWith("ERR WAITAOF cannot be used with replica instances."));
  }

  @Test
  void replicaRestartContinuesPartiallyFromItsRdb() throws Exception {
    Jedis master = start();
    Jedis replica = start();
    Path replicaDir = cairn.dirOf(1);
    replica.replicaof("127.0.0.1", port(master));
    waitForLink(replica);
    mixedWrites(master, 1);
    assertInSync(master, replica);
    replica.save();
    CairnServer first = cairn.servers.remove(1);
    first.close();
    mixedWrites(master, 2);
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes", "--dir", replicaDir.toString(),
        "--save", "", "--replicaof", "127.0.0.1", Integer.toString(port(master))});
    CairnServer again = CairnServer.start(config, params);
    cairn.servers.add(again);
    Jedis restarted = new Jedis("127.0.0.1", again.port(), 10_000);
    cairn.clients.add(restarted);
    waitForLink(restarted);
    assertInSync(master, restarted);
    assertEquals("1", info(master, "sync_partial_ok"));
    assertEquals("1", info(master, "sync_full"));
  }
}
