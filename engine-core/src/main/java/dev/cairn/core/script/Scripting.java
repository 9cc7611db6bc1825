package dev.cairn.core.script;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.script.bridge.RedisApi;
import dev.cairn.core.script.bridge.ScriptClient;
import dev.cairn.core.script.convert.LuaToReply;
import dev.cairn.core.script.debug.LuaDebugger;
import dev.cairn.core.script.engine.Continuations;
import dev.cairn.core.script.engine.LuaErrors;
import dev.cairn.core.script.engine.LuaSandbox;
import dev.cairn.core.script.engine.ScriptHook;
import dev.cairn.core.script.engine.ScriptRun;
import dev.cairn.core.script.function.Functions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The engine's scripting: the EVAL script cache, the function libraries, the one Lua world each runs in, and the script
 * running now. Runs a script atomically on the engine thread; one that passes busy-reply-threshold is paused between
 * slices (see {@link Continuations}) while other clients get BUSY, and resumes until it ends or SCRIPT KILL / FUNCTION
 * KILL stops it.
 */
public final class Scripting {
  public static final RedisException BUSY_EVAL = RedisException.line(
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  public static final RedisException BUSY_FUNCTION = RedisException.line(
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
  /** How long a paused script runs before the engine thread serves the network again. */
  static final long SLICE_NANOS = 5_000_000;

  private final Engine engine;
  private final ScriptClient client;
  /** EVAL's Lua world, made by the first script (building one is a good part of a bare server's start-up). */
  private LuaSandbox evalSandbox;
  private final ScriptCache cache = new ScriptCache();
  private final Functions functions;
  private ScriptRun current;
  /** The reply of a run that ended; read by the caller of {@link #run}. */
  private LuaValue result;
  private LuaError error;
  /** The Lua debugging session running now (SCRIPT DEBUG SYNC, then EVAL), or null; see {@link LuaDebugger}. */
  private LuaDebugger debugging;
  private Object debuggedContinuation;

  public Scripting(Engine engine) {
    this.engine = engine;
    this.client = new ScriptClient(engine);
    this.functions = new Functions(this);
    engine.rdbCodecs().registerSection(new dev.cairn.core.script.function.FunctionsRdbSection(functions));
  }

  public Engine engine() {
    return engine;
  }

  public ScriptClient client() {
    return client;
  }

  public ScriptCache cache() {
    return cache;
  }

  public Functions functions() {
    return functions;
  }

  public LuaSandbox evalSandbox() {
    if (evalSandbox == null) {
      evalSandbox = new LuaSandbox(RedisApi.runtimeApi(this));
    }
    return evalSandbox;
  }

  /** The script running now (paused or not), or null. */
  public ScriptRun current() {
    return current;
  }

  /** Whether a script is past busy-reply-threshold: other clients' commands get BUSY unless allow-busy. */
  public boolean busy() {
    return current != null && current.timedOut;
  }

  public RedisException busyError() {
    return current != null && !current.eval ? BUSY_FUNCTION : BUSY_EVAL;
  }

  /** SCRIPT FLUSH: forgets every EVAL script and starts a new Lua world for them. */
  public void flushScripts() {
    cache.clear();
  }

  /**
   * Runs {@code fn(args)} as {@code run} and replies to the caller. When the script passes busy-reply-threshold and
   * can be paused, this returns with the caller suspended and the dispatcher told to wait; the reply and the
   * bookkeeping follow when the script ends.
   */
  public void run(ScriptRun run, LuaSandbox sandbox, LuaFunction fn, Varargs args) {
    current = run;
    client.prepare(run);
    engine.propagation().enterUnit();
    ScriptHook hook = sandbox.hook();
    long threshold = engine.params().process.busyReplyThreshold.value;
    hook.watch(() -> check(run, hook, threshold));
    if (run.debugger != null) {
      startDebugging(run, sandbox, hook);
    }
    Runnable body = () -> {
      try {
        result = fn.invoke(args).arg1();
        error = null;
      } catch (LuaError e) {
        result = null;
        error = e;
      } catch (StackOverflowError e) {
        result = null;
        error = new LuaError("stack overflow");
      }
    };
    boolean done;
    // a script replayed from the AOF runs to its end: the loader goes on with the next command right after it
    run.pausable = (threshold > 0 || run.debugger != null) && Continuations.available() && engine.loop() != null
        && !engine.keyspace().loading();
    if (run.pausable) {
      Object cont = Continuations.create(body);
      runContinuation(run, cont);
      done = Continuations.run(cont);
      if (!done && run.debugger != null) {
        // stopped by the debugger: its client's commands drive it from now on (see debugCommand)
        debuggedContinuation = cont;
        engine.dispatcher().suspendRunningCommand();
        return;
      }
      if (!done) {
        runContinuationLater(run, cont, hook);
        return;
      }
    } else {
      body.run();
    }
    if (run.debugger != null) {
      endDebugging(run);
    }
    boolean failed = end(run, hook);
    if (run.debugger != null && !run.caller.closing) {
      run.caller.connection.closeAfterReply(); // how the client learns that the session is over
    }
    engine.dispatcher().preventPropagation();
    if (failed) {
      engine.dispatcher().markFailed();
    }
  }

  private void runContinuation(ScriptRun run, Object cont) {
    run.sliceStart(System.nanoTime());
  }

  /** The script yielded (busy): serve the network, then resume it, until it ends. */
  private void runContinuationLater(ScriptRun run, Object cont, ScriptHook hook) {
    Session caller = run.caller;
    caller.suspend();
    engine.dispatcher().suspendRunningCommand();
    engine.loop().execute(new Runnable() {
      @Override
      public void run() {
        if (engine.shutdown().stopping()) {
          // SHUTDOWN NOSAVE while the script was paused: it is abandoned, as Redis exits from inside the script
          current = null;
          return;
        }
        run.sliceStart(System.nanoTime());
        if (!engine.dispatcher().resumeFor(caller, () -> Continuations.run(cont))) {
          engine.loop().execute(this);
          return;
        }
        boolean failed = end(run, hook);
        engine.dispatcher().finishSuspended(failed);
        engine.blocking().serveReadyKeys();
        caller.resume();
        if (!caller.closing) {
          caller.connection.flush();
        }
      }
    });
  }

  // ---- the Lua debugger (SCRIPT DEBUG SYNC)

  /** The debugging session running now, or null. */
  public LuaDebugger debugging() {
    return debugging;
  }

  /**
   * Starts {@code run}'s debugging session: the hook reports the script's lines to the debugger, which stops the
   * script by yielding its continuation; every other client waits until the session ends, as Redis serves nobody
   * else meanwhile (and runs no cron: see Engine.cron).
   */
  private void startDebugging(ScriptRun run, LuaSandbox sandbox, ScriptHook hook) {
    LuaDebugger ldb = run.debugger;
    debugging = ldb;
    LuaDebugger.Evaluator evaluator = new LuaDebugger.Evaluator() {
      @Override
      public LuaFunction compile(String code) {
        byte[] b = code.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return sandbox.compile(b, 0, b.length, "@ldb_eval");
      }

      @Override
      public LuaFunction redisCall() {
        return (LuaFunction) sandbox.globals().get("redis").get("call");
      }

      @Override
      public LuaValue global(String name) {
        return sandbox.globals().rawget(name);
      }
    };
    ldb.start(run.debugSource, hook, evaluator, () -> resumeDebugged(run, hook));
    hook.watchLines(line -> ldb.onLine(line, () -> stopForDebugger(ldb)));
    engine.pauses().holdAllBut(run.caller);
    dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.NOTICE, "Redis synchronous debugging eval session started");
  }

  private static void stopForDebugger(LuaDebugger ldb) {
    if (!Continuations.yieldNow()) {
      ldb.detach(); // cannot wait here (pinned): the script runs on rather than hold the engine thread for input
    }
  }

  /**
   * A command from the debugging client while its script is stopped (Session.execute hands them here): the debugger
   * answers it, or resumes the script.
   */
  public void debugCommand(dev.cairn.api.command.Args a) {
    debugging.command(a);
  }

  /** Resumes the stopped script until it stops again; when it ends, the session ends. */
  private void resumeDebugged(ScriptRun run, ScriptHook hook) {
    Object cont = debuggedContinuation;
    run.sliceStart(System.nanoTime());
    if (!engine.dispatcher().resumeFor(run.caller, () -> Continuations.run(cont))) {
      return; // stopped again: the debugger has sent where
    }
    debuggedContinuation = null;
    endDebugging(run);
    boolean failed = end(run, hook);
    if (!run.caller.closing) {
      run.caller.connection.closeAfterReply(); // how the client learns that the session is over
    }
    engine.dispatcher().finishSuspended(failed);
    engine.blocking().serveReadyKeys();
    if (!run.caller.closing) {
      run.caller.connection.flush();
    }
  }

  /** The session's end: its last log lines go before the script's reply (the caller closes the connection after). */
  private void endDebugging(ScriptRun run) {
    LuaDebugger ldb = run.debugger;
    if (!run.caller.closing) {
      ldb.end();
    }
    run.caller.luaDebugger = null;
    debugging = null;
    engine.pauses().releaseHold();
    dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.NOTICE, "Redis synchronous debugging eval session ended");
  }

  /** A client went away: if it was debugging a stopped script, the script runs to its end without stopping. */
  public void clientGone(Session s) {
    LuaDebugger ldb = debugging;
    if (ldb == null || ldb.client != s) {
      return;
    }
    ldb.detach();
    if (ldb.stopped()) {
      ldb.command(dev.cairn.api.command.Args.of("continue"));
    }
  }

  /** The hook's check: kill, busy, and pausing a busy script so the engine thread can serve others. */
  private void check(ScriptRun run, ScriptHook hook, long threshold) {
    if (run.killed) {
      hook.checkSoon(); // every instruction from now on, so pcall cannot keep the script alive
      throw new LuaError(LuaErrors.errorTable("Script killed by user with SCRIPT KILL..."));
    }
    LuaDebugger ldb = run.debugger;
    if (ldb != null) {
      // a debugged script is never busy (every other client waits); a long run without a stop stops it
      if (!ldb.stopped()) {
        ldb.onLongRun(hook.currentLine(), threshold > 0 ? threshold : 5000, () -> stopForDebugger(ldb));
      }
      return;
    }
    if (threshold <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (!run.timedOut && (now - run.startNanos) / 1_000_000 >= threshold) {
      run.timedOut = true;
      LogMessage.SLOW_SCRIPT.log(run.elapsedMillis(), run.eval ? "SCRIPT KILL" : "FUNCTION KILL", run.name);
    }
    if (run.timedOut && !run.pausable && engine.keyspace().loading()) {
      engine.aof().yieldIfDue(); // a slow script replayed by DEBUG LOADAOF lets the load pause (others get LOADING)
    }
    if (run.timedOut && run.pausable && now - run.sliceStart() >= SLICE_NANOS) {
      Continuations.yieldNow();
      if (run.killed) {
        hook.checkSoon();
        throw new LuaError(LuaErrors.errorTable("Script killed by user with SCRIPT KILL..."));
      }
    }
  }

  /** The script ended: write its reply, release its effects. Returns whether the reply is an error. */
  private boolean end(ScriptRun run, ScriptHook hook) {
    if (error != null) {
      LuaErrors.locate(error, hook.tailCallSite());
    }
    hook.watch(null);
    current = null;
    engine.propagation().exitUnit();
    LuaTable keys = null;
    Session caller = run.caller;
    boolean[] failed = {false};
    if (caller.closing) {
      return false;
    }
    if (error != null) {
      LuaErrors.Failure f = LuaErrors.failure(error, run.name);
      RedisException e = RedisException.line(f.line().startsWith("-") ? f.line().substring(1) : f.line());
      caller.writer.error(e);
      if (!f.statsCounted()) {
        engine.stats().countError(e.code());
      }
      failed[0] = true;
    } else {
      LuaToReply.write(caller.writer, result, run.resp, (code, count) -> {
        failed[0] = true;
        if (count) {
          engine.stats().countError(code);
        }
      });
    }
    result = null;
    error = null;
    return failed[0];
  }

  /** SCRIPT KILL ({@code eval}) and FUNCTION KILL: stops the running script if it has not written. */
  public void kill(boolean eval) {
    ScriptRun run = current;
    if (run == null) {
      throw RedisException.line("NOTBUSY No scripts in execution right now.");
    }
    if (run.writeDirty) {
      throw RedisException.line("UNKILLABLE Sorry the script already executed write commands against the dataset. "
          + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE "
          + "command.");
    }
    if (eval && !run.eval) {
      throw BUSY_FUNCTION;
    }
    if (!eval && run.eval) {
      throw BUSY_EVAL;
    }
    run.killed = true;
  }

  /** Whether the command (by its lower-case name) runs a script whose declared flags may stand for its own. */
  public static boolean runsScript(String name) {
    return switch (name) {
      case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> true;
      default -> false;
    };
  }

  /**
   * The command flags ({@link ScriptCache#commandFlags}) of an EVAL, EVALSHA, FCALL or _RO form with these arguments
   * when its script or function declares flags; -1 for other commands, scripts without flags and scripts not found
   * (the command's own flags count). The dispatcher's replica, pause and transaction checks all ask this.
   */
  public int declaredCommandFlags(String name, dev.cairn.api.command.Args a) {
    if (!runsScript(name)) {
      return -1;
    }
    int flags = declaredFlags(name, a);
    return flags < 0 || (flags & ScriptCache.EVAL_COMPAT) != 0 ? -1 : ScriptCache.commandFlags(flags);
  }

  /** The flags of the script an EVAL/EVALSHA/FCALL (or _RO form) runs; -1 for other commands. */
  private int declaredFlags(String name, dev.cairn.api.command.Args a) {
    int flags;
    if (a.size() < 2) {
      return -1;
    }
    switch (name) {
      case "eval", "eval_ro" -> {
        ScriptCache.Script cached = cache.get(sha1hex(a.get(1), 0, a.get(1).length));
        flags = cached != null ? cached.flags() : dev.cairn.core.script.command.EvalCommands.shebangFlags(a.get(1));
      }
      case "evalsha", "evalsha_ro" -> {
        ScriptCache.Script cached = cache.get(new String(a.get(1), java.nio.charset.StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT));
        flags = cached != null ? cached.flags() : ScriptCache.EVAL_COMPAT;
      }
      case "fcall", "fcall_ro" -> {
        dev.cairn.core.script.function.FunctionLibrary.Function f = functions().function(a.string(1));
        flags = f != null ? f.flags() : ScriptCache.EVAL_COMPAT;
      }
      default -> {
        return -1;
      }
    }
    return flags;
  }

  /** Lower-case hex SHA1 of the bytes, as scripts are named. */
  public static String sha1hex(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(b, off, len);
      byte[] d = md.digest();
      char[] out = new char[40];
      for (int i = 0; i < 20; i++) {
        out[2 * i] = Character.forDigit((d[i] >> 4) & 0xF, 16);
        out[2 * i + 1] = Character.forDigit(d[i] & 0xF, 16);
      }
      return new String(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
