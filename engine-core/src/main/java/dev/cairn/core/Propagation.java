package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of effects that leaves the engine: each write command's effect (the command itself, or the
 * replacement commands it chose, e.g. PEXPIREAT for EXPIRE) with its database. The AOF and replicas will consume it;
 * until they exist nothing listens and emitting costs a list check.
 *
 * <p>Effects are grouped by <b>execution unit</b>, as Redis 7 does: a top-level command, an EXEC, a script, a blocked
 * command served again. While a unit is open, effects are held; when it closes, a unit with one effect emits it alone,
 * and a unit with more emits them between {@code MULTI} and {@code EXEC} (database -1), so that consumers apply the
 * unit atomically. A transaction or a script therefore propagates as its effects, not as the commands the client
 * sent, and a lazily expired key's DEL travels in the same transaction as the write that found it expired. Effects
 * emitted outside any unit (the active expiry cycle, module background work) leave one by one.
 */
public final class Propagation {
  /** Consumes effects in order, on the engine thread; {@code dbIndex} -1 marks the MULTI/EXEC wrapper of a unit. */
  public interface Listener {
    void effect(int dbIndex, byte[][] command);

    /**
     * An effect only replicas need: a PUBLISH, which changes no data but reaches the replicas' subscribers. The AOF
     * skips these, as Redis's does; by default it is taken as any other effect.
     */
    default void replicaOnlyEffect(int dbIndex, byte[][] command) {
      effect(dbIndex, command);
    }
  }

  static final byte[][] MULTI = {"MULTI".getBytes(StandardCharsets.US_ASCII)};
  static final byte[][] EXEC = {"EXEC".getBytes(StandardCharsets.US_ASCII)};

  private final List<Listener> listeners = new ArrayList<>();
  /** Depth of open execution units. */
  private int depth;
  /** Effects held in the open unit: their databases and commands. */
  private int[] pendingDb = new int[8];
  private boolean[] pendingReplicasOnly = new boolean[8];
  private byte[][][] pending = new byte[8][][];
  private int pendingCount;
  /** Set for the running unit when it must not be wrapped (SCAN, RANDOMKEY: Redis's touches-arbitrary-keys). */
  private boolean noWrap;

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public boolean hasListeners() {
    return !listeners.isEmpty();
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
    if (--depth > 0) {
      return;
    }
    int n = pendingCount;
    boolean wrap = n > 1 && !noWrap;
    noWrap = false;
    if (n == 0) {
      return;
    }
    pendingCount = 0;
    if (wrap) {
      send(-1, MULTI, false);
    }
    for (int i = 0; i < n; i++) {
      send(pendingDb[i], pending[i], pendingReplicasOnly[i]);
      pending[i] = null;
    }
    if (wrap) {
      send(-1, EXEC, false);
    }
  }

  /** Emits one effect now, or holds it until the open unit closes. */
  public void emit(int dbIndex, byte[][] command) {
    emit(dbIndex, command, false);
  }

  /** Emits one effect; {@code replicasOnly} for one the AOF does not keep (PUBLISH). */
  public void emit(int dbIndex, byte[][] command, boolean replicasOnly) {
    if (listeners.isEmpty()) {
      return;
    }
    if (depth == 0) {
      send(dbIndex, command, replicasOnly);
      return;
    }
    if (pendingCount == pending.length) {
      pending = java.util.Arrays.copyOf(pending, pendingCount * 2);
      pendingDb = java.util.Arrays.copyOf(pendingDb, pendingCount * 2);
      pendingReplicasOnly = java.util.Arrays.copyOf(pendingReplicasOnly, pendingCount * 2);
    }
    pendingDb[pendingCount] = dbIndex;
    pendingReplicasOnly[pendingCount] = replicasOnly;
    pending[pendingCount++] = command;
  }

  private void send(int dbIndex, byte[][] command, boolean replicasOnly) {
    for (int i = 0; i < listeners.size(); i++) {
      if (replicasOnly) {
        listeners.get(i).replicaOnlyEffect(dbIndex, command);
      } else {
        listeners.get(i).effect(dbIndex, command);
      }
    }
  }
}
