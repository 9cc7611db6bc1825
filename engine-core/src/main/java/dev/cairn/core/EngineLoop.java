package dev.cairn.core;

import java.util.concurrent.TimeUnit;

/**
 * The engine thread as the engine sees it: all keyspace access happens on it. Background threads hand work back with
 * {@link #execute}. The server implements it with the Netty event loop that also serves the clients.
 */
public interface EngineLoop {
  /** Whether the caller is the engine thread. */
  boolean inLoop();

  /** Runs {@code task} on the engine thread, after what is already queued. */
  void execute(Runnable task);

  /** Runs {@code task} once on the engine thread after {@code delay}; returns a handle that cancels it. */
  AutoCloseable schedule(Runnable task, long delay, TimeUnit unit);

  /** Runs {@code task} on the engine thread every {@code period}; returns a handle that cancels it. */
  AutoCloseable scheduleAtFixedRate(Runnable task, long period, TimeUnit unit);
}
