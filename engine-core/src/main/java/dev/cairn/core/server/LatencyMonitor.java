package dev.cairn.core.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency monitor: for each event (e.g. "command", "fast-command") the latest 160 spikes at or above
 * {@code latency-monitor-threshold}, one per second (a second's worst), and the worst ever seen.
 */
public final class LatencyMonitor {
  static final int HISTORY = 160;

  /** One second's worst latency. */
  public record Sample(long timeSeconds, long millis) { }

  /** An event's history. */
  public static final class Series {
    final Deque<Sample> samples = new ArrayDeque<>();
    long max;

    public Iterable<Sample> samples() {
      return samples;
    }

    public Sample latest() {
      return samples.peekLast();
    }

    public long max() {
      return max;
    }
  }

  private final Map<String, Series> events = new LinkedHashMap<>();

  /** Records {@code millis} for {@code event} now, if the threshold is on and reached. */
  public void addIfNeeded(String event, long millis, long thresholdMillis) {
    if (thresholdMillis > 0 && millis >= thresholdMillis) {
      add(event, millis, System.currentTimeMillis() / 1000);
    }
  }

  void add(String event, long millis, long nowSeconds) {
    Series s = events.computeIfAbsent(event, e -> new Series());
    s.max = Math.max(s.max, millis);
    Sample last = s.samples.peekLast();
    if (last != null && last.timeSeconds() == nowSeconds) {
      s.samples.pollLast();
      s.samples.addLast(new Sample(nowSeconds, Math.max(last.millis(), millis)));
      return;
    }
    s.samples.addLast(new Sample(nowSeconds, millis));
    if (s.samples.size() > HISTORY) {
      s.samples.pollFirst();
    }
  }

  public Map<String, Series> events() {
    return events;
  }

  /** Forgets one event; true if it had any history. */
  public boolean reset(String event) {
    return events.remove(event) != null;
  }

  /** Forgets everything; returns how many events there were. */
  public int resetAll() {
    int n = events.size();
    events.clear();
    return n;
  }
}
