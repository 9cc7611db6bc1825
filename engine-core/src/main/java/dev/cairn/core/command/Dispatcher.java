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
    RedisException refused = persistenceRefusal(cmd);
    if (refused != null) {
      reject(s, cmd, refused);
      return true;
    }
    if (engine.pauses().mustWait(s, cmd)) {
      return false;
    }
    execute(s, cmd, a);
    engine.blocking().serveReadyKeys();
    return true;
  }

  public static final RedisException LOADING = RedisException.of("LOADING",
      "Redis is loading the dataset in memory");

  /**
   * MISCONF for writes (and PING, as Redis) while the last BGSAVE failed and stop-writes-on-bgsave-error holds; LOADING
   * for commands without the loading flag while a dataset loads.
   */
  private RedisException persistenceRefusal(Command cmd) {
    var p = engine.persistence();
    RedisException denied = p.writesDenied();
    if (denied != null && (cmd.spec.has(Flag.WRITE) || cmd.spec.name().equals("ping"))) {
      return denied;
    }
    if (p.loader().loading() && !cmd.spec.has(Flag.LOADING)) {
      return LOADING;
    }
    return null;
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

  private void execute(Session s, Command cmd, Args a) {
    RespWriter w = s.writer;
    Engine e = engine;
    e.keyspace().updateTime();
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
    long nanos = System.nanoTime() - start;
    e.keyspace().noTouch = false;

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
