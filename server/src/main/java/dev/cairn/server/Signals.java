package dev.cairn.server;

import dev.cairn.core.server.Shutdown;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM and SIGINT, caught from before the server listens, as Redis sets its handlers up before it opens its
 * sockets: a client (or a test) that connects may signal at once and must get Redis's shutdown, not the JVM's (exit
 * 143). A signal that comes before the engine takes them waits here and is handed over when it does; the engine's
 * cron carries it out (see {@link Shutdown}).
 */
final class Signals {
  private final AtomicReference<String> pending = new AtomicReference<>();
  private volatile Shutdown target;

  private Signals() {
  }

  @SuppressWarnings("sunapi")
  static Signals catchShutdownSignals() {
    Signals s = new Signals();
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> s.received("SIG" + name));
    }
    return s;
  }

  /** From now on signals ask {@code shutdown}; one that came before is handed over now. */
  void deliverTo(Shutdown shutdown) {
    target = shutdown;
    handOver(shutdown);
  }

  private void received(String name) {
    Shutdown t = target;
    if (t != null) {
      t.signalled(name);
      return;
    }
    pending.set(name);
    t = target;
    if (t != null) { // deliverTo ran meanwhile: whichever of the two takes the signal hands it over, once
      handOver(t);
    }
  }

  private void handOver(Shutdown t) {
    String name = pending.getAndSet(null);
    if (name != null) {
      t.signalled(name);
    }
  }
}
