package dev.cairn.core.script.function;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.rdb.Crc64;
import dev.cairn.core.rdb.DumpPayload;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.script.ScriptCache;
import dev.cairn.core.script.Scripting;
import dev.cairn.core.script.bridge.RedisApi;
import dev.cairn.core.script.engine.LuaErrors;
import dev.cairn.core.script.engine.LuaSandbox;
import dev.cairn.core.script.engine.ReadOnly;
import dev.cairn.core.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The function libraries (FUNCTION LOAD and friends). All libraries share one Lua world, as in Redis: while a library
 * loads, its globals read through to the load-time API (only {@code redis.register_function}, {@code redis.log} and
 * the constants); when its functions run, to the full run-time API. Library payloads for FUNCTION DUMP/RESTORE (and
 * RDB files) are Redis's: an RDB_OPCODE_FUNCTION2 byte and the library code as an RDB string, per library.
 */
public final class Functions {
  /** RDB_OPCODE_FUNCTION2: a library's code follows as a string. */
  public static final int RDB_OPCODE_FUNCTION2 = 245;
  /** RDB_OPCODE_FUNCTION_PRE_GA: the 7.0 release candidates' format, refused as Redis does. */
  static final int RDB_OPCODE_FUNCTION_PRE_GA = 246;
  /** How long a library's top-level code may run at FUNCTION LOAD. */
  static final long LOAD_TIMEOUT_MS = 500;

  private final Scripting scripting;
  /** The Lua world, made on first use: building one costs start-up time a server without functions never needs. */
  private LuaSandbox sandbox;
  private LuaTable runtimeGlobals;
  private LuaTable loadGlobals;
  private final Map<String, FunctionLibrary> libraries = new LinkedHashMap<>();
  private final Map<String, FunctionLibrary.Function> functions = new LinkedHashMap<>();
  /** The library being loaded, which {@code redis.register_function} adds to; null outside FUNCTION LOAD. */
  private FunctionLibrary loading;

  public Functions(Scripting scripting) {
    this.scripting = scripting;
  }

  private void makeWorld() {
    this.sandbox = new LuaSandbox(RedisApi.runtimeApi(scripting));
    this.runtimeGlobals = sandbox.globals();
    LuaTable api = new LuaTable();
    api.rawset("register_function", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        register(a);
        return NONE;
      }
    });
    RedisApi.logAndVersion(api, scripting.engine());
    api.setmetatable(ReadOnly.missingGlobalsMeta());
    LuaTable g = new LuaTable();
    g.rawset("redis", ReadOnly.protect(api));
    g.setmetatable(ReadOnly.missingGlobalsMeta());
    this.loadGlobals = g;
  }

  public LuaSandbox sandbox() {
    if (sandbox == null) {
      makeWorld();
    }
    return sandbox;
  }

  /** The function called {@code name}, in any case (Redis's function names are case-insensitive), or null. */
  public FunctionLibrary.Function function(String name) {
    return functions.get(key(name));
  }

  /** The key of a function name in {@link #functions}: lower case, as Redis compares function names. */
  private static String key(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  public Collection<FunctionLibrary> libraries() {
    return libraries.values();
  }

  /** Every library's code, in load order (an AOF rewrite's base loads them again with FUNCTION LOAD). */
  public List<byte[]> codes() {
    List<byte[]> codes = new ArrayList<>(libraries.size());
    for (FunctionLibrary lib : libraries.values()) {
      codes.add(lib.code);
    }
    return codes;
  }

  public int functionCount() {
    return functions.size();
  }

  public FunctionLibrary library(String name) {
    return libraries.get(name);
  }

  /** Removes a library and its functions; false if there is none by that name. */
  public boolean delete(String name) {
    FunctionLibrary lib = libraries.remove(name);
    if (lib == null) {
      return false;
    }
    for (String f : lib.functions.keySet()) {
      functions.remove(key(f));
    }
    return true;
  }

  public void flush() {
    libraries.clear();
    functions.clear();
  }

  /** Bytes of the libraries' code (INFO used_memory_functions, approximately). */
  public long memory() {
    long n = 0;
    for (FunctionLibrary l : libraries.values()) {
      n += l.code.length + 64L * l.functions.size();
    }
    return n;
  }

  /** FUNCTION LOAD: compiles and runs the library code, registers its functions; returns the library name. */
  public String load(byte[] code, boolean replace) {
    return load(code, replace, LOAD_TIMEOUT_MS);
  }

  /** As FUNCTION LOAD, with the library's top-level code limited to {@code timeoutMillis} (0: no limit). */
  String load(byte[] code, boolean replace, long timeoutMillis) {
    FunctionLibrary lib = create(code, timeoutMillis);
    FunctionLibrary old = libraries.get(lib.name);
    if (old != null && !replace) {
      throw RedisException.err("Library '" + lib.name + "' already exists");
    }
    for (String f : lib.functions.keySet()) {
      FunctionLibrary.Function existing = function(f);
      if (existing != null && existing.library() != old) {
        throw RedisException.err("Function " + f + " already exists");
      }
    }
    if (old != null) {
      delete(old.name);
    }
    link(lib);
    return lib.name;
  }

  private void link(FunctionLibrary lib) {
    libraries.put(lib.name, lib);
    for (FunctionLibrary.Function f : lib.functions.values()) {
      functions.put(key(f.name()), f);
    }
  }

  /** Parses the metadata line, compiles and runs the code; the library is not linked yet. */
  FunctionLibrary create(byte[] code, long timeoutMillis) {
    String name = metadata(code);
    int nl = indexOf(code, (byte) '\n');
    LuaFunction chunk;
    LuaSandbox sandbox = sandbox();
    try {
      chunk = sandbox.compile(code, nl, code.length - nl, "@user_function");
    } catch (LuaError e) {
      throw RedisException.err("Error compiling function: " + LuaErrors.text(e.getMessage()));
    }
    FunctionLibrary lib = new FunctionLibrary(name, code);
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    sandbox.readThrough(loadGlobals);
    sandbox.hook().watch(() -> {
      if (timeoutMillis > 0 && System.nanoTime() > deadline) {
        sandbox.hook().checkSoon();
        throw new LuaError(LuaErrors.errorTable("FUNCTION LOAD timeout"));
      }
    });
    loading = lib;
    try {
      chunk.call();
    } catch (LuaError e) {
      LuaValue v = LuaErrors.value(e);
      String msg = v.istable() && v.rawget("err").isstring() ? v.rawget("err").tojstring() : "ERR " + v.tojstring();
      throw RedisException.err("Error registering functions: " + msg);
    } catch (StackOverflowError e) {
      throw RedisException.err("Error registering functions: ERR stack overflow");
    } finally {
      loading = null;
      sandbox.hook().watch(null);
      sandbox.readThrough(runtimeGlobals);
    }
    if (lib.functions.isEmpty()) {
      throw RedisException.err("No functions registered");
    }
    return lib;
  }

  /** The library name from {@code #!<engine> name=<name>}, checking the engine and the name. */
  static String metadata(byte[] code) {
    if (code.length < 2 || code[0] != '#' || code[1] != '!') {
      throw RedisException.err("Missing library metadata");
    }
    int nl = indexOf(code, (byte) '\n');
    if (nl < 0) {
      throw RedisException.err("Invalid library metadata");
    }
    List<byte[]> parts = SplitArgs.split(code, 0, nl);
    if (parts == null || parts.isEmpty()) {
      throw RedisException.err("Invalid library metadata");
    }
    String engine = new String(parts.get(0), 2, parts.get(0).length - 2, StandardCharsets.UTF_8);
    String name = null;
    for (int i = 1; i < parts.size(); i++) {
      String part = new String(parts.get(i), StandardCharsets.UTF_8);
      if (part.regionMatches(true, 0, "name=", 0, 5)) {
        if (name != null) {
          throw RedisException.err("Invalid metadata value, name argument was given multiple times");
        }
        name = part.substring(5);
        continue;
      }
      throw RedisException.err("Invalid metadata value given: " + part);
    }
    if (name == null) {
      throw RedisException.err("Library name was not given");
    }
    if (!validName(name)) {
      throw RedisException.err("Library names can only contain letters, numbers, or underscores(_) and must be at "
          + "least one character long");
    }
    if (!engine.equalsIgnoreCase("lua")) {
      throw RedisException.err("Engine '" + engine + "' not found");
    }
    return name;
  }

  static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** {@code redis.register_function(name, callback)} or {@code redis.register_function{function_name=...}}. */
  private void register(Varargs a) {
    FunctionLibrary lib = loading;
    if (lib == null) {
      throw new LuaError(LuaErrors.errorTable("redis.register_function can only be called on FUNCTION LOAD command"));
    }
    String name;
    String desc = null;
    LuaValue callback;
    int flags = 0;
    if (a.narg() == 1) {
      if (!a.arg1().istable()) {
        throw fail("calling redis.register_function with a single argument is only applicable to Lua table "
            + "(representing named arguments).");
      }
      LuaTable t = a.arg1().checktable();
      name = null;
      callback = null;
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = t.next(k);
        if ((k = n.arg1()).isnil()) {
          break;
        }
        LuaValue v = n.arg(2);
        if (k.type() != LuaValue.TSTRING) {
          throw fail("named argument key given to redis.register_function is not a string");
        }
        String key = k.tojstring();
        if (key.equalsIgnoreCase("function_name")) {
          if (v.type() != LuaValue.TSTRING) {
            throw fail("function_name argument given to redis.register_function must be a string");
          }
          name = v.tojstring();
        } else if (key.equalsIgnoreCase("description")) {
          if (v.type() != LuaValue.TSTRING) {
            throw fail("description argument given to redis.register_function must be a string");
          }
          desc = v.tojstring();
        } else if (key.equalsIgnoreCase("callback")) {
          if (!v.isfunction()) {
            throw fail("callback argument given to redis.register_function must be a function");
          }
          callback = v;
        } else if (key.equalsIgnoreCase("flags")) {
          if (!v.istable()) {
            throw fail("flags argument to redis.register_function must be a table representing function flags");
          }
          for (int i = 1; !v.rawget(i).isnil(); i++) {
            LuaValue f = v.rawget(i);
            int bit = f.type() == LuaValue.TSTRING ? ScriptCache.flag(f.tojstring()) : 0;
            if (bit == 0) {
              throw fail("unknown flag given");
            }
            flags |= bit;
          }
        } else {
          throw fail("unknown argument given to redis.register_function");
        }
      }
      if (name == null) {
        throw fail("redis.register_function must get a function name argument");
      }
      if (callback == null) {
        throw fail("redis.register_function must get a callback argument");
      }
    } else if (a.narg() == 2) {
      if (a.arg1().type() != LuaValue.TSTRING) {
        throw fail("first argument to redis.register_function must be a string");
      }
      if (!a.arg(2).isfunction()) {
        throw fail("second argument to redis.register_function must be a function");
      }
      name = a.arg1().tojstring();
      callback = a.arg(2);
    } else {
      throw fail("wrong number of arguments to redis.register_function");
    }
    if (!validName(name)) {
      throw fail("Library names can only contain letters, numbers, or underscores(_) and must be at least one "
          + "character long");
    }
    if (lib.functions.containsKey(name)) {
      throw fail("Function already exists in the library");
    }
    lib.functions.put(name, new FunctionLibrary.Function(name, desc, flags, (LuaFunction) callback, lib));
  }

  private static LuaError fail(String message) {
    return new LuaError(LuaErrors.errorTable(message));
  }

  /** FUNCTION DUMP: every library as RDB_OPCODE_FUNCTION2 + code, then the RDB version and CRC64 trailer. */
  public byte[] dump() {
    RdbOutput out = new RdbOutput(256, true);
    for (FunctionLibrary lib : libraries.values()) {
      out.writeByte(RDB_OPCODE_FUNCTION2);
      out.writeString(lib.code);
    }
    out.writeLongLE(DumpPayload.RDB_VERSION, 2);
    byte[] body = out.toByteArray();
    long crc = Crc64.of(body, 0, body.length);
    byte[] p = java.util.Arrays.copyOf(body, body.length + 8);
    for (int i = 0; i < 8; i++) {
      p[body.length + i] = (byte) (crc >>> (8 * i));
    }
    return p;
  }

  /** Restore policies of FUNCTION RESTORE. */
  public enum Policy { APPEND, REPLACE, FLUSH }

  /** FUNCTION RESTORE: loads every library of the payload, then joins them as the policy says (all or nothing). */
  public void restore(byte[] payload, Policy policy) {
    if (!DumpPayload.verify(payload)) {
      throw RedisException.err("DUMP payload version or checksum are wrong");
    }
    List<FunctionLibrary> loaded = new ArrayList<>();
    RdbInput in = new RdbInput(payload, 0, payload.length - 10);
    try {
      while (in.remaining() > 0) {
        int type = in.readByte();
        if (type == RDB_OPCODE_FUNCTION_PRE_GA) {
          throw RedisException.err("Pre-GA function format not supported");
        }
        if (type != RDB_OPCODE_FUNCTION2) {
          throw RedisException.err("given type is not a function");
        }
        byte[] code = in.readString();
        FunctionLibrary lib = create(code, 0);
        for (FunctionLibrary other : loaded) {
          if (other.name.equals(lib.name)) {
            throw RedisException.err("Library " + lib.name + " already exists");
          }
        }
        loaded.add(lib);
      }
    } catch (RdbFormatException e) {
      throw RedisException.err("failed loading the given functions payload");
    }
    if (policy == Policy.FLUSH) {
      flush();
      loaded.forEach(this::link);
      return;
    }
    List<FunctionLibrary> replaced = new ArrayList<>();
    for (FunctionLibrary lib : loaded) {
      FunctionLibrary old = libraries.get(lib.name);
      if (old != null) {
        if (policy != Policy.REPLACE) {
          throw RedisException.err("Library " + lib.name + " already exists");
        }
        replaced.add(old);
      }
    }
    for (FunctionLibrary lib : loaded) {
      for (String f : lib.functions.keySet()) {
        FunctionLibrary.Function existing = function(f);
        if (existing != null && !replaced.contains(existing.library())) {
          throw RedisException.err("Function " + f + " already exists");
        }
      }
    }
    replaced.forEach(old -> delete(old.name));
    loaded.forEach(this::link);
  }
}
