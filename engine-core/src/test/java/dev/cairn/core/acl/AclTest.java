package dev.cairn.core.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ACL rules, their description, and the permission check through the dispatcher, in process. */
class AclTest {
  private EngineClients clients;
  private int admin;
  private int c;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    admin = clients.connect();
    c = clients.connect();
  }

  private String run(String... args) {
    return clients.run(admin, args);
  }

  private String as(String... args) {
    return clients.run(c, args);
  }

  private String commands(String user) {
    return clients.engine.acl().user(user).root.describeCommands();
  }

  private String line(String user) {
    return clients.engine.acl().user(user).describe();
  }

  @Test
  void defaultUserAndNewUsers() {
    assertEquals("user default on nopass sanitize-payload ~* &* +@all", line("default"));
    assertEquals("+OK\r\n", run("ACL", "SETUSER", "example"));
    assertEquals("user example off sanitize-payload resetchannels -@all", line("example"));
    assertEquals("*2\r\n$7\r\ndefault\r\n$7\r\nexample\r\n", run("ACL", "USERS"));
    assertEquals("-ERR Usernames can't contain spaces or null characters\r\n", run("ACL", "SETUSER", "a a"));
    run("ACL", "SETUSER", "example", "reset");
    assertEquals("user example off sanitize-payload resetchannels -@all", line("example"));
  }

  @Test
  void commandRulesCompactAsRedis72() {
    run("ACL", "SETUSER", "adv", "+@all", "-@hash", "-@slow", "+hget");
    assertEquals("+@all -@hash -@slow +hget", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@hash");
    assertEquals("+@all -@slow +hget -@hash", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@all");
    assertEquals("-@all", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@all", "+HGET", "+hget", "+hGeT");
    assertEquals("-@all +hget", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@all", "+client|list", "+client|list", "+config|get", "+config", "+acl|list",
        "-acl");
    assertEquals("-@all +client|list +config -acl", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@all", "+select|0", "+select|0", "+debug|segfault", "+debug");
    assertEquals("-@all +select|0 +debug", commands("adv"));
    run("ACL", "SETUSER", "adv", "-@all", "+config", "+config|get", "-config|set", "+config");
    assertEquals("-@all +config", commands("adv"));
  }

  @Test
  void badRulesAreRefusedAndChangeNothing() {
    run("ACL", "SETUSER", "u", "on", "+get");
    String before = line("u");
    assertEquals("-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL\r\n",
        run("ACL", "SETUSER", "u", "+set", "+nosuch"));
    assertEquals("-ERR Error in ACL SETUSER modifier '+config|get|appendonly': Allowing first-arg of a subcommand "
        + "is not supported\r\n", run("ACL", "SETUSER", "u", "+config|get|appendonly"));
    assertEquals("-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and "
        + "contain only lowercase hexadecimal characters\r\n", run("ACL", "SETUSER", "u", "#abc"));
    assertEquals("-ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user "
        + "does not exist\r\n", run("ACL", "SETUSER", "u", "<nope"));
    assertEquals("-ERR Error in ACL SETUSER modifier '%X~a': Syntax error\r\n", run("ACL", "SETUSER", "u", "%X~a"));
    assertEquals("-ERR Unmatched parenthesis in acl selector starting at '(foo'.\r\n",
        run("ACL", "SETUSER", "u", "(foo"));
    assertTrue(run("ACL", "SETUSER", "u", "allkeys", "~foo").contains("Adding a pattern after the * pattern"));
    assertEquals(before, line("u"));
  }

  @Test
  void passwordsAreStoredAsSha256() {
    run("ACL", "SETUSER", "u", "on", ">passwd4", "+@all", "~*");
    assertEquals("user u on sanitize-payload #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6 ~* "
        + "resetchannels +@all", line("u"));
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", as("AUTH", "u", "nope"));
    assertEquals("+OK\r\n", as("AUTH", "u", "passwd4"));
    assertEquals("$1\r\nu\r\n", as("ACL", "WHOAMI"));
    run("ACL", "SETUSER", "u", "off");
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", as("AUTH", "u", "passwd4"));
  }

  @Test
  void commandKeyAndChannelPermissions() {
    run("ACL", "SETUSER", "u", "on", "nopass", "+get", "+set", "+publish", "~foo:*", "&news");
    as("AUTH", "u", "x");
    assertEquals("-NOPERM User u has no permissions to run the 'ping' command\r\n", as("PING"));
    assertEquals("+OK\r\n", as("SET", "foo:1", "a"));
    assertEquals("-NOPERM No permissions to access a key\r\n", as("SET", "bar", "a"));
    assertEquals(":0\r\n", as("PUBLISH", "news", "m"));
    assertEquals("-NOPERM No permissions to access a channel\r\n", as("PUBLISH", "sport", "m"));
    String info = run("INFO", "stats");
    assertTrue(info.contains("acl_access_denied_cmd:1"), info);
    assertTrue(info.contains("acl_access_denied_key:1"), info);
    assertTrue(info.contains("acl_access_denied_channel:1"), info);
  }

  @Test
  void readAndWriteKeyPatternsFollowKeySpecs() {
    run("SET", "read", "bar");
    run("ACL", "SETUSER", "u", "on", "nopass", "%R~read*", "%W~write*", "+@all");
    as("AUTH", "u", "x");
    assertEquals("$3\r\nbar\r\n", as("GET", "read"));
    assertEquals("-NOPERM No permissions to access a key\r\n", as("SET", "read", "x"));
    assertEquals(":1\r\n", as("COPY", "read", "write"));
    assertEquals("-NOPERM No permissions to access a key\r\n", as("COPY", "write", "read"));
    assertEquals(":1\r\n", as("LPUSH", "writelist", "1"));
    assertEquals("-NOPERM No permissions to access a key\r\n", as("SET", "write", "x", "GET"));
  }

  @Test
  void selectorsAreAlternatives() {
    run("ACL", "SETUSER", "s", "on", "nopass", "-@all", "(+@write ~write::*)", "(+@read", "~read::*)");
    as("AUTH", "s", "x");
    assertEquals("+OK\r\n", as("SET", "write::foo", "bar"));
    assertEquals("$-1\r\n", as("GET", "read::foo"));
    assertEquals("-NOPERM No permissions to access a key\r\n", as("GET", "write::foo"));
    assertEquals("-NOPERM User s has no permissions to run the 'ping' command\r\n", as("PING"));
    assertEquals("user s on nopass sanitize-payload resetchannels -@all (~write::* resetchannels -@all +@write) "
        + "(~read::* resetchannels -@all +@read)", line("s"));
  }

  @Test
  void logGroupsSimilarEvents() {
    run("ACL", "SETUSER", "u", "on", "nopass", "+set", "+multi", "+exec", "~object:*");
    as("AUTH", "u", "x");
    as("GET", "foo");
    as("GET", "foo");
    String log = run("ACL", "LOG");
    assertTrue(log.startsWith("*1\r\n"), log);
    assertTrue(log.contains("$5\r\ncount\r\n:2\r\n"), log);
    assertTrue(log.contains("$6\r\nreason\r\n$7\r\ncommand\r\n"), log);
    assertTrue(log.contains("$7\r\ncontext\r\n$8\r\ntoplevel\r\n"), log);
    assertTrue(log.contains("$6\r\nobject\r\n$3\r\nget\r\n"), log);
    as("MULTI");
    as("SET", "object:1", "x");
    run("ACL", "SETUSER", "u", "-set");
    assertEquals("*1\r\n-NOPERM User u has no permissions to run the 'set' command\r\n", as("EXEC"));
    assertTrue(run("ACL", "LOG", "1").contains("$5\r\nmulti\r\n"));
    assertEquals("+OK\r\n", run("ACL", "LOG", "RESET"));
    assertEquals("*0\r\n", run("ACL", "LOG"));
  }

  @Test
  void dryRun() {
    run("ACL", "SETUSER", "t", "+@all", "%R~read*", "%W~write*", "%RW~rw*");
    assertEquals("+OK\r\n", run("ACL", "DRYRUN", "t", "GET", "read"));
    assertEquals("$50\r\nUser t has no permissions to access the 'read' key\r\n",
        run("ACL", "DRYRUN", "t", "SORT", "read", "STORE", "read"));
    assertEquals("-ERR User 'nouser' not found\r\n", run("ACL", "DRYRUN", "nouser", "GET", "x"));
    assertEquals("-ERR Command 'nocmd' not found\r\n", run("ACL", "DRYRUN", "t", "nocmd", "x"));
  }

  @Test
  void requirepassIsTheDefaultUsersPassword() {
    run("CONFIG", "SET", "requirepass", "secret");
    assertTrue(line("default").contains("#2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"));
    assertFalse(line("default").contains("nopass"));
    run("CONFIG", "SET", "requirepass", "");
    assertTrue(line("default").contains("nopass"));
  }

  @Test
  void genpassAndCat() {
    assertEquals("$64\r\n".length() + 64 + 2, run("ACL", "GENPASS").length());
    assertEquals("$2\r\n", run("ACL", "GENPASS", "5").substring(0, 4));
    assertTrue(run("ACL", "GENPASS", "5000").contains("ACL GENPASS argument must be the number"));
    assertTrue(run("ACL", "CAT").contains("$8\r\nkeyspace\r\n"));
    assertTrue(run("ACL", "CAT", "scripting").contains("$13\r\nfunction|list\r\n"));
    assertEquals("-ERR Unknown category 'NON_EXISTS'\r\n", run("ACL", "CAT", "NON_EXISTS"));
  }

  @Test
  void defaultUserCannotBeDeleted() {
    assertEquals("-ERR The 'default' user cannot be removed\r\n", run("ACL", "DELUSER", "default"));
    run("ACL", "SETUSER", "gone");
    assertEquals(":1\r\n", run("ACL", "DELUSER", "gone", "nosuch"));
    assertEquals("$-1\r\n", run("ACL", "GETUSER", "gone"));
  }
}
