package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Keyspace;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LazyFreeTest {
  static volatile Object sink;

  /**
   * A table that has lived long enough to be in the old generation is counted reclaimed within a few of the concurrent
   * cycles lazy free asks for (every 500 ms). Watching the table itself through a new (young) phantom reference, G1 did
   * not enqueue the reference until it was tenured: 8-9 s.
   */
  @Test
  void flushedOldTableIsReclaimedWithinAFewCycles() throws InterruptedException {
    boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("G1"));
    Assumptions.assumeTrue(g1 && LazyFree.explicitGcIsConcurrent());
    Keyspace ks = new Keyspace(1);
    ks.updateTime();
    Db db = ks.db(0);
    for (int i = 0; i < 1000; i++) {
      db.add(("key:" + i).getBytes(StandardCharsets.UTF_8), ("value:" + i).getBytes(StandardCharsets.UTF_8));
    }
    var young = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b.getName().equals("G1 Young Generation")).findFirst().orElseThrow();
    long collections = young.getCollectionCount();
    while (young.getCollectionCount() < collections + 20) { // past the largest tenuring threshold: the table is old
      for (int i = 0; i < 10_000; i++) {
        sink = new byte[1024];
      }
    }
    sink = null;
    LazyFree lazy = new LazyFree(new CycleRequests(System::gc, true));

    assertEquals(1000, lazy.flush(db, true));
    assertEquals(1000, lazy.pending());
    long deadline = System.nanoTime() + 4_000_000_000L;
    while (lazy.pending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, lazy.pending(), "the flushed table still pending after 4 s");
    assertEquals(1000, lazy.freed());
    assertEquals(0, db.size());
  }
}
