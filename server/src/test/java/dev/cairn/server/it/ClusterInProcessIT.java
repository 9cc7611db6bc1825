package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterBusIT.await;
import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.error;
import static dev.cairn.server.it.ClusterModeIT.info;
import static dev.cairn.server.it.ClusterModeIT.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.cluster.KeySlot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Cluster nodes on separate engines in one JVM (they meet over the bus as processes do): the cluster's health
 * settings (cluster-require-full-coverage, cluster-allow-reads-when-down), scripts' slot checks, clients blocked on a
 * slot that moves away, the bus links (CLUSTER LINKS, DEBUG CLUSTERLINK, cluster-link-sendbuf-limit), announced
 * endpoints changed at run time, and replica migration to an orphaned master.
 */
class ClusterInProcessIT {
  @TempDir
  Path dir;

  static final int BASE = 21150;
  static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

  static String[] node(int port, String... extra) {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--cluster-enabled", "yes",
        "--cluster-node-timeout", "3000"));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  /** Starts {@code count} nodes and has node 0 meet the others; returns once every node knows every other. */
  static List<Jedis> form(InProcessServers s, int count, int base, String... extra) throws Exception {
    List<Jedis> n = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      n.add(s.start(node(base + i, extra)));
    }
    for (int i = 1; i < count; i++) {
      assertEquals("OK", text(cluster(n.get(0), "MEET", "127.0.0.1", String.valueOf(base + i))));
    }
    try {
      await(count + " nodes known everywhere", 60_000, () -> n.stream().allMatch(j ->
          String.valueOf(count).equals(info(j, "cluster_known_nodes"))));
    } catch (AssertionError e) {
      StringBuilder views = new StringBuilder();
      n.forEach(j -> views.append(text(cluster(j, "NODES"))).append('\n'));
      throw new AssertionError(e.getMessage() + "\n" + views, e);
    }
    return n;
  }

  static void awaitState(List<Jedis> n, String state) throws InterruptedException {
    await("cluster_state " + state + " everywhere", 20_000, () -> n.stream().allMatch(j ->
        state.equals(info(j, "cluster_state"))));
  }

  /** A key that hashes to {@code slot}. */
  static String keyIn(int slot) {
    for (int i = 0; ; i++) {
      String k = "k" + i;
      if (KeySlot.of(k.getBytes(StandardCharsets.UTF_8)) == slot) {
        return k;
      }
    }
  }

  /** Two nodes that met, four links between them: one each way, seen from each side. */
  @Test
  void nodesInOneJvmMeet() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = form(s, 3, BASE);
      for (Jedis j : n) {
        await("two links per peer", 10_000, () -> ((List<?>) cluster(j, "LINKS")).size() == 4);
      }
    }
  }

  /** One node serving all slots but one: the coverage rule, reads while down, and what scripts may do then. */
  @Test
  void coverageReadsWhenDownAndScripts() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      Jedis j = s.start(node(BASE + 10));
      assertEquals("OK", text(cluster(j, "ADDSLOTSRANGE", "0", "16382")));
      Thread.sleep(2500); // past the delay a fresh master waits before it may turn ok
      assertEquals("fail", info(j, "cluster_state"));
      assertEquals("CLUSTERDOWN The cluster is down", error(() -> j.get("foo")));
      assertEquals("ERR Script attempted to execute a command while the cluster is down",
          firstLine(error(() -> j.eval("return redis.call('get', 'foo')", 0))));

      assertEquals("OK", j.configSet("cluster-allow-reads-when-down", "yes"));
      assertNull(j.get("foo"));
      assertEquals("CLUSTERDOWN The cluster is down and only accepts read commands", error(() -> j.set("foo", "1")));
      assertEquals("ERR Script attempted to execute a write command while the cluster is down and readonly",
          firstLine(error(() -> j.eval("return redis.call('set', 'foo', '1')", 0))));
      assertEquals("OK", j.configSet("cluster-allow-reads-when-down", "no"));

      assertEquals("OK", j.configSet("cluster-require-full-coverage", "no"));
      ClusterModeIT.waitOk(j);
      assertEquals("OK", j.set("foo", "1"));
      String unserved = keyIn(16383);
      assertEquals("CLUSTERDOWN Hash slot not served", error(() -> j.get(unserved)));
      assertEquals("ERR Script attempted to access a non local key in a cluster node",
          firstLine(error(() -> j.eval("return redis.call('get', '" + unserved + "')", 0))));

      // scripts keep to one slot unless they may cross (no shebang, or allow-cross-slot-keys)
      assertEquals("ERR Script attempted to access keys that do not hash to the same slot",
          firstLine(error(() -> j.eval("#!lua\nredis.call('set', 'foo', 'bar')\nredis.call('set', 'bar', 'foo')\n"
              + "return 'OK'", 0))));
      assertEquals("OK", j.eval("redis.call('set', 'foo', 'bar'); redis.call('set', 'bar', 'foo'); return 'OK'", 0));
      assertEquals("OK", j.eval("#!lua flags=allow-cross-slot-keys\nredis.call('set', 'foo', 'bar')\n"
          + "redis.call('set', 'bar', 'foo')\nreturn 'OK'", 0));
      assertEquals("ERR Script attempted to access keys that do not hash to the same slot",
          firstLine(error(() -> j.eval("#!lua\nredis.call('set', 'foo', 'bar')\nreturn 'OK'", 1, "bar"))));
      assertEquals("OK", j.eval("#!lua\nredis.call('set', '{bar}x', 'bar')\nreturn 'OK'", 1, "bar"));
      // one command across slots is a key this node cannot serve as one
      assertEquals("ERR Script attempted to access a non local key in a cluster node",
          firstLine(error(() -> j.eval("return redis.call('mset', 'foo', '1', 'bar', '2')", 0))));
      assertEquals("ERR Can not run script on cluster, 'no-cluster' flag is set.",
          error(() -> j.eval("#!lua flags=no-cluster\nreturn 1", 0)));
      j.functionLoad("#!lua name=lib\nredis.register_function{function_name='f1', callback=function() return 1 end,"
          + " flags={'no-cluster'}}\nredis.register_function('cross', function() redis.call('set', 'foo', '1');"
          + " redis.call('set', 'bar', '1') end)");
      assertEquals("ERR Can not run script on cluster, 'no-cluster' flag is set.", error(() -> j.fcall("f1",
          List.of(), List.of())));
      assertEquals("ERR Script attempted to access keys that do not hash to the same slot",
          firstLine(error(() -> j.fcall("cross", List.of(), List.of()))));
    }
  }

  /** The error's first part (Redis adds the script and line after the message). */
  static String firstLine(String error) {
    int at = error.indexOf(" script:");
    return at < 0 ? error : error.substring(0, at);
  }

  /** Endpoints changed with CONFIG SET show at once, and invalid hostnames are refused with Redis's texts. */
  @Test
  void announcedEndpointsAtRunTime() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      Jedis j = s.start(node(BASE + 20));
      assertEquals("OK", j.configSet("cluster-announce-port", "12345"));
      assertEquals("OK", j.configSet("cluster-announce-bus-port", "23456"));
      assertTrue(text(cluster(j, "NODES")).contains(":12345@23456 myself,master"), text(cluster(j, "NODES")));
      assertEquals("OK", j.configSet("cluster-announce-port", "0"));
      assertEquals("OK", j.configSet("cluster-announce-bus-port", "0"));
      assertTrue(text(cluster(j, "NODES")).contains(":" + (BASE + 20) + "@" + (BASE + 10020) + " myself"));
      assertTrue(error(() -> j.configSet("cluster-announce-hostname", "x".repeat(256)))
          .contains("Hostnames must be less than 256 characters"));
      assertTrue(error(() -> j.configSet("cluster-announce-hostname", "?.com"))
          .contains("Hostnames may only contain alphanumeric characters, hyphens or dots"));
      assertTrue(error(() -> j.configSet("cluster-announce-human-nodename", "a{b"))
          .contains("Announced human node name contained invalid character"));
      assertEquals("OK", j.configSet("cluster-announce-hostname", "abcXYZ-09.example"));
      assertTrue(text(cluster(j, "NODES")).contains(",abcXYZ-09.example myself"), text(cluster(j, "NODES")));
    }
  }

  /** A client blocked on a key whose slot goes to another node is answered MOVED; an unassigned slot, CLUSTERDOWN. */
  @Test
  void blockedClientsFollowTheirSlot() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = form(s, 2, BASE + 30, "--cluster-require-full-coverage", "no", "--cluster-node-timeout",
          "15000");
      Jedis a = n.get(0);
      Jedis b = n.get(1);
      cluster(a, "ADDSLOTSRANGE", "0", "8191");
      cluster(b, "ADDSLOTSRANGE", "8192", "16383");
      awaitState(n, "ok");
      String idB = text(cluster(b, "MYID"));
      String key = keyIn(100);
      String other = keyIn(200);
      try (Socket c1 = blocked(BASE + 30, "BLPOP", key, "0"); Socket c2 = blocked(BASE + 30, "BZPOPMIN", other, "0")) {
        await("two blocked clients", 10_000, () -> a.info("clients").contains("blocked_clients:2"));
        // slot 100 goes to b (b first, as redis-cli does), slot 200 is dropped
        assertEquals("OK", text(cluster(b, "SETSLOT", "100", "NODE", idB)));
        assertEquals("OK", text(cluster(a, "SETSLOT", "100", "NODE", idB)));
        assertEquals("OK", text(cluster(a, "DELSLOTS", "200")));
        assertEquals("-MOVED 100 127.0.0.1:" + (BASE + 31), line(c1));
        assertEquals("-CLUSTERDOWN Hash slot not served", line(c2));
      }
      assertTrue(a.info("clients").contains("blocked_clients:0"));
      String errors = a.info("errorstats");
      assertTrue(errors.contains("errorstat_MOVED:count=1") && errors.contains("errorstat_CLUSTERDOWN:count=1"),
          errors);
      // a client blocked (after ASKING) on a slot being imported keeps waiting
      String importing = keyIn(9000);
      assertEquals("OK", text(cluster(a, "SETSLOT", "9000", "IMPORTING", idB)));
      try (Socket c3 = blocked(BASE + 30, "ASKING")) {
        BufferedReader in = new BufferedReader(new InputStreamReader(c3.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("+OK", in.readLine());
        send(c3, "BLPOP", importing, "0");
        await("blocked", 10_000, () -> a.info("clients").contains("blocked_clients:1"));
        Thread.sleep(500); // a few cron runs
        a.sendCommand(Protocol.Command.ASKING);
        a.lpush(importing, "x");
        assertEquals("*2", in.readLine());
      }
    }
  }

  /** A raw client that sent a blocking command (its reply is read with {@link #line}). */
  static Socket blocked(int port, String... command) throws Exception {
    Socket sock = new Socket("127.0.0.1", port);
    sock.setSoTimeout(20_000);
    send(sock, command);
    return sock;
  }

  static void send(Socket sock, String... command) throws Exception {
    StringBuilder sb = new StringBuilder("*").append(command.length).append("\r\n");
    for (String arg : command) {
      sb.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    OutputStream out = sock.getOutputStream();
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static String line(Socket sock) throws Exception {
    return new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }

  /** CLUSTER LINKS, DEBUG CLUSTERLINK KILL, and cluster-link-sendbuf-limit freeing the links over it. */
  @Test
  void linksKillAndSendBufferLimit() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = form(s, 2, BASE + 40, "--cluster-node-timeout", "15000");
      Jedis a = n.get(0);
      String idB = text(cluster(n.get(1), "MYID"));
      await("two links", 10_000, () -> ((List<?>) cluster(a, "LINKS")).size() == 2);
      Map<String, Object> to = link(a, idB, "to");
      assertEquals("rw", text(to.get("events")));
      long created = (Long) to.get("create-time");
      assertEquals("ERR Unknown node " + "f".repeat(40), error(() -> a.sendCommand(DEBUG,
          "CLUSTERLINK", "KILL", "TO", "f".repeat(40))));
      assertEquals("ERR Unknown direction up", error(() -> a.sendCommand(DEBUG, "CLUSTERLINK",
          "KILL", "up", idB)));
      Thread.sleep(5);
      assertEquals("OK", text(a.sendCommand(DEBUG, "CLUSTERLINK", "KILL", "TO", idB)));
      await("a new link to b", 10_000, () -> {
        Map<String, Object> l = link(a, idB, "to");
        return l != null && (Long) l.get("create-time") > created;
      });
      assertTrue(info(a, "total_cluster_links_buffer_limit_exceeded").equals("0"));
      // a 1-byte limit frees every link (an empty send queue holds its own header), which come back once lifted
      a.configSet("cluster-link-sendbuf-limit", "1");
      await("links freed over the limit", 10_000, () -> Long.parseLong(info(a,
          "total_cluster_links_buffer_limit_exceeded")) >= 1);
      a.configSet("cluster-link-sendbuf-limit", "0");
      await("links back", 10_000, () -> ((List<?>) cluster(a, "LINKS")).size() == 2);
      assertTrue(a.info("memory").contains("mem_cluster_links:"));
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> link(Jedis j, String node, String direction) {
    for (Object o : (List<?>) cluster(j, "LINKS")) {
      List<Object> kv = (List<Object>) o;
      java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
      for (int i = 0; i < kv.size(); i += 2) {
        m.put(text(kv.get(i)), kv.get(i + 1) instanceof byte[] ? text(kv.get(i + 1)) : kv.get(i + 1));
      }
      if (node.equals(m.get("node")) && direction.equals(m.get("direction"))) {
        return m;
      }
    }
    return null;
  }

  /**
   * Master 0 has two replicas, master 1 one; once master 1's replica fails, one of master 0's replicas (the one with
   * the smaller name) moves to master 1 — unless cluster-migration-barrier would leave master 0 short, or migration
   * is off.
   */
  @Test
  void replicaMigrationToAnOrphanedMaster() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = form(s, 5, BASE + 50, "--cluster-migration-barrier", "2", "--cluster-node-timeout", "5000");
      cluster(n.get(0), "ADDSLOTSRANGE", "0", "8191");
      cluster(n.get(1), "ADDSLOTSRANGE", "8192", "16383");
      String id0 = text(cluster(n.get(0), "MYID"));
      String id1 = text(cluster(n.get(1), "MYID"));
      await("masters known", 10_000, () -> n.stream().allMatch(j -> text(cluster(j, "NODES")).contains(id0)
          && text(cluster(j, "NODES")).contains(id1)));
      cluster(n.get(2), "REPLICATE", id0);
      cluster(n.get(3), "REPLICATE", id0);
      cluster(n.get(4), "REPLICATE", id1);
      awaitState(n, "ok");
      await("roles agreed", 15_000, () -> n.stream().allMatch(j -> replicasOf(j, id0) == 2
          && replicasOf(j, id1) == 1));
      // the orphan: master 1's replica goes away
      String id4 = text(cluster(n.get(4), "MYID"));
      s.servers.get(4).close();
      List<Jedis> alive = n.subList(0, 4);
      await("replica 4 failed", 40_000, () -> alive.stream().allMatch(j -> text(cluster(j, "NODES")).lines()
          .anyMatch(l -> l.startsWith(id4) && l.contains("fail") && !l.contains("fail?"))));
      // barrier 2: master 0 would keep only one replica, so nobody moves
      Thread.sleep(7000);
      assertEquals(2, replicasOf(n.get(0), id0));
      for (int i = 2; i <= 3; i++) {
        n.get(i).configSet("cluster-migration-barrier", "1");
        n.get(i).configSet("cluster-allow-replica-migration", "no");
      }
      Thread.sleep(7000);
      assertEquals(2, replicasOf(n.get(0), id0));
      for (int i = 2; i <= 3; i++) {
        n.get(i).configSet("cluster-allow-replica-migration", "yes");
      }
      String id2 = text(cluster(n.get(2), "MYID"));
      String id3 = text(cluster(n.get(3), "MYID"));
      String candidate = id2.compareTo(id3) < 0 ? id2 : id3;
      Jedis mover = candidate.equals(id2) ? n.get(2) : n.get(3);
      await("the replica with the smaller name moved to master 1", 30_000, () -> alive.stream().allMatch(j ->
          replicasOf(j, id1) == 1 && text(cluster(j, "NODES")).lines().anyMatch(l -> l.startsWith(candidate)
              && l.contains("slave " + id1))));
      assertEquals(1, replicasOf(n.get(0), id0));
      await("its replication follows", 20_000, () -> mover.info("replication").contains("master_port:"
          + (BASE + 51)) && mover.info("replication").contains("master_link_status:up"));
    }
  }

  /**
   * A node removed as redis-cli del-node does (FORGET on the others, RESET SOFT on it) and met again at once, as
   * add-node does: FORGET of a node another node's forgotten-node extension already removed answers OK, as in Redis
   * 7.2; the new MEET is not undone by the others' 60-second bans (their forgotten-node extensions), so the node stays
   * known everywhere instead of coming and going for a minute.
   */
  @Test
  void forgottenNodeMetAgainStays() throws Exception {
    try (InProcessServers s = new InProcessServers(dir)) {
      List<Jedis> n = form(s, 3, BASE + 60);
      String id2 = text(cluster(n.get(2), "MYID"));
      assertEquals("OK", text(cluster(n.get(0), "FORGET", id2)));
      // node 1 drops it on node 0's forgotten-node extension, before it gets FORGET itself
      await("node 1 forgot node 2 by gossip", 20_000, () -> !text(cluster(n.get(1), "NODES")).contains(id2));
      assertEquals("OK", text(cluster(n.get(1), "FORGET", id2)));
      assertEquals("ERR Unknown node " + "0".repeat(40), error(() -> cluster(n.get(1), "FORGET", "0".repeat(40))));
      assertEquals("OK", text(cluster(n.get(2), "RESET", "SOFT")));
      assertEquals("1", info(n.get(2), "cluster_known_nodes"));
      assertEquals("OK", text(cluster(n.get(2), "MEET", "127.0.0.1", String.valueOf(BASE + 60))));
      // by its name (cluster_known_nodes also counts a node still in its handshake)
      await("node 2 known everywhere again", 30_000, () -> n.stream().allMatch(j -> text(cluster(j, "NODES"))
          .lines().filter(l -> !l.contains("handshake")).count() == 3 && text(cluster(j, "NODES")).contains(id2)));
      // several ping rounds (node timeout 3 s: a ping to each node every 1.5 s) within the bans' minute
      long until = System.currentTimeMillis() + 8000;
      while (System.currentTimeMillis() < until) {
        for (Jedis j : n) {
          assertTrue(text(cluster(j, "NODES")).contains(id2), text(cluster(j, "NODES")));
        }
        Thread.sleep(100);
      }
    }
  }

  /** The replicas of {@code master} that {@code j} sees and that are not failed. */
  static int replicasOf(Jedis j, String master) {
    return (int) text(cluster(j, "NODES")).lines().map(l -> l.split(" ")).filter(f -> f.length > 3
        && f[3].equals(master) && List.of(f[2].split(",")).contains("slave") && !f[2].contains("fail")).count();
  }
}
