package dev.cairn.core.server;

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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandTable;
import dev.cairn.core.connection.Session;
import dev.cairn.core.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** COMMAND and its subcommands, all generated from the command table's specs. */
public final class CommandCommands implements CommandFamily {
  private static final String[] ORDER_TIP = {"nondeterministic_output_order"};

  static final CommandSpec COMMAND = CommandSpec.command("command", -1).group(Group.SERVER).since("2.8.13")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.CONNECTION).tips(ORDER_TIP)
      .summary("Returns detailed information about all commands.")
      .complexity("O(N) where N is the total number of Redis commands").build();
  static final CommandSpec COUNT = sub("count", 2, "2.8.13", "Returns a count of commands.", "O(1)").build();
  static final CommandSpec DOCS = sub("docs", -2, "7.0.0",
      "Returns documentary information about one, multiple or all commands.",
      "O(N) where N is the number of commands to look up").tips(ORDER_TIP)
      .args(Arg.string("command-name").optional().multiple()).build();
  static final CommandSpec GETKEYS = sub("getkeys", -3, "2.8.13", "Extracts the key names from an arbitrary command.",
      "O(N) where N is the number of arguments to the command")
      .args(Arg.string("command"), Arg.string("arg").optional().multiple()).build();
  static final CommandSpec GETKEYSANDFLAGS = sub("getkeysandflags", -3, "7.0.0",
      "Extracts the key names and access flags for an arbitrary command.",
      "O(N) where N is the number of arguments to the command")
      .args(Arg.string("command"), Arg.string("arg").optional().multiple()).build();
  static final CommandSpec HELP = sub("help", 2, "5.0.0", "Returns helpful text about the different subcommands.",
      "O(1)").build();
  static final CommandSpec INFO = sub("info", -2, "2.8.13", "Returns information about one, multiple or all commands.",
      "O(N) where N is the number of commands to look up").tips(ORDER_TIP)
      .history("7.0.0", "Allowed to be called with no argument to get info on all commands.")
      .args(Arg.string("command-name").optional().multiple()).build();
  static final CommandSpec LIST = sub("list", -2, "7.0.0", "Returns a list of command names.",
      "O(N) where N is the total number of Redis commands").tips(ORDER_TIP)
      .args(Arg.oneOf("filterby", Arg.string("module-name").withToken("MODULE"),
          Arg.string("category").withToken("ACLCAT"), Arg.pattern("pattern").withToken("PATTERN"))
          .withToken("FILTERBY").optional()).build();

  private static CommandSpec.Builder sub(String name, int arity, String since, String summary, String complexity) {
    return CommandSpec.subcommand("command", name, arity).group(Group.SERVER).since(since)
        .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.CONNECTION).summary(summary).complexity(complexity);
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(COMMAND, (c, a) -> infoAll(c));
    r.add(COUNT, (c, a) -> c.reply().integer(table(c).size()));
    r.add(DOCS, CommandCommands::docs);
    r.add(GETKEYS, (c, a) -> getkeys(c, a, false));
    r.add(GETKEYSANDFLAGS, (c, a) -> getkeys(c, a, true));
    r.add(INFO, CommandCommands::info);
    r.add(LIST, CommandCommands::list);
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "COMMAND",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command."));
  }

  private static CommandTable table(CommandContext c) {
    return ((Session) c).engine.commands();
  }

  /** COMMAND */
  static void infoAll(CommandContext c) {
    CommandTable t = table(c);
    c.reply().array(t.size());
    for (Command cmd : t.all()) {
      CommandDocs.info(c.reply(), cmd);
    }
  }

  /** COMMAND INFO [command-name ...] */
  static void info(CommandContext c, Args a) {
    if (a.size() == 2) {
      infoAll(c);
      return;
    }
    c.reply().array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      Command cmd = table(c).lookup(a.string(i).toLowerCase(Locale.ROOT));
      if (cmd == null) {
        c.reply().nullBulk();
      } else {
        CommandDocs.info(c.reply(), cmd);
      }
    }
  }

  /** COMMAND DOCS [command-name ...] */
  static void docs(CommandContext c, Args a) {
    List<Command> found = new ArrayList<>();
    if (a.size() == 2) {
      found.addAll(table(c).all());
    } else {
      for (int i = 2; i < a.size(); i++) {
        Command cmd = table(c).lookup(a.string(i).toLowerCase(Locale.ROOT));
        if (cmd != null) {
          found.add(cmd);
        }
      }
    }
    c.reply().map(found.size());
    for (Command cmd : found) {
      c.reply().bulk(cmd.fullName());
      CommandDocs.docs(c.reply(), cmd);
    }
  }

  /** COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern] */
  static void list(CommandContext c, Args a) {
    Predicate<Command> filter = cmd -> true;
    if (a.size() != 2) {
      if (a.size() != 5 || !a.is(2, "filterby")) {
        throw Errors.SYNTAX;
      }
      String arg = a.string(4);
      if (a.is(3, "module")) {
        filter = cmd -> arg.equals(cmd.spec.module());
      } else if (a.is(3, "aclcat")) {
        filter = cmd -> dev.cairn.core.command.ModuleAclCategories.contains(cmd.spec, arg);
      } else if (a.is(3, "pattern")) {
        filter = cmd -> Glob.matches(arg, cmd.fullName(), true);
      } else {
        throw Errors.SYNTAX;
      }
    }
    List<String> names = new ArrayList<>();
    for (Command cmd : table(c).all()) {
      collect(cmd, filter, names);
    }
    c.reply().array(names.size());
    for (String n : names) {
      c.reply().bulk(n);
    }
  }

  private static void collect(Command cmd, Predicate<Command> filter, List<String> out) {
    if (filter.test(cmd)) {
      out.add(cmd.fullName());
    }
    for (Command sub : cmd.subcommands.values()) {
      collect(sub, filter, out);
    }
  }

  /** COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...] */
  static void getkeys(CommandContext c, Args a, boolean withFlags) {
    int argc = a.size() - 2;
    byte[][] argv = new byte[argc][];
    System.arraycopy(a.array(), 2, argv, 0, argc);
    Command cmd = table(c).resolve(argv, argc);
    if (cmd == null) {
      throw RedisException.err("Invalid command specified");
    }
    List<KeySpec> specs = cmd.spec.keySpecs();
    if (specs.isEmpty() || specs.stream().allMatch(ks -> ks.flags.contains(KeyFlag.NOT_KEY))) {
      throw RedisException.err("The command has no key arguments");
    }
    int arity = cmd.spec.arity();
    if ((arity > 0 && arity != argc) || argc < -arity) {
      throw RedisException.err("Invalid number of arguments specified for command");
    }
    List<Integer> positions = new ArrayList<>();
    List<Set<KeyFlag>> flags = new ArrayList<>();
    boolean ok = dev.cairn.core.command.CommandKeys.forEach(cmd.spec, argv, argc, (f, pos) -> {
      positions.add(pos);
      flags.add(f);
    });
    if (!ok || positions.isEmpty()) {
      if (cmd.spec.has(Flag.NO_MANDATORY_KEYS)) {
        c.reply().array(0);
        return;
      }
      throw RedisException.err("Invalid arguments specified for command");
    }
    Reply r = c.reply();
    r.array(positions.size());
    for (int i = 0; i < positions.size(); i++) {
      if (withFlags) {
        r.array(2);
        r.bulk(argv[positions.get(i)]);
        CommandDocs.keyFlags(r, flags.get(i));
      } else {
        r.bulk(argv[positions.get(i)]);
      }
    }
  }
}
