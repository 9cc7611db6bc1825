package dev.cairn.core.config;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import dev.cairn.core.server.Help;
import dev.cairn.core.util.Glob;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP. */
public final class ConfigCommands implements CommandFamily {
  static final CommandSpec CONFIG = CommandSpec.command("config", -2).group(Group.SERVER).since("2.0.0")
      .summary("A container for server configuration commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec GET = CommandSpec.subcommand("config", "get", -3).group(Group.SERVER).since("2.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .summary("Returns the effective values of configuration parameters.")
      .complexity("O(N) when N is the number of configuration parameters provided")
      .history("7.0.0", "Added the ability to pass multiple pattern parameters in one call")
      .args(Arg.string("parameter").multiple()).build();
  static final CommandSpec SET = CommandSpec.subcommand("config", "set", -4).group(Group.SERVER).since("2.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Sets configuration parameters in-flight.")
      .complexity("O(N) when N is the number of configuration parameters provided")
      .history("7.0.0", "Added the ability to set multiple parameters in one call.")
      .args(Arg.block("data", Arg.string("parameter"), Arg.string("value")).multiple()).build();
  static final CommandSpec RESETSTAT = CommandSpec.subcommand("config", "resetstat", 2).group(Group.SERVER)
      .since("2.0.0").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Resets the server's statistics.").complexity("O(1)").build();
  static final CommandSpec REWRITE = CommandSpec.subcommand("config", "rewrite", 2).group(Group.SERVER)
      .since("2.8.0").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Persists the effective configuration to file.").complexity("O(1)").build();
  static final CommandSpec HELP = CommandSpec.subcommand("config", "help", 2).group(Group.SERVER).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE).summary("Returns helpful text about the different subcommands.")
      .complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(CONFIG);
    r.add(GET, ConfigCommands::get);
    r.add(SET, ConfigCommands::set);
    r.add(RESETSTAT, ConfigCommands::resetstat);
    r.add(REWRITE, ConfigCommands::rewrite);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "CONFIG",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file."));
  }

  private static Engine engine(CommandContext c) {
    return ((Session) c).engine;
  }

  /** CONFIG GET parameter [parameter ...] */
  static void get(CommandContext c, Args a) {
    Config config = engine(c).config();
    // name as matched (an alias stays an alias) -> parameter; each parameter once
    Map<String, ConfigParam> matches = new LinkedHashMap<>();
    for (int i = 2; i < a.size(); i++) {
      String pattern = a.string(i);
      if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
        ConfigParam p = config.find(pattern);
        if (p != null && !matches.containsKey(pattern)) {
          matches.put(pattern, p);
        }
        continue;
      }
      for (Map.Entry<String, ConfigParam> e : config.byName().entrySet()) {
        ConfigParam p = e.getValue();
        if (!p.hidden() && !matches.containsKey(e.getKey()) && Glob.matches(pattern, e.getKey(), true)) {
          matches.put(e.getKey(), p);
        }
      }
    }
    c.reply().map(matches.size());
    for (Map.Entry<String, ConfigParam> e : matches.entrySet()) {
      c.reply().bulk(e.getKey());
      c.reply().bulk(e.getValue().get());
    }
  }

  /** CONFIG SET parameter value [parameter value ...] */
  static void set(CommandContext c, Args a) {
    if (a.size() % 2 != 0) {
      throw Errors.arity("config|set");
    }
    Engine e = engine(c);
    int n = (a.size() - 2) / 2;
    ConfigParam[] params = new ConfigParam[n];
    // every name is checked before anything changes, as Redis does
    for (int i = 0; i < n; i++) {
      String name = a.string(2 + 2 * i);
      ConfigParam p = e.config().find(name);
      if (p == null) {
        throw RedisException.err("Unknown option or number of arguments for CONFIG SET - '" + name + "'");
      }
      params[i] = p;
      if (p.sensitive()) {
        ((Session) c).redact(3 + 2 * i); // the slow log and MONITOR show "(redacted)" for the value
      }
    }
    for (int i = 0; i < n; i++) {
      if (params[i].denyLoading() && (e.persistence().loader().loading() || e.replication().syncLoading()
          || e.replication().asyncLoading())) {
        throw dev.cairn.core.command.Dispatcher.LOADING;
      }
    }
    for (int i = 0; i < n; i++) {
      String reason = null;
      if (params[i].immutable()) {
        reason = "can't set immutable config";
      } else if (params[i].isProtected()
          && !dev.cairn.core.command.ProtectedActions.allowed(e.params().process.enableProtectedConfigs, (Session) c)) {
        reason = "can't set protected config";
      }
      // a name given twice is a duplicate; a name and its alias are not (Redis keeps aliases as entries of their own)
      for (int j = 0; j < i && reason == null; j++) {
        if (a.string(2 + 2 * j).equalsIgnoreCase(a.string(2 + 2 * i))) {
          reason = "duplicate parameter";
        }
      }
      if (reason != null) {
        throw failed(a.string(2 + 2 * i), reason);
      }
    }
    String[] old = new String[n];
    for (int i = 0; i < n; i++) {
      old[i] = params[i].get();
    }
    for (int i = 0; i < n; i++) {
      try {
        params[i].set(a.string(3 + 2 * i));
      } catch (ConfigException ex) {
        rollback(params, old, i);
        throw failed(a.string(2 + 2 * i), ex.getMessage());
      }
    }
    for (int i = 0; i < n; i++) {
      if (params[i].get().equals(old[i])) {
        continue; // unchanged: nothing to apply, as Redis skips it
      }
      try {
        params[i].apply();
      } catch (ConfigException ex) {
        rollback(params, old, n - 1);
        for (int j = 0; j < i; j++) {
          reapply(params[j]);
        }
        throw failed(a.string(2 + 2 * i), ex.getMessage());
      }
    }
    c.reply().ok();
  }

  private static void reapply(ConfigParam p) {
    try {
      p.apply();
    } catch (ConfigException ignored) {
      // the old value worked before; nothing better can be done if it no longer does
    }
  }

  /** Puts back the values of the parameters before {@code failed} (all or nothing). */
  private static void rollback(ConfigParam[] params, String[] old, int failed) {
    for (int j = failed; j >= 0; j--) {
      try {
        params[j].set(old[j]);
      } catch (ConfigException impossible) {
        // a value the parameter showed is one it accepts
      }
    }
  }



  private static RedisException failed(String name, String reason) {
    return RedisException.err("CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
  }

  /** CONFIG RESETSTAT */
  static void resetstat(CommandContext c, Args a) {
    Engine e = engine(c);
    e.resetStats();
    c.reply().ok();
  }

  /** CONFIG REWRITE */
  static void rewrite(CommandContext c, Args a) {
    rewrite(engine(c), false);
    c.reply().ok();
  }

  /** Rewrites the config file; {@code forceAll} (DEBUG CONFIG-REWRITE-FORCE-ALL) writes defaults too. */
  public static void rewrite(Engine e, boolean forceAll) {
    if (e.config().configFile == null) {
      throw RedisException.err("The server is running without a config file");
    }
    try {
      ConfigRewrite.rewrite(e.config(), e.config().configFile, forceAll);
    } catch (IOException ex) {
      throw RedisException.err("Rewriting config file: " + ex.getMessage());
    }
  }

}
