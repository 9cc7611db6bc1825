package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI/EXEC/WATCH through Jedis's transactions, and the protocol of queueing errors on a raw socket. */
class TransactionIT extends ServerTestBase {
  @Test
  void execRunsTheQueueInOrder() {
    Transaction t = jedis.multi();
    t.set("a", "1");
    t.incr("a");
    t.lpush("l", "x", "y");
    t.get("a");
    List<Object> results = t.exec();
    assertEquals(List.of("OK", 2L, 2L, "2"), results);
  }

  @Test
  void runtimeErrorsAreInTheResultsAndDoNotUndoTheRest() {
    jedis.set("s", "text");
    Transaction t = jedis.multi();
    t.set("a", "1");
    t.lpush("s", "x"); // wrong type: fails when run
    t.incr("a");
    List<Object> results = t.exec();
    assertEquals("OK", results.get(0));
    assertTrue(results.get(1) instanceof JedisDataException
        && ((JedisDataException) results.get(1)).getMessage().startsWith("WRONGTYPE"), results.toString());
    assertEquals(2L, results.get(2));
    assertEquals("2", jedis.get("a"));
  }

  @Test
  void aWatchedKeyChangedByAnotherClientFailsExec() {
    jedis.set("balance", "100");
    jedis.watch("balance");
    int balance = Integer.parseInt(jedis.get("balance"));
    try (Jedis other = newJedis()) {
      other.incrBy("balance", 5);
    }
    Transaction t = jedis.multi();
    t.set("balance", Integer.toString(balance - 10));
    assertNull(t.exec(), "EXEC replies null when a watched key changed");
    assertEquals("105", jedis.get("balance"));
    // a check-and-set retried without interference succeeds
    jedis.watch("balance");
    balance = Integer.parseInt(jedis.get("balance"));
    t = jedis.multi();
    t.set("balance", Integer.toString(balance - 10));
    assertEquals(List.of("OK"), t.exec());
    assertEquals("95", jedis.get("balance"));
  }

  @Test
  void watchedKeyExpiringFailsExec() throws Exception {
    jedis.psetex("k", 100, "v");
    jedis.watch("k");
    Thread.sleep(300);
    Transaction t = jedis.multi();
    t.set("other", "1");
    assertNull(t.exec());
    assertEquals(null, jedis.get("other"));
  }

  @Test
  void discardDropsTheQueue() {
    Transaction t = jedis.multi();
    t.set("a", "1");
    t.discard();
    assertEquals(null, jedis.get("a"));
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void queueingErrorsAbortWithExecabort() throws Exception {
    RawClient c = raw();
    assertEquals("+OK\r\n", c.command("MULTI").readReply());
    assertEquals("+QUEUED\r\n", c.command("SET", "a", "1").readReply());
    assertEquals("-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n", c.command("NOPE", "x").readReply());
    assertEquals("-ERR wrong number of arguments for 'set' command\r\n", c.command("SET", "b").readReply());
    assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", c.command("EXEC").readReply());
    assertEquals(":0\r\n", c.command("EXISTS", "a").readReply());
    assertEquals("+OK\r\n", c.command("MULTI").readReply());
    assertEquals("-ERR WATCH inside MULTI is not allowed\r\n", c.command("WATCH", "x").readReply());
    assertEquals("-ERR MULTI calls can not be nested\r\n", c.command("MULTI").readReply());
    assertEquals("*0\r\n", c.command("EXEC").readReply(), "errors of MULTI and WATCH do not abort");
  }

  @Test
  void pipelinedTransactionFromARawClient() throws Exception {
    RawClient c = raw();
    c.send("MULTI\r\nINCR n\r\nINCR n\r\nEXEC\r\nGET n\r\n");
    assertEquals("+OK\r\n", c.readReply());
    assertEquals("+QUEUED\r\n", c.readReply());
    assertEquals("+QUEUED\r\n", c.readReply());
    assertEquals("*2\r\n:1\r\n:2\r\n", c.readReply());
    assertEquals("$1\r\n2\r\n", c.readReply());
  }

  @Test
  void monitorSeesMultiThenTheQueuedCommandsThenExec() throws Exception {
    RawClient m = raw();
    assertEquals("+OK\r\n", m.command("MONITOR").readReply());
    RawClient c = raw();
    c.command("MULTI").readReply();
    c.command("SET", "foo", "bar").readReply();
    c.command("EXEC").readReply();
    assertTrue(m.readReply().contains("\"MULTI\""));
    assertTrue(m.readReply().contains("\"SET\" \"foo\" \"bar\""));
    assertTrue(m.readReply().contains("\"EXEC\""));
    // an aborted transaction still closes with EXEC in the feed
    c.command("MULTI").readReply();
    c.command("NOPE").readReply();
    c.command("EXEC").readReply();
    assertTrue(m.readReply().contains("\"MULTI\""));
    assertTrue(m.readReply().contains("\"EXEC\""));
  }

  @Test
  void commandstatsCountTheQueuedCommandsWhenRun() {
    jedis.configResetStat();
    Transaction t = jedis.multi();
    t.set("a", "1");
    t.set("b", "2");
    t.exec();
    String stats = jedis.info("commandstats");
    assertTrue(stats.contains("cmdstat_set:calls=2,"), stats);
    assertTrue(stats.contains("cmdstat_exec:calls=1,"), stats);
    assertTrue(stats.contains("cmdstat_multi:calls=1,"), stats);
  }
}
