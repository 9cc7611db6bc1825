package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** AUTH, HELLO AUTH, RESET and the protocol limits of unauthenticated clients, with requirepass set. */
class AuthIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--requirepass", "secret"};
  }

  @Override
  protected Jedis newJedis() {
    Jedis j = super.newJedis();
    j.auth("secret");
    return j;
  }

  @Test
  void commandsNeedAuth() throws Exception {
    RawClient r = raw();
    assertEquals("-NOAUTH Authentication required.\r\n", r.command("GET", "x").readReply());
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        r.command("AUTH", "wrong").readReply());
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        r.command("AUTH", "bob", "secret").readReply());
    assertEquals("-NOAUTH Authentication required.\r\n", r.command("GET", "x").readReply());
    assertEquals("+OK\r\n", r.command("AUTH", "secret").readReply());
    assertEquals("$-1\r\n", r.command("GET", "x").readReply());
    RawClient r2 = raw();
    assertEquals("+OK\r\n", r2.command("AUTH", "default", "secret").readReply());
    assertEquals("$-1\r\n", r2.command("GET", "x").readReply());
  }

  @Test
  void helloNeedsAuthFirstOrAuthOption() throws Exception {
    RawClient r = raw();
    assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> "
        + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at "
        + "the same time\r\n", r.command("HELLO", "3").readReply());
    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        r.command("HELLO", "3", "AUTH", "default", "nope").readReply());
    String ok = r.command("HELLO", "3", "AUTH", "default", "secret").readReply();
    assertTrue(ok.startsWith("%7\r\n"), ok);
    assertEquals("_\r\n", r.command("GET", "x").readReply());
  }

  @Test
  void resetLogsOut() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("AUTH", "secret").readReply());
    assertEquals("+RESET\r\n", r.command("RESET").readReply());
    assertEquals("-NOAUTH Authentication required.\r\n", r.command("GET", "x").readReply());
  }

  @Test
  void unauthenticatedClientsCannotSendLargeRequests() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n", r.send("*100\r\n").readReply());
    assertTrue(r.closedByServer());
    RawClient b = raw();
    assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n", b.send("*1\r\n$100000\r\n").readReply());
    assertTrue(b.closedByServer());
    RawClient ok = raw();
    ok.command("AUTH", "secret").readReply();
    assertEquals("+OK\r\n", ok.command("SET", "k", "x".repeat(100_000)).readReply());
  }
}
