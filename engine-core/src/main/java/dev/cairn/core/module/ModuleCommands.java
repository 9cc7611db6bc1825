package dev.cairn.core.module;

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
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MODULE LOAD / LOADEX / UNLOAD / LIST / HELP. */
public final class ModuleCommands implements CommandFamily {
  static final CommandSpec MODULE = CommandSpec.command("module", -2).group(Group.SERVER).since("4.0.0")
      .summary("A container for module commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec LIST = CommandSpec.subcommand("module", "list", 2).group(Group.SERVER).since("4.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT).summary("Returns all loaded modules.")
      .complexity("O(N) where N is the number of loaded modules.").build();
  static final CommandSpec LOAD = CommandSpec.subcommand("module", "load", -3).group(Group.SERVER).since("4.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.NO_ASYNC_LOADING, Flag.PROTECTED).summary("Loads a module.").complexity("O(1)")
      .args(Arg.string("path"), Arg.string("arg").optional().multiple()).build();
  static final CommandSpec LOADEX = CommandSpec.subcommand("module", "loadex", -3).group(Group.SERVER)
      .since("7.0.0").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.NO_ASYNC_LOADING, Flag.PROTECTED)
      .summary("Loads a module using extended parameters.").complexity("O(1)")
      .args(Arg.string("path"),
          Arg.block("configs", Arg.string("name"), Arg.string("value")).withToken("CONFIG").optional().multiple()
              .multipleToken(),
          Arg.block("args", Arg.string("arg")).withToken("ARGS").optional().multiple())
      .build();
  static final CommandSpec UNLOAD = CommandSpec.subcommand("module", "unload", 3).group(Group.SERVER)
      .since("4.0.0").flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.NO_ASYNC_LOADING, Flag.PROTECTED).summary("Unloads a module.")
      .complexity("O(1)").args(Arg.string("name")).build();
  static final CommandSpec HELP = CommandSpec.subcommand("module", "help", 2).group(Group.SERVER).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE).summary("Returns helpful text about the different subcommands.")
      .complexity("O(1)").build();

  static final RedisException LOAD_FAILED = Errors.err("Error loading the extension. Please check the server logs.");

  private static final String[] HELP_LINES = {
      "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
      "    Load a module library from <path>, while passing it module configurations and optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
      "HELP",
      "    Prints this help.",
  };

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(MODULE);
    r.add(LIST, ModuleCommands::list);
    r.add(LOAD, ModuleCommands::load);
    r.add(LOADEX, ModuleCommands::loadex);
    r.add(UNLOAD, ModuleCommands::unload);
    r.add(HELP, ModuleCommands::help);
  }

  /** MODULE LIST */
  static void list(CommandContext c, Args a) {
    Session s = (Session) c;
    Reply r = c.reply();
    List<LoadedModule> all = new ArrayList<>(s.engine.modules().list());
    r.array(all.size());
    for (LoadedModule m : all) {
      r.map(4);
      r.bulk("name");
      r.bulk(m.info.name());
      r.bulk("ver");
      r.integer(m.info.version());
      r.bulk("path");
      r.bulk(m.path);
      r.bulk("args");
      r.array(m.args.size());
      for (String arg : m.args) {
        r.bulk(arg);
      }
    }
  }

  /** MODULE LOAD path [arg ...] */
  static void load(CommandContext c, Args a) {
    Session s = (Session) c;
    List<String> args = new ArrayList<>();
    for (int i = 3; i < a.size(); i++) {
      args.add(a.string(i));
    }
    doLoad(s, a.string(2), args, Map.of());
    c.reply().ok();
  }

  /** MODULE LOADEX path [CONFIG name value ...] [ARGS arg ...] */
  static void loadex(CommandContext c, Args a) {
    Session s = (Session) c;
    Map<String, String> configs = new LinkedHashMap<>();
    List<String> args = new ArrayList<>();
    int i = 3;
    while (i < a.size()) {
      if (a.is(i, "config")) {
        if (i + 2 >= a.size()) {
          s.engine.modules().logLoadexSyntax("CONFIG specified without name value pair");
          throw LOAD_FAILED;
        }
        configs.put(a.string(i + 1), a.string(i + 2));
        i += 3;
      } else if (a.is(i, "args")) {
        for (i++; i < a.size(); i++) {
          args.add(a.string(i));
        }
      } else {
        s.engine.modules().logLoadexSyntax("Syntax Error from arguments to loadex around " + a.string(i) + ".");
        throw LOAD_FAILED;
      }
    }
    doLoad(s, a.string(2), args, configs);
    c.reply().ok();
  }

  private static void doLoad(Session s, String path, List<String> args, Map<String, String> configs) {
    try {
      s.engine.modules().loadJar(Path.of(path), args, configs); // MODULE LIST shows the path as given, as Redis
    } catch (ModuleLoadException e) {
      throw LOAD_FAILED;
    } catch (java.nio.file.InvalidPathException e) {
      s.engine.modules().logLoadexSyntax("Module " + path + " failed to load: " + e.getMessage());
      throw LOAD_FAILED;
    }
  }

  /** MODULE UNLOAD name */
  static void unload(CommandContext c, Args a) {
    Session s = (Session) c;
    try {
      s.engine.modules().unload(a.string(2));
    } catch (ModuleLoadException e) {
      throw Errors.err("Error unloading module: " + e.getMessage());
    }
    c.reply().ok();
  }

  /** MODULE HELP */
  static void help(CommandContext c, Args a) {
    c.reply().array(HELP_LINES.length);
    for (String line : HELP_LINES) {
      c.reply().simple(line);
    }
  }
}
