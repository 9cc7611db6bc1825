package dev.cairn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stream calls only the listeners whose subscription asks for something, in registration order. */
class KeyspaceEventsHubTest {
  private static final int STRING = 1 << 3;
  private static final int LIST = 1 << 4;
  private final KeyspaceEventsHub hub = new KeyspaceEventsHub();
  private final List<String> calls = new ArrayList<>();

  private KeyspaceEventsHub.Subscription modified(String name) {
    return hub.addModifiedKeyListener(new KeyspaceEventsHub.ModifiedKeyListener() {
      @Override
      public void onModified(int dbIndex, byte[] key) {
        calls.add(name + " " + new String(key));
      }

      @Override
      public void onModifiedByServer(int dbIndex, byte[] key) {
        calls.add(name + " server " + new String(key));
      }
    });
  }

  @Test
  @DisplayName("A modified-key listener is called only while active, in registration order")
  void modifiedKeyListenersRunWhileActive() {
    KeyspaceEventsHub.Subscription a = modified("a");
    KeyspaceEventsHub.Subscription b = modified("b");
    hub.keyModified(0, "k".getBytes());
    assertEquals(List.of(), calls, "inactive until their owners have something to check");
    b.setActive(true);
    a.setActive(true);
    hub.keyModified(0, "k".getBytes());
    hub.keyModifiedByServer(0, "e".getBytes());
    assertEquals(List.of("a k", "b k", "a server e", "b server e"), calls);
    calls.clear();
    a.setActive(false);
    hub.keyModified(0, "k".getBytes());
    assertEquals(List.of("b k"), calls);
  }

  @Test
  @DisplayName("A named-event listener gets the classes it asks for now, before the notifier; none after cancel")
  void namedListenersGetTheirClasses() {
    hub.setNotifier((type, event, key, db) -> calls.add("notifier " + event));
    KeyspaceEventsHub.Subscription first = hub.addListener((type, event, key, db) -> calls.add("first " + event), 0);
    KeyspaceEventsHub.Subscription second = hub.addListener((type, event, key, db) -> calls.add("second " + event),
        LIST);
    hub.notify(STRING, "set", "k".getBytes(), 0);
    hub.notify(LIST, "lpush", "l".getBytes(), 0);
    assertEquals(List.of("notifier set", "second lpush", "notifier lpush"), calls);
    calls.clear();
    first.setTypes(STRING | LIST);
    hub.notify(LIST, "lpush", "l".getBytes(), 0);
    assertEquals(List.of("first lpush", "second lpush", "notifier lpush"), calls);
    calls.clear();
    second.cancel();
    second.setTypes(LIST); // a cancelled subscription stays off the stream
    hub.notify(LIST, "lpush", "l".getBytes(), 0);
    assertEquals(List.of("first lpush", "notifier lpush"), calls);
  }

  @Test
  @DisplayName("A listener that turns another off mid-event does not stop that event reaching it")
  void changesDuringAnEventApplyFromTheNext() {
    KeyspaceEventsHub.Subscription[] b = new KeyspaceEventsHub.Subscription[1];
    KeyspaceEventsHub.Subscription a = hub.addModifiedKeyListener((db, key) -> {
      calls.add("a");
      b[0].setActive(false);
    });
    b[0] = modified("b");
    a.setActive(true);
    b[0].setActive(true);
    hub.keyModified(0, "k".getBytes());
    hub.keyModified(0, "k".getBytes());
    assertEquals(List.of("a", "b k", "a"), calls);
  }
}
