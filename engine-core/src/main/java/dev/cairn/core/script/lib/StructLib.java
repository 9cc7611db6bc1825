package dev.cairn.core.script.lib;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code struct} library (Roberto Ierusalimschy's, which Redis bundles): {@code pack(fmt, ...)},
 * {@code unpack(fmt, s [, i])} and {@code size(fmt)} over C-like layouts. Directives: {@code > < !n x b B h H l L T
 * in In f d s cn}, sizes as on a 64-bit platform (long and size_t of 8 bytes).
 */
public final class StructLib {
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

  /** Parse state over a format string. */
  static final class Fmt {
    final String f;
    int i;
    boolean little = true;
    int maxAlign = 1;

    Fmt(String f) {
      this.f = f;
    }

    int num(int def) {
      if (i >= f.length() || !Character.isDigit(f.charAt(i))) {
        return def;
      }
      int a = 0;
      while (i < f.length() && Character.isDigit(f.charAt(i))) {
        a = a * 10 + (f.charAt(i++) - '0');
      }
      return a;
    }

    /** Size of the option {@code c} (already consumed); reads its size digits. */
    int size(char c) {
      return switch (c) {
        case 'B', 'b' -> 1;
        case 'H', 'h' -> 2;
        case 'L', 'l', 'T' -> 8;
        case 'f' -> 4;
        case 'd' -> 8;
        case 'x' -> 1;
        case 'c' -> num(1);
        case 'i', 'I' -> {
          int sz = num(4);
          if (sz > 8) {
            throw new LuaError("integral size " + sz + " is larger than limit of 8");
          }
          yield sz;
        }
        default -> 0;
      };
    }

    int align(int size, int total) {
      int a = Math.min(size, maxAlign);
      if ((a & (a - 1)) != 0) {
        throw new LuaError("alignment " + a + " is not a power of 2");
      }
      return a <= 1 ? 0 : (a - (total & (a - 1))) & (a - 1);
    }

    /** Handles endianness and alignment controls; true if {@code c} was one. */
    boolean control(char c) {
      switch (c) {
        case ' ' -> {
          return true;
        }
        case '>' -> {
          little = false;
          return true;
        }
        case '<' -> {
          little = true;
          return true;
        }
        case '!' -> {
          maxAlign = num(8);
          return true;
        }
        default -> {
          return false;
        }
      }
    }
  }

  public LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("pack", fn(StructLib::pack));
    t.rawset("unpack", fn(StructLib::unpack));
    t.rawset("size", fn(a -> {
      Fmt f = new Fmt(a.checkjstring(1));
      int total = 0;
      while (f.i < f.f.length()) {
        char c = f.f.charAt(f.i++);
        if (f.control(c)) {
          continue;
        }
        int sz = f.size(c);
        if (c == 's' || c == 'c' && sz == 0) {
          throw new LuaError("options 'c0' - 's' have undefined sizes");
        }
        total += f.align(sz, total) + sz;
      }
      return LuaValue.valueOf(total);
    }));
    return t;
  }

  private static void integer(ByteArrayOutputStream out, long v, int size, boolean little) {
    for (int k = 0; k < size; k++) {
      int shift = 8 * (little ? k : size - 1 - k);
      out.write(shift >= 64 ? (v < 0 ? 0xff : 0) : (int) (v >>> shift));
    }
  }

  static Varargs pack(Varargs a) {
    Fmt f = new Fmt(a.checkjstring(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int arg = 2;
    while (f.i < f.f.length()) {
      char c = f.f.charAt(f.i++);
      if (f.control(c)) {
        continue;
      }
      int size = f.size(c);
      int pad = f.align(size, out.size());
      for (int k = 0; k < pad; k++) {
        out.write(0);
      }
      switch (c) {
        case 'x' -> out.write(0);
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          double d = a.checkdouble(arg++);
          long v = (c == 'L' || c == 'T' || c == 'I') && d >= 9.223372036854775807E18 ? (long) (d - 18446744073709551616.0)
              : (long) d;
          integer(out, v, size, f.little);
        }
        case 'f' -> integer(out, Float.floatToIntBits((float) a.checkdouble(arg++)) & 0xffffffffL, 4, f.little);
        case 'd' -> integer(out, Double.doubleToLongBits(a.checkdouble(arg++)), 8, f.little);
        case 'c', 's' -> {
          LuaString s = a.checkstring(arg++);
          int l = s.length();
          if (c == 'c' && size == 0) {
            size = l;
          }
          if (c == 'c' && l < size) {
            throw new LuaError("bad argument #" + (arg - 1) + " to 'pack' (string too short)");
          }
          int n = c == 's' ? l : size;
          out.write(s.m_bytes, s.m_offset, n);
          if (c == 's') {
            out.write(0);
          }
        }
        default -> throw new LuaError("invalid format option '" + c + "'");
      }
    }
    return LuaString.valueUsing(out.toByteArray());
  }

  static Varargs unpack(Varargs a) {
    Fmt f = new Fmt(a.checkjstring(1));
    LuaString s = a.checkstring(2);
    int pos = a.optint(3, 1) - 1;
    if (pos < 0) {
      throw new LuaError("bad argument #3 to 'unpack' (offset must be 1 or greater)");
    }
    java.util.List<LuaValue> out = new java.util.ArrayList<>();
    while (f.i < f.f.length()) {
      char c = f.f.charAt(f.i++);
      if (f.control(c)) {
        continue;
      }
      int size = f.size(c);
      pos += f.align(size, pos);
      if (c != 's' && !(c == 'c' && size == 0) && pos + size > s.length()) {
        throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
      }
      switch (c) {
        case 'x' -> pos += 1;
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          long v = 0;
          for (int k = 0; k < size; k++) {
            int b = s.luaByte(pos + (f.little ? size - 1 - k : k));
            v = v << 8 | b;
          }
          boolean signed = Character.isLowerCase(c);
          if (signed && size < 8) {
            long mask = 1L << (size * 8 - 1);
            v = (v ^ mask) - mask;
          }
          double d = !signed && v < 0 ? (double) (v >>> 1) * 2 + (v & 1) : (double) v;
          out.add(LuaValue.valueOf(d));
          pos += size;
        }
        case 'f', 'd' -> {
          long v = 0;
          for (int k = 0; k < size; k++) {
            int b = s.luaByte(pos + (f.little ? size - 1 - k : k));
            v = v << 8 | b;
          }
          out.add(LuaValue.valueOf(c == 'f' ? Float.intBitsToFloat((int) v) : Double.longBitsToDouble(v)));
          pos += size;
        }
        case 'c' -> {
          if (size == 0) {
            if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) {
              throw new LuaError("format 'c0' needs a previous size");
            }
            size = out.remove(out.size() - 1).toint();
            if (pos + size > s.length()) {
              throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
            }
          }
          out.add(s.substring(pos, pos + size));
          pos += size;
        }
        case 's' -> {
          int e = pos;
          while (e < s.length() && s.luaByte(e) != 0) {
            e++;
          }
          if (e >= s.length()) {
            throw new LuaError("unfinished string in data");
          }
          out.add(s.substring(pos, e));
          pos = e + 1;
        }
        default -> throw new LuaError("invalid format option '" + c + "'");
      }
    }
    out.add(LuaValue.valueOf(pos + 1));
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }
}
