package dev.cairn.core.server;

import dev.cairn.api.command.Args;

/**
 * Size estimates for MEMORY USAGE and DEBUG OBJECT. Cairn runs on the JVM, so the figures are the bytes the JVM holds
 * for a key (object headers, array lengths, the entry), not allocator sizes; see docs/INFO.md.
 */
public final class MemoryEstimate {
  private MemoryEstimate() {}

  /** Object header with compressed class pointers. */
  static final int HEADER = 12;
  /** A byte array: header plus its length field. */
  static final int ARRAY_HEADER = 16;
  /**
   * A keyspace entry: header, key and value references, expiry reference, access clock, next link, and the arena slot
   * or measured size (a key with an expiry also holds a 24-byte expiry object, not counted here).
   */
  static final int ENTRY = align(HEADER + 4 + 4 + 4 + 4 + 4 + 4);
  /** The entry's share of the hash table's bucket array (one reference at a load factor near one). */
  static final int BUCKET = 4;

  static int align(long n) {
    return (int) ((n + 7) & ~7L);
  }

  /** A byte array of {@code len} bytes. */
  public static long byteArray(int len) {
    return align(ARRAY_HEADER + (long) len);
  }

  /** What a key costs before its value: the entry, its bucket slot and the key bytes. */
  public static long keyOverhead(int keyLength) {
    return ENTRY + BUCKET + byteArray(keyLength);
  }

  /** A string key: the entry, the key bytes and the value bytes. */
  public static long stringKey(byte[] key, byte[] value) {
    return ENTRY + BUCKET + byteArray(key.length) + byteArray(value.length);
  }

  /**
   * The length of a string in an RDB file without compression: integers that fit 8, 16 or 32 bits take their
   * encoding byte plus the integer, others a length prefix (1, 2, 5 or 9 bytes) plus the bytes.
   */
  public static long serializedStringLength(byte[] b) {
    if (b.length <= 11 && Args.isLong(b)) {
      long v = Args.parseLongOrMin(b, 0, b.length);
      if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
        return 2;
      } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
        return 3;
      } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return 5;
      }
    }
    long len = b.length;
    int prefix = len < 64 ? 1 : len < 16384 ? 2 : len <= 0xFFFFFFFFL ? 5 : 9;
    return prefix + len;
  }
}
