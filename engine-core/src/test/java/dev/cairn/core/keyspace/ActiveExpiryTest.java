package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.Engine;
import dev.cairn.core.EngineClients;
import org.junit.jupiter.api.Test;

/** The active expiry cycle's effort (active-expire-effort), as Redis scales its sample, stale share and budget. */
class ActiveExpiryTest {
  @Test
  void effortScalesLikeRedis() {
    assertEquals(20, ActiveExpiry.keysPerLoop(1));
    assertEquals(65, ActiveExpiry.keysPerLoop(10));
    assertEquals(10, ActiveExpiry.acceptableStalePercent(1));
    assertEquals(1, ActiveExpiry.acceptableStalePercent(10));
    assertEquals(25, ActiveExpiry.slowTimePercent(1));
    assertEquals(43, ActiveExpiry.slowTimePercent(10));
  }

  /**
   * 20,000 keys with a time to live, 8% of them expired: at effort 1 a cycle stops once a sample of 20 has at most 2
   * expired, at effort 10 only once a sample of 65 has none. Over 40 cycles a simulation of the sampling removed at
   * most 136 keys at effort 1 and at least 781 at effort 10 (500 runs each), so the bounds below are far from both.
   */
  @Test
  void aHigherEffortRemovesMoreOfASparselyExpiredKeyspace() throws Exception {
    long low = removedIn40Cycles(1);
    long high = removedIn40Cycles(10);
    System.out.println("ActiveExpiryTest: 40 cycles removed " + low + " keys at effort 1, " + high + " at effort 10");
    assertTrue(low < 300, "effort 1 removed " + low);
    assertTrue(high > 500, "effort 10 removed " + high);
  }

  private static long removedIn40Cycles(int effort) throws Exception {
    EngineClients clients = new EngineClients();
    int client = clients.connect();
    for (int i = 0; i < 20_000; i++) {
      clients.run(client, "SET", "k" + i, "v", "PX", i % 25 < 2 ? "1" : "1000000");
    }
    Engine engine = clients.engine;
    Thread.sleep(10);
    assertEquals(20_000, engine.keyspace().db(0).expiresSize());
    ActiveExpiry expiry = new ActiveExpiry(engine.keyspace());
    long removed = 0;
    for (int i = 0; i < 40; i++) {
      removed += expiry.run(10, effort);
    }
    assertEquals(20_000 - removed, engine.keyspace().db(0).expiresSize());
    return removed;
  }
}
