package dev.cairn.core.keyspace;

import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.server.MemoryEstimate;

/**
 * The bytes a key holds on the JVM heap, as the dataset's memory accounting counts them: the entry, its share of the
 * table's buckets, the key and the value. Strings are exact; other values estimate themselves from a few samples
 * ({@link RedisValue#estimatedBytes}), so that measuring a value after a write costs little whatever its size.
 */
public final class EntrySize {
  private EntrySize() {}

  /** How many nested elements a collection looks at when it is measured after a write. */
  static final int SAMPLES = 8;
  /** A value whose type does not estimate itself (a module type without mem_usage) counts as this much. */
  static final long UNKNOWN_VALUE = 64;

  /** The bytes of key {@code key} holding {@code value}. */
  public static long of(byte[] key, Object value) {
    long v;
    if (value instanceof byte[] b) {
      v = MemoryEstimate.byteArray(b.length);
    } else {
      v = ((RedisValue) value).estimatedBytes(SAMPLES);
      if (v < 0) {
        v = UNKNOWN_VALUE;
      }
    }
    return MemoryEstimate.keyOverhead(key.length) + v;
  }

  /** The bytes of key {@code key} holding a string of {@code length} bytes in a {@link StringArena} (its slot). */
  public static long ofArenaString(byte[] key, int length) {
    return MemoryEstimate.keyOverhead(key.length) + StringArena.slotSize(length);
  }

  static int clamp(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
