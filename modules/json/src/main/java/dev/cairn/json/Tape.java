package dev.cairn.json;

import java.util.Arrays;

/**
 * A packed document: the whole value in one {@code byte[]}, so a stored document is one array for the collector
 * instead of a tree of small objects. Containers carry their byte length, so a reader skips a value without looking
 * inside it.
 *
 * <pre>
 * value   := NULL | FALSE | TRUE | LONG i64 | DOUBLE f64 | STRING varint(n) utf8[n]
 *          | ARRAY  i32(bytes) i32(count) value*
 *          | OBJECT i32(bytes) i32(count) (varint(n) utf8[n] value)*     member names unique, in insertion order
 * </pre>
 * Integers are big-endian; {@code bytes} counts what follows the container's 9-byte header. Strings are UTF-8 (an
 * unpaired surrogate as its 3-byte form, as the writer prints it), so STRLEN is the stored length.
 */
final class Tape {
  static final byte NULL = 0;
  static final byte FALSE = 1;
  static final byte TRUE = 2;
  static final byte LONG = 3;
  static final byte DOUBLE = 4;
  static final byte STRING = 5;
  static final byte ARRAY = 6;
  static final byte OBJECT = 7;
  static final int HEADER = 9;

  /**
   * Documents whose packed form is larger stay trees once a command has changed them: a structural write unpacks
   * the document and packs it again afterwards, which costs O(size) per write (a tree changes in place).
   */
  static final int PACK_LIMIT = 16 * 1024;

  private Tape() {}

  // ---------------------------------------------------------------- reading

  static int i32(byte[] t, int at) {
    return (t[at] & 0xFF) << 24 | (t[at + 1] & 0xFF) << 16 | (t[at + 2] & 0xFF) << 8 | (t[at + 3] & 0xFF);
  }

  static long i64(byte[] t, int at) {
    return (long) i32(t, at) << 32 | (i32(t, at + 4) & 0xFFFFFFFFL);
  }

  /** A varint's value; its length is {@link #varintSize}. */
  static int varint(byte[] t, int at) {
    int v = 0;
    for (int shift = 0;; shift += 7) {
      byte b = t[at++];
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** The position after the value at {@code at}. */
  static int skip(byte[] t, int at) {
    return switch (t[at]) {
      case NULL, FALSE, TRUE -> at + 1;
      case LONG, DOUBLE -> at + 9;
      case STRING -> {
        int n = varint(t, at + 1);
        yield at + 1 + varintSize(n) + n;
      }
      default -> at + HEADER + i32(t, at + 1);
    };
  }

  /** The value at {@code at} as the tree model (containers become {@link JArray} / {@link JObject}). */
  static Object decode(byte[] t) {
    return decode(t, 0);
  }

  static Object decode(byte[] t, int at) {
    switch (t[at]) {
      case NULL -> {
        return Json.NULL;
      }
      case FALSE -> {
        return Boolean.FALSE;
      }
      case TRUE -> {
        return Boolean.TRUE;
      }
      case LONG -> {
        return i64(t, at + 1);
      }
      case DOUBLE -> {
        return Double.longBitsToDouble(i64(t, at + 1));
      }
      case STRING -> {
        int n = varint(t, at + 1);
        return string(t, at + 1 + varintSize(n), n);
      }
      case ARRAY -> {
        int count = i32(t, at + 5);
        JArray a = new JArray(count);
        int p = at + HEADER;
        for (int i = 0; i < count; i++) {
          a.add(decode(t, p));
          p = skip(t, p);
        }
        return a;
      }
      default -> {
        int count = i32(t, at + 5);
        JObject o = new JObject(count);
        int p = at + HEADER;
        for (int i = 0; i < count; i++) {
          int n = varint(t, p);
          p += varintSize(n);
          String k = string(t, p, n);
          p += n;
          o.append(k, decode(t, p));
          p = skip(t, p);
        }
        return o;
      }
    }
  }

  /** Decodes UTF-8 as {@link TapeOut#utf8} wrote it (3-byte unpaired surrogates included). */
  static String string(byte[] t, int at, int n) {
    int end = at + n;
    int i = at;
    while (i < end && t[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(t, at, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    char[] out = new char[n];
    int len = 0;
    for (i = at; i < end;) {
      int b = t[i] & 0xFF;
      if (b < 0x80) {
        out[len++] = (char) b;
        i++;
      } else if (b < 0xE0) {
        out[len++] = (char) ((b & 0x1F) << 6 | (t[i + 1] & 0x3F));
        i += 2;
      } else if (b < 0xF0) {
        out[len++] = (char) ((b & 0x0F) << 12 | (t[i + 1] & 0x3F) << 6 | (t[i + 2] & 0x3F));
        i += 3;
      } else {
        int cp = (b & 0x07) << 18 | (t[i + 1] & 0x3F) << 12 | (t[i + 2] & 0x3F) << 6 | (t[i + 3] & 0x3F);
        out[len++] = Character.highSurrogate(cp);
        out[len++] = Character.lowSurrogate(cp);
        i += 4;
      }
    }
    return new String(out, 0, len);
  }

  /** Replaces the number or boolean at {@code at} with {@code v}, a Long, Double or Boolean: the same size. */
  static void set(byte[] t, int at, Object v) {
    if (v instanceof Boolean b) {
      t[at] = b ? TRUE : FALSE;
      return;
    }
    long bits = v instanceof Long l ? l : Double.doubleToRawLongBits((Double) v);
    t[at] = v instanceof Long ? LONG : DOUBLE;
    for (int i = 8; i > 0; i--) {
      t[at + i] = (byte) bits;
      bits >>>= 8;
    }
  }

  /** Heap bytes of a packed value: the array alone. */
  static long memory(byte[] t) {
    return (16L + t.length + 7) & ~7L;
  }

  // ---------------------------------------------------------------- writing

  /** The packed form of a tree value. */
  static byte[] encode(Object v) {
    TapeOut out = new TapeOut(256);
    encode(out, v);
    return out.toArray();
  }

  /** The packed form, or null when it would pass {@link #PACK_LIMIT}. */
  static byte[] encodeWithin(Object v) {
    TapeOut out = new TapeOut(256);
    out.limit = PACK_LIMIT;
    try {
      encode(out, v);
    } catch (TooBig e) {
      return null;
    }
    return out.len > PACK_LIMIT ? null : out.toArray();
  }

  /** Stops {@link #encodeWithin} as soon as the limit is passed (no stack trace: an expected outcome). */
  private static final class TooBig extends RuntimeException {
    TooBig() {
      super(null, null, false, false);
    }
  }

  private static final TooBig TOO_BIG = new TooBig();

  private static void encode(TapeOut out, Object v) {
    if (v == Json.NULL) {
      out.tag(NULL);
    } else if (v instanceof Boolean b) {
      out.tag(b ? TRUE : FALSE);
    } else if (v instanceof Long l) {
      out.number(LONG, l);
    } else if (v instanceof Double d) {
      out.number(DOUBLE, Double.doubleToRawLongBits(d));
    } else if (v instanceof String s) {
      out.tag(STRING);
      out.utf8(s);
    } else if (v instanceof JArray a) {
      int at = out.begin(ARRAY);
      for (int i = 0; i < a.size; i++) {
        encode(out, a.items[i]);
      }
      out.end(at, a.size);
    } else if (v instanceof byte[] t) {
      out.raw(t);
    } else {
      JObject o = (JObject) v;
      int at = out.begin(OBJECT);
      for (int i = 0; i < o.size; i++) {
        out.utf8(o.keys[i]);
        encode(out, o.values[i]);
      }
      out.end(at, o.size);
    }
  }

  /** A growable buffer that packed values are written into. */
  static final class TapeOut {
    byte[] buf;
    int len;
    int limit = Integer.MAX_VALUE;

    TapeOut(int capacity) {
      buf = new byte[capacity];
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }

    void tag(byte t) {
      ensure(1);
      buf[len++] = t;
    }

    void number(byte tag, long bits) {
      ensure(9);
      buf[len++] = tag;
      putI32(len, (int) (bits >>> 32));
      putI32(len + 4, (int) bits);
      len += 8;
    }

    void raw(byte[] t) {
      ensure(t.length);
      System.arraycopy(t, 0, buf, len, t.length);
      len += t.length;
    }

    /** Starts a container; {@link #end} fills its header in. */
    int begin(byte tag) {
      ensure(HEADER);
      int at = len;
      buf[len] = tag;
      len += HEADER;
      return at;
    }

    void end(int at, int count) {
      putI32(at + 1, len - at - HEADER);
      putI32(at + 5, count);
    }

    private void putI32(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }

    void varint(int v) {
      ensure(5);
      while ((v & ~0x7F) != 0) {
        buf[len++] = (byte) (v & 0x7F | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void utf8(String s) {
      utf8(s, null, 0, s.length());
    }

    void utf8(char[] c, int off, int n) {
      utf8(null, c, off, n);
    }

    /** Length-prefixed UTF-8 of {@code s} or of {@code c[off, off+n)}; unpaired surrogates take 3 bytes. */
    private void utf8(String s, char[] c, int off, int n) {
      int bytes = n;
      for (int i = 0; i < n; i++) {
        char ch = s != null ? s.charAt(i) : c[off + i];
        if (ch >= 0x80) {
          if (ch < 0x800) {
            bytes += 1;
          } else if (Character.isHighSurrogate(ch) && i + 1 < n
              && Character.isLowSurrogate(s != null ? s.charAt(i + 1) : c[off + i + 1])) {
            bytes += 2;
            i++;
          } else {
            bytes += 2;
          }
        }
      }
      varint(bytes);
      ensure(bytes);
      for (int i = 0; i < n; i++) {
        char ch = s != null ? s.charAt(i) : c[off + i];
        if (ch < 0x80) {
          buf[len++] = (byte) ch;
        } else if (ch < 0x800) {
          buf[len++] = (byte) (0xC0 | ch >> 6);
          buf[len++] = (byte) (0x80 | ch & 0x3F);
        } else if (Character.isHighSurrogate(ch) && i + 1 < n
            && Character.isLowSurrogate(s != null ? s.charAt(i + 1) : c[off + i + 1])) {
          int cp = Character.toCodePoint(ch, s != null ? s.charAt(++i) : c[off + ++i]);
          buf[len++] = (byte) (0xF0 | cp >> 18);
          buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
          buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
          buf[len++] = (byte) (0x80 | cp & 0x3F);
        } else {
          buf[len++] = (byte) (0xE0 | ch >> 12);
          buf[len++] = (byte) (0x80 | ch >> 6 & 0x3F);
          buf[len++] = (byte) (0x80 | ch & 0x3F);
        }
      }
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        if (len + n > limit) {
          throw TOO_BIG;
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }
  }
}
