package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of effects that leaves the engine: each write command's effect (the command itself, or the
 * replacement commands it chose, e.g. PEXPIREAT for EXPIRE) with its database. The AOF ({@code dev.cairn.core.aof})
 * consumes it, and so does replication; while no listener wants effects, emitting costs a check of the listeners. While
 * a dataset is being loaded from disk nothing is emitted: loading replays effects that are already persisted.
 *
 * <p>Effects are grouped by <b>execution unit</b>, as Redis 7 does: a top-level command, an EXEC, a script, a blocked
 * command served again. While a unit is open, effects are held; when it closes, a unit with one effect emits it alone,
 * and a unit with more emits them between {@code MULTI} and {@code EXEC} (database -1: the wrapper needs no SELECT), so
 * that consumers apply the unit atomically. A transaction or a script therefore propagates as its effects, not as the
 * commands the client sent, and a lazily expired key's DEL travels in the same transaction as the write that found it
 * expired. Effects emitted outside any unit (the active expiry cycle) leave one by one.
 *
 * <p>Each effect carries its targets (AOF, replicas): PUBLISH goes to replicas only, and a script's
 * {@code redis.set_repl} can keep its writes from one or both.
 */
public final class Propagation {
  public static final int TARGET_AOF = 1;
  public static final int TARGET_REPLICAS = 2;
  public static final int TARGET_ALL = TARGET_AOF | TARGET_REPLICAS;

  /** Consumes effects in order, on the engine thread; {@code dbIndex} -1 marks the MULTI/EXEC wrapper of a unit. */
  public interface Listener {
    void effect(int dbIndex, byte[][] command);

    /** Which effects this listener takes: {@link #TARGET_AOF}, {@link #TARGET_REPLICAS} or both. */
    default int targets() {
      return TARGET_ALL;
    }

    /**
     * Whether this listener takes effects now: replication without a backlog has nobody to tell, and while no listener
     * wants them, writers skip building them (an array per write).
     */
    default boolean wantsEffects() {
      return true;
    }
  }

  static final byte[][] MULTI = {"MULTI".getBytes(StandardCharsets.US_ASCII)};
  static final byte[][] EXEC = {"EXEC".getBytes(StandardCharsets.US_ASCII)};

  private final List<Listener> listeners = new ArrayList<>();
  /** Depth of open execution units. */
  private int depth;
  /** Effects held in the open unit: their databases, targets and commands. */
  private int[] pendingDb = new int[8];
  private int[] pendingTargets = new int[8];
  private byte[][][] pending = new byte[8][][];
  private int pendingCount;
  /** Set for the running unit when it must not be wrapped (SCAN, RANDOMKEY: Redis's touches-arbitrary-keys). */
  private boolean noWrap;
  /** Targets of what is emitted now (a script's {@code redis.set_repl}); reset when the outermost unit ends. */
  private int targets = TARGET_ALL;
  private int suppressed;

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public boolean hasListeners() {
    if (suppressed > 0) {
      return false;
    }
    for (int i = 0; i < listeners.size(); i++) {
      if (listeners.get(i).wantsEffects()) {
        return true;
      }
    }
    return false;
  }

  /** Stops emitting until {@link #resume} (nested calls count): loading a dataset replays what is persisted. */
  public void suppress() {
    suppressed++;
  }

  public void resume() {
    suppressed--;
  }

  /** Sets where the effects emitted from now on go; a script's {@code redis.set_repl}. Reset by {@link #exitUnit}. */
  public void setTargets(int targets) {
    this.targets = targets;
  }

  /** Opens an execution unit (they nest; only the outermost one emits). */
  public void enterUnit() {
    depth++;
  }

  /** Whether an execution unit is open. */
  public boolean inUnit() {
    return depth > 0;
  }

  /**
   * The running unit's effects go out one by one even when there are several: a command that may expire arbitrary
   * keys (SCAN, RANDOMKEY) run on its own propagates each DEL alone, as the active expiry cycle does.
   */
  public void doNotWrap() {
    noWrap = true;
  }

  /** Closes an execution unit; closing the outermost emits what it held. */
  public void exitUnit() {
    if (depth == 0 || --depth > 0) {
      return;
    }
    targets = TARGET_ALL;
    int n = pendingCount;
    boolean wrap = n > 1 && !noWrap;
    noWrap = false;
    if (n == 0) {
      return;
    }
    pendingCount = 0;
    int all = 0;
    for (int i = 0; i < n; i++) {
      all |= pendingTargets[i];
    }
    if (wrap) {
      send(-1, MULTI, all);
    }
    for (int i = 0; i < n; i++) {
      send(pendingDb[i], pending[i], pendingTargets[i]);
      pending[i] = null;
    }
    if (wrap) {
      send(-1, EXEC, all);
    }
  }

  /** Emits one effect now, or holds it until the open unit closes. */
  public void emit(int dbIndex, byte[][] command) {
    emit(dbIndex, command, TARGET_ALL);
  }

  /** Emits one effect to {@code only} of the targets (PUBLISH: {@link #TARGET_REPLICAS}). */
  public void emit(int dbIndex, byte[][] command, int only) {
    int to = targets & only;
    if (to == 0 || !hasListeners()) {
      return;
    }
    if (depth == 0) {
      send(dbIndex, command, to);
      return;
    }
    if (pendingCount == pending.length) {
      pending = java.util.Arrays.copyOf(pending, pendingCount * 2);
      pendingDb = java.util.Arrays.copyOf(pendingDb, pendingCount * 2);
      pendingTargets = java.util.Arrays.copyOf(pendingTargets, pendingCount * 2);
    }
    pendingDb[pendingCount] = dbIndex;
    pendingTargets[pendingCount] = to;
    pending[pendingCount++] = command;
  }

  private void send(int dbIndex, byte[][] command, int to) {
    for (int i = 0; i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      if ((l.targets() & to) != 0 && l.wantsEffects()) {
        l.effect(dbIndex, command);
      }
    }
  }
}
