package dev.cairn.api;

/**
 * A timer a module started ({@link ModuleServer#createTimer}, {@link ModuleServer#createRepeatingTimer}), Redis's
 * {@code RedisModule_CreateTimer}. Its callback runs on the engine thread. Every method may be called from any thread.
 */
public interface ModuleTimer {
  /**
   * Stops the timer (Redis's {@code RedisModule_StopTimer}): its callback will not run again. Returns true if it was
   * still pending, false if a one-shot timer had fired already or the timer was stopped before.
   */
  boolean stop();

  /** Milliseconds until the callback runs next (0 when it is due), or -1 once fired (one-shot) or stopped. */
  long remainingMillis();
}
