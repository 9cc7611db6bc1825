package dev.cairn.core.type.stream;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group: its last delivered ID, its logical read counter, the pending entries list (PEL: delivered, not yet
 * acknowledged) and its consumers, each with its own PEL sharing the group's {@link Nack}s.
 */
final class StreamGroup {
  /** The read counter's "unknown" value (SCG_INVALID_ENTRIES_READ). */
  static final long INVALID = -1;

  StreamId lastId;
  long entriesRead;
  final TreeMap<StreamId, Nack> pel = new TreeMap<>();
  /** Consumers by name, in byte order as Redis lists them. */
  final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

  StreamGroup(StreamId lastId, long entriesRead) {
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** A delivered entry not yet acknowledged. */
  static final class Nack {
    long deliveryTime;
    long deliveryCount;
    Consumer consumer;

    Nack(Consumer consumer, long deliveryTime) {
      this.consumer = consumer;
      this.deliveryTime = deliveryTime;
      this.deliveryCount = 1;
    }
  }

  /** A consumer: when it was last seen (any command naming it) and last active (it got or claimed an entry). */
  static final class Consumer {
    final byte[] name;
    long seenTime;
    long activeTime = -1;
    final TreeMap<StreamId, Nack> pel = new TreeMap<>();

    Consumer(byte[] name, long now) {
      this.name = name;
      this.seenTime = now;
    }
  }

  Consumer consumer(byte[] name) {
    return consumers.get(name);
  }

  /** Creates a consumer; null if it exists. */
  Consumer createConsumer(byte[] name, long now) {
    if (consumers.containsKey(name)) {
      return null;
    }
    Consumer c = new Consumer(name, now);
    consumers.put(name, c);
    return c;
  }

  /** Deletes a consumer and its pending entries (from the group's PEL too); returns how many it had. */
  long deleteConsumer(Consumer c) {
    long pending = c.pel.size();
    for (StreamId id : c.pel.keySet()) {
      pel.remove(id);
    }
    consumers.remove(c.name);
    return pending;
  }

  /** Removes the pending entry {@code id} from the group and its owner. */
  void ack(StreamId id, Nack n) {
    pel.remove(id);
    if (n.consumer != null) {
      n.consumer.pel.remove(id);
    }
  }

  StreamGroup copy() {
    StreamGroup g = new StreamGroup(lastId, entriesRead);
    Map<Nack, Nack> copies = new HashMap<>();
    for (Map.Entry<StreamId, Nack> e : pel.entrySet()) {
      Nack n = e.getValue();
      Nack c = new Nack(null, n.deliveryTime);
      c.deliveryCount = n.deliveryCount;
      copies.put(n, c);
      g.pel.put(e.getKey(), c);
    }
    for (Consumer c : consumers.values()) {
      Consumer d = new Consumer(c.name, c.seenTime);
      d.activeTime = c.activeTime;
      for (Map.Entry<StreamId, Nack> e : c.pel.entrySet()) {
        Nack n = copies.get(e.getValue());
        n.consumer = d;
        d.pel.put(e.getKey(), n);
      }
      g.consumers.put(c.name, d);
    }
    return g;
  }

  long estimatedBytes() {
    long b = 96 + 80L * pel.size();
    for (Consumer c : consumers.values()) {
      b += 96 + c.name.length + 48L * c.pel.size();
    }
    return b;
  }
}
