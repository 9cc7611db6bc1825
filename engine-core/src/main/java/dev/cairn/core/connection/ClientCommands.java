package dev.cairn.core.connection;

import dev.cairn.api.command.AclCategory;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT and its subcommands (ID, INFO, LIST, KILL, GETNAME, SETNAME, SETINFO, PAUSE, UNPAUSE, REPLY, NO-EVICT,
 * NO-TOUCH, HELP), and MONITOR. Tracking (TRACKING, CACHING, GETREDIR, TRACKINGINFO) and UNBLOCK belong to client-side
 * caching and blocking operations and are registered by them.
 */
public final class ClientCommands implements CommandFamily {
  static final CommandSpec CLIENT = CommandSpec.command("client", -2).group(Group.CONNECTION).since("2.4.0")
      .summary("A container for client connection commands.").complexity("Depends on subcommand.").build();

  private static CommandSpec.Builder sub(String name, int arity, String since, boolean admin) {
    CommandSpec.Builder b = CommandSpec.subcommand("client", name, arity).group(Group.CONNECTION).since(since);
    if (admin) {
      b.flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL)
          .acl(AclCategory.ADMIN, AclCategory.SLOW, AclCategory.DANGEROUS, AclCategory.CONNECTION);
    } else {
      b.flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.SLOW, AclCategory.CONNECTION);
    }
    return b;
  }

  static final CommandSpec ID = sub("id", 2, "5.0.0", false).summary("Returns the unique client ID of the connection.")
      .complexity("O(1)").build();
  static final CommandSpec INFO = sub("info", 2, "6.2.0", false).tips("nondeterministic_output")
      .summary("Returns information about the connection.").complexity("O(1)").build();
  static final CommandSpec LIST = sub("list", -2, "2.4.0", true)
      .tips("nondeterministic_output").summary("Lists open connections.")
      .complexity("O(N) where N is the number of client connections")
      .args(Arg.oneOf("client-type", Arg.token("NORMAL"), Arg.token("MASTER"), Arg.token("REPLICA"),
              Arg.token("PUBSUB")).withToken("TYPE").since("5.0.0").optional(),
          Arg.integer("client-id").withToken("ID").since("6.2.0").optional().multiple())
      .history("2.8.12", "Added unique client `id` field.")
      .history("5.0.0", "Added optional `TYPE` filter.")
      .history("6.0.0", "Added `user` field.")
      .history("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.")
      .history("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.")
      .history("7.0.3", "Added `ssub` field.")
      .build();
  static final CommandSpec KILL = sub("kill", -3, "2.4.0", true).summary("Terminates open connections.")
      .complexity("O(N) where N is the number of client connections")
      .args(Arg.oneOf("filter", Arg.string("old-format"),
          Arg.oneOf("new-format",
              Arg.integer("client-id").withToken("ID").since("2.8.12").optional(),
              Arg.oneOf("client-type", Arg.token("NORMAL"), Arg.token("MASTER"), Arg.token("SLAVE"),
                  Arg.token("REPLICA"), Arg.token("PUBSUB")).withToken("TYPE").since("2.8.12").optional(),
              Arg.string("username").withToken("USER").optional(),
              Arg.string("ip:port").withToken("ADDR").optional(),
              Arg.string("ip:port").withToken("LADDR").since("6.2.0").optional(),
              Arg.oneOf("skipme", Arg.token("YES"), Arg.token("NO")).withToken("SKIPME").optional())
              .multiple()))
      .history("2.8.12", "Added new filter format.")
      .history("2.8.12", "`ID` option.")
      .history("3.2.0", "Added `master` type in for `TYPE` option.")
      .history("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.")
      .history("6.2.0", "`LADDR` option.")
      .build();
  static final CommandSpec GETNAME = sub("getname", 2, "2.6.9", false)
      .summary("Returns the name of the connection.").complexity("O(1)").build();
  static final CommandSpec SETNAME = sub("setname", 3, "2.6.9", false)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded").summary("Sets the connection name.")
      .complexity("O(1)").args(Arg.string("connection-name")).build();
  static final CommandSpec SETINFO = sub("setinfo", 4, "7.2.0", false)
      .tips("request_policy:all_nodes", "response_policy:all_succeeded")
      .summary("Sets information specific to the client or connection.").complexity("O(1)")
      .args(Arg.oneOf("attr", Arg.string("libname").withToken("LIB-NAME"),
          Arg.string("libver").withToken("LIB-VER"))).build();
  static final CommandSpec PAUSE = sub("pause", -3, "3.0.0", true)
      .summary("Suspends commands processing.").complexity("O(1)")
      .args(Arg.integer("timeout"), Arg.oneOf("mode", Arg.token("WRITE"), Arg.token("ALL")).since("6.2.0")
          .optional())
      .history("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.").build();
  static final CommandSpec UNPAUSE = sub("unpause", 2, "6.2.0", true)
      .summary("Resumes processing commands from paused clients.").complexity("O(N) Where N is the number of paused clients")
      .build();
  static final CommandSpec REPLY = sub("reply", 3, "3.2.0", false)
      .summary("Instructs the server whether to reply to commands.").complexity("O(1)")
      .args(Arg.oneOf("action", Arg.token("ON"), Arg.token("OFF"), Arg.token("SKIP"))).build();
  static final CommandSpec NO_EVICT = sub("no-evict", 3, "7.0.0", true)
      .summary("Sets the client eviction mode of the connection.").complexity("O(1)")
      .args(Arg.oneOf("enabled", Arg.token("ON"), Arg.token("OFF"))).build();
  static final CommandSpec NO_TOUCH = CommandSpec.subcommand("client", "no-touch", 3).group(Group.CONNECTION)
      .since("7.2.0").flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE).acl(AclCategory.SLOW, AclCategory.CONNECTION)
      .summary("Controls whether commands sent by the client affect the LRU/LFU of accessed keys.").complexity("O(1)")
      .args(Arg.oneOf("enabled", Arg.token("ON"), Arg.token("OFF"))).build();
  static final CommandSpec HELP = CommandSpec.subcommand("client", "help", 2).group(Group.CONNECTION).since("5.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.SLOW, AclCategory.CONNECTION)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();
  static final CommandSpec MONITOR = CommandSpec.command("monitor", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE)
      .acl(AclCategory.ADMIN, AclCategory.SLOW, AclCategory.DANGEROUS)
      .summary("Listens for all requests received by the server in real-time.").build();

  private static final RedisException BAD_NAME =
      RedisException.err("Client names cannot contain spaces, newlines or special characters.");

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(CLIENT);
    r.add(ID, (c, a) -> c.reply().integer(c.client().id()));
    r.add(INFO, ClientCommands::info);
    r.add(LIST, ClientCommands::list);
    r.add(KILL, ClientCommands::kill);
    r.add(GETNAME, ClientCommands::getname);
    r.add(SETNAME, ClientCommands::setname);
    r.add(SETINFO, ClientCommands::setinfo);
    r.add(PAUSE, ClientCommands::pause);
    r.add(UNPAUSE, ClientCommands::unpause);
    r.add(REPLY, ClientCommands::reply);
    r.add(NO_EVICT, (c, a) -> {
      ((Session) c).noEvict = onOff(a);
      c.reply().ok();
    });
    r.add(NO_TOUCH, (c, a) -> {
      ((Session) c).noTouch = onOff(a);
      c.reply().ok();
    });
    r.add(HELP, ClientCommands::help);
    r.add(MONITOR, ClientCommands::monitor);
  }

  /** CLIENT INFO */
  static void info(CommandContext c, Args a) {
    Session s = (Session) c;
    StringBuilder sb = new StringBuilder(320);
    ClientInfo.append(sb, s, System.currentTimeMillis());
    c.reply().verbatim("txt", sb.append('\n').toString());
  }

  /** CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]] */
  static void list(CommandContext c, Args a) {
    Session s = (Session) c;
    long now = System.currentTimeMillis();
    StringBuilder sb = new StringBuilder(320);
    if (a.size() == 4 && a.is(2, "type")) {
      ClientType type = parseType(a.string(3));
      for (Session other : s.engine.clients()) {
        if (other.type() == type) {
          ClientInfo.append(sb, other, now);
          sb.append('\n');
        }
      }
    } else if (a.size() > 3 && a.is(2, "id")) {
      for (int i = 3; i < a.size(); i++) {
        long id = a.longArg(i, Errors.err("Invalid client ID"));
        Session other = s.engine.client(id);
        if (other != null) {
          ClientInfo.append(sb, other, now);
          sb.append('\n');
        }
      }
    } else if (a.size() != 2) {
      throw Errors.SYNTAX;
    } else {
      for (Session other : s.engine.clients()) {
        ClientInfo.append(sb, other, now);
        sb.append('\n');
      }
    }
    c.reply().verbatim("txt", sb.toString());
  }

  private static ClientType parseType(String name) {
    ClientType t = ClientType.parse(name);
    if (t == null) {
      throw RedisException.err("Unknown client type '" + name + "'");
    }
    return t;
  }

  /**
   * CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
   */
  static void kill(CommandContext c, Args a) {
    Session self = (Session) c;
    String addr = null;
    String laddr = null;
    String user = null;
    ClientType type = null;
    long id = 0;
    boolean skipMe = true;
    boolean oldForm = a.size() == 3;
    if (oldForm) {
      addr = a.string(2);
      skipMe = false; // the old form may kill the caller itself
    } else {
      for (int i = 2; i < a.size(); i += 2) {
        boolean more = a.size() > i + 1;
        if (a.is(i, "id") && more) {
          id = a.longArg(i + 1, Errors.err("client-id should be greater than 0"));
          if (id < 1) {
            throw Errors.err("client-id should be greater than 0");
          }
        } else if (a.is(i, "type") && more) {
          type = parseType(a.string(i + 1));
        } else if (a.is(i, "addr") && more) {
          addr = a.string(i + 1);
        } else if (a.is(i, "laddr") && more) {
          laddr = a.string(i + 1);
        } else if (a.is(i, "user") && more) {
          user = a.string(i + 1);
          if (self.engine.acl().user(user) == null) {
            throw RedisException.err("No such user '" + user + "'");
          }
        } else if (a.is(i, "skipme") && more) {
          if (a.is(i + 1, "yes")) {
            skipMe = true;
          } else if (a.is(i + 1, "no")) {
            skipMe = false;
          } else {
            throw Errors.SYNTAX;
          }
        } else {
          throw Errors.SYNTAX;
        }
      }
    }
    List<Session> victims = new ArrayList<>();
    boolean killSelf = false;
    for (Session s : self.engine.clients()) {
      if ((addr != null && !addr.equals(s.connection.remoteAddress()))
          || (laddr != null && !laddr.equals(s.connection.localAddress()))
          || (type != null && s.type() != type)
          || (id != 0 && s.id != id)
          || (user != null && !user.equals(s.user))
          || (s == self && skipMe)) {
        continue;
      }
      if (s == self) {
        killSelf = true;
      } else {
        victims.add(s);
      }
    }
    for (Session s : victims) {
      s.connection.closeNow();
    }
    int killed = victims.size() + (killSelf ? 1 : 0);
    if (oldForm) {
      if (killed == 0) {
        throw Errors.err("No such client");
      }
      c.reply().ok();
    } else {
      c.reply().integer(killed);
    }
    if (killSelf) {
      self.connection.closeAfterReply();
    }
  }

  /** CLIENT GETNAME */
  static void getname(CommandContext c, Args a) {
    String name = c.client().name();
    if (name == null) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(name.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  /** CLIENT SETNAME connection-name */
  static void setname(CommandContext c, Args a) {
    byte[] name = a.get(2);
    validateName(name);
    ((Session) c).setName(name.length == 0 ? null : new String(name, StandardCharsets.ISO_8859_1));
    c.reply().ok();
  }

  /** Names (and library attributes) are printable ASCII without spaces, so that CLIENT LIST stays parseable. */
  static void validateName(byte[] name) {
    if (!printable(name)) {
      throw BAD_NAME;
    }
  }

  private static boolean printable(byte[] v) {
    for (byte b : v) {
      if (b < '!' || b > '~') {
        return false;
      }
    }
    return true;
  }

  /** CLIENT SETINFO LIB-NAME libname | LIB-VER libver */
  static void setinfo(CommandContext c, Args a) {
    Session s = (Session) c;
    boolean libName = a.is(2, "lib-name");
    if (!libName && !a.is(2, "lib-ver")) {
      throw RedisException.err("Unrecognized option '" + a.string(2) + "'");
    }
    byte[] v = a.get(3);
    if (!printable(v)) {
      throw RedisException.err(a.string(2) + " cannot contain spaces, newlines or special characters.");
    }
    String value = v.length == 0 ? null : new String(v, StandardCharsets.ISO_8859_1);
    if (libName) {
      s.libName = value;
    } else {
      s.libVersion = value;
    }
    c.reply().ok();
  }

  /** CLIENT PAUSE timeout [WRITE | ALL] */
  static void pause(CommandContext c, Args a) {
    if (a.size() > 4) {
      throw subcommandSyntax(a);
    }
    boolean writeOnly = false;
    if (a.size() == 4) {
      if (a.is(3, "write")) {
        writeOnly = true;
      } else if (!a.is(3, "all")) {
        throw Errors.err("CLIENT PAUSE mode must be WRITE or ALL");
      }
    }
    long timeout = a.longArg(2, Errors.err("timeout is not an integer or out of range"));
    if (timeout < 0) {
      throw Errors.err("timeout is negative");
    }
    ((Session) c).engine.pauses().pause(timeout, writeOnly);
    c.reply().ok();
  }

  /** CLIENT UNPAUSE */
  static void unpause(CommandContext c, Args a) {
    ((Session) c).engine.pauses().unpause();
    c.reply().ok();
  }

  /** CLIENT REPLY ON | OFF | SKIP */
  static void reply(CommandContext c, Args a) {
    Session s = (Session) c;
    if (a.is(2, "on")) {
      s.replyMode = Session.ReplyMode.ON;
      c.reply().ok();
    } else if (a.is(2, "off")) {
      s.replyMode = Session.ReplyMode.OFF;
    } else if (a.is(2, "skip")) {
      if (s.replyMode != Session.ReplyMode.OFF) {
        s.replyMode = Session.ReplyMode.SKIP_NEXT;
      }
    } else {
      throw Errors.SYNTAX;
    }
  }

  private static boolean onOff(Args a) {
    if (a.is(2, "on")) {
      return true;
    }
    if (a.is(2, "off")) {
      return false;
    }
    throw Errors.SYNTAX;
  }

  /** {@code ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.} */
  private static RedisException subcommandSyntax(Args a) {
    String sub = a.string(1);
    return Errors.err("unknown subcommand or wrong number of arguments for '"
        + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try CLIENT HELP.");
  }

  private static final String[] HELP_LINES = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "HELP",
      "    Prints this help.",
  };

  /** CLIENT HELP */
  static void help(CommandContext c, Args a) {
    Reply r = c.reply();
    r.array(HELP_LINES.length);
    for (String line : HELP_LINES) {
      r.simple(line);
    }
  }

  /** MONITOR */
  static void monitor(CommandContext c, Args a) {
    Session s = (Session) c;
    if (s.monitor) {
      return; // already monitoring: Redis ignores the command, with no reply
    }
    s.engine.addMonitor(s);
    c.reply().ok();
  }
}
