package dev.cairn.core.script.debug;

import dev.cairn.api.command.Args;
import dev.cairn.core.connection.Session;
import dev.cairn.core.script.engine.ScriptHook;
import dev.cairn.core.script.lib.LuaFormat;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The Lua debugger (Redis's LDB) of one client, in the synchronous mode of {@code SCRIPT DEBUG SYNC}: the client's
 * next EVAL runs its script stopping at lines (step, breakpoints, {@code redis.breakpoint()}, a loop past the busy
 * threshold), and while it is stopped the client's commands are debugger commands (step, continue, list, print,
 * break, trace, eval, redis, maxlen, abort, help). Each answer is an array of simple strings, the debugger's log
 * lines; the session ends with an {@code <endsession>} line, the script's reply, and the connection closed, as Redis
 * ends it. The server serves nobody else meanwhile (Redis blocks in this mode).
 *
 * <p>Stopping is a yield of the script's continuation: the engine thread goes back to the event loop, which hands
 * this client's commands to {@link #command} and holds every other client's.
 */
public final class LuaDebugger {
  /** Redis's LDB_MAX_LEN_DEFAULT: logged replies and values are cut at this many bytes unless "maxlen" says else. */
  static final int MAX_LEN_DEFAULT = 256;
  /** Redis's LDB_BREAKPOINTS_MAX. */
  static final int BREAKPOINTS_MAX = 64;

  /** What the engine does for the debugger: resume or end the stopped script. */
  public interface Driver {
    /** Resumes the stopped script until it stops again or ends. */
    void resume();
  }

  public final Session client;
  private boolean step = true;
  private final int[] breakpoints = new int[BREAKPOINTS_MAX];
  private int breakpointCount;
  private boolean luaBreakpoint;
  private int maxLen = MAX_LEN_DEFAULT;
  private boolean maxLenHintSent;
  private final List<String> logs = new ArrayList<>();
  private String[] source = new String[0];
  private int currentLine;
  /** An EVAL runs under this debugger. */
  private boolean active;
  /** The script is stopped, waiting for a command that resumes it. */
  private boolean stopped;
  /** "abort": the script raises an error where it stopped. */
  private boolean abortRequested;
  /** The client went away: the script runs on without stopping. */
  private boolean detached;
  private long lastStopNanos;
  private ScriptHook hook;
  private Driver driver;
  /** Runs a fragment of Lua for "eval" (compiled in the script's sandbox) and redis.call for "redis". */
  private Evaluator evaluator;

  /** Compiles and runs Lua for the debugger's "eval" and "redis" commands, in the script's sandbox. */
  public interface Evaluator {
    /** Compiles {@code code} as chunk "@ldb_eval"; throws LuaError when it does not compile. */
    LuaFunction compile(String code);

    /** The sandbox's {@code redis.call}. */
    LuaFunction redisCall();

    /** A global of the script (KEYS, ARGV). */
    LuaValue global(String name);
  }

  public LuaDebugger(Session client) {
    this.client = client;
  }

  /** Starts a session for EVAL of {@code body}: its lines, from now on the hook stops at the first. */
  public void start(byte[] body, ScriptHook hook, Evaluator evaluator, Driver driver) {
    int len = body.length;
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r')) {
      len--;
    }
    source = new String(body, 0, len, StandardCharsets.ISO_8859_1).split("\n", -1);
    this.hook = hook;
    this.evaluator = evaluator;
    this.driver = driver;
    this.active = true;
    this.lastStopNanos = System.nanoTime();
  }

  public boolean active() {
    return active;
  }

  /** The script is stopped and the client's commands are for the debugger. */
  public boolean stopped() {
    return stopped;
  }

  public boolean detached() {
    return detached;
  }

  /** Whether redis.call logs the commands it runs and their replies (while stepping, or for "redis"). */
  public boolean tracing() {
    return active && step && !detached;
  }

  // ---- called from the running script (the hook and the redis API)

  /**
   * A new line of the script is about to run: stops there when stepping, at a breakpoint, or after
   * {@code redis.breakpoint()}. {@code stopper} yields the script's continuation and returns when it is resumed.
   */
  public void onLine(int line, Runnable stopper) {
    if (stopped) {
      return; // a function of the script called by the debugger's "eval": it does not stop
    }
    currentLine = line;
    if (detached) {
      return;
    }
    boolean bp = isBreakpoint(line) || luaBreakpoint;
    if (!step && !bp) {
      return;
    }
    String reason = bp ? (luaBreakpoint ? "redis.breakpoint() called" : "break point") : "step over";
    stop(reason, stopper);
  }

  /**
   * The script has run {@code limitMillis} since it last stopped without stopping (a loop?): Redis stops it as if at
   * a breakpoint; a script whose client left is ended with an error instead, so that it cannot run for ever.
   */
  public void onLongRun(int line, long limitMillis, Runnable stopper) {
    if ((System.nanoTime() - lastStopNanos) / 1_000_000 < limitMillis) {
      return;
    }
    if (detached) {
      throw new LuaError(dev.cairn.core.script.engine.LuaErrors.errorTable(
          "timeout during Lua debugging with client closing connection"));
    }
    currentLine = line;
    stop("timeout reached, infinite loop?", stopper);
  }

  private void stop(String reason, Runnable stopper) {
    step = false;
    luaBreakpoint = false;
    log("* Stopped at " + currentLine + ", stop reason = " + reason);
    logSourceLine(currentLine);
    sendLogs();
    stopped = true;
    stopper.run(); // back here when a command resumes the script
    stopped = false;
    lastStopNanos = System.nanoTime();
    if (abortRequested) {
      abortRequested = false;
      throw new LuaError(dev.cairn.core.script.engine.LuaErrors.errorTable("script aborted for user request"));
    }
  }

  /** {@code redis.breakpoint()}: true, and the script stops at its next line, when a session is running. */
  public boolean breakpointCalled() {
    if (!active) {
      return false;
    }
    luaBreakpoint = true;
    return true;
  }

  /** {@code redis.debug(...)}: its arguments in the log, comma separated. */
  public void debugCalled(Varargs a) {
    if (!active) {
      return;
    }
    StringBuilder sb = new StringBuilder("<debug> line ").append(currentLine).append(": ");
    for (int i = 1; i <= a.narg(); i++) {
      if (i > 1) {
        sb.append(", ");
      }
      LuaValues.append(sb, a.arg(i), 0);
    }
    log(sb.toString());
  }

  /** A command redis.call is about to run, when tracing: {@code <redis> GET k}, ten arguments at most. */
  public void logCommand(byte[][] argv) {
    StringBuilder sb = new StringBuilder("<redis>");
    for (int j = 0; j < argv.length; j++) {
      if (j == 10) {
        sb.append(" ... (").append(argv.length - j - 1).append(" more)");
        break;
      }
      sb.append(' ').append(new String(argv[j], StandardCharsets.ISO_8859_1));
    }
    log(sb.toString());
  }

  /** The reply of a traced command, its readable bytes in RESP left as they are. */
  public void logReply(ByteBuf reply) {
    logWithMaxLen("<reply> " + RespText.of(reply));
  }

  /** A command redis.call refused before running it, when tracing. */
  public void logError(String message) {
    log("<error> " + message);
  }

  // ---- the client's commands while the script is stopped

  /** Runs one debugger command from the client; a command that resumes the script returns once it stops again. */
  public void command(Args a) {
    String c = new String(a.get(0), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    int argc = a.size();
    switch (c) {
      case "h", "help" -> help();
      case "s", "step", "n", "next" -> {
        step = true;
        driver.resume();
        return;
      }
      case "c", "continue" -> {
        driver.resume();
        return;
      }
      case "a", "abort" -> {
        abortRequested = true;
        driver.resume();
        return;
      }
      case "t", "trace" -> trace();
      case "m", "maxlen" -> maxlen(a);
      case "b", "break" -> breakCommand(a);
      case "e", "eval" -> eval(a);
      case "p", "print" -> {
        if (argc == 2) {
          print(a.string(1));
        } else {
          printAll();
        }
      }
      case "l", "list" -> {
        int around = currentLine;
        int ctx = 5;
        if (argc > 1) {
          int num = atoi(a.string(1));
          if (num > 0) {
            around = num;
          }
        }
        if (argc > 2) {
          ctx = atoi(a.string(2));
        }
        list(around, ctx);
      }
      case "w", "whole" -> list(1, 1_000_000);
      default -> {
        if (argc > 1 && (c.equals("r") || c.equals("redis"))) {
          redis(a);
        } else {
          log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
        }
      }
    }
    sendLogs();
  }

  /** The client left while the script was stopped or running: it runs to its end without stopping. */
  public void detach() {
    detached = true;
    step = false;
    breakpointCount = 0;
  }

  /** The session's last lines before the script's reply; the caller writes the reply and closes the connection. */
  public void end() {
    log("<endsession>");
    sendLogs();
    active = false;
    stopped = false;
  }

  // ---- commands

  private void help() {
    for (String l : new String[] {
        "Redis Lua debugger help:",
        "[h]elp               Show this help.",
        "[s]tep               Run current line and stop again.",
        "[n]ext               Alias for step.",
        "[c]ontinue           Run till next breakpoint.",
        "[l]ist               List source code around current line.",
        "[l]ist [line]        List source code around [line].",
        "                     line = 0 means: current position.",
        "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
        "                     to show before/after [line].",
        "[w]hole              List all source code. Alias for 'list 1 1000000'.",
        "[p]rint              Show all the local variables.",
        "[p]rint <var>        Show the value of the specified variable.",
        "                     Can also show global vars KEYS and ARGV.",
        "[b]reak              Show all breakpoints.",
        "[b]reak <line>       Add a breakpoint to the specified line.",
        "[b]reak -<line>      Remove breakpoint from the specified line.",
        "[b]reak 0            Remove all breakpoints.",
        "[t]race              Show a backtrace.",
        "[e]val <code>        Execute some Lua code (in a different callframe).",
        "[r]edis <cmd>        Execute a Redis command.",
        "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
        "                     Specifying zero as <len> means unlimited.",
        "[a]bort              Stop the execution of the script. In sync",
        "                     mode dataset changes will be retained.",
        "",
        "Debugger functions you can call from Lua scripts:",
        "redis.debug()        Produce logs in the debugger console.",
        "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
        "                     next line of code."}) {
      log(l);
    }
  }

  private void maxlen(Args a) {
    if (a.size() == 2) {
      int v = atoi(a.string(1));
      maxLenHintSent = true; // the user knows about the command
      if (v != 0 && v <= 60) {
        v = 60;
      }
      maxLen = v;
    }
    log(maxLen != 0 ? "<value> replies are truncated at " + maxLen + " bytes." : "<value> replies are unlimited.");
  }

  private void breakCommand(Args a) {
    if (a.size() == 1) {
      if (breakpointCount == 0) {
        log("No breakpoints set. Use 'b <line>' to add one.");
        return;
      }
      log(breakpointCount + " breakpoints set:");
      for (int j = 0; j < breakpointCount; j++) {
        logSourceLine(breakpoints[j]);
      }
      return;
    }
    for (int j = 1; j < a.size(); j++) {
      byte[] arg = a.get(j);
      long line = Args.parseLongOrMin(arg, 0, arg.length);
      if (line == Long.MIN_VALUE) {
        log("Invalid argument:'" + new String(arg, StandardCharsets.ISO_8859_1) + "'");
      } else if (line == 0) {
        breakpointCount = 0;
        log("All breakpoints removed.");
      } else if (line > 0) {
        if (breakpointCount == BREAKPOINTS_MAX) {
          log("Too many breakpoints set.");
        } else if (addBreakpoint(line)) {
          list((int) line, 1);
        } else {
          log("Wrong line number.");
        }
      } else if (deleteBreakpoint(-line)) {
        log("Breakpoint removed.");
      } else {
        log("No breakpoint in the specified line.");
      }
    }
  }

  private boolean isBreakpoint(int line) {
    for (int j = 0; j < breakpointCount; j++) {
      if (breakpoints[j] == line) {
        return true;
      }
    }
    return false;
  }

  private boolean addBreakpoint(long line) {
    if (line <= 0 || line > source.length) {
      return false;
    }
    if (!isBreakpoint((int) line) && breakpointCount != BREAKPOINTS_MAX) {
      breakpoints[breakpointCount++] = (int) line;
      return true;
    }
    return false;
  }

  private boolean deleteBreakpoint(long line) {
    for (int j = 0; j < breakpointCount; j++) {
      if (breakpoints[j] == line) {
        breakpointCount--;
        System.arraycopy(breakpoints, j + 1, breakpoints, j, breakpointCount - j);
        return true;
      }
    }
    return false;
  }

  private void eval(Args a) {
    StringBuilder code = new StringBuilder();
    for (int j = 1; j < a.size(); j++) {
      if (j > 1) {
        code.append(' ');
      }
      code.append(new String(a.get(j), StandardCharsets.ISO_8859_1));
    }
    LuaFunction f;
    try {
      f = evaluator.compile("return " + code); // an expression first, then a statement
    } catch (LuaError e) {
      try {
        f = evaluator.compile(code.toString());
      } catch (LuaError e2) {
        log("<error> " + message(e2));
        return;
      }
    }
    try {
      LuaValue v = f.call();
      logValue("<retval> ", v);
    } catch (LuaError e) {
      log("<error> " + message(e));
    }
  }

  private void redis(Args a) {
    LuaValue[] args = new LuaValue[a.size() - 1];
    for (int j = 1; j < a.size(); j++) {
      args[j - 1] = LuaValue.valueOf(a.get(j));
    }
    boolean was = step;
    step = true; // redis.call logs the command and its reply
    try {
      evaluator.redisCall().invoke(LuaValue.varargsOf(args));
    } catch (LuaError e) {
      // logged by redis.call as <error> or <reply>
    } finally {
      step = was;
    }
  }

  private void print(String name) {
    for (int level = 0; level < hook.frameCount(); level++) {
      LuaValue v = hook.local(level, name);
      if (v != null) {
        logValue("<value> ", v);
        return;
      }
    }
    if (name.equals("ARGV") || name.equals("KEYS")) {
      logValue("<value> ", evaluator.global(name));
    } else {
      log("No such variable.");
    }
  }

  private void printAll() {
    int vars = 0;
    if (hook.frameCount() > 0) {
      for (var local : hook.locals(0)) {
        if (!local.name().contains("(*temporary)")) {
          logValue("<value> " + local.name() + " = ", local.value());
          vars++;
        }
      }
    }
    if (vars == 0) {
      log("No local variables in the current context.");
    }
  }

  private void trace() {
    int frames = hook.frameCount();
    for (int level = 0; level < frames; level++) {
      if (!hook.isUserScript(level)) {
        continue;
      }
      String name = hook.functionName(level);
      log((level == 0 ? "In " : "From ") + (name != null ? name : "top level") + ":");
      logSourceLine(hook.line(level));
    }
    if (frames == 0) {
      log("<error> Can't retrieve Lua stack.");
    }
  }

  private void list(int around, int context) {
    for (int j = 1; j <= source.length; j++) {
      if (around != 0 && Math.abs(around - j) > context) {
        continue;
      }
      logSourceLine(j);
    }
  }

  private void logSourceLine(int line) {
    String text = line >= 1 && line <= source.length ? source[line - 1] : "<out of range source code line>";
    boolean bp = isBreakpoint(line);
    boolean current = line == currentLine;
    String prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
    log(prefix + String.format("%-3d", line) + " " + text);
  }

  // ---- the log

  private void log(String entry) {
    logs.add(entry);
  }

  private void logValue(String prefix, LuaValue v) {
    StringBuilder sb = new StringBuilder(prefix);
    LuaValues.append(sb, v, 0);
    logWithMaxLen(sb.toString());
  }

  /** Cuts an entry at maxlen bytes, and says once how to stop that. */
  private void logWithMaxLen(String entry) {
    boolean trimmed = false;
    if (maxLen != 0 && entry.length() > maxLen) {
      entry = entry.substring(0, maxLen) + " ...";
      trimmed = true;
    }
    log(entry);
    if (trimmed && !maxLenHintSent) {
      maxLenHintSent = true;
      log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
    }
  }

  /** Writes the log to the client as an array of simple strings (line breaks as spaces) and empties it. */
  private void sendLogs() {
    var w = client.writer;
    w.array(logs.size());
    for (String l : logs) {
      w.simple(l.replace('\r', ' ').replace('\n', ' '));
    }
    logs.clear();
    if (!client.closing) {
      client.connection.flush();
    }
  }

  private static String message(LuaError e) {
    LuaValue v = dev.cairn.core.script.engine.LuaErrors.value(e);
    if (v.istable() && v.rawget("err").isstring()) {
      return v.rawget("err").tojstring();
    }
    return dev.cairn.core.script.engine.LuaErrors.text(v.isstring() ? v.tojstring() : e.getMessage());
  }

  private static int atoi(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = false;
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    long v = 0;
    while (i < n && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
      v = v * 10 + (s.charAt(i++) - '0');
    }
    return (int) (neg ? -Math.min(v, Integer.MAX_VALUE) : Math.min(v, Integer.MAX_VALUE));
  }

  /** Lua values as the debugger prints them (Redis's ldbCatStackValue). */
  static final class LuaValues {
    /** Lua 5.1's LUA_MINSTACK / 2: deeper tables print a marker (a table may contain itself). */
    private static final int MAX_DEPTH = 10;

    private LuaValues() {}

    static void append(StringBuilder sb, LuaValue v, int level) {
      if (level++ == MAX_DEPTH) {
        sb.append("<max recursion level reached! Nested table?>");
        return;
      }
      switch (v.type()) {
        case LuaValue.TSTRING -> {
          LuaString str = v.checkstring();
          sb.append(dev.cairn.core.Quoting.quoted(
              java.util.Arrays.copyOfRange(str.m_bytes, str.m_offset, str.m_offset + str.m_length)));
        }
        case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "true" : "false");
        case LuaValue.TNUMBER -> sb.append(LuaFormat.g(v.todouble(), 6, false, false));
        case LuaValue.TNIL -> sb.append("nil");
        case LuaValue.TTABLE -> table(sb, (LuaTable) v, level);
        case LuaValue.TFUNCTION -> pointer(sb, "function", v);
        case LuaValue.TUSERDATA -> pointer(sb, "userdata", v);
        case LuaValue.TTHREAD -> pointer(sb, "thread", v);
        case LuaValue.TLIGHTUSERDATA -> pointer(sb, "light-userdata", v);
        default -> sb.append("\"<unknown-lua-type>\"");
      }
    }

    /** An array ({@code {1; 2}}) when its keys are 1, 2, ... in order, else {@code {[k]=v; ...}}. */
    private static void table(StringBuilder sb, LuaTable t, int level) {
      StringBuilder asArray = new StringBuilder();
      StringBuilder asMap = new StringBuilder();
      boolean isArray = true;
      int expected = 1;
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = t.next(k);
        k = n.arg1();
        if (k.isnil()) {
          break;
        }
        LuaValue v = n.arg(2);
        if (isArray && (k.type() != LuaValue.TNUMBER || k.todouble() != expected)) {
          isArray = false;
        }
        append(asArray, v, level);
        asArray.append("; ");
        asMap.append('[');
        append(asMap, k, level);
        asMap.append("]=");
        append(asMap, v, level);
        asMap.append("; ");
        expected++;
      }
      StringBuilder chosen = isArray ? asArray : asMap;
      if (chosen.length() > 0) {
        chosen.setLength(chosen.length() - 2);
      }
      sb.append('{').append(chosen).append('}');
    }

    private static void pointer(StringBuilder sb, String type, LuaValue v) {
      sb.append('"').append(type).append("@0x").append(Integer.toHexString(System.identityHashCode(v))).append('"');
    }
  }
}
