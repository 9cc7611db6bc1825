package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Graph reads on reader threads (the jar loaded as users load it): a long read leaves PING and SET answered, and reads
 * running while writes go on (queued behind them, or preempting them from MULTI) always see the graph between two
 * writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphReadersIT {
  private CairnServer server;
  private Jedis jedis;

  @BeforeAll
  void start() throws Exception {
    Path jar = Path.of(System.getProperty("cairn.graphJar", "../../modules/graph/target/cairn-graph.jar"))
        .toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the reactor builds " + jar + " before this module");
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1", "--enable-module-command", "yes"});
    server = CairnServer.start(config, params);
    jedis = client();
    assertEquals("OK", cmd(jedis, "MODULE", "LOAD", jar.toString(), "THREAD_COUNT", "2"));
  }

  @AfterAll
  void stop() {
    jedis.close();
    server.close();
  }

  @BeforeEach
  void clean() {
    jedis.flushAll();
  }

  private Jedis client() {
    return new Jedis("127.0.0.1", server.port(), 120_000);
  }

  private static Object cmd(Jedis j, String... args) {
    return text(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length)));
  }

  private static Object text(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(text(x)));
      return out;
    }
    return o;
  }

  /** The first row of a result set. */
  private static List<?> firstRow(Object reply) {
    return (List<?>) ((List<?>) ((List<?>) reply).get(1)).get(0);
  }

  private long info(String field) {
    for (String line : jedis.info("graph_queries").split("\r\n")) {
      if (line.startsWith("graph_" + field + ":")) {
        return Long.parseLong(line.substring(field.length() + 7));
      }
    }
    throw new AssertionError(field + " not in INFO graph_queries");
  }

  @Test
  void longReadsLeavePingAndSetAnswered() throws Exception {
    cmd(jedis, "GRAPH.QUERY", "g", "UNWIND range(1, 3000) AS i CREATE (:P {i: i})");
    long before = info("reads_on_readers");
    String slow = "MATCH (a:P), (b:P) WHERE a.i * b.i = -1 RETURN count(*)";
    List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong readNanos = new AtomicLong();
    Thread[] readers = new Thread[2];
    for (int t = 0; t < readers.length; t++) {
      String command = t == 0 ? "GRAPH.RO_QUERY" : "GRAPH.QUERY"; // a read through GRAPH.QUERY goes to a reader too
      readers[t] = new Thread(() -> {
        try (Jedis j = client()) {
          long t0 = System.nanoTime();
          results.add(cmd(j, command, "g", slow));
          readNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
        }
      });
      readers[t].start();
    }
    long maxPing = 0;
    int answered = 0;
    Thread.sleep(100); // the reads are under way
    try (Jedis j = client()) {
      while (readers[0].isAlive() || readers[1].isAlive()) {
        long t0 = System.nanoTime();
        assertEquals("PONG", j.ping());
        assertEquals("OK", j.set("k", Integer.toString(answered)));
        assertEquals(Integer.toString(answered), j.get("k"));
        maxPing = Math.max(maxPing, System.nanoTime() - t0);
        answered++;
      }
    }
    for (Thread t : readers) {
      t.join();
    }
    assertEquals(2, results.size());
    for (Object r : results) {
      assertEquals(List.of(0L), firstRow(r), String.valueOf(r));
    }
    long readMillis = readNanos.get() / 1_000_000;
    long pingMillis = maxPing / 1_000_000;
    System.out.printf("reads took %d ms; %d PING+SET+GET rounds meanwhile, slowest %d ms%n", readMillis, answered,
        pingMillis);
    assertEquals(before + 2, info("reads_on_readers"));
    assertTrue(readMillis >= 500, "the reads must be long for the test to mean anything: " + readMillis + " ms");
    assertTrue(answered >= 20, answered + " rounds answered during " + readMillis + " ms of reads");
    assertTrue(pingMillis < Math.max(100, readMillis / 5), "slowest round " + pingMillis + " ms while reads took "
        + readMillis + " ms");
  }

  @Test
  void readsSeeOneGraphWhileWritesGoOn() throws Exception {
    long seed = System.nanoTime();
    System.out.println("GraphReadersIT seed " + seed);
    int accounts = 30;
    cmd(jedis, "GRAPH.QUERY", "bank", "UNWIND range(1, " + accounts + ") AS i CREATE (:Acc {id: i, v: 100})");
    cmd(jedis, "GRAPH.QUERY", "bank", "CREATE (:T)-[:L]->(:T)");
    // each write moves 7 between two accounts and adds a linked pair: the total stays, pairs and links agree
    String check = "MATCH (a:Acc) WITH collect(a.v) AS before"
        + " OPTIONAL MATCH (x:Acc), (y:Acc), (z:Acc) WHERE x.v + y.v + z.v = -1"
        + " WITH before, count(x) AS none"
        + " MATCH (a:Acc) WITH before, collect(a.v) AS after, sum(a.v) AS total"
        + " MATCH (t:T) WITH before, after, total, count(t) AS nodes"
        + " MATCH (:T)-[l:L]->(:T) RETURN before = after, total, nodes, count(l)";
    long preemptedBefore = info("reads_preempted");
    long queuedBefore = info("writes_queued");
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      boolean multi = w == 1; // inside MULTI a write cannot wait: it preempts the readers
      Random rnd = new Random(seed + w);
      threads.add(new Thread(() -> {
        try (Jedis j = client()) {
          while (!stop.get()) {
            int x = 1 + rnd.nextInt(accounts);
            int y = 1 + (x + rnd.nextInt(accounts - 1)) % accounts;
            String q = "CYPHER x=" + x + " y=" + y + " MATCH (a:Acc {id: $x}), (b:Acc {id: $y})"
                + " SET a.v = a.v - 7, b.v = b.v + 7 CREATE (:T)-[:L]->(:T)";
            if (multi) {
              Transaction t = j.multi();
              t.sendCommand(() -> "GRAPH.QUERY".getBytes(StandardCharsets.UTF_8), "bank", q);
              t.exec();
              sleep(250); // often enough to preempt some reads, rarely enough to let most finish on a reader
            } else {
              cmd(j, "GRAPH.QUERY", "bank", q);
            }
            writes.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failures.add("writer: " + e);
        }
      }));
    }
    for (int r = 0; r < 2; r++) {
      threads.add(new Thread(() -> {
        try (Jedis j = client()) {
          while (!stop.get()) {
            List<?> row = firstRow(cmd(j, "GRAPH.RO_QUERY", "bank", check));
            if (!row.get(0).equals("true") || !row.get(1).equals(accounts * 100L)
                || !row.get(2).equals(2 * (Long) row.get(3))) {
              failures.add("inconsistent read: " + row);
            }
            reads.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failures.add("reader: " + e);
        }
      }));
    }
    threads.forEach(Thread::start);
    long maxPing = 0;
    // until enough reads and writes overlapped (a loaded machine takes longer), 60 s at most
    long end = System.currentTimeMillis() + 60_000;
    try (Jedis j = client()) {
      while (System.currentTimeMillis() < end && (reads.get() < 6 || writes.get() < 20)) {
        long t0 = System.nanoTime();
        assertEquals("PONG", j.ping());
        maxPing = Math.max(maxPing, System.nanoTime() - t0);
        sleep(2);
      }
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
    List<?> row = firstRow(cmd(jedis, "GRAPH.RO_QUERY", "bank", check));
    assertEquals(List.of("true", accounts * 100L, 2L * (writes.get() + 1), writes.get() + 1L), row);
    long preempted = info("reads_preempted") - preemptedBefore;
    long queued = info("writes_queued") - queuedBefore;
    System.out.printf("%d reads, %d writes, %d reads preempted, %d writes queued behind readers, %d reads on copies,"
        + " slowest PING %d ms%n", reads.get(), writes.get(), preempted, queued, info("reads_on_copies"),
        maxPing / 1_000_000);
    assertTrue(reads.get() >= 6 && writes.get() >= 20, reads.get() + " reads, " + writes.get() + " writes");
    assertTrue(queued > 0, "some writes waited for readers");
    assertTrue(preempted > 0, "some reads were preempted by the MULTI writer");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
