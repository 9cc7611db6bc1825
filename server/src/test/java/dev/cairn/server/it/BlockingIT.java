package dev.cairn.server.it;

import static dev.cairn.server.it.ListIT.arr;
import static dev.cairn.server.it.ListIT.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** Blocking list commands with concurrent clients: order, timeouts, chains, CLIENT UNBLOCK, disconnects. */
@Timeout(60)
class BlockingIT extends ServerTestBase {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterAll
  void stopPool() {
    pool.shutdownNow();
  }

  /** {@link #onEngine(java.util.concurrent.Callable)} with the engine handed in (blocking state lives there). */
  private <T> T onEngine(java.util.function.Function<Engine, T> task) throws Exception {
    return onEngine(() -> task.apply(server.engine()));
  }

  private int blockedClients() throws Exception {
    return onEngine(e -> e.blocking().blockedClients());
  }

  private void awaitBlocked(int n) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (blockedClients() != n) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("expected " + n + " blocked clients, have " + blockedClients());
      }
      Thread.sleep(5);
    }
  }

  private List<Long> blockedIds() throws Exception {
    return onEngine(e -> {
      List<Long> ids = new ArrayList<>();
      for (Session s : e.clients()) {
        if (e.blocking().isBlocked(s)) {
          ids.add(s.id);
        }
      }
      return ids;
    });
  }

  /** Sends {@code cmd} on a fresh raw client and returns the future of its reply. */
  private Future<String> send(RawClient c, String... cmd) throws Exception {
    c.command(cmd);
    return pool.submit(c::readReply);
  }

  @Test
  void clientsAreServedFirstComeFirstServedPerKey() throws Exception {
    List<Future<List<String>>> replies = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      Jedis j = newJedis();
      replies.add(pool.submit(() -> j.blpop(0, "q")));
      awaitBlocked(k + 1);
    }
    jedis.rpush("q", "a", "b", "c");
    for (int k = 0; k < 3; k++) {
      assertEquals(List.of("q", Character.toString('a' + k)), replies.get(k).get(10, TimeUnit.SECONDS));
    }
    awaitBlocked(2);
    assertFalse(replies.get(3).isDone());
    jedis.lpush("q", "d");
    assertEquals(List.of("q", "d"), replies.get(3).get(10, TimeUnit.SECONDS));
    jedis.lpush("q", "e");
    assertEquals(List.of("q", "e"), replies.get(4).get(10, TimeUnit.SECONDS));
    awaitBlocked(0);
    assertFalse(jedis.exists("q"));
  }

  @Test
  void aClientWaitingOnSeveralKeysTakesTheFirstThatGetsData() throws Exception {
    RawClient c = raw();
    Future<String> reply = send(c, "BRPOP", "k1", "k2", "k3", "0");
    awaitBlocked(1);
    jedis.rpush("k2", "x", "y");
    assertEquals(arr("k2", "y"), reply.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("x"), jedis.lrange("k2", 0, -1));
    awaitBlocked(0);
  }

  @Test
  void subSecondTimeouts() throws Exception {
    for (String[] cmd : new String[][] {{"BLPOP", "nokey", "0.2"}, {"BRPOP", "a", "b", "0.2"},
        {"BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.2"}, {"BRPOPLPUSH", "nokey", "dst", "0.2"},
        {"BLMPOP", "0.2", "2", "a", "b", "LEFT", "COUNT", "3"}}) {
      RawClient c = raw();
      long start = System.nanoTime();
      String reply = c.command(cmd).readReply();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals("*-1\r\n", reply, String.join(" ", cmd));
      assertTrue(ms >= 190 && ms < 5000, cmd[0] + " took " + ms + " ms");
      assertEquals("+PONG\r\n", c.command("PING").readReply());
    }
    awaitBlocked(0);
  }

  @Test
  void timeoutZeroWaitsUntilDataArrives() throws Exception {
    RawClient c = raw();
    Future<String> reply = send(c, "BLPOP", "k", "0");
    awaitBlocked(1);
    Thread.sleep(300);
    assertFalse(reply.isDone());
    jedis.rpush("k", "v");
    assertEquals(arr("k", "v"), reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void blmoveChainsHandTheElementOn() throws Exception {
    RawClient a = raw();
    RawClient b = raw();
    RawClient c = raw();
    Future<String> ra = send(a, "BLMOVE", "l1", "l2", "LEFT", "RIGHT", "0");
    awaitBlocked(1);
    Future<String> rb = send(b, "BRPOPLPUSH", "l2", "l3", "0");
    awaitBlocked(2);
    Future<String> rc = send(c, "BLPOP", "l3", "0");
    awaitBlocked(3);
    jedis.rpush("l1", "v");
    assertEquals(bulk("v"), ra.get(10, TimeUnit.SECONDS));
    assertEquals(bulk("v"), rb.get(10, TimeUnit.SECONDS));
    assertEquals(arr("l3", "v"), rc.get(10, TimeUnit.SECONDS));
    awaitBlocked(0);
    for (String k : new String[] {"l1", "l2", "l3"}) {
      assertFalse(jedis.exists(k), k);
    }
  }

  @Test
  void blmpopServesACountFromTheFirstKeyWithData() throws Exception {
    RawClient c = raw();
    Future<String> reply = send(c, "BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2");
    awaitBlocked(1);
    jedis.rpush("b", "1", "2", "3");
    assertEquals("*2\r\n" + bulk("b") + arr("3", "2"), reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  @org.junit.jupiter.api.DisplayName("BRPOPLPUSH with wrong destination type")
  void wakingIntoAWrongTypedDestinationIsAnError() throws Exception {
    jedis.set("dst", "string");
    RawClient c = raw();
    Future<String> reply = send(c, "BRPOPLPUSH", "src", "dst", "0");
    awaitBlocked(1);
    jedis.rpush("src", "foo");
    assertEquals(ListIT.WRONGTYPE, reply.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("foo"), jedis.lrange("src", 0, -1));
  }

  @Test
  void aKeyOverwrittenWithAnotherTypeDoesNotWakeAListWaiter() throws Exception {
    RawClient c = raw();
    Future<String> reply = send(c, "BLPOP", "k", "0");
    awaitBlocked(1);
    jedis.set("k", "string");
    jedis.del("k");
    Thread.sleep(100);
    assertFalse(reply.isDone());
    assertEquals(1, blockedClients());
    jedis.rpush("k", "v");
    assertEquals(arr("k", "v"), reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void clientUnblock() throws Exception {
    RawClient c = raw();
    Future<String> reply = send(c, "BLPOP", "k", "0");
    awaitBlocked(1);
    long id = blockedIds().get(0);
    assertEquals(1L, (long) jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNBLOCK",
        Long.toString(id)));
    assertEquals("*-1\r\n", reply.get(10, TimeUnit.SECONDS));
    awaitBlocked(0);

    Future<String> again = send(c, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
    awaitBlocked(1);
    RawClient admin = raw();
    assertEquals(":1\r\n", admin.command("CLIENT", "UNBLOCK", Long.toString(id), "ERROR").readReply());
    assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", again.get(10, TimeUnit.SECONDS));
    assertEquals(":0\r\n", admin.command("CLIENT", "UNBLOCK", Long.toString(id)).readReply());
    assertEquals(":0\r\n", admin.command("CLIENT", "UNBLOCK", "999999").readReply());
    assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
        admin.command("CLIENT", "UNBLOCK", Long.toString(id), "maybe").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n",
        admin.command("CLIENT", "UNBLOCK", "abc").readReply());
    assertEquals("+PONG\r\n", c.command("PING").readReply());
  }

  @Test
  void aClientThatDisconnectsWhileBlockedLeavesNoTrace() throws Exception {
    RawClient c = raw();
    c.command("BLPOP", "k", "0");
    awaitBlocked(1);
    c.close();
    awaitBlocked(0);
    assertEquals(0, (int) onEngine(e -> e.blocking().blockingKeys()));
    jedis.rpush("k", "v");
    assertEquals(List.of("v"), jedis.lrange("k", 0, -1)); // nobody took it
  }

  @Test
  void pipelinedCommandsAfterABlockingOneRunAfterItIsServed() throws Exception {
    RawClient c = raw();
    c.command("BLPOP", "k", "0");
    c.command("RPUSH", "after", "x");
    c.command("PING");
    awaitBlocked(1);
    Thread.sleep(100);
    assertFalse(jedis.exists("after")); // held behind the blocked command
    jedis.rpush("k", "v");
    assertEquals(arr("k", "v"), c.readReply());
    assertEquals(":1\r\n", c.readReply());
    assertEquals("+PONG\r\n", c.readReply());
  }

  @Test
  void blockedClientsInDifferentDatabasesAreApart() throws Exception {
    RawClient c = raw();
    assertEquals("+OK\r\n", c.command("SELECT", "1").readReply());
    Future<String> reply = send(c, "BLPOP", "k", "0");
    awaitBlocked(1);
    jedis.rpush("k", "db0");
    Thread.sleep(100);
    assertFalse(reply.isDone());
    Jedis j1 = newJedis();
    j1.select(1);
    j1.rpush("k", "db1");
    assertEquals(arr("k", "db1"), reply.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("db0"), jedis.lrange("k", 0, -1));
  }

  @Test
  @org.junit.jupiter.api.DisplayName("Blocking command accounted only once in commandstats")
  void aBlockedCommandCountsOnceAndInfoShowsTheWaiters() throws Exception {
    jedis.configResetStat();
    RawClient c = raw();
    Future<String> reply = send(c, "BLPOP", "k", "0");
    awaitBlocked(1);
    String clients = jedis.info("clients");
    assertTrue(clients.contains("blocked_clients:1\r\n"), clients);
    assertTrue(clients.contains("total_blocking_keys:1\r\n"), clients);
    assertTrue(clients.contains("clients_in_timeout_table:0\r\n"), clients);
    jedis.lpush("k", "1");
    assertEquals(arr("k", "1"), reply.get(10, TimeUnit.SECONDS));
    assertTrue(jedis.info("commandstats").contains("cmdstat_blpop:calls=1,"), jedis.info("commandstats"));
    assertEquals("*-1\r\n", c.command("BLPOP", "k", "0.05").readReply());
    assertTrue(jedis.info("commandstats").contains("cmdstat_blpop:calls=2,"), jedis.info("commandstats"));
    assertTrue(jedis.info("clients").contains("blocked_clients:0\r\n"));
  }

  @Test
  void servedBlockingCommandsPropagateAsTheirNonBlockingForms() throws Exception {
    List<String> effects = java.util.Collections.synchronizedList(new ArrayList<>());
    dev.cairn.core.Propagation.Listener listener = (db, cmd) -> {
      StringBuilder sb = new StringBuilder().append(db);
      for (byte[] part : cmd) {
        sb.append(' ').append(new String(part, java.nio.charset.StandardCharsets.UTF_8));
      }
      effects.add(sb.toString());
    };
    onEngine(e -> {
      e.propagation().addListener(listener);
      return null;
    });
    try {
      RawClient a = raw();
      RawClient b = raw();
      Future<String> ra = send(a, "BLMOVE", "src", "mid", "LEFT", "RIGHT", "0");
      awaitBlocked(1);
      assertEquals("+OK\r\n", b.command("SELECT", "2").readReply());
      Future<String> rb = send(b, "BLMPOP", "0", "1", "other", "LEFT", "COUNT", "5");
      awaitBlocked(2);
      jedis.rpush("src", "v1", "v2");
      assertEquals(bulk("v1"), ra.get(10, TimeUnit.SECONDS));
      Jedis j2 = newJedis();
      j2.select(2);
      j2.rpush("other", "x", "y");
      assertEquals("*2\r\n" + bulk("other") + arr("x", "y"), rb.get(10, TimeUnit.SECONDS));
      assertEquals(arr("src", "v2"), a.command("BLPOP", "src", "0").readReply());
      assertEquals(bulk("v1"), a.command("BRPOPLPUSH", "mid", "dst", "0").readReply());
      awaitBlocked(0);
      assertEquals(List.of("0 RPUSH src v1 v2", "0 LMOVE src mid LEFT RIGHT", "2 RPUSH other x y", "2 LPOP other 2",
          "0 LPOP src", "0 RPOPLPUSH mid dst"), effects);
    } finally {
      onEngine(e -> {
        e.propagation().removeListener(listener);
        return null;
      });
    }
  }

  @Test
  @org.junit.jupiter.api.DisplayName("SWAPDB awakes blocked client")
  void swapdbWakesClientsWhoseKeyNowHoldsAList() throws Exception {
    RawClient c = raw();
    assertEquals("+OK\r\n", c.command("SELECT", "9").readReply());
    Future<String> reply = send(c, "BRPOP", "k", "0");
    awaitBlocked(1);
    jedis.rpush("k", "hello");
    jedis.swapDB(0, 9);
    assertEquals(arr("k", "hello"), reply.get(10, TimeUnit.SECONDS));
    awaitBlocked(0);
  }

  /**
   * A list SWAPDB brings to a waiter after its time has passed wakes nobody and is not deleted then: the next command
   * that reads it deletes it (and propagates the DEL there), as Redis's suite checks in the replication stream.
   */
  @Test
  void anExpiredListBroughtBySwapdbWakesNobodyAndStaysUntilRead() throws Exception {
    RawClient admin = raw();
    assertEquals("+OK\r\n", admin.command("DEBUG", "SET-ACTIVE-EXPIRE", "0").readReply());
    try {
      RawClient c = raw();
      assertEquals("+OK\r\n", c.command("SELECT", "9").readReply());
      Future<String> reply = send(c, "BRPOP", "k", "0");
      awaitBlocked(1);
      jedis.rpush("k", "hello");
      jedis.pexpire("k", 50);
      Thread.sleep(80);
      jedis.swapDB(0, 9);
      Thread.sleep(50);
      assertFalse(reply.isDone());
      assertEquals(1, blockedClients());
      byte[] k = "k".getBytes();
      boolean kept = onEngine(e -> e.keyspace().db(9).stored(k) != null);
      assertTrue(kept, "deleted by the wake-up attempt");
      assertEquals("+OK\r\n", admin.command("SELECT", "9").readReply());
      assertEquals(":0\r\n", admin.command("EXISTS", "k").readReply());
      boolean deleted = onEngine(e -> e.keyspace().db(9).stored(k) == null);
      assertTrue(deleted, "a read deletes it");
      admin.command("CLIENT", "UNBLOCK", Long.toString(blockedIds().get(0))).readReply();
      assertEquals("*-1\r\n", reply.get(10, TimeUnit.SECONDS));
    } finally {
      admin.command("DEBUG", "SET-ACTIVE-EXPIRE", "1").readReply();
      jedis.flushAll();
    }
  }

  @Test
  void monitorSeesABlockingCommandOnceAndTheSlowLogWhenItEnds() throws Exception {
    jedis.configSet("slowlog-log-slower-than", "0");
    try {
      jedis.slowlogReset();
      RawClient m = raw();
      assertEquals("+OK\r\n", m.command("MONITOR").readReply());
      RawClient c = raw();
      Future<String> reply = send(c, "BLPOP", "mk", "0");
      awaitBlocked(1);
      jedis.rpush("mk", "v");
      assertEquals(arr("mk", "v"), reply.get(10, TimeUnit.SECONDS));
      jedis.echo("marker");
      assertTrue(m.readReply().contains("\"BLPOP\" \"mk\" \"0\""));
      assertTrue(m.readReply().contains("\"RPUSH\" \"mk\" \"v\""));
      assertTrue(m.readReply().contains("\"ECHO\" \"marker\""), "BLPOP shown again when served");
      long blpops = jedis.slowlogGet(128).stream().filter(e -> e.getArgs().get(0).equalsIgnoreCase("blpop")).count();
      assertEquals(1, blpops);
    } finally {
      jedis.configSet("slowlog-log-slower-than", "10000");
    }
  }

  @Test
  void manyConcurrentProducersAndConsumersLoseNothing() throws Exception {
    int consumers = 8;
    int perConsumer = 50;
    List<Future<List<String>>> got = new ArrayList<>();
    for (int k = 0; k < consumers; k++) {
      Jedis j = newJedis();
      got.add(pool.submit(() -> {
        List<String> mine = new ArrayList<>();
        for (int n = 0; n < perConsumer; n++) {
          mine.add(j.brpop(0, "work").get(1));
        }
        return mine;
      }));
    }
    List<Future<?>> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      Jedis j = newJedis();
      int base = p;
      producers.add(pool.submit(() -> {
        for (int n = 0; n < consumers * perConsumer / 4; n++) {
          j.lpush("work", base + ":" + n);
        }
      }));
    }
    for (Future<?> f : producers) {
      f.get(30, TimeUnit.SECONDS);
    }
    java.util.Set<String> all = new java.util.HashSet<>();
    for (Future<List<String>> f : got) {
      try {
        all.addAll(f.get(30, TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        throw new AssertionError("a consumer starved", e);
      }
    }
    assertEquals(consumers * perConsumer, all.size());
    awaitBlocked(0);
  }
}
