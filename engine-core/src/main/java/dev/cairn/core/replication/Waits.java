package dev.cairn.core.replication;

import dev.cairn.core.connection.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients blocked in WAIT (and WAITAOF's replica count): each waits until enough replicas acknowledged the offset of
 * its last write. While any waits, replicas are asked for their offset (REPLCONF GETACK) once per event-loop round,
 * as Redis asks in beforeSleep.
 */
final class Waits {
  /** A blocked client, when it may go on, and its reply then. */
  record Waiter(Session session, java.util.function.BooleanSupplier ready,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> reply) { }

  private final Replication repl;
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean ackRequested;

  Waits(Replication repl) {
    this.repl = repl;
  }

  void add(Waiter w) {
    waiters.add(w);
    askForAcks();
  }

  /** A GETACK goes into the stream once per round in which clients wait. */
  void askForAcks() {
    if (!ackRequested) {
      ackRequested = true;
      repl.engine.loop().execute(() -> {
        ackRequested = false;
        if (!waiters.isEmpty()) {
          repl.requestAcks();
        }
      });
    }
  }

  void forget(Session s) {
    waiters.removeIf(w -> w.session == s);
  }

  boolean isEmpty() {
    return waiters.isEmpty();
  }

  /** A replica acknowledged: clients whose count is now reached are answered. */
  void acked() {
    if (waiters.isEmpty()) {
      return;
    }
    for (Waiter w : new ArrayList<>(waiters)) {
      if (w.ready.getAsBoolean()) {
        waiters.remove(w);
        repl.engine.blocking().release(w.session, false, w.reply);
      }
    }
  }

  void cron() {
    if (!waiters.isEmpty()) {
      askForAcks();
    }
  }
}
