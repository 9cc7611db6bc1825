package dev.cairn.core.keyspace;

/** The access clock kept per key for OBJECT IDLETIME (seconds resolution, 24 bits, wrapping as Redis's does). */
public final class LruClock {
  private LruClock() {}

  public static final int MAX = (1 << 24) - 1;

  /** The clock now. */
  public static int now(long millis) {
    return (int) ((millis / 1000) & MAX);
  }

  /** Seconds since {@code lru}, allowing for one wrap of the clock. */
  public static long idleSeconds(int lru, long nowMillis) {
    int clock = now(nowMillis);
    return clock >= lru ? clock - lru : (MAX - lru) + clock;
  }
}
