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
import dev.cairn.core.Engine;
import java.nio.charset.StandardCharsets;

/** Connection commands: PING, ECHO, QUIT, RESET, SELECT, HELLO, AUTH. */
public final class ConnectionCommands implements CommandFamily {
  static final CommandSpec PING = CommandSpec.command("ping", -1).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.FAST, Flag.SENTINEL).acl(AclCategory.CONNECTION)
      .tips("request_policy:all_shards", "response_policy:all_succeeded")
      .summary("Returns the server's liveliness response.").complexity("O(1)")
      .args(Arg.string("message").optional()).build();
  static final CommandSpec ECHO = CommandSpec.command("echo", 2).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).acl(AclCategory.CONNECTION)
      .summary("Returns the given string.").complexity("O(1)").args(Arg.string("message")).build();
  static final CommandSpec QUIT = CommandSpec.command("quit", -1).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.ALLOW_BUSY, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.NO_AUTH)
      .acl(AclCategory.CONNECTION).summary("Closes the connection.").complexity("O(1)")
      .deprecated("7.2.0", "just closing the connection").build();
  static final CommandSpec RESET = CommandSpec.command("reset", 1).group(Group.CONNECTION).since("6.2.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.NO_AUTH, Flag.ALLOW_BUSY)
      .acl(AclCategory.CONNECTION).summary("Resets the connection.").complexity("O(1)").build();
  static final CommandSpec SELECT = CommandSpec.command("select", 2).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).acl(AclCategory.CONNECTION)
      .summary("Changes the selected database.").complexity("O(1)").args(Arg.integer("index")).build();
  static final CommandSpec HELLO = CommandSpec.command("hello", -1).group(Group.CONNECTION).since("6.0.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.NO_AUTH, Flag.SENTINEL, Flag.ALLOW_BUSY)
      .acl(AclCategory.CONNECTION).summary("Handshakes with the Redis server.").complexity("O(1)")
      .args(Arg.block("arguments", Arg.integer("protover"),
          Arg.block("username-password", Arg.string("username"), Arg.string("password")).withToken("AUTH").optional(),
          Arg.string("clientname").withToken("SETNAME").optional()).optional())
      .history("6.2.0", "`protover` made optional; when called without arguments the command reports the current "
          + "connection's context.")
      .build();
  static final CommandSpec AUTH = CommandSpec.command("auth", -2).group(Group.CONNECTION).since("1.0.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.NO_AUTH, Flag.SENTINEL, Flag.ALLOW_BUSY)
      .acl(AclCategory.CONNECTION).summary("Authenticates the connection.")
      .complexity("O(N) where N is the number of passwords defined for the user")
      .args(Arg.string("username").since("6.0.0").optional(), Arg.string("password"))
      .history("6.0.0", "Added ACL style (username and password).")
      .build();

  private static final RedisException AUTH_NOT_CONFIGURED = RedisException.err("AUTH <password> called without any "
      + "password configured for the default user. Are you sure your configuration is correct?");
  private static final RedisException NOPROTO = RedisException.of("NOPROTO", "unsupported protocol version");
  private static final RedisException BAD_PROTOVER =
      RedisException.err("Protocol version is not an integer or out of range");
  private static final RedisException HELLO_NOAUTH = RedisException.of("NOAUTH", "HELLO must be called with the "
      + "client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
      + "authenticate the client and select the RESP protocol version at the same time");
  private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  @Override
  public void register(CommandRegistry r) {
    r.add(PING, ConnectionCommands::ping);
    r.add(ECHO, (c, a) -> c.reply().bulk(a.get(1)));
    r.add(QUIT, ConnectionCommands::quit);
    r.add(RESET, ConnectionCommands::reset);
    r.add(SELECT, ConnectionCommands::select);
    r.add(HELLO, ConnectionCommands::hello);
    r.add(AUTH, ConnectionCommands::auth);
  }

  /** PING [message] */
  static void ping(CommandContext c, Args a) {
    if (a.size() > 2) {
      throw Errors.arity("ping");
    }
    Session s = (Session) c;
    // a RESP2 subscriber can only receive arrays, so it gets the pong as one
    if (s.protocol() == 2 && s.type() == ClientType.PUBSUB) {
      c.reply().array(2);
      c.reply().bulk(PONG);
      c.reply().bulk(a.size() == 1 ? EMPTY : a.get(1));
      return;
    }
    if (a.size() == 1) {
      c.reply().simple("PONG");
    } else {
      c.reply().bulk(a.get(1));
    }
  }

  /** QUIT */
  static void quit(CommandContext c, Args a) {
    Session s = (Session) c;
    s.writer.ok();
    s.connection.closeAfterReply();
  }

  /** RESET */
  static void reset(CommandContext c, Args a) {
    ((Session) c).reset();
    c.reply().simple("RESET");
  }

  /** SELECT index */
  static void select(CommandContext c, Args a) {
    long idx = a.longArg(1, Errors.NOT_INTEGER);
    if (idx < Integer.MIN_VALUE || idx > Integer.MAX_VALUE) {
      throw Errors.NOT_INTEGER;
    }
    if (idx != 0 && ((Session) c).engine.cluster() != null) {
      throw Errors.err("SELECT is not allowed in cluster mode");
    }
    if (idx < 0 || idx >= c.databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    ((Session) c).select((int) idx);
    c.reply().ok();
  }

  /** HELLO [protover [AUTH username password] [SETNAME clientname]] */
  static void hello(CommandContext c, Args a) {
    Session s = (Session) c;
    long ver = 0;
    int next = 1;
    if (a.size() >= 2) {
      ver = a.longArg(1, BAD_PROTOVER);
      next = 2;
      if (ver < 2 || ver > 3) {
        throw NOPROTO;
      }
    }
    byte[] user = null;
    byte[] pass = null;
    byte[] clientName = null;
    for (int j = next; j < a.size(); j++) {
      int more = a.size() - 1 - j;
      if (a.is(j, "auth") && more >= 2) {
        s.redact(j + 1);
        s.redact(j + 2);
        user = a.get(j + 1);
        pass = a.get(j + 2);
        j += 2;
      } else if (a.is(j, "setname") && more >= 1) {
        clientName = a.get(j + 1);
        ClientCommands.validateName(clientName);
        j++;
      } else {
        throw RedisException.err("Syntax error in HELLO option '" + a.string(j) + "'");
      }
    }
    if (user != null && !authenticate(s, user, pass)) {
      throw Errors.WRONGPASS;
    }
    if (!s.authenticated) {
      throw HELLO_NOAUTH;
    }
    if (clientName != null) {
      s.setName(clientName.length == 0 ? null : new String(clientName, StandardCharsets.ISO_8859_1));
    }
    if (ver != 0) {
      s.writer.setProtocol((int) ver);
    }
    Reply r = c.reply();
    r.map(7);
    r.bulk("server");
    r.bulk("redis");
    r.bulk("version");
    r.bulk(Engine.REDIS_VERSION);
    r.bulk("proto");
    r.integer(s.protocol());
    r.bulk("id");
    r.integer(s.id);
    r.bulk("mode");
    r.bulk("standalone");
    r.bulk("role");
    r.bulk(s.engine.replication().isReplica() ? "replica" : "master");
    r.bulk("modules");
    r.array(0);
  }

  /** AUTH [username] password */
  static void auth(CommandContext c, Args a) {
    Session s = (Session) c;
    if (a.size() > 3) {
      throw Errors.SYNTAX;
    }
    // the password never shows in MONITOR or the slow log, even when the command fails
    s.redact(1);
    if (a.size() == 3) {
      s.redact(2);
    }
    byte[] user;
    byte[] pass;
    if (a.size() == 2) {
      if (s.engine.acl().defaultUser().nopass()) {
        throw AUTH_NOT_CONFIGURED;
      }
      user = DEFAULT_USER;
      pass = a.get(1);
    } else {
      user = a.get(1);
      pass = a.get(2);
    }
    if (!authenticate(s, user, pass)) {
      throw Errors.WRONGPASS;
    }
    c.reply().ok();
  }

  private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

  /** Checks a user/password pair against the ACL users; on success the client is that user's. */
  private static boolean authenticate(Session s, byte[] user, byte[] pass) {
    return s.engine.acl().authenticate(s, user, pass);
  }
}
