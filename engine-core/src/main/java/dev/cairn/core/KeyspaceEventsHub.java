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

    /** Whether an event of class {@code type} would do anything now (by default yes). */
    default boolean wants(int type) {
      return true;
    }
  }

  /** Receives every modified key while its subscription is active (WATCH, client tracking, blocking). */
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

  /**
   * A listener's place on the stream, kept in registration order. It receives the named events of the classes in
   * {@link #setTypes types} (bits of {@code KeyspaceEvents}), or, for a modified-key listener, every modified key while
   * {@link #setActive active}; with none it costs a write nothing.
   */
  public final class Subscription {
    private final Object listener;
    private int types;

    private Subscription(Object listener, int types) {
      this.listener = listener;
      this.types = types;
    }

    public int types() {
      return types;
    }

    /** The classes of named events the listener receives from now on; 0 for none. */
    public void setTypes(int types) {
      if (this.types != types) {
        this.types = types;
        publish();
      }
    }

    /** Whether a modified-key listener is called. */
    public void setActive(boolean active) {
      setTypes(active ? ALL : 0);
    }

    /** Removes the listener from the stream for good. */
    public void cancel() {
      if (listener instanceof Listener) {
        named.remove(this);
      } else {
        modified.remove(this);
      }
      publish();
    }
  }

  private static final int ALL = -1;

  private final List<Subscription> named = new ArrayList<>();
  private final List<Subscription> modified = new ArrayList<>();
  /** The subscriptions that ask for something, rebuilt when one changes (rarely: WATCH, BLPOP, FT.CREATE...). */
  private Subscription[] namedNow = new Subscription[0];
  private ModifiedKeyListener[] modifiedNow = new ModifiedKeyListener[0];
  private final List<DatabaseListener> databaseListeners = new ArrayList<>();
  private Listener notifier;

  /** Subscribes {@code l} to the named events of the classes in {@code types}, changeable through the result. */
  public Subscription addListener(Listener l, int types) {
    Subscription s = new Subscription(l, types);
    named.add(s);
    publish();
    return s;
  }

  /** Subscribes {@code l} to the named events of every class. */
  public Subscription addListener(Listener l) {
    return addListener(l, ALL);
  }

  /** Sets the keyspace notifier, which always runs after the other listeners. */
  public void setNotifier(Listener l) {
    notifier = l;
  }

  /** Subscribes {@code l} to modified keys, inactive until its owner has something to check. */
  public Subscription addModifiedKeyListener(ModifiedKeyListener l) {
    Subscription s = new Subscription(l, 0);
    modified.add(s);
    return s;
  }

  public void addDatabaseListener(DatabaseListener l) {
    databaseListeners.add(l);
  }

  private void publish() {
    namedNow = named.stream().filter(s -> s.types != 0).toArray(Subscription[]::new);
    modifiedNow = modified.stream().filter(s -> s.types != 0).map(s -> (ModifiedKeyListener) s.listener)
        .toArray(ModifiedKeyListener[]::new);
  }

  /**
   * Whether a named event of class {@code type} would reach anyone now: a command whose key has no array of its own
   * (see {@code Args}) makes one only then.
   */
  public boolean wants(int type) {
    for (Subscription s : namedNow) {
      if ((s.types & type) != 0) {
        return true;
      }
    }
    return notifier != null && notifier.wants(type);
  }

  /** Whether any modified-key listener is active (WATCH, client tracking, blocked clients). */
  public boolean watchesModifiedKeys() {
    return modifiedNow.length > 0;
  }

  public void notify(int type, String event, byte[] key, int dbIndex) {
    Subscription[] subs = namedNow;
    for (Subscription s : subs) {
      if ((s.types & type) != 0) {
        ((Listener) s.listener).onEvent(type, event, key, dbIndex);
      }
    }
    if (notifier != null) {
      notifier.onEvent(type, event, key, dbIndex);
    }
  }

  public void keyModified(int dbIndex, byte[] key) {
    ModifiedKeyListener[] ls = modifiedNow;
    for (ModifiedKeyListener l : ls) {
      l.onModified(dbIndex, key);
    }
  }

  /** A key removed by the server (expiry, eviction) rather than by a command. */
  public void keyModifiedByServer(int dbIndex, byte[] key) {
    ModifiedKeyListener[] ls = modifiedNow;
    for (ModifiedKeyListener l : ls) {
      l.onModifiedByServer(dbIndex, key);
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
