package dev.cairn.core.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the packed blobs that Redis stores small collections in (read from RDB strings): intsets, listpacks, and the
 * ziplists and zipmaps of older versions. Every offset and length is checked: a corrupt blob is an
 * {@link RdbFormatException}, never an index error.
 *
 * <p>intset: encoding (u32 LE: 2, 4 or 8 bytes per value), count (u32 LE), then the values, little endian, ascending.
 *
 * <p>listpack: total bytes (u32 LE), count (u16 LE, 65535 when unknown), entries, 0xFF. An entry is an encoding byte
 * (0xxxxxxx 7-bit uint; 10xxxxxx 6-bit string length; 110xxxxx 13-bit int; 1110xxxx 12-bit string length; 0xF0 32-bit
 * string length; 0xF1..0xF4 int16/24/32/64), the data, then a back-length of 1 to 5 bytes.
 */
public final class PackedLists {
  private PackedLists() {}

  /** The integers of an intset blob, as decimal strings. */
  public static List<byte[]> intset(byte[] b) throws RdbFormatException {
    if (b.length < 8) {
      throw new RdbFormatException("intset too short");
    }
    int width = (int) le(b, 0, 4);
    long count = le(b, 4, 4);
    if (width != 2 && width != 4 && width != 8 || 8 + count * width != b.length) {
      throw new RdbFormatException("bad intset");
    }
    List<byte[]> out = new ArrayList<>((int) count);
    long prev = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      long v = le(b, 8 + i * width, width);
      long signed = width == 8 ? v : (v << (64 - 8 * width)) >> (64 - 8 * width);
      if (i > 0 && signed <= prev) {
        throw new RdbFormatException("intset not in ascending order");
      }
      prev = signed;
      out.add(Long.toString(signed).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  /**
   * The entries of a listpack blob, integers as decimal strings. Every entry's back-length is checked against its size,
   * and the header's count (unless 65535, "unknown") against the entries found.
   */
  public static List<byte[]> listpack(byte[] b) throws RdbFormatException {
    if (b.length < 7 || le(b, 0, 4) != b.length || (b[b.length - 1] & 0xff) != 0xff) {
      throw new RdbFormatException("bad listpack header");
    }
    int declared = (int) le(b, 4, 2);
    List<byte[]> out = new ArrayList<>();
    int p = 6;
    while (true) {
      if (p >= b.length) {
        throw new RdbFormatException("listpack without end marker");
      }
      int e = b[p] & 0xff;
      if (e == 0xff) {
        if (p != b.length - 1) {
          throw new RdbFormatException("listpack data after end marker");
        }
        if (declared != 65535 && declared != out.size()) {
          throw new RdbFormatException("listpack count does not match its entries");
        }
        return out;
      }
      int start = p;
      if ((e & 0x80) == 0) {
        out.add(ascii(e & 0x7f));
        p += 1;
      } else if ((e & 0xc0) == 0x80) {
        int len = e & 0x3f;
        out.add(slice(b, p + 1, len));
        p += 1 + len;
      } else if ((e & 0xe0) == 0xc0) {
        long v = ((e & 0x1f) << 8) | (need(b, p + 1) & 0xff);
        out.add(ascii((v << 51) >> 51));
        p += 2;
      } else if ((e & 0xf0) == 0xe0) {
        int len = ((e & 0x0f) << 8) | (need(b, p + 1) & 0xff);
        out.add(slice(b, p + 2, len));
        p += 2 + len;
      } else if (e == 0xf0) {
        long len = le(b, p + 1, 4);
        if (len > b.length) {
          throw new RdbFormatException("listpack entry out of bounds");
        }
        out.add(slice(b, p + 5, (int) len));
        p += 5 + (int) len;
      } else if (e >= 0xf1 && e <= 0xf4) {
        int width = switch (e) {
          case 0xf1 -> 2;
          case 0xf2 -> 3;
          case 0xf3 -> 4;
          default -> 8;
        };
        long v = le(b, p + 1, width);
        out.add(ascii(width == 8 ? v : (v << (64 - 8 * width)) >> (64 - 8 * width)));
        p += 1 + width;
      } else {
        throw new RdbFormatException("unknown listpack encoding " + e);
      }
      long entry = p - start;
      int backlen = entry < 128 ? 1 : entry < 16384 ? 2 : entry < 2097152 ? 3 : entry < 268435456 ? 4 : 5;
      long v = 0;
      for (int k = 0; k < backlen; k++) {
        int x = need(b, p + k) & 0xff;
        if (((x & 128) != 0) != (k > 0)) { // only the first back-length byte lacks the continuation bit
          throw new RdbFormatException("bad listpack entry back-length");
        }
        v = (v << 7) | (x & 127);
      }
      if (v != entry) {
        throw new RdbFormatException("listpack entry back-length does not match its size");
      }
      p += backlen;
    }
  }

  /**
   * The entries of a ziplist blob (the encoding of Redis before 7.0), integers as decimal strings:
   * {@code zlbytes:u32le zltail:u32le zllen:u16le entry* 0xFF}; an entry is {@code prevlen encoding data}, prevlen one
   * byte below 254 or 0xFE and a u32le; encoding {@code 00pppppp} / {@code 01pppppp q} / {@code 0x80 + u32be} a string
   * length, {@code 0xC0} int16, {@code 0xD0} int32, {@code 0xE0} int64, {@code 0xF0} int24, {@code 0xFE} int8,
   * {@code 0xF1..0xFD} the values 0 to 12. Every prevlen is checked against the entry before it.
   */
  public static List<byte[]> ziplist(byte[] b) throws RdbFormatException {
    if (b.length < 11 || le(b, 0, 4) != b.length || (b[b.length - 1] & 0xff) != 0xff) {
      throw new RdbFormatException("bad ziplist header");
    }
    long tail = le(b, 4, 4);
    int declared = (int) le(b, 8, 2);
    List<byte[]> out = new ArrayList<>();
    int p = 10;
    int prevLen = 0;
    int lastStart = 10;
    while (true) {
      if (p >= b.length) {
        throw new RdbFormatException("ziplist without end marker");
      }
      if ((b[p] & 0xff) == 0xff) {
        if (p != b.length - 1) {
          throw new RdbFormatException("ziplist data after end marker");
        }
        break;
      }
      int start = p;
      int pl = b[p] & 0xff;
      long prev;
      if (pl < 254) {
        prev = pl;
        p += 1;
      } else if (pl == 254) {
        prev = le(b, p + 1, 4);
        p += 5;
      } else {
        throw new RdbFormatException("bad ziplist prevlen");
      }
      if (prev != prevLen) {
        throw new RdbFormatException("ziplist prevlen mismatch");
      }
      int e = need(b, p) & 0xff;
      switch (e >>> 6) {
        case 0 -> {
          out.add(slice(b, p + 1, e & 0x3f));
          p += 1 + (e & 0x3f);
        }
        case 1 -> {
          int len = ((e & 0x3f) << 8) | (need(b, p + 1) & 0xff);
          out.add(slice(b, p + 2, len));
          p += 2 + len;
        }
        case 2 -> {
          if (e != 0x80) {
            throw new RdbFormatException("bad ziplist string encoding");
          }
          long len = be(b, p + 1, 4);
          if (len > b.length) {
            throw new RdbFormatException("ziplist entry out of bounds");
          }
          out.add(slice(b, p + 5, (int) len));
          p += 5 + (int) len;
        }
        default -> {
          int width = switch (e) {
            case 0xc0 -> 2;
            case 0xd0 -> 4;
            case 0xe0 -> 8;
            case 0xf0 -> 3;
            case 0xfe -> 1;
            default -> 0;
          };
          if (width > 0) {
            long v = le(b, p + 1, width);
            out.add(ascii(width == 8 ? v : (v << (64 - 8 * width)) >> (64 - 8 * width)));
            p += 1 + width;
          } else if (e >= 0xf1 && e <= 0xfd) {
            out.add(ascii((e & 0x0f) - 1));
            p += 1;
          } else {
            throw new RdbFormatException("bad ziplist integer encoding");
          }
        }
      }
      prevLen = p - start;
      lastStart = start;
    }
    if ((out.isEmpty() ? 10 : lastStart) != tail || declared != 65535 && declared != out.size()) {
      throw new RdbFormatException("ziplist header does not match its entries");
    }
    return out;
  }

  /**
   * The fields and values of a zipmap blob (hashes of Redis 2.4 and before), alternating: {@code zmlen:u8
   * (len field len free value)* 0xFF}, a len one byte below 254 or 254 and a u32le, free a byte of unused space after
   * the value.
   */
  public static List<byte[]> zipmap(byte[] b) throws RdbFormatException {
    if (b.length < 2 || (b[b.length - 1] & 0xff) != 0xff) {
      throw new RdbFormatException("bad zipmap");
    }
    List<byte[]> out = new ArrayList<>();
    int p = 1;
    while (true) {
      int l = need(b, p) & 0xff;
      if (l == 0xff) {
        if (p != b.length - 1) {
          throw new RdbFormatException("zipmap data after end marker");
        }
        break;
      }
      long[] field = zipmapLen(b, p);
      p = (int) field[1];
      out.add(slice(b, p, (int) field[0]));
      p += (int) field[0];
      long[] value = zipmapLen(b, p);
      p = (int) value[1];
      int free = need(b, p) & 0xff;
      p++;
      out.add(slice(b, p, (int) value[0]));
      p += (int) value[0] + free;
      if (p >= b.length) {
        throw new RdbFormatException("zipmap entry out of bounds");
      }
    }
    if (out.isEmpty()) {
      throw new RdbFormatException("empty zipmap"); // Redis refuses it as corrupt, not as an empty key
    }
    return out;
  }

  /** {length, position after the length} of the zipmap length at {@code p}. */
  private static long[] zipmapLen(byte[] b, int p) throws RdbFormatException {
    int l = need(b, p) & 0xff;
    if (l < 254) {
      return new long[] {l, p + 1};
    }
    if (l == 254) {
      long len = le(b, p + 1, 4);
      if (len > b.length) {
        throw new RdbFormatException("zipmap entry out of bounds");
      }
      return new long[] {len, p + 5};
    }
    throw new RdbFormatException("bad zipmap length");
  }

  /**
   * A blob that fails validation, worded as Redis words it ({@code what} is e.g. "Hash ziplist"), so that logs and
   * tools that look for "integrity check failed" find it; the detail follows in parentheses.
   */
  public static RdbFormatException integrity(String what, RdbFormatException cause) {
    if (cause.isEmptyKey()) {
      return cause;
    }
    return new RdbFormatException(what + " integrity check failed. (" + cause.getMessage() + ")");
  }

  private static long be(byte[] b, int off, int n) throws RdbFormatException {
    if (off + n > b.length) {
      throw new RdbFormatException("packed data out of bounds");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static byte need(byte[] b, int i) throws RdbFormatException {
    if (i >= b.length) {
      throw new RdbFormatException("listpack entry out of bounds");
    }
    return b[i];
  }

  private static byte[] slice(byte[] b, int off, int len) throws RdbFormatException {
    if (len < 0 || off + (long) len > b.length) {
      throw new RdbFormatException("listpack entry out of bounds");
    }
    return java.util.Arrays.copyOfRange(b, off, off + len);
  }

  private static long le(byte[] b, int off, int n) throws RdbFormatException {
    if (off + n > b.length) {
      throw new RdbFormatException("packed data out of bounds");
    }
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
