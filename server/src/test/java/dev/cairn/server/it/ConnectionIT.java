package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/** PING, ECHO, SELECT, HELLO, RESET, QUIT without a password (see {@link AuthIT} for AUTH with requirepass). */
class ConnectionIT extends ServerTestBase {
  private static final String HELLO_TAIL = "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
      + "$7\r\nmodules\r\n*0\r\n";

  private static String helloReply(String header, int proto, long id) {
    String idText = Long.toString(id);
    return header + "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n$5\r\nproto\r\n:" + proto + "\r\n"
        + "$2\r\nid\r\n:" + idText + "\r\n" + HELLO_TAIL;
  }

  private static long clientId(RawClient r) throws Exception {
    String reply = r.command("CLIENT", "ID").readReply();
    return Long.parseLong(reply.substring(1, reply.length() - 2));
  }

  @Test
  void pingAndEcho() throws Exception {
    RawClient r = raw();
    assertEquals("+PONG\r\n", r.command("PING").readReply());
    assertEquals("$5\r\nhello\r\n", r.command("PING", "hello").readReply());
    assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", r.command("PING", "a", "b").readReply());
    assertEquals("$3\r\na b\r\n", r.command("ECHO", "a b").readReply());
    assertEquals("-ERR wrong number of arguments for 'echo' command\r\n", r.command("ECHO").readReply());
  }

  @Test
  void selectChecksTheIndex() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("SELECT", "3").readReply());
    assertEquals("+OK\r\n", r.command("SET", "k", "v").readReply());
    assertEquals("-ERR DB index is out of range\r\n", r.command("SELECT", "16").readReply());
    assertEquals("-ERR DB index is out of range\r\n", r.command("SELECT", "-1").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n", r.command("SELECT", "x").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n",
        r.command("SELECT", "4294967296").readReply());
    assertEquals("$1\r\nv\r\n", r.command("GET", "k").readReply());
    assertEquals("$-1\r\n", raw().command("GET", "k").readReply());
  }

  @Test
  void helloReportsAndSwitchesProtocol() throws Exception {
    RawClient r = raw();
    long id = clientId(r);
    assertEquals(helloReply("*14\r\n", 2, id), r.command("HELLO").readReply());
    assertEquals(helloReply("%7\r\n", 3, id), r.command("HELLO", "3").readReply());
    assertEquals("_\r\n", r.command("GET", "nokey").readReply());
    assertEquals(helloReply("*14\r\n", 2, id), r.command("HELLO", "2").readReply());
    assertEquals("$-1\r\n", r.command("GET", "nokey").readReply());
  }

  @Test
  void jedisSpeakingResp3() {
    try (Jedis j3 = new Jedis(new HostAndPort("127.0.0.1", port()),
        DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).clientName("three").build())) {
      assertEquals("PONG", j3.ping());
      assertEquals("OK", j3.set("r3", "v"));
      assertEquals("v", j3.get("r3"));
      assertEquals(null, j3.get("absent"));
      assertEquals("three", j3.clientGetname());
      assertTrue(j3.clientInfo().contains(" resp=3 "));
    }
  }

  @Test
  void helloErrors() throws Exception {
    RawClient r = raw();
    assertEquals("-NOPROTO unsupported protocol version\r\n", r.command("HELLO", "4").readReply());
    assertEquals("-NOPROTO unsupported protocol version\r\n", r.command("HELLO", "1").readReply());
    assertEquals("-ERR Protocol version is not an integer or out of range\r\n", r.command("HELLO", "x").readReply());
    assertEquals("-ERR Syntax error in HELLO option 'foo'\r\n", r.command("HELLO", "3", "foo").readReply());
    assertEquals("-ERR Syntax error in HELLO option 'AUTH'\r\n", r.command("HELLO", "3", "AUTH", "u").readReply());
    assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
        r.command("HELLO", "3", "SETNAME", "a b").readReply());
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        r.command("HELLO", "3", "AUTH", "bob", "pw").readReply());
    // nothing changed by the failed calls
    assertEquals("$-1\r\n", r.command("GET", "nokey").readReply());
  }

  @Test
  void helloSetnameAndAuthWithoutPassword() throws Exception {
    RawClient r = raw();
    long id = clientId(r);
    // with no password configured the default user takes any password
    assertEquals(helloReply("%7\r\n", 3, id), r.command("HELLO", "3", "AUTH", "default", "x", "SETNAME", "me")
        .readReply());
    assertEquals("$2\r\nme\r\n", r.command("CLIENT", "GETNAME").readReply());
  }

  @Test
  void authWithoutPasswordConfigured() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR AUTH <password> called without any password configured for the default user. Are you sure "
        + "your configuration is correct?\r\n", r.command("AUTH", "pw").readReply());
    assertEquals("+OK\r\n", r.command("AUTH", "default", "anything").readReply());
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        r.command("AUTH", "bob", "pw").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("AUTH", "a", "b", "c").readReply());
  }

  @Test
  void resetRestoresAFreshConnection() throws Exception {
    RawClient r = raw();
    r.command("HELLO", "3").readReply();
    assertEquals("+OK\r\n", r.command("SELECT", "2").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "SETNAME", "n").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "SETINFO", "LIB-NAME", "lib").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-EVICT", "on").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-TOUCH", "on").readReply());
    r.command("CLIENT", "REPLY", "OFF");
    assertEquals("+RESET\r\n", r.command("RESET").readReply());
    String info = r.command("CLIENT", "INFO").readReply();
    assertTrue(info.contains(" name= "), info);
    assertTrue(info.contains(" db=0 "), info);
    assertTrue(info.contains(" flags=N "), info);
    assertTrue(info.contains(" resp=2 "), info);
    // the library stays: it still describes the client behind the connection
    assertTrue(info.contains(" lib-name=lib "), info);
    assertTrue(info.startsWith("$"), "RESP2 again: " + info);
    assertEquals("-ERR wrong number of arguments for 'reset' command\r\n", r.command("RESET", "x").readReply());
  }

  @Test
  void resetEndsMonitor() throws Exception {
    RawClient m = raw();
    assertEquals("+OK\r\n", m.command("MONITOR").readReply());
    assertEquals("+RESET\r\n", m.command("RESET").readReply());
    jedis.set("a", "b");
    assertEquals("+PONG\r\n", m.command("PING").readReply());
  }

  @Test
  void quitRepliesThenCloses() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("QUIT").readReply());
    assertTrue(r.closedByServer());
    // commands pipelined after QUIT are not run
    RawClient p = raw();
    p.send("*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
    assertEquals("+OK\r\n", p.readReply());
    assertTrue(p.closedByServer());
    assertEquals(null, jedis.get("after"));
  }
}
