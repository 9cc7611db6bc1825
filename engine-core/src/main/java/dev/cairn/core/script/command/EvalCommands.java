package dev.cairn.core.script.command;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.command.Dispatcher;
import dev.cairn.core.connection.Session;
import dev.cairn.core.script.ScriptCache;
import dev.cairn.core.script.Scripting;
import dev.cairn.core.script.debug.LuaDebugger;
import dev.cairn.core.script.engine.Continuations;
import dev.cairn.core.script.engine.LuaErrors;
import dev.cairn.core.script.function.FunctionCommands;
import dev.cairn.core.script.engine.ScriptRun;
import dev.cairn.core.server.Help;
import dev.cairn.core.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** EVAL, EVALSHA, their _RO forms, and SCRIPT LOAD/EXISTS/FLUSH/KILL/DEBUG/HELP. */
public final class EvalCommands implements CommandFamily {
  static CommandSpec eval(String name, String since, String first, boolean ro, String summary) {
    return CommandSpec.command(name, -3).group(Group.SCRIPTING).since(since)
        .flags(ro ? new Flag[] {Flag.NOSCRIPT, Flag.SKIP_MONITOR, Flag.NO_MANDATORY_KEYS, Flag.STALE, Flag.READONLY}
            : new Flag[] {Flag.NOSCRIPT, Flag.SKIP_MONITOR, Flag.MAY_REPLICATE, Flag.NO_MANDATORY_KEYS, Flag.STALE})
        .acl(AclCategory.SCRIPTING)
        .key(KeySpec.index(2).keynum(0, 1, 1).flags(ro ? new KeyFlag[] {KeyFlag.RO, KeyFlag.ACCESS}
            : new KeyFlag[] {KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE}))
        .summary(summary).complexity("Depends on the script that is executed.")
        .args(Arg.string(first), Arg.integer("numkeys"), Arg.key("key", 0).optional().multiple(),
            Arg.string("arg").optional().multiple())
        .build();
  }

  static final CommandSpec EVAL = eval("eval", "2.6.0", "script", false, "Executes a server-side Lua script.");
  static final CommandSpec EVAL_RO = eval("eval_ro", "7.0.0", "script", true,
      "Executes a read-only server-side Lua script.");
  static final CommandSpec EVALSHA = eval("evalsha", "2.6.0", "sha1", false,
      "Executes a server-side Lua script by SHA1 digest.");
  static final CommandSpec EVALSHA_RO = eval("evalsha_ro", "7.0.0", "sha1", true,
      "Executes a read-only server-side Lua script by SHA1 digest.");
  static final CommandSpec SCRIPT = CommandSpec.command("script", -2).group(Group.SCRIPTING).since("2.6.0")
      .summary("A container for Lua scripts management commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec LOAD = CommandSpec.subcommand("script", "load", 3).group(Group.SCRIPTING).since("2.6.0")
      .flags(Flag.NOSCRIPT, Flag.STALE).acl(AclCategory.SCRIPTING)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Loads a server-side Lua script to the script cache.")
      .complexity("O(N) with N being the length in bytes of the script body.").args(Arg.string("script")).build();
  static final CommandSpec EXISTS = CommandSpec.subcommand("script", "exists", -3).group(Group.SCRIPTING)
      .since("2.6.0").flags(Flag.NOSCRIPT).acl(AclCategory.SCRIPTING)
      .tips("request_policy:all_shards", "response_policy:agg_logical_and")
      .summary("Determines whether server-side Lua scripts exist in the script cache.")
      .complexity("O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
          + "operation).").args(Arg.string("sha1").multiple()).build();
  static final CommandSpec FLUSH = CommandSpec.subcommand("script", "flush", -2).group(Group.SCRIPTING)
      .since("2.6.0").flags(Flag.NOSCRIPT).acl(AclCategory.SCRIPTING)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Removes all server-side Lua scripts from the script cache.")
      .complexity("O(N) with N being the number of scripts in cache")
      .history("6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers.")
      .args(Arg.oneOf("flush-type", Arg.token("ASYNC"), Arg.token("SYNC")).optional()).build();
  static final CommandSpec KILL = CommandSpec.subcommand("script", "kill", 2).group(Group.SCRIPTING).since("2.6.0")
      .flags(Flag.NOSCRIPT, Flag.ALLOW_BUSY).acl(AclCategory.SCRIPTING)
      .tips("request_policy:all_shards", "response_policy:one_succeeded")
      .summary("Terminates a server-side Lua script during execution.").complexity("O(1)").build();
  static final CommandSpec DEBUG = CommandSpec.subcommand("script", "debug", 3).group(Group.SCRIPTING)
      .since("3.2.0").flags(Flag.NOSCRIPT).acl(AclCategory.SCRIPTING)
      .summary("Sets the debug mode of server-side Lua scripts.").complexity("O(1)")
      .args(Arg.oneOf("mode", Arg.token("YES"), Arg.token("SYNC"), Arg.token("NO"))).build();
  static final CommandSpec HELP = CommandSpec.subcommand("script", "help", 2).group(Group.SCRIPTING).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.SCRIPTING)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();

  static final RedisException NOSCRIPT = RedisException.line("NOSCRIPT No matching script. Please use EVAL.");

  @Override
  public void register(CommandRegistry r) {
    r.add(EVAL, (c, a) -> eval(c, a, false, false));
    r.add(EVAL_RO, (c, a) -> eval(c, a, false, true));
    r.add(EVALSHA, (c, a) -> eval(c, a, true, false));
    r.add(EVALSHA_RO, (c, a) -> eval(c, a, true, true));
    r.addContainer(SCRIPT);
    r.add(LOAD, (c, a) -> c.reply().bulk(load(scripting(c), a.get(2)).sha()));
    r.add(EXISTS, EvalCommands::exists);
    r.add(FLUSH, EvalCommands::flush);
    r.add(KILL, (c, a) -> {
      scripting(c).kill(true);
      c.reply().ok();
    });
    r.add(DEBUG, EvalCommands::debug);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "SCRIPT",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it."));
  }

  static Scripting scripting(CommandContext c) {
    return ((Session) c).engine.scripting();
  }

  /** Checks numkeys: a count between 0 and the number of arguments after it. */
  public static int numKeys(Args a) {
    long n = a.longArg(2);
    if (n > a.size() - 3) {
      throw RedisException.err("Number of keys can't be greater than number of args");
    }
    if (n < 0) {
      throw RedisException.err("Number of keys can't be negative");
    }
    return (int) n;
  }

  /** EVAL script numkeys [key ...] [arg ...], EVALSHA sha1 ..., and the _RO forms. */
  static void eval(CommandContext c, Args a, boolean sha, boolean ro) {
    Session s = (Session) c;
    Scripting sc = s.engine.scripting();
    s.engine.feedMonitors(s, a); // before the script's own commands, as Redis feeds EVAL itself first
    ScriptCache.Script script;
    if (sha) {
      if (a.get(1).length != 40) {
        throw NOSCRIPT;
      }
      if (s.luaDebugger != null) {
        throw RedisException.err("Please use EVAL instead of EVALSHA for debugging");
      }
      script = sc.cache().get(lowerHex(a.get(1)));
      if (script == null) {
        throw NOSCRIPT;
      }
    } else {
      script = null;
    }
    LuaDebugger ldb = s.luaDebugger;
    if (ldb == null) {
      eval(s, sc, a, script, ro, null);
      return;
    }
    try {
      eval(s, sc, a, script, ro, ldb);
    } catch (RedisException e) {
      // refused before it ran: the session still ends as one does, the error after its last line
      if (!ldb.active()) {
        ldb.end();
        s.luaDebugger = null;
        s.connection.closeAfterReply();
      }
      throw e;
    }
  }

  private static void eval(Session s, Scripting sc, Args a, ScriptCache.Script script, boolean ro, LuaDebugger ldb) {
    int numKeys = numKeys(a);
    if (script == null) {
      script = load(sc, a.get(1));
    }
    int flags = script.flags();
    boolean compat = (flags & ScriptCache.EVAL_COMPAT) != 0;
    if (!compat) {
      checkDeclared(s, flags, ro);
    } else {
      // EVAL is flagged stale, so the dispatcher let it in; a script without flags still may not run on a stale
      // replica, as Redis refuses it before it starts
      RedisException stale = s.mustObey ? null : s.engine.replication().refuse(true, false);
      if (stale != null) {
        throw stale;
      }
    }
    boolean readOnly = ro || !compat && (flags & ScriptCache.NO_WRITES) != 0;
    boolean allowOom = !compat && (flags & ScriptCache.ALLOW_OOM) != 0;
    ScriptRun run = new ScriptRun(s, true, script.sha(), a.toArray(), readOnly, allowOom);
    run.debugger = ldb;
    run.debugSource = script.body();
    clusterScope(run, s, a, numKeys, compat || (flags & ScriptCache.ALLOW_CROSS_SLOT) != 0);
    LuaTable globals = sc.evalSandbox().globals();
    globals.rawset("KEYS", array(a, 3, numKeys));
    globals.rawset("ARGV", array(a, 3 + numKeys, a.size() - 3 - numKeys));
    sc.run(run, sc.evalSandbox(), script.function(), LuaValue.NONE);
  }

  /**
   * Whether a script that declares its flags may start, as Redis decides before running it (an EVAL-compatible script
   * is checked at its first write instead): unless no-writes, not while the disk refuses writes, not without enough
   * good replicas, not from a *_RO command (in the order a Redis client sees, whose check of the command's flags comes
   * first); unless allow-oom or no-writes, not over maxmemory (under noeviction).
   */
  public static void checkDeclared(Session s, int flags, boolean ro) {
    if ((flags & ScriptCache.NO_CLUSTER) != 0 && s.engine.cluster() != null) {
      throw RedisException.err("Can not run script on cluster, 'no-cluster' flag is set.");
    }
    var d = s.engine.dispatcher();
    int asCommand = ScriptCache.commandFlags(flags);
    if ((asCommand & ScriptCache.CMD_WRITE) != 0) {
      if (!s.mustObey && s.engine.replication().refuse(false, true) != null) {
        throw RedisException.line("READONLY Can not run script with write flag on readonly replica");
      }
      RedisException disk = d.diskWriteError();
      if (disk != null) {
        throw disk;
      }
      if (!d.enoughGoodReplicas()) {
        throw Dispatcher.NOREPLICAS;
      }
      if (ro) {
        throw RedisException.err("Can not execute a script with write flag using *_ro command.");
      }
    }
    if ((asCommand & ScriptCache.CMD_DENY_OOM) != 0 && d.outOfMemoryAtStart()) {
      throw RedisException.line(
          "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
    }
  }

  /** In cluster mode, the script keeps to the slot of its declared keys (Redis's caller slot) unless it may cross. */
  public static void clusterScope(ScriptRun run, Session s, Args a, int numKeys, boolean allowCrossSlot) {
    run.allowCrossSlot = allowCrossSlot;
    if (numKeys > 0 && s.engine.cluster() != null) {
      run.clusterSlot = dev.cairn.core.cluster.KeySlot.of(a.get(3));
    }
  }

  /** Arguments {@code from .. from+n-1} as a Lua array of strings (the bytes are shared, not copied). */
  public static LuaTable array(Args a, int from, int n) {
    LuaTable t = new LuaTable(n, 0);
    for (int i = 0; i < n; i++) {
      t.rawset(i + 1, LuaString.valueUsing(a.get(from + i)));
    }
    return t;
  }

  static String lowerHex(byte[] b) {
    char[] c = new char[b.length];
    for (int i = 0; i < b.length; i++) {
      int x = b[i] & 0xFF;
      c[i] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
    }
    return new String(c);
  }

  /** Compiles and caches a script body (or finds it cached). */
  static ScriptCache.Script load(Scripting sc, byte[] body) {
    String sha = Scripting.sha1hex(body, 0, body.length);
    ScriptCache.Script cached = sc.cache().get(sha);
    if (cached != null) {
      return cached;
    }
    int[] shebangLen = {0};
    int flags = shebang(body, shebangLen);
    LuaFunction fn;
    try {
      // the shebang line is left out but its line feed kept, so line numbers stay the user's
      fn = sc.evalSandbox().compile(body, shebangLen[0], body.length - shebangLen[0], "@user_script");
    } catch (LuaError e) {
      throw RedisException.err("Error compiling script (new function): " + LuaErrors.text(e.getMessage()));
    }
    ScriptCache.Script s = new ScriptCache.Script(sha, body, flags, fn);
    sc.cache().put(s);
    return s;
  }

  /** A body's shebang flags, for checks made before running it; a malformed shebang counts as none. */
  public static int shebangFlags(byte[] body) {
    try {
      return shebang(body, new int[1]);
    } catch (RedisException e) {
      return ScriptCache.EVAL_COMPAT; // the script will fail with this error when it runs
    }
  }

  /** The flags of a {@code #!lua flags=...} first line ({@link ScriptCache#EVAL_COMPAT} without one). */
  static int shebang(byte[] body, int[] lenOut) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return ScriptCache.EVAL_COMPAT;
    }
    int nl = -1;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      throw RedisException.err("Invalid script shebang");
    }
    lenOut[0] = nl;
    java.util.List<byte[]> split = SplitArgs.split(body, 0, nl);
    String[] parts = null;
    if (split != null) {
      parts = new String[split.size()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = new String(split.get(i), StandardCharsets.UTF_8);
      }
    }
    if (parts == null || parts.length == 0) {
      throw RedisException.err("Invalid engine in script shebang");
    }
    if (!parts[0].equals("#!lua")) {
      throw RedisException.err("Unexpected engine in script shebang: " + parts[0]);
    }
    int flags = 0;
    for (int j = 1; j < parts.length; j++) {
      if (!parts[j].startsWith("flags=")) {
        throw RedisException.err("Unknown lua shebang option: " + parts[j]);
      }
      String list = parts[j].substring(6);
      if (list.isEmpty()) {
        continue;
      }
      for (String f : list.split(",", -1)) {
        int bit = ScriptCache.flag(f);
        if (bit == 0) {
          throw RedisException.err("Unexpected flag in script shebang: " + f);
        }
        flags |= bit;
      }
    }
    return flags;
  }

  /** SCRIPT EXISTS sha1 [sha1 ...] */
  static void exists(CommandContext c, Args a) {
    Scripting sc = scripting(c);
    c.reply().array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      c.reply().integer(a.get(i).length == 40 && sc.cache().get(lowerHex(a.get(i))) != null ? 1 : 0);
    }
  }

  /** SCRIPT FLUSH [ASYNC|SYNC] */
  static void flush(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw FunctionCommands.subcommandSyntax(a);
    }
    if (a.size() == 3 && !a.is(2, "async") && !a.is(2, "sync")) {
      throw RedisException.err("SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    scripting(c).flushScripts();
    c.reply().ok();
  }

  /** SCRIPT DEBUG YES|SYNC|NO: the Lua debugger for the client's next EVAL (see LuaDebugger). */
  static void debug(CommandContext c, Args a) {
    Session s = (Session) c;
    if (a.is(2, "no")) {
      s.luaDebugger = null;
      c.reply().ok();
      return;
    }
    if (a.is(2, "sync")) {
      if (!Continuations.available()) {
        throw RedisException.err("SCRIPT DEBUG SYNC needs the JVM to export jdk.internal.vm to Cairn "
            + "(the server jar's manifest does; an embedder adds --add-exports java.base/jdk.internal.vm=ALL-UNNAMED)");
      }
      s.luaDebugger = new LuaDebugger(s);
      c.reply().ok();
      return;
    }
    if (a.is(2, "yes")) {
      // Redis forks a child whose changes are thrown away; Cairn does not fork, and a session that kept the changes
      // would break what YES promises
      throw RedisException.err("SCRIPT DEBUG YES (a forked session whose changes are rolled back) is not available: "
          + "Cairn does not fork. Use SCRIPT DEBUG SYNC (redis-cli --ldb-sync-mode), which keeps the changes");
    }
    throw RedisException.err("Use SCRIPT DEBUG YES/SYNC/NO");
  }
}
