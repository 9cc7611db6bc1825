package dev.cairn.core.script.lib;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.LibFunction;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;

/**
 * Lua 5.1's side of the base, table, string and math libraries where LuaJ (a Lua 5.2) differs: {@code unpack},
 * {@code loadstring} (text only, as Redis refuses binary chunks), {@code getfenv}/{@code setfenv}, {@code gcinfo},
 * {@code newproxy}, {@code table.getn}/{@code maxn}, {@code math.mod}/{@code log10}, {@code string.gfind}, and
 * number formatting ({@code tostring}, {@code table.concat}, {@code string.format}) with C's {@code %.14g}. Also
 * Redis's own {@code math.random}/{@code randomseed}: a 48-bit linear congruential generator whose sequence is the same
 * on every platform for a given seed.
 */
public final class LuaCompat {
  private LuaCompat() {}

  /** {@code tostring} with Lua 5.1's number format; metatables' {@code __tostring} as usual. */
  public static LuaString tostring(LuaValue v) {
    if (v.type() == LuaValue.TNUMBER) {
      return LuaString.valueOf(LuaFormat.number(v.todouble()));
    }
    LuaValue h = v.metatag(LuaValue.TOSTRING);
    if (!h.isnil()) {
      return h.call(v).checkstring();
    }
    LuaValue s = v.tostring();
    return s.isstring() ? s.checkstring() : LuaString.valueOf(v.tojstring());
  }

  /** Installs the 5.1 functions into {@code g} (the real globals, before they are protected). */
  public static void install(LuaTable g, LuaValue compileLoad) {
    LuaTable table = (LuaTable) g.rawget("table");
    LuaTable string = (LuaTable) g.rawget("string");
    LuaTable math = (LuaTable) g.rawget("math");
    g.rawset("unpack", table.rawget("unpack"));
    g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
    g.rawset("tostring", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        if (a.narg() == 0) {
          argerror(1, "value expected");
        }
        return LuaCompat.tostring(a.arg1());
      }
    });
    g.rawset("loadstring", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        LuaString code = a.checkstring(1);
        if (code.length() > 0 && code.luaByte(0) == 27) {
          return varargsOf(NIL, valueOf("binary chunks are not allowed"));
        }
        return compileLoad.invoke(a);
      }
    });
    g.rawset("gcinfo", new ZeroArgFunction() {
      @Override
      public LuaValue call() {
        Runtime rt = Runtime.getRuntime();
        return valueOf((int) ((rt.totalMemory() - rt.freeMemory()) / 1024));
      }
    });
    g.rawset("newproxy", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue withMeta) {
        LuaValue u = LuaValue.userdataOf(new Object());
        if (withMeta.toboolean()) {
          u.setmetatable(new LuaTable());
        }
        return u;
      }
    });
    g.rawset("getfenv", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue f) {
        if (f instanceof LuaClosure c) {
          int i = envIndex(c);
          return i < 0 ? g : c.upValues[i].getValue();
        }
        return g;
      }
    });
    g.rawset("setfenv", new LibFunction() {
      @Override
      public LuaValue call(LuaValue f, LuaValue env) {
        env.checktable();
        if (f instanceof LuaClosure c) {
          int i = envIndex(c);
          if (i >= 0) {
            c.upValues[i].setValue(env);
            return f;
          }
        }
        throw new LuaError("'setfenv' cannot change environment of given object");
      }
    });
    table.rawset("getn", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue t) {
        return valueOf(t.checktable().length());
      }
    });
    table.rawset("maxn", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue t) {
        double max = 0;
        LuaTable tt = t.checktable();
        LuaValue k = NIL;
        while (true) {
          Varargs n = tt.next(k);
          if ((k = n.arg1()).isnil()) {
            break;
          }
          if (k.type() == TNUMBER && k.todouble() > max) {
            max = k.todouble();
          }
        }
        return valueOf(max);
      }
    });
    table.rawset("concat", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        LuaTable t = a.checktable(1);
        LuaString sep = a.optstring(2, LuaString.valueOf(""));
        int i = a.optint(3, 1);
        int j = a.isnoneornil(4) ? t.length() : a.checkint(4);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int k = i; k <= j; k++) {
          LuaValue v = t.get(k);
          LuaString s;
          if (v.type() == TNUMBER) {
            s = LuaString.valueOf(LuaFormat.number(v.todouble()));
          } else if (v.type() == TSTRING) {
            s = v.checkstring();
          } else {
            throw new LuaError("invalid value (at index " + k + ") in table for 'concat'");
          }
          out.write(s.m_bytes, s.m_offset, s.m_length);
          if (k < j) {
            out.write(sep.m_bytes, sep.m_offset, sep.m_length);
          }
        }
        return LuaString.valueUsing(out.toByteArray());
      }
    });
    table.rawset("setn", new LibFunction() {
      @Override
      public LuaValue call(LuaValue t, LuaValue n) {
        throw new LuaError("'setn' is obsolete");
      }
    });
    string.rawset("format", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        return LuaFormat.format(a);
      }
    });
    string.rawset("gfind", string.rawget("gmatch"));
    math.rawset("mod", math.rawget("fmod"));
    math.rawset("log10", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue x) {
        return valueOf(Math.log10(x.checkdouble()));
      }
    });
    Lrand48 rand = new Lrand48();
    math.rawset("random", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        double r = (rand.next() % Lrand48.MAX) / (double) Lrand48.MAX;
        switch (a.narg()) {
          case 0:
            return valueOf(r);
          case 1: {
            int u = a.checkint(1);
            if (u < 1) {
              argerror(1, "interval is empty");
            }
            return valueOf(Math.floor(r * u) + 1);
          }
          case 2: {
            int l = a.checkint(1);
            int u = a.checkint(2);
            if (l > u) {
              argerror(2, "interval is empty");
            }
            return valueOf(Math.floor(r * (u - l + 1)) + l);
          }
          default:
            throw new LuaError("wrong number of arguments");
        }
      }
    });
    math.rawset("randomseed", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue seed) {
        rand.seed((int) seed.checkdouble());
        return NONE;
      }
    });
    // 5.2-only names a 5.1 script would not see
    g.rawset("rawlen", LuaValue.NIL);
    g.rawset("bit32", LuaValue.NIL);
    table.rawset("pack", LuaValue.NIL);
  }

  /** The index of a closure's {@code _ENV} upvalue (where LuaJ keeps what Lua 5.1 calls its environment), or -1. */
  static int envIndex(LuaClosure c) {
    var ups = c.p.upvalues;
    for (int i = 0; i < ups.length && i < c.upValues.length; i++) {
      if (ups[i].name != null && "_ENV".equals(ups[i].name.tojstring())) {
        return i;
      }
    }
    return -1;
  }

  /** The 48-bit generator of POSIX lrand48, which Redis carries in rand.c so that all platforms agree. */
  static final class Lrand48 {
    static final long MAX = Integer.MAX_VALUE;
    private long x = (new java.security.SecureRandom().nextLong()) & 0xFFFFFFFFFFFFL;

    void seed(int s) {
      x = (((long) s) << 16 | 0x330E) & 0xFFFFFFFFFFFFL;
    }

    long next() {
      x = (0x5DEECE66DL * x + 0xB) & 0xFFFFFFFFFFFFL;
      return x >>> 17;
    }
  }
}
