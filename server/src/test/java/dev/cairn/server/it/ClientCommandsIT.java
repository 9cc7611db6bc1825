package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientCommandsIT extends ServerTestBase {
  /** Redis 7.2's CLIENT LIST line: every field, in order. */
  private static final Pattern LINE = Pattern.compile("id=(\\d+) addr=127\\.0\\.0\\.1:(\\d+) laddr=127\\.0\\.0\\.1:\\d+ "
      + "fd=\\d+ name=(\\S*) age=\\d+ idle=\\d+ flags=(\\w+) db=(\\d+) sub=0 psub=0 ssub=0 multi=-1 qbuf=(\\d+) "
      + "qbuf-free=\\d+ argv-mem=(\\d+) multi-mem=0 rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ "
      + "events=r cmd=(\\S+) user=default redir=-1 resp=([23]) lib-name=(\\S*) lib-ver=(\\S*)");

  /**
   * Ends any pause a test left (PAUSE ALL holds even CLIENT UNPAUSE, so on the engine thread) and waits until that
   * has run: handed over and not waited for, the task was seen to run milliseconds later, after the next test's
   * FLUSHALL and CLIENT PAUSE had been served, ending that test's pause (CI runs failed on it twice).
   */
  @AfterEach
  void unpause() throws Exception {
    onEngine(() -> {
      server.engine().pauses().unpause();
      return null;
    });
  }

  private static String bulkText(String reply) {
    int nl = reply.indexOf("\r\n");
    return reply.substring(nl + 2, reply.length() - 2);
  }

  private static long id(RawClient r) throws Exception {
    String reply = r.command("CLIENT", "ID").readReply();
    return Long.parseLong(reply.substring(1, reply.length() - 2));
  }

  @Test
  void clientInfoHasRedisFieldsInOrder() throws Exception {
    RawClient r = raw();
    long id = id(r);
    String info = bulkText(r.command("CLIENT", "INFO").readReply());
    assertTrue(info.endsWith("\n"), info);
    Matcher m = LINE.matcher(info.trim());
    assertTrue(m.matches(), info);
    assertEquals(Long.toString(id), m.group(1));
    assertEquals("N", m.group(4));
    assertEquals("26", m.group(6), "qbuf counts the running command, as in Redis");
    assertEquals("10", m.group(7), "argv-mem: 'client' + 'info'");
    assertEquals("client|info", m.group(8));
    assertEquals("2", m.group(9));
  }

  @Test
  void clientListShowsEveryClientAndFilters() throws Exception {
    RawClient a = raw();
    RawClient b = raw();
    long idA = id(a);
    long idB = id(b);
    b.command("CLIENT", "SETNAME", "bee").readReply();
    b.command("CLIENT", "SETINFO", "LIB-NAME", "mylib").readReply();
    b.command("CLIENT", "SETINFO", "LIB-VER", "1.2").readReply();
    b.command("SELECT", "5").readReply();
    String all = bulkText(a.command("CLIENT", "LIST").readReply());
    String[] lines = all.split("\n");
    assertTrue(lines.length >= 3, all);
    for (String line : lines) {
      assertTrue(LINE.matcher(line).matches(), line);
    }
    assertTrue(all.contains("id=" + idB + " "), all);
    assertTrue(all.matches("(?s).*id=" + idB + " .* name=bee .* db=5 .* cmd=select .* lib-name=mylib lib-ver=1\\.2\n.*"),
        all);

    String byId = bulkText(a.command("CLIENT", "LIST", "ID", Long.toString(idB), "999999").readReply());
    assertEquals(1, byId.split("\n").length);
    assertTrue(byId.startsWith("id=" + idB + " "), byId);
    String normal = bulkText(a.command("CLIENT", "LIST", "TYPE", "normal").readReply());
    assertTrue(normal.contains("id=" + idA + " ") && normal.contains("id=" + idB + " "), normal);
    assertEquals("$0\r\n\r\n", a.command("CLIENT", "LIST", "TYPE", "pubsub").readReply());
    assertEquals("$0\r\n\r\n", a.command("CLIENT", "LIST", "TYPE", "replica").readReply());

    assertEquals("-ERR Unknown client type 'foo'\r\n", a.command("CLIENT", "LIST", "TYPE", "foo").readReply());
    assertEquals("-ERR Invalid client ID\r\n", a.command("CLIENT", "LIST", "ID", "x").readReply());
    assertEquals("-ERR syntax error\r\n", a.command("CLIENT", "LIST", "TYPE").readReply());
    assertEquals("-ERR syntax error\r\n", a.command("CLIENT", "LIST", "foo", "bar").readReply());
  }

  @Test
  void clientListIsVerbatimInResp3() throws Exception {
    RawClient r = raw();
    r.command("HELLO", "3").readReply();
    String reply = r.command("CLIENT", "INFO").readReply();
    assertTrue(reply.startsWith("="), reply);
    assertTrue(bulkText(reply).startsWith("txt:id="), reply);
  }

  @Test
  void setnameGetname() throws Exception {
    RawClient r = raw();
    assertEquals("$-1\r\n", r.command("CLIENT", "GETNAME").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "SETNAME", "abc~!").readReply());
    assertEquals("$5\r\nabc~!\r\n", r.command("CLIENT", "GETNAME").readReply());
    for (String bad : new String[] {"a b", "a\nb", "\u00e9", "a\u007fb"}) {
      assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
          r.command("CLIENT", "SETNAME", bad).readReply(), bad);
    }
    assertEquals("+OK\r\n", r.command("CLIENT", "SETNAME", "").readReply());
    assertEquals("$-1\r\n", r.command("CLIENT", "GETNAME").readReply());
    assertEquals("-ERR wrong number of arguments for 'client|setname' command\r\n",
        r.command("CLIENT", "SETNAME").readReply());
  }

  @Test
  void setinfoErrors() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR wrong number of arguments for 'client|setinfo' command\r\n",
        r.command("CLIENT", "SETINFO", "lib-name").readReply());
    assertEquals("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
        r.command("CLIENT", "SETINFO", "lib-name", "redis py").readReply());
    assertEquals("-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n",
        r.command("CLIENT", "SETINFO", "LIB-VER", "1\n").readReply());
    assertEquals("-ERR Unrecognized option 'badger'\r\n",
        r.command("CLIENT", "SETINFO", "badger", "hamster").readReply());
  }

  @Test
  void unknownSubcommandAndHelp() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", r.command("CLIENT", "foo").readReply());
    assertEquals("-ERR wrong number of arguments for 'client' command\r\n", r.command("CLIENT").readReply());
    String help = r.command("CLIENT", "HELP").readReply();
    assertTrue(help.startsWith("*54\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), help);
    assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
  }

  @Test
  void killErrors() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR wrong number of arguments for 'client|kill' command\r\n", r.command("CLIENT", "KILL")
        .readReply());
    assertEquals("-ERR syntax error\r\n", r.command("CLIENT", "KILL", "ID", "10", "wrong_arg").readReply());
    for (String bad : new String[] {"str", "-1", "0"}) {
      assertEquals("-ERR client-id should be greater than 0\r\n", r.command("CLIENT", "KILL", "ID", bad).readReply());
    }
    assertEquals("-ERR Unknown client type 'wrong_type'\r\n",
        r.command("CLIENT", "KILL", "TYPE", "wrong_type").readReply());
    assertEquals("-ERR No such user 'wrong_user'\r\n", r.command("CLIENT", "KILL", "USER", "wrong_user").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("CLIENT", "KILL", "SKIPME", "yes_or_no").readReply());
    assertEquals("-ERR No such client\r\n", r.command("CLIENT", "KILL", "1.2.3.4:5").readReply());
    assertEquals(":0\r\n", r.command("CLIENT", "KILL", "ID", "999999").readReply());
  }

  @Test
  void killByIdAddrLaddrAndOldForm() throws Exception {
    RawClient killer = raw();
    RawClient v1 = raw();
    RawClient v2 = raw();
    RawClient v3 = raw();
    assertEquals(":1\r\n", killer.command("CLIENT", "KILL", "ID", Long.toString(id(v1))).readReply());
    assertTrue(v1.closedByServer());
    String addr = addrOf(killer, id(v2));
    assertEquals(":1\r\n", killer.command("CLIENT", "KILL", "ADDR", addr, "ID", Long.toString(id(v2))).readReply());
    assertTrue(v2.closedByServer());
    String addr3 = addrOf(killer, id(v3));
    assertEquals("+OK\r\n", killer.command("CLIENT", "KILL", addr3).readReply());
    assertTrue(v3.closedByServer());
    // the old form can kill the caller itself, after the reply
    String mine = addrOf(killer, id(killer));
    assertEquals("+OK\r\n", killer.command("CLIENT", "KILL", mine).readReply());
    assertTrue(killer.closedByServer());
    RawClient other = raw();
    assertEquals(":0\r\n", other.command("CLIENT", "KILL", "LADDR", "1.2.3.4:1").readReply());
  }

  private static String addrOf(RawClient r, long id) throws Exception {
    String line = bulkText(r.command("CLIENT", "LIST", "ID", Long.toString(id)).readReply());
    Matcher m = Pattern.compile("addr=(\\S+)").matcher(line);
    assertTrue(m.find(), line);
    return m.group(1);
  }

  @Test
  void killSkipmeAndType() throws Exception {
    RawClient me = raw();
    RawClient other = raw();
    id(other);
    String reply = me.command("CLIENT", "KILL", "TYPE", "normal", "USER", "default").readReply();
    assertTrue(Integer.parseInt(reply.substring(1, reply.length() - 2)) >= 2, reply); // other + the Jedis client
    assertTrue(other.closedByServer());
    assertEquals("+PONG\r\n", me.command("PING").readReply());
    reply = me.command("CLIENT", "KILL", "SKIPME", "no").readReply();
    assertEquals(":1\r\n", reply);
    assertTrue(me.closedByServer());
  }

  @Test
  void pauseWriteHoldsWritesUntilUnpause() throws Exception {
    RawClient admin = raw();
    RawClient writer = raw();
    RawClient reader = raw();
    assertEquals("+OK\r\n", admin.command("CLIENT", "PAUSE", "60000", "WRITE").readReply());
    writer.command("SET", "k", "v");
    assertEquals("$-1\r\n", reader.command("GET", "k").readReply());
    assertEquals("+PONG\r\n", reader.command("PING").readReply());
    // arity errors are answered at once, paused or not
    assertEquals("-ERR wrong number of arguments for 'set' command\r\n", reader.command("SET", "x").readReply());
    assertNoReplyYet(writer);
    assertTrue(bulkText(admin.command("CLIENT", "LIST", "ID", Long.toString(clientIdOf(writer, admin)))
        .readReply()).contains("flags=b"));
    assertEquals("+OK\r\n", admin.command("CLIENT", "UNPAUSE").readReply());
    assertEquals("+OK\r\n", writer.readReply());
    assertEquals("$1\r\nv\r\n", reader.command("GET", "k").readReply());
  }

  @Test
  void expiryIsPausedWithTheClients() throws Exception {
    RawClient r = raw();
    long expiredBefore = expiredKeys();
    r.command("MULTI").readReply();
    r.command("SET", "foo", "bar", "PX", "10").readReply();
    r.command("SET", "bar", "foo", "PX", "10").readReply();
    r.command("CLIENT", "PAUSE", "50000", "WRITE").readReply();
    r.command("EXEC").readReply();
    try {
      Thread.sleep(300); // several cron ticks: the active cycle would have found them
      assertEquals("$-1\r\n", r.command("GET", "foo").readReply(), "logically expired");
      assertEquals("$-1\r\n", r.command("GET", "bar").readReply());
      assertEquals(expiredBefore, expiredKeys(), "nothing deleted while paused");
    } finally {
      r.command("CLIENT", "UNPAUSE").readReply();
    }
    r.command("GET", "foo").readReply();
    r.command("GET", "bar").readReply();
    assertEquals(expiredBefore + 2, expiredKeys());
  }

  private long expiredKeys() {
    return Long.parseLong(jedis.info("stats").replaceAll("(?s).*expired_keys:(\\d+).*", "$1"));
  }

  /** The id of {@code r}'s connection, looked up by another client (r itself may be paused). */
  private long clientIdOf(RawClient r, RawClient via) throws Exception {
    String list = bulkText(via.command("CLIENT", "LIST").readReply());
    Matcher m = Pattern.compile("id=(\\d+) addr=127\\.0\\.0\\.1:" + r.localPort() + " ").matcher(list);
    assertTrue(m.find(), list);
    return Long.parseLong(m.group(1));
  }

  @Test
  void pauseAllHoldsEverythingUntilTimeout() throws Exception {
    RawClient admin = raw();
    RawClient reader = raw();
    long start = System.nanoTime();
    assertEquals("+OK\r\n", admin.command("CLIENT", "PAUSE", "300", "ALL").readReply());
    assertEquals("+OK\r\n", admin.command("CLIENT", "PAUSE", "10", "WRITE").readReply());
    assertEquals("$-1\r\n", reader.command("GET", "k").readReply());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(elapsedMs >= 250, "GET waited for the longer, stricter pause: " + elapsedMs);
  }

  @Test
  void pauseErrors() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", r.command("CLIENT", "PAUSE", "abc", "foo")
        .readReply());
    assertEquals("-ERR timeout is not an integer or out of range\r\n", r.command("CLIENT", "PAUSE", "abc")
        .readReply());
    assertEquals("-ERR timeout is negative\r\n", r.command("CLIENT", "PAUSE", "-1").readReply());
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n",
        r.command("client", "pause", "10", "write", "x").readReply());
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
        r.command("CLIENT", "PAUSE", "10", "write", "x").readReply());
  }

  @Test
  void replyOffAndSkip() throws Exception {
    RawClient r = raw();
    r.command("CLIENT", "REPLY", "OFF");
    r.command("PING", "silenced");
    r.command("NOSUCHCOMMAND");
    assertEquals("+OK\r\n", r.command("CLIENT", "REPLY", "ON").readReply());
    r.command("CLIENT", "REPLY", "SKIP");
    r.command("PING", "skipped");
    assertEquals("$4\r\nnext\r\n", r.command("PING", "next").readReply());
    r.command("CLIENT", "REPLY", "SKIP");
    assertEquals("+OK\r\n", r.command("CLIENT", "REPLY", "ON").readReply());
    assertEquals("+PONG\r\n", r.command("PING").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("CLIENT", "REPLY", "maybe").readReply());
  }

  @Test
  void noEvictAndNoTouchFlags() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-EVICT", "on").readReply());
    assertTrue(bulkText(r.command("CLIENT", "INFO").readReply()).contains(" flags=e "));
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-TOUCH", "ON").readReply());
    assertTrue(bulkText(r.command("CLIENT", "INFO").readReply()).contains(" flags=eT "));
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-EVICT", "off").readReply());
    assertEquals("+OK\r\n", r.command("CLIENT", "NO-TOUCH", "off").readReply());
    assertTrue(bulkText(r.command("CLIENT", "INFO").readReply()).contains(" flags=N "));
    assertEquals("-ERR syntax error\r\n", r.command("CLIENT", "NO-EVICT", "maybe").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("CLIENT", "NO-TOUCH", "maybe").readReply());
  }

  private static void assertNoReplyYet(RawClient r) throws Exception {
    r.setTimeout(200);
    try {
      String got = r.readReply();
      assertFalse(true, "unexpected reply " + got);
    } catch (SocketTimeoutException expected) {
      // still waiting, as it should
    } finally {
      r.setTimeout(5000);
    }
  }
}
