package dev.cairn.core.type.hash;

import java.util.Arrays;

/**
 * The packed encoding of a small hash: one exact-size byte array holding its entries back to back, like Redis's
 * listpack. Entry grammar:
 *
 * <pre>
 *   entry   = varint(fieldLen) field varint(valueLen) value [ttl]
 *   ttl     = 8 bytes big-endian, milliseconds since the epoch, 0 = none   (only in the "listpackex" layout)
 *   varint  = unsigned LEB128
 * </pre>
 *
 * All methods are static over the array; {@code ex} says whether entries carry the ttl.
 */
final class HashListpack {
  private HashListpack() {}

  static final byte[] EMPTY = new byte[0];

  static int varintSize(int v) {
    return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
  }

  static int readVarint(byte[] b, int p) {
    int v = 0;
    int shift = 0;
    while (true) {
      int x = b[p++];
      v |= (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  static int writeVarint(byte[] b, int p, int v) {
    while ((v & ~0x7f) != 0) {
      b[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  static long readTtl(byte[] b, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[p + i] & 0xff);
    }
    return v;
  }

  static void writeTtl(byte[] b, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      b[p + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** Offset of the field's bytes in the entry at {@code p}. */
  static int fieldStart(byte[] lp, int p) {
    return p + varintSize(readVarint(lp, p));
  }

  static int fieldLen(byte[] lp, int p) {
    return readVarint(lp, p);
  }

  /** Offset of the value's length varint of the entry at {@code p}. */
  static int valueHeader(byte[] lp, int p) {
    int fl = readVarint(lp, p);
    return p + varintSize(fl) + fl;
  }

  static int valueStart(byte[] lp, int vh) {
    return vh + varintSize(readVarint(lp, vh));
  }

  /** Offset just past the value (where the ttl is, in the ex layout). */
  static int valueEnd(byte[] lp, int vh) {
    int vl = readVarint(lp, vh);
    return vh + varintSize(vl) + vl;
  }

  static int next(byte[] lp, int p, boolean ex) {
    return valueEnd(lp, valueHeader(lp, p)) + (ex ? 8 : 0);
  }

  static long ttlAt(byte[] lp, int p, boolean ex) {
    return ex ? readTtl(lp, valueEnd(lp, valueHeader(lp, p))) : 0;
  }

  /** The offset of the entry whose field equals {@code field}, or -1. */
  static int find(byte[] lp, boolean ex, byte[] field) {
    return find(lp, ex, field, 0, field.length);
  }

  /** {@link #find(byte[], boolean, byte[])} of the field that is the {@code n} bytes at {@code off} in {@code b}. */
  static int find(byte[] lp, boolean ex, byte[] b, int off, int n) {
    int p = 0;
    int end = lp.length;
    while (p < end) {
      int fl = readVarint(lp, p);
      int fs = p + varintSize(fl);
      int vh = fs + fl;
      if (fl == n && Arrays.equals(lp, fs, vh, b, off, off + n)) {
        return p;
      }
      int vl = readVarint(lp, vh);
      p = vh + varintSize(vl) + vl + (ex ? 8 : 0);
    }
    return -1;
  }

  static byte[] field(byte[] lp, int p) {
    int fs = fieldStart(lp, p);
    return Arrays.copyOfRange(lp, fs, fs + fieldLen(lp, p));
  }

  static byte[] value(byte[] lp, int p) {
    int vh = valueHeader(lp, p);
    int vs = valueStart(lp, vh);
    return Arrays.copyOfRange(lp, vs, vs + readVarint(lp, vh));
  }

  static int entrySize(int fieldLen, int valueLen, boolean ex) {
    return varintSize(fieldLen) + fieldLen + varintSize(valueLen) + valueLen + (ex ? 8 : 0);
  }

  /** A copy of {@code lp} with a new entry appended. */
  static byte[] append(byte[] lp, boolean ex, byte[] field, byte[] value, long ttl) {
    return append(lp, ex, field, 0, field.length, value, 0, value.length, ttl);
  }

  /** {@link #append(byte[], boolean, byte[], byte[], long)} of a field and a value given as ranges. */
  static byte[] append(byte[] lp, boolean ex, byte[] fb, int fo, int fl, byte[] vb, int vo, int vl, long ttl) {
    byte[] out = Arrays.copyOf(lp, lp.length + entrySize(fl, vl, ex));
    writeEntry(out, lp.length, ex, fb, fo, fl, vb, vo, vl, ttl);
    return out;
  }

  static int writeEntry(byte[] out, int p, boolean ex, byte[] field, byte[] value, long ttl) {
    return writeEntry(out, p, ex, field, 0, field.length, value, 0, value.length, ttl);
  }

  /** Writes an entry of a field and a value given as ranges at {@code p}; returns the offset past it. */
  static int writeEntry(byte[] out, int p, boolean ex, byte[] fb, int fo, int fl, byte[] vb, int vo, int vl,
      long ttl) {
    p = writeVarint(out, p, fl);
    System.arraycopy(fb, fo, out, p, fl);
    p = writeVarint(out, p + fl, vl);
    System.arraycopy(vb, vo, out, p, vl);
    p += vl;
    if (ex) {
      writeTtl(out, p, ttl);
      p += 8;
    }
    return p;
  }

  /**
   * Replaces the value (and ttl) of the entry at {@code p}; returns the array, which is {@code lp} itself when the new
   * value has the same length (overwritten in place, as HSET of a same-size value is common).
   */
  static byte[] replace(byte[] lp, boolean ex, int p, byte[] value, long ttl) {
    return replace(lp, ex, p, value, 0, value.length, ttl);
  }

  /** {@link #replace(byte[], boolean, int, byte[], long)} with the value given as a range. */
  static byte[] replace(byte[] lp, boolean ex, int p, byte[] vb, int vo, int vl, long ttl) {
    int vh = valueHeader(lp, p);
    int oldLen = readVarint(lp, vh);
    int vs = vh + varintSize(oldLen);
    int oldEnd = vs + oldLen + (ex ? 8 : 0);
    if (oldLen == vl) {
      System.arraycopy(vb, vo, lp, vs, vl);
      if (ex) {
        writeTtl(lp, vs + oldLen, ttl);
      }
      return lp;
    }
    int newEntryTail = varintSize(vl) + vl + (ex ? 8 : 0);
    byte[] out = new byte[lp.length - (oldEnd - vh) + newEntryTail];
    System.arraycopy(lp, 0, out, 0, vh);
    int q = writeVarint(out, vh, vl);
    System.arraycopy(vb, vo, out, q, vl);
    q += vl;
    if (ex) {
      writeTtl(out, q, ttl);
      q += 8;
    }
    System.arraycopy(lp, oldEnd, out, q, lp.length - oldEnd);
    return out;
  }

  /** Sets the ttl of the entry at {@code p} in place (ex layout only). */
  static void setTtl(byte[] lp, int p, long ttl) {
    writeTtl(lp, valueEnd(lp, valueHeader(lp, p)), ttl);
  }

  /** A copy of {@code lp} without the entry at {@code p}. */
  static byte[] remove(byte[] lp, boolean ex, int p) {
    int end = next(lp, p, ex);
    if (end - p == lp.length) {
      return EMPTY;
    }
    byte[] out = new byte[lp.length - (end - p)];
    System.arraycopy(lp, 0, out, 0, p);
    System.arraycopy(lp, end, out, p, lp.length - end);
    return out;
  }

  /** The same entries in the ex layout, every ttl 0. */
  static byte[] toEx(byte[] lp) {
    int n = 0;
    for (int p = 0; p < lp.length; p = next(lp, p, false)) {
      n++;
    }
    byte[] out = new byte[lp.length + 8 * n];
    int q = 0;
    for (int p = 0; p < lp.length; ) {
      int e = next(lp, p, false);
      System.arraycopy(lp, p, out, q, e - p);
      q += e - p + 8; // ttl bytes stay 0
      p = e;
    }
    return out;
  }
}
