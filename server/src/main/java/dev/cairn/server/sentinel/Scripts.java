package dev.cairn.server.sentinel;

import dev.cairn.api.reply.Reply;
import dev.cairn.core.log.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The notification and client-reconfig scripts, run as Redis Sentinel runs them: a queue of at most 256 jobs (the
 * oldest waiting one goes when it overflows), at most 16 running at once, oldest first. A script that exits with 1 or
 * dies by a signal runs again later, up to 10 runs in all, after {@code script-retry-delay} doubled for every retry
 * after the first; any other non-zero exit (2 for a script that cannot be executed) ends it with a
 * {@code -script-error} event. A script running longer than {@code script-max-runtime} is killed (and so retried).
 * The sentinel's timer drives it ({@link #tick}); SENTINEL PENDING-SCRIPTS lists the queue.
 */
final class Scripts {
  static final int MAX_QUEUE = 256;
  static final int MAX_RUNNING = 16;
  static final int MAX_RETRY = 10;

  private static final class Job {
    final String[] argv;
    boolean running;
    int retryNum;
    /** While running: when it started; while waiting for a retry: when it may run again (0: at once). */
    long startTime;
    Process process;
    boolean killed;

    Job(String[] argv) {
      this.argv = argv;
    }

    long pid() {
      return process == null ? 0 : process.pid();
    }
  }

  private final Sentinel sentinel;
  private final List<Job> queue = new ArrayList<>();
  private int running;

  Scripts(Sentinel sentinel) {
    this.sentinel = sentinel;
  }

  /** Queues a run of {@code argv[0]} with the other arguments. */
  void schedule(String... argv) {
    queue.add(new Job(argv));
    if (queue.size() > MAX_QUEUE) {
      for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
        if (!it.next().running) {
          it.remove(); // the oldest job not running makes room
          break;
        }
      }
    }
  }

  /** The timer: start what may start, collect what ended, kill what ran too long. */
  void tick(long now) {
    runPending(now);
    collectTerminated();
    killTimedOut(System.currentTimeMillis());
  }

  private void runPending(long now) {
    for (Job j : new ArrayList<>(queue)) {
      if (running >= MAX_RUNNING) {
        return;
      }
      if (j.running || j.startTime > now) {
        continue;
      }
      j.running = true;
      j.startTime = System.currentTimeMillis();
      j.retryNum++;
      j.killed = false;
      try {
        // the script runs in `dir`, where a relative path names it: redis-sentinel has made `dir` its working
        // directory (SENTINEL SET checks the path there too), and a JVM cannot change its own
        ProcessBuilder pb = new ProcessBuilder(j.argv).directory(sentinel.engine.params().dir.value.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        j.process = pb.start();
        running++;
        sentinel.event(Log.Level.DEBUG, "+script-child", null, Long.toString(j.process.pid()));
      } catch (IOException | RuntimeException e) {
        // what Redis's child does when execve fails: exit code 2, not retried
        j.running = false;
        finished(j, 0, 2);
      }
    }
  }

  private void collectTerminated() {
    for (Job j : new ArrayList<>(queue)) {
      if (!j.running || j.process == null || j.process.isAlive()) {
        continue;
      }
      int code = j.process.exitValue();
      // a process killed by a signal exits as 128 + the signal's number
      int signal = j.killed ? 9 : code > 128 && code < 128 + 65 ? code - 128 : 0;
      int exit = signal != 0 ? 0 : code;
      running--;
      sentinel.event(Log.Level.DEBUG, "-script-child", null, j.pid() + " " + exit + " " + signal);
      if ((signal != 0 || exit == 1) && j.retryNum != MAX_RETRY) {
        j.running = false;
        j.process = null;
        j.startTime = System.currentTimeMillis() + retryDelay(j.retryNum);
      } else {
        finished(j, signal, exit);
      }
    }
  }

  private void finished(Job j, int signal, int exit) {
    if (signal != 0 || exit != 0) {
      sentinel.event(Log.Level.WARNING, "-script-error", null, j.argv[0] + " " + signal + " " + exit);
    }
    queue.remove(j);
  }

  /** The retry delay doubles after each retry: 30 s, 60 s, 2 min, ... with the default delay. */
  private long retryDelay(int retryNum) {
    long delay = sentinel.scriptRetryDelay;
    while (retryNum-- > 1) {
      delay *= 2;
    }
    return delay;
  }

  private void killTimedOut(long now) {
    for (Job j : queue) {
      if (j.running && j.process != null && !j.killed && now - j.startTime > sentinel.scriptMaxRuntime) {
        sentinel.event(Log.Level.WARNING, "-script-timeout", null, j.argv[0] + " " + j.pid());
        j.killed = true;
        j.process.destroyForcibly();
      }
    }
  }

  /** SENTINEL PENDING-SCRIPTS. */
  void pending(Reply r) {
    long now = System.currentTimeMillis();
    r.array(queue.size());
    for (Job j : queue) {
      r.map(5);
      r.bulk("argv");
      r.array(j.argv.length);
      for (String a : j.argv) {
        r.bulk(a);
      }
      r.bulk("flags");
      r.bulk(j.running ? "running" : "scheduled");
      r.bulk("pid");
      r.bulk(Long.toString(j.pid()));
      if (j.running) {
        r.bulk("run-time");
        r.bulk(Long.toString(now - j.startTime));
      } else {
        r.bulk("run-delay");
        r.bulk(Long.toString(j.startTime == 0 ? 0 : Math.max(0, j.startTime - now)));
      }
      r.bulk("retry-num");
      r.bulk(Long.toString(j.retryNum));
    }
  }
}
