package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of effects that leaves the engine: each write command's effect (the command itself, or the
 * replacement commands it chose, e.g. PEXPIREAT for EXPIRE) with its database. The AOF and replicas will consume it;
 * until they exist nothing listens and emitting costs a list check.
 */
public final class Propagation {
  /** Consumes effects in order, on the engine thread. */
  public interface Listener {
    void effect(int dbIndex, byte[][] command);
  }

  private final List<Listener> listeners = new ArrayList<>();

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public boolean hasListeners() {
    return !listeners.isEmpty();
  }

  public void emit(int dbIndex, byte[][] command) {
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).effect(dbIndex, command);
    }
  }
}
