package dev.cairn.core.command;

import org.HdrHistogram.Histogram;

/**
 * A command's latency distribution, as Redis keeps one per command while {@code latency-tracking} is on: an HDR
 * histogram of nanoseconds from 1 ns to 1 s with two significant digits (values outside are clamped into it). INFO
 * latencystats reads percentiles from it; LATENCY HISTOGRAM reads it in power-of-two buckets from 1024 ns, as Redis
 * iterates its histogram.
 */
public final class LatencyHistogram {
  static final long MIN_NANOS = 1024;
  static final int BUCKETS = 21; // 1024 ns << 20 is about 1.07 s
  private static final long MAX_NANOS = 1_000_000_000L;
  private final Histogram hdr = new Histogram(1, MAX_NANOS, 2);

  public void record(long nanos) {
    hdr.recordValue(Math.max(1, Math.min(MAX_NANOS, nanos)));
  }

  public long total() {
    return hdr.getTotalCount();
  }

  /** The upper bound of bucket {@code i} in microseconds (1, 2, 4, 8, 16, 32, 65, ...). */
  public static long bucketMicros(int i) {
    return (MIN_NANOS << i) / 1000;
  }

  /** Calls whose latency falls in power-of-two bucket {@code bucket} (the first takes everything up to 1024 ns). */
  public long count(int bucket) {
    long below = bucket == 0 ? 0 : atOrBelow(MIN_NANOS << (bucket - 1));
    return (bucket == BUCKETS - 1 ? total() : atOrBelow(MIN_NANOS << bucket)) - below;
  }

  private long atOrBelow(long nanos) {
    return hdr.getCountBetweenValues(0, nanos);
  }

  public static int buckets() {
    return BUCKETS;
  }

  /** The latency at {@code percentile} (0..100) in nanoseconds, as HDR histograms report it. */
  public long valueAtPercentile(double percentile) {
    return hdr.getValueAtPercentile(percentile);
  }
}
