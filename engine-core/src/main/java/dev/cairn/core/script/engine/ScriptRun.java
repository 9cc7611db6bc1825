package dev.cairn.core.script.engine;

import dev.cairn.core.connection.Session;

/**
 * One running script or function: who called it, what it may do, and where it stands (Redis's scriptRunCtx). There is
 * at most one, since scripts are atomic.
 */
public final class ScriptRun {
  /** Redis's PROPAGATE_AOF and PROPAGATE_REPL: where the script's effects go ({@code redis.set_repl}). */
  public static final int REPL_AOF = 1;
  public static final int REPL_REPLICA = 2;
  public static final int REPL_ALL = REPL_AOF | REPL_REPLICA;

  public final Session caller;
  /** EVAL family (as opposed to FCALL): decides which KILL command and which BUSY text apply. */
  public final boolean eval;
  /** The script's SHA1 or the function's name, for errors, logs and FUNCTION STATS. */
  public final String name;
  /** The command line that started it (FUNCTION STATS). */
  public final byte[][] command;
  /** No write commands (EVAL_RO, FCALL_RO, the no-writes flag). */
  public final boolean readOnly;
  public final boolean allowOom;
  public final long startNanos = System.nanoTime();
  public int resp = 2;
  public int replFlags = REPL_ALL;
  /** A write command ran: the script can no longer be killed. */
  public boolean writeDirty;
  /** Past busy-reply-threshold: other clients get BUSY. */
  public boolean timedOut;
  public boolean killed;
  /** Runs in a continuation that may yield to the event loop when busy (not while a dataset loads). */
  public boolean pausable;
  private long sliceStart = startNanos;
  /**
   * Cluster mode: the slot of the keys the script declared or first touched (-1: none yet), which every command of
   * the script must keep to unless cross-slot access is allowed (scripts without a shebang, allow-cross-slot-keys).
   */
  public int clusterSlot = -1;
  /** The Lua debugger this run is debugged by (SCRIPT DEBUG SYNC), or null; and the script's text for it. */
  public dev.cairn.core.script.debug.LuaDebugger debugger;
  public byte[] debugSource;
  public boolean allowCrossSlot = true;

  public ScriptRun(Session caller, boolean eval, String name, byte[][] command, boolean readOnly, boolean allowOom) {
    this.caller = caller;
    this.eval = eval;
    this.name = name;
    this.command = command;
    this.readOnly = readOnly;
    this.allowOom = allowOom;
  }

  /** When the current slice of a paused script began running. */
  public long sliceStart() {
    return sliceStart;
  }

  public void sliceStart(long nanos) {
    sliceStart = nanos;
  }

  public long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
