package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.it.ServerTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A module command that blocks its client without keys (a background job's reply), on a cluster node: it stays
 * blocked while the cluster is ok, and gets CLUSTERDOWN once the cluster goes down, as Redis answers such clients
 * (what would wake them may need a write that never comes); the module's later reply goes nowhere.
 */
class ModuleClusterIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    // a fixed bus port below the ephemeral range (the client port is a free one)
    return new String[] {"--enable-module-command", "yes", "--cluster-enabled", "yes", "--cluster-port", "22390"};
  }

  @BeforeAll
  void loadModule() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "test-module-jars")).toAbsolutePath();
    Path jar = TestJars.build(dir, "testmod-cluster.jar", "tm.TestModule", TestModules.GOOD);
    try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
      j.sendCommand(() -> "MODULE".getBytes(), "LOAD".getBytes(), jar.toString().getBytes());
    }
  }

  private String clusterState(Jedis j) {
    return j.clusterInfo().lines().filter(l -> l.startsWith("cluster_state:")).findFirst().orElse("").trim();
  }

  private void awaitState(Jedis j, String state) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!clusterState(j).equals("cluster_state:" + state)) {
      assertTrue(System.currentTimeMillis() < deadline, "cluster_state never became " + state);
      Thread.sleep(50);
    }
  }

  @Test
  void keylessModuleWaitEndsWithClusterDown() throws Exception {
    jedis.clusterAddSlotsRange(0, 16383);
    awaitState(jedis, "ok");
    Jedis holder = newJedis();
    CompletableFuture<Object> held = CompletableFuture.supplyAsync(() -> {
      try {
        return holder.sendCommand(() -> "TEST.HOLD".getBytes());
      } catch (JedisDataException e) {
        return e.getMessage();
      }
    });
    awaitBlockedClients(1);
    Thread.sleep(500); // several cron ticks: an ok cluster leaves it blocked
    assertEquals(1, blocked());

    jedis.clusterDelSlots(0);
    awaitState(jedis, "fail");
    assertEquals("CLUSTERDOWN The cluster is down", held.get(10, TimeUnit.SECONDS));
    awaitBlockedClients(0);
    assertTrue(jedis.info("errorstats").contains("errorstat_CLUSTERDOWN:count="), jedis.info("errorstats"));
    assertEquals("PONG", holder.ping(), "the client goes on");

    // ok again: a keyless wait ends as the module ends it (here its timeout reply, through CLIENT UNBLOCK)
    jedis.clusterAddSlots(0);
    awaitState(jedis, "ok");
    assertEquals("RELEASED", timeoutReply(holder));
  }

  /** A wait that ends by CLIENT UNBLOCK's timeout path: the module's own reply, so the cluster did not end it. */
  private Object timeoutReply(Jedis holder) throws Exception {
    CompletableFuture<Object> held = CompletableFuture.supplyAsync(() -> holder.sendCommand(
        () -> "TEST.HOLD".getBytes()));
    awaitBlockedClients(1);
    long id = Long.parseLong(jedis.clientList().lines().filter(l -> l.contains("cmd=test.hold")).findFirst()
        .orElseThrow().replaceAll("^id=(\\d+) .*", "$1").trim());
    assertEquals(1L, (Long) jedis.sendCommand(() -> "CLIENT".getBytes(), "UNBLOCK".getBytes(),
        Long.toString(id).getBytes()));
    Object r = held.get(10, TimeUnit.SECONDS);
    return r instanceof byte[] b ? new String(b) : r;
  }

  private int blocked() {
    return Integer.parseInt(jedis.info("clients").replaceAll("(?s).*blocked_clients:(\\d+).*", "$1"));
  }
}
