package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of effects that leaves the engine: each write command's effect (the command itself, or the
 * replacement commands it chose, e.g. PEXPIREAT for EXPIRE) with its database. The AOF ({@code dev.cairn.core.aof})
 * consumes it, replicas will subscribe the same way; with no listener emitting costs a list check. While a dataset is
 * being loaded from disk nothing is emitted: loading replays effects that are already persisted.
 */
public final class Propagation {
  /** Consumes effects in order, on the engine thread. */
  public interface Listener {
    void effect(int dbIndex, byte[][] command);
  }

  private final List<Listener> listeners = new ArrayList<>();
  private int suppressed;

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public boolean hasListeners() {
    return !listeners.isEmpty() && suppressed == 0;
  }

  /** Stops emitting until {@link #resume} (nested calls count): loading a dataset replays what is persisted. */
  public void suppress() {
    suppressed++;
  }

  public void resume() {
    suppressed--;
  }

  public void emit(int dbIndex, byte[][] command) {
    if (suppressed > 0) {
      return;
    }
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).effect(dbIndex, command);
    }
  }
}
