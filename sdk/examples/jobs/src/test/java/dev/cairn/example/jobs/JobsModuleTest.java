package dev.cairn.example.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.embedded.EmbeddedCairn;
import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One test per section of the jobs module, through a real client against an embedded server with the module loaded:
 * copy the test of the pattern you use along with its code.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JobsModule.class, config = {"notify-keyspace-events", "Kd"})
class JobsModuleTest {
  private static Object cmd(Jedis j, String... args) {
    Object o = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  private static String info(Jedis j, String field) {
    return j.info("jobs_stats").lines().filter(l -> l.startsWith("jobs_" + field + ":")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1)).orElseThrow();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not reached in 10 s");
      Thread.sleep(10);
    }
  }

  @Test
  void pushPopAndTheType(Jedis jedis) {
    assertEquals(2L, cmd(jedis, "JOB.PUSH", "q", "a", "b"));
    assertEquals(2L, cmd(jedis, "JOB.LEN", "q"));
    assertEquals("CairnJobQ", jedis.type("q"));
    assertEquals("a", cmd(jedis, "JOB.POP", "q"));
    assertEquals("b", cmd(jedis, "JOB.POP", "q"));
    assertEquals(0L, jedis.exists("q") ? 1L : 0L, "an emptied queue is deleted");
    assertNull(cmd(jedis, "JOB.POP", "q"));
    jedis.set("s", "v");
    assertTrue(assertThrows(JedisDataException.class, () -> cmd(jedis, "JOB.PUSH", "s", "x")).getMessage()
        .startsWith("WRONGTYPE"));
  }

  @Test
  void blockingCommandWokenByAWrite(Jedis jedis, EmbeddedCairn cairn) throws Exception {
    try (Jedis taker = new Jedis(cairn.host(), cairn.port())) {
      CompletableFuture<Object> taken = CompletableFuture.supplyAsync(() -> cmd(taker, "JOB.TAKE", "q", "0"));
      await(() -> jedis.info("clients").contains("blocked_clients:1"));
      assertEquals(1L, cmd(jedis, "JOB.PUSH", "q", "work"));
      assertEquals("work", taken.get(10, TimeUnit.SECONDS));
      assertEquals(0L, cmd(jedis, "JOB.LEN", "q"));
    }
    assertNull(cmd(jedis, "JOB.TAKE", "q", "50"), "nil when the timeout passes");
    // inside MULTI a client cannot block: the command answers as JOB.POP would
    var t = jedis.multi();
    t.sendCommand(() -> "JOB.TAKE".getBytes(), "q", "0");
    assertEquals(java.util.Collections.singletonList(null), t.exec());
  }

  @Test
  void backgroundWorkComesBackToTheKeyspace(Jedis jedis) {
    jedis.set("doc", "hello");
    String expected = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assertEquals(expected, cmd(jedis, "JOB.CHECKSUM", "doc", "doc:sha"));
    assertEquals(expected, jedis.get("doc:sha"));
    assertEquals("1", info(jedis, "checksums"));
    assertNull(cmd(jedis, "JOB.CHECKSUM", "missing", "x"));
  }

  @Test
  void keyspaceAndServerEventListeners(Jedis jedis) throws Exception {
    long removed = Long.parseLong(info(jedis, "keys_removed"));
    jedis.set("a", "1");
    jedis.del("a");
    jedis.psetex("b", 10, "1");
    await(() -> Long.parseLong(info(jedis, "keys_removed")) == removed + 2); // the DEL and the expiry
    long flushes = Long.parseLong(info(jedis, "flushes"));
    jedis.flushDB();
    assertEquals(flushes + 1, Long.parseLong(info(jedis, "flushes")));
  }

  @Test
  void infoSectionAndConfig(Jedis jedis) {
    assertTrue(jedis.info("jobs").contains("# jobs_stats"));
    assertTrue(jedis.info("everything").contains("jobs_pushed:"));
    assertEquals("10000", jedis.configGet("jobs.max-length").get("jobs.max-length"));
    jedis.configSet("jobs.max-length", "2");
    try {
      assertEquals(2L, cmd(jedis, "JOB.PUSH", "q", "a", "b"));
      assertEquals("ERR queue is full (jobs.max-length)",
          assertThrows(JedisDataException.class, () -> cmd(jedis, "JOB.PUSH", "q", "c")).getMessage());
    } finally {
      jedis.configSet("jobs.max-length", "10000");
    }
  }

  @Test
  void callingCoreCommands(Jedis jedis) {
    cmd(jedis, "JOB.PUSH", "q", "a", "b");
    jedis.rpush("done", "old");
    assertEquals(3L, cmd(jedis, "JOB.ARCHIVE", "q", "done"));
    assertEquals(List.of("old", "a", "b"), jedis.lrange("done", 0, -1));
    assertTrue(!jedis.exists("q"));
    jedis.set("str", "x");
    cmd(jedis, "JOB.PUSH", "q", "a");
    assertTrue(assertThrows(JedisDataException.class, () -> cmd(jedis, "JOB.ARCHIVE", "q", "str")).getMessage()
        .startsWith("WRONGTYPE"), "the called command's error is the module command's");
    assertEquals(1L, cmd(jedis, "JOB.LEN", "q"), "nothing changed");
  }

  @Test
  void keyspaceNotificationsReachSubscribers(Jedis jedis, EmbeddedCairn cairn) throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    JedisPubSub sub = new JedisPubSub() {
      @Override
      public void onPMessage(String pattern, String channel, String message) {
        got.add(channel + " " + message);
      }

      @Override
      public void onPSubscribe(String pattern, int count) {
        got.add("subscribed");
      }
    };
    try (Jedis subscriber = new Jedis(cairn.host(), cairn.port())) {
      Thread t = new Thread(() -> subscriber.psubscribe(sub, "__keyspace@*__:*"));
      t.start();
      assertEquals("subscribed", got.poll(10, TimeUnit.SECONDS));
      cmd(jedis, "JOB.PUSH", "q", "a");
      assertEquals("__keyspace@0__:q job.push", got.poll(10, TimeUnit.SECONDS));
      sub.punsubscribe();
      t.join(10_000);
    }
  }

  @Test
  void timers(Jedis jedis) throws Exception {
    long id = (Long) cmd(jedis, "JOB.DELAY", "later", "30", "x");
    await(() -> jedis.exists("later"));
    assertEquals("x", cmd(jedis, "JOB.POP", "later"));
    assertEquals(0L, cmd(jedis, "JOB.CANCEL", String.valueOf(id)), "a one-shot timer that fired is gone");
    long every = (Long) cmd(jedis, "JOB.EVERY", "ticks", "20", "t");
    await(() -> (Long) cmd(jedis, "JOB.LEN", "ticks") >= 3);
    assertEquals(1L, cmd(jedis, "JOB.CANCEL", String.valueOf(every)));
    long n = (Long) cmd(jedis, "JOB.LEN", "ticks");
    Thread.sleep(100);
    assertEquals(n, cmd(jedis, "JOB.LEN", "ticks"), "no run after the cancel");
    long never = (Long) cmd(jedis, "JOB.DELAY", "never", "200", "x");
    assertEquals(1L, cmd(jedis, "JOB.CANCEL", String.valueOf(never)));
    Thread.sleep(300);
    assertTrue(!jedis.exists("never"));
  }

  @Test
  void commandFilterRenamesLegacyCommands(Jedis jedis) {
    assertEquals(1L, cmd(jedis, "QUEUE.ADD", "q", "a"));
    assertEquals("a", jedis.eval("return redis.call('queue.get', KEYS[1])", 1, "q"));
    var t = jedis.multi();
    t.sendCommand(() -> "queue.add".getBytes(), "q", "b");
    t.sendCommand(() -> "Queue.Get".getBytes(), "q");
    List<Object> replies = t.exec();
    assertEquals(1L, replies.get(0));
    assertEquals("b", new String((byte[]) replies.get(1), StandardCharsets.UTF_8));
    assertEquals("4", info(jedis, "legacy_rewrites"));
    jedis.configSet("jobs.legacy-names", "no");
    try {
      assertTrue(assertThrows(JedisDataException.class, () -> cmd(jedis, "QUEUE.ADD", "q", "a")).getMessage()
          .startsWith("ERR unknown command 'QUEUE.ADD'"));
    } finally {
      jedis.configSet("jobs.legacy-names", "yes");
    }
  }

  @Test
  void aclCategory(Jedis jedis, EmbeddedCairn cairn) {
    assertTrue(((List<?>) cmd(jedis, "ACL", "CAT")).stream().anyMatch(c -> "jobs".equals(new String((byte[]) c))));
    assertTrue(((List<?>) cmd(jedis, "ACL", "CAT", "jobs")).size() >= 9);
    jedis.aclSetUser("worker", "on", ">pw", "-@all", "+@jobs", "~*");
    try (Jedis worker = new Jedis(cairn.host(), cairn.port())) {
      worker.auth("worker", "pw");
      assertEquals(1L, cmd(worker, "JOB.PUSH", "q", "a"));
      assertTrue(assertThrows(JedisDataException.class, () -> worker.set("k", "v")).getMessage()
          .startsWith("NOPERM"));
    } finally {
      jedis.aclDelUser("worker");
    }
  }
}
