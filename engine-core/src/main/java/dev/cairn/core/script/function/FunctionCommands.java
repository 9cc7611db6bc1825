package dev.cairn.core.script.function;

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
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import dev.cairn.core.script.ScriptCache;
import dev.cairn.core.script.Scripting;
import dev.cairn.core.script.command.EvalCommands;
import dev.cairn.core.script.engine.ScriptRun;
import dev.cairn.core.server.Help;
import dev.cairn.core.util.Glob;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaValue;

/** FCALL, FCALL_RO and FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL/HELP. */
public final class FunctionCommands implements CommandFamily {
  static CommandSpec fcall(String name, boolean ro, String summary) {
    return CommandSpec.command(name, -3).group(Group.SCRIPTING).since("7.0.0")
        .flags(ro ? new Flag[] {Flag.NOSCRIPT, Flag.SKIP_MONITOR, Flag.NO_MANDATORY_KEYS, Flag.STALE, Flag.READONLY}
            : new Flag[] {Flag.NOSCRIPT, Flag.SKIP_MONITOR, Flag.MAY_REPLICATE, Flag.NO_MANDATORY_KEYS, Flag.STALE})
        .acl(AclCategory.SCRIPTING)
        .key(KeySpec.index(2).keynum(0, 1, 1).flags(ro ? new KeyFlag[] {KeyFlag.RO, KeyFlag.ACCESS}
            : new KeyFlag[] {KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE}))
        .summary(summary).complexity("Depends on the function that is executed.")
        .args(Arg.string("function"), Arg.integer("numkeys"), Arg.key("key", 0).optional().multiple(),
            Arg.string("arg").optional().multiple())
        .build();
  }

  static final CommandSpec FCALL = fcall("fcall", false, "Invokes a function.");
  static final CommandSpec FCALL_RO = fcall("fcall_ro", true, "Invokes a read-only function.");
  static final CommandSpec FUNCTION = CommandSpec.command("function", -2).group(Group.SCRIPTING).since("7.0.0")
      .summary("A container for function commands.").complexity("Depends on subcommand.").build();

  static CommandSpec.Builder sub(String name, int arity, String summary, String complexity, Flag... flags) {
    return CommandSpec.subcommand("function", name, arity).group(Group.SCRIPTING).since("7.0.0").flags(flags)
        .acl(AclCategory.SCRIPTING).summary(summary).complexity(complexity);
  }

  static final CommandSpec LOAD = sub("load", -3, "Creates a library.",
      "O(1) (considering compilation time is redundant)", Flag.NOSCRIPT, Flag.WRITE, Flag.DENYOOM)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .args(Arg.token("REPLACE").optional(), Arg.string("function-code")).build();
  static final CommandSpec LIST = sub("list", -2, "Returns information about all libraries.",
      "O(N) where N is the number of functions", Flag.NOSCRIPT).tips("nondeterministic_output_order")
      .args(Arg.string("library-name-pattern").withToken("LIBRARYNAME").optional(), Arg.token("WITHCODE").optional())
      .build();
  static final CommandSpec DELETE = sub("delete", 3, "Deletes a library and its functions.", "O(1)", Flag.NOSCRIPT,
      Flag.WRITE).tips("request_policy:all_shards", "response_policy:all_succeeded")
      .args(Arg.string("library-name")).build();
  static final CommandSpec FLUSH = sub("flush", -2, "Deletes all libraries and functions.",
      "O(N) where N is the number of functions deleted", Flag.NOSCRIPT, Flag.WRITE)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .args(Arg.oneOf("flush-type", Arg.token("ASYNC"), Arg.token("SYNC")).optional()).build();
  static final CommandSpec DUMP = sub("dump", 2, "Dumps all libraries into a serialized binary payload.",
      "O(N) where N is the number of functions", Flag.NOSCRIPT).build();
  static final CommandSpec RESTORE = sub("restore", -3, "Restores all libraries from a payload.",
      "O(N) where N is the number of functions on the payload", Flag.NOSCRIPT, Flag.WRITE, Flag.DENYOOM)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .args(Arg.string("serialized-value"),
          Arg.oneOf("policy", Arg.token("FLUSH"), Arg.token("APPEND"), Arg.token("REPLACE")).optional()).build();
  static final CommandSpec STATS = sub("stats", 2, "Returns information about a function during execution.", "O(1)",
      Flag.NOSCRIPT, Flag.ALLOW_BUSY)
      .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special").build();
  static final CommandSpec KILL = sub("kill", 2, "Terminates a function during execution.", "O(1)", Flag.NOSCRIPT,
      Flag.ALLOW_BUSY).tips("request_policy:all_shards", "response_policy:one_succeeded").build();
  static final CommandSpec HELP = sub("help", 2, "Returns helpful text about the different subcommands.", "O(1)",
      Flag.LOADING, Flag.STALE).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(FCALL, (c, a) -> fcall(c, a, false));
    r.add(FCALL_RO, (c, a) -> fcall(c, a, true));
    r.addContainer(FUNCTION);
    r.add(LOAD, FunctionCommands::load);
    r.add(LIST, FunctionCommands::list);
    r.add(DELETE, (c, a) -> {
      if (!functions(c).delete(a.string(2))) {
        throw RedisException.err("Library not found");
      }
      c.addDirty(1);
      c.reply().ok();
    });
    r.add(FLUSH, FunctionCommands::flush);
    r.add(DUMP, (c, a) -> c.reply().bulk(functions(c).dump()));
    r.add(RESTORE, FunctionCommands::restore);
    r.add(STATS, FunctionCommands::stats);
    r.add(KILL, (c, a) -> {
      scripting(c).kill(false);
      c.reply().ok();
    });
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "FUNCTION",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE "
            + "command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library)."));
  }

  static Scripting scripting(CommandContext c) {
    return ((Session) c).engine.scripting();
  }

  static Functions functions(CommandContext c) {
    return scripting(c).functions();
  }

  /** FCALL function numkeys [key ...] [arg ...] and FCALL_RO. */
  static void fcall(CommandContext c, Args a, boolean ro) {
    Session s = (Session) c;
    Scripting sc = s.engine.scripting();
    s.engine.feedMonitors(s, a);
    FunctionLibrary.Function f = sc.functions().function(a.string(1));
    if (f == null) {
      throw RedisException.err("Function not found");
    }
    long n = a.longArg(2, RedisException.err("Bad number of keys provided"));
    int numKeys = EvalCommands.numKeys(a);
    int flags = f.flags();
    EvalCommands.checkDeclared(s, flags, ro);
    boolean readOnly = ro || (flags & ScriptCache.NO_WRITES) != 0;
    ScriptRun run = new ScriptRun(s, false, f.name(), a.toArray(), readOnly, (flags & ScriptCache.ALLOW_OOM) != 0);
    EvalCommands.clusterScope(run, s, a, numKeys, (flags & ScriptCache.ALLOW_CROSS_SLOT) != 0);
    assert n == numKeys;
    sc.run(run, sc.functions().sandbox(), f.callback(),
        LuaValue.varargsOf(EvalCommands.array(a, 3, numKeys), EvalCommands.array(a, 3 + numKeys,
            a.size() - 3 - numKeys)));
  }

  /** FUNCTION LOAD [REPLACE] function-code */
  static void load(CommandContext c, Args a) {
    boolean replace = false;
    int i = 2;
    while (i < a.size() - 1) {
      if (a.is(i, "replace")) {
        replace = true;
        i++;
        continue;
      }
      throw RedisException.err("Unknown option given: " + a.string(i));
    }
    if (i >= a.size()) {
      throw RedisException.err("Function code is missing");
    }
    String name = functions(c).load(a.get(i), replace);
    c.addDirty(1);
    c.reply().bulk(name);
  }

  /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] */
  static void list(CommandContext c, Args a) {
    boolean withCode = false;
    byte[] pattern = null;
    for (int i = 2; i < a.size(); i++) {
      if (!withCode && a.is(i, "withcode")) {
        withCode = true;
        continue;
      }
      if (pattern == null && a.is(i, "libraryname")) {
        if (i >= a.size() - 1) {
          throw RedisException.err("library name argument was not given");
        }
        pattern = a.get(++i);
        continue;
      }
      throw RedisException.err("Unknown argument " + a.string(i));
    }
    Reply r = c.reply();
    long mark = r.beginDeferred();
    int n = 0;
    for (FunctionLibrary lib : functions(c).libraries()) {
      byte[] name = lib.name.getBytes(StandardCharsets.UTF_8);
      if (pattern != null && !Glob.matches(pattern, name, false)) {
        continue;
      }
      n++;
      r.map(withCode ? 4 : 3);
      r.bulk("library_name");
      r.bulk(lib.name);
      r.bulk("engine");
      r.bulk("LUA");
      r.bulk("functions");
      r.array(lib.functions.size());
      for (FunctionLibrary.Function f : lib.functions.values()) {
        r.map(3);
        r.bulk("name");
        r.bulk(f.name());
        r.bulk("description");
        if (f.description() == null) {
          r.nullBulk();
        } else {
          r.bulk(f.description());
        }
        r.bulk("flags");
        int count = Integer.bitCount(f.flags());
        r.set(count);
        for (String flag : new String[] {"no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys"}) {
          if ((f.flags() & ScriptCache.flag(flag)) != 0) {
            r.simple(flag);
          }
        }
      }
      if (withCode) {
        r.bulk("library_code");
        r.bulk(lib.code);
      }
    }
    r.endDeferredArray(mark, n);
  }

  /** FUNCTION FLUSH [ASYNC|SYNC] */
  static void flush(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw subcommandSyntax(a);
    }
    if (a.size() == 3 && !a.is(2, "async") && !a.is(2, "sync")) {
      throw RedisException.err("FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    functions(c).flush();
    c.addDirty(1);
    c.reply().ok();
  }

  /** FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE] */
  static void restore(CommandContext c, Args a) {
    if (a.size() > 4) {
      throw subcommandSyntax(a);
    }
    Functions.Policy policy = Functions.Policy.APPEND;
    if (a.size() == 4) {
      if (a.is(3, "append")) {
        policy = Functions.Policy.APPEND;
      } else if (a.is(3, "replace")) {
        policy = Functions.Policy.REPLACE;
      } else if (a.is(3, "flush")) {
        policy = Functions.Policy.FLUSH;
      } else {
        throw RedisException.err("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      }
    }
    functions(c).restore(a.get(2), policy);
    c.addDirty(1);
    c.reply().ok();
  }

  /** Redis's error for a subcommand given the wrong arguments: the subcommand as typed, the container upper-cased. */
  public static RedisException subcommandSyntax(Args a) {
    String sub = a.string(1);
    return RedisException.err("unknown subcommand or wrong number of arguments for '"
        + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try "
        + a.string(0).toUpperCase(java.util.Locale.ROOT) + " HELP.");
  }

  /** FUNCTION STATS */
  static void stats(CommandContext c, Args a) {
    Scripting sc = scripting(c);
    ScriptRun run = sc.current();
    if (run != null && run.eval) {
      throw Scripting.BUSY_EVAL;
    }
    Reply r = c.reply();
    r.map(2);
    r.bulk("running_script");
    if (run == null) {
      r.nullBulk();
    } else {
      r.map(3);
      r.bulk("name");
      r.bulk(run.name);
      r.bulk("command");
      r.array(run.command.length);
      for (byte[] arg : run.command) {
        r.bulk(arg);
      }
      r.bulk("duration_ms");
      r.integer(run.elapsedMillis());
    }
    r.bulk("engines");
    r.map(1);
    r.bulk("LUA");
    r.map(2);
    r.bulk("libraries_count");
    r.integer(sc.functions().libraries().size());
    r.bulk("functions_count");
    r.integer(sc.functions().functionCount());
  }
}
