package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MonitorIT extends ServerTestBase {
  /** {@code +<secs>.<micros> [<db> <ip:port>] <args>}, as Redis writes it. */
  private static void assertLine(String line, int db, String args) {
    assertTrue(line.matches("\\+\\d{10}\\.\\d{6} \\[" + db + " 127\\.0\\.0\\.1:\\d+\\] " + java.util.regex.Pattern
        .quote(args) + "\r\n"), line);
  }

  @Test
  void monitorShowsCommandsQuoted() throws Exception {
    RawClient m = raw();
    assertEquals("+OK\r\n", m.command("MONITOR").readReply());
    RawClient c = raw();
    c.command("SET", "foo", "bar").readReply();
    c.command("SELECT", "2").readReply();
    c.command("SET", "k", "a \"q\"\n\t\u0001\\").readReply();
    assertLine(m.readReply(), 0, "\"SET\" \"foo\" \"bar\"");
    // fed after it ran, so SELECT already shows the new database, as in Redis
    assertLine(m.readReply(), 2, "\"SELECT\" \"2\"");
    assertLine(m.readReply(), 2, "\"SET\" \"k\" \"a \\\"q\\\"\\n\\t\\x01\\\\\"");
  }

  @Test
  void monitorRedactsPasswordsAndSkipsAdminCommands() throws Exception {
    RawClient m = raw();
    assertEquals("+OK\r\n", m.command("MONITOR").readReply());
    RawClient c = raw();
    c.command("AUTH", "not-real").readReply();
    c.command("AUTH", "not-real", "not-a-password").readReply();
    c.command("HELLO", "2", "AUTH", "default", "pw").readReply();
    c.command("CLIENT", "LIST").readReply(); // admin: not shown
    c.command("GET", "x").readReply();
    assertLine(m.readReply(), 0, "\"AUTH\" \"(redacted)\"");
    assertLine(m.readReply(), 0, "\"AUTH\" \"(redacted)\" \"(redacted)\"");
    assertLine(m.readReply(), 0, "\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"");
    assertLine(m.readReply(), 0, "\"GET\" \"x\"");
  }

  @Test
  void monitorSeesItsOwnCommandsAndIgnoresASecondMonitor() throws Exception {
    RawClient m = raw();
    assertEquals("+OK\r\n", m.command("MONITOR").readReply());
    m.command("MONITOR"); // no reply: already monitoring
    m.command("PING");
    // the reply first, then the feed line: Redis feeds monitors after the command ran
    assertEquals("+PONG\r\n", m.readReply());
    assertLine(m.readReply(), 0, "\"PING\"");
    assertTrue(m.command("CLIENT", "INFO").readReply().contains(" flags=O "));
  }
}
