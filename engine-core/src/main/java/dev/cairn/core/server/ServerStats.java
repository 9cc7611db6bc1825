package dev.cairn.core.server;

import java.util.Map;
import java.util.TreeMap;

/** Server-wide counters for INFO stats and errorstats (engine thread only). */
public final class ServerStats {
  public final long startMillis = System.currentTimeMillis();
  public final long startNanos = System.nanoTime();
  public long totalConnectionsReceived;
  public long totalCommandsProcessed;
  public long rejectedConnections;
  public long netInputBytes;
  public long netOutputBytes;
  public long totalErrorReplies;
  public long unexpectedErrorReplies;
  public long clientQueryBufferLimitDisconnections;
  public long clientOutputBufferLimitDisconnections;
  public long dirty;
  /** Background saving jobs started (INFO total_forks: Cairn's jobs are threads, not forked processes). */
  public long totalForks;
  /** INFO used_memory_peak: the highest heap use seen (cron and INFO sample it). */
  public long peakMemory;
  /** INFO used_memory_startup: heap in use when the engine started. */
  /** used_memory when the server started (set by the engine's start). */
  public long startupMemory;
  public final InstantaneousMetrics instantaneous = new InstantaneousMetrics();
  /** Error replies by code (ERR, WRONGTYPE, ...). */
  public final Map<String, Long> errorCounts = new TreeMap<>();

  public void countError(String code) {
    totalErrorReplies++;
    if (errorCounts.size() >= 128 && !errorCounts.containsKey(code)) {
      return; // Redis caps the number of distinct error codes it tracks
    }
    errorCounts.merge(code, 1L, Long::sum);
  }

  public void notePeakMemory(long used) {
    if (used > peakMemory) {
      peakMemory = used;
    }
  }

  public void reset() {
    instantaneous.reset();
    totalConnectionsReceived = 0;
    totalCommandsProcessed = 0;
    rejectedConnections = 0;
    netInputBytes = 0;
    netOutputBytes = 0;
    totalErrorReplies = 0;
    unexpectedErrorReplies = 0;
    clientQueryBufferLimitDisconnections = 0;
    clientOutputBufferLimitDisconnections = 0;
    errorCounts.clear();
  }
}
