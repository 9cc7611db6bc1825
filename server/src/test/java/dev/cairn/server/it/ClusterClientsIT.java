package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.text;
import static dev.cairn.server.it.ClusterNodes.await;
import static dev.cairn.server.it.ClusterNodes.awaitAgreed;
import static dev.cairn.server.it.ClusterNodes.awaitSynced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.server.it.ClusterNodes.Node;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cluster clients as users run them, against a Cairn cluster of three masters, the first with a replica: Lettuce's
 * RedisClusterClient, redis-py's RedisCluster and ioredis's Cluster. Each routes by slot, follows ASK and MOVED while
 * a slot moves, refreshes its topology after the move and after a manual failover, and reads from the replica. The
 * failovers alternate the master and its replica, so the tests run in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterClientsIT {
  Path dir;

  final int base = ClusterNodes.freeBase(4);
  private static final Path CLIENTS = Path.of("src/test/clients");

  ClusterNodes nodes;
  List<Node> all;

  @BeforeAll
  void form() throws Exception {
    dir = Files.createTempDirectory("cluster-clients");
    nodes = new ClusterNodes(dir);
    all = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      all.add(nodes.cairn(base + i));
    }
    for (int i = 1; i < 4; i++) {
      assertEquals("OK", text(cluster(all.get(0).jedis, "MEET", "127.0.0.1", Integer.toString(base + i + 1))));
    }
    await("4 nodes known everywhere", 90_000, () -> all.stream().allMatch(n -> "4".equals(ClusterModeIT.info(
        n.jedis, "cluster_known_nodes"))));
    assertEquals("OK", text(cluster(all.get(0).jedis, "ADDSLOTSRANGE", "0", "5460")));
    assertEquals("OK", text(cluster(all.get(1).jedis, "ADDSLOTSRANGE", "5461", "10922")));
    assertEquals("OK", text(cluster(all.get(2).jedis, "ADDSLOTSRANGE", "10923", "16383")));
    String id0 = all.get(0).id();
    await("node 4 knows node 1", 10_000, () -> all.get(3).nodes().contains(id0));
    assertEquals("OK", text(cluster(all.get(3).jedis, "REPLICATE", id0)));
    await("the replica known everywhere", 30_000, () -> all.stream().allMatch(n -> n.nodes().contains(
        "slave " + id0)));
    awaitAgreed(all, 30_000);
    // a write gives the replica a replication offset: CLUSTER SLOTS (what the clients read) lists a replica only once
    // its offset, as its pings tell the other nodes, is not 0, as Redis 7 does
    assertEquals("OK", all.get(0).jedis.set(ClusterInProcessIT.keyIn(0), "warm"));
    awaitSynced(all.get(3), all.get(0));
    awaitReplicaListed();
    assertEquals(1L, all.get(0).jedis.del(ClusterInProcessIT.keyIn(0)));
    awaitSynced(all.get(3), all.get(0));
  }

  /** Each client starts from a settled topology: the last test's failover left a replica that may still be syncing. */
  @BeforeEach
  void awaitReplicaListed() throws InterruptedException {
    await("the replica in every node's CLUSTER SLOTS", 60_000, () -> all.stream().allMatch(n ->
        n.jedis.clusterSlots().stream().anyMatch(range -> ((List<?>) range).size() >= 4)));
  }

  @AfterAll
  void stop() throws Exception {
    nodes.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** The node serving {@code slot} as node {@code via} sees it, or null. */
  Node owner(Node via, int slot) {
    String id = MixedClusterIT.ownerOf(via, slot);
    return all.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
  }

  /** Each node's role, its value of {@code key} (read with READONLY) and its clients, for a failure message. */
  String views(String key) {
    StringBuilder sb = new StringBuilder();
    for (Node n : all) {
      try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", n.port, 5000)) {
        j.readonly();
        sb.append(n).append(' ').append(n.myself()).append("\n  ").append(key).append('=').append(j.get(key))
            .append('\n').append(j.clientList()).append('\n');
      } catch (RuntimeException e) {
        sb.append(n).append(": ").append(e).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void lettuce() throws Exception {
    RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", base + 1));
    client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
        .enablePeriodicRefresh(Duration.ofSeconds(1)).enableAllAdaptiveRefreshTriggers().build()).build());
    try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
      RedisAdvancedClusterCommands<String, String> c = conn.sync();
      for (int i = 0; i < 300; i++) {
        assertEquals("OK", c.set("lt:" + i, "v" + i));
      }
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        keys.add("lt:" + i);
      }
      // MGET across slots: Lettuce splits it by slot and joins the replies in order
      List<String> values = c.mget(keys.toArray(new String[0])).stream().map(kv -> kv.getValue()).toList();
      for (int i = 0; i < 300; i++) {
        assertEquals("v" + i, values.get(i));
      }
      assertEquals(4, conn.getPartitions().size(), conn.getPartitions().toString());
      assertEquals(1, conn.getPartitions().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.REPLICA)).count());

      // a slot moved under the client: MOVED followed, the partitions refreshed to the new owner
      int slot = (int) (long) c.clusterKeyslot("lt:7");
      Node from = owner(all.get(0), slot);
      Node to = owner(all.get(0), from == owner(all.get(0), 8000) ? 16000 : 8000);
      ClusterBusIT.moveSlot(from.jedis, to.jedis, to.port, from.id(), to.id(), slot);
      for (Node n : all) {
        if (n != from && n != to && n.myself().contains("master")) {
          assertEquals("OK", text(cluster(n.jedis, "SETSLOT", Integer.toString(slot), "NODE", to.id())));
        }
      }
      assertEquals("v7", c.get("lt:7"));
      await("Lettuce's partitions show the moved slot", 20_000, () -> to.id().equals(
          conn.getPartitions().getPartitionBySlot(slot).getNodeId()));

      // manual failover of the master with the replica: the client finds the new master
      Node master = owner(all.get(0), 0);
      Node replica = all.stream().filter(n -> n.myself().contains("slave " + master.id())).findFirst()
          .orElseThrow();
      assertEquals("OK", c.set("lt:fo", "before"));
      int foSlot = (int) (long) c.clusterKeyslot("lt:fo");
      Node foOwner = owner(all.get(0), foSlot);
      assertEquals("OK", text(cluster(replica.jedis, "FAILOVER")));
      await("the replica promoted", 30_000, () -> replica.myself().contains("myself,master")
          && master.myself().contains("myself,slave " + replica.id()));
      await("Lettuce's partitions show the new master", 30_000, () -> replica.id().equals(
          conn.getPartitions().getPartitionBySlot(0).getNodeId()));
      for (int i = 0; i < 300; i++) {
        String k = "lt:" + i;
        assertEquals("OK", c.set(k, "w" + i));
        String got = c.get(k);
        if (!("w" + i).equals(got)) {
          throw new AssertionError("GET " + k + " after SET w" + i + ": " + got + "\n" + views(k));
        }
      }
      assertEquals("before", c.get("lt:fo"), "key of slot " + foSlot + " on " + foOwner);
      awaitSynced(master, replica);

      // reads from the replica (READONLY on its connection)
      conn.setReadFrom(ReadFrom.REPLICA);
      for (int i = 0; i < 300; i++) {
        String k = "lt:" + i;
        if (owner(all.get(0), (int) (long) c.clusterKeyslot(k)) == replica) {
          assertEquals("w" + i, c.get(k));
        }
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisPy() throws Exception {
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (ToolRun.run(List.of(candidate, "-c", "import redis.cluster"), 30).exit() == 0) {
        python = candidate;
        break;
      }
    }
    assumeTrue(python != null, "redis-py is not installed (apt-get install -y python3-redis)");
    ToolRun r = ToolRun.run(List.of(python, CLIENTS.resolve("redis-py/cluster_check.py").toString(),
        Integer.toString(base + 1), Integer.toString(base + 2)), 300);
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void ioredis() throws Exception {
    assumeTrue(ToolRun.run(List.of("node", "--version"), 30).exit() == 0, "node is not installed");
    Path work = Path.of("target/clients/ioredis");
    Files.createDirectories(work);
    for (String f : List.of("package.json", "package-lock.json", "cluster.mjs")) {
      Files.copy(CLIENTS.resolve("ioredis").resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(work.resolve("node_modules/ioredis"))) {
      ToolRun install = ToolRun.run(List.of("npm", "ci", "--no-audit", "--no-fund"), work, 300);
      assumeTrue(install.exit() == 0, "npm could not install ioredis (no npm registry?): " + install.output());
    }
    ToolRun r = ToolRun.run(List.of("node", "cluster.mjs", Integer.toString(base + 1),
        Integer.toString(base + 2)), work, 300);
    assertEquals(0, r.exit(), r.output());
  }
}
