package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

/**
 * Sentinel groups fail over real servers: a master and two replicas (Debian's redis-server, or Cairn's own replication),
 * three sentinels that are all Cairn, all Redis (the baseline the harness is checked against) or mixed. The master is
 * killed; a replica must be promoted, the other must follow it, the old master must rejoin as a replica when it comes
 * back, every sentinel must agree, and a client asking the sentinels (JedisSentinelPool) must write to the new master.
 */
class SentinelFailoverIT {
  private static final String MASTER = "mymaster";

  enum Kind { CAIRN, REDIS }

  @Test
  void cairnSentinelsFailOverRedisServers() throws Exception {
    killMasterAndFailOver(Kind.REDIS, Kind.CAIRN, Kind.CAIRN, Kind.CAIRN);
  }

  @Test
  void redisSentinelsFailOverRedisServers() throws Exception {
    killMasterAndFailOver(Kind.REDIS, Kind.REDIS, Kind.REDIS, Kind.REDIS);
  }

  @Test
  void mixedSentinelsFailOverRedisServers() throws Exception {
    killMasterAndFailOver(Kind.REDIS, Kind.CAIRN, Kind.REDIS, Kind.CAIRN);
  }

  @Test
  void oneCairnAmongRedisSentinelsFailsOver() throws Exception {
    killMasterAndFailOver(Kind.REDIS, Kind.REDIS, Kind.CAIRN, Kind.REDIS);
  }

  /** Cairn master and replicas (replication), under Cairn sentinels. */
  @Test
  void cairnSentinelsFailOverCairnServers() throws Exception {
    killMasterAndFailOver(Kind.CAIRN, Kind.CAIRN, Kind.CAIRN, Kind.CAIRN);
  }

  /** Cairn master and replicas under Debian's real Redis sentinels. */
  @Test
  void redisSentinelsFailOverCairnServers() throws Exception {
    killMasterAndFailOver(Kind.CAIRN, Kind.REDIS, Kind.REDIS, Kind.REDIS);
  }

  /** Cairn master and replicas under a mixed group. */
  @Test
  void mixedSentinelsFailOverCairnServers() throws Exception {
    killMasterAndFailOver(Kind.CAIRN, Kind.CAIRN, Kind.REDIS, Kind.CAIRN);
  }

  /**
   * SENTINEL FAILOVER on a Cairn sentinel makes it the leader without a vote: the Redis sentinels must learn the new
   * master from its hellos (the configuration epoch) and not undo it.
   */
  @Test
  void forcedFailoverByCairnIsAdoptedByRedisSentinels() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      SentinelHarness.Node master = h.redis();
      SentinelHarness.Node r1 = h.redis("--replicaof", SentinelHarness.HOST, Integer.toString(master.port));
      SentinelHarness.Node r2 = h.redis("--replicaof", SentinelHarness.HOST, Integer.toString(master.port));
      int cairn = h.cairnSentinel(MASTER, master.port, 2);
      int[] sentinels = {cairn, h.redisSentinel(MASTER, master.port, 2), h.redisSentinel(MASTER, master.port, 2)};
      awaitDiscovery(h, sentinels, 2);
      try (Jedis s = new Jedis(SentinelHarness.HOST, cairn)) {
        assertEquals("OK", s.sentinelFailover(MASTER));
      }
      int promoted = awaitAgreement(h, sentinels, master.port);
      assertTrue(promoted == r1.port || promoted == r2.port, "promoted " + promoted);
      int other = promoted == r1.port ? r2.port : r1.port;
      SentinelHarness.await(() -> SentinelHarness.role(other).equals("slave:" + promoted + ":connected"), 30_000,
          "the other replica to follow " + promoted);
      SentinelHarness.await(() -> SentinelHarness.role(master.port).equals("slave:" + promoted + ":connected"),
          30_000, "the old master to be reconfigured as a replica");
      // and nobody undoes it: after a further 10 s every sentinel still names the promoted replica
      Thread.sleep(10_000);
      for (int s : sentinels) {
        assertEquals(promoted, SentinelHarness.masterPort(s, MASTER), "sentinel " + s + "\n" + h.logs());
      }
      assertEquals("master", SentinelHarness.role(promoted));
    }
  }

  private static void killMasterAndFailOver(Kind servers, Kind... kinds) throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      SentinelHarness.Node master = servers == Kind.CAIRN ? h.cairn() : h.redis();
      String[] replicaOf = {"--replicaof", SentinelHarness.HOST, Integer.toString(master.port)};
      SentinelHarness.Node r1 = servers == Kind.CAIRN ? h.cairn(replicaOf) : h.redis(replicaOf);
      SentinelHarness.Node r2 = servers == Kind.CAIRN ? h.cairn(replicaOf) : h.redis(replicaOf);
      int[] sentinels = new int[kinds.length];
      for (int i = 0; i < kinds.length; i++) {
        sentinels[i] = kinds[i] == Kind.CAIRN ? h.cairnSentinel(MASTER, master.port, 2)
            : h.redisSentinel(MASTER, master.port, 2);
      }
      awaitDiscovery(h, sentinels, 2);
      Set<String> addrs = new HashSet<>();
      for (int s : sentinels) {
        addrs.add(SentinelHarness.HOST + ":" + s);
      }
      try (JedisSentinelPool pool = new JedisSentinelPool(MASTER, addrs)) {
        try (Jedis j = pool.getResource()) {
          assertEquals(master.port, pool.getCurrentHostMaster().getPort());
          assertEquals(Integer.toString(master.port), j.configGet("port").get("port"));
          j.set("before", "1");
        }
        SentinelHarness.await(() -> {
          try (Jedis j = r1.jedis(); Jedis k = r2.jedis()) {
            return "1".equals(j.get("before")) && "1".equals(k.get("before"));
          }
        }, 10_000, "the write to reach the replicas");

        master.kill();
        int promoted = awaitAgreement(h, sentinels, master.port);
        assertTrue(promoted == r1.port || promoted == r2.port, "promoted " + promoted);
        assertEquals("master", SentinelHarness.role(promoted));
        int other = promoted == r1.port ? r2.port : r1.port;
        SentinelHarness.await(() -> SentinelHarness.role(other).equals("slave:" + promoted + ":connected"), 30_000,
            "the other replica to follow " + promoted);

        // the pool follows +switch-master and writes to the new master
        SentinelHarness.await(() -> {
          try (Jedis j = pool.getResource()) {
            return Integer.toString(promoted).equals(j.configGet("port").get("port")) && "OK".equals(j.set("after", "2"));
          }
        }, 20_000, "the pool to write to the new master");
        try (Jedis j = new Jedis(SentinelHarness.HOST, promoted)) {
          assertEquals("1", j.get("before"));
          assertEquals("2", j.get("after"));
        }

        // the old master comes back (as a master, as a restarted box would) and is made a replica of the new one
        master.restart();
        SentinelHarness.await(() -> SentinelHarness.role(master.port).equals("slave:" + promoted + ":connected"),
            40_000, "the old master to rejoin as a replica of " + promoted);
        SentinelHarness.await(() -> {
          try (Jedis j = master.jedis()) {
            return "2".equals(j.get("after"));
          }
        }, 20_000, "the old master to sync from the new one");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + h.logs(), e);
      }
    }
  }

  /** Every sentinel knows the two replicas and the other sentinels. */
  static void awaitDiscovery(SentinelHarness h, int[] sentinels, int replicas) throws InterruptedException {
    for (int s : sentinels) {
      SentinelHarness.await(() -> {
        try (Jedis j = new Jedis(SentinelHarness.HOST, s, 1000)) {
          var m = j.sentinelMaster(MASTER);
          return Integer.parseInt(m.get("num-slaves")) == replicas
              && Integer.parseInt(m.get("num-other-sentinels")) == sentinels.length - 1;
        }
      }, 30_000, "sentinel " + s + " to discover the replicas and the other sentinels");
    }
  }

  /** Waits until every sentinel names the same new master; returns its port. */
  static int awaitAgreement(SentinelHarness h, int[] sentinels, int oldPort) throws InterruptedException {
    int[] agreed = {-1};
    try {
      SentinelHarness.await(() -> {
        List<Integer> ports = new ArrayList<>();
        for (int s : sentinels) {
          ports.add(SentinelHarness.masterPort(s, MASTER));
        }
        int p = ports.get(0);
        if (p == oldPort || p == -1 || ports.stream().anyMatch(x -> x != p)) {
          return false;
        }
        agreed[0] = p;
        return true;
      }, 60_000, "the sentinels to agree on a new master");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + h.logs(), e);
    }
    assertNotEquals(oldPort, agreed[0]);
    return agreed[0];
  }
}
