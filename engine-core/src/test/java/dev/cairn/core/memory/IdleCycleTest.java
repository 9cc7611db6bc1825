package dev.cairn.core.memory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleCycleTest {
  private final AtomicLong collections = new AtomicLong();
  private final AtomicLong committed = new AtomicLong(64L << 20);
  private final AtomicLong used = new AtomicLong(40L << 20);
  private final IdleCycle idle = new IdleCycle(collections::get, committed::get, used::get);
  private static final long Q = IdleCycle.QUIET_MILLIS;

  @Test
  void aQuietHeapThatDidNotMoveSinceTheLastCycleGetsNoOther() {
    assertFalse(idle.wantsCycle(0), "the first poll starts the quiet period");
    assertFalse(idle.wantsCycle(Q - 1));
    assertTrue(idle.wantsCycle(Q), "the first quiet period asks: nothing is known of the heap yet");
    collections.addAndGet(3); // the cycle's own pauses
    idle.cycleEnded(Q + 50);
    // commands that allocate nothing: no collection, the heap where the cycle left it, for a long time
    for (long t = Q + 100; t < 20 * Q; t += 100) {
      assertFalse(idle.wantsCycle(t), "at " + t);
    }
    used.addAndGet(1L << 20); // a little allocation, within the slack
    assertFalse(idle.wantsCycle(21 * Q));
  }

  @Test
  void aHeapThatGrewThenWentQuietGetsOneCycle() {
    idle.wantsCycle(0);
    assertTrue(idle.wantsCycle(Q));
    idle.cycleEnded(Q);
    // a burst: collections and a grown heap
    collections.addAndGet(10);
    committed.set(300L << 20);
    used.set(250L << 20);
    assertFalse(idle.wantsCycle(Q + 100), "a collection just ran: not quiet");
    assertFalse(idle.wantsCycle(2 * Q + 99));
    assertTrue(idle.wantsCycle(2 * Q + 100), "quiet for the period, and the heap moved");
    committed.set(70L << 20);
    used.set(45L << 20);
    collections.addAndGet(3);
    idle.cycleEnded(2 * Q + 200);
    assertFalse(idle.wantsCycle(4 * Q), "the cycle left the heap where it stays");
  }

  @Test
  void noQuietPeriodWhileCollectionsRun() {
    idle.wantsCycle(0);
    for (long t = 100; t < 10 * Q; t += 100) {
      if (t % 1000 == 0) {
        collections.incrementAndGet(); // allocation-driven young collections every second
      }
      assertFalse(idle.wantsCycle(t), "at " + t);
    }
  }

  @Test
  void theSlackIsTenPercentAndAtLeastFourMegabytes() {
    assertTrue(IdleCycle.slack(8L << 20) == IdleCycle.MIN_SLACK);
    assertTrue(IdleCycle.slack(500L << 20) == 50L << 20);
  }
}
