package dev.cairn.core.command;

/**
 * A command's latency distribution for LATENCY HISTOGRAM: power-of-two buckets from 1 microsecond (1024 ns) to about
 * a second, as Redis reports its histograms (it iterates its HDR histogram in such buckets). Values outside the range
 * are clamped into the first or last bucket, as Redis clamps them.
 */
public final class LatencyHistogram {
  static final long MIN_NANOS = 1024;
  static final int BUCKETS = 21; // 1024 ns << 20 is about 1.07 s
  private final long[] counts = new long[BUCKETS];
  private long total;

  public void record(long nanos) {
    long v = Math.max(MIN_NANOS, nanos);
    int b = 64 - Long.numberOfLeadingZeros((v - 1) / MIN_NANOS);
    counts[Math.min(BUCKETS - 1, b)]++;
    total++;
  }

  public long total() {
    return total;
  }

  /** The upper bound of bucket {@code i} in microseconds (1, 2, 4, 8, 16, 32, 65, ...). */
  public static long bucketMicros(int i) {
    return (MIN_NANOS << i) / 1000;
  }

  public long count(int bucket) {
    return counts[bucket];
  }

  public static int buckets() {
    return BUCKETS;
  }
}
