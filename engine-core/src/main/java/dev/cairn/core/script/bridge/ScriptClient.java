package dev.cairn.core.script.bridge;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.Propagation;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.Dispatcher;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.core.resp.RespWriter;
import dev.cairn.core.script.convert.RespToLua;
import dev.cairn.core.script.engine.LuaErrors;
import dev.cairn.core.script.engine.ScriptRun;
import dev.cairn.core.util.DoubleFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The client scripts run their commands as (Redis's "lua" client): a session of its own, never connected, that may not
 * block, whose replies land in a buffer that is read back into Lua values. It checks what Redis checks before a
 * script's command (arity, no-script commands, writes from read-only scripts) and then runs the command through the
 * dispatcher like any other, so statistics, MONITOR, keyspace events and propagation are the usual ones.
 */
public final class ScriptClient {
  private final Engine engine;
  private final ByteBuf buffer = Unpooled.buffer(1024);
  private final Session session;
  /** DEBUG SET-DISABLE-DENY-SCRIPTS: lets scripts run commands flagged no-script (tests use it). */
  public boolean allowNoScriptCommands;

  public ScriptClient(Engine engine) {
    this.engine = engine;
    this.session = new Session(engine, 0, new Connection.Detached("lua"), new RespWriter(buffer));
    this.session.denyBlocking = 1; // for ever: a script's commands never block
    this.session.scriptClient = true;
    this.session.setName(null);
  }

  public Session session() {
    return session;
  }

  /** Readies the client for a run: the caller's database and user, RESP2. */
  public void prepare(ScriptRun run) {
    session.select(run.caller.dbIndex());
    session.user = run.caller.user;
    session.writer.setProtocol(2);
    buffer.clear();
  }

  /** Argument bytes of a Lua value as Redis takes them: strings as they are, numbers in %.17g. */
  static byte[] argument(LuaValue v) {
    if (v.type() == LuaValue.TNUMBER) {
      return DoubleFormat.format(v.todouble()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    if (v.type() == LuaValue.TSTRING) {
      LuaString s = (LuaString) v;
      if (s.m_offset == 0 && s.m_length == s.m_bytes.length) {
        return s.m_bytes;
      }
      byte[] b = new byte[s.m_length];
      System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
      return b;
    }
    return null;
  }

  /** The arguments of a {@code redis.call}, or a Lua error table when one is not a string or number. */
  static byte[][] arguments(Varargs a) {
    int n = a.narg();
    if (n == 0) {
      throw new LuaError(LuaErrors.errorTable("Please specify at least one argument for this redis lib call"));
    }
    byte[][] argv = new byte[n][];
    for (int i = 0; i < n; i++) {
      argv[i] = argument(a.arg(i + 1));
      if (argv[i] == null) {
        throw new LuaError(LuaErrors.errorTable("Lua redis lib command arguments must be strings or integers"));
      }
    }
    return argv;
  }

  /**
   * {@code redis.call} ({@code raise}) and {@code redis.pcall}: runs the command and returns its reply as a Lua value;
   * an error reply is raised as a Lua error by {@code redis.call} and returned as {@code {err=...}} by pcall.
   */
  public LuaValue call(ScriptRun run, Varargs a, boolean raise) {
    byte[][] argv;
    try {
      argv = arguments(a);
    } catch (LuaError e) {
      if (raise) {
        throw e;
      }
      return e.getMessageObject();
    }
    if (engine.dispatcher().filters().active()) {
      argv = engine.dispatcher().filters().apply(session.id, argv); // as Redis's scriptCall, before the lookup
    }
    // the Lua debugger, while stepping, logs each command and its reply
    dev.cairn.core.script.debug.LuaDebugger ldb = engine.scripting().debugging();
    boolean traced = ldb != null && ldb.tracing();
    if (traced) {
      ldb.logCommand(argv);
    }
    String rejection = check(run, argv);
    if (rejection != null) {
      if (traced) {
        ldb.logError(rejection);
      }
      LuaTable err = LuaErrors.errorTable(rejection);
      err.rawset("ignore_error_stats_update", LuaValue.TRUE);
      if (raise) {
        throw new LuaError(err);
      }
      return err;
    }
    Command cmd = resolve(argv);
    if (cmd.spec.has(Flag.WRITE)) {
      run.writeDirty = true;
    }
    session.writer.setProtocol(run.resp);
    Propagation p = engine.propagation();
    p.setTargets(run.replFlags);
    buffer.clear();
    try {
      engine.dispatcher().callFromScript(session, cmd, Args.ofBytes(argv));
    } finally {
      p.setTargets(Propagation.TARGET_ALL); // redis.set_repl is the script's: the commands around it are not bound
    }
    if (traced) {
      ldb.logReply(buffer);
    }
    LuaValue reply = RespToLua.read(buffer);
    buffer.clear();
    if (reply.istable() && reply.rawget("err").isstring()) {
      LuaTable err = (LuaTable) reply;
      err.rawset("ignore_error_stats_update", LuaValue.TRUE);
      if (raise) {
        throw new LuaError(err);
      }
    }
    return reply;
  }

  private Command resolve(byte[][] argv) {
    return engine.commands().resolve(argv, argv.length);
  }

  /** Redis's checks before a script's command; the error line, or null when it may run. */
  private String check(ScriptRun run, byte[][] argv) {
    Command cmd = resolve(argv);
    if (cmd == null) {
      return reject(null, "Unknown Redis command called from script");
    }
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && argv.length != arity) || argv.length < -arity) {
      return reject(cmd, "Wrong number of args calling Redis command from script");
    }
    if (cmd.spec.has(Flag.NOSCRIPT) && !allowNoScriptCommands) {
      return reject(cmd, "This Redis command is not allowed from script");
    }
    // scripts count may-replicate commands as writes, so read-only scripts can run during CLIENT PAUSE WRITE
    if (run.readOnly && (cmd.spec.has(Flag.WRITE) || cmd.spec.has(Flag.MAY_REPLICATE))) {
      return reject(cmd, "Write commands are not allowed from read-only scripts.");
    }
    // a stale replica (link down, replica-serve-stale-data no) runs only stale-flagged commands from a script too
    if (!cmd.spec.has(Flag.STALE) && !run.caller.mustObey && engine.replication().isReplica()
        && engine.replication().refuse(true, false) != null) {
      return reject(cmd, "Can not execute the command on a stale replica");
    }
    RedisException denied = engine.acl().check(run.caller, cmd, argv, argv.length, "lua", run.caller);
    if (denied != null) {
      return reject(cmd, "ACL failure in script: " + denied.getMessage().substring("NOPERM ".length()));
    }
    // the server state may refuse a script's first write; after one it cannot stop half-way (a script that declared
    // its flags was checked before it started)
    if (cmd.spec.has(Flag.WRITE) && !run.writeDirty) {
      RedisException refused = run.caller.mustObey ? null : engine.replication().refuse(false, true);
      if (refused == null) {
        refused = engine.dispatcher().diskWriteError();
      }
      if (refused == null && !engine.dispatcher().enoughGoodReplicas()) {
        refused = Dispatcher.NOREPLICAS;
      }
      if (refused != null) {
        engine.stats().countError(refused.code());
        cmd.rejectedCalls++;
        return "-" + refused.getMessage();
      }
    }
    // over maxmemory when the script started, its first deny-oom command fails (after a write it cannot stop half-way)
    if (cmd.spec.has(Flag.DENYOOM) && !run.allowOom && !run.writeDirty
        && engine.dispatcher().outOfMemoryAtStart()) {
      engine.stats().countError("OOM");
      cmd.rejectedCalls++;
      return "-OOM command not allowed when used memory > 'maxmemory'.";
    }
    if (engine.cluster() != null && !run.caller.mustObey) {
      String refused = clusterCheck(run, cmd, argv);
      if (refused != null) {
        return reject(cmd, refused);
      }
    }
    return null;
  }

  /**
   * Redis's scriptVerifyClusterState: the command's keys must be served here, as the caller's own command would be
   * (with its READONLY and ASKING), and stay in the script's slot unless it may cross slots.
   */
  private String clusterCheck(ScriptRun run, Command cmd, byte[][] argv) {
    var routing = engine.clusterRouting();
    String refused = routing.checkFromScript(run.caller, cmd, argv);
    if (refused != null || run.allowCrossSlot || routing.lastSlot() == -1) {
      return refused;
    }
    if (run.clusterSlot == -1) {
      run.clusterSlot = routing.lastSlot();
    } else if (run.clusterSlot != routing.lastSlot()) {
      return "Script attempted to access keys that do not hash to the same slot";
    }
    return null;
  }

  private String reject(Command cmd, String message) {
    engine.stats().countError("ERR");
    if (cmd != null) {
      cmd.rejectedCalls++;
    }
    return message;
  }
}
