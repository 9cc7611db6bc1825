package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Blocking XREAD and XREADGROUP: woken by XADD, by the group's destruction and by the key's deletion or change of type
 * (XREADGROUP only, as Redis 7.2), with timeouts and arrival order.
 */
class StreamBlockingIT extends ServerTestBase {
  private String cmd(RawClient c, String... args) throws Exception {
    return c.command(args).readReply();
  }

  @Test
  void xreadWaitsForEntriesAfterDollar() throws Exception {
    RawClient c = raw();
    cmd(c, "XADD", "s", "1-0", "old", "x");
    c.command("XREAD", "BLOCK", "0", "STREAMS", "other", "s", "$", "$");
    awaitBlockedClients(1);
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "2-0", "new", "y");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$3\r\nnew\r\n$1\r\ny\r\n", c.readReply());
    awaitBlockedClients(0);
  }

  @Test
  void xreadIgnoresDeletionAndOtherTypes() throws Exception {
    RawClient c = raw();
    RawClient w = raw();
    cmd(w, "XADD", "s", "1-0", "f", "v");
    c.command("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    awaitBlockedClients(1);
    cmd(w, "DEL", "s");
    cmd(w, "LPUSH", "s", "x");
    cmd(w, "DEL", "s");
    awaitBlockedClients(1);
    cmd(w, "XADD", "s", "3-0", "f", "v");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", c.readReply());
  }

  @Test
  void xreadTimesOutWithNull() throws Exception {
    RawClient c = raw();
    long start = System.nanoTime();
    assertEquals("*-1\r\n", cmd(c, "XREAD", "BLOCK", "100", "STREAMS", "s", "$"));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(90));
    cmd(c, "HELLO", "3");
    assertEquals("_\r\n", cmd(c, "XREAD", "BLOCK", "50", "STREAMS", "s", "$"));
  }

  @Test
  void waitersAreServedInArrivalOrder() throws Exception {
    RawClient a = raw();
    RawClient b = raw();
    cmd(a, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    a.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    b.command("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(2);
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "1-0", "f", "v");
    assertTrue(a.readReply().contains("1-0"));
    awaitBlockedClients(1);
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "2-0", "f", "v");
    assertTrue(b.readReply().contains("2-0"));
    String pending = jedis.sendCommand(redis.clients.jedis.Protocol.Command.XPENDING, "s", "g").toString();
    assertTrue(jedis.xpending("s", "g").getConsumerMessageCount().equals(java.util.Map.of("alice", 1L, "bob", 1L)),
        pending);
  }

  @Test
  void xreadgroupWakesWithNogroupOnDestroyDeleteAndFlush() throws Exception {
    RawClient c = raw();
    cmd(c, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    assertTrue(jedis.info("clients").contains("total_blocking_keys_on_nokey:1\r\n"));
    jedis.xgroupDestroy("s", "g");
    assertEquals("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n",
        c.readReply());
    cmd(c, "XGROUP", "CREATE", "s", "g", "$");
    c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    jedis.del("s");
    assertTrue(c.readReply().startsWith("-NOGROUP"));
    cmd(c, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    jedis.set("s", "now a string");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", c.readReply());
    jedis.del("s");
    cmd(c, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    jedis.flushAll();
    assertTrue(c.readReply().startsWith("-NOGROUP"));
    awaitBlockedClients(0);
    assertTrue(jedis.info("clients").contains("total_blocking_keys_on_nokey:0\r\n"));
    assertTrue(jedis.info("errorstats").contains("errorstat_NOGROUP:count=3"), jedis.info("errorstats"));
  }

  @Test
  void renameServesWaitersOfTheDestination() throws Exception {
    RawClient c = raw();
    cmd(c, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    c.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
    awaitBlockedClients(1);
    RawClient w = raw();
    cmd(w, "XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM");
    cmd(w, "XADD", "s2", "100-0", "f", "v");
    cmd(w, "RENAME", "s2", "s");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$5\r\n100-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", c.readReply());
  }

  @Test
  void historyReadsNeverBlock() throws Exception {
    RawClient c = raw();
    cmd(c, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", cmd(c, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS",
        "s", "0"));
    assertEquals("*-1\r\n", cmd(c, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "20", "STREAMS", "s", ">"));
  }

  @Test
  void scriptsMayReadStreamsButNotBlock() throws Exception {
    RawClient c = raw();
    cmd(c, "XADD", "s", "1-0", "f", "v");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
        cmd(c, "EVAL", "return redis.call('XREAD', 'STREAMS', 's', '0')", "0"));
    String err = cmd(c, "EVAL", "return redis.call('xread', 'BLOCK', '0', 'STREAMS', 's', '$')", "0");
    assertTrue(err.startsWith("-ERR xread command is not allowed with BLOCK option from scripts"), err);
    awaitBlockedClients(0);
  }
}
