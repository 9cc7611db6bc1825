package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What has lived long enough to be in the old generation is counted reclaimed within a few of the concurrent cycles lazy
 * free asks for (every 500 ms). Watched itself through a new (young) phantom reference, G1 did not enqueue the
 * reference until it was tenured: 8-9 s.
 */
class LazyFreeTest {
  static volatile Object sink;

  @Test
  void flushedOldTableIsReclaimedWithinAFewCycles() throws InterruptedException {
    assumeConcurrentG1();
    Keyspace ks = new Keyspace(1);
    ks.updateTime();
    Db db = ks.db(0);
    for (int i = 0; i < 1000; i++) {
      db.add(b("key:" + i), b("value:" + i));
    }
    tenure();
    LazyFree lazy = new LazyFree(new CycleRequests(System::gc, true));

    assertEquals(1000, lazy.flush(db, true));
    assertEquals(1000, lazy.pending());
    assertReclaimed(lazy, 1000, "the flushed table");
    assertEquals(0, db.size());
  }

  @Test
  void unlinkedOldSetIsReclaimedWithinAFewCycles() throws InterruptedException {
    assumeConcurrentG1();
    SetValue set = SetValue.create(b("m0"), 1000, SetValue.Limits.DEFAULT);
    for (int i = 0; i < 1000; i++) {
      set.add(b("m" + i), SetValue.Limits.DEFAULT);
    }
    tenure();
    LazyFree lazy = new LazyFree(new CycleRequests(System::gc, true));

    lazy.releaseValue(set);
    set = null;
    assertEquals(1, lazy.pending());
    assertReclaimed(lazy, 1, "the unlinked set");
  }

  @Test
  void unlinkedOldListIsReclaimedWithinAFewCycles() throws InterruptedException {
    assumeConcurrentG1();
    ListValue list = new ListValue();
    for (int i = 0; i < 10_000; i++) {
      list.convertForAdd(6, 1, 128);
      list.push(b("v" + i), false, 128);
    }
    tenure();
    LazyFree lazy = new LazyFree(new CycleRequests(System::gc, true));

    lazy.releaseValue(list); // a quicklist of 79 nodes: above the threshold
    list = null;
    assertEquals(1, lazy.pending());
    assertReclaimed(lazy, 1, "the unlinked list");
  }

  private static void assumeConcurrentG1() {
    boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("G1"));
    Assumptions.assumeTrue(g1 && LazyFree.explicitGcIsConcurrent());
  }

  /** Young collections past the largest tenuring threshold: what was allocated before is in the old generation. */
  private static void tenure() {
    var young = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b.getName().equals("G1 Young Generation")).findFirst().orElseThrow();
    long collections = young.getCollectionCount();
    while (young.getCollectionCount() < collections + 20) {
      for (int i = 0; i < 10_000; i++) {
        sink = new byte[1024];
      }
    }
    sink = null;
  }

  private static void assertReclaimed(LazyFree lazy, long count, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 4_000_000_000L;
    while (lazy.pending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, lazy.pending(), what + " still pending after 4 s");
    assertEquals(count, lazy.freed());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
