package dev.cairn.core.persistence;

import dev.cairn.core.log.Log;
import java.io.IOException;

/**
 * The process that stands for a background job (BGSAVE, an AOF rewrite) where Redis has its forked child. Cairn's
 * snapshots run on a thread of the server, but operators and tools find and kill a save by the server's child
 * process ({@code pgrep -P}, then {@code kill}): this idle process ({@code tail} waiting on nothing, which exits by
 * itself once the server is gone) is that child. Killing it stops the job as a killed child stops Redis's: the output
 * is discarded and the job ends "terminated by signal N". It is ended when the job ends on its own.
 */
final class JobProcess {
  /** Java's exit value for a process killed by signal N is 128 + N. */
  private static final int SIGNAL_BASE = 128;

  private final Process process;
  private volatile boolean ended;

  private JobProcess(Process process) {
    this.process = process;
  }

  /** Starts one; null when it cannot be started (the job then runs without a process to kill). */
  static JobProcess start(Runnable onKilled) {
    Process p;
    try {
      p = new ProcessBuilder("tail", "--pid=" + Log.pid(), "-f", "/dev/null")
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    JobProcess j = new JobProcess(p);
    p.onExit().thenRun(() -> {
      // only a kill stops the job: a process that could not run (no such tail option here) just leaves it be
      if (!j.ended && j.signal() > 0) {
        onKilled.run();
      }
    });
    return j;
  }

  long pid() {
    return process.pid();
  }

  /** The signal that ended it (after it died on its own); 0 if it exited. */
  int signal() {
    int v = process.exitValue();
    return v > SIGNAL_BASE ? v - SIGNAL_BASE : 0;
  }

  /** The job ended: the process goes too. */
  void end() {
    ended = true;
    process.destroyForcibly();
  }
}
