package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.info;
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
 * {@code redis-cli --cluster} on Cairn nodes, every subcommand a user runs: create, check, info, call, reshard (1000
 * slots under a writer, the case that once stopped half-open), add-node, rebalance onto an empty master and off it,
 * del-node, add-node as a replica, and fix of an open slot and of uncovered slots. Skipped, saying so, without
 * redis-cli.
 */
class ClusterToolsIT {
  @TempDir
  Path dir;

  final int base = ClusterNodes.freeBase(4);

  @Test
  void redisCliClusterSubcommands() throws Exception {
    RealRedis.assumeInstalled("redis-cli");
    try (ClusterNodes nodes = new ClusterNodes(dir)) {
      Node n1 = nodes.cairn(base + 1);
      Node n2 = nodes.cairn(base + 2);
      Node n3 = nodes.cairn(base + 3);
      Node n4 = nodes.cairn(base + 4);
      List<Node> three = List.of(n1, n2, n3);
      String out = cli(120, "create", n1.addr(), n2.addr(), n3.addr(), "--cluster-replicas", "0", "--cluster-yes");
      assertTrue(out.contains("[OK] All 16384 slots covered."), out);
      awaitAgreed(three, 30_000);
      assertHealthy(n2);

      int before = 3000;
      Map<String, String> typed;
      try (JedisCluster jc = ClusterNodes.client(n1)) {
        typed = ClusterNodes.writeTyped(jc, 4);
        for (int i = 0; i < before; i++) {
          jc.set("w:" + i, "v" + i);
        }
      }
      long keys = before + typed.size();
      out = cli(60, "info", n1.addr());
      assertTrue(out.contains("[OK] " + keys + " keys in 3 masters."), out);
      for (Node n : three) {
        assertTrue(out.contains(n.addr() + " (" + n.id().substring(0, 8) + "...) -> " + n.jedis.dbSize()
            + " keys | 5461 slots | 0 slaves.") || out.contains(n.addr() + " (" + n.id().substring(0, 8)
            + "...) -> " + n.jedis.dbSize() + " keys | 5462 slots | 0 slaves."), out);
      }
      out = cli(60, "call", n1.addr(), "DBSIZE");
      for (Node n : three) {
        assertTrue(out.contains(n.addr() + ": " + n.jedis.dbSize()), out);
      }

      // 1000 slots under a writer, then everything readable and no slot left open
      int n2Slots = slotCount(n2);
      try (Writer writer = new Writer(n1, before)) {
        out = cli(900, "reshard", n1.addr(), "--cluster-from", n1.id(), "--cluster-to", n2.id(), "--cluster-slots",
            "1000", "--cluster-yes");
        assertTrue(out.contains("Moving slot 999 from " + n1.addr() + " to " + n2.addr()), ClusterNodes.tail(out));
        before = writer.finish(before + 1);
      }
      awaitAgreed(three, 30_000);
      assertHealthy(n3);
      assertEquals(n2Slots + 1000, slotCount(n2), n2.nodes());
      try (JedisCluster jc = ClusterNodes.client(n3)) {
        Writer.assertAll(jc, before);
        ClusterNodes.assertTyped(jc, typed);
      }

      // add-node: an empty master; rebalance onto it (weight 0.25 of the others'), then off it, then del-node
      cli(120, "add-node", n4.addr(), n1.addr());
      List<Node> four = List.of(n1, n2, n3, n4);
      await("n4 known everywhere", 60_000, () -> four.stream().allMatch(n -> "4".equals(info(n.jedis,
          "cluster_known_nodes"))));
      // until n4 has learnt every slot's owner its cluster is down, and it answers MIGRATE's RESTORE-ASKING with
      // CLUSTERDOWN, as Redis does: wait for it as a user would check the cluster first
      awaitAgreed(four, 60_000);
      cli(900, "rebalance", n1.addr(), "--cluster-use-empty-masters", "--cluster-weight", n4.id() + "=0.25");
      awaitAgreed(four, 30_000);
      assertHealthy(n4);
      int onN4 = slotCount(n4);
      assertTrue(onN4 > 1000 && onN4 < 1500, onN4 + " slots on n4\n" + n4.nodes());
      for (Node n : three) {
        int s = slotCount(n);
        assertTrue(s > 4500 && s < 5500, s + " slots on " + n + "\n" + n.nodes());
      }
      assertTrue(n4.jedis.dbSize() > 0);
      cli(900, "rebalance", n1.addr(), "--cluster-weight", n4.id() + "=0");
      awaitAgreed(four, 30_000);
      assertEquals(0, slotCount(n4));
      assertEquals(0, n4.jedis.dbSize());
      String n4id = n4.id();
      // each node's forgotten-node extension may reach another node before redis-cli's FORGET does: Redis 7.2 then
      // answers that FORGET with OK (the node is on its ban list), and so must Cairn, or del-node stops half-way
      out = cli(120, "del-node", n1.addr(), n4id);
      assertTrue(out.contains("Sending CLUSTER RESET SOFT to the deleted node."), out);
      await("n4 forgotten", 30_000, () -> three.stream().allMatch(n -> "3".equals(info(n.jedis,
          "cluster_known_nodes")) && !n.nodes().contains(n4id)));
      assertEquals("1", info(n4.jedis, "cluster_known_nodes"));
      assertHealthy(n1);

      // add-node as a replica, seconds after del-node: the others' 60 s bans on n4 (and the forgotten-node extension
      // in their pings) must not undo its new MEET, or n4 comes and goes and --cluster info counts 0 replicas
      cli(120, "add-node", n4.addr(), n2.addr(), "--cluster-slave", "--cluster-master-id", n1.id());
      await("n4 a replica of n1 everywhere", 30_000, () -> four.stream().allMatch(n -> n.nodes().lines()
          .anyMatch(l -> l.startsWith(n4id) && l.contains("slave " + n1.id()))));
      awaitSynced(n4, n1);
      out = cli(60, "info", n1.addr());
      assertTrue(out.contains(n1.addr() + " (" + n1.id().substring(0, 8) + "...) -> " + n1.jedis.dbSize()
          + " keys | " + slotCount(n1) + " slots | 1 slaves."), out);

      // fix: a slot left half-migrated (some keys moved), and slots no node serves
      long slot = slotWithKeys(n2);
      String s = Long.toString(slot);
      List<?> inSlot = (List<?>) cluster(n2.jedis, "GETKEYSINSLOT", s, "100");
      assertEquals("OK", text(cluster(n3.jedis, "SETSLOT", s, "IMPORTING", n2.id())));
      assertEquals("OK", text(cluster(n2.jedis, "SETSLOT", s, "MIGRATING", n3.id())));
      List<String> migrate = new ArrayList<>(List.of("127.0.0.1", Integer.toString(n3.port), "", "0", "5000",
          "KEYS"));
      for (int i = 0; i < (inSlot.size() + 1) / 2; i++) {
        migrate.add(text(inSlot.get(i)));
      }
      assertEquals("OK", text(n2.jedis.sendCommand(Protocol.Command.MIGRATE, migrate.toArray(new String[0]))));
      out = ToolRun.run(List.of(RealRedis.binary("redis-cli"), "--cluster", "check", n1.addr()), 60).output();
      assertTrue(out.contains("The following slots are open: " + slot + "."), out);
      cli(300, "fix", n1.addr(), "--cluster-yes");
      awaitAgreed(four, 30_000);
      assertHealthy(n1);
      long empty = emptySlot(n3);
      for (Node n : four) {
        assertEquals("OK", text(cluster(n.jedis, "DELSLOTS", Long.toString(empty))));
      }
      out = ToolRun.run(List.of(RealRedis.binary("redis-cli"), "--cluster", "check", n1.addr()), 60).output();
      assertTrue(out.contains("[ERR] Not all 16384 slots are covered by nodes."), out);
      // redis-cli wants a typed yes before it covers slots, --cluster-yes or not ("explicit manual confirmation")
      out = ClusterNodes.cliAnswering("yes\n", 300, "fix", n1.addr(), "--cluster-yes");
      assertTrue(out.contains("Fixing slots coverage") && out.contains("Covering slot " + empty), out);
      awaitAgreed(four, 30_000);
      assertHealthy(n2);
      try (JedisCluster jc = ClusterNodes.client(n2)) {
        Writer.assertAll(jc, before);
        ClusterNodes.assertTyped(jc, typed);
      }
      out = cli(60, "info", n1.addr());
      assertTrue(out.contains("[OK] " + (before + typed.size()) + " keys in 3 masters."), out);
    }
  }

  /** How many slots {@code n} serves, from its own line of CLUSTER NODES. */
  static int slotCount(Node n) {
    int count = 0;
    String[] f = n.myself().split(" ");
    for (int i = 8; i < f.length; i++) {
      if (!f[i].startsWith("[")) {
        String[] r = f[i].split("-");
        count += r.length == 1 ? 1 : Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1;
      }
    }
    return count;
  }

  /** A slot of {@code n} holding at least two keys. */
  static long slotWithKeys(Node n) {
    String[] f = n.myself().split(" ");
    for (int i = 8; i < f.length; i++) {
      String[] r = f[i].split("-");
      for (long s = Long.parseLong(r[0]); s <= Long.parseLong(r[r.length - 1]); s++) {
        if ((Long) cluster(n.jedis, "COUNTKEYSINSLOT", Long.toString(s)) >= 2) {
          return s;
        }
      }
    }
    throw new AssertionError("no slot with keys on " + n);
  }

  /** A slot of {@code n} holding no key. */
  static long emptySlot(Node n) {
    String[] f = n.myself().split(" ");
    for (int i = 8; i < f.length; i++) {
      String[] r = f[i].split("-");
      for (long s = Long.parseLong(r[0]); s <= Long.parseLong(r[r.length - 1]); s++) {
        if ((Long) cluster(n.jedis, "COUNTKEYSINSLOT", Long.toString(s)) == 0) {
          return s;
        }
      }
    }
    throw new AssertionError("no empty slot on " + n);
  }
}
