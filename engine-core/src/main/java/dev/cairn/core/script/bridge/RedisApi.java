package dev.cairn.core.script.bridge;

import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;
import dev.cairn.core.script.Scripting;
import dev.cairn.core.script.engine.LuaErrors;
import dev.cairn.core.script.engine.ScriptRun;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code redis} table scripts see: call, pcall, error_reply, status_reply, sha1hex, log, setresp, set_repl,
 * replicate_commands, breakpoint, debug, acl_check_cmd and the REPL_, LOG_ and version constants. Functions in
 * libraries see the same table when they run; while a library loads they see {@link #libraryApi} instead.
 */
public final class RedisApi {
  private RedisApi() {}

  /** Redis's log levels: LL_DEBUG .. LL_WARNING. */
  static final int LOG_DEBUG = 0;
  static final int LOG_WARNING = 3;
  /** The server log's level for each of redis.LOG_DEBUG .. LOG_WARNING. */
  private static final Log.Level[] LEVELS = {Log.Level.DEBUG, Log.Level.VERBOSE, Log.Level.NOTICE, Log.Level.WARNING};

  /** A Lua function from a lambda. */
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

  /** The run-time {@code redis} table. */
  public static LuaTable runtimeApi(Scripting scripting) {
    LuaTable t = new LuaTable();
    t.rawset("call", fn(a -> scripting.client().call(running(scripting), a, true)));
    t.rawset("pcall", fn(a -> scripting.client().call(running(scripting), a, false)));
    t.rawset("sha1hex", fn(a -> {
      if (a.narg() != 1) {
        throw new LuaError(LuaErrors.errorTable("wrong number of arguments"));
      }
      LuaString s = a.checkstring(1);
      return LuaValue.valueOf(Scripting.sha1hex(s.m_bytes, s.m_offset, s.m_length));
    }));
    t.rawset("error_reply", fn(a -> {
      if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
        return LuaErrors.errorTable("wrong number or type of arguments");
      }
      String e = a.arg1().tojstring();
      return LuaErrors.errorTable(e.startsWith("-") ? e : "-" + e);
    }));
    t.rawset("status_reply", fn(a -> {
      if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
        return LuaErrors.errorTable("wrong number or type of arguments");
      }
      LuaTable ok = new LuaTable();
      ok.rawset("ok", a.arg1());
      return ok;
    }));
    t.rawset("setresp", fn(a -> {
      ScriptRun run = running(scripting);
      if (a.narg() != 1) {
        throw new LuaError(LuaErrors.errorTable("redis.setresp() requires one argument."));
      }
      int resp = (int) a.arg1().todouble();
      if (resp != 2 && resp != 3) {
        throw new LuaError(LuaErrors.errorTable("RESP version must be 2 or 3."));
      }
      run.resp = resp;
      return LuaValue.NONE;
    }));
    t.rawset("set_repl", fn(a -> {
      ScriptRun run = running(scripting);
      if (a.narg() != 1) {
        throw new LuaError(LuaErrors.errorTable("redis.set_repl() requires one argument."));
      }
      int flags = (int) a.arg1().todouble();
      if ((flags & ~ScriptRun.REPL_ALL) != 0) {
        throw new LuaError(LuaErrors.errorTable(
            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."));
      }
      run.replFlags = flags;
      return LuaValue.NONE;
    }));
    // effects replication is the only mode since Redis 7: kept for old scripts, always true
    t.rawset("replicate_commands", fn(a -> LuaValue.TRUE));
    // the Lua debugger's (SCRIPT DEBUG): outside a debugging session breakpoint returns false and debug does nothing
    t.rawset("breakpoint", fn(a -> {
      var ldb = scripting.debugging();
      return LuaValue.valueOf(ldb != null && ldb.breakpointCalled());
    }));
    t.rawset("debug", fn(a -> {
      var ldb = scripting.debugging();
      if (ldb != null) {
        ldb.debugCalled(a);
      }
      return LuaValue.NONE;
    }));
    t.rawset("acl_check_cmd", fn(a -> {
      ScriptRun run = running(scripting);
      byte[][] argv = ScriptClient.arguments(a);
      // CONFIG GET: the subcommand's permission; an unknown one is invalid
      dev.cairn.core.command.Command cmd = scripting.engine().commands().resolve(argv, argv.length);
      if (cmd == null) {
        throw new LuaError(LuaErrors.errorTable("Invalid command passed to redis.acl_check_cmd()"));
      }
      // the calling client's user, its commands, keys and channels, as the script's own calls are checked
      return LuaValue.valueOf(scripting.engine().acl().permits(run.caller, cmd, argv));
    }));
    t.rawset("REPL_NONE", LuaValue.valueOf(0));
    t.rawset("REPL_AOF", LuaValue.valueOf(ScriptRun.REPL_AOF));
    t.rawset("REPL_SLAVE", LuaValue.valueOf(ScriptRun.REPL_REPLICA));
    t.rawset("REPL_REPLICA", LuaValue.valueOf(ScriptRun.REPL_REPLICA));
    t.rawset("REPL_ALL", LuaValue.valueOf(ScriptRun.REPL_ALL));
    logAndVersion(t, scripting.engine());
    return t;
  }

  /** {@code redis.log} and the LOG_ and version constants, shared by both tables. */
  public static void logAndVersion(LuaTable t, Engine engine) {
    t.rawset("log", fn(a -> {
      if (a.narg() < 2) {
        throw new LuaError(LuaErrors.errorTable("redis.log() requires two arguments or more."));
      }
      if (!a.arg1().isnumber()) {
        throw new LuaError(LuaErrors.errorTable("First argument must be a number (log level)."));
      }
      int level = (int) a.arg1().todouble();
      if (level < LOG_DEBUG || level > LOG_WARNING) {
        throw new LuaError(LuaErrors.errorTable("Invalid debug level."));
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 2; i <= a.narg(); i++) {
        LuaValue v = a.arg(i);
        if (v.isstring()) {
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(v.tojstring());
        }
      }
      Log.log(LEVELS[level], sb.toString());
      return LuaValue.NONE;
    }));
    t.rawset("LOG_DEBUG", LuaValue.valueOf(0));
    t.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
    t.rawset("LOG_NOTICE", LuaValue.valueOf(2));
    t.rawset("LOG_WARNING", LuaValue.valueOf(3));
    t.rawset("REDIS_VERSION", LuaValue.valueOf(Engine.REDIS_VERSION));
    t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(versionNum(Engine.REDIS_VERSION)));
  }

  /** 7.2.4 as 0x00070204, as Redis numbers its versions. */
  static int versionNum(String v) {
    String[] p = v.split("\\.");
    return Integer.parseInt(p[0]) << 16 | Integer.parseInt(p[1]) << 8 | Integer.parseInt(p[2]);
  }

  private static ScriptRun running(Scripting scripting) {
    ScriptRun run = scripting.current();
    if (run == null) {
      throw new LuaError(LuaErrors.errorTable("redis API is only available while a script runs"));
    }
    return run;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
