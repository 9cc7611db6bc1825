package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.error;
import static dev.cairn.server.it.ClusterModeIT.text;
import static dev.cairn.server.it.ClusterNodes.assertHealthy;
import static dev.cairn.server.it.ClusterNodes.await;
import static dev.cairn.server.it.ClusterNodes.awaitAgreed;
import static dev.cairn.server.it.ClusterNodes.awaitSynced;
import static dev.cairn.server.it.ClusterNodes.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.it.ClusterNodes.Node;
import dev.cairn.server.it.ClusterNodes.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;

/**
 * One cluster of Cairn nodes and Debian's redis-server 7.0 nodes (skipped, saying so, where redis-server is not
 * installed): created by {@code redis-cli --cluster create} with three masters of each kind, gossip agreeing on the
 * slots, MOVED and ASK from each kind to the other, slots resharded from Redis nodes to Cairn nodes and back under a
 * writer (MIGRATE both ways, so each kind restores the other's DUMP payloads of every type) with every key read back,
 * then a Redis replica of a Cairn master and a Cairn replica of a Redis master: manual failover across kinds, then
 * kill -9 of each new master and its replica of the other kind elected, the data all there.
 */
class MixedClusterIT {
  @TempDir
  Path dir;

  final int base = ClusterNodes.freeBase(8);

  @Test
  void cairnAndRedisNodesInOneCluster() throws Exception {
    ClusterNodes.assumeRedisTools();
    try (ClusterNodes nodes = new ClusterNodes(dir)) {
      Node c1 = nodes.cairn(base + 1);
      Node r1 = nodes.redis(base + 2);
      Node c2 = nodes.cairn(base + 3);
      Node r2 = nodes.redis(base + 4);
      Node c3 = nodes.cairn(base + 5);
      Node r3 = nodes.redis(base + 6);
      List<Node> masters = List.of(c1, r1, c2, r2, c3, r3);
      List<String> create = new ArrayList<>(List.of("create"));
      masters.forEach(n -> create.add(n.addr()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      String out = cli(120, create.toArray(new String[0]));
      assertTrue(out.contains("[OK] All 16384 slots covered."), out);
      awaitAgreed(masters, 30_000);
      for (Node n : masters) {
        assertEquals("6", ClusterModeIT.info(n.jedis, "cluster_known_nodes"), n.nodes());
      }
      assertHealthy(r2);

      // MOVED from each kind to the other: a key of a Redis node asked of a Cairn node, and the other way
      String onR1 = keyServedBy(r1, c1);
      assertEquals("MOVED " + slot(c1, onR1) + " " + r1.addr(), error(() -> c1.jedis.get(onR1)));
      String onC1 = keyServedBy(c1, r1);
      assertEquals("MOVED " + slot(r1, onC1) + " " + c1.addr(), error(() -> r1.jedis.get(onC1)));

      Map<String, String> typed;
      int before = 2000;
      try (JedisCluster jc = ClusterNodes.client(c1)) {
        typed = ClusterNodes.writeTyped(jc, 4);
        for (int i = 0; i < before; i++) {
          jc.set("w:" + i, "v" + i);
        }
      }

      // ASK both ways: a slot migrating from a Redis node to a Cairn node, and one from a Cairn node to a Redis node
      askBetween(r1, c1);
      askBetween(c2, r2);

      // reshard under a writer: Redis -> Cairn, then Cairn -> Redis (redis-cli drives MIGRATE on the source)
      try (Writer writer = new Writer(c1, before)) {
        cli(600, "reshard", c1.addr(), "--cluster-from", r1.id(), "--cluster-to", c1.id(), "--cluster-slots", "300",
            "--cluster-yes");
        cli(600, "reshard", r3.addr(), "--cluster-from", c2.id(), "--cluster-to", r3.id(), "--cluster-slots", "300",
            "--cluster-yes");
        int total = writer.finish(before + 1);
        awaitAgreed(masters, 30_000);
        assertHealthy(c3);
        try (JedisCluster jc = ClusterNodes.client(r2)) {
          Writer.assertAll(jc, total);
          ClusterNodes.assertTyped(jc, typed);
        }
        before = total;
      }

      // a Redis replica of a Cairn master and a Cairn replica of a Redis master
      Node r4 = nodes.redis(base + 7);
      Node c4 = nodes.cairn(base + 8);
      cli(120, "add-node", r4.addr(), c1.addr(), "--cluster-slave", "--cluster-master-id", c1.id());
      cli(120, "add-node", c4.addr(), r1.addr(), "--cluster-slave", "--cluster-master-id", r1.id());
      List<Node> all = List.of(c1, r1, c2, r2, c3, r3, r4, c4);
      await("the replicas known everywhere", 30_000, () -> all.stream().allMatch(n -> {
        String v = n.nodes();
        return v.lines().anyMatch(l -> l.startsWith(r4.id()) && l.contains("slave " + c1.id()))
            && v.lines().anyMatch(l -> l.startsWith(c4.id()) && l.contains("slave " + r1.id()));
      }));
      awaitSynced(r4, c1);
      awaitSynced(c4, r1);
      assertTrue(r4.jedis.info("replication").contains("master_port:" + c1.port));
      assertTrue(c4.jedis.info("replication").contains("master_port:" + r1.port));

      // manual failover across kinds: each replica takes its master's slots, the old master follows it
      assertEquals("OK", text(cluster(r4.jedis, "FAILOVER")));
      assertEquals("OK", text(cluster(c4.jedis, "FAILOVER")));
      await("r4 and c4 masters, c1 and r1 their replicas", 30_000, () -> r4.myself().contains("myself,master")
          && c4.myself().contains("myself,master") && c1.myself().contains("myself,slave " + r4.id())
          && r1.myself().contains("myself,slave " + c4.id()));
      awaitAgreed(all, 30_000);
      try (JedisCluster jc = ClusterNodes.client(c2)) {
        Writer.assertAll(jc, before);
        ClusterNodes.assertTyped(jc, typed);
        jc.set("after-manual", "1");
      }
      awaitSynced(c1, r4);
      awaitSynced(r1, c4);

      // kill -9 of the Redis master: its Cairn replica is elected; of the Cairn master: its Redis replica is
      r4.kill();
      await("c1 elected in place of the Redis master", 60_000, () -> c1.myself().contains("myself,master"));
      c4.kill();
      await("r1 elected in place of the Cairn master", 60_000, () -> r1.myself().contains("myself,master"));
      List<Node> alive = List.of(c1, r1, c2, r2, c3, r3);
      awaitAgreed(alive, 60_000);
      for (Node n : alive) {
        assertEquals(2, n.nodes().lines().filter(l -> List.of(l.split(" ")[2].split(",")).contains("fail")).count(),
            n + " sees the two dead nodes failed:\n" + n.nodes());
      }
      try (JedisCluster jc = ClusterNodes.client(r3)) {
        Writer.assertAll(jc, before);
        ClusterNodes.assertTyped(jc, typed);
        assertEquals("1", jc.get("after-manual"));
        jc.set("after-kill", "1");
        assertEquals("1", jc.get("after-kill"));
      }
    }
  }

  /** A key whose slot {@code owner} serves, as {@code asked} computes the slot. */
  static String keyServedBy(Node owner, Node asked) {
    String ownerId = owner.id();
    for (int i = 0; ; i++) {
      String key = "probe:" + i;
      long slot = slot(asked, key);
      if (ownerOf(asked, slot).equals(ownerId)) {
        return key;
      }
    }
  }

  static long slot(Node n, String key) {
    return (Long) cluster(n.jedis, "KEYSLOT", key);
  }

  /** The id of the master serving {@code slot} in {@code n}'s CLUSTER NODES. */
  static String ownerOf(Node n, long slot) {
    for (String line : n.nodes().split("\n")) {
      String[] f = line.trim().split(" ");
      if (!f[2].contains("master")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue;
        }
        String[] r = f[i].split("-");
        long lo = Long.parseLong(r[0]);
        long hi = r.length > 1 ? Long.parseLong(r[1]) : lo;
        if (slot >= lo && slot <= hi) {
          return f[0];
        }
      }
    }
    return "";
  }

  /**
   * Migrates one slot of {@code from} holding a key to {@code to} by hand: a key still on the source is served there,
   * a missing one gets ASK to the target, which serves it after ASKING only; MIGRATE moves the key; then the slot is
   * the target's everywhere.
   */
  static void askBetween(Node from, Node to) throws Exception {
    String key = keyServedBy(from, from);
    long slot = slot(from, key);
    String tag = "{" + key + "}";
    from.jedis.set(key, "here");
    String missing = tag + "missing";
    assertEquals("OK", text(cluster(to.jedis, "SETSLOT", Long.toString(slot), "IMPORTING", from.id())));
    assertEquals("OK", text(cluster(from.jedis, "SETSLOT", Long.toString(slot), "MIGRATING", to.id())));
    assertEquals("here", from.jedis.get(key));
    assertEquals("ASK " + slot + " " + to.addr(), error(() -> from.jedis.get(missing)));
    assertEquals("MOVED " + slot + " " + from.addr(), error(() -> to.jedis.get(missing)));
    assertEquals("OK", text(to.jedis.sendCommand(Protocol.Command.ASKING)));
    assertEquals("OK", text(to.jedis.sendCommand(Protocol.Command.SET, missing, "there")));
    assertEquals("OK", text(from.jedis.sendCommand(Protocol.Command.MIGRATE, "127.0.0.1",
        Integer.toString(to.port), "", "0", "5000", "KEYS", key)));
    assertEquals("ASK " + slot + " " + to.addr(), error(() -> from.jedis.get(key)));
    for (Node n : List.of(to, from)) {
      assertEquals("OK", text(cluster(n.jedis, "SETSLOT", Long.toString(slot), "NODE", to.id())));
    }
    assertEquals("here", to.jedis.get(key));
    assertEquals("there", to.jedis.get(missing));
    assertEquals("MOVED " + slot + " " + to.addr(), error(() -> from.jedis.get(key)));
  }
}
