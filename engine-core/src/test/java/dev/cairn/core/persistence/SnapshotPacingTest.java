package dev.cairn.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The snapshot thread yields to clients being served, and runs flat out otherwise. */
class SnapshotPacingTest {
  private static final long MS = 1_000_000;

  @Test
  void aBusyEngineGetsMostOfTheTime() {
    // 2 ms of work while 200 commands were served (100k/s): 30% duty, so 4.67 ms of pause
    assertEquals(2 * MS * 70 / 30, Snapshot.pause(2 * MS, 200));
    assertEquals(2 * MS * 70 / 30, Snapshot.pause(2 * MS, -5), "counters reset meanwhile");
  }

  @Test
  void anIdleOrBarelyUsedEngineDoesNotSlowTheSnapshot() {
    assertEquals(0, Snapshot.pause(2 * MS, 0));
    assertEquals(0, Snapshot.pause(2 * MS, 1), "a harness polling INFO");
    assertEquals(0, Snapshot.pause(2 * MS, 19));
    assertEquals(2 * MS * 70 / 30, Snapshot.pause(2 * MS, 20), "10k commands/s");
  }
}
