package dev.cairn.core.script.engine;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.Prototype;
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

  /** Told when the script is about to run a new line of its own (the Lua debugger); null when nobody debugs. */
  public interface LineWatcher {
    void onLine(int line);
  }

  private static final LuaString USER_SCRIPT = LuaString.valueOf("@user_script");

  private int countdown = CHECK_EVERY;
  private Watcher watcher;
  private LineWatcher lineWatcher;
  /** Per frame, the pc of the instruction before the current one (-1: none yet), for line events. */
  private int[] linePcs = new int[32];
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
    this.lineWatcher = null;
  }

  /** Starts telling {@code w} about the script's lines (a debugging session), for the run being watched. */
  public void watchLines(LineWatcher w) {
    this.lineWatcher = w;
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
      if (lineWatcher != null && closures[d - 1] != null) {
        lineEvent(d - 1, pc);
      }
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

  /**
   * A line event as Lua 5.1's line hook has it: the first instruction of a call, a new line, or a jump backwards (a
   * loop's next round), for the user's script only.
   */
  private void lineEvent(int f, int pc) {
    Prototype p = closures[f].p;
    int last = linePcs[f];
    linePcs[f] = pc;
    if (!USER_SCRIPT.raweq(p.source)) {
      return;
    }
    int[] lines = p.lineinfo;
    if (lines == null || pc >= lines.length) {
      return;
    }
    if (last < 0 || pc <= last || last >= lines.length || lines[pc] != lines[last]) {
      lineWatcher.onLine(lines[pc]);
    }
  }

  // ---- the frames as the debugger sees them: level 0 is the innermost

  public int frameCount() {
    return depth;
  }

  private int frame(int level) {
    return depth - 1 - level;
  }

  /** Whether the frame at {@code level} runs the user's script (not a Java function, not the debugger's eval). */
  public boolean isUserScript(int level) {
    LuaClosure c = closures[frame(level)];
    return c != null && USER_SCRIPT.raweq(c.p.source);
  }

  /** The line the frame at {@code level} is at, or -1. */
  public int line(int level) {
    int f = frame(level);
    LuaClosure c = closures[f];
    if (c == null || c.p.lineinfo == null || pcs[f] >= c.p.lineinfo.length) {
      return -1;
    }
    return c.p.lineinfo[pcs[f]];
  }

  /** The line the innermost frame of the user's script is at, or -1. */
  public int currentLine() {
    for (int level = 0; level < depth; level++) {
      if (isUserScript(level)) {
        return line(level);
      }
    }
    return -1;
  }

  /** The name the caller gave the function of the frame at {@code level} ({@code foo} for {@code foo()}), or null. */
  public String functionName(int level) {
    int f = frame(level);
    if (f == 0 || closures[f - 1] == null) {
      return null;
    }
    return Culprit.calledFunction(closures[f - 1].p, pcs[f - 1]);
  }

  /** A local variable of a frame: its name and value. */
  public record Local(String name, LuaValue value) { }

  /** The active local variables of the frame at {@code level}, in order. */
  public java.util.List<Local> locals(int level) {
    java.util.List<Local> out = new java.util.ArrayList<>();
    int f = frame(level);
    LuaClosure c = closures[f];
    if (c == null) {
      return out;
    }
    for (int i = 1; ; i++) {
      LuaString name = c.p.getlocalname(i, pcs[f]);
      if (name == null) {
        return out;
      }
      LuaValue[] stack = stacks[f];
      LuaValue v = stack != null && i - 1 < stack.length && stack[i - 1] != null ? stack[i - 1] : LuaValue.NIL;
      out.add(new Local(name.tojstring(), v));
    }
  }

  /** The value of local {@code name} in the frame at {@code level}, or null when it has none of that name. */
  public LuaValue local(int level, String name) {
    for (Local l : locals(level)) {
      if (l.name().equals(name)) {
        return l.value();
      }
    }
    return null;
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
      linePcs = java.util.Arrays.copyOf(linePcs, d * 2);
    }
    closures[d] = c;
    stacks[d] = stack;
    pcs[d] = 0;
    linePcs[d] = -1;
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
