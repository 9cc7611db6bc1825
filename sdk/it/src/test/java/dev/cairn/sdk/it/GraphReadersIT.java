package dev.cairn.sdk.it;

import static dev.cairn.sdk.it.GraphServer.cmd;
import static dev.cairn.sdk.it.GraphServer.firstRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Graph reads on reader threads (the jar loaded as users load it): a long read leaves PING and SET answered, and reads
 * running while writes go on (queued behind them, or preempting them from MULTI) always see the graph between two
 * writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphReadersIT {
  private GraphServer server;
  private Jedis jedis;

  @BeforeAll
  void start() throws Exception {
    server = GraphServer.start("THREAD_COUNT", "2");
    jedis = client();
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
    return server.client(120_000);
  }

  private long info(String field) {
    return GraphServer.queriesInfo(jedis, field);
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
  void shortReadsRunInlineAndLongOnesOnReaders() throws Exception {
    cmd(jedis, "GRAPH.QUERY", "g", "UNWIND range(1, 3000) AS i CREATE (:P {i: i})");
    cmd(jedis, "GRAPH.QUERY", "g", "CREATE INDEX FOR (p:P) ON (p.i)");
    cmd(jedis, "GRAPH.QUERY", "g", "UNWIND range(1, 2999) AS i MATCH (a:P {i: i}), (b:P {i: i + 1})"
        + " CREATE (a)-[:N]->(b)");
    long inline = info("reads_inline");
    long onReaders = info("reads_on_readers");
    for (int i = 1; i <= 50; i++) { // a lookup by an indexed property and a hop: within the budget
      assertEquals(List.of((long) i, 1L), firstRow(cmd(jedis, "GRAPH.RO_QUERY", "g",
          "MATCH (a:P {i: " + i + "})-[:N]->(b) RETURN a.i, count(b)")));
    }
    assertEquals(inline + 50, info("reads_inline"));
    assertEquals(onReaders, info("reads_on_readers"));
    // an error raised inline is the query's error, as on a reader
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> cmd(jedis, "GRAPH.RO_QUERY", "g", "MATCH (a:P {i: 1}) RETURN a.i / 0"));
    assertEquals("Division by zero", e.getMessage());
    // a read over the budget is abandoned and runs on a reader, whose result is the whole answer
    assertEquals(List.of(2998L), firstRow(cmd(jedis, "GRAPH.RO_QUERY", "g",
        "MATCH (a:P)-[:N]->(b)-[:N]->(c) RETURN count(c)")));
    assertEquals(onReaders + 1, info("reads_on_readers"));
    // while a long read is on a reader, short reads still run inline beside it
    Thread slow = new Thread(() -> {
      try (Jedis j = client()) {
        cmd(j, "GRAPH.RO_QUERY", "g", "MATCH (a:P), (b:P) WHERE a.i * b.i = -1 RETURN count(*)");
      }
    });
    slow.start();
    long t0 = System.nanoTime();
    while (info("reads_on_readers") == onReaders + 1 && System.nanoTime() - t0 < 10_000_000_000L) {
      Thread.sleep(5);
    }
    long before = info("reads_inline");
    assertEquals(List.of(7L), firstRow(cmd(jedis, "GRAPH.RO_QUERY", "g", "MATCH (a:P {i: 7}) RETURN a.i")));
    boolean slowStillRunning = slow.isAlive();
    assertEquals(before + 1, info("reads_inline"));
    slow.join();
    System.out.println("short read inline while a long read was on a reader: " + slowStillRunning);
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
