package dev.cairn.core.keyspace;

/**
 * An entry of a cluster node's keyspace: also a link of its hash slot's list ({@link SlotIndex}), so that the keys of
 * a slot are found and counted without a scan. Only cluster mode makes these; a standalone server pays nothing.
 */
final class SlotEntry extends Entry {
  SlotEntry slotPrev;
  SlotEntry slotNext;
  short slot;

  SlotEntry(byte[] key, Object value) {
    super(key, value);
  }
}
