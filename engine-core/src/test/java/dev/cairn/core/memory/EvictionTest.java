package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Memory accounting of the dataset and eviction under each maxmemory-policy, through the dispatcher. */
class EvictionTest {
  private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  private EngineClients clients;
  private int c;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    c = clients.connect();
  }

  private String run(String... args) {
    return clients.run(c, args);
  }

  private long used() {
    return clients.engine.usedMemory().total();
  }

  private long dataset() {
    return clients.engine.usedMemory().dataset();
  }

  private long evicted() {
    return clients.engine.keyspace().stats.evictedKeys;
  }

  private long dbsize() {
    String r = run("DBSIZE");
    return Long.parseLong(r.substring(1, r.length() - 2));
  }

  @Test
  void datasetFollowsWritesInPlaceAndDeletes() {
    long empty = dataset();
    assertEquals(0, empty);
    run("SET", "k", "x".repeat(1000));
    long one = dataset();
    assertTrue(one > 1000 && one < 1200, "a 1000-byte string: " + one);
    run("APPEND", "k", "y".repeat(10_000));
    assertTrue(dataset() > 11_000, "APPEND changes the value in place: " + dataset());
    for (int i = 0; i < 1000; i++) {
      run("RPUSH", "l", "element-" + i);
    }
    long withList = dataset();
    run("DEL", "k");
    assertTrue(dataset() < withList - 11_000, "DEL gives the bytes back");
    run("FLUSHALL");
    assertEquals(0, dataset());
    run("SET", "a", "1");
    run("SELECT", "1");
    run("SET", "b", "2".repeat(500));
    long b = clients.engine.keyspace().db(1).usedBytes();
    run("SWAPDB", "0", "1");
    assertEquals(b, clients.engine.keyspace().db(0).usedBytes(), "SWAPDB swaps the accounting with the keys");
  }

  @Test
  void memoryUsageAndAccountingAgreeForStrings() {
    run("SET", "key", "v".repeat(100));
    String r = run("MEMORY", "USAGE", "key");
    assertEquals(Long.parseLong(r.substring(1, r.length() - 2)), dataset());
  }

  private long fill(String prefix, int n, boolean volatileKeys) {
    for (int i = 0; i < n; i++) {
      if (volatileKeys) {
        run("SETEX", prefix + i, "10000", "x".repeat(100));
      } else {
        run("SET", prefix + i, "x".repeat(100));
      }
    }
    return dataset();
  }

  @ParameterizedTest
  @ValueSource(strings = {"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu",
      "volatile-random", "volatile-ttl"})
  void limitHonoured(String policy) {
    long before = used();
    long limit = before + 50_000;
    run("CONFIG", "SET", "maxmemory", Long.toString(limit));
    run("CONFIG", "SET", "maxmemory-policy", policy);
    for (int i = 0; i < 2000; i++) {
      assertEquals("+OK\r\n", run("SETEX", "key:" + i, "10000", "x".repeat(100)));
      assertTrue(clients.engine.eviction().countedMemory() <= limit + 400, "after the command, within one key");
    }
    assertTrue(evicted() > 1000, policy + " evicted " + evicted());
    assertTrue(dbsize() > 100, "no more than needed");
    assertEquals(Long.toString(evicted()), info("evicted_keys"));
  }

  private String info(String field) {
    String r = run("INFO", "stats");
    for (String line : r.split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return "";
  }

  @ParameterizedTest
  @ValueSource(strings = {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"})
  void volatilePoliciesKeepPersistentKeys(String policy) {
    fill("p", 200, false);
    long limit = used() + 20_000;
    run("CONFIG", "SET", "maxmemory", Long.toString(limit));
    run("CONFIG", "SET", "maxmemory-policy", policy);
    for (int i = 0; i < 500; i++) {
      run("SETEX", "v" + i, "10000", "x".repeat(100));
    }
    for (int i = 0; i < 200; i++) {
      assertEquals(":1\r\n", run("EXISTS", "p" + i), "persistent key p" + i);
    }
    assertTrue(evicted() > 0);
    // once only persistent keys remain and memory is over, deny-oom commands fail
    run("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"); // no time limit: all volatile keys go in one round
    run("CONFIG", "SET", "maxmemory", "1");
    assertEquals(OOM, run("SET", "more", "x"));
    assertEquals(":1\r\n", run("EXISTS", "p0"), "reads still run");
  }

  @Test
  void lruEvictsTheIdleKeys() {
    // keys "old*" were last touched long ago: their access clocks are moved back
    // idle keys outnumber the recent ones 4 to 1, so that the ~30 evictions leave most of them: a sample of 20 with
    // no idle key in it then stays vanishingly rare (with 100 it came up about once in a few hundred runs)
    fill("old", 400, false);
    for (int i = 0; i < 400; i++) {
      clients.engine.keyspace().db(0).stored(("old" + i).getBytes()).setLru(
          dev.cairn.core.keyspace.LruClock.now(System.currentTimeMillis() - 1_000_000));
    }
    fill("new", 100, false);
    run("CONFIG", "SET", "maxmemory", Long.toString(used() - 5_000));
    run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
    run("CONFIG", "SET", "maxmemory-samples", "20"); // a sample of only recent keys would be a one-in-a-million
    assertEquals("+OK\r\n", run("SET", "trigger", "1"));
    int newGone = 0;
    for (int i = 0; i < 100; i++) {
      newGone += run("EXISTS", "new" + i).equals(":0\r\n") ? 1 : 0;
    }
    assertTrue(evicted() > 10);
    assertEquals(0, newGone, "recently used keys stay while idle ones can go");
  }

  @Test
  void lfuKeepsFrequentKeys() {
    run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
    run("CONFIG", "SET", "maxmemory-samples", "20");
    fill("hot", 50, false);
    for (int r = 0; r < 50; r++) {
      for (int i = 0; i < 50; i++) {
        run("GET", "hot" + i);
      }
    }
    fill("cold", 200, false);
    run("CONFIG", "SET", "maxmemory", Long.toString(used() - 10_000));
    run("SET", "trigger", "1");
    int hotGone = 0;
    for (int i = 0; i < 50; i++) {
      hotGone += run("EXISTS", "hot" + i).equals(":0\r\n") ? 1 : 0;
    }
    assertTrue(evicted() > 20);
    assertEquals(0, hotGone);
  }

  @Test
  void volatileTtlEvictsTheSoonestToExpire() {
    for (int i = 0; i < 100; i++) {
      run("SET", "k" + i, "x".repeat(100), "EX", Integer.toString(1000 + i * 100));
    }
    run("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
    run("CONFIG", "SET", "maxmemory-samples", "100"); // every key seen: the order is then exact
    run("CONFIG", "SET", "maxmemory", Long.toString(used() - 3_000));
    run("SET", "trigger", "1");
    assertTrue(evicted() > 5);
    assertEquals(":1\r\n", run("EXISTS", "k99"));
    assertEquals(":0\r\n", run("EXISTS", "k0"));
  }

  @Test
  void evictionsPropagateAsDelAndNotify() {
    run("SET", "a", "1");
    run("CONFIG", "SET", "notify-keyspace-events", "Ee");
    int sub = clients.connect();
    clients.run(sub, "SUBSCRIBE", "__keyevent@0__:evicted");
    clients.propagated.clear();
    run("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
    run("CONFIG", "SET", "lazyfree-lazy-eviction", "no");
    run("CONFIG", "SET", "maxmemory", "1");
    run("GET", "a");
    assertEquals(0, dbsize());
    assertEquals(List.of("0 DEL a"), clients.propagated);
    assertTrue(clients.take(sub).contains("evicted"));
    run("CONFIG", "SET", "maxmemory", "0");
    run("SET", "b", "1");
    run("CONFIG", "SET", "lazyfree-lazy-eviction", "yes");
    run("CONFIG", "SET", "maxmemory", "1");
    clients.propagated.clear();
    run("GET", "b");
    assertEquals(List.of("0 UNLINK b"), new ArrayList<>(clients.propagated));
  }

  @Test
  void noevictionRefusesMultiAndExec() {
    run("SET", "x", "y".repeat(200));
    run("CONFIG", "SET", "maxmemory", "1");
    assertEquals("+OK\r\n", run("MULTI"));
    assertEquals(OOM, run("GET", "x"), "in MULTI anything that would be queued is refused");
    assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", run("EXEC"));
    run("CONFIG", "SET", "maxmemory", "0");
    run("MULTI");
    run("SET", "z", "1");
    clients.run(clients.connect(), "CONFIG", "SET", "maxmemory", "1");
    assertEquals("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > "
        + "'maxmemory'.\r\n", run("EXEC"));
  }
}
