package dev.cairn.core.server;

import dev.cairn.core.Engine;
import dev.cairn.core.config.ProcessParams;
import dev.cairn.core.log.Log;
import dev.cairn.core.log.LogMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one shutdown path, shared by the SHUTDOWN command and the signals, as Redis's: a signal only asks ({@link
 * #signalled}), and the cron carries the request out on the engine thread with the flags of {@code shutdown-on-sigterm}
 * or {@code shutdown-on-sigint}; SHUTDOWN carries out its own flags at once. Either way {@link #prepare} logs the
 * request, saves the final RDB when the flags or the save points ask for it ({@link FinalSave}), removes the pid file,
 * stops the server and logs "ready to exit"; a save that fails stops the shutdown unless FORCE says to go on.
 */
public final class Shutdown {
  /** Save even without save points. */
  public static final int SAVE = 1;
  /** Do not save even with save points. */
  public static final int NOSAVE = 2;
  /** Do not wait for replicas to catch up. */
  public static final int NOW = 4;
  /** Exit even when the final save fails. */
  public static final int FORCE = 8;

  /**
   * Writes the final RDB snapshot before exit (synchronously, on the engine thread); returns whether it succeeded
   * (a failure is logged by the saver with its reason). Persistence plugs its save in with {@link #setFinalSave}.
   */
  @FunctionalInterface
  public interface FinalSave {
    boolean save();
  }

  private final Engine engine;
  /** The RDB save; tests of the shutdown path may plug in another ({@link #setFinalSave}). */
  private FinalSave finalSave;
  // set from the signal-handling thread, read by the cron on the engine thread
  private volatile boolean requested;
  private volatile String lastSignal;
  private boolean stopping;

  public Shutdown(Engine engine) {
    this.engine = engine;
    this.finalSave = () -> engine.persistence().finalSave();
  }

  /** Plugs in the final save (RDB persistence). */
  public void setFinalSave(FinalSave save) {
    this.finalSave = save;
  }

  /**
   * A SIGTERM or SIGINT ({@code name} "SIGTERM"/"SIGINT") arrived: logs it as Redis's signal handler does and leaves
   * the shutdown to the cron. A second SIGINT while one is pending means "exit now" (status 1, not a clean shutdown).
   * Called on the signal-handling thread.
   */
  public void signalled(String name) {
    if (requested && name.equals("SIGINT")) {
      Log.fromSignalHandler(LogMessage.SIGNAL_INSIST.format());
      engine.persistence().removeTempFileForExit();
      Runtime.getRuntime().halt(1);
    }
    // the request first, the log line after: the first log from this thread loads classes for milliseconds, and a
    // SHUTDOWN ABORT sent just after the signal must find the request (Redis's handler sets its flag at once)
    lastSignal = name;
    requested = true;
    Log.fromSignalHandler(LogMessage.SIGNAL_SHUTDOWN.format(name));
  }

  /** Whether a signal asked for a shutdown that has not been carried out or aborted. */
  public boolean requested() {
    return requested;
  }

  /** From the cron: carries out a signal's shutdown request. */
  public void cron() {
    if (waitUntilMillis != 0 && !stopping) {
      waitCron();
      return;
    }
    if (!requested || stopping) {
      return;
    }
    ProcessParams p = engine.params().process;
    String flags = "SIGINT".equals(lastSignal) ? p.shutdownOnSigint.value : p.shutdownOnSigterm.value;
    if (!prepare(parseFlags(flags))) {
      requested = false; // failed: logged; the server goes on, and a new signal may try again
    }
  }

  /** Whether a shutdown has gone ahead: the server is stopping (a paused script is then abandoned, not resumed). */
  public boolean stopping() {
    return stopping;
  }

  /**
   * SHUTDOWN ABORT: cancels a signal's pending request. Shutdowns here never wait for replicas, so that is the only
   * kind that can be pending.
   */
  public boolean abort() {
    if (waitUntilMillis != 0) {
      LogMessage.SHUTDOWN_ABORTED.log();
      engine.pauses().unpause();
      endWait();
      lastSignal = null;
      return true;
    }
    if (!requested) {
      return false;
    }
    requested = false;
    lastSignal = null;
    LogMessage.SHUTDOWN_ABORTED.log();
    return true;
  }

  /**
   * Shuts the server down with {@code flags} ({@link #SAVE}, {@link #NOSAVE}, {@link #NOW}, {@link #FORCE}); returns
   * false, having logged why, when it cannot (a failed save without FORCE), and the server goes on. On success the
   * listening sockets are closed and the server stops once the current command has been answered.
   */
  public boolean prepare(int flags) {
    if (stopping) {
      return false;
    }
    if (waitUntilMillis != 0) {
      return true; // already waiting for replicas: this caller waits too
    }
    LogMessage.USER_REQUESTED_SHUTDOWN.log();
    long timeout = engine.params().process.shutdownTimeout.value;
    if ((flags & NOW) == 0 && timeout > 0 && engine.replication().replicasLagging()) {
      // writes pause and replicas are asked for their offset; the cron finishes once they caught up or time is up
      waitUntilMillis = System.currentTimeMillis() + timeout * 1000;
      waitFlags = flags;
      Log.log(Log.Level.NOTICE, "Waiting for replicas before shutting down.");
      engine.pauses().pause(Long.MAX_VALUE, true);
      engine.replication().requestAcks();
      return true;
    }
    return finish(flags);
  }

  /** While waiting for replicas: when the wait ends (ms), else 0. */
  private long waitUntilMillis;
  private int waitFlags;
  private final java.util.List<dev.cairn.core.connection.Session> blocked = new java.util.ArrayList<>();

  /** Whether a shutdown waits for lagging replicas (shutdown_in_milliseconds; SHUTDOWN blocks meanwhile). */
  public boolean waitingForReplicas() {
    return waitUntilMillis != 0;
  }

  /** INFO's shutdown_in_milliseconds: what is left of the wait. */
  public long remainingMillis() {
    return Math.max(0, waitUntilMillis - System.currentTimeMillis());
  }

  /** A SHUTDOWN client blocked until the wait ends (it gets an error if the shutdown then fails or is aborted). */
  public void blockUntilDone(dev.cairn.core.connection.Session s) {
    blocked.add(s);
  }

  private void waitCron() {
    boolean inSync = !engine.replication().replicasLagging();
    if (!inSync && System.currentTimeMillis() < waitUntilMillis) {
      engine.replication().requestAcks();
      return;
    }
    waitUntilMillis = 0;
    engine.pauses().unpause();
    if (!finish(waitFlags)) {
      endWait();
    }
  }

  private void endWait() {
    waitUntilMillis = 0;
    requested = false;
    for (dev.cairn.core.connection.Session s : blocked) {
      engine.blocking().release(s, true, r -> r.error(dev.cairn.api.reply.RedisException.err("Errors trying to SHUTDOWN. Check logs.")));
    }
    blocked.clear();
  }

  /** A server with no dataset of its own (sentinel mode) never saves at shutdown, as Redis forces NOSAVE there. */
  private boolean neverSave;

  public void neverSave() {
    neverSave = true;
  }

  private boolean finish(int flags) {
    engine.replication().logShutdownSync();
    if (neverSave || engine.persistence().loader().loading() || engine.aof().loading()) {
      // the dataset is only partly loaded: saving it would overwrite the file with a part of it, as Redis knows
      flags = (flags & ~SAVE) | NOSAVE;
    }
    // a running BGSAVE is stopped first, its temporary file removed, as Redis kills its child
    engine.persistence().stopForShutdown();
    // the AOF just turned on exists only once its first rewrite ends: exiting now would lose the dataset
    if (engine.aof().state() == dev.cairn.core.aof.Aof.State.WAIT_REWRITE && engine.aof().rewriteInProgress()) {
      if ((flags & FORCE) == 0) {
        LogMessage.INITIAL_AOF_CANT_EXIT.log();
        LogMessage.SHUTDOWN_ERRORS.log();
        requested = false;
        return false;
      }
      LogMessage.INITIAL_AOF_EXIT_ANYWAY.log();
    }
    boolean wantsSave = (flags & SAVE) != 0
        || (flags & NOSAVE) == 0 && engine.params().persistence.save.rules.length > 0;
    if (wantsSave) {
      LogMessage.SAVING_FINAL_RDB.log();
      if (!finalSave.save()) {
        if ((flags & FORCE) == 0) {
          LogMessage.SAVE_ERROR_CANT_EXIT.log();
          LogMessage.SHUTDOWN_ERRORS.log();
          requested = false;
          return false;
        }
        LogMessage.SAVE_ERROR_EXIT_ANYWAY.log();
      }
    }
    stopping = true;
    String pidfile = engine.params().process.effectivePidfile();
    if (pidfile != null) {
      LogMessage.REMOVING_PIDFILE.log();
      try {
        Files.deleteIfExists(resolve(engine, pidfile));
      } catch (IOException e) {
        // Redis ignores a failed unlink too
      }
    }
    engine.stop();
    LogMessage.READY_TO_EXIT.log("Redis");
    return true;
  }

  /** A relative path of the process's files (pid file, log file) is taken from {@code dir}, where Redis would be. */
  public static Path resolve(Engine engine, String file) {
    return resolve(engine.params().dir.value, file);
  }

  /** As {@link #resolve(Engine, String)} with the configured {@code dir}. */
  public static Path resolve(Path dir, String file) {
    Path f = Path.of(file);
    return f.isAbsolute() ? f : dir.resolve(f).toAbsolutePath();
  }

  /** Flags from words ("save", "nosave", "now", "force", or "default" for none), as shutdown-on-sig* holds them. */
  public static int parseFlags(String words) {
    int flags = 0;
    for (String w : words.trim().split("\\s+")) {
      switch (w.toLowerCase(Locale.ROOT)) {
        case "save" -> flags |= SAVE;
        case "nosave" -> flags |= NOSAVE;
        case "now" -> flags |= NOW;
        case "force" -> flags |= FORCE;
        default -> { } // "default": none
      }
    }
    return flags;
  }
}
