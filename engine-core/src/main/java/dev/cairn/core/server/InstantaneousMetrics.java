package dev.cairn.core.server;

/**
 * INFO's instantaneous_* figures: every 100 ms the cron samples the running totals, and the rate is the mean over the
 * last 16 samples, as Redis computes it.
 */
public final class InstantaneousMetrics {
  static final int SAMPLES = 16;
  static final long PERIOD_MS = 100;

  /** The metrics sampled. */
  public enum Metric { COMMANDS, NET_INPUT, NET_OUTPUT }

  private final long[][] samples = new long[Metric.values().length][SAMPLES];
  private final int[] index = new int[Metric.values().length];
  private final long[] lastValue = new long[Metric.values().length];
  private final long[] lastTime = new long[Metric.values().length];

  /** Samples each metric at most once per period; {@code values} are the running totals, in {@link Metric} order. */
  public void track(long nowMillis, long... values) {
    for (int m = 0; m < values.length; m++) {
      long elapsed = nowMillis - lastTime[m];
      if (lastTime[m] != 0 && elapsed < PERIOD_MS) {
        continue;
      }
      if (lastTime[m] != 0) {
        long delta = Math.max(0, values[m] - lastValue[m]);
        samples[m][index[m]] = delta * 1000 / Math.max(1, elapsed);
        index[m] = (index[m] + 1) % SAMPLES;
      }
      lastTime[m] = nowMillis;
      lastValue[m] = values[m];
    }
  }

  /** The mean per-second rate over the samples. */
  public long perSecond(Metric m) {
    long sum = 0;
    for (long s : samples[m.ordinal()]) {
      sum += s;
    }
    return sum / SAMPLES;
  }

  /** Forgets the samples (CONFIG RESETSTAT). */
  public void reset() {
    for (long[] s : samples) {
      java.util.Arrays.fill(s, 0);
    }
    java.util.Arrays.fill(lastTime, 0);
  }
}
