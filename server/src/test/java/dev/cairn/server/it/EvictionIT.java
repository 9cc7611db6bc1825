package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** maxmemory and maxmemory-clients through a real client: each policy's limit, OOM, evicted events, client eviction. */
class EvictionIT extends ServerTestBase {
  @AfterEach
  void reset() {
    jedis.configSet("maxmemory", "0");
    jedis.configSet("maxmemory-policy", "noeviction");
    jedis.configSet("maxmemory-clients", "0");
  }

  private long info(String field) {
    for (String line : jedis.info().split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("no " + field);
  }

  @Test
  void everyPolicyHonoursTheLimit() {
    for (String policy : List.of("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu",
        "volatile-random", "volatile-ttl")) {
      jedis.flushAll();
      jedis.configSet("maxmemory", "0");
      long limit = info("used_memory") + 100 * 1024;
      jedis.configSet("maxmemory", Long.toString(limit));
      jedis.configSet("maxmemory-policy", policy);
      long evictedBefore = info("evicted_keys");
      for (int i = 0; i < 5000; i++) {
        jedis.setex("key:" + i, 10_000, "x".repeat(50));
      }
      assertTrue(info("used_memory") < limit + 4096, policy + ": " + info("used_memory") + " vs " + limit);
      assertTrue(info("evicted_keys") > evictedBefore + 1000, policy);
      assertTrue(jedis.dbSize() > 300, policy + " keeps what fits: " + jedis.dbSize());
    }
  }

  @Test
  void noevictionAnswersOom() {
    jedis.set("a", "1");
    jedis.configSet("maxmemory", "1");
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.set("b", "1"));
    assertEquals("OOM command not allowed when used memory > 'maxmemory'.", e.getMessage());
    assertEquals("1", jedis.get("a"));
  }

  @Test
  void evictedEventsAndDelToReplicasStream() throws Exception {
    jedis.configSet("notify-keyspace-events", "Ee");
    jedis.set("k", "v");
    try (Jedis sub = new Jedis("127.0.0.1", server.port())) {
      List<String> got = new ArrayList<>();
      Thread t = new Thread(() -> sub.subscribe(new redis.clients.jedis.JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          got.add(channel + " " + message);
          unsubscribe();
        }
      }, "__keyevent@0__:evicted"));
      t.start();
      Thread.sleep(300);
      jedis.configSet("maxmemory-policy", "allkeys-lru");
      jedis.configSet("maxmemory", "1"); // eviction starts from CONFIG SET itself, between commands
      t.join(5000);
      assertEquals(List.of("__keyevent@0__:evicted k"), got);
    } finally {
      jedis.configSet("notify-keyspace-events", "");
    }
    assertEquals(0, jedis.dbSize());
  }

  @Test
  void objectFreqAndIdletime() {
    jedis.configSet("maxmemory-policy", "allkeys-lfu");
    jedis.set("f", "1");
    assertEquals(5L, jedis.objectFreq("f"));
    for (int i = 0; i < 100; i++) {
      jedis.get("f");
    }
    assertTrue(jedis.objectFreq("f") > 5);
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.objectIdletime("f"));
    assertTrue(e.getMessage().contains("An LFU maxmemory policy is selected"), e.getMessage());
    jedis.configSet("maxmemory-policy", "allkeys-lru");
    jedis.get("f"); // the key's field holds LFU data until its next access, as in Redis
    assertTrue(jedis.objectIdletime("f") <= 2);
  }

  @Test
  void clientOverMaxmemoryClientsIsEvicted() throws Exception {
    jedis.configSet("maxmemory-clients", "3000000");
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "NO-EVICT", "on");
    try (Jedis big = new Jedis("127.0.0.1", server.port())) {
      big.clientSetname("big");
      big.set("k", "v".repeat(1_000_000));
      assertEquals("v", big.get("k").substring(0, 1));
      assertThrows(Exception.class, () -> big.set("k2", "v".repeat(3_000_000)));
    }
    assertTrue(!jedis.clientList().contains("name=big"));
    assertTrue(info("evicted_clients") >= 1);
    assertEquals(false, jedis.exists("k2"), "its command did not run");
  }

  /**
   * As Redis, which sizes its query buffer to a big bulk's declared length once it has read the header: tot-mem counts
   * the declared length at once (used_memory does not), so a client declaring more than maxmemory-clients is evicted
   * before the bytes come, and an evicted client is gone from CLIENT LIST at once (a lower limit set by CONFIG SET
   * evicts before the next command lists the clients).
   */
  @Test
  void declaredBulkCountsAndEvictedClientsAreGoneAtOnce() throws Exception {
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "NO-EVICT", "on");
    try (java.net.Socket half = new java.net.Socket("127.0.0.1", server.port())) {
      half.setSoTimeout(10_000);
      half.getOutputStream().write("CLIENT SETNAME half\r\n".getBytes());
      assertEquals("+OK\r\n", new String(half.getInputStream().readNBytes(5)));
      half.getOutputStream().write("*2\r\n$4\r\nECHO\r\n$2000000\r\nvvvv".getBytes());
      half.getOutputStream().flush();
      long tot = 0;
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && tot == 0) {
        for (String line : jedis.clientList().split("\n")) {
          if (line.contains(" name=half ") && field(line, "qbuf") >= 4) {
            tot = field(line, "tot-mem");
          }
        }
        Thread.sleep(20);
      }
      assertTrue(tot >= 2_000_000, "tot-mem " + tot + " counts the declared 2 MB");
      assertTrue(info("mem_clients_normal") < 1_000_000, "used_memory does not count a declaration");
      jedis.configSet("maxmemory-clients", "1000000");
      assertEquals(1, jedis.clientList().split("\n").length, "the half-sent client is gone at once");
      assertEquals(-1, half.getInputStream().read(), "its connection is closed");
    }
  }

  /**
   * tot-mem less the buffers CLIENT LIST shows (which the cron resizes): what subscriptions and prefixes add, on top of
   * {@link #ARENA}.
   */
  private static long overhead(String clientList, String name) {
    for (String line : clientList.split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        long rest = field(line, "tot-mem");
        for (String f : new String[] {"qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "omem"}) {
          rest -= field(line, f);
        }
        return rest;
      }
    }
    throw new AssertionError("no client " + name + " in " + clientList);
  }

  /**
   * The argument arena of an idle connection, counted in tot-mem without a field of its own (as Redis's client struct
   * is): 256 bytes, and two tables of 8 int slots for where its arguments lie.
   */
  private static final long ARENA = 256 + 2 * 8 * 4;

  private static long field(String line, String name) {
    int i = line.indexOf(" " + name + "=") + name.length() + 2;
    return Long.parseLong(line.substring(i, line.indexOf(' ', i)));
  }

  /** As unit/client-eviction: subscriptions and tracking prefixes count in a client's memory, so they can evict it. */
  @Test
  void subscriptionsAndPrefixesCountAndEvict() throws Exception {
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "NO-EVICT", "on");
    try (RawClient r = new RawClient("127.0.0.1", port())) {
      r.command("CLIENT", "SETNAME", "subs").readReply();
      assertEquals(ARENA, overhead(jedis.clientList(), "subs"));
      for (int i = 0; i < 1000; i++) {
        r.command("PSUBSCRIBE", "p" + i).readReply();
      }
      for (int i = 0; i < 1000; i++) {
        r.command("SUBSCRIBE", "c" + i).readReply();
      }
      // 24 bytes per pattern, 24 per channel and 8 per bucket slot (1024 slots), as Redis's pubsubMemOverhead
      assertEquals(ARENA + 1000 * 24 + 1000 * 24 + 1024 * 8, overhead(jedis.clientList(), "subs"));
    }
    try (RawClient r = new RawClient("127.0.0.1", port())) {
      r.command("CLIENT", "SETNAME", "prefixes").readReply();
      assertEquals("+OK\r\n", r.command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b")
          .readReply());
      assertEquals(ARENA + 2 * 32, overhead(jedis.clientList(), "prefixes"));
    }
    jedis.configSet("maxmemory-clients", "200000");
    long evictedBefore = info("evicted_clients");
    boolean evicted = false;
    try (RawClient r = new RawClient("127.0.0.1", port())) {
      for (int i = 0; i < 200_000; i++) {
        r.command("PSUBSCRIBE", Integer.toString(i)).readReply();
      }
    } catch (java.io.IOException closed) {
      evicted = true; // the eviction closed the connection
    }
    assertTrue(evicted, "evicted for its patterns");
    assertEquals(evictedBefore + 1, info("evicted_clients"));
  }
}
