package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of effects that leaves the engine: each write command's effect (the command itself, or the
 * replacement commands it chose, e.g. PEXPIREAT for EXPIRE) with its database. The AOF ({@code dev.cairn.core.aof})
 * consumes it, replicas will subscribe the same way; with no listener emitting costs a list check. While a dataset is
 * being loaded from disk nothing is emitted: loading replays effects that are already persisted.
 *
 * <p>Effects emitted between {@link #beginAtomic()} and {@link #endAtomic()} (a script) are held back and leave
 * together at the end, wrapped in MULTI/EXEC when there is more than one, as Redis 7 propagates scripts. Each effect
 * carries its targets (AOF, replicas): {@code redis.set_repl} can keep a script's writes from one or both.
 */
public final class Propagation {
  public static final int TARGET_AOF = 1;
  public static final int TARGET_REPLICAS = 2;
  public static final int TARGET_ALL = TARGET_AOF | TARGET_REPLICAS;

  /** Consumes effects in order, on the engine thread. */
  public interface Listener {
    void effect(int dbIndex, byte[][] command);

    /** Which effects this listener takes: {@link #TARGET_AOF}, {@link #TARGET_REPLICAS} or both. */
    default int targets() {
      return TARGET_ALL;
    }
  }

  private record Held(int dbIndex, byte[][] command, int targets) { }

  private static final byte[][] MULTI = {{'M', 'U', 'L', 'T', 'I'}};
  private static final byte[][] EXEC = {{'E', 'X', 'E', 'C'}};

  private final List<Listener> listeners = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private int atomicDepth;
  /** Targets of what is emitted now (a script's {@code redis.set_repl}). */
  private int targets = TARGET_ALL;
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

  /** Sets where the effects emitted from now on go; a script's {@code redis.set_repl}. Reset by {@link #endAtomic}. */
  public void setTargets(int targets) {
    this.targets = targets;
  }

  public void emit(int dbIndex, byte[][] command) {
    if (targets == 0 || suppressed > 0) {
      return;
    }
    if (atomicDepth > 0) {
      held.add(new Held(dbIndex, command, targets));
      return;
    }
    send(dbIndex, command, targets);
  }

  private void send(int dbIndex, byte[][] command, int to) {
    for (int i = 0; i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      if ((l.targets() & to) != 0) {
        l.effect(dbIndex, command);
      }
    }
  }

  /** Holds effects back until the matching {@link #endAtomic()}; nests. */
  public void beginAtomic() {
    atomicDepth++;
  }

  /** Lets the held effects go, as one MULTI/EXEC transaction when there are several. */
  public void endAtomic() {
    if (atomicDepth == 0 || --atomicDepth > 0) {
      return;
    }
    targets = TARGET_ALL;
    if (held.isEmpty()) {
      return;
    }
    List<Held> batch = new ArrayList<>(held);
    held.clear();
    if (batch.size() == 1) {
      Held h = batch.get(0);
      send(h.dbIndex, h.command, h.targets);
      return;
    }
    int all = 0;
    for (Held h : batch) {
      all |= h.targets;
    }
    send(batch.get(0).dbIndex, MULTI, all);
    for (Held h : batch) {
      send(h.dbIndex, h.command, h.targets);
    }
    send(batch.get(batch.size() - 1).dbIndex, EXEC, all);
  }
}
