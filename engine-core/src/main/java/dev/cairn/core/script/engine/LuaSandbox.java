package dev.cairn.core.script.engine;

import dev.cairn.core.script.lib.BitLib;
import dev.cairn.core.script.lib.CjsonLib;
import dev.cairn.core.script.lib.CmsgpackLib;
import dev.cairn.core.script.lib.LuaCompat;
import dev.cairn.core.script.lib.StructLib;
import java.io.ByteArrayInputStream;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One sandboxed Lua world, as Redis sets up its interpreter: the base, table, string and math libraries (with Lua 5.1's
 * functions), cjson, cmsgpack, bit and struct, the {@code redis} table, no os/io/package/require/loadfile/dofile/print,
 * and every table reachable from the globals read-only.
 *
 * <p>Scripts run in {@link #env()}, an empty {@link Globals} (LuaJ hooks only closures whose environment is a
 * {@code Globals}) whose metatable reads through to the real globals, where a missing name raises "Script attempted to
 * access nonexistent global variable". Reads of globals are table lookups, with no Lua function in between.
 */
public final class LuaSandbox {
  private final Globals real;
  private final Globals env;
  private final LuaTable envMeta;
  private final ScriptHook hook = new ScriptHook();

  /**
   * @param redisApi the {@code redis} table's functions and constants (unprotected; the sandbox protects it)
   */
  public LuaSandbox(LuaTable redisApi) {
    real = new Globals();
    real.load(new BaseLib());
    real.load(new PackageLib());
    real.load(new TableLib());
    real.load(new StringLib());
    real.load(new JseMathLib());
    real.load(new CoroutineLib());
    LoadState.install(real);
    LuaC.install(real);
    env = new Globals();
    env.running = new LuaThread(env);
    env.debuglib = hook;
    env.compiler = real.compiler;
    env.loader = real.loader;
    env.undumper = null; // no binary chunks, as Redis's Lua refuses them
    LuaValue load = new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        LuaValue chunk = a.arg1();
        String name = a.optjstring(2, chunk.isstring() ? chunk.tojstring() : "=(load)");
        try {
          if (chunk.isstring()) {
            LuaString s = chunk.checkstring();
            if (s.length() > 0 && s.luaByte(0) == 27) {
              return varargsOf(NIL, valueOf("binary chunks are not allowed"));
            }
            return compile(s.m_bytes, s.m_offset, s.m_length, chunkName(name));
          }
          // a reader function, as Lua 5.1's load takes
          java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
          LuaFunction reader = chunk.checkfunction();
          while (true) {
            LuaValue piece = reader.call();
            if (piece.isnil() || piece.isstring() && piece.checkstring().length() == 0) {
              break;
            }
            LuaString ps = piece.checkstring();
            buf.write(ps.m_bytes, ps.m_offset, ps.m_length);
          }
          byte[] b = buf.toByteArray();
          return compile(b, 0, b.length, chunkName(name));
        } catch (LuaError e) {
          return varargsOf(NIL, LuaErrors.value(e));
        }
      }
    };
    real.rawset("load", load);
    // base functions a 5.1 Redis does not have, or that reach outside the sandbox
    for (String name : new String[] {"print", "dofile", "loadfile", "require", "module", "package"}) {
      real.rawset(name, LuaValue.NIL);
    }
    LuaCompat.install(real, load);
    real.rawset("pcall", new Pcall());
    real.rawset("cjson", new CjsonLib().table());
    real.rawset("cmsgpack", new CmsgpackLib().table());
    real.rawset("bit", new BitLib().table());
    real.rawset("struct", new StructLib().table());
    real.rawset("redis", redisApi);
    // library tables become read-only views; _G is the scripts' own environment
    for (String lib : new String[] {"string", "table", "math", "coroutine", "cjson", "cmsgpack", "bit", "struct",
        "redis"}) {
      real.rawset(lib, ReadOnly.protect(real.rawget(lib)));
    }
    ReadOnly.guard(real);
    real.rawset("_G", env);
    real.setmetatable(ReadOnly.missingGlobalsMeta());
    envMeta = new LuaTable();
    envMeta.rawset(LuaValue.INDEX, real);
    envMeta.rawset(LuaValue.NEWINDEX, ReadOnly.REFUSE);
    envMeta.rawset(LuaValue.valueOf("__cairn_readonly"), LuaValue.TRUE);
    envMeta.rawset(LuaValue.METATABLE, ReadOnly.protect(new LuaTable()));
    env.setmetatable(envMeta);
  }

  private static String chunkName(String name) {
    return name.startsWith("=") || name.startsWith("@") ? name : "[string \"" + firstLine(name) + "\"]";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String l = nl < 0 ? s : s.substring(0, nl) + "...";
    return l.length() > 60 ? l.substring(0, 57) + "..." : l;
  }

  /** Compiles source text (bytes, binary safe) into a function of this sandbox. */
  public LuaFunction compile(byte[] code, int off, int len, String chunkName) {
    try {
      return (LuaFunction) real.load(new ByteArrayInputStream(code, off, len), chunkName, "t", env);
    } catch (LuaError e) {
      throw e;
    }
  }

  /** The environment scripts run in (what they see as {@code _G}). */
  public Globals env() {
    return env;
  }

  /** The real globals behind the environment (KEYS and ARGV are set here; scripts cannot write it). */
  public Globals globals() {
    return real;
  }

  /** Points the environment at another table of globals (functions switch between load-time and run-time API). */
  public void readThrough(LuaTable globals) {
    envMeta.rawset(LuaValue.INDEX, globals);
  }

  public ScriptHook hook() {
    return hook;
  }

  /**
   * Redis's {@code pcall}: like Lua's, and an error raised as a table with an {@code err} field (what
   * {@code redis.call} raises) comes back as its text, as Redis 6 scripts expect.
   */
  static final class Pcall extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs a) {
      LuaValue f = a.checkvalue(1);
      try {
        return varargsOf(TRUE, f.invoke(a.subargs(2)));
      } catch (LuaError e) {
        LuaValue v = LuaErrors.value(e);
        if (v.istable() && v.rawget("err").isstring()) {
          v = v.rawget("err");
        }
        return varargsOf(FALSE, v);
      } catch (StackOverflowError e) {
        return varargsOf(FALSE, valueOf("stack overflow"));
      }
    }
  }
}
