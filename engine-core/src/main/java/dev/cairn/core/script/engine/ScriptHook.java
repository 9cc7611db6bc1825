package dev.cairn.core.script.engine;

import org.luaj.vm2.Lua;
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
 * yields the continuation so the engine thread can answer other clients).
 *
 * <p>It also keeps the engine thread's Lua call frames (closure, registers, current instruction), so that when an
 * instruction fails LuaJ's error hook ({@link #traceback}) can name the variable at fault as Lua 5.1 does ("attempt to
 * call global 'foo' (a nil value)"); see {@link Culprit}. That costs an array store per instruction and a push and pop
 * per call.
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
  /** The thread whose frames are tracked (coroutines run on LuaJ's own threads and are not). */
  private Thread owner;
  private LuaClosure[] closures = new LuaClosure[32];
  private LuaValue[][] stacks = new LuaValue[32][];
  private int[] pcs = new int[32];
  private int depth;
  /** The frame that last returned through a tail call (its pc is at the TAILCALL), or null; see {@link #tailCallSite}. */
  private LuaClosure tailClosure;
  private int tailPc;

  /** Starts watching a run (null: stop); the frames start empty. */
  public void watch(Watcher w) {
    this.watcher = w;
    this.countdown = CHECK_EVERY;
    this.owner = Thread.currentThread();
    java.util.Arrays.fill(closures, 0, depth, null);
    java.util.Arrays.fill(stacks, 0, depth, null);
    this.depth = 0;
    this.tailClosure = null;
  }

  /** Makes the next instruction run the check (after a kill, so that pcall cannot swallow it for long). */
  public void checkSoon() {
    countdown = 1;
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    int d = depth;
    if (d > 0) {
      pcs[d - 1] = pc;
    }
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
    push(null, null); // xpcall's frame: LuaJ returns from it through onReturn as well
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    push(c, stack);
  }

  private void push(LuaClosure c, LuaValue[] stack) {
    if (Thread.currentThread() != owner) {
      return;
    }
    int d = depth;
    if (d == closures.length) {
      closures = java.util.Arrays.copyOf(closures, d * 2);
      stacks = java.util.Arrays.copyOf(stacks, d * 2);
      pcs = java.util.Arrays.copyOf(pcs, d * 2);
    }
    closures[d] = c;
    stacks[d] = stack;
    pcs[d] = 0;
    depth = d + 1;
    tailClosure = null;
  }

  @Override
  public void onReturn() {
    if (Thread.currentThread() != owner || depth == 0) {
      return;
    }
    int d = --depth;
    LuaClosure c = closures[d];
    // LuaJ runs a tail call after the caller's frame is gone: keep where it was made, for an error it raises
    tailClosure = c != null && pcs[d] < c.p.code.length && Lua.GET_OPCODE(c.p.code[pcs[d]]) == Lua.OP_TAILCALL ? c
        : null;
    tailPc = pcs[d];
    closures[d] = null;
    stacks[d] = null;
  }

  /**
   * Where the script made the tail call that is running or just failed ({@code user_script:3}, as LuaJ words an error's
   * position), or null. LuaJ evaluates {@code return f(...)} after the calling frame returned, so an error raised by a
   * Java function there ({@code return redis.call(...)}) carries no position, where Lua 5.1 (and so Redis) names the
   * line of the call.
   */
  public String tailCallSite() {
    LuaClosure c = tailClosure;
    if (c == null) {
      return null;
    }
    int[] lines = c.p.lineinfo;
    return c.p.source + ":" + (lines != null && tailPc < lines.length ? String.valueOf(lines[tailPc]) : "?");
  }

  /**
   * LuaJ's error hook, called once for an error raised by an instruction of the innermost closure (its result follows
   * the message after a line feed): the variable the failing instruction used, marked for {@link LuaErrors}.
   */
  @Override
  public String traceback(int level) {
    if (Thread.currentThread() != owner || depth == 0 || closures[depth - 1] == null) {
      return "";
    }
    int d = depth - 1;
    String name = Culprit.of(closures[d].p, pcs[d], stacks[d]);
    return name == null ? "" : Culprit.MARK + name;
  }

  /** LuaJ calls this for the debug library's own line hooks; scripts have no debug library. */
  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    throw new LuaError("debug library is not available");
  }
}
