package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.info;
import static dev.cairn.server.it.ClusterModeIT.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Cairn nodes (processes, so a master can be killed with -9) forming a cluster over the bus: MEET and gossip, slots agreed everywhere, JedisCluster
 * reading and writing, a slot resharded under writes with no key lost, a master killed and its replica elected,
 * the old master rejoining as a replica, and a manual failover giving it its slots back.
 */
class ClusterBusIT {
  @TempDir
  Path dir;

  static final int BASE = 21130;

  /** A reply as text, nested arrays and bulk strings included (byte arrays print as their contents). */
  static String deep(Object reply) {
    if (reply instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : l) {
        sb.append(deep(o)).append(',');
      }
      return sb.append(']').toString();
    }
    return text(reply);
  }

  static void await(String what, long millis, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private final List<CairnProcess> procs = new ArrayList<>();

  /** Starts node {@code i} in its own directory (the same one on a restart) and connects to it. */
  Jedis node(int i) throws Exception {
    Path d = dir.resolve("n" + i);
    java.nio.file.Files.createDirectories(d);
    CairnProcess p = CairnProcess.start("--port", String.valueOf(BASE + i), "--dir", d.toString(), "--save", "",
        "--cluster-enabled", "yes", "--cluster-node-timeout", "3000");
    procs.add(p);
    assertTrue(p.awaitReady(), p.log());
    return new Jedis("127.0.0.1", BASE + i, 10_000);
  }

  @org.junit.jupiter.api.AfterEach
  void stopAll() throws Exception {
    for (CairnProcess p : procs) {
      p.close();
    }
  }

  @Test
  void formReshardFailoverRejoin() throws Exception {
    {
      List<Jedis> n = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        n.add(node(i));
      }
      for (int i = 1; i < 4; i++) {
        assertEquals("OK", text(cluster(n.get(0), "MEET", "127.0.0.1", String.valueOf(BASE + i))));
      }
      try {
        await("4 nodes known everywhere", 30_000, () -> n.stream().allMatch(j -> "4".equals(info(j,
            "cluster_known_nodes"))));
      } catch (AssertionError e) {
        StringBuilder views = new StringBuilder();
        n.forEach(j -> views.append(text(cluster(j, "NODES"))).append('\n'));
        throw new AssertionError(e.getMessage() + "\n" + views);
      }
      assertEquals("OK", text(cluster(n.get(0), "ADDSLOTSRANGE", "0", "5460")));
      assertEquals("OK", text(cluster(n.get(1), "ADDSLOTSRANGE", "5461", "10922")));
      assertEquals("OK", text(cluster(n.get(2), "ADDSLOTSRANGE", "10923", "16383")));
      String id0 = text(cluster(n.get(0), "MYID"));
      String id1 = text(cluster(n.get(1), "MYID"));
      await("node 3 knows node 0", 5_000, () -> text(cluster(n.get(3), "NODES")).contains(id0));
      assertEquals("OK", text(cluster(n.get(3), "REPLICATE", id0)));
      await("the cluster ok everywhere", 15_000, () -> n.stream().allMatch(j -> "ok".equals(info(j,
          "cluster_state"))));
      await("node 3 a replica of node 0 everywhere", 10_000, () -> n.stream().allMatch(j ->
          text(cluster(j, "NODES")).lines().anyMatch(l -> l.contains("slave " + id0))));
      await("same slots everywhere", 10_000, () -> {
        String slots = deep(cluster(n.get(0), "SLOTS"));
        return n.stream().allMatch(j -> deep(cluster(j, "SLOTS")).equals(slots));
      });

      Set<HostAndPort> seeds = new HashSet<>();
      seeds.add(new HostAndPort("127.0.0.1", BASE));
      try (JedisCluster jc = new JedisCluster(seeds, 5000, 5000, 10, null)) {
        for (int i = 0; i < 500; i++) {
          jc.set("key:" + i, "v" + i);
        }
        for (int i = 0; i < 500; i++) {
          assertEquals("v" + i, jc.get("key:" + i));
        }
        // reshard the slots of node 0 holding keys to node 1 while a writer keeps writing
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger(500);
        List<Throwable> writerErrors = new ArrayList<>();
        Thread writer = new Thread(() -> {
          try (JedisCluster w = new JedisCluster(seeds, 5000, 5000, 10, null)) {
            while (!stop.get()) {
              int i = written.get();
              w.set("key:" + i, "v" + i);
              written.incrementAndGet();
            }
          } catch (Throwable t) {
            writerErrors.add(t);
          }
        });
        writer.start();
        int moved = 0;
        for (int slot = 0; slot <= 5460 && moved < 20; slot++) {
          if ((Long) cluster(n.get(0), "COUNTKEYSINSLOT", String.valueOf(slot)) == 0) {
            continue;
          }
          moveSlot(n.get(0), n.get(1), BASE + 1, id0, id1, slot);
          moved++;
        }
        stop.set(true);
        writer.join();
        assertTrue(writerErrors.isEmpty(), writerErrors.toString());
        assertEquals(20, moved);
        await("the moved slots agreed everywhere", 10_000, () -> {
          String slots = deep(cluster(n.get(0), "SLOTS"));
          return n.stream().allMatch(j -> deep(cluster(j, "SLOTS")).equals(slots));
        });
        int total = written.get();
        for (int i = 0; i < total; i++) {
          assertEquals("v" + i, jc.get("key:" + i), "key:" + i);
        }

        // node 0 dies: its replica (node 3) is elected and serves node 0's slots with node 0's data
        await("the replica has the data", 10_000, () -> n.get(3).dbSize() == n.get(0).dbSize());
        procs.get(0).kill();
        await("node 3 promoted", 40_000, () -> text(cluster(n.get(3), "NODES")).lines()
            .anyMatch(l -> l.contains("myself,master")));
        await("the cluster ok again", 30_000, () -> n.subList(1, 4).stream().allMatch(j -> "ok".equals(info(j,
            "cluster_state"))));
        try (JedisCluster after = new JedisCluster(new HashSet<>(List.of(new HostAndPort("127.0.0.1", BASE + 1))),
            5000, 5000, 10, null)) {
          for (int i = 0; i < total; i++) {
            assertEquals("v" + i, after.get("key:" + i), "key:" + i);
          }
        }
      }
      // node 0 comes back with its nodes.conf: told that node 3 now serves its slots, it becomes node 3's replica
      String id3 = text(cluster(n.get(3), "MYID"));
      Jedis back = node(0);
      assertEquals(id0, text(cluster(back, "MYID")));
      await("node 0 rejoins as a replica of node 3", 20_000, () -> text(cluster(back, "NODES")).lines()
          .anyMatch(l -> l.startsWith(id0) && l.contains("myself,slave " + id3)));
      await("node 0 has the data", 20_000, () -> back.dbSize() == n.get(3).dbSize()
          && "up".equals(back.info("replication").lines().filter(l -> l.startsWith("master_link_status:"))
              .map(l -> l.substring(19)).findFirst().orElse("")));
      // manual failover: node 0 takes its slots back without losing a write
      assertEquals("OK", text(cluster(back, "FAILOVER")));
      await("node 0 master again", 20_000, () -> text(cluster(back, "NODES")).lines()
          .anyMatch(l -> l.startsWith(id0) && l.contains("myself,master") && l.contains(" 0-")
              || l.startsWith(id0) && l.contains("myself,master") && l.matches(".* \\d+-5460.*")));
      await("node 3 follows node 0", 20_000, () -> text(cluster(n.get(3), "NODES")).lines()
          .anyMatch(l -> l.startsWith(id3) && l.contains("myself,slave " + id0)));
      await("the cluster ok", 15_000, () -> "ok".equals(info(back, "cluster_state")));
      try (JedisCluster jc = new JedisCluster(new HashSet<>(List.of(new HostAndPort("127.0.0.1", BASE + 1))),
          5000, 5000, 10, null)) {
        for (int i = 0; i < 500; i++) {
          assertEquals("v" + i, jc.get("key:" + i), "key:" + i);
        }
      }
    }
  }

  /** Moves one slot as redis-cli --cluster reshard does: IMPORTING, MIGRATING, MIGRATE in batches, NODE. */
  static void moveSlot(Jedis from, Jedis to, int toPort, String fromId, String toId, int slot) {
    assertEquals("OK", text(cluster(to, "SETSLOT", String.valueOf(slot), "IMPORTING", fromId)));
    assertEquals("OK", text(cluster(from, "SETSLOT", String.valueOf(slot), "MIGRATING", toId)));
    while (true) {
      List<?> keys = (List<?>) cluster(from, "GETKEYSINSLOT", String.valueOf(slot), "10");
      if (keys.isEmpty()) {
        break;
      }
      List<String> args = new ArrayList<>(List.of("127.0.0.1", String.valueOf(toPort), "", "0", "5000", "KEYS"));
      for (Object k : keys) {
        args.add(text(k));
      }
      from.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, args.toArray(new String[0]));
    }
    assertEquals("OK", text(cluster(to, "SETSLOT", String.valueOf(slot), "NODE", toId)));
    assertEquals("OK", text(cluster(from, "SETSLOT", String.valueOf(slot), "NODE", toId)));
  }
}
