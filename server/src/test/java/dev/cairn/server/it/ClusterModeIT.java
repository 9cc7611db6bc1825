package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Cluster mode on one node, without the bus: slots, the slot check of dispatch with Redis's redirects and errors
 * (another node is known from a prepared nodes.conf), the per-slot key index, nodes.conf saved and read back.
 */
class ClusterModeIT {
  @TempDir
  Path dir;

  private static final String OTHER = "a".repeat(40);
  private static final int PORT = 21110;

  static Object cluster(Jedis j, String... args) {
    return j.sendCommand(Protocol.Command.CLUSTER, args);
  }

  static String text(Object reply) {
    return reply instanceof byte[] b ? SafeEncoder.encode(b) : String.valueOf(reply);
  }

  static String info(Jedis j, String field) {
    for (String line : text(cluster(j, "INFO")).split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return null;
  }

  static void waitOk(Jedis j) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"ok".equals(info(j, "cluster_state")) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals("ok", info(j, "cluster_state"));
  }

  static String error(Runnable r) {
    return assertThrows(JedisDataException.class, r::run).getMessage();
  }

  @Test
  void slotsRedirectsAndIndex() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      Jedis j = s.start("--port", String.valueOf(PORT), "--cluster-enabled", "yes");
      assertEquals("1", j.info("cluster").lines().filter(l -> l.startsWith("cluster_enabled:")).findFirst()
          .orElseThrow().substring(16));
      String myid = text(cluster(j, "MYID"));
      assertEquals(40, myid.length());
      assertEquals(40, text(cluster(j, "MYSHARDID")).length());
      assertEquals("fail", info(j, "cluster_state"));
      assertEquals("0", info(j, "cluster_slots_assigned"));
      assertEquals("CLUSTERDOWN Hash slot not served", error(() -> j.get("foo")));
      // keys are optional: a command without keys runs
      assertEquals("PONG", j.ping());

      assertEquals(12182L, cluster(j, "KEYSLOT", "foo"));
      assertEquals(5061L, cluster(j, "KEYSLOT", "bar"));
      assertEquals(cluster(j, "KEYSLOT", "user1000"), cluster(j, "KEYSLOT", "{user1000}.following"));
      assertEquals(cluster(j, "KEYSLOT", "{}x"), cluster(j, "KEYSLOT", "{}x")); // an empty tag hashes the whole key
      assertNotEquals(cluster(j, "KEYSLOT", "x"), cluster(j, "KEYSLOT", "{}x"));

      assertEquals("ERR Invalid or out of range slot", error(() -> cluster(j, "ADDSLOTS", "16384")));
      assertEquals("ERR Invalid or out of range slot", error(() -> cluster(j, "ADDSLOTS", "abc")));
      assertEquals("ERR start slot number 10 is greater than end slot number 5",
          error(() -> cluster(j, "ADDSLOTSRANGE", "10", "5")));
      assertEquals("ERR Slot 3 specified multiple times", error(() -> cluster(j, "ADDSLOTS", "3", "3")));
      assertEquals("OK", text(cluster(j, "ADDSLOTSRANGE", "0", "16383")));
      assertEquals("ERR Slot 7 is already busy", error(() -> cluster(j, "ADDSLOTS", "7")));
      waitOk(j);
      assertEquals("16384", info(j, "cluster_slots_assigned"));
      assertEquals("1", info(j, "cluster_size"));

      j.set("foo", "1");
      assertEquals("1", j.get("foo"));
      assertEquals("CROSSSLOT Keys in request don't hash to the same slot", error(() -> j.mset("foo", "1", "bar", "2")));
      assertEquals("OK", j.mset("{t}a", "1", "{t}b", "2"));
      assertEquals("ERR SELECT is not allowed in cluster mode", error(() -> j.select(1)));
      assertEquals("OK", j.select(0));
      assertEquals("ERR MOVE is not allowed in cluster mode", error(() -> j.move("foo", 1)));
      assertEquals("ERR SWAPDB is not allowed in cluster mode", error(() -> j.swapDB(0, 1)));

      // the slot index: counts and keys of a slot, and keys leaving it
      int slot = (int) (long) (Long) cluster(j, "KEYSLOT", "{t}");
      for (int i = 0; i < 50; i++) {
        j.set("{t}k" + i, "v");
      }
      assertEquals(52L, cluster(j, "COUNTKEYSINSLOT", String.valueOf(slot)));
      assertEquals(10, ((List<?>) cluster(j, "GETKEYSINSLOT", String.valueOf(slot), "10")).size());
      assertEquals(52, ((List<?>) cluster(j, "GETKEYSINSLOT", String.valueOf(slot), "1000")).size());
      j.del("{t}k0", "{t}k1");
      j.rename("{t}k2", "{t}renamed");
      j.expire("{t}k3".getBytes(StandardCharsets.UTF_8), 1L);
      assertEquals(50L, cluster(j, "COUNTKEYSINSLOT", String.valueOf(slot)));
      List<String> keys = new ArrayList<>();
      for (Object k : (List<?>) cluster(j, "GETKEYSINSLOT", String.valueOf(slot), "100")) {
        keys.add(text(k));
      }
      assertTrue(keys.contains("{t}renamed") && !keys.contains("{t}k2") && !keys.contains("{t}k0"), keys.toString());
      assertEquals("ERR Invalid slot", error(() -> cluster(j, "COUNTKEYSINSLOT", "16384")));
      assertEquals("ERR Invalid slot or number of keys", error(() -> cluster(j, "GETKEYSINSLOT", "1", "-1")));
      j.flushAll();
      assertEquals(0L, cluster(j, "COUNTKEYSINSLOT", String.valueOf(slot)));

      assertEquals("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.", error(() -> {
        j.set("x", "1");
        cluster(j, "FLUSHSLOTS");
      }));
      j.flushAll();
      assertEquals("OK", text(cluster(j, "DELSLOTSRANGE", "0", "100")));
      assertEquals("ERR Slot 5 is already unassigned", error(() -> cluster(j, "DELSLOTS", "5")));
      assertEquals("CLUSTERDOWN Hash slot not served", error(() -> j.get("fHh"))); // slot 0
      assertEquals("OK", text(cluster(j, "FLUSHSLOTS")));
      assertEquals("0", info(j, "cluster_slots_assigned"));

      assertEquals("OK", text(j.sendCommand(Protocol.Command.READONLY)));
      assertEquals("ERR You should send CLUSTER FAILOVER to a replica", error(() -> cluster(j, "FAILOVER")));
      assertEquals("ERR I tried hard but I can't forget myself...", error(() -> cluster(j, "FORGET", myid)));
      assertEquals("ERR Unknown node " + OTHER, error(() -> cluster(j, "FORGET", OTHER)));
      assertTrue(text(cluster(j, "BUMPEPOCH")).matches("(BUMPED|STILL) \\d+"));
      assertEquals("ERR Node config epoch is already non-zero", error(() -> cluster(j, "SET-CONFIG-EPOCH", "5")));
      assertEquals("OK", text(cluster(j, "RESET", "HARD")));
      assertNotEquals(myid, text(cluster(j, "MYID")));
      assertEquals("OK", text(cluster(j, "SET-CONFIG-EPOCH", "5")));
      assertEquals("5", info(j, "cluster_current_epoch"));
      assertEquals("5", info(j, "cluster_my_epoch"));
    }
  }

  /** A node that knows another one from its nodes.conf: MOVED, ASK, TRYAGAIN, ASKING, and the file read back. */
  @Test
  void redirectsAndNodesConf() throws Exception {
    Path d = dir.resolve("s0");
    Files.createDirectories(d);
    String me = "b".repeat(40);
    Files.writeString(d.resolve("nodes.conf"),
        me + " 127.0.0.1:" + PORT + "@" + (PORT + 10000) + ",,shard-id=" + "c".repeat(40)
            + " myself,master - 0 0 1 connected 0-8191\n"
            + OTHER + " 127.0.0.1:21111@31111,,shard-id=" + "d".repeat(40)
            + " master - 0 0 2 connected 8192-16383\n"
            + "vars currentEpoch 2 lastVoteEpoch 0\n");
    try (InProcessServers s = new InProcessServers(dir)) {
      Jedis j = s.start("--port", String.valueOf(PORT), "--cluster-enabled", "yes");
      assertEquals(me, text(cluster(j, "MYID")));
      assertEquals("2", info(j, "cluster_known_nodes"));
      assertEquals("2", info(j, "cluster_current_epoch"));
      String nodes = text(cluster(j, "NODES"));
      assertTrue(nodes.contains(me + " 127.0.0.1:" + PORT + "@" + (PORT + 10000) + " myself,master - 0 0 1 connected"
          + " 0-8191\n"), nodes);
      // the bus keeps trying to reach the other node (absent here): its link state flips while it connects
      assertTrue(nodes.lines().anyMatch(l -> l.matches(OTHER
          + " 127\\.0\\.0\\.1:21111@31111 master - \\d+ 0 2 (dis)?connected 8192-16383")), nodes);
      waitOk(j);
      // foo is in slot 12182: the other node's
      assertEquals("MOVED 12182 127.0.0.1:21111", error(() -> j.get("foo")));
      j.set("bar", "1"); // slot 5061 is ours
      j.set("{bar}x", "2");
      List<?> slots = (List<?>) cluster(j, "SLOTS");
      assertEquals(2, slots.size());
      assertEquals(List.of(0L, 8191L), ((List<?>) slots.get(0)).subList(0, 2));
      assertEquals(21111L, ((List<?>) ((List<?>) slots.get(1)).get(2)).get(1));

      // a key of slot 5061 about to expire, seen by nothing but its next command: no cron (its expiry cycle, and its
      // moving the command clock on)
      j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "PAUSE-CRON", "1");
      j.psetex("{bar}brief", 50, "v");
      // migrating slot 5061 to the other node: a missing key is asked for there, a present one served here
      assertEquals("OK", text(cluster(j, "SETSLOT", "5061", "MIGRATING", OTHER)));
      assertTrue(text(cluster(j, "NODES")).contains("[5061->-" + OTHER + "]"));
      assertEquals("1", j.get("bar"));
      Thread.sleep(100);
      // expired by this command's time, not the previous command's: missing, so asked for there (Redis's
      // unit/cluster/misc "Key lazy expires during key migration")
      assertEquals("ASK 5061 127.0.0.1:21111", error(() -> j.get("{bar}brief")));
      j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "PAUSE-CRON", "0");
      assertEquals("ASK 5061 127.0.0.1:21111", error(() -> j.set("{bar}y", "2"))); // a new key goes there too
      assertEquals("ASK 5061 127.0.0.1:21111", error(() -> j.get("{bar}missing")));
      assertEquals("TRYAGAIN Multiple keys request during rehashing of slot",
          error(() -> j.mget("bar", "{bar}missing")));
      assertEquals("ERR Can't assign hashslot 5061 to a different node while I still hold keys for this hash slot.",
          error(() -> cluster(j, "SETSLOT", "5061", "NODE", OTHER)));
      assertEquals("OK", text(cluster(j, "SETSLOT", "5061", "STABLE")));

      // importing slot 12182 from the other node: served only after ASKING, for one command
      assertEquals("OK", text(cluster(j, "SETSLOT", "12182", "IMPORTING", OTHER)));
      assertEquals("MOVED 12182 127.0.0.1:21111", error(() -> j.get("foo")));
      assertEquals("OK", text(j.sendCommand(Protocol.Command.ASKING)));
      assertEquals("OK", j.set("foo", "v"));
      assertEquals("MOVED 12182 127.0.0.1:21111", error(() -> j.get("foo")));
      j.sendCommand(Protocol.Command.ASKING);
      assertEquals("TRYAGAIN Multiple keys request during rehashing of slot", error(() -> j.mget("foo", "{foo}no")));
      assertEquals("OK", text(cluster(j, "SETSLOT", "12182", "NODE", me)));
      assertEquals("v", j.get("foo"));
      assertEquals("3", info(j, "cluster_current_epoch")); // the import bumped our epoch
      // MULTI: each queued command is checked, and EXEC checks them together
      j.sendCommand(Protocol.Command.MULTI);
      j.sendCommand(Protocol.Command.GET, "bar");
      assertEquals("MOVED 8192 127.0.0.1:21111", error(() -> j.sendCommand(Protocol.Command.GET, "fjl")));
      assertTrue(error(() -> j.sendCommand(Protocol.Command.EXEC)).startsWith("EXECABORT"));
    }
    // the state survives a restart: nodes.conf was saved (atomically) after each change
    String conf = Files.readString(d.resolve("nodes.conf"));
    assertTrue(conf.contains(me + " 127.0.0.1:" + PORT + "@" + (PORT + 10000) + ",,shard-id="), conf);
    assertTrue(conf.contains("vars currentEpoch 3 lastVoteEpoch 0"), conf);
    try (InProcessServers s = new InProcessServers(dir)) {
      Jedis j = s.start("--port", String.valueOf(PORT), "--cluster-enabled", "yes");
      assertEquals(me, text(cluster(j, "MYID")));
      assertEquals("3", info(j, "cluster_my_epoch"));
      String nodes = text(cluster(j, "NODES"));
      assertTrue(nodes.contains(" 0-8191 12182\n"), nodes);
    }
  }
}
