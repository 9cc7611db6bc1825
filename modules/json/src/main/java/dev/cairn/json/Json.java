package dev.cairn.json;

import java.nio.charset.StandardCharsets;

/**
 * The in-memory JSON model. A value is one of: {@link #NULL}, {@link Boolean}, {@link Long} (integers that fit 64
 * bits), {@link Double} (every other number), {@link String}, {@link JArray}, {@link JObject}. No text is kept: a
 * document is parsed once and serialized when read.
 */
final class Json {
  /** JSON null (Java's null means "absent" in this module). */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** Redis JSON's nesting limit: a document or a value added to one may not nest deeper than this. */
  static final int MAX_DEPTH = 128;

  private Json() {}

  /** RedisJSON's type names (JSON.TYPE). */
  static String typeName(Object v) {
    if (v == NULL) {
      return "null";
    } else if (v instanceof Boolean) {
      return "boolean";
    } else if (v instanceof Long) {
      return "integer";
    } else if (v instanceof Double) {
      return "number";
    } else if (v instanceof String) {
      return "string";
    } else if (v instanceof JArray) {
      return "array";
    }
    return "object";
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double;
  }

  static Object copy(Object v) {
    if (v instanceof JArray a) {
      JArray c = new JArray(a.size);
      for (int i = 0; i < a.size; i++) {
        c.add(copy(a.items[i]));
      }
      return c;
    }
    if (v instanceof JObject o) {
      JObject c = new JObject();
      for (int i = 0; i < o.size; i++) {
        c.put(o.keys[i], copy(o.values[i]));
      }
      return c;
    }
    if (v instanceof byte[] t) {
      return t.clone(); // packed documents change in place (numbers, booleans)
    }
    return v; // immutable scalars are shared
  }

  /** Equality as RedisJSON's ARRINDEX sees it: same type and value; integers and doubles differ. */
  static boolean equal(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof JArray x && b instanceof JArray y) {
      if (x.size != y.size) {
        return false;
      }
      for (int i = 0; i < x.size; i++) {
        if (!equal(x.items[i], y.items[i])) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JObject x && b instanceof JObject y) {
      if (x.size != y.size) {
        return false;
      }
      for (int i = 0; i < x.size; i++) {
        Object other = y.get(x.keys[i]);
        if (other == null || !equal(x.values[i], other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x.doubleValue() == y.doubleValue();
    }
    return a != NULL && b != NULL && a.getClass() == b.getClass() && a.equals(b);
  }

  /** Nesting depth: 0 for a scalar, 1 for an array or object of scalars. */
  static int depth(Object v) {
    int d = 0;
    if (v instanceof JArray a) {
      for (int i = 0; i < a.size; i++) {
        d = Math.max(d, depth(a.items[i]));
      }
      return d + 1;
    }
    if (v instanceof JObject o) {
      for (int i = 0; i < o.size; i++) {
        d = Math.max(d, depth(o.values[i]));
      }
      return d + 1;
    }
    return 0;
  }

  /** Length of the string in UTF-8 bytes, as RedisJSON counts (JSON.STRLEN, JSON.STRAPPEND). */
  static long utf8Length(String s) {
    int n = s.length();
    long len = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          len += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          len += 2; // 4 bytes for the pair's 2 chars
          i++;
        } else {
          len += 2;
        }
      }
    }
    return len;
  }

  /**
   * Heap bytes the value holds (a packed document: its array) (itself and what only it references), with compressed references: object headers,
   * fields, array slots (capacity, not size), string bytes, and the index of large objects. Shared instances (true,
   * false, null) cost nothing; a container's slot for a child is counted in the container.
   */
  static long memory(Object v) {
    if (v == NULL || v instanceof Boolean) {
      return 0;
    }
    if (v instanceof Long || v instanceof Double) {
      return 16;
    }
    if (v instanceof String s) {
      return stringMemory(s);
    }
    if (v instanceof byte[] t) {
      return Tape.memory(t);
    }
    if (v instanceof JArray a) {
      long m = 24 + array(a.items.length);
      for (int i = 0; i < a.size; i++) {
        m += memory(a.items[i]);
      }
      return m;
    }
    JObject o = (JObject) v;
    long m = 32 + 2 * array(o.keys.length);
    if (o.indexed()) {
      int table = Integer.highestOneBit(Math.max(1, o.size * 2 - 1)) << 1;
      m += 48 + array(table) + (long) o.size * (32 + 16);
    }
    for (int i = 0; i < o.size; i++) {
      m += stringMemory(o.keys[i]) + memory(o.values[i]);
    }
    return m;
  }

  private static long stringMemory(String s) {
    boolean latin1 = true;
    for (int i = 0; i < s.length() && latin1; i++) {
      latin1 = s.charAt(i) < 0x100;
    }
    return 24 + align(16 + (long) s.length() * (latin1 ? 1 : 2));
  }

  private static long array(int slots) {
    return align(16 + 4L * slots);
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
