package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmokeIT extends ServerTestBase {
  @Test
  void setGetThroughJedis() {
    assertEquals("OK", jedis.set("k", "v"));
    assertEquals("v", jedis.get("k"));
  }

  @Test
  void inlinePingAndUnknownCommand() throws Exception {
    RawClient r = raw();
    assertEquals("+PONG\r\n", r.send("PING\r\n").readReply());
    assertEquals("-ERR unknown command 'foo', with args beginning with: 'bar' \r\n",
        r.send("foo bar\r\n").readReply());
  }

  @Test
  void protocolErrorClosesConnection() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR Protocol error: expected '$', got 'x'\r\n", r.send("*1\r\nx\r\n").readReply());
    assertTrue(r.closedByServer());
  }
}
