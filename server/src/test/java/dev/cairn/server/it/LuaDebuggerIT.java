package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The Lua debugger (SCRIPT DEBUG SYNC, what redis-cli --ldb-sync-mode drives), through raw RESP: each debugger answer
 * is an array of simple strings, as Redis's LDB sends them.
 */
class LuaDebuggerIT extends ServerTestBase {
  private static String lines(String... l) {
    StringBuilder sb = new StringBuilder("*").append(l.length).append("\r\n");
    for (String s : l) {
      sb.append('+').append(s).append("\r\n");
    }
    return sb.toString();
  }

  private RawClient debugging() throws IOException {
    RawClient c = new RawClient("127.0.0.1", port());
    closeAfter(c);
    assertEquals("+OK\r\n", c.command("SCRIPT", "DEBUG", "SYNC").readReply());
    return c;
  }

  @Test
  void stepsPrintsTracesCommandsAndEndsTheSessionWithTheReply() throws Exception {
    RawClient c = debugging();
    String script = "local a = 1\nlocal b = redis.call('set','k','v')\nreturn b\n";
    assertEquals(lines("* Stopped at 1, stop reason = step over", "-> 1   local a = 1"),
        c.command("EVAL", script, "0").readReply());
    assertEquals(lines("* Stopped at 2, stop reason = step over", "-> 2   local b = redis.call('set','k','v')"),
        c.command("step").readReply());
    assertEquals(lines("<value> a = 1"), c.command("print").readReply());
    assertEquals(lines("<value> 1"), c.command("p", "a").readReply());
    assertEquals(lines("No such variable."), c.command("p", "nosuch").readReply());
    assertEquals(lines("<redis> set k v", "<reply> \"+OK\"", "* Stopped at 3, stop reason = step over",
        "-> 3   return b"), c.command("s").readReply());
    assertEquals(lines("   1   local a = 1", "   2   local b = redis.call('set','k','v')", "-> 3   return b"),
        c.command("whole").readReply());
    assertEquals(lines("   2   local b = redis.call('set','k','v')", "-> 3   return b"),
        c.command("list", "3", "1").readReply());
    assertEquals(lines("<retval> 3"), c.command("eval", "1", "+", "2").readReply());
    assertEquals(lines("<retval> {1; \"x\"; {[\"k\"]=true}}"),
        c.command("e", "{1, 'x', {k = true}}").readReply());
    assertEquals(lines("<redis> get k", "<reply> \"v\""), c.command("redis", "get", "k").readReply());
    assertEquals(lines("In top level:", "-> 3   return b"), c.command("trace").readReply());
    assertEquals(lines("<error> Unknown Redis Lua debugger command or wrong number of arguments."),
        c.command("hello\0world").readReply());
    assertEquals(lines("<endsession>"), c.command("continue").readReply());
    assertEquals("+OK\r\n", c.readReply()); // the script's reply, then the connection closes
    assertTrue(c.closedByServer());
    assertEquals("v", jedis.get("k"));
  }

  @Test
  void breakpointsStopWhereTheyAreAndRedisBreakpointAndDebugWork() throws Exception {
    RawClient c = debugging();
    String script = "local x = 0\nfor i = 1, 3 do\n  x = x + i\nend\nredis.debug('x is', x)\nredis.breakpoint()\n"
        + "return x\n";
    c.command("EVAL", script, "0").readReply();
    assertEquals(lines("   2   for i = 1, 3 do", "  #3     x = x + i", "   4   end"),
        c.command("break", "3").readReply(), "a new breakpoint lists its line and the lines around it");
    assertEquals(lines("* Stopped at 3, stop reason = break point", "->#3     x = x + i"),
        c.command("c").readReply());
    assertEquals(lines("<value> 0"), c.command("p", "x").readReply());
    assertEquals(lines("* Stopped at 3, stop reason = break point", "->#3     x = x + i"),
        c.command("c").readReply());
    assertEquals(lines("<value> 1"), c.command("p", "x").readReply());
    assertEquals(lines("Breakpoint removed."), c.command("b", "-3").readReply());
    assertEquals(lines("No breakpoints set. Use 'b <line>' to add one."), c.command("b").readReply());
    assertEquals(lines("<debug> line 5: \"x is\", 6", "* Stopped at 7, stop reason = redis.breakpoint() called",
        "-> 7   return x"), c.command("c").readReply());
    assertEquals(lines("<endsession>"), c.command("c").readReply());
    assertEquals(":6\r\n", c.readReply());
  }

  @Test
  void otherClientsWaitUntilTheSessionEnds() throws Exception {
    RawClient c = debugging();
    c.command("EVAL", "redis.call('incr','n')\nreturn 1", "0").readReply();
    RawClient other = new RawClient("127.0.0.1", port());
    closeAfter(other);
    other.setTimeout(500);
    other.command("GET", "n");
    assertThrows(SocketTimeoutException.class, other::readReply, "the server serves nobody else meanwhile");
    assertEquals(lines("<endsession>"), c.command("c").readReply());
    other.setTimeout(5000);
    assertEquals("$1\r\n1\r\n", other.readReply());
  }

  @Test
  void abortFailsTheScriptAndALongRunStops() throws Exception {
    jedis.configSet("busy-reply-threshold", "200");
    try {
      RawClient c = debugging();
      c.command("EVAL", "local i = 0\nwhile true do\n  i = i + 1\nend", "0").readReply();
      String stop = c.command("continue").readReply();
      assertTrue(stop.contains("stop reason = timeout reached, infinite loop?"), stop);
      assertEquals(lines("<endsession>"), c.command("abort").readReply());
      String reply = c.readReply();
      assertTrue(reply.startsWith("-ERR script aborted for user request"), reply);
    } finally {
      jedis.configSet("busy-reply-threshold", "5000");
    }
  }

  @Test
  void aClientThatLeavesLetsItsScriptFinish() throws Exception {
    RawClient c = debugging();
    c.command("EVAL", "redis.call('set','left','1')\nreturn 1", "0").readReply();
    c.close();
    for (int i = 0; i < 100 && jedis.exists("left") == false; i++) {
      Thread.sleep(20);
    }
    assertEquals("1", jedis.get("left"));
  }

  @Test
  void theRedisCommandOfTheDebuggerRefusesUnknownCommandsAndTheServerStaysUp() throws Exception {
    RawClient c = debugging();
    c.command("EVAL", "return 'hello'", "0").readReply();
    String[] argv = new String[101];
    argv[0] = "redis";
    java.util.Arrays.fill(argv, 1, 101, "test");
    String r = c.command(argv).readReply();
    assertTrue(r.startsWith("*2\r\n+<redis> test test test test test test test test test test ... (89 more)\r\n"
        + "+<error> Unknown Redis command called from script"), r);
    c.close();
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void yesEvalshaAndErrorsBeforeTheRun() throws Exception {
    try (RawClient c = new RawClient("127.0.0.1", port())) {
      assertTrue(c.command("SCRIPT", "DEBUG", "YES").readReply().startsWith("-ERR SCRIPT DEBUG YES"));
      assertEquals("-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n", c.command("SCRIPT", "DEBUG", "MAYBE").readReply());
      assertEquals("+OK\r\n", c.command("SCRIPT", "DEBUG", "SYNC").readReply());
      assertEquals("-ERR Please use EVAL instead of EVALSHA for debugging\r\n",
          c.command("EVALSHA", "a".repeat(40), "0").readReply());
      assertEquals(lines("<endsession>"), c.command("EVAL", "return +", "0").readReply());
      assertTrue(c.readReply().startsWith("-ERR Error compiling script"));
      assertTrue(c.closedByServer());
    }
    try (RawClient c = new RawClient("127.0.0.1", port())) {
      assertEquals("+OK\r\n", c.command("SCRIPT", "DEBUG", "SYNC").readReply());
      assertEquals("+OK\r\n", c.command("SCRIPT", "DEBUG", "NO").readReply());
      assertEquals("$2\r\nhi\r\n", c.command("EVAL", "return 'hi'", "0").readReply());
    }
  }
}
