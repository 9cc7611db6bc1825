package dev.cairn.server;

import dev.cairn.core.log.Log;
import java.util.ArrayList;
import java.util.List;

/**
 * Where start-up time goes, logged at debug level once the server is ready: the launcher's and the JVM's own start
 * (from the process's start, to the clock tick: the launcher script execs the JVM in the same process), then each
 * step of {@link Main}, each with the process's CPU time (all threads: the JIT and the collector count) where /proc
 * gives it, to the clock tick. Redis's test suite starts hundreds of servers, and its Sentinel suite gives a restarted
 * sentinel 5 s to answer, so this is the first thing to look at when start-up slows down: on a loaded machine the wall
 * time is the CPU time stretched by the load.
 */
final class StartupTimer {
  private static final List<String> STEPS = new ArrayList<>();
  private static long mainNanos;
  private static long mainMillis;
  private static long last;
  /** The process's CPU time at the end of the last step, in clock ticks; -1 where /proc has none. */
  private static long lastCpu;
  private static long mainCpu;
  /** Only the server process times itself (embedded servers start many times in one JVM). */
  private static boolean on;

  private StartupTimer() {}

  static synchronized void start() {
    on = true;
    mainMillis = System.currentTimeMillis();
    mainNanos = last = System.nanoTime();
    mainCpu = lastCpu = cpuTicks();
  }

  /** The step that just ended. */
  static synchronized void step(String name) {
    if (!on) {
      return;
    }
    long now = System.nanoTime();
    long cpu = cpuTicks();
    STEPS.add(name + " " + (now - last) / 1_000_000 + " ms" + cpuText(lastCpu, cpu));
    last = now;
    lastCpu = cpu;
  }

  /** The process's user and system time so far (/proc/self/stat's utime and stime), in clock ticks; -1 if unknown. */
  private static long cpuTicks() {
    try {
      String[] f = procStatFields();
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** /proc/self/stat's fields after the command name, the process state first. */
  private static String[] procStatFields() throws java.io.IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /** " (cpu N ms)" for the CPU time between two readings, empty where either is unknown. */
  private static String cpuText(long from, long to) {
    return from < 0 || to < 0 ? "" : " (cpu " + (to - from) * 10 + " ms)"; // USER_HZ is 100 on Linux
  }

  /**
   * How long the process had run when main began: from /proc (its start in clock ticks since boot, the system's
   * uptime, both to the hundredth of a second), as ProcessHandle's start instant adds the boot time, which /proc gives
   * in whole seconds only. Elsewhere that start instant, or -1.
   */
  private static long processAgeAtMain() {
    try {
      long startTicks = Long.parseLong(procStatFields()[19]);
      String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
      long uptimeMillis = Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000);
      long sinceMain = (System.nanoTime() - mainNanos) / 1_000_000;
      return uptimeMillis - startTicks * 10 - sinceMain; // USER_HZ is 100 on Linux
    } catch (java.io.IOException | RuntimeException e) {
      return ProcessHandle.current().info().startInstant().map(start -> mainMillis - start.toEpochMilli()).orElse(-1L);
    }
  }

  static synchronized void log() {
    boolean wanted = on && Log.enabled(Log.Level.DEBUG);
    on = false;
    if (!wanted) {
      STEPS.clear();
      return;
    }
    long jvm = processAgeAtMain();
    Log.log(Log.Level.DEBUG, "Start-up: launcher and JVM to main " + jvm + " ms" + cpuText(0, mainCpu) + ", "
        + String.join(", ", STEPS) + "; total " + (jvm + (last - mainNanos) / 1_000_000) + " ms" + cpuText(0, lastCpu));
    STEPS.clear();
  }
}
