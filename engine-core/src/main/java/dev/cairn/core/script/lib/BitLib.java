package dev.cairn.core.script.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} library (LuaBitOp, which Redis bundles): 32-bit operations on numbers, results as signed 32-bit
 * numbers. Arguments are reduced as LuaBitOp does: rounded to the nearest integer, then taken modulo 2^32.
 */
public final class BitLib {
  interface Op {
    Varargs apply(Varargs a);
  }

  static int arg(Varargs a, int i) {
    double d = a.checkdouble(i);
    return (int) (long) Math.rint(d);
  }

  static LuaValue num(int v) {
    return LuaValue.valueOf(v);
  }

  private static LuaValue fn(String name, Op op) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        return op.apply(a);
      }
    };
  }

  public LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("tobit", fn("tobit", a -> num(arg(a, 1))));
    t.rawset("bnot", fn("bnot", a -> num(~arg(a, 1))));
    t.rawset("band", fn("band", a -> {
      int r = arg(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r &= arg(a, i);
      }
      return num(r);
    }));
    t.rawset("bor", fn("bor", a -> {
      int r = arg(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r |= arg(a, i);
      }
      return num(r);
    }));
    t.rawset("bxor", fn("bxor", a -> {
      int r = arg(a, 1);
      for (int i = 2; i <= a.narg(); i++) {
        r ^= arg(a, i);
      }
      return num(r);
    }));
    t.rawset("lshift", fn("lshift", a -> num(arg(a, 1) << (arg(a, 2) & 31))));
    t.rawset("rshift", fn("rshift", a -> num(arg(a, 1) >>> (arg(a, 2) & 31))));
    t.rawset("arshift", fn("arshift", a -> num(arg(a, 1) >> (arg(a, 2) & 31))));
    t.rawset("rol", fn("rol", a -> num(Integer.rotateLeft(arg(a, 1), arg(a, 2) & 31))));
    t.rawset("ror", fn("ror", a -> num(Integer.rotateRight(arg(a, 1), arg(a, 2) & 31))));
    t.rawset("bswap", fn("bswap", a -> num(Integer.reverseBytes(arg(a, 1)))));
    t.rawset("tohex", fn("tohex", a -> {
      int b = arg(a, 1);
      int n = a.isnoneornil(2) ? 8 : arg(a, 2);
      boolean upper = false;
      if (n < 0) {
        n = -n;
        upper = true;
      }
      if (n > 8) {
        n = 8;
      }
      String digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
      char[] buf = new char[n];
      for (int i = n - 1; i >= 0; i--) {
        buf[i] = digits.charAt(b & 15);
        b >>>= 4;
      }
      return LuaValue.valueOf(new String(buf));
    }));
    return t;
  }

  static LuaError error(String m) {
    return new LuaError(m);
  }
}
