package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * ACL users through a client library and raw bytes: users from the config file, AUTH with a user, NOPERM per command,
 * key and channel, clients of a deleted user or of revoked channels disconnected, the ACL file saved and loaded.
 */
class AclIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--user", "reader", "on", ">rpass", "~r:*", "%R~shared:*", "+@read", "+@connection"};
  }

  @Test
  void configUsersAndPermissions() throws Exception {
    jedis.set("r:1", "a");
    jedis.set("shared:1", "b");
    jedis.set("w:1", "c");
    Jedis reader = newJedis();
    reader.auth("reader", "rpass");
    assertTrue(jedis.clientList().contains(" user=reader "), jedis.clientList());
    JedisDataException whoami = assertThrows(JedisDataException.class, reader::aclWhoAmI);
    assertEquals("NOPERM User reader has no permissions to run the 'acl|whoami' command", whoami.getMessage());
    assertEquals("a", reader.get("r:1"));
    assertEquals("b", reader.get("shared:1"));
    JedisDataException key = assertThrows(JedisDataException.class, () -> reader.get("w:1"));
    assertEquals("NOPERM No permissions to access a key", key.getMessage());
    JedisDataException cmd = assertThrows(JedisDataException.class, () -> reader.set("r:1", "x"));
    assertEquals("NOPERM User reader has no permissions to run the 'set' command", cmd.getMessage());
    assertTrue(jedis.aclList().contains("user reader on sanitize-payload "
        + "#4ba37cd8a28d5b0c4bfe8145efcccaeb8bd4c145b9ea90ee22c9edc1b247beb3 ~r:* %R~shared:* "
        + "resetchannels -@all +@read +@connection"), jedis.aclList().toString());
    RawClient raw = raw();
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        raw.command("AUTH", "reader", "nope").readReply());
  }

  /** redis.acl_check_cmd answers for the calling client's user: its commands and keys, without a denial logged. */
  @Test
  void scriptsAskWhetherTheirUserMayRunACommand() throws Exception {
    jedis.aclSetUser("bob", "on", ">123", "+@scripting", "+set", "~x*");
    long deniedBefore = jedis.aclLog().size();
    RawClient bob = raw();
    assertEquals("+OK\r\n", bob.command("AUTH", "bob", "123").readReply());
    assertEquals(":1\r\n", bob.command("EVAL", "return redis.acl_check_cmd('set','xx',1)", "1", "xx").readReply());
    assertEquals("$-1\r\n",
        bob.command("EVAL", "return redis.acl_check_cmd('hset','xx','f',1)", "1", "xx").readReply());
    assertEquals("$-1\r\n", bob.command("EVAL", "return redis.acl_check_cmd('set','yy',1)", "0").readReply());
    assertTrue(bob.command("EVAL", "return redis.acl_check_cmd('invalid-cmd','arg')", "0").readReply()
        .startsWith("-ERR Invalid command passed to redis.acl_check_cmd()"));
    assertEquals(":1\r\n", raw().command("EVAL", "return redis.acl_check_cmd('hset','yy','f',1)", "0").readReply());
    assertEquals(deniedBefore, jedis.aclLog().size());
    jedis.aclDelUser("bob");
  }

  @Test
  void deletedUsersClientsAreDisconnected() throws Exception {
    jedis.aclSetUser("temp", "on", ">t", "+@all", "~*");
    RawClient victim = raw();
    assertEquals("+OK\r\n", victim.command("AUTH", "temp", "t").readReply());
    assertEquals(1L, jedis.aclDelUser("temp"));
    assertTrue(victim.closedByServer());
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void subscribersOfRevokedChannelsAreDisconnected() throws Exception {
    jedis.aclSetUser("sub", "on", "nopass", "+@all", "resetchannels", "&news");
    RawClient kept = raw();
    kept.command("AUTH", "sub", "x").readReply();
    kept.command("CLIENT", "SETNAME", "kept").readReply();
    RawClient victim = raw();
    victim.command("AUTH", "sub", "x").readReply();
    assertTrue(victim.command("SUBSCRIBE", "news").readReply().startsWith("*3\r\n"));
    assertEquals("-NOPERM No permissions to access a channel\r\n",
        victim.command("SUBSCRIBE", "sport").readReply());
    jedis.aclSetUser("sub", "resetchannels", "&other");
    assertTrue(victim.closedByServer());
    assertEquals("+PONG\r\n", kept.command("PING").readReply());
  }

  @Test
  void aclFileSaveAndLoad() throws Exception {
    var file = dataDir.resolve("users.acl");
    Files.writeString(file, "user alice on >alice ~* &* +@all\nuser default on nopass ~* &* +@all\n");
    // aclfile is fixed at start-up in Redis; this server was started without one, so ACL LOAD says so
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.aclLoad());
    assertTrue(e.getMessage().contains("not configured to use an ACL file"), e.getMessage());
    List<String> users = jedis.aclUsers();
    assertTrue(users.contains("default") && users.contains("reader"), users.toString());
  }
}
