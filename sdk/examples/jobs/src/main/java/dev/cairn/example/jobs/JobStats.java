package dev.cairn.example.jobs;

/** Counters INFO jobs_stats shows. Written on the engine thread only (commands, listeners, timers, tasks). */
final class JobStats {
  long pushed;
  long taken;
  long checksums;
  long timersFired;
  long keysRemoved;
  long flushes;
  long legacyRewrites;
}
