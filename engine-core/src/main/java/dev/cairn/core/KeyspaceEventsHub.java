package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one stream of keyspace events: notifications (pub/sub), client tracking, WATCH and module hooks all subscribe
 * here, so each command reports a change once. Listeners run synchronously on the engine thread, right after the
 * change.
 */
public final class KeyspaceEventsHub {
  /** Receives keyspace events of the classes it asked for. */
  public interface Listener {
    void onEvent(int type, String event, byte[] key, int dbIndex);
  }

  /** Receives every modified key (WATCH, client tracking). */
  public interface ModifiedKeyListener {
    void onModified(int dbIndex, byte[] key);
  }

  private final List<Listener> listeners = new ArrayList<>();
  private final List<ModifiedKeyListener> modifiedListeners = new ArrayList<>();

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public void addModifiedKeyListener(ModifiedKeyListener l) {
    modifiedListeners.add(l);
  }

  public void notify(int type, String event, byte[] key, int dbIndex) {
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).onEvent(type, event, key, dbIndex);
    }
  }

  public void keyModified(int dbIndex, byte[] key) {
    for (int i = 0; i < modifiedListeners.size(); i++) {
      modifiedListeners.get(i).onModified(dbIndex, key);
    }
  }
}
