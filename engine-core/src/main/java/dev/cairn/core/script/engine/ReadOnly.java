package dev.cairn.core.script.engine;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.LibFunction;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * Redis's read-only tables for LuaJ, which has no such flag: a protected table is an empty proxy whose metatable reads
 * through to the real table and refuses writes with Redis's "Attempt to modify a readonly table". The metatable itself
 * is hidden behind {@code __metatable} (a protected empty table), and {@code setmetatable}/{@code rawset} refuse
 * protected tables, so none of the tricks in Redis's tests get past it.
 */
public final class ReadOnly {
  private ReadOnly() {}

  static final String MESSAGE = "Attempt to modify a readonly table";
  /** Marks the metatables of protected proxies. */
  private static final LuaValue MARK = LuaValue.valueOf("__cairn_readonly");

  static final LuaValue REFUSE = new LibFunction() {
    @Override
    public LuaValue call(LuaValue t, LuaValue k, LuaValue v) {
      throw new LuaError(MESSAGE);
    }
  };

  /** A protected view of {@code real}; reads see it live, writes fail. */
  public static LuaTable protect(LuaValue real) {
    LuaTable proxy = new LuaTable();
    LuaTable meta = new LuaTable();
    meta.rawset(LuaValue.INDEX, real);
    meta.rawset(LuaValue.NEWINDEX, REFUSE);
    meta.rawset(MARK, LuaValue.TRUE);
    LuaTable hidden = new LuaTable();
    LuaTable hiddenMeta = new LuaTable();
    hiddenMeta.rawset(LuaValue.NEWINDEX, REFUSE);
    hiddenMeta.rawset(MARK, LuaValue.TRUE);
    hiddenMeta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
    hidden.setmetatable(hiddenMeta);
    meta.rawset(LuaValue.METATABLE, hidden);
    proxy.setmetatable(meta);
    return proxy;
  }

  /** Whether {@code t} is a protected proxy (or the hidden metatable of one). */
  public static boolean isProtected(LuaValue t) {
    LuaValue m = t.getmetatable();
    return m != null && m.istable() && m.rawget(MARK).toboolean();
  }

  /** A metatable whose {@code __index} raises Redis's error for a global that does not exist. */
  public static LuaTable missingGlobalsMeta() {
    LuaTable meta = new LuaTable();
    meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue t, LuaValue k) {
        throw new LuaError("Script attempted to access nonexistent global variable '" + k.tojstring() + "'");
      }
    });
    return meta;
  }

  /** {@code setmetatable} and {@code rawset} that refuse protected tables. */
  static void guard(LuaTable globals) {
    LuaValue setmt = globals.rawget("setmetatable");
    globals.rawset("setmetatable", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue t, LuaValue mt) {
        if (isProtected(t)) {
          throw new LuaError(MESSAGE);
        }
        return setmt.call(t, mt);
      }
    });
    LuaValue rawset = globals.rawget("rawset");
    globals.rawset("rawset", new LibFunction() {
      @Override
      public LuaValue call(LuaValue t, LuaValue k, LuaValue v) {
        if (isProtected(t)) {
          throw new LuaError(MESSAGE);
        }
        return rawset.call(t, k, v);
      }
    });
  }
}
