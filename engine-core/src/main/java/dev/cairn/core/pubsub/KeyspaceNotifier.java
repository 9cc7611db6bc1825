package dev.cairn.core.pubsub;

import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.config.SpecialParams;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keyspace notifications: publishes the keyspace event stream's events of the classes {@code notify-keyspace-events}
 * enables, on {@code __keyspace@<db>__:<key>} (message: the event) when K is set and on
 * {@code __keyevent@<db>__:<event>} (message: the key) when E is set, in that order, as Redis does. It runs after the
 * hub's other listeners (modules hear of a change before subscribers do).
 */
public final class KeyspaceNotifier implements KeyspaceEventsHub.Listener {
  private final PubSub pubsub;
  private final SpecialParams.NotifyEvents config;
  /** Event names are a small fixed set of constants: their bytes are made once. */
  private final ConcurrentHashMap<String, byte[]> eventBytes = new ConcurrentHashMap<>();

  public KeyspaceNotifier(PubSub pubsub, SpecialParams.NotifyEvents config) {
    this.pubsub = pubsub;
    this.config = config;
  }

  @Override
  public boolean wants(int type) {
    int flags = config.flags;
    return (flags & type) != 0 && (flags & (KeyspaceEvents.KEYSPACE | KeyspaceEvents.KEYEVENT)) != 0
        && pubsub.hasSubscribers();
  }

  @Override
  public void onEvent(int type, String event, byte[] key, int dbIndex) {
    if (!wants(type)) {
      return;
    }
    int flags = config.flags;
    byte[] name = eventBytes.computeIfAbsent(event, e -> e.getBytes(StandardCharsets.UTF_8));
    if ((flags & KeyspaceEvents.KEYSPACE) != 0) {
      pubsub.publish(channel("__keyspace@", dbIndex, key), name);
    }
    if ((flags & KeyspaceEvents.KEYEVENT) != 0) {
      pubsub.publish(channel("__keyevent@", dbIndex, name), key);
    }
  }

  /** {@code <head><db>__:<tail>} */
  private static byte[] channel(String head, int db, byte[] tail) {
    byte[] prefix = (head + db + "__:").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + tail.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(tail, 0, out, prefix.length, tail.length);
    return out;
  }
}
