package dev.cairn.core.script.lib;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cmsgpack} library (lua-cmsgpack, which Redis bundles): {@code pack(...)} writes each argument as
 * MessagePack (integral numbers as the smallest integer type, others as float32 when exact, else float64; tables
 * without holes whose keys are 1..n as arrays, others as maps; nesting past 16 levels as nil), and
 * {@code unpack}, {@code unpack_one} and {@code unpack_limit} read values back.
 */
public final class CmsgpackLib {
  static final int MAX_NESTING = 16;

  interface Body {
    Varargs invoke(Varargs a);
  }

  static LuaValue fn(Body b) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        return b.invoke(a);
      }
    };
  }

  public LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("pack", fn(a -> {
      if (a.narg() == 0) {
        throw new LuaError("MessagePack pack needs input.");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 1; i <= a.narg(); i++) {
        pack(out, a.arg(i), 0);
      }
      return LuaString.valueUsing(out.toByteArray());
    }));
    t.rawset("unpack", fn(a -> unpack(a.checkstring(1), 0, 0, false)));
    t.rawset("unpack_one", fn(a -> unpack(a.checkstring(1), 1, a.optint(2, 0), true)));
    t.rawset("unpack_limit", fn(a -> unpack(a.checkstring(1), a.checkint(2), a.optint(3, 0), true)));
    t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
    t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
    return t;
  }

  private static void be(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }

  static void pack(ByteArrayOutputStream out, LuaValue v, int level) {
    switch (v.type()) {
      case LuaValue.TSTRING -> {
        LuaString s = v.checkstring();
        int len = s.length();
        if (len < 32) {
          out.write(0xa0 | len);
        } else if (len <= 0xff) {
          out.write(0xd9);
          out.write(len);
        } else if (len <= 0xffff) {
          out.write(0xda);
          be(out, len, 2);
        } else {
          out.write(0xdb);
          be(out, len, 4);
        }
        out.write(s.m_bytes, s.m_offset, s.m_length);
      }
      case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
      case LuaValue.TNUMBER -> number(out, v.todouble());
      case LuaValue.TTABLE -> {
        if (level >= MAX_NESTING) {
          out.write(0xc0);
          return;
        }
        LuaTable t = (LuaTable) v;
        int n = arrayLength(t);
        if (n >= 0) {
          header(out, n, 0x90, 0xdc, 0xdd);
          for (int i = 1; i <= n; i++) {
            pack(out, t.rawget(i), level + 1);
          }
        } else {
          int count = 0;
          LuaValue k = LuaValue.NIL;
          while (!(k = t.next(k).arg1()).isnil()) {
            count++;
          }
          header(out, count, 0x80, 0xde, 0xdf);
          k = LuaValue.NIL;
          while (true) {
            Varargs nx = t.next(k);
            if ((k = nx.arg1()).isnil()) {
              break;
            }
            pack(out, k, level + 1);
            pack(out, nx.arg(2), level + 1);
          }
        }
      }
      default -> out.write(0xc0);
    }
  }

  private static void header(ByteArrayOutputStream out, int n, int fix, int b16, int b32) {
    if (n < 16) {
      out.write(fix | n);
    } else if (n <= 0xffff) {
      out.write(b16);
      be(out, n, 2);
    } else {
      out.write(b32);
      be(out, n, 4);
    }
  }

  /** 1..n without holes: an array of n; anything else -1 (a map). */
  private static int arrayLength(LuaTable t) {
    int count = 0;
    double max = 0;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs nx = t.next(k);
      if ((k = nx.arg1()).isnil()) {
        break;
      }
      if (k.type() != LuaValue.TNUMBER) {
        return -1;
      }
      double d = k.todouble();
      if (d < 1 || d != Math.floor(d)) {
        return -1;
      }
      max = Math.max(max, d);
      count++;
    }
    return max == count ? count : -1;
  }

  private static void number(ByteArrayOutputStream out, double d) {
    if (d == Math.floor(d) && !Double.isInfinite(d) && Math.abs(d) < 9.2e18) {
      long n = (long) d;
      if (n >= 0) {
        if (n <= 127) {
          out.write((int) n);
        } else if (n <= 0xff) {
          out.write(0xcc);
          out.write((int) n);
        } else if (n <= 0xffff) {
          out.write(0xcd);
          be(out, n, 2);
        } else if (n <= 0xffffffffL) {
          out.write(0xce);
          be(out, n, 4);
        } else {
          out.write(0xcf);
          be(out, n, 8);
        }
      } else {
        if (n >= -32) {
          out.write((int) (n & 0xff));
        } else if (n >= -128) {
          out.write(0xd0);
          out.write((int) (n & 0xff));
        } else if (n >= -32768) {
          out.write(0xd1);
          be(out, n, 2);
        } else if (n >= -2147483648L) {
          out.write(0xd2);
          be(out, n, 4);
        } else {
          out.write(0xd3);
          be(out, n, 8);
        }
      }
      return;
    }
    float f = (float) d;
    if (f == d) {
      out.write(0xca);
      be(out, Float.floatToIntBits(f) & 0xffffffffL, 4);
    } else {
      out.write(0xcb);
      be(out, Double.doubleToLongBits(d), 8);
    }
  }

  /** Decodes up to {@code limit} values (0: all) from {@code offset}; with {@code withOffset} the next offset first. */
  private static Varargs unpack(LuaString s, int limit, int offset, boolean withOffset) {
    if (offset < 0 || limit < 0) {
      throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + limit + ".");
    }
    Reader r = new Reader(s, offset);
    java.util.List<LuaValue> out = new java.util.ArrayList<>();
    while (r.pos < s.length() && (limit == 0 || out.size() < limit)) {
      out.add(r.value());
    }
    if (out.isEmpty() && !withOffset && s.length() == 0) {
      throw new LuaError("MessagePack decoding needs input.");
    }
    if (withOffset) {
      LuaValue[] vals = new LuaValue[out.size() + 1];
      vals[0] = LuaValue.valueOf(r.pos >= s.length() ? -1 : r.pos);
      for (int i = 0; i < out.size(); i++) {
        vals[i + 1] = out.get(i);
      }
      return LuaValue.varargsOf(vals);
    }
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }

  static final class Reader {
    final LuaString s;
    int pos;

    Reader(LuaString s, int pos) {
      this.s = s;
      this.pos = pos;
    }

    int u8() {
      if (pos >= s.length()) {
        throw new LuaError("Missing bytes in input.");
      }
      return s.luaByte(pos++);
    }

    long be(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = v << 8 | u8();
      }
      return v;
    }

    LuaString bytes(long n) {
      if (pos + n > s.length()) {
        throw new LuaError("Missing bytes in input.");
      }
      LuaString r = s.substring(pos, (int) (pos + n));
      pos += (int) n;
      return r;
    }

    LuaTable array(long n) {
      LuaTable t = new LuaTable();
      for (int i = 1; i <= n; i++) {
        t.rawset(i, value());
      }
      return t;
    }

    LuaTable map(long n) {
      LuaTable t = new LuaTable();
      for (long i = 0; i < n; i++) {
        LuaValue k = value();
        LuaValue v = value();
        if (!k.isnil()) {
          t.rawset(k, v);
        }
      }
      return t;
    }

    LuaValue value() {
      int c = u8();
      if (c <= 0x7f) {
        return LuaValue.valueOf(c);
      }
      if (c >= 0xe0) {
        return LuaValue.valueOf((byte) c);
      }
      if ((c & 0xe0) == 0xa0) {
        return bytes(c & 0x1f);
      }
      if ((c & 0xf0) == 0x90) {
        return array(c & 0x0f);
      }
      if ((c & 0xf0) == 0x80) {
        return map(c & 0x0f);
      }
      return switch (c) {
        case 0xc0 -> LuaValue.NIL;
        case 0xc2 -> LuaValue.FALSE;
        case 0xc3 -> LuaValue.TRUE;
        case 0xca -> LuaValue.valueOf(Float.intBitsToFloat((int) be(4)));
        case 0xcb -> LuaValue.valueOf(Double.longBitsToDouble(be(8)));
        case 0xcc -> LuaValue.valueOf(be(1));
        case 0xcd -> LuaValue.valueOf(be(2));
        case 0xce -> LuaValue.valueOf(be(4));
        case 0xcf -> LuaValue.valueOf((double) be(8));
        case 0xd0 -> LuaValue.valueOf((byte) be(1));
        case 0xd1 -> LuaValue.valueOf((short) be(2));
        case 0xd2 -> LuaValue.valueOf((int) be(4));
        case 0xd3 -> LuaValue.valueOf((double) be(8));
        case 0xc4, 0xd9 -> bytes(be(1));
        case 0xc5, 0xda -> bytes(be(2));
        case 0xc6, 0xdb -> bytes(be(4));
        case 0xdc -> array(be(2));
        case 0xdd -> array(be(4));
        case 0xde -> map(be(2));
        case 0xdf -> map(be(4));
        default -> throw new LuaError("Bad data format in input.");
      };
    }
  }
}
