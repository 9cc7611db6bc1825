package dev.cairn.core.type.list;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;

/**
 * The entry layout of Redis's listpack, so that node sizes (and with them the listpack/quicklist conversions and the
 * memory per element) are Redis's. An entry is {@code encoding data backlen}:
 *
 * <pre>
 * entry    = encoding [data] backlen
 * encoding = 0xxxxxxx                      7-bit unsigned integer, no data
 *          | 10LLLLLL data(L)              string of up to 63 bytes
 *          | 110xxxxx yyyyyyyy             13-bit signed integer
 *          | 1110LLLL LLLLLLLL data(L)     string of up to 4095 bytes
 *          | 0xF0 len(4, LE) data(len)     longer string
 *          | 0xF1 int16 | 0xF2 int24 | 0xF3 int32 | 0xF4 int64   (little endian)
 * backlen  = length of encoding+data in 1..5 bytes of 7 bits, read backwards from the entry's last byte
 *            (a set high bit means another byte precedes)
 * </pre>
 *
 * Strings that are canonical decimal longs are stored as integers, as Redis does. Streams keep their nodes in the same
 * layout (dev.cairn.core.type.stream).
 */
public final class ListPack {
  private ListPack() {}

  /** What a listpack adds around its entries (6-byte header, 1-byte terminator): Redis's lpBytes counts them. */
  public static final int OVERHEAD = 7;

  /** The integer value of {@code v} if it is a canonical long, else {@link Long#MIN_VALUE} (stored as a string). */
  public static long intValue(byte[] v) {
    return intValue(v, 0, v.length);
  }

  /** {@link #intValue(byte[])} of the {@code len} bytes at {@code off}. */
  public static long intValue(byte[] v, int off, int len) {
    return len <= 20 ? Args.parseLongOrMin(v, off, len) : Long.MIN_VALUE;
  }

  /** Bytes of encoding plus data for the integer {@code iv}. */
  public static int intBodySize(long iv) {
    if (iv >= 0 && iv <= 127) {
      return 1;
    } else if (iv >= -4096 && iv <= 4095) {
      return 2;
    } else if (iv >= Short.MIN_VALUE && iv <= Short.MAX_VALUE) {
      return 3;
    } else if (iv >= -8388608 && iv <= 8388607) {
      return 4;
    } else if (iv >= Integer.MIN_VALUE && iv <= Integer.MAX_VALUE) {
      return 5;
    }
    return 9;
  }

  public static int strBodySize(int len) {
    return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  }

  public static int backlenSize(int body) {
    return body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : body < 268435456 ? 4 : 5;
  }

  /** The whole entry's size for {@code v}. */
  public static int entrySize(byte[] v) {
    return entrySize(v, intValue(v));
  }

  /** The whole entry's size for {@code v} whose {@link #intValue} is {@code iv}. */
  public static int entrySize(byte[] v, long iv) {
    return entrySize(v.length, iv);
  }

  /** The whole entry's size for a string of {@code len} bytes whose {@link #intValue} is {@code iv}. */
  public static int entrySize(int len, long iv) {
    int body = iv != Long.MIN_VALUE ? intBodySize(iv) : strBodySize(len);
    return body + backlenSize(body);
  }

  /** Writes the entry for {@code v} at {@code p}; returns the position after it. */
  public static int write(byte[] b, int p, byte[] v) {
    return write(b, p, v, intValue(v));
  }

  /** Writes the entry for {@code v} whose {@link #intValue} is {@code iv}; returns the position after it. */
  public static int write(byte[] b, int p, byte[] v, long iv) {
    return write(b, p, v, 0, v == null ? 0 : v.length, iv);
  }

  /**
   * Writes the entry for the {@code len} bytes of {@code v} at {@code off} (an argument read in place), whose
   * {@link #intValue} is {@code iv}; returns the position after it.
   */
  public static int write(byte[] b, int p, byte[] v, int off, int len, long iv) {
    int start = p;
    if (iv != Long.MIN_VALUE) {
      int body = intBodySize(iv);
      switch (body) {
        case 1 -> b[p++] = (byte) iv;
        case 2 -> {
          int u = (int) (iv < 0 ? (1 << 13) + iv : iv);
          b[p++] = (byte) (0xC0 | (u >> 8));
          b[p++] = (byte) u;
        }
        default -> {
          b[p++] = (byte) (0xF0 + (body == 9 ? 4 : body - 2));
          for (int k = 0; k < body - 1; k++) {
            b[p++] = (byte) (iv >> (8 * k));
          }
        }
      }
    } else {
      if (len < 64) {
        b[p++] = (byte) (0x80 | len);
      } else if (len < 4096) {
        b[p++] = (byte) (0xE0 | (len >> 8));
        b[p++] = (byte) len;
      } else {
        b[p++] = (byte) 0xF0;
        b[p++] = (byte) len;
        b[p++] = (byte) (len >> 8);
        b[p++] = (byte) (len >> 16);
        b[p++] = (byte) (len >> 24);
      }
      System.arraycopy(v, off, b, p, len);
      p += len;
    }
    return writeBacklen(b, p, p - start);
  }

  private static int writeBacklen(byte[] b, int p, int body) {
    int n = backlenSize(body);
    // most significant group first, every byte but the first flagged with the high bit
    for (int k = 0; k < n; k++) {
      int shift = 7 * (n - 1 - k);
      int group = (body >>> shift) & 127;
      b[p++] = (byte) (k == 0 ? group : group | 128);
    }
    return p;
  }

  /** Length of encoding plus data of the entry at {@code p}. */
  public static int bodySize(byte[] b, int p) {
    int e = b[p] & 0xFF;
    if ((e & 0x80) == 0) {
      return 1;
    } else if ((e & 0xC0) == 0x80) {
      return 1 + (e & 0x3F);
    } else if ((e & 0xE0) == 0xC0) {
      return 2;
    } else if ((e & 0xF0) == 0xE0) {
      return 2 + (((e & 0x0F) << 8) | (b[p + 1] & 0xFF));
    }
    return switch (e) {
      case 0xF0 -> 5 + strLen32(b, p);
      case 0xF1 -> 3;
      case 0xF2 -> 4;
      case 0xF3 -> 5;
      default -> 9;
    };
  }

  private static int strLen32(byte[] b, int p) {
    return (b[p + 1] & 0xFF) | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF) << 16 | (b[p + 4] & 0xFF) << 24;
  }

  /** The whole size of the entry at {@code p}. */
  public static int entryLen(byte[] b, int p) {
    int body = bodySize(b, p);
    return body + backlenSize(body);
  }

  /** The start of the entry that ends just before {@code end}. */
  public static int prev(byte[] b, int end) {
    int p = end - 1;
    int body = 0;
    int shift = 0;
    while (true) {
      int x = b[p] & 0xFF;
      body |= (x & 127) << shift;
      if ((x & 128) == 0) {
        break;
      }
      shift += 7;
      p--;
    }
    return p - body;
  }

  public static boolean isString(byte[] b, int p) {
    int e = b[p] & 0xFF;
    return (e & 0xC0) == 0x80 || (e & 0xF0) == 0xE0 || e == 0xF0;
  }

  /** Offset of a string entry's data. */
  public static int strOffset(byte[] b, int p) {
    int e = b[p] & 0xFF;
    return (e & 0xC0) == 0x80 ? p + 1 : (e & 0xF0) == 0xE0 ? p + 2 : p + 5;
  }

  /** Length of a string entry's data. */
  public static int strLength(byte[] b, int p) {
    int e = b[p] & 0xFF;
    if ((e & 0xC0) == 0x80) {
      return e & 0x3F;
    } else if ((e & 0xF0) == 0xE0) {
      return ((e & 0x0F) << 8) | (b[p + 1] & 0xFF);
    }
    return strLen32(b, p);
  }

  /** Value of an integer entry. */
  public static long intAt(byte[] b, int p) {
    int e = b[p] & 0xFF;
    if ((e & 0x80) == 0) {
      return e;
    } else if ((e & 0xE0) == 0xC0) {
      int u = ((e & 0x1F) << 8) | (b[p + 1] & 0xFF);
      return u >= (1 << 12) ? u - (1 << 13) : u;
    }
    int bytes = switch (e) {
      case 0xF1 -> 2;
      case 0xF2 -> 3;
      case 0xF3 -> 4;
      default -> 8;
    };
    long v = 0;
    for (int k = 0; k < bytes; k++) {
      v |= (long) (b[p + 1 + k] & 0xFF) << (8 * k);
    }
    int unused = 64 - 8 * bytes;
    return (v << unused) >> unused; // sign-extend
  }

  /** The entry's value as bytes (a fresh array). */
  public static byte[] bytesAt(byte[] b, int p) {
    if (isString(b, p)) {
      int off = strOffset(b, p);
      return java.util.Arrays.copyOfRange(b, off, off + strLength(b, p));
    }
    return Long.toString(intAt(b, p)).getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes the entry's value as a bulk string, straight from the node. */
  public static void reply(byte[] b, int p, Reply r) {
    if (isString(b, p)) {
      r.bulk(b, strOffset(b, p), strLength(b, p));
    } else {
      r.bulkLong(intAt(b, p));
    }
  }

  /** A value prepared for comparisons against entries (LREM, LPOS, LINSERT). */
  static final class Needle {
    final byte[] bytes;
    final long iv;

    Needle(byte[] v) {
      this.bytes = v;
      this.iv = intValue(v);
    }

    boolean matches(byte[] b, int p) {
      if (isString(b, p)) {
        int len = strLength(b, p);
        int off = strOffset(b, p);
        return len == bytes.length && java.util.Arrays.equals(b, off, off + len, bytes, 0, len);
      }
      return iv != Long.MIN_VALUE && intAt(b, p) == iv;
    }
  }
}
