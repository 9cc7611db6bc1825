package dev.cairn.core.keyspace;

import dev.cairn.core.cluster.KeySlot;
import java.util.function.Consumer;

/**
 * The keys of a database by hash slot, as Redis 7.0's per-slot lists: a doubly linked list through the entries
 * ({@link SlotEntry}) and a count per slot, so CLUSTER COUNTKEYSINSLOT is O(1) and GETKEYSINSLOT costs what it
 * returns. Kept by {@link Db} when the keyspace runs in cluster mode.
 */
public final class SlotIndex {
  private SlotEntry[] heads = new SlotEntry[KeySlot.SLOTS];
  private int[] counts = new int[KeySlot.SLOTS];

  void add(SlotEntry e) {
    int slot = KeySlot.of(e.key);
    e.slot = (short) slot;
    SlotEntry head = heads[slot];
    e.slotPrev = null;
    e.slotNext = head;
    if (head != null) {
      head.slotPrev = e;
    }
    heads[slot] = e;
    counts[slot]++;
  }

  void remove(SlotEntry e) {
    int slot = e.slot;
    if (e.slotPrev != null) {
      e.slotPrev.slotNext = e.slotNext;
    } else if (heads[slot] == e) {
      heads[slot] = e.slotNext;
    } else {
      return; // not linked (already removed)
    }
    if (e.slotNext != null) {
      e.slotNext.slotPrev = e.slotPrev;
    }
    e.slotPrev = null;
    e.slotNext = null;
    counts[slot]--;
  }

  void clear() {
    heads = new SlotEntry[KeySlot.SLOTS];
    counts = new int[KeySlot.SLOTS];
  }

  void swapWith(SlotIndex other) {
    SlotEntry[] h = heads;
    heads = other.heads;
    other.heads = h;
    int[] c = counts;
    counts = other.counts;
    other.counts = c;
  }

  public int count(int slot) {
    return counts[slot];
  }

  /** Up to {@code max} keys of the slot (expired ones included, as Redis's list holds them until removed). */
  public void keys(int slot, long max, Consumer<byte[]> out) {
    long n = 0;
    for (SlotEntry e = heads[slot]; e != null && n < max; e = e.slotNext, n++) {
      out.accept(e.key);
    }
  }

  /** The entries of a slot, first to last; the visitor must not remove entries of this slot. */
  public void forEach(int slot, Consumer<Entry> out) {
    for (SlotEntry e = heads[slot]; e != null; e = e.slotNext) {
      out.accept(e);
    }
  }
}
