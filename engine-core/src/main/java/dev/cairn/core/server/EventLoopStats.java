package dev.cairn.core.server;

/**
 * INFO's event loop figures (Redis 7.2's eventloop_* fields). A cycle is one piece of work of the engine thread: the
 * batch of input read from one connection in one go (with the commands it ran), or a cron tick. Durations are what the
 * engine thread spent working, in microseconds; the instantaneous figures are means over the last 16 samples of 100
 * ms, as for the other instantaneous_* fields.
 */
public final class EventLoopStats {
  private static final int SAMPLES = InstantaneousMetrics.SAMPLES;

  private long cycles;
  private long durationNanos;
  private long commandNanos;
  private long cronNanos;
  private long maxNanos;
  private long commandsPerCycleMax;

  private boolean inCycle;
  private long cycleStart;
  private long commandsThisCycle;

  private final long[] cyclesPerSec = new long[SAMPLES];
  private final long[] durationPerCycle = new long[SAMPLES];
  private int sample;
  private long lastSampleMillis;
  private long lastCycles;
  private long lastDurationNanos;

  /** Input arrived: a cycle starts unless one is under way. */
  public void begin() {
    if (!inCycle) {
      inCycle = true;
      cycleStart = System.nanoTime();
      commandsThisCycle = 0;
    }
  }

  /** A command ran, taking {@code nanos}. */
  public void command(long nanos) {
    commandNanos += nanos;
    commandsThisCycle++;
  }

  /** The input batch has been handled and its replies flushed. */
  public void end() {
    if (inCycle) {
      inCycle = false;
      cycleDone(System.nanoTime() - cycleStart);
      commandsPerCycleMax = Math.max(commandsPerCycleMax, commandsThisCycle);
    }
  }

  /** A cron tick ran, taking {@code nanos}; every 100 ms it also samples the instantaneous figures. */
  public void cron(long nanos, long nowMillis) {
    cronNanos += nanos;
    cycleDone(nanos);
    long elapsed = nowMillis - lastSampleMillis;
    if (lastSampleMillis == 0 || elapsed >= InstantaneousMetrics.PERIOD_MS) {
      if (lastSampleMillis != 0) {
        long dc = cycles - lastCycles;
        cyclesPerSec[sample] = dc * 1000 / Math.max(1, elapsed);
        durationPerCycle[sample] = dc == 0 ? 0 : (durationNanos - lastDurationNanos) / 1000 / dc;
        sample = (sample + 1) % SAMPLES;
      }
      lastSampleMillis = nowMillis;
      lastCycles = cycles;
      lastDurationNanos = durationNanos;
    }
  }

  private void cycleDone(long nanos) {
    cycles++;
    durationNanos += nanos;
    maxNanos = Math.max(maxNanos, nanos);
  }

  public long cycles() {
    return cycles;
  }

  public long durationSumMicros() {
    return durationNanos / 1000;
  }

  public long commandSumMicros() {
    return commandNanos / 1000;
  }

  public long cronSumMicros() {
    return cronNanos / 1000;
  }

  public long durationMaxMicros() {
    return maxNanos / 1000;
  }

  public long commandsPerCycleMax() {
    return commandsPerCycleMax;
  }

  public long instantaneousCyclesPerSec() {
    return mean(cyclesPerSec);
  }

  public long instantaneousDurationMicros() {
    return mean(durationPerCycle);
  }

  private static long mean(long[] samples) {
    long sum = 0;
    for (long s : samples) {
      sum += s;
    }
    return sum / samples.length;
  }

  /** CONFIG RESETSTAT. */
  public void reset() {
    cycles = 0;
    durationNanos = 0;
    commandNanos = 0;
    cronNanos = 0;
    maxNanos = 0;
    commandsPerCycleMax = 0;
    java.util.Arrays.fill(cyclesPerSec, 0);
    java.util.Arrays.fill(durationPerCycle, 0);
    lastSampleMillis = 0;
  }
}
