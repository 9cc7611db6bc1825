package dev.cairn.core.rdb;

import java.util.Arrays;

/**
 * The LZF format Redis uses for compressed strings in RDB files and DUMP payloads.
 *
 * <p>A stream is a sequence of runs. A control byte below 32 starts a literal run of {@code ctrl + 1} bytes. Otherwise
 * it is a back reference: the top 3 bits are the length minus 2 (7 means "add the next byte"), the low 5 bits and the
 * next byte form the distance minus 1 back into the output. Any valid stream decodes; the compressor here is our own
 * (a hash of 3-byte sequences finds matches), so its output may differ from liblzf's while staying valid.
 */
public final class Lzf {
  private Lzf() {}

  private static final int MAX_LITERAL = 32;
  private static final int MAX_DISTANCE = 1 << 13;
  private static final int MAX_REF_LEN = 255 + 7 + 2;
  private static final int MAX_HASH_BITS = 14;
  /** The match table, per thread and reused: a fresh 64 KB table per string would cost more than compressing it. */
  private static final ThreadLocal<int[]> TABLE = ThreadLocal.withInitial(() -> new int[1 << MAX_HASH_BITS]);

  /**
   * Decompresses {@code in} into exactly {@code outLen} bytes; returns null if the stream is malformed or does not
   * produce exactly that many bytes.
   */
  public static byte[] decompress(byte[] in, int outLen) {
    byte[] out = new byte[outLen];
    int ip = 0;
    int op = 0;
    while (ip < in.length) {
      int ctrl = in[ip++] & 0xff;
      if (ctrl < 32) {
        int len = ctrl + 1;
        if (op + len > outLen || ip + len > in.length) {
          return null;
        }
        System.arraycopy(in, ip, out, op, len);
        ip += len;
        op += len;
      } else {
        int len = ctrl >>> 5;
        if (len == 7) {
          if (ip >= in.length) {
            return null;
          }
          len += in[ip++] & 0xff;
        }
        len += 2;
        if (ip >= in.length) {
          return null;
        }
        int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
        if (ref < 0 || op + len > outLen) {
          return null;
        }
        for (int k = 0; k < len; k++) {
          out[op++] = out[ref++]; // byte by byte: the reference may overlap the bytes being written
        }
      }
    }
    return op == outLen ? out : null;
  }

  /** Compresses {@code in}; returns null if the result would not be shorter than {@code maxLen} bytes. */
  public static byte[] compress(byte[] in, int maxLen) {
    if (maxLen <= 0) {
      return null;
    }
    byte[] out = new byte[maxLen];
    int n = compress(in, 0, in.length, out, 0, maxLen);
    return n < 0 ? null : Arrays.copyOf(out, n);
  }

  /**
   * Compresses {@code in[inOff, inOff + inLen)} into {@code out} at {@code outOff}, using at most {@code maxLen}
   * bytes there; returns the compressed length, or -1 if it would not fit. Allocates nothing (the RDB writer calls it
   * for every long string of a snapshot).
   */
  public static int compress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int maxLen) {
    if (maxLen <= 0) {
      return -1;
    }
    // a table about the input's size: small strings (most of an RDB file) clear a few hundred bytes, not 64 KB
    int bits = Math.max(8, Math.min(MAX_HASH_BITS, 32 - Integer.numberOfLeadingZeros(inLen)));
    int[] table = TABLE.get();
    Arrays.fill(table, 0, 1 << bits, -1);
    int limit = outOff + maxLen;
    int ip = inOff;
    int op = outOff;
    int litStart = inOff;
    int n = inOff + inLen;
    while (ip + 2 < n) {
      int h = hash(in, ip, bits);
      int ref = table[h];
      table[h] = ip;
      int dist = ip - ref - 1;
      if (ref >= 0 && dist < MAX_DISTANCE && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]
          && in[ref + 2] == in[ip + 2]) {
        int len = 3;
        int maxMatch = Math.min(MAX_REF_LEN, n - ip);
        while (len < maxMatch && in[ref + len] == in[ip + len]) {
          len++;
        }
        op = flushLiterals(in, litStart, ip, out, op, limit);
        if (op < 0 || op + 3 > limit) {
          return -1;
        }
        int l = len - 2;
        if (l < 7) {
          out[op++] = (byte) ((l << 5) | (dist >>> 8));
        } else {
          out[op++] = (byte) ((7 << 5) | (dist >>> 8));
          out[op++] = (byte) (l - 7);
        }
        out[op++] = (byte) dist;
        ip += len;
        litStart = ip;
      } else {
        ip++;
      }
    }
    op = flushLiterals(in, litStart, n, out, op, limit);
    return op < 0 ? -1 : op - outOff;
  }

  /** Writes {@code in[from, to)} as literal runs; returns the new output position, or -1 past {@code limit}. */
  private static int flushLiterals(byte[] in, int from, int to, byte[] out, int op, int limit) {
    while (from < to) {
      int len = Math.min(MAX_LITERAL, to - from);
      if (op + 1 + len > limit) {
        return -1;
      }
      out[op++] = (byte) (len - 1);
      System.arraycopy(in, from, out, op, len);
      op += len;
      from += len;
    }
    return op;
  }

  private static int hash(byte[] b, int i, int bits) {
    int v = ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
    return (v * 0x9E3779B1) >>> (32 - bits);
  }
}
