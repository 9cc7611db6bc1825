package dev.cairn.core.command;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import dev.cairn.core.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs commands: looks the name up, checks arity, authentication and pauses once for every command, calls the handler,
 * turns a thrown {@link RedisException} into an error reply, and then does the bookkeeping every command shares
 * (statistics, slow log, MONITOR feed, propagation of writes). Handlers do only their own work.
 */
public final class Dispatcher {
  private final Engine engine;
  /** Propagation overrides set by the running command ({@code propagate}/{@code preventPropagation}). */
  private byte[][][] replacement = new byte[4][][];
  private int replacementCount;
  private boolean propagationPrevented;

  public Dispatcher(Engine engine) {
    this.engine = engine;
  }

  /**
   * Runs one command for {@code s}. Returns false when the command could not run yet (the client is paused) and must
   * be offered again after {@link Session#resume()}; the arguments then belong to the caller still.
   */
  public boolean dispatch(Session s, Args a) {
    RespWriter w = s.writer;
    int mark = w.buffer().writerIndex();
    if (!run(s, a, w)) {
      return false;
    }
    applyReplyMode(s, w, mark);
    return true;
  }

  /** The running command's argument bytes if {@code s} is running it, else 0 (CLIENT LIST argv-mem=). */
  public long runningArgvBytes(Session s) {
    if (s != running || runningArgs == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < runningArgs.size(); i++) {
      n += runningArgs.get(i).length;
    }
    return n;
  }

  private Session running;
  private Args runningArgs;

  /** Looks up, checks and runs; false when the client must wait. Every reply goes through the reply mode after. */
  private boolean run(Session s, Args a, RespWriter w) {
    Command cmd = engine.commands().lookup(a.get(0));
    if (cmd == null) {
      s.lastCommand = "NULL";
      reject(s, null, unknownCommand(a));
      return true;
    }
    // a container, or a command that also has subcommands (COMMAND), takes its second argument as a subcommand
    if (cmd.isContainer() && a.size() == 1) {
      reject(s, cmd, Errors.arity(cmd.fullName()));
      return true;
    }
    if (a.size() > 1 && (cmd.isContainer() || !cmd.subcommands.isEmpty())) {
      Command sub = cmd.subcommand(a.get(1));
      if (sub == null) {
        s.lastCommand = "NULL";
        reject(s, cmd, RedisException.err("unknown subcommand '" + truncate(a.string(1), 128) + "'. Try "
            + cmd.fullName().toUpperCase(Locale.ROOT) + " HELP."));
        return true;
      }
      cmd = sub;
    }
    s.lastCommand = cmd.fullName();
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && a.size() != arity) || a.size() < -arity) {
      reject(s, cmd, Errors.arity(cmd.fullName()));
      return true;
    }
    if (!s.authenticated && !cmd.spec.has(Flag.NO_AUTH)) {
      reject(s, cmd, Errors.NOAUTH);
      return true;
    }
    // a script past busy-reply-threshold is paused between slices: only commands flagged allow-busy may run
    if (engine.scripting().busy() && !cmd.spec.has(Flag.ALLOW_BUSY)) {
      reject(s, cmd, engine.scripting().busyError());
      return true;
    }
    if (cmd.spec.has(Flag.WRITE) && engine.aof().writeError() != null) {
      reject(s, cmd, RedisException.of("MISCONF", "Errors writing to the AOF file: "
          + engine.aof().writeError()));
      return true;
    }
    if (engine.pauses().mustWait(s, cmd)) {
      return false;
    }
    execute(s, cmd, a);
    // not while a script is paused (an allow-busy command ran meanwhile): its writes are served when it ends, as Redis
    if (engine.scripting().current() == null) {
      engine.blocking().serveReadyKeys();
    }
    return true;
  }

  /**
   * Runs a blocked client's command again (its key changed): the checks passed when it was first sent, so only the
   * execution is repeated, in the database it blocked in.
   */
  public void rerun(Session s, int db, Args a) {
    Command cmd = engine.commands().lookup(a.get(0));
    if (cmd.isContainer()) {
      cmd = cmd.subcommand(a.get(1));
    }
    int selected = s.dbIndex();
    s.select(db);
    int mark = s.writer.buffer().writerIndex();
    try {
      execute(s, cmd, a);
      applyReplyMode(s, s.writer, mark);
    } finally {
      s.select(selected);
    }
  }

  /**
   * The command a persistence file names (AOF loading), subcommand resolved, or null when there is none of that name
   * or the arity is wrong (the loader then stops, as Redis's does).
   */
  public Command lookupForLoading(Args a) {
    Command cmd = engine.commands().lookup(a.get(0));
    if (cmd == null) {
      return null;
    }
    if (a.size() > 1 && (cmd.isContainer() || !cmd.subcommands.isEmpty())) {
      Command sub = cmd.subcommand(a.get(1));
      if (sub == null && cmd.isContainer()) {
        return null;
      }
      cmd = sub == null ? cmd : sub;
    }
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && a.size() != arity) || a.size() < -arity) {
      return null;
    }
    return cmd;
  }

  /**
   * Runs a command read from a persistence file: only the handler, without statistics, slow log, MONITOR or pauses;
   * an error is the command's reply and is ignored, as Redis's loader ignores replies.
   */
  public void runLoaded(Session s, Command cmd, Args a) {
    // DEBUG LOADAOF loads from inside a command: its own propagation state is put back afterwards
    Session outer = running;
    Args outerArgs = runningArgs;
    int outerReplacements = replacementCount;
    boolean outerPrevented = propagationPrevented;
    engine.keyspace().updateTime();
    replacementCount = 0;
    propagationPrevented = false;
    running = s;
    runningArgs = a;
    s.currentArgs = a;
    try {
      cmd.handler.handle(s, a);
    } catch (RedisException ignored) {
      // the loader, like Redis's, does not look at replies
    } finally {
      running = outer;
      runningArgs = outerArgs;
      replacementCount = outerReplacements;
      propagationPrevented = outerPrevented;
    }
  }

  private void execute(Session s, Command cmd, Args a) {
    RespWriter w = s.writer;
    Engine e = engine;
    if (!fromScript) {
      e.keyspace().updateTime(); // a script's commands share the script's clock, as Redis freezes it for the script
    }
    e.keyspace().noTouch = s.noTouch && !"touch".equals(cmd.spec.name());
    long dirtyBefore = e.stats().dirty;
    replacementCount = 0;
    propagationPrevented = false;
    s.clearRedactions();
    running = s;
    runningArgs = a;
    boolean failed = false;
    s.currentArgs = a;
    long start = System.nanoTime();
    try {
      cmd.handler.handle(s, a);
    } catch (RedisException err) {
      w.error(err);
      e.stats().countError(err.code());
      failed = true;
    } finally {
      running = null;
      runningArgs = null;
    }
    e.keyspace().noTouch = false;
    if (failRequested) {
      failRequested = false;
      failed = true;
    }
    if (suspendRequested) {
      // the handler paused (a script past busy-reply-threshold): the bookkeeping waits for it to finish
      suspendRequested = false;
      suspended = new Suspended(s, cmd, a.toArray(), start, dirtyBefore);
      return;
    }
    finish(s, cmd, a, System.nanoTime() - start, failed, dirtyBefore);
  }

  /** Statistics, slow log, MONITOR and propagation once a command is done. */
  private void finish(Session s, Command cmd, Args a, long nanos, boolean failed, long dirtyBefore) {
    Engine e = engine;
    e.eventLoopStats().command(nanos);
    Command stats = cmd;
    // a command that blocked is counted once, when it is served, times out or is unblocked (as Redis does)
    boolean waiting = e.blocking().waitsAfterRun(s);
    if (!waiting) {
      stats.calls++;
    }
    stats.microseconds += nanos / 1000;
    if (e.params().process.latencyTracking.value) {
      if (stats.latency == null) {
        stats.latency = new LatencyHistogram();
      }
      stats.latency.record(nanos);
    }
    if (failed) {
      stats.failedCalls++;
    }
    e.stats().totalCommandsProcessed++;
    s.commandsProcessed++;
    s.lastInteractionMillis = e.keyspace().now();
    e.afterCommand(s, cmd, a, nanos, e.blocking().isRerunning(s), waiting);
    if (e.stats().dirty != dirtyBefore && !propagationPrevented) {
      propagate(s, a);
      s.aofOffset = e.aof().offset();
    }
  }

  /** A command whose handler returned before it was done; see {@link #suspendRunningCommand()}. */
  private record Suspended(Session session, Command cmd, byte[][] argv, long startNanos, long dirtyBefore) { }

  private Suspended suspended;
  private boolean fromScript;
  private boolean suspendRequested;
  private boolean failRequested;

  /**
   * Called by a handler that returns before its command is done (a script paused past busy-reply-threshold, to be
   * resumed on the engine thread): statistics, the slow log, MONITOR and propagation wait for
   * {@link #finishSuspended(boolean)}. The handler suspends its client, so the client's next commands wait too.
   */
  public void suspendRunningCommand() {
    suspendRequested = true;
  }

  /** Ends the suspended command: its reply is written; now its bookkeeping, as any command's. */
  public void finishSuspended(boolean failed) {
    Suspended p = suspended;
    suspended = null;
    if (p == null) {
      return;
    }
    propagationPrevented = true; // a script propagates its effects, never itself
    replacementCount = 0;
    finish(p.session, p.cmd, Args.ofBytes(p.argv), System.nanoTime() - p.startNanos, failed, p.dirtyBefore);
  }

  /** Counts the running command as failed although its handler wrote the error reply itself (scripts do). */
  public void markFailed() {
    failRequested = true;
  }

  /**
   * Runs a command for a script ({@code redis.call}): the checks were the script engine's; this runs, counts and
   * propagates it as any command, and leaves the running script's own dispatch state as it was.
   */
  public void callFromScript(Session client, Command cmd, Args a) {
    byte[][][] savedReplacement = replacement;
    int savedCount = replacementCount;
    boolean savedPrevented = propagationPrevented;
    boolean savedFail = failRequested;
    Session savedRunning = running;
    Args savedArgs = runningArgs;
    boolean savedFromScript = fromScript;
    replacement = new byte[4][][];
    failRequested = false;
    fromScript = true;
    try {
      execute(client, cmd, a);
    } finally {
      fromScript = savedFromScript;
      replacement = savedReplacement;
      replacementCount = savedCount;
      propagationPrevented = savedPrevented;
      failRequested = savedFail;
      running = savedRunning;
      runningArgs = savedArgs;
    }
  }

  private void propagate(Session s, Args a) {
    if (!engine.propagation().hasListeners()) {
      return;
    }
    int db = s.dbIndex();
    if (replacementCount == 0) {
      engine.propagation().emit(db, a.toArray());
    } else {
      for (int i = 0; i < replacementCount; i++) {
        engine.propagation().emit(db, replacement[i]);
      }
    }
  }

  /** Replaces the running command's propagation (see {@code CommandContext.propagate}). */
  public void replacePropagation(byte[][] command) {
    if (replacementCount == replacement.length) {
      replacement = java.util.Arrays.copyOf(replacement, replacementCount * 2);
    }
    replacement[replacementCount++] = command;
  }

  public void preventPropagation() {
    propagationPrevented = true;
  }

  /**
   * CLIENT REPLY OFF/SKIP: the reply (an error too) was written; drop it. CLIENT REPLY SKIP leaves SKIP_NEXT, which
   * becomes SKIP once that command is done, so the command after it is the one skipped.
   */
  private static void applyReplyMode(Session s, RespWriter w, int mark) {
    switch (s.replyMode) {
      case ON -> { }
      case OFF -> w.buffer().writerIndex(mark);
      case SKIP -> {
        w.buffer().writerIndex(mark);
        s.replyMode = Session.ReplyMode.ON;
      }
      case SKIP_NEXT -> s.replyMode = Session.ReplyMode.SKIP; // set by CLIENT REPLY SKIP for the next command
    }
  }

  private void reject(Session s, Command cmd, RedisException err) {
    s.writer.error(err);
    engine.stats().countError(err.code());
    if (cmd != null) {
      cmd.rejectedCalls++;
    }
  }

  /** {@code ERR unknown command 'foo', with args beginning with: 'a' 'b' }, truncated as Redis does. */
  static RedisException unknownCommand(Args a) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < a.size() && args.length() < 128; i++) {
      args.append('\'').append(truncate(new String(a.get(i), StandardCharsets.UTF_8), 128 - args.length()))
          .append("' ");
    }
    return RedisException.err("unknown command '" + truncate(a.string(0), 128) + "', with args beginning with: "
        + args);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(0, max));
  }
}
