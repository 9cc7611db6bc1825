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
  /** A blocked client, the offset it needs acknowledged, how many replicas it asked for, and its reply. */
  record Waiter(Session session, long offset, long replicas, java.util.function.BiConsumer<Session, Integer> reply) { }

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
      int n = repl.replicasAcked(w.offset);
      if (n >= w.replicas) {
        waiters.remove(w);
        repl.engine.blocking().release(w.session, false, r -> w.reply.accept(w.session, n));
      }
    }
  }

  void cron() {
    if (!waiters.isEmpty()) {
      askForAcks();
    }
  }
}
