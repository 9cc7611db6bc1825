package dev.cairn.core.type.string;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit-level work on byte strings, in Redis's bit order: bit 0 is the most significant bit of byte 0. Bit ranges are
 * inclusive, as the commands give them.
 */
final class Bits {
  private Bits() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The number of set bits in bits {@code from..to} (inclusive) of {@code b}; the range lies within the string. */
  static long count(byte[] b, long from, long to) {
    if (from > to) {
      return 0;
    }
    int first = (int) (from >>> 3);
    int last = (int) (to >>> 3);
    long n = popcount(b, first, last - first + 1);
    // take back the bits of the end bytes that lie outside the range
    n -= Integer.bitCount((b[first] & 0xff) >>> (8 - (int) (from & 7)));
    n -= Integer.bitCount(b[last] & ((1 << (7 - (int) (to & 7))) - 1));
    return n;
  }

  /** The number of set bits in {@code len} bytes from {@code off}. */
  static long popcount(byte[] b, int off, int len) {
    long n = 0;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      n += Long.bitCount((long) LONGS.get(b, i));
    }
    for (; i < end; i++) {
      n += Integer.bitCount(b[i] & 0xff);
    }
    return n;
  }

  /**
   * The position of the first bit equal to {@code bit} within bits {@code from..to} (inclusive) of {@code b}, or -1 if
   * there is none; the range lies within the string.
   */
  static long position(byte[] b, long from, long to, int bit) {
    if (from > to) {
      return -1;
    }
    int first = (int) (from >>> 3);
    int last = (int) (to >>> 3);
    long skipWord = bit == 1 ? 0 : -1L; // eight bytes with nothing to find
    // the end bytes are masked so that bits outside the range look like "nothing to find"
    int headMask = 0xff >>> (int) (from & 7);
    int tailMask = (0xff << (7 - (int) (to & 7))) & 0xff;
    for (int i = first; i <= last; i++) {
      if (i > first && i + 8 <= last && (long) LONGS.get(b, i) == skipWord) {
        i += 7; // a whole word strictly inside the range
        continue;
      }
      int v = b[i] & 0xff;
      if (bit == 0) {
        v = ~v & 0xff; // look for a set bit in the complement
      }
      if (i == first) {
        v &= headMask;
      }
      if (i == last) {
        v &= tailMask;
      }
      if (v != 0) {
        return (long) i * 8 + Integer.numberOfLeadingZeros(v) - 24;
      }
    }
    return -1;
  }

  /** BITOP's operations. */
  enum Op { AND, OR, XOR, NOT }

  /**
   * Combines the sources byte by byte into a string as long as the longest, shorter sources reading as zeros; for NOT,
   * {@code sources} holds one string.
   */
  static byte[] op(Op op, byte[][] sources, int[] lengths, int count) {
    int max = 0;
    for (int k = 0; k < count; k++) {
      max = Math.max(max, lengths[k]);
    }
    byte[] out = new byte[max];
    if (op == Op.NOT) {
      byte[] s = sources[0];
      for (int i = 0; i < max; i++) {
        out[i] = (byte) ~s[i];
      }
      return out;
    }
    if (op == Op.AND) {
      int min = Integer.MAX_VALUE;
      for (int k = 0; k < count; k++) {
        min = Math.min(min, lengths[k]);
      }
      // past the shortest source everything ANDs with zero: out is already zero there
      System.arraycopy(sources[0], 0, out, 0, min);
      for (int k = 1; k < count; k++) {
        byte[] s = sources[k];
        int i = 0;
        for (; i + 8 <= min; i += 8) {
          LONGS.set(out, i, (long) LONGS.get(out, i) & (long) LONGS.get(s, i));
        }
        for (; i < min; i++) {
          out[i] &= s[i];
        }
      }
      return out;
    }
    for (int k = 0; k < count; k++) {
      byte[] s = sources[k];
      int n = lengths[k];
      int i = 0;
      if (op == Op.OR) {
        for (; i + 8 <= n; i += 8) {
          LONGS.set(out, i, (long) LONGS.get(out, i) | (long) LONGS.get(s, i));
        }
        for (; i < n; i++) {
          out[i] |= s[i];
        }
      } else {
        for (; i + 8 <= n; i += 8) {
          LONGS.set(out, i, (long) LONGS.get(out, i) ^ (long) LONGS.get(s, i));
        }
        for (; i < n; i++) {
          out[i] ^= s[i];
        }
      }
    }
    return out;
  }
}
