package dev.cairn.core.acl;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandTable;
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL users and the permission check the dispatcher runs for every client command (after authentication, as
 * Redis's processCommand): the command, then its keys through the key specs' access flags, then its channels, against
 * the user's root permissions and each of its selectors; any one that allows all of it lets the command run. A denial
 * is counted (INFO acl_access_denied_*), logged (ACL LOG) and answered with NOPERM in Redis 7.2's words.
 */
public final class Acl {
  public static final int DENIED_CMD = 1;
  public static final int DENIED_KEY = 2;
  public static final int DENIED_AUTH = 3;
  public static final int DENIED_CHANNEL = 4;

  /** ACL LOG contexts. */
  public static final String TOPLEVEL = "toplevel";
  public static final String MULTI = "multi";
  public static final String LUA = "lua";
  public static final String MODULE = "module";

  private final Engine engine;
  private final Map<String, AclUser> users = new TreeMap<>();
  private final AclUser defaultUser;
  final AclLog log = new AclLog();
  public long deniedAuth;
  public long deniedCmd;
  public long deniedKey;
  public long deniedChannel;
  /** The last check's denial reason and the argument it concerns (the key or channel, else -1). */
  private int denial;
  private int denialPos;

  public Acl(Engine engine) {
    this.engine = engine;
    defaultUser = new AclUser("default");
    for (String r : new String[] {"on", "nopass", "~*", "&*", "+@all"}) {
      defaultUser.apply(r, engine.commands(), true);
    }
    users.put("default", defaultUser);
    engine.params().requirepass.listen(this::setRequirepass);
    engine.config().setDirectiveRewriter("user", this::configLines);
  }

  /** requirepass is the default user's password ("" makes it nopass), as in Redis. */
  private void setRequirepass(String pass) {
    defaultUser.apply("resetpass", engine.commands(), true);
    defaultUser.apply(pass.isEmpty() ? "nopass" : ">" + pass, engine.commands(), true);
  }

  /**
   * At start-up: the config file's {@code user} lines or the {@code aclfile} (not both, as Redis refuses); an error
   * stops the server with Redis's message.
   */
  public void loadAtStart(List<List<String>> configUsers) {
    String file = engine.params().process.aclfile.value;
    if (!configUsers.isEmpty() && !file.isEmpty()) {
      throw new IllegalStateException("Configuring Redis with users defined in redis.conf and at the same setting an "
          + "ACL file path is invalid. This setup is very likely to lead to configuration errors and security "
          + "holes, please define either an ACL file or declare users directly in your redis.conf, but not both.");
    }
    try {
      if (!configUsers.isEmpty()) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < configUsers.size(); i++) {
          numbers.add(i + 1);
        }
        replaceUsers(AclFile.parse(this, configUsers, numbers, null));
      } else if (!file.isEmpty()) {
        replaceUsers(AclFile.load(this, engine.params().dir.resolve(file)));
      }
    } catch (RedisException e) {
      throw new IllegalStateException("Error in user declaration: " + e.getMessage().substring(4), e);
    }
  }

  /**
   * What CONFIG REWRITE writes after {@code user}: every user as ACL LIST shows it, by name; none when the users are
   * kept in an {@code aclfile} (the file's {@code user} lines then go), as Redis's rewriteConfigUserOption does.
   */
  public List<String> configLines() {
    List<String> out = new ArrayList<>();
    if (!engine.params().process.aclfile.value.isEmpty()) {
      return out;
    }
    for (String d : describeAll()) {
      out.add(d.substring("user ".length()));
    }
    return out;
  }

  public AclUser defaultUser() {
    return defaultUser;
  }

  public AclUser user(String name) {
    return users.get(name);
  }

  Collection<AclUser> users() {
    return users.values();
  }

  CommandTable table() {
    return engine.commands();
  }

  boolean pubsubAllChannels() {
    return "allchannels".equals(engine.params().process.aclPubsubDefault.value);
  }

  /** Whether a new connection must authenticate: the default user is off or has passwords. */
  public boolean authRequired() {
    return !(defaultUser.enabled && defaultUser.nopass);
  }

  // ---- users

  /** A new user as Redis creates it: off, no passwords, no commands or keys, channels per acl-pubsub-default. */
  AclUser create(String name) {
    AclUser u = new AclUser(name);
    u.root.allChannels = pubsubAllChannels();
    u.updateUnrestricted();
    return u;
  }

  static void validateName(String name) {
    if (name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
      throw RedisException.err("Usernames can't contain spaces or null characters");
    }
  }

  /**
   * ACL SETUSER: applies the rules to a copy and keeps it only if every rule is valid; clients of the user whose
   * channel permissions no longer cover their subscriptions are disconnected.
   */
  void setUser(String name, List<String> rules) {
    validateName(name);
    AclUser existing = users.get(name);
    AclUser u = existing == null ? create(name) : existing.copy(name);
    applyAll(u, rules);
    if (existing == null) {
      users.put(name, u);
    } else {
      existing.copyFrom(u);
      killRevokedSubscribers(existing);
    }
  }

  /** Applies rules (selectors in parentheses may span several), with Redis's error for the first bad one. */
  void applyAll(AclUser u, List<String> rules) {
    for (String op : mergeSelectors(rules)) {
      try {
        u.apply(op, table(), pubsubAllChannels());
      } catch (AclException e) {
        throw RedisException.err("Error in ACL SETUSER modifier '" + op + "': " + e.getMessage());
      }
    }
  }

  /** Joins {@code (~a*}, {@code +get)} into one selector rule, as Redis's argument merging. */
  static List<String> mergeSelectors(List<String> rules) {
    List<String> out = new ArrayList<>();
    StringBuilder sel = null;
    String start = null;
    for (String r : rules) {
      if (sel == null && r.startsWith("(") && !r.endsWith(")")) {
        sel = new StringBuilder(r);
        start = r;
        continue;
      }
      if (sel != null) {
        sel.append(' ').append(r);
        if (r.endsWith(")")) {
          out.add(sel.toString());
          sel = null;
        }
        continue;
      }
      out.add(r);
    }
    if (sel != null) {
      throw RedisException.err("Unmatched parenthesis in acl selector starting at '" + start + "'.");
    }
    return out;
  }

  /** ACL DELUSER: the clients authenticated as a removed user are disconnected (after the reply, for the caller). */
  int deleteUsers(List<String> names) {
    int n = 0;
    for (String name : names) {
      if (name.equals("default")) {
        throw RedisException.err("The 'default' user cannot be removed");
      }
    }
    for (String name : names) {
      AclUser u = users.remove(name);
      if (u != null) {
        n++;
        disconnectClientsOf(u);
      }
    }
    return n;
  }

  void disconnectClientsOf(AclUser u) {
    Session running = engine.dispatcher().executing();
    for (Session s : new ArrayList<>(engine.clients())) {
      if (s.aclUser == u) {
        if (s == running) {
          s.connection.closeAfterReply();
        } else {
          s.connection.closeNow();
        }
      }
    }
  }

  /** Replaces every user (ACL LOAD, the config file): the default user object stays, so its clients keep it. */
  void replaceUsers(Map<String, AclUser> loaded) {
    AclUser newDefault = loaded.get("default");
    List<AclUser> old = new ArrayList<>(users.values());
    users.clear();
    for (AclUser u : loaded.values()) {
      if (u.name.equals("default")) {
        continue;
      }
      users.put(u.name, u);
    }
    if (newDefault != null) {
      defaultUser.copyFrom(newDefault);
    }
    users.put("default", defaultUser);
    // clients of users that were redefined or removed lose their session, as Redis frees the old user objects
    for (AclUser u : old) {
      if (u != defaultUser) {
        disconnectClientsOf(u);
      }
    }
    killRevokedSubscribers(defaultUser);
  }

  /** Disconnects clients of {@code u} subscribed to channels or patterns it may no longer use. */
  private void killRevokedSubscribers(AclUser u) {
    Session running = engine.dispatcher().executing();
    for (Session s : new ArrayList<>(engine.clients())) {
      AclUser su = s.aclUser == null ? defaultUser : s.aclUser;
      if (su != u || s.subscriptions == null || s.subscriptions.total() == 0) {
        continue;
      }
      boolean[] revoked = {false};
      s.subscriptions.forEach((channel, pattern) -> {
        if (!revoked[0] && !channelAllowedAnywhere(u, channel, pattern)) {
          revoked[0] = true;
        }
      });
      if (revoked[0]) {
        if (s == running) {
          s.connection.closeAfterReply();
        } else {
          s.connection.closeNow();
        }
      }
    }
  }

  private static boolean channelAllowedAnywhere(AclUser u, byte[] channel, boolean pattern) {
    if (u.root.channelAllowed(channel, pattern)) {
      return true;
    }
    for (AclSelector s : u.selectors) {
      if (s.channelAllowed(channel, pattern)) {
        return true;
      }
    }
    return false;
  }

  // ---- authentication

  /**
   * AUTH and HELLO AUTH: on success the client becomes the user's; a failure is counted and logged, as Redis's
   * ACL LOG of failed auth attempts.
   */
  public boolean authenticate(Session s, byte[] username, byte[] password) {
    String name = new String(username, StandardCharsets.ISO_8859_1);
    AclUser u = users.get(name);
    if (u != null && u.enabled && u.checkPassword(password)) {
      s.authenticated = true;
      s.user = u.name;
      s.aclUser = u == defaultUser ? null : u;
      return true;
    }
    deniedAuth++;
    log.add(DENIED_AUTH, TOPLEVEL, "AUTH", name, s, engine.keyspace().now(), maxLogLen());
    return false;
  }

  private int maxLogLen() {
    return (int) Math.min(Integer.MAX_VALUE, engine.params().process.acllogMaxLen.value);
  }

  // ---- the permission check

  /**
   * The dispatcher's check for a client command: null when the user may run it, else the NOPERM error (the denial is
   * counted and logged in {@code context}). The default user with every permission costs one field read.
   */
  public RedisException check(Session s, Command cmd, Args a, String context) {
    AclUser u = s.aclUser == null ? defaultUser : s.aclUser;
    if (u.unrestricted || s.mustObey) {
      return null;
    }
    return check(s, u, cmd, a.array(), a.size(), context, s);
  }

  /**
   * Whether {@code caller}'s user may run the command on its keys and channels, without counting or logging a denial
   * (a script's {@code redis.acl_check_cmd}, which only asks).
   */
  public boolean permits(Session caller, Command cmd, byte[][] argv) {
    AclUser u = caller.aclUser == null ? defaultUser : caller.aclUser;
    return u.unrestricted || caller.mustObey || permitted(u, cmd, argv, argv.length);
  }

  /** As {@link #check(Session, Command, Args, String)} for a script's or a queued command. */
  public RedisException check(Session caller, Command cmd, byte[][] argv, int argc, String context, Session logAs) {
    AclUser u = caller.aclUser == null ? defaultUser : caller.aclUser;
    if (u.unrestricted || caller.mustObey) {
      return null;
    }
    return check(caller, u, cmd, argv, argc, context, logAs);
  }

  private RedisException check(Session s, AclUser u, Command cmd, byte[][] argv, int argc, String context,
      Session logAs) {
    if (permitted(u, cmd, argv, argc)) {
      return null;
    }
    String object;
    switch (denial) {
      case DENIED_CMD -> {
        deniedCmd++;
        object = cmd.fullName();
      }
      case DENIED_KEY -> {
        deniedKey++;
        object = new String(argv[denialPos], StandardCharsets.ISO_8859_1);
      }
      default -> {
        deniedChannel++;
        object = new String(argv[denialPos], StandardCharsets.ISO_8859_1);
      }
    }
    log.add(denial, context, object, u.name, logAs, engine.keyspace().now(), maxLogLen());
    return RedisException.of("NOPERM", message(u, cmd, denial, object, false));
  }

  /** Redis's getAclErrorMessage: verbose (ACL DRYRUN) names the key or channel. */
  static String message(AclUser u, Command cmd, int denial, String object, boolean verbose) {
    return switch (denial) {
      case DENIED_CMD -> "User " + u.name + " has no permissions to run the '" + cmd.fullName() + "' command";
      case DENIED_KEY -> verbose ? "User " + u.name + " has no permissions to access the '" + object + "' key"
          : "No permissions to access a key";
      default -> verbose ? "User " + u.name + " has no permissions to access the '" + object + "' channel"
          : "No permissions to access a channel";
    };
  }

  /**
   * Whether some selector of the user allows the command with these arguments; else {@link #denial} and
   * {@link #denialPos} say why (the most specific reason over the selectors, as Redis reports).
   */
  boolean permitted(AclUser u, Command cmd, byte[][] argv, int argc) {
    denial = 0;
    denialPos = -1;
    if (selectorPermits(u.root, cmd, argv, argc)) {
      return true;
    }
    for (AclSelector sel : u.selectors) {
      if (selectorPermits(sel, cmd, argv, argc)) {
        return true;
      }
    }
    return false;
  }

  private boolean selectorPermits(AclSelector sel, Command cmd, byte[][] argv, int argc) {
    int why;
    int pos = -1;
    // AUTH and HELLO (no-auth commands) are open to every user, as in Redis
    if (!cmd.spec.has(dev.cairn.api.command.Flag.NO_AUTH) && !sel.mayRun(cmd, argv, argc, table())) {
      why = DENIED_CMD;
    } else if ((pos = sel.deniedKey(cmd, argv, argc)) >= 0) {
      why = DENIED_KEY;
    } else if ((pos = deniedChannel(sel, cmd, argv, argc)) >= 0) {
      why = DENIED_CHANNEL;
    } else {
      return true;
    }
    // the most specific reason wins; between equal ones, the argument furthest on (as Redis reports)
    if (why > denial || (why == denial && pos > denialPos)) {
      denial = why;
      denialPos = pos;
    }
    return false;
  }

  /** The position of the first channel the selector may not use (publish and subscribe commands), or -1. */
  private static int deniedChannel(AclSelector sel, Command cmd, byte[][] argv, int argc) {
    if (sel.allChannels || cmd.parent != null) {
      return -1;
    }
    switch (cmd.spec.name()) {
      case "publish", "spublish" -> {
        return argc > 1 && !sel.channelAllowed(argv[1], false) ? 1 : -1;
      }
      case "subscribe", "ssubscribe", "psubscribe" -> {
        boolean pattern = cmd.spec.name().equals("psubscribe");
        for (int i = 1; i < argc; i++) {
          if (!sel.channelAllowed(argv[i], pattern)) {
            return i;
          }
        }
        return -1;
      }
      default -> {
        return -1;
      }
    }
  }

  /**
   * Whether the running command's user may read any key through a selector that allows the command (SORT's BY and
   * GET patterns name keys no key spec can show), as Redis's unrestricted key access check.
   */
  public static boolean readsAnyKey(dev.cairn.api.command.CommandContext c, Args a) {
    if (!(c instanceof Session s)) {
      return true;
    }
    Acl acl = s.engine.acl();
    AclUser u = s.aclUser == null ? acl.defaultUser : s.aclUser;
    if (u.unrestricted || s.mustObey) {
      return true;
    }
    Command cmd = s.engine.commands().lookup(a.get(0));
    if (cmd == null) {
      return true;
    }
    if (u.root.readsEverything() && acl.selectorPermits(u.root, cmd, a.array(), a.size())) {
      return true;
    }
    for (AclSelector sel : u.selectors) {
      if (acl.selectorPermits(sel, cmd, a.array(), a.size()) && sel.readsEverything()) {
        return true;
      }
    }
    return false;
  }

  /** ACL DRYRUN: "OK" or the verbose reason, without logging or counting. */
  String dryRun(AclUser u, Command cmd, byte[][] argv, int argc) {
    if (permitted(u, cmd, argv, argc)) {
      return null;
    }
    String object = denial == DENIED_CMD ? cmd.fullName()
        : new String(argv[denialPos], StandardCharsets.ISO_8859_1);
    return message(u, cmd, denial, object, true);
  }

  // ---- INFO

  public void info(java.util.function.BiConsumer<String, Long> field) {
    field.accept("acl_access_denied_auth", deniedAuth);
    field.accept("acl_access_denied_cmd", deniedCmd);
    field.accept("acl_access_denied_key", deniedKey);
    field.accept("acl_access_denied_channel", deniedChannel);
  }

  public void resetStats() {
    deniedAuth = 0;
    deniedCmd = 0;
    deniedKey = 0;
    deniedChannel = 0;
  }

  /** The users as a loaded ACL file or {@code user} lines would recreate them. */
  List<String> describeAll() {
    List<String> out = new ArrayList<>();
    for (AclUser u : users.values()) {
      out.add(u.describe());
    }
    return out;
  }

  static Map<String, AclUser> newUserMap() {
    return new TreeMap<>();
  }
}
