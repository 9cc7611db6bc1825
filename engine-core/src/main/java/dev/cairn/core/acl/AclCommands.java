package dev.cairn.core.acl;

import dev.cairn.api.command.AclCategory;
import dev.cairn.core.command.ModuleAclCategories;
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
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Session;
import dev.cairn.core.server.Help;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** ACL and its subcommands: users, their rules, the log, the ACL file. */
public final class AclCommands implements CommandFamily {
  static final CommandSpec ACL = CommandSpec.command("acl", -2).group(Group.SERVER).since("6.0.0")
      .flags(Flag.SENTINEL).summary("A container for Access List Control commands.")
      .complexity("Depends on subcommand.").build();

  private static CommandSpec.Builder sub(String name, int arity, boolean admin) {
    CommandSpec.Builder b = CommandSpec.subcommand("acl", name, arity).group(Group.SERVER).since("6.0.0");
    if (admin) {
      b.flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
          .acl(AclCategory.ADMIN, AclCategory.SLOW, AclCategory.DANGEROUS);
    } else {
      b.flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.SLOW);
    }
    return b;
  }

  static final CommandSpec CAT = sub("cat", -2, false).complexity("O(1) since the categories and commands are a fixed set.")
      .summary("Lists the ACL categories, or the commands inside a category.")
      .args(Arg.string("category").optional()).build();
  static final CommandSpec DELUSER = sub("deluser", -3, true).complexity("O(1) amortized time considering the typical user.")
      .summary("Deletes ACL users, and terminates their connections.")
      .args(Arg.string("username").multiple()).tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .build();
  static final CommandSpec DRYRUN = sub("dryrun", -4, true).since("7.0.0").complexity("O(1).")
      .summary("Simulates the execution of a command by a user, without executing the command.")
      .args(Arg.string("username"), Arg.string("command"), Arg.string("arg").optional().multiple()).build();
  static final CommandSpec GENPASS = sub("genpass", -2, false).complexity("O(1)")
      .summary("Generates a pseudorandom, secure password that can be used to identify ACL users.")
      .args(Arg.integer("bits").optional()).build();
  static final CommandSpec GETUSER = sub("getuser", 3, true).complexity("O(N). Where N is the number of password, "
      + "command and pattern rules that the user has.").summary("Lists the ACL rules of a user.")
      .args(Arg.string("username"))
      .history("6.2.0", "Added Pub/Sub channel patterns.")
      .history("7.0.0", "Added selectors and changed the format of key and channel patterns from a list to their "
          + "rule representation.").build();
  static final CommandSpec LIST = sub("list", 2, true).complexity("O(N). Where N is the number of configured users.")
      .summary("Dumps the effective rules in ACL file format.").build();
  static final CommandSpec LOAD = sub("load", 2, true).complexity("O(N). Where N is the number of configured users.")
      .summary("Reloads the rules from the configured ACL file.").build();
  static final CommandSpec LOG = sub("log", -2, true).complexity("O(N) with N being the number of entries shown.")
      .summary("Lists recent security events generated due to ACL rules.")
      .args(Arg.oneOf("operation", Arg.integer("count"), Arg.token("RESET")).optional())
      .history("7.2.0", "Added entry ID, timestamp created, and timestamp last updated.").build();
  static final CommandSpec SAVE = sub("save", 2, true).complexity("O(N). Where N is the number of configured users.")
      .summary("Saves the effective ACL rules in the configured ACL file.")
      .tips("request_policy:all_nodes", "response_policy:all_succeeded").build();
  static final CommandSpec SETUSER = sub("setuser", -3, true)
      .complexity("O(N). Where N is the number of rules provided.")
      .summary("Creates and modifies an ACL user and its rules.")
      .args(Arg.string("username"), Arg.string("rule").optional().multiple())
      .history("6.2.0", "Added Pub/Sub channel patterns.").history("7.0.0", "Added selectors and key based "
          + "permissions.").tips("request_policy:all_nodes", "response_policy:all_succeeded").build();
  static final CommandSpec USERS = sub("users", 2, true).complexity("O(N). Where N is the number of configured users.")
      .summary("Lists all ACL users.").build();
  static final CommandSpec WHOAMI = sub("whoami", 2, false).complexity("O(1)")
      .summary("Returns the authenticated username of the current connection.").build();
  static final CommandSpec HELP = CommandSpec.subcommand("acl", "help", 2).group(Group.SERVER).since("6.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.SLOW).complexity("O(1)")
      .summary("Returns helpful text about the different subcommands.").build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(ACL);
    r.add(CAT, AclCommands::cat);
    r.add(DELUSER, AclCommands::deluser);
    r.add(DRYRUN, AclCommands::dryrun);
    r.add(GENPASS, AclCommands::genpass);
    r.add(GETUSER, AclCommands::getuser);
    r.add(LIST, (c, a) -> list(c));
    r.add(LOAD, AclCommands::load);
    r.add(LOG, AclCommands::log);
    r.add(SAVE, AclCommands::save);
    r.add(SETUSER, AclCommands::setuser);
    r.add(USERS, AclCommands::users);
    r.add(WHOAMI, (c, a) -> c.reply().bulk(((Session) c).user));
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "ACL",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username."));
  }

  private static Acl acl(CommandContext c) {
    return ((Session) c).engine.acl();
  }

  /** ACL SETUSER username [rule ...] */
  static void setuser(CommandContext c, Args a) {
    if (c instanceof dev.cairn.core.connection.Session s) {
      for (int i = 2; i < a.size(); i++) {
        s.redact(i); // the name and every rule (passwords among them) show as "(redacted)", even when a rule fails
      }
    }
    List<String> rules = new ArrayList<>();
    for (int i = 3; i < a.size(); i++) {
      rules.add(a.string(i));
    }
    acl(c).setUser(a.string(2), rules);
    c.reply().ok();
  }

  /** ACL DELUSER username [username ...] */
  static void deluser(CommandContext c, Args a) {
    List<String> names = new ArrayList<>();
    for (int i = 2; i < a.size(); i++) {
      names.add(a.string(i));
    }
    c.reply().integer(acl(c).deleteUsers(names));
  }

  /** ACL GETUSER username */
  static void getuser(CommandContext c, Args a) {
    AclUser u = acl(c).user(a.string(2));
    Reply r = c.reply();
    if (u == null) {
      r.nullBulk();
      return;
    }
    r.map(6);
    r.bulk("flags");
    List<String> flags = u.flags();
    r.array(flags.size());
    for (String f : flags) {
      r.bulk(f);
    }
    r.bulk("passwords");
    r.array(u.passwords.size());
    for (String p : u.passwords) {
      r.bulk(p);
    }
    selector(r, u.root);
    r.bulk("selectors");
    r.array(u.selectors.size());
    for (AclSelector s : u.selectors) {
      r.map(3);
      selector(r, s);
    }
  }

  private static void selector(Reply r, AclSelector s) {
    r.bulk("commands");
    r.bulk(s.describeCommands());
    r.bulk("keys");
    r.bulk(s.describeKeys());
    r.bulk("channels");
    r.bulk(s.describeChannels());
  }

  static void list(CommandContext c) {
    List<String> lines = acl(c).describeAll();
    c.reply().array(lines.size());
    for (String l : lines) {
      c.reply().bulk(l);
    }
  }

  static void users(CommandContext c, Args a) {
    Reply r = c.reply();
    r.array(acl(c).users().size());
    for (AclUser u : acl(c).users()) {
      r.bulk(u.name);
    }
  }

  /** ACL CAT [category] */
  static void cat(CommandContext c, Args a) {
    Reply r = c.reply();
    if (a.size() > 3) {
      throw RedisException.err("unknown subcommand or wrong number of arguments for '" + a.string(1)
          + "'. Try ACL HELP.");
    }
    var table = ((Session) c).engine.commands();
    if (a.size() == 2) {
      AclCategory[] all = AclCategory.values();
      List<String> added = table.moduleAclCategories.names();
      r.array(all.length + added.size());
      for (AclCategory cat : all) {
        r.bulk(cat.replyName().substring(1));
      }
      for (String cat : added) {
        r.bulk(cat);
      }
      return;
    }
    String cat = a.string(2);
    if (!table.moduleAclCategories.exists(cat)) {
      throw RedisException.err("Unknown category '" + cat + "'");
    }
    List<String> names = new ArrayList<>();
    for (Command cmd : table.all()) {
      if (ModuleAclCategories.contains(cmd.spec, cat)) {
        names.add(cmd.fullName());
      }
      for (Command sub : cmd.subcommands.values()) {
        if (ModuleAclCategories.contains(sub.spec, cat)) {
          names.add(sub.fullName());
        }
      }
    }
    r.array(names.size());
    for (String n : names) {
      r.bulk(n);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** ACL GENPASS [bits]: ceil(bits/4) hex characters of a secure random password. */
  static void genpass(CommandContext c, Args a) {
    long bits = 256;
    if (a.size() > 3) {
      throw RedisException.err("unknown subcommand or wrong number of arguments for '" + a.string(1)
          + "'. Try ACL HELP.");
    }
    if (a.size() == 3) {
      bits = a.longArg(2, Errors.NOT_INTEGER);
      if (bits <= 0 || bits > 4096) {
        throw RedisException.err("ACL GENPASS argument must be the number of bits for the output password, a "
            + "positive number up to 4096");
      }
    }
    int chars = (int) ((bits + 3) / 4);
    byte[] raw = new byte[(chars + 1) / 2];
    RANDOM.nextBytes(raw);
    c.reply().bulk(HexFormat.of().formatHex(raw).substring(0, chars));
  }

  /** ACL LOG [count | RESET] */
  static void log(CommandContext c, Args a) {
    Acl acl = acl(c);
    long count = 10;
    if (a.size() > 3) {
      throw RedisException.err("unknown subcommand or wrong number of arguments for '" + a.string(1)
          + "'. Try ACL HELP.");
    }
    if (a.size() == 3) {
      if (a.is(2, "reset")) {
        acl.log.reset();
        c.reply().ok();
        return;
      }
      count = Math.max(0, a.longArg(2, Errors.NOT_INTEGER));
    }
    acl.log.trim((int) Math.min(Integer.MAX_VALUE, ((Session) c).engine.params().process.acllogMaxLen.value));
    acl.log.write(c.reply(), count, ((Session) c).engine.keyspace().now());
  }

  /** ACL DRYRUN username command [arg ...] */
  static void dryrun(CommandContext c, Args a) {
    Session s = (Session) c;
    Acl acl = acl(c);
    AclUser u = acl.user(a.string(2));
    if (u == null) {
      throw RedisException.err("User '" + a.string(2) + "' not found");
    }
    byte[][] argv = new byte[a.size() - 3][];
    for (int i = 3; i < a.size(); i++) {
      argv[i - 3] = a.get(i);
    }
    Command cmd = s.engine.commands().resolve(argv, argv.length);
    if (cmd == null) {
      throw RedisException.err("Command '" + a.string(3) + "' not found");
    }
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && argv.length != arity) || argv.length < -arity) {
      throw RedisException.err("wrong number of arguments for '" + cmd.fullName() + "' command");
    }
    String denied = acl.dryRun(u, cmd, argv, argv.length);
    if (denied == null) {
      c.reply().ok();
    } else {
      c.reply().bulk(denied);
    }
  }

  private static Path aclFile(Session s) {
    String f = s.engine.params().process.aclfile.value;
    if (f.isEmpty()) {
      throw RedisException.err("This Redis instance is not configured to use an ACL file. You may want to specify "
          + "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
          + "configuration file set) in order to store users in the Redis configuration.");
    }
    return s.engine.params().dir.resolve(f);
  }

  /** ACL LOAD: every user is replaced by the file's, or none when the file has an error. */
  static void load(CommandContext c, Args a) {
    Session s = (Session) c;
    Path file = aclFile(s);
    Map<String, AclUser> users = AclFile.load(s.engine.acl(), file);
    s.engine.acl().replaceUsers(users);
    c.reply().ok();
  }

  static void save(CommandContext c, Args a) {
    Session s = (Session) c;
    AclFile.save(s.engine.acl(), aclFile(s));
    c.reply().ok();
  }
}
