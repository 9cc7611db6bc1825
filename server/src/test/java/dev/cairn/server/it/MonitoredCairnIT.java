package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What a sentinel needs from a monitored Cairn server besides replication itself: the reconfiguration transaction it
 * sends (MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE normal, CLIENT KILL TYPE pubsub, EXEC), CLIENT KILL by the
 * other types, hellos through the server's pub/sub, and SCRIPT KILL sent by a sentinel that finds the master BUSY.
 */
class MonitoredCairnIT {
  private static CairnServer startCairn(Path conf) throws Exception {
    return InProcessServers.launch(conf.toString());
  }

  private static Path conf(SentinelHarness h, int port, String... lines) throws Exception {
    Path conf = h.dir.resolve("cairn-" + port + ".conf");
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsave \"\"\ndir " + h.dir + "\n"
        + String.join("\n", lines) + "\n");
    return conf;
  }

  @Test
  void sentinelsReconfigurationTransaction() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      SentinelHarness.Node redisMaster = h.redis();
      int port = SentinelHarness.freePort();
      Path conf = conf(h, port);
      CairnServer server = startCairn(conf);
      try (Jedis sentinel = new Jedis(SentinelHarness.HOST, port); Jedis normal = new Jedis(SentinelHarness.HOST, port);
           Jedis subscriber = new Jedis(SentinelHarness.HOST, port)) {
        normal.set("k", "v");
        Thread sub = new Thread(() -> {
          try {
            subscriber.subscribe(new JedisPubSub() { }, "__sentinel__:hello");
          } catch (RuntimeException closed) {
            // the kill closes it
          }
        });
        sub.start();
        SentinelHarness.await(() -> sentinel.pubsubNumSub("__sentinel__:hello").get("__sentinel__:hello") == 1, 5000,
            "the subscriber");
        assertEquals(1L, sentinel.publish("__sentinel__:hello", "a,1,b,0,m,127.0.0.1,1,0"));
        sentinel.clientSetname("sentinel-00000000-cmd");
        sentinel.sendCommand(Protocol.Command.MULTI);
        sentinel.sendCommand(Protocol.Command.SLAVEOF, SentinelHarness.HOST, Integer.toString(redisMaster.port));
        sentinel.sendCommand(Protocol.Command.CONFIG, "REWRITE");
        sentinel.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal");
        sentinel.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
        List<?> exec = (List<?>) sentinel.sendCommand(Protocol.Command.EXEC);
        assertEquals(4, exec.size(), exec.toString());
        assertEquals("OK", new String((byte[]) exec.get(0)));
        assertEquals("OK", new String((byte[]) exec.get(1)));
        assertEquals(1L, exec.get(2)); // the normal client; the sentinel's own connection is skipped
        assertEquals(1L, exec.get(3)); // the subscriber
        sub.join(5000);
        assertFalse(sub.isAlive(), "the subscriber was disconnected");
        assertTrue(Files.readString(conf).contains("replicaof 127.0.0.1 " + redisMaster.port),
            Files.readString(conf));
        SentinelHarness.await(() -> SentinelHarness.role(port).equals("slave:" + redisMaster.port + ":connected"),
            20_000, "the Cairn server to replicate");
        assertEquals("PONG", sentinel.ping()); // still connected

        // the promotion, as a sentinel sends it
        sentinel.sendCommand(Protocol.Command.MULTI);
        sentinel.sendCommand(Protocol.Command.SLAVEOF, "NO", "ONE");
        sentinel.sendCommand(Protocol.Command.CONFIG, "REWRITE");
        sentinel.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal");
        sentinel.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
        sentinel.sendCommand(Protocol.Command.EXEC);
        assertEquals("master", SentinelHarness.role(port));
        assertFalse(Files.readString(conf).contains("replicaof"), Files.readString(conf));
      } finally {
        server.close();
      }
    }
  }

  @Test
  void clientKillByReplicaAndMasterType() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      int port = SentinelHarness.freePort();
      CairnServer server = startCairn(conf(h, port));
      try {
        SentinelHarness.Node replica = h.redis("--replicaof", SentinelHarness.HOST, Integer.toString(port));
        SentinelHarness.await(() -> SentinelHarness.role(replica.port).equals("slave:" + port + ":connected"), 20_000,
            "the Redis replica of the Cairn master");
        try (Jedis c = new Jedis(SentinelHarness.HOST, port); Jedis r = replica.jedis()) {
          assertEquals(0L, c.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "master"));
          assertEquals(1L, c.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica"));
          SentinelHarness.await(() -> SentinelHarness.role(replica.port).equals("slave:" + port + ":connected"),
              20_000, "the replica to reconnect");
          assertEquals(1L, c.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "slave"));
          JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
              () -> c.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "bogus"));
          assertEquals("ERR Unknown client type 'bogus'", e.getMessage());
          assertEquals("OK", r.ping().equals("PONG") ? "OK" : "no");
        }
      } finally {
        server.close();
      }
    }
  }

  /** A master stuck in a script answers BUSY; the sentinel, finding it down, sends SCRIPT KILL and it recovers. */
  @Test
  void sentinelKillsABusyScript() throws Exception {
    try (SentinelHarness h = new SentinelHarness()) {
      int port = SentinelHarness.freePort();
      CairnServer server = startCairn(conf(h, port, "busy-reply-threshold 100"));
      try {
        int sentinel = h.cairnSentinel("busy", port, 1);
        SentinelHarness.await(() -> SentinelHarness.masterPort(sentinel, "busy") == port, 10_000, "monitoring");
        try (Jedis s = new Jedis(SentinelHarness.HOST, sentinel)) {
          s.sendCommand(Protocol.Command.SENTINEL, "SET", "busy", "down-after-milliseconds", "1000");
        }
        Thread.sleep(1500);
        Object[] result = new Object[1];
        Thread script = new Thread(() -> {
          try (Jedis j = new Jedis(SentinelHarness.HOST, port, 60_000)) {
            result[0] = j.eval("while true do end");
          } catch (JedisDataException e) {
            result[0] = e.getMessage();
          }
        });
        script.start();
        script.join(30_000);
        assertFalse(script.isAlive(), "the script was not killed");
        assertTrue(String.valueOf(result[0]).startsWith("ERR Script killed by user with SCRIPT KILL"),
            String.valueOf(result[0]));
        try (Jedis j = new Jedis(SentinelHarness.HOST, port)) {
          assertEquals("PONG", j.ping());
        }
      } finally {
        server.close();
      }
    }
  }
}
