package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DEBUG and the small server commands: FUNCTION FLUSH, MEMORY USAGE, TIME, LOLWUT, SHUTDOWN's refusals. */
class DebugIT extends ServerTestBase {
  @AfterEach
  void restore() throws Exception {
    RawClient r = raw();
    r.command("DEBUG", "SET-ACTIVE-EXPIRE", "1").readReply();
    r.command("DEBUG", "PAUSE-CRON", "0").readReply();
  }

  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-protected-configs", "yes"};
  }

  @Test
  void setActiveExpireAndPauseCronSwitchTheEngine() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("DEBUG", "SET-ACTIVE-EXPIRE", "0").readReply());
    assertFalse(server.engine().keyspace().activeExpireEnabled);
    assertEquals("+OK\r\n", r.command("debug", "set-active-expire", "1").readReply());
    assertTrue(server.engine().keyspace().activeExpireEnabled);
    assertEquals("+OK\r\n", r.command("DEBUG", "PAUSE-CRON", "1").readReply());
    assertTrue(server.engine().cronPaused);
    assertEquals("+OK\r\n", r.command("DEBUG", "PAUSE-CRON", "0").readReply());
    assertFalse(server.engine().cronPaused);
  }

  @Test
  void sleepHoldsTheServer() throws Exception {
    long t0 = System.nanoTime();
    assertEquals("+OK\r\n", raw().command("DEBUG", "SLEEP", "0.2").readReply());
    assertTrue(System.nanoTime() - t0 >= 190_000_000L);
    assertEquals("+OK\r\n", raw().command("DEBUG", "SLEEP", "0").readReply());
  }

  @Test
  void objectLine() throws Exception {
    jedis.set("k", "hello");
    jedis.set("n", "12345");
    RawClient r = raw();
    assertTrue(r.command("DEBUG", "OBJECT", "k").readReply().matches(
        "\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\\d+ lru_seconds_idle:\\d+\r\n"));
    assertTrue(r.command("DEBUG", "OBJECT", "n").readReply().contains(" encoding:int serializedlength:3 "));
    assertEquals("-ERR no such key\r\n", r.command("DEBUG", "OBJECT", "missing").readReply());
  }

  @Test
  void changeReplIdShowsInInfo() {
    String before = jedis.info("replication");
    jedis.sendCommand(() -> "DEBUG".getBytes(), "CHANGE-REPL-ID");
    assertNotEquals(before, jedis.info("replication"));
  }

  @Test
  void otherSubcommands() throws Exception {
    RawClient r = raw();
    assertEquals("+Apparently Redis did not crash: test passed\r\n",
        r.command("DEBUG", "STRINGMATCH-TEST").readReply());
    assertTrue(r.command("DEBUG", "JMAP").readReply().contains("heap_used:"));
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.\r\n",
        r.command("DEBUG", "nosuch").readReply());
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.\r\n",
        r.command("DEBUG", "sleep").readReply());
    assertTrue(r.command("DEBUG", "HELP").readReply().contains("+SET-ACTIVE-EXPIRE <0|1>\r\n"));
  }

  @Test
  void functionFlush() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.command("FUNCTION", "FLUSH").readReply());
    assertEquals("+OK\r\n", r.command("FUNCTION", "FLUSH", "async").readReply());
    assertEquals("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n",
        r.command("FUNCTION", "FLUSH", "later").readReply());
  }

  @Test
  void memoryUsageOfAString() throws Exception {
    jedis.set("key", "v".repeat(100));
    long usage = Long.parseLong(raw().command("MEMORY", "USAGE", "key").readReply().substring(1).trim());
    assertTrue(usage > 103 && usage < 400, "key, value and entry: " + usage);
    assertEquals("$-1\r\n", raw().command("MEMORY", "USAGE", "missing").readReply());
    assertEquals("-ERR syntax error\r\n", raw().command("MEMORY", "USAGE", "key", "FOO").readReply());
  }

  @Test
  void timeAndLolwut() throws Exception {
    java.util.List<String> t = jedis.time();
    assertTrue(Math.abs(Long.parseLong(t.get(0)) - System.currentTimeMillis() / 1000) <= 2);
    assertTrue(Long.parseLong(t.get(1)) < 1_000_000);
    assertTrue(raw().command("LOLWUT").readReply().contains("Redis ver. 7.2.4"));
  }

  @Test
  void shutdownCannotSaveAndSaysSo() throws Exception {
    RawClient r = raw();
    java.nio.file.Path gone = java.nio.file.Files.createTempDirectory("cairn-gone");
    String dir = jedis.configGet("dir").get("dir");
    jedis.configSet("dir", gone.toString());
    java.nio.file.Files.delete(gone); // the save cannot create its file: SHUTDOWN refuses to stop
    assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", r.command("SHUTDOWN", "SAVE").readReply());
    jedis.configSet("dir", dir);
    assertEquals("-ERR No shutdown in progress.\r\n", r.command("SHUTDOWN", "ABORT").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("SHUTDOWN", "SAVE", "NOSAVE").readReply());
    assertEquals("+PONG\r\n", r.command("PING").readReply());
  }
}
