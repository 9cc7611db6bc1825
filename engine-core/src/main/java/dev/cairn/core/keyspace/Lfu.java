package dev.cairn.core.keyspace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The LFU access data kept per key under an LFU maxmemory policy, in the same 24 bits as the LRU clock: the minute of
 * the last decrement (16 bits) and a logarithmic access counter (8 bits). The counter grows with probability
 * {@code 1 / ((counter - 5) * logFactor + 1)} per access and loses one per {@code decayTime} minutes idle, as Redis's.
 */
public final class Lfu {
  private Lfu() {}

  /** The counter of a new key, so that it is not evicted before it had a chance to be used. */
  public static final int INIT_VAL = 5;

  static int minutes(long nowMillis) {
    return (int) ((nowMillis / 60_000) & 0xffff);
  }

  /** The data of a key created now. */
  public static int initial(long nowMillis) {
    return minutes(nowMillis) << 8 | INIT_VAL;
  }

  /** The data with counter {@code counter}, as of now (RESTORE ... FREQ). */
  public static int withCounter(long nowMillis, int counter) {
    return minutes(nowMillis) << 8 | counter;
  }

  /** The counter after decay for the minutes elapsed since the data was last updated (OBJECT FREQ). */
  public static int counter(int data, long nowMillis, long decayTime) {
    int counter = data & 0xff;
    if (decayTime <= 0) {
      return counter;
    }
    int last = data >>> 8 & 0xffff;
    int now = minutes(nowMillis);
    long elapsed = now >= last ? now - last : 0xffff - last + now; // the minute clock wraps every ~45 days
    long periods = elapsed / decayTime;
    return periods >= counter ? 0 : (int) (counter - periods);
  }

  /** The data after one access: decay, then a probabilistic logarithmic increment. */
  public static int accessed(int data, long nowMillis, long logFactor, long decayTime) {
    int counter = counter(data, nowMillis, decayTime);
    if (counter < 255) {
      double p = 1.0 / (Math.max(0, counter - INIT_VAL) * (double) logFactor + 1);
      if (ThreadLocalRandom.current().nextDouble() < p) {
        counter++;
      }
    }
    return minutes(nowMillis) << 8 | counter;
  }
}
