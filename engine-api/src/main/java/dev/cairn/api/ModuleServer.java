package dev.cairn.api;

import java.util.function.Consumer;

/**
 * The server as a module's background threads see it. All keyspace access happens on the engine thread: a thread that
 * needs it hands a task to {@link #execute}, which runs it there after what is already queued.
 */
public interface ModuleServer {
  /** Runs {@code task} on the engine thread (from any thread); dropped once the module is unloaded. */
  void execute(Consumer<ServerAccess> task);

  /** Whether the caller is the engine thread. */
  boolean inEngineThread();

  /**
   * The keyspace for code that already runs on the engine thread (a keyspace or server event listener, a command), with
   * no hand-off: a listener that must read what just changed uses this. Throws {@link IllegalStateException} when
   * called from another thread.
   */
  ServerAccess access();

  /**
   * The API another module exported under {@code name} ({@link ModuleContext#exportSharedApi}), or null while no loaded
   * module exports it (Redis's {@code RM_GetSharedAPI}). Resolved when called, so the two modules may load in any
   * order: look it up when a command needs it rather than once in {@code onLoad}. The first successful lookup records
   * that this module uses the exporter (INFO modules {@code usedby}/{@code using}; the exporter cannot be unloaded
   * first). Throws {@link ClassCastException} when the export is not a {@code type}.
   */
  <T> T sharedApi(String name, Class<T> type);

  /**
   * Runs {@code callback} once on the engine thread after {@code delayMillis} (Redis's {@code RedisModule_CreateTimer}),
   * as an engine task of its own: its effects propagate together, blocked clients whose keys it changed are served
   * after it. From any thread. Timers stop when the module unloads.
   *
   * @since API 1.1
   */
  ModuleTimer createTimer(long delayMillis, Consumer<ServerAccess> callback);

  /**
   * Runs {@code callback} on the engine thread every {@code periodMillis} (the first time after one period) until the
   * timer is stopped or the module unloads. A callback that throws is logged and runs again next period.
   *
   * @since API 1.1
   */
  ModuleTimer createRepeatingTimer(long periodMillis, Consumer<ServerAccess> callback);
}
