package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LfuTest {
  private static final long MINUTE = 60_000;

  @Test
  void newKeysStartAtFive() {
    long now = 1_000 * MINUTE;
    assertEquals(5, Lfu.counter(Lfu.initial(now), now, 1));
  }

  @Test
  void countersDecayOnePerDecayPeriod() {
    long now = 1_000 * MINUTE;
    int data = Lfu.withCounter(now, 10);
    assertEquals(10, Lfu.counter(data, now + 59_000, 1));
    assertEquals(7, Lfu.counter(data, now + 3 * MINUTE, 1));
    assertEquals(9, Lfu.counter(data, now + 3 * MINUTE, 2));
    assertEquals(0, Lfu.counter(data, now + 100 * MINUTE, 1));
    assertEquals(10, Lfu.counter(data, now + 100 * MINUTE, 0), "decay time 0 never decays");
  }

  @Test
  void theMinuteClockWraps() {
    long last = 0xfffe * MINUTE;
    int data = Lfu.withCounter(last, 10);
    // Redis counts a wrap as 65535 minutes, not 65536: three minutes across it decay by two
    assertEquals(8, Lfu.counter(data, last + 3 * MINUTE, 1));
  }

  @Test
  void growthIsLogarithmicAndSaturates() {
    long now = 1_000 * MINUTE;
    int data = Lfu.initial(now);
    for (int i = 0; i < 1000; i++) {
      data = Lfu.accessed(data, now, 10, 1);
    }
    int after1000 = Lfu.counter(data, now, 1);
    // with log factor 10, a thousand hits reach about 18 in Redis's table
    assertTrue(after1000 > 10 && after1000 < 30, "counter " + after1000);
    data = Lfu.withCounter(now, 255);
    assertEquals(255, Lfu.counter(Lfu.accessed(data, now, 0, 1), now, 1));
    data = Lfu.initial(now);
    for (int i = 0; i < 300; i++) {
      data = Lfu.accessed(data, now, 0, 1); // factor 0: every access counts
    }
    assertEquals(255, Lfu.counter(data, now, 1));
  }
}
