package dev.cairn.core.connection;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT PAUSE / UNPAUSE: while a pause is on, clients whose next command it covers are suspended (their connection
 * keeps the command unread) and resumed in arrival order when the pause ends. As in Redis, PAUSE ALL holds every
 * command of every normal client, CLIENT UNPAUSE included: only the timeout (or a replica, later) ends it.
 */
public final class ClientPauses {
  private static final long ORIGIN = System.nanoTime();
  /** The pause's end on the monotonic clock ({@link #monotonicMillis}), Long.MAX_VALUE: until unpaused. */
  private long untilMillis;
  private boolean writeOnly;
  private boolean active;
  private final List<Session> waiting = new ArrayList<>();
  /** While a Lua debugging session runs (SCRIPT DEBUG SYNC), the one client served; every other waits. */
  private Session onlyClient;

  /** Holds every client but {@code s} until {@link #releaseHold()}, as Redis serves nobody while it debugs a script. */
  public void holdAllBut(Session s) {
    onlyClient = s;
  }

  /** Ends {@link #holdAllBut}: the held clients go on (those a pause still covers wait again when they try). */
  public void releaseHold() {
    onlyClient = null;
    resumeWaiting();
  }

  /**
   * Starts or extends a pause of {@code durationMillis} (Long.MAX_VALUE: until unpaused); a later, longer pause wins,
   * and ALL wins over WRITE, as in Redis. Its end is kept on the monotonic clock: on the wall clock a step of the
   * system time ends a pause early or holds it late.
   */
  public void pause(long durationMillis, boolean writeOnly) {
    long now = monotonicMillis();
    long untilMillis = durationMillis >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + durationMillis;
    if (!active) {
      this.untilMillis = untilMillis;
      this.writeOnly = writeOnly;
      active = true;
      return;
    }
    this.untilMillis = Math.max(this.untilMillis, untilMillis);
    this.writeOnly = this.writeOnly && writeOnly;
  }

  public boolean active() {
    return active;
  }

  /**
   * If {@code s} must wait before running its command, suspends it and returns true; {@code mayReplicate} says the
   * command writes or may replicate (for EXEC: a queued command does), which a WRITE pause holds.
   */
  public boolean mustWait(Session s, boolean mayReplicate) {
    if (onlyClient != null && s != onlyClient) {
      s.suspend();
      waiting.add(s);
      return true;
    }
    if (!active) {
      return false;
    }
    if (monotonicMillis() >= untilMillis) {
      unpause();
      return false;
    }
    if (writeOnly && !mayReplicate) {
      return false;
    }
    s.suspend();
    waiting.add(s);
    return true;
  }

  /** Clients waiting for the pause to end (INFO counts them among blocked_clients, as Redis does). */
  public int waitingCount() {
    return waiting.size();
  }

  /** Ends the pause if its time has come (from the cron). */
  public void tick() {
    if (active && monotonicMillis() >= untilMillis) {
      unpause();
    }
  }

  /**
   * Milliseconds since this class was loaded, never moving back: what a pause's end is kept on. From an origin rather
   * than nanoTime itself, which may be negative: pause()'s overflow check needs a non-negative now.
   */
  private static long monotonicMillis() {
    return (System.nanoTime() - ORIGIN) / 1_000_000;
  }

  public void unpause() {
    active = false;
    resumeWaiting();
  }

  private void resumeWaiting() {
    List<Session> toResume = new ArrayList<>(waiting);
    waiting.clear();
    for (Session s : toResume) {
      if (!s.closing) {
        s.resume();
      }
    }
  }

  /** Forgets a client that disconnected while waiting. */
  public void remove(Session s) {
    waiting.remove(s);
  }
}
