package dev.cairn.server;

import dev.cairn.core.log.Log;
import java.util.ArrayList;
import java.util.List;

/**
 * Where start-up time goes, logged at debug level once the server is ready: the JVM's own start (from the process's
 * start time, to the clock tick), then each step of {@link Main}. Redis's test suite starts hundreds of servers, so
 * this is the first thing to look at when start-up slows down.
 */
final class StartupTimer {
  private static final List<String> STEPS = new ArrayList<>();
  private static long mainNanos;
  private static long mainMillis;
  private static long last;
  /** Only the server process times itself (embedded servers start many times in one JVM). */
  private static boolean on;

  private StartupTimer() {}

  static synchronized void start() {
    on = true;
    mainMillis = System.currentTimeMillis();
    mainNanos = last = System.nanoTime();
  }

  /** The step that just ended. */
  static synchronized void step(String name) {
    if (!on) {
      return;
    }
    long now = System.nanoTime();
    STEPS.add(name + " " + (now - last) / 1_000_000 + " ms");
    last = now;
  }

  static synchronized void log() {
    boolean wanted = on && Log.enabled(Log.Level.DEBUG);
    on = false;
    if (!wanted) {
      STEPS.clear();
      return;
    }
    long jvm = ProcessHandle.current().info().startInstant()
        .map(start -> mainMillis - start.toEpochMilli()).orElse(-1L);
    Log.log(Log.Level.DEBUG, "Start-up: JVM to main " + jvm + " ms, " + String.join(", ", STEPS) + "; total "
        + (jvm + (last - mainNanos) / 1_000_000) + " ms");
    STEPS.clear();
  }
}
