package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.digest;
import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Replication with Debian's redis-server (7.0), both ways, where it is installed (skipped with a message where it is
 * not): a Redis replica of a Cairn master and a Cairn replica of a Redis master hold the same data (DEBUG DIGEST)
 * under a mixed write load (all types, expiry, MULTI, scripts, databases), and continue with a partial resync after
 * the link drops.
 */
class ReplicationInteropIT {
  @TempDir
  Path dir;
  private CairnServer cairn;
  private Jedis cj;
  private RealRedis real;

  @AfterEach
  void close() throws Exception {
    if (cj != null) {
      cj.close();
    }
    if (cairn != null) {
      cairn.close();
    }
    if (real != null) {
      real.close();
    }
  }

  private void startCairn(String... extra) throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes",
        "--dir", dir.toString(), "--save", "", "--repl-diskless-sync-delay", "0"));
    args.addAll(java.util.List.of(extra));
    ConfigFile.load(config, args.toArray(new String[0]));
    cairn = CairnServer.start(config, params);
    cj = new Jedis("127.0.0.1", cairn.port(), 10_000);
  }

  private static void load(Jedis master, int rounds) {
    for (int i = 0; i < rounds; i++) {
      ReplicationIT.mixedWrites(master, i);
    }
  }

  private static void assertSame(Jedis master, Jedis replica) throws InterruptedException {
    waitFor("offsets to match", () -> info(master, "master_repl_offset").equals(info(replica,
        "master_repl_offset")));
    assertEquals(digest(master), digest(replica));
  }

  private void redisReplicaOfCairn(String disklessSync) throws Exception {
    RealRedis.assumeInstalled("redis-server");
    startCairn("--repl-diskless-sync", disklessSync);
    ReplicationIT.fill(cj);
    load(cj, 20);
    real = RealRedis.start();
    Jedis rj = real.jedis;
    rj.replicaof("127.0.0.1", cairn.port());
    waitForLink(rj);
    load(cj, 50);
    assertSame(cj, rj);
    // the link drops; the Redis replica continues from Cairn's backlog
    rj.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
        redis.clients.jedis.args.ClientType.MASTER));
    load(cj, 20);
    waitForLink(rj);
    assertSame(cj, rj);
    assertEquals("1", info(cj, "sync_partial_ok"));
  }

  @Test
  void redisReplicaOfCairnDiskless() throws Exception {
    redisReplicaOfCairn("yes");
  }

  @Test
  void redisReplicaOfCairnDiskBased() throws Exception {
    redisReplicaOfCairn("no");
  }

  private void cairnReplicaOfRedis(String disklessSync, String disklessLoad) throws Exception {
    RealRedis.assumeInstalled("redis-server");
    real = RealRedis.start("--repl-diskless-sync", disklessSync, "--repl-diskless-sync-delay", "0");
    Jedis rj = real.jedis;
    ReplicationIT.fill(rj);
    load(rj, 20);
    startCairn("--repl-diskless-load", disklessLoad);
    cj.replicaof("127.0.0.1", real.port);
    waitForLink(cj);
    load(rj, 50);
    assertSame(rj, cj);
    cj.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
        redis.clients.jedis.args.ClientType.MASTER));
    load(rj, 20);
    waitForLink(cj);
    assertSame(rj, cj);
    assertEquals("1", info(rj, "sync_partial_ok"));
  }

  @Test
  void cairnReplicaOfRedisDiskless() throws Exception {
    cairnReplicaOfRedis("yes", "disabled");
  }

  @Test
  void cairnReplicaOfRedisDiskBasedIntoMemory() throws Exception {
    cairnReplicaOfRedis("no", "on-empty-db");
  }
}
