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
}
