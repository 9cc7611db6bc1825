package dev.cairn.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Serializes values as RedisJSON does: compact by default, or with JSON.GET's INDENT / NEWLINE / SPACE strings (its
 * formatter's rules, including where a newline goes after an empty container); numbers as its serializer writes them
 * (integers as integers, doubles in shortest round-trip form with {@code .0} or an exponent, e.g. {@code 3.0},
 * {@code 1e30}, {@code 1.5e-7}); strings with JSON escapes only where required, other characters as UTF-8.
 */
final class JsonWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final byte[] indent;
  private final byte[] newline;
  private final byte[] space;
  private final boolean pretty;
  private byte[] buf = new byte[128];
  private int len;
  private int level;
  private boolean hasValue;

  JsonWriter() {
    this(null, null, null);
  }

  JsonWriter(byte[] indent, byte[] newline, byte[] space) {
    this.indent = indent;
    this.newline = newline;
    this.space = space;
    this.pretty = indent != null || newline != null || space != null;
  }

  static byte[] toBytes(Object v) {
    JsonWriter w = new JsonWriter();
    w.value(v);
    return w.toByteArray();
  }

  static String toText(Object v) {
    JsonWriter w = new JsonWriter();
    w.value(v);
    return new String(w.buf, 0, w.len, StandardCharsets.UTF_8);
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  void reset() {
    len = 0;
    level = 0;
    hasValue = false;
  }

  // ---- containers the commands build around values (JSON.GET's arrays and maps of results)

  void beginArray() {
    level++;
    hasValue = false;
    put((byte) '[');
  }

  void arrayValue(boolean first) {
    if (!first) {
      put((byte) ',');
    }
    newLine();
  }

  void endValue() {
    hasValue = true;
  }

  void endArray() {
    level--;
    if (hasValue) {
      newLine();
    }
    put((byte) ']');
  }

  void beginObject() {
    level++;
    hasValue = false;
    put((byte) '{');
  }

  void key(String k, boolean first) {
    if (!first) {
      put((byte) ',');
    }
    newLine();
    string(k);
    put((byte) ':');
    if (space != null) {
      put(space);
    }
  }

  void endObject() {
    level--;
    if (hasValue) {
      newLine();
    }
    put((byte) '}');
  }

  void value(Object v) {
    if (v == Json.NULL) {
      ascii("null");
    } else if (v instanceof Boolean b) {
      ascii(b ? "true" : "false");
    } else if (v instanceof Long l) {
      ascii(Long.toString(l));
    } else if (v instanceof Double d) {
      ascii(formatDouble(d));
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof byte[] t) {
      tape(t, 0);
    } else if (v instanceof JArray a) {
      beginArray();
      for (int i = 0; i < a.size; i++) {
        arrayValue(i == 0);
        value(a.items[i]);
        endValue();
      }
      endArray();
    } else {
      JObject o = (JObject) v;
      beginObject();
      for (int i = 0; i < o.size; i++) {
        key(o.keys[i], i == 0);
        value(o.values[i]);
        endValue();
      }
      endObject();
    }
  }

  /** Writes the packed value at {@code at} (see {@link Tape}) as {@link #value} writes its tree. */
  void tape(byte[] t, int at) {
    switch (t[at]) {
      case Tape.NULL -> ascii("null");
      case Tape.FALSE -> ascii("false");
      case Tape.TRUE -> ascii("true");
      case Tape.LONG -> ascii(Long.toString(Tape.i64(t, at + 1)));
      case Tape.DOUBLE -> ascii(formatDouble(Double.longBitsToDouble(Tape.i64(t, at + 1))));
      case Tape.STRING -> {
        int n = Tape.varint(t, at + 1);
        utf8String(t, at + 1 + Tape.varintSize(n), n);
      }
      case Tape.ARRAY -> {
        int count = Tape.i32(t, at + 5);
        int p = at + Tape.HEADER;
        beginArray();
        for (int i = 0; i < count; i++) {
          arrayValue(i == 0);
          tape(t, p);
          endValue();
          p = Tape.skip(t, p);
        }
        endArray();
      }
      default -> {
        int count = Tape.i32(t, at + 5);
        int p = at + Tape.HEADER;
        beginObject();
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            put((byte) ',');
          }
          newLine();
          int n = Tape.varint(t, p);
          p += Tape.varintSize(n);
          utf8String(t, p, n);
          p += n;
          put((byte) ':');
          if (space != null) {
            put(space);
          }
          tape(t, p);
          endValue();
          p = Tape.skip(t, p);
        }
        endObject();
      }
    }
  }

  /** A string already in UTF-8: escaped as {@link #string} escapes, other bytes copied. */
  private void utf8String(byte[] t, int at, int n) {
    ensure(n + 2);
    buf[len++] = '"';
    for (int i = at, end = at + n; i < end; i++) {
      byte b = t[i];
      if (b < 0 || b >= 0x20 && b != '"' && b != '\\') {
        if (len == buf.length) {
          ensure(end - i + 1);
        }
        buf[len++] = b;
      } else {
        special(null, 0, (char) b);
      }
    }
    put((byte) '"');
  }

  private void newLine() {
    if (!pretty) {
      return;
    }
    if (newline != null) {
      put(newline);
    }
    if (indent != null) {
      for (int i = 0; i < level; i++) {
        put(indent);
      }
    }
  }

  private void string(String s) {
    int n = s.length();
    ensure(n + 2);
    buf[len++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80 && c >= 0x20 && c != '"' && c != '\\') {
        if (len == buf.length) {
          ensure(n - i + 1);
        }
        buf[len++] = (byte) c;
      } else {
        i = special(s, i, c);
      }
    }
    put((byte) '"');
  }

  /** Writes a character that needs an escape or more than one byte; returns the index of the last char used. */
  private int special(String s, int i, char c) {
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        put((byte) '\\');
        put((byte) c);
      } else {
        switch (c) {
          case '\b' -> ascii("\\b");
          case '\f' -> ascii("\\f");
          case '\n' -> ascii("\\n");
          case '\r' -> ascii("\\r");
          case '\t' -> ascii("\\t");
          default -> {
            ascii("\\u00");
            put(HEX[c >> 4]);
            put(HEX[c & 15]);
          }
        }
      }
    } else if (c < 0x800) {
      put((byte) (0xC0 | (c >> 6)));
      put((byte) (0x80 | (c & 0x3F)));
    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(++i));
      put((byte) (0xF0 | (cp >> 18)));
      put((byte) (0x80 | ((cp >> 12) & 0x3F)));
      put((byte) (0x80 | ((cp >> 6) & 0x3F)));
      put((byte) (0x80 | (cp & 0x3F)));
    } else {
      put((byte) (0xE0 | (c >> 12)));
      put((byte) (0x80 | ((c >> 6) & 0x3F)));
      put((byte) (0x80 | (c & 0x3F)));
    }
    return i;
  }

  /**
   * The shortest digits that read back as {@code d} (Java's, which are the same digits RedisJSON's serializer picks),
   * laid out by that serializer's rules: plain decimal with at least one fractional digit while the decimal exponent
   * is within 16 digits of the point, otherwise {@code d.ddde[-]x}.
   */
  static String formatDouble(double d) {
    double abs = Math.abs(d);
    if (abs >= 1e-3 && abs < 1e7) {
      return Double.toString(d); // Java's plain form here is the same text (shortest digits, at least "x.0")
    }
    if (d == 0) {
      return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
    }
    String s = Double.toString(Math.abs(d));
    int e = s.indexOf('E');
    String mant = e < 0 ? s : s.substring(0, e);
    int exp = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
    int dot = mant.indexOf('.');
    String digits = mant.substring(0, dot) + mant.substring(dot + 1);
    int k = exp - (mant.length() - dot - 1); // value = digits * 10^k
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
    }
    digits = digits.substring(lead);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
      k++;
    }
    digits = digits.substring(0, end);
    if (digits.length() == 2) {
      // Java prints at least two significant digits (4.9E-324); the shortest form may have one (5e-324)
      int two = Integer.parseInt(digits);
      int near = two % 10 >= 5 ? two / 10 + 1 : two / 10;
      int far = two % 10 >= 5 ? two / 10 : two / 10 + 1;
      for (int one : new int[] {near, far}) {
        if (one > 0 && Double.parseDouble(one + "E" + (k + 1)) == Math.abs(d)) {
          digits = one == 10 ? "1" : Integer.toString(one);
          k += one == 10 ? 2 : 1;
          break;
        }
      }
    }
    int length = digits.length();
    int kk = length + k;
    StringBuilder out = new StringBuilder(24);
    if (d < 0) {
      out.append('-');
    }
    if (k >= 0 && kk <= 16) {
      out.append(digits);
      out.repeat('0', k);
      out.append(".0");
    } else if (kk > 0 && kk <= 16) {
      out.append(digits, 0, kk).append('.').append(digits, kk, length);
    } else if (kk > -5 && kk <= 0) {
      out.append("0.");
      out.repeat('0', -kk);
      out.append(digits);
    } else if (length == 1) {
      out.append(digits).append('e').append(kk - 1);
    } else {
      out.append(digits.charAt(0)).append('.').append(digits, 1, length).append('e').append(kk - 1);
    }
    return out.toString();
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void put(byte b) {
    if (len == buf.length) {
      ensure(1);
    }
    buf[len++] = b;
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }
}
