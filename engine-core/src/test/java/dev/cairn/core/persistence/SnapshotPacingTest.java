package dev.cairn.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The snapshot thread keeps to its processor budget while clients are served, and runs flat out otherwise. */
class SnapshotPacingTest {
  private static final long MS = 1_000_000;
  private static final int P = Snapshot.BUSY_CPU_PERCENT;

  @Test
  void aBusyEngineGetsMostOfTheProcessor() {
    // 2 ms of processor time in 2 ms of wall time while 200 commands were served over 2 ms (100k/s): the pause brings
    // the thread's share down to the budget
    assertEquals(2 * MS * 100 / P - 2 * MS, Snapshot.pause(2 * MS, 2 * MS, 200, 2 * MS));
    assertEquals(2 * MS * 100 / P - 2 * MS, Snapshot.pause(2 * MS, 2 * MS, -5, 2 * MS), "counters reset meanwhile");
  }

  @Test
  void timeSpentPreemptedCountsAsPause() {
    // the thread waited for a processor for 3 ms of the 5 it took to use 2 ms: it pauses that much less
    assertEquals(2 * MS * 100 / P - 5 * MS, Snapshot.pause(2 * MS, 5 * MS, 500, 5 * MS));
    // and not at all once its share is under the budget already
    assertEquals(0, Snapshot.pause(2 * MS, 2 * MS * 100 / P + 1, 10_000, 20 * MS));
  }

  @Test
  void anIdleOrBarelyUsedEngineDoesNotSlowTheSnapshot() {
    assertEquals(0, Snapshot.pause(2 * MS, 2 * MS, 0, 2 * MS));
    assertEquals(0, Snapshot.pause(2 * MS, 2 * MS, 1, 2 * MS), "a harness polling INFO");
    // the rate is over the whole period since the last decision, the last pause included
    assertEquals(0, Snapshot.pause(2 * MS, 2 * MS, 99, 10 * MS));
    assertEquals(2 * MS * 100 / P - 2 * MS, Snapshot.pause(2 * MS, 2 * MS, 100, 10 * MS), "10k commands/s");
  }
}
