package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of keyspace events: keyspace notifications (pub/sub), client tracking, WATCH, blocking and module
 * hooks all subscribe here, so each command reports a change once. Listeners run synchronously on the engine thread,
 * right after the change, in this order:
 * <ul>
 *   <li>{@link #notify named events} ({@code set}, {@code lpush}, {@code expired}, ...): the listeners in registration
 *       order (modules, search indexing), then the keyspace notifier ({@code notify-keyspace-events}), as Redis tells
 *       modules before it publishes;</li>
 *   <li>{@link #keyModified modified keys}: WATCH, client tracking, blocked clients, in registration order;</li>
 *   <li>{@link #beforeFlush whole databases} emptied (FLUSHDB, FLUSHALL) or exchanged (SWAPDB), signalled while the old
 *       contents are still there, so that a listener can tell which watched keys existed.</li>
 * </ul>
 */
public final class KeyspaceEventsHub {
  /** Receives keyspace events of the classes it asked for. */
  public interface Listener {
    void onEvent(int type, String event, byte[] key, int dbIndex);
  }

  /** Receives every modified key (WATCH, client tracking). */
  public interface ModifiedKeyListener {
    void onModified(int dbIndex, byte[] key);

    /**
     * A key the server itself changed (expired, evicted), not a client's command: no client tracking NOLOOP filter
     * applies. By default the same as {@link #onModified}.
     */
    default void onModifiedByServer(int dbIndex, byte[] key) {
      onModified(dbIndex, key);
    }
  }

  /** Told before whole databases change at once. */
  public interface DatabaseListener {
    /** Database {@code dbIndex} (-1: every database) is about to be emptied. */
    void beforeFlush(int dbIndex);

    /** Databases {@code a} and {@code b} are about to exchange their contents. */
    void beforeSwap(int a, int b);
  }

  private final List<Listener> listeners = new ArrayList<>();
  private final List<ModifiedKeyListener> modifiedListeners = new ArrayList<>();
  private final List<DatabaseListener> databaseListeners = new ArrayList<>();
  private Listener notifier;

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  /** Sets the keyspace notifier, which always runs after the other listeners. */
  public void setNotifier(Listener l) {
    notifier = l;
  }

  public void addModifiedKeyListener(ModifiedKeyListener l) {
    modifiedListeners.add(l);
  }

  public void addDatabaseListener(DatabaseListener l) {
    databaseListeners.add(l);
  }

  public void notify(int type, String event, byte[] key, int dbIndex) {
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).onEvent(type, event, key, dbIndex);
    }
    if (notifier != null) {
      notifier.onEvent(type, event, key, dbIndex);
    }
  }

  public void keyModified(int dbIndex, byte[] key) {
    for (int i = 0; i < modifiedListeners.size(); i++) {
      modifiedListeners.get(i).onModified(dbIndex, key);
    }
  }

  /** A key removed by the server (expiry, eviction) rather than by a command. */
  public void keyModifiedByServer(int dbIndex, byte[] key) {
    for (int i = 0; i < modifiedListeners.size(); i++) {
      modifiedListeners.get(i).onModifiedByServer(dbIndex, key);
    }
  }

  public void beforeFlush(int dbIndex) {
    for (int i = 0; i < databaseListeners.size(); i++) {
      databaseListeners.get(i).beforeFlush(dbIndex);
    }
  }

  public void beforeSwap(int a, int b) {
    for (int i = 0; i < databaseListeners.size(); i++) {
      databaseListeners.get(i).beforeSwap(a, b);
    }
  }
}
