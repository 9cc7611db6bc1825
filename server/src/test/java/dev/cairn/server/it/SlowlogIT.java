package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlowlogIT extends ServerTestBase {
  @BeforeEach
  void logEverything() {
    jedis.configSet("slowlog-log-slower-than", "0", "slowlog-max-len", "128");
    jedis.slowlogReset();
  }

  @AfterEach
  void restore() {
    jedis.configSet("slowlog-log-slower-than", "10000", "slowlog-max-len", "128");
  }

  @Test
  void entriesHaveRedisLayout() throws Exception {
    RawClient r = raw();
    r.command("SET", "foo", "bar").readReply();
    String reply = r.command("SLOWLOG", "GET", "1").readReply();
    // id, timestamp, microseconds, arguments, peer, client name
    assertTrue(Pattern.compile("\\*1\r\n\\*6\r\n:\\d+\r\n:\\d+\r\n:\\d+\r\n\\*3\r\n\\$3\r\nSET\r\n\\$3\r\nfoo\r\n"
        + "\\$3\r\nbar\r\n\\$\\d+\r\n127\\.0\\.0\\.1:\\d+\r\n\\$0\r\n\r\n").matcher(reply).matches(), reply);
  }

  @Test
  void newestFirstAndCount() throws Exception {
    RawClient r = raw();
    r.command("SET", "a", "1").readReply();
    r.command("GET", "a").readReply();
    String two = r.command("SLOWLOG", "GET", "2").readReply();
    assertTrue(two.indexOf("GET") < two.indexOf("SET"), two);
    assertTrue(jedis.slowlogLen() >= 3);
    String all = r.command("SLOWLOG", "GET", "-1").readReply();
    assertTrue(all.startsWith("*" + (jedis.slowlogLen() - 1) + "\r\n"), all);
    assertEquals("-ERR count should be greater than or equal to -1\r\n",
        r.command("SLOWLOG", "GET", "-2").readReply());
    assertEquals("-ERR count should be greater than or equal to -1\r\n",
        r.command("SLOWLOG", "GET", "x").readReply());
  }

  @Test
  void maxLenTrims() {
    jedis.configSet("slowlog-max-len", "2");
    for (int i = 0; i < 5; i++) {
      jedis.ping();
    }
    assertEquals(2, jedis.slowlogLen());
  }

  @Test
  void longArgumentsAreShortened() throws Exception {
    RawClient r = raw();
    String big = "x".repeat(200);
    String[] many = new String[40];
    many[0] = "DEL";
    for (int i = 1; i < many.length; i++) {
      many[i] = i == 1 ? big : "k" + i;
    }
    r.command(many).readReply();
    String entry = r.command("SLOWLOG", "GET", "1").readReply();
    assertTrue(entry.contains("*32\r\n$3\r\nDEL\r\n"), entry);
    assertTrue(entry.contains("x".repeat(128) + "... (72 more bytes)\r\n"), entry);
    assertTrue(entry.contains("... (9 more arguments)\r\n"), entry);
  }

  @Test
  void sensitiveConfigValuesAreRedacted() throws Exception {
    RawClient r = raw();
    r.command("CONFIG", "SET", "masterauth", "secret").readReply();
    String entry = r.command("SLOWLOG", "GET", "1").readReply();
    assertTrue(entry.contains("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$10\r\nmasterauth\r\n$10\r\n(redacted)\r\n"),
        entry);
    r.command("CONFIG", "SET", "masterauth", "").readReply();
  }

  @Test
  void aclSetuserShowsNeitherNameNorRules() throws Exception {
    RawClient r = raw();
    String redacted = "*5\r\n$3\r\nACL\r\n$7\r\nSETUSER\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n";
    assertEquals("+OK\r\n", r.command("ACL", "SETUSER", "slowlog-user", ">secret", "+get").readReply());
    String entry = r.command("SLOWLOG", "GET", "1").readReply();
    assertTrue(entry.contains(redacted), entry);
    assertTrue(r.command("ACL", "SETUSER", "slowlog user", ">secret", "+nosuchcommand").readReply().startsWith("-ERR"));
    entry = r.command("SLOWLOG", "GET", "1").readReply();
    assertTrue(entry.contains(redacted), entry); // a failed SETUSER too
    r.command("ACL", "DELUSER", "slowlog-user").readReply();
  }

  @Test
  void resetAndHelp() throws Exception {
    jedis.ping();
    assertEquals("OK", jedis.slowlogReset());
    assertEquals(1, jedis.slowlogLen()); // the RESET itself
    String help = raw().command("SLOWLOG", "HELP").readReply();
    assertTrue(help.startsWith("*12\r\n+SLOWLOG <subcommand>"), help);
  }
}
