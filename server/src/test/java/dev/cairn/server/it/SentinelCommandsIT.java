package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The SENTINEL command and sentinel mode's command table, on a Cairn sentinel monitoring a redis-server master, with a
 * Redis sentinel beside it: replies are compared with the Redis sentinel's where both must answer alike (errors, reply
 * shapes), and checked against Redis 7.2's documented behaviour elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelCommandsIT {
  private SentinelHarness h;
  private SentinelHarness.Node master;
  private int cairn;
  private int rs;
  private Path cairnConf;

  @BeforeAll
  void start() throws Exception {
    h = new SentinelHarness();
    master = h.redis();
    cairn = h.cairnSentinel("mymaster", master.port, 1);
    cairnConf = h.dir.resolve("sentinel-" + cairn + ".conf");
    rs = h.redisSentinel("mymaster", master.port, 1);
    SentinelHarness.await(() -> {
      try (Jedis j = new Jedis(SentinelHarness.HOST, cairn)) {
        return Integer.parseInt(j.sentinelMaster("mymaster").get("num-other-sentinels")) == 1;
      }
    }, 20_000, "the sentinels to find each other");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private Object call(int port, String... args) {
    try (Jedis j = new Jedis(SentinelHarness.HOST, port)) {
      return j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(args[0]),
          java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (JedisDataException e) {
      return "ERROR " + e.getMessage();
    }
  }

  private static String text(Object o) {
    if (o instanceof byte[] b) {
      return new String(b);
    }
    if (o instanceof List<?> l) {
      return l.stream().map(SentinelCommandsIT::text).toList().toString();
    }
    return String.valueOf(o);
  }

  /** Commands whose replies must be the same from both sentinels. */
  @Test
  void errorsAndRepliesMatchRedisSentinel() {
    String[][] cases = {
        {"SENTINEL", "MASTER", "nosuch"},
        {"SENTINEL", "REPLICAS", "nosuch"},
        {"SENTINEL", "SENTINELS", "nosuch"},
        {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"},
        {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"},
        {"SENTINEL", "MONITOR", "x", "127.0.0.1", "6379", "0"},
        {"SENTINEL", "MONITOR", "x", "127.0.0.1", "6379", "abc"},
        {"SENTINEL", "MONITOR", "x", "127.0.0.1", "abc", "1"},
        {"SENTINEL", "MONITOR", "x", "not-an-ip", "6379", "1"},
        {"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "6379", "1"},
        {"SENTINEL", "SET", "mymaster", "quorum", "abc"},
        {"SENTINEL", "SET", "mymaster", "nosuchoption", "1"},
        {"SENTINEL", "SET", "mymaster", "notification-script", "/bin/true"},
        {"SENTINEL", "SET", "nosuch", "quorum", "1"},
        {"SENTINEL", "CKQUORUM", "nosuch"},
        {"SENTINEL", "FAILOVER", "mymaster"},
        {"SENTINEL", "FAILOVER", "nosuch"},
        {"SENTINEL", "REMOVE", "nosuch"},
        {"SENTINEL", "RESET", "nosuch*"},
        {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "0", "*"},
        {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "abc", "0", "*"},
        {"SENTINEL", "CONFIG", "SET", "nosuch", "1"},
        {"SENTINEL", "CONFIG", "SET", "announce-port", "abc"},
        {"SENTINEL", "CONFIG", "GET", "resolve-hostnames"},
        {"SENTINEL", "DEBUG", "info-period", "abc"},
        {"SENTINEL", "DEBUG", "nosuch", "1"},
        {"SENTINEL", "SIMULATE-FAILURE", "HELP"},
        {"SENTINEL", "SIMULATE-FAILURE", "nosuch"},
        {"SENTINEL", "PENDING-SCRIPTS"},
        {"SENTINEL", "INFO-CACHE", "nosuch"},
        {"SENTINEL", "NOSUCH"},
        {"SENTINEL", "MASTERS", "extra"},
        {"PUBLISH", "foo", "bar"},
        {"GET", "x"},
        {"SET", "x", "y"},
        {"ROLE"},
    };
    for (String[] c : cases) {
      assertEquals(text(call(rs, c)), text(call(cairn, c)), String.join(" ", c));
    }
    // Redis 7.2 words this one differently from the 7.0 sentinel beside us
    assertEquals("ERROR ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> "
        + "[<param> <value> ...] are supported.", text(call(cairn, "SENTINEL", "CONFIG", "SET", "announce-port")));
  }

  @Test
  void masterReplyHasRedisFields() {
    try (Jedis c = new Jedis(SentinelHarness.HOST, cairn); Jedis r = new Jedis(SentinelHarness.HOST, rs)) {
      Map<String, String> cm = c.sentinelMaster("mymaster");
      Map<String, String> rm = r.sentinelMaster("mymaster");
      assertEquals(rm.keySet(), cm.keySet());
      for (String k : List.of("name", "ip", "port", "flags", "quorum", "num-slaves", "num-other-sentinels",
          "down-after-milliseconds", "failover-timeout", "parallel-syncs", "role-reported", "runid")) {
        assertEquals(rm.get(k), cm.get(k), k);
      }
      assertEquals(List.of(SentinelHarness.HOST, Integer.toString(master.port)),
          c.sentinelGetMasterAddrByName("mymaster"));
      var cs = c.sentinelSentinels("mymaster");
      assertEquals(1, cs.size());
      assertEquals(r.sentinelMyId(), cs.get(0).get("name"));
      assertEquals(r.sentinelSentinels("mymaster").get(0).keySet(), cs.get(0).keySet());
    }
  }

  @Test
  void infoRoleMyidCkquorum() {
    try (Jedis c = new Jedis(SentinelHarness.HOST, cairn)) {
      String info = c.info();
      assertTrue(info.contains("redis_mode:sentinel"), info);
      // TILT may be on when the test machine stalled the JVM for 2 s (as Redis's sentinel would): either value
      assertTrue(info.matches("(?s).*# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:[01]\r\n"
          + "sentinel_tilt_since_seconds:-?\\d+\r\nsentinel_running_scripts:0\r\n.*"), info);
      assertTrue(info.contains("master0:name=mymaster,status=ok,address=127.0.0.1:" + master.port
          + ",slaves=0,sentinels=2"), info);
      assertFalse(info.contains("# Keyspace"), info);
      assertFalse(info.contains("# Memory"), info);
      assertEquals(40, c.sentinelMyId().length());
      assertEquals("[sentinel, [mymaster]]", text(call(cairn, "ROLE")));
      assertEquals("OK 2 usable Sentinels. Quorum and failover authorization can be reached",
          text(call(cairn, "SENTINEL", "CKQUORUM", "mymaster")));
      assertEquals("1", text(call(cairn, "PUBLISH", "__sentinel__:hello", "bad,hello")));
    }
  }

  @Test
  void votesOncePerEpoch() {
    // the master is up: not down, but a vote is still given (or the earlier one returned) when asked for
    String a = "a".repeat(40);
    String b = "b".repeat(40);
    Object first = call(cairn, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(master.port),
        "1000", a);
    assertEquals("[0, " + a + ", 1000]", text(first));
    Object second = call(cairn, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(master.port),
        "1000", b);
    assertEquals("[0, " + a + ", 1000]", text(second));
    Object next = call(cairn, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(master.port),
        "1001", b);
    assertEquals("[0, " + b + ", 1001]", text(next));
  }

  @Test
  void monitorSetRemoveAreSavedInTheConfigFile() throws Exception {
    try (Jedis c = new Jedis(SentinelHarness.HOST, cairn)) {
      assertEquals("OK", c.sentinelMonitor("other", "127.0.0.1", 1, 3));
      assertEquals("OK", text(call(cairn, "SENTINEL", "SET", "other", "down-after-milliseconds", "1234",
          "parallel-syncs", "3")));
      String conf = Files.readString(cairnConf);
      assertTrue(conf.contains("sentinel monitor other 127.0.0.1 1 3\n"), conf);
      assertTrue(conf.contains("sentinel down-after-milliseconds other 1234\n"), conf);
      assertTrue(conf.contains("sentinel parallel-syncs other 3\n"), conf);
      assertTrue(conf.contains("sentinel myid " + c.sentinelMyId() + "\n"), conf);
      assertTrue(conf.contains("sentinel known-sentinel mymaster 127.0.0.1 " + rs + " "), conf);
      assertEquals("OK", c.sentinelRemove("other"));
      conf = Files.readString(cairnConf);
      assertFalse(conf.contains("other"), conf);
      assertEquals("OK", text(call(cairn, "SENTINEL", "FLUSHCONFIG")));
    }
  }

  @Test
  void eventsArePublishedOnTheSentinelsOwnChannels() throws Exception {
    try (Jedis sub = new Jedis(SentinelHarness.HOST, cairn); Jedis c = new Jedis(SentinelHarness.HOST, cairn)) {
      List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
      var listener = new redis.clients.jedis.JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          got.add(channel + " " + message);
          unsubscribe();
        }
      };
      Thread t = new Thread(() -> sub.subscribe(listener, "+monitor"));
      t.start();
      SentinelHarness.await(() -> listener.getSubscribedChannels() == 1, 5000, "the subscription");
      c.sentinelMonitor("evt", "127.0.0.1", 2, 1);
      t.join(5000);
      c.sentinelRemove("evt");
      assertEquals(List.of("+monitor master evt 127.0.0.1 2 quorum 1"), got);
    }
  }

  @Test
  void debugAndConfig() {
    try (Jedis c = new Jedis(SentinelHarness.HOST, cairn)) {
      assertTrue(text(call(cairn, "SENTINEL", "DEBUG")).startsWith("[INFO-PERIOD, 10000, PING-PERIOD, 1000,"));
      assertEquals("OK", text(call(cairn, "SENTINEL", "CONFIG", "SET", "announce-port", "0")));
      assertEquals("[announce-port, 0]", text(call(cairn, "SENTINEL", "CONFIG", "GET", "announce-port")));
      assertNull(c.sentinelGetMasterAddrByName("nosuch"));
      assertTrue(Protocol.Command.SENTINEL != null);
    }
  }

  /** ACL in sentinel mode (Redis 7.2 flags every ACL subcommand SENTINEL): both sentinels answer alike. */
  @Test
  void aclCommandsInSentinelMode() {
    for (int port : new int[] {cairn, rs}) {
      assertEquals("OK", text(call(port, "ACL", "SETUSER", "acluser", ">secret", "+@all", "on")), "port " + port);
      assertEquals("[acluser, default]", text(call(port, "ACL", "USERS")), "port " + port);
      assertEquals("default", text(call(port, "ACL", "WHOAMI")), "port " + port);
      assertEquals("1", text(call(port, "ACL", "DELUSER", "acluser")), "port " + port);
      assertTrue(text(call(port, "ACL", "CAT")).contains("admin"), "port " + port);
    }
  }
}
