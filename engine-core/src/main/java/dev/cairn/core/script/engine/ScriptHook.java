package dev.cairn.core.script.engine;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The instruction hook of every script (LuaJ calls a {@link DebugLib}'s {@code onInstruction} before each instruction
 * of a closure whose environment carries it). Every {@value #CHECK_EVERY} instructions it asks its {@link Watcher}
 * whether the script must stop (SCRIPT KILL, FUNCTION LOAD timeout) or pause (past busy-reply-threshold: the watcher
 * yields the continuation so the engine thread can answer other clients). Calls and returns are not tracked, so the
 * hook costs a counter decrement per instruction.
 */
public final class ScriptHook extends DebugLib {
  /** Instructions between two checks of the clock. */
  static final int CHECK_EVERY = 10_000;

  /** Decides, every few thousand instructions, whether the script goes on. */
  public interface Watcher {
    /** Throws a {@link LuaError} to stop the script; may suspend it (yield) and return when resumed. */
    void check();
  }

  private int countdown = CHECK_EVERY;
  private Watcher watcher;

  public void watch(Watcher w) {
    this.watcher = w;
    this.countdown = CHECK_EVERY;
  }

  /** Makes the next instruction run the check (after a kill, so that pcall cannot swallow it for long). */
  public void checkSoon() {
    countdown = 1;
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    if (--countdown > 0) {
      return;
    }
    countdown = CHECK_EVERY;
    Watcher w = watcher;
    if (w != null) {
      w.check();
    }
  }

  @Override
  public void onCall(LuaFunction f) {
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
  }

  @Override
  public void onReturn() {
  }

  @Override
  public String traceback(int level) {
    return "";
  }

  /** LuaJ calls this for the debug library's own line hooks; scripts have no debug library. */
  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    throw new LuaError("debug library is not available");
  }
}
