package dev.cairn.core.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text of LATENCY DOCTOR and LATENCY GRAPH, in Cairn's own words and drawing. */
final class LatencyReport {
  static final int GRAPH_COLUMNS = 80;
  static final int GRAPH_ROWS = 4;

  private LatencyReport() {}

  /** LATENCY DOCTOR: per event, how many spikes, their average and spread, and the worst; then advice. */
  static String doctor(Map<String, LatencyMonitor.Series> events, long thresholdMillis) {
    StringBuilder sb = new StringBuilder();
    if (events.isEmpty()) {
      sb.append("No latency spike has been recorded since the server started or the last LATENCY RESET.\n");
    } else {
      sb.append("Latency spikes recorded since the server started or the last LATENCY RESET:\n\n");
      for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
        List<LatencyMonitor.Sample> samples = new ArrayList<>();
        e.getValue().samples().forEach(samples::add);
        double avg = samples.stream().mapToLong(LatencyMonitor.Sample::millis).average().orElse(0);
        double dev = samples.stream().mapToDouble(s -> Math.abs(s.millis() - avg)).average().orElse(0);
        long first = samples.get(0).timeSeconds();
        long last = samples.get(samples.size() - 1).timeSeconds();
        sb.append(String.format(Locale.ROOT, "- %s: %d spikes in the last %d seconds, average %.0f ms, mean deviation "
            + "%.0f ms; worst ever %d ms.%n", e.getKey(), samples.size(), Math.max(0, last - first), avg, dev,
            e.getValue().max()));
      }
      sb.append('\n');
      if (events.containsKey("command")) {
        sb.append("Slow \"command\" events come from commands that are slow by nature (O(N) over big values, KEYS, "
            + "DEBUG SLEEP); SLOWLOG GET shows which ones.\n");
      }
      if (events.containsKey("fast-command")) {
        sb.append("Slow \"fast-command\" events come from O(1) or O(log N) commands: the process was held up (a "
            + "garbage collection pause, a busy machine, swapping). Check the JVM's GC log and the host's load.\n");
      }
    }
    if (thresholdMillis == 0) {
      sb.append("The latency monitor is off; turn it on with CONFIG SET latency-monitor-threshold <milliseconds>.\n");
    }
    return sb.toString();
  }

  /** LATENCY GRAPH: a header with the range, then columns of '#' for the latest samples, oldest on the left. */
  static String graph(String event, LatencyMonitor.Series series) {
    List<LatencyMonitor.Sample> samples = new ArrayList<>();
    series.samples().forEach(samples::add);
    if (samples.size() > GRAPH_COLUMNS) {
      samples = samples.subList(samples.size() - GRAPH_COLUMNS, samples.size());
    }
    long max = samples.stream().mapToLong(LatencyMonitor.Sample::millis).max().orElse(0);
    long min = samples.stream().mapToLong(LatencyMonitor.Sample::millis).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    sb.append(event).append(" - high ").append(max).append(" ms, low ").append(min).append(" ms (all time high ")
        .append(series.max()).append(" ms)\n");
    sb.append("-".repeat(GRAPH_COLUMNS)).append('\n');
    for (int row = GRAPH_ROWS; row >= 1; row--) {
      for (LatencyMonitor.Sample s : samples) {
        long height = max == min ? GRAPH_ROWS : 1 + (s.millis() - min) * (GRAPH_ROWS - 1) / (max - min);
        sb.append(height >= row ? '#' : ' ');
      }
      sb.append('\n');
    }
    long now = System.currentTimeMillis() / 1000;
    sb.append("(").append(samples.size()).append(" samples, the latest ")
        .append(now - samples.get(samples.size() - 1).timeSeconds()).append(" s ago)\n");
    return sb.toString();
  }
}
