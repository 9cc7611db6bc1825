package dev.cairn.core.keyspace;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The entries of one database that have an expiry, in a dense array so that the active expiry cycle can sample them at
 * random in O(1) (Redis samples its expires dict the same way). Each entry knows its slot; removal swaps the last
 * entry into the hole.
 */
final class ExpireIndex {
  private Entry[] slots = new Entry[16];
  private int size;

  int size() {
    return size;
  }

  void add(Entry e) {
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
    }
    slots[size] = e;
    e.expiry.slot = size++;
  }

  void remove(Entry e) {
    int i = e.expiry.slot;
    if (i < 0) {
      return;
    }
    Entry last = slots[--size];
    slots[i] = last;
    last.expiry.slot = i;
    slots[size] = null;
    e.expiry.slot = -1;
    if (slots.length > 64 && size < slots.length / 4) {
      slots = Arrays.copyOf(slots, slots.length / 2);
    }
  }

  Entry random() {
    return size == 0 ? null : slots[ThreadLocalRandom.current().nextInt(size)];
  }

  void clear() {
    slots = new Entry[16];
    size = 0;
  }
}
