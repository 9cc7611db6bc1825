package dev.cairn.core.multi;

import static dev.cairn.core.EngineClients.bulk;
import static dev.cairn.core.EngineClients.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MULTI/EXEC/DISCARD/WATCH through the dispatcher, with a second client to touch watched keys. */
class MultiCommandsTest {
  private static final String OK = "+OK\r\n";
  private static final String QUEUED = "+QUEUED\r\n";
  private static final String NULL_ARRAY = "*-1\r\n";
  private EngineClients clients;
  private int c;
  private int other;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    c = clients.connect();
    other = clients.connect();
  }

  private static final String PONG_ARRAY = "*1\r\n+PONG\r\n";

  private String run(String... args) {
    return clients.run(c, args);
  }

  /** MULTI, PING, EXEC: the EXEC reply ({@link #PONG_ARRAY} if it ran, a null array if a watched key changed). */
  private String pingTransaction() {
    run("MULTI");
    run("PING");
    return run("EXEC");
  }

  @Test
  @DisplayName("MULTI / EXEC basics")
  void basics() {
    run("RPUSH", "mylist", "a", "b", "c");
    assertEquals(OK, run("MULTI"));
    assertEquals(QUEUED, run("LRANGE", "mylist", "0", "-1"));
    assertEquals(QUEUED, run("PING"));
    assertEquals("*2\r\n*3\r\n" + bulk("a") + bulk("b") + bulk("c") + "+PONG\r\n", run("EXEC"));
    assertEquals("+PONG\r\n", run("PING"), "the client left the transaction");
  }

  @Test
  @DisplayName("DISCARD")
  void discard() {
    run("RPUSH", "mylist", "a");
    run("MULTI");
    assertEquals(QUEUED, run("DEL", "mylist"));
    assertEquals(OK, run("DISCARD"));
    assertEquals(integer(1), run("LLEN", "mylist"));
    assertEquals("-ERR DISCARD without MULTI\r\n", run("DISCARD"));
    assertEquals("-ERR EXEC without MULTI\r\n", run("EXEC"));
  }

  @Test
  void nestedMultiAndWatchInsideMultiAreErrorsThatDoNotAbort() {
    run("MULTI");
    assertEquals("-ERR MULTI calls can not be nested\r\n", run("MULTI"));
    assertEquals("-ERR WATCH inside MULTI is not allowed\r\n", run("WATCH", "x"));
    run("SET", "x", "1");
    assertEquals("*1\r\n+OK\r\n", run("EXEC"));
  }

  @Test
  @DisplayName("EXEC fails if there are errors while queueing commands #1")
  void queueingErrorsAbort() {
    run("MULTI");
    run("SET", "foo1", "bar1");
    assertEquals("-ERR unknown command 'NON-EXISTING-COMMAND', with args beginning with: \r\n",
        run("NON-EXISTING-COMMAND"));
    assertEquals("-ERR wrong number of arguments for 'get' command\r\n", run("GET"));
    run("SET", "foo2", "bar2");
    assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", run("EXEC"));
    assertEquals(integer(0), run("EXISTS", "foo1", "foo2"));
    assertEquals("+PONG\r\n", run("PING"), "the MULTI state is gone");
    assertTrue(clients.engine.stats().errorCounts.getOrDefault("EXECABORT", 0L) >= 1);
  }

  @Test
  void aRefusedExecDiscardsTheTransactionWithTheReason() {
    run("MULTI");
    run("SET", "a", "1");
    assertEquals("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
        run("EXEC", "extra"));
    assertEquals("-ERR EXEC without MULTI\r\n", run("EXEC"));
  }

  @Test
  void commandsThatMayNotRunInMultiAbortIt() {
    run("MULTI");
    assertEquals("-ERR Command not allowed inside a transaction\r\n", run("SHUTDOWN"));
    assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", run("EXEC"));
  }

  @Test
  void runtimeErrorsDoNotRollBack() {
    run("MULTI");
    run("SET", "a", "1");
    run("LPUSH", "a", "x");
    run("INCR", "a");
    assertEquals("*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:2\r\n",
        run("EXEC"));
  }

  @Test
  @DisplayName("MULTI where commands alter argc/argv")
  void spopInsideMulti() {
    run("SADD", "myset", "a");
    run("MULTI");
    run("SPOP", "myset");
    assertEquals("*1\r\n" + bulk("a"), run("EXEC"));
    assertEquals(integer(0), run("EXISTS", "myset"));
  }

  @Test
  @DisplayName("Blocking commands ignores the timeout")
  void blockingCommandsAnswerAtOnce() {
    run("MULTI");
    run("BLPOP", "empty", "0");
    run("BRPOPLPUSH", "empty1", "empty2", "0");
    run("BLMOVE", "empty1", "empty2", "LEFT", "LEFT", "0");
    run("BZPOPMIN", "emptyz", "0");
    run("BLMPOP", "0", "1", "empty", "LEFT");
    // as Redis: the list moves answer a null bulk when they may not block, the pops a null array
    assertEquals("*5\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n", run("EXEC"));
    assertTrue(!clients.session(c).suspended());
  }

  @Test
  @DisplayName("EXEC with at least one use-memory command should fail")
  void overMaxmemoryOnlyMemoryUsingTransactionsFail() {
    String oom = "OOM command not allowed when used memory > 'maxmemory'.";
    run("MULTI");
    run("GET", "x");
    run("PING");
    clients.run(other, "CONFIG", "SET", "maxmemory", "1");
    assertEquals("*2\r\n$-1\r\n+PONG\r\n", run("EXEC"), "only read commands: not rejected when OOM");
    assertEquals("-" + oom + "\r\n", run("SET", "x", "1"));
    assertEquals(OK, run("MULTI"));
    assertEquals("-" + oom + "\r\n", run("GET", "x"), "in MULTI nothing may be queued while OOM");
    assertEquals(OK, run("DISCARD"), "DISCARD should not fail during OOM");
    clients.run(other, "CONFIG", "SET", "maxmemory", "0");
    run("MULTI");
    run("SET", "x", "1");
    run("GET", "x");
    clients.run(other, "CONFIG", "SET", "maxmemory", "1");
    assertEquals("-EXECABORT Transaction discarded because of: " + oom + "\r\n", run("EXEC"));
    clients.run(other, "CONFIG", "SET", "maxmemory", "0");
    assertEquals("$-1\r\n", run("GET", "x"));
  }

  // ---- WATCH

  @Test
  @DisplayName("EXEC fail on WATCHed key modified (1 key of 5 watched)")
  void watchedKeyModifiedByAnotherClient() {
    run("SET", "x", "30");
    assertEquals(OK, run("WATCH", "a", "b", "x", "k", "z"));
    clients.run(other, "SET", "x", "40");
    assertEquals(NULL_ARRAY, pingTransaction());
  }

  @Test
  @DisplayName("EXEC works on WATCHed key not modified")
  void watchedKeysUntouched() {
    run("WATCH", "x", "y", "z");
    run("WATCH", "k");
    clients.run(other, "SET", "unrelated", "1");
    assertEquals(PONG_ARRAY, pingTransaction());
  }

  @Test
  void watchRemembersTheDatabase() {
    run("SELECT", "5");
    run("SET", "x", "30");
    run("WATCH", "x");
    clients.run(other, "SELECT", "1");
    clients.run(other, "SET", "x", "10");
    assertEquals(PONG_ARRAY, pingTransaction());
  }

  @Test
  void afterExecOrUnwatchKeysAreNoLongerWatched() {
    run("SET", "x", "30");
    run("WATCH", "x");
    pingTransaction();
    run("SET", "x", "40");
    assertEquals(PONG_ARRAY, pingTransaction(), "After successful EXEC key is no longer watched");
    run("WATCH", "x");
    run("SET", "x", "50");
    assertEquals(OK, run("UNWATCH"));
    assertEquals(PONG_ARRAY, pingTransaction(), "It is possible to UNWATCH");
  }

  @Test
  @DisplayName("DISCARD should clear the WATCH dirty flag on the client")
  void discardClearsTheDirtyFlagAndUnwatches() {
    run("WATCH", "x");
    run("SET", "x", "10");
    run("MULTI");
    run("DISCARD");
    run("MULTI");
    run("INCR", "x");
    assertEquals("*1\r\n:11\r\n", run("EXEC"));
  }

  @Test
  void everyKindOfModificationTouchesWatchedKeys() {
    String[][] touches = {
        {"EXPIRE", "x", "100"}, {"DEL", "x"}, {"RENAME", "x", "y"}, {"RENAME", "y", "x"}, {"APPEND", "x", "!"},
        {"FLUSHDB"}, {"FLUSHALL"}, {"SWAPDB", "0", "1"}, {"MOVE", "x", "3"}, {"COPY", "y", "x", "REPLACE"},
        {"SORT", "emptylist", "STORE", "x"}, {"GETDEL", "x"}, {"SET", "x", "v", "KEEPTTL"}};
    for (String[] touch : touches) {
      clients.run(other, "FLUSHALL");
      clients.run(other, "SET", "x", "1");
      clients.run(other, "SET", "y", "2");
      run("WATCH", "x");
      clients.run(other, touch);
      run("MULTI");
      run("PING");
      assertEquals(NULL_ARRAY, run("EXEC"), String.join(" ", touch));
    }
  }

  @Test
  @DisplayName("SMOVE only notify dstset when the addition is successful")
  void smoveTouchesTheDestinationOnlyIfItChanged() {
    run("SADD", "srcset", "a", "b");
    run("SADD", "dstset", "a");
    run("WATCH", "dstset");
    run("MULTI");
    run("SADD", "dstset", "c");
    clients.run(other, "SMOVE", "srcset", "dstset", "a");
    assertEquals("*1\r\n:1\r\n", run("EXEC"), "dstset is unchanged");
    run("WATCH", "dstset");
    clients.run(other, "SMOVE", "srcset", "dstset", "b");
    assertEquals(NULL_ARRAY, pingTransaction());
  }

  @Test
  void keysAScriptWritesTouchWatchers() {
    run("SET", "k", "1");
    run("WATCH", "k");
    clients.run(other, "EVAL", "redis.call('set', KEYS[1], 'x')", "1", "k");
    assertEquals(NULL_ARRAY, pingTransaction());
    run("WATCH", "k");
    clients.run(other, "EVAL", "return redis.call('get', KEYS[1])", "1", "k");
    assertEquals(PONG_ARRAY, pingTransaction(), "a script that only reads changes nothing");
  }

  @Test
  @DisplayName("FLUSHALL does not touch non affected keys")
  void flushesAndSwapdbTouchOnlyKeysThatExist() {
    run("DEL", "x");
    run("WATCH", "x");
    clients.run(other, "FLUSHALL");
    clients.run(other, "FLUSHDB");
    clients.run(other, "SWAPDB", "0", "1");
    assertEquals(PONG_ARRAY, pingTransaction());
    // SWAPDB is able to touch the watched keys that do not exist (the other database has one)
    clients.run(other, "SELECT", "1");
    clients.run(other, "SET", "x", "30");
    run("WATCH", "x");
    clients.run(other, "SWAPDB", "0", "1");
    assertEquals(NULL_ARRAY, pingTransaction());
  }

  @Test
  @DisplayName("EXEC fail on lazy expired WATCHed key")
  void aWatchedKeyThatExpiresFailsExec() throws Exception {
    clients.engine.keyspace().activeExpireEnabled = false;
    // as Redis's test, a few tries: on a slow machine the key may already be stale when watched
    String reply = null;
    for (int i = 0; i < 10 && !NULL_ARRAY.equals(reply); i++) {
      run("SET", "key", "1", "PX", "100");
      run("WATCH", "key");
      Thread.sleep(150);
      run("MULTI");
      run("INCR", "key");
      reply = run("EXEC");
    }
    assertEquals(NULL_ARRAY, reply, "expired but not yet removed: EXEC still fails");
    reply = null;
    for (int i = 0; i < 10 && !NULL_ARRAY.equals(reply); i++) {
      run("SET", "key", "1", "PX", "100");
      run("WATCH", "key");
      Thread.sleep(150);
      clients.run(other, "GET", "key"); // removes it: the expiry is a modification
      run("MULTI");
      run("INCR", "key");
      reply = run("EXEC");
    }
    assertEquals(NULL_ARRAY, reply);
  }

  @Test
  @DisplayName("WATCH stale keys should not fail EXEC")
  void staleKeysWatchedStayUnchanged() throws Exception {
    clients.engine.keyspace().activeExpireEnabled = false;
    run("SET", "x", "foo", "PX", "1");
    Thread.sleep(5);
    run("WATCH", "x");
    assertEquals(PONG_ARRAY, pingTransaction());
    // Delete WATCHed stale keys should not fail EXEC
    run("SET", "x", "foo", "PX", "1");
    Thread.sleep(5);
    run("WATCH", "x");
    assertEquals(integer(0), run("EXISTS", "x"));
    assertEquals(PONG_ARRAY, pingTransaction());
    // FLUSHDB while watching stale keys should not fail EXEC
    run("SET", "x", "foo", "PX", "1");
    Thread.sleep(5);
    run("WATCH", "x");
    run("FLUSHDB");
    assertEquals(PONG_ARRAY, pingTransaction());
  }

  @Test
  void resetAndDisconnectDropTheTransaction() {
    run("SET", "x", "1");
    run("WATCH", "x");
    run("MULTI");
    run("SET", "y", "1");
    assertEquals("+RESET\r\n", run("RESET"));
    assertEquals("-ERR EXEC without MULTI\r\n", run("EXEC"));
    assertEquals(0, clients.engine.transactions().watchedKeys());
    run("WATCH", "x");
    run("MULTI");
    clients.disconnect(c);
    assertEquals(0, clients.engine.transactions().watchedKeys(), "a closed client watches nothing");
  }

  @Test
  void clientListShowsTheTransaction() {
    run("WATCH", "x");
    run("MULTI");
    run("SET", "a", "b");
    String id = "id=" + clients.session(c).id + " ";
    String line = clientLine(id);
    assertTrue(line.contains(" flags=x ") && line.contains(" multi=1 "), line);
    assertTrue(!line.contains(" multi-mem=0 "), line);
    clients.run(other, "SET", "x", "1");
    line = clientLine(id);
    assertTrue(line.contains(" flags=xd "), "a touched watched key shows as d: " + line);
    run("SET", "b", "c");
    assertTrue(clientLine(id).contains(" multi=1 "), "a doomed transaction queues nothing more, as Redis");
    run("DISCARD");
    line = clientLine(id);
    assertTrue(line.contains(" flags=N ") && line.contains(" multi=-1 ") && line.contains(" multi-mem=0 "), line);
  }

  /** The CLIENT LIST line starting with {@code id}, as another client sees it. */
  private String clientLine(String id) {
    for (String line : clients.run(other, "CLIENT", "LIST").split("\n")) {
      int at = line.indexOf(id);
      if (at >= 0) {
        return line.substring(at);
      }
    }
    throw new AssertionError("no client " + id);
  }

  // ---- propagation

  @Test
  @DisplayName("MULTI / EXEC is propagated correctly (multiple commands)")
  void severalWritesPropagateAsOneTransaction() {
    run("MULTI");
    run("SET", "foo", "bar");
    run("GET", "foo");
    run("SELECT", "2");
    run("SET", "foo2", "bar2");
    run("EXEC");
    assertEquals(List.of("-1 MULTI", "0 SET foo bar", "2 SET foo2 bar2", "-1 EXEC"), clients.propagated);
  }

  @Test
  void singleOrNoWritePropagatesWithoutWrapper() {
    run("MULTI");
    run("SET", "foo", "bar");
    run("EXEC");
    run("MULTI");
    run("EXEC");
    run("MULTI");
    run("GET", "foo");
    run("DEL", "nothing");
    run("EXEC");
    run("MULTI");
    run("EXPIRE", "foo", "100");
    run("EXEC");
    assertEquals(2, clients.propagated.size(), clients.propagated.toString());
    assertEquals("0 SET foo bar", clients.propagated.get(0));
    assertTrue(clients.propagated.get(1).startsWith("0 PEXPIREAT foo "), clients.propagated.get(1));
  }

  @Test
  @DisplayName("MULTI propagation of EVAL")
  void scriptsInsideATransactionJoinItsUnit() {
    run("MULTI");
    run("EVAL", "redis.call('set', KEYS[1], 'bar')", "1", "bar");
    run("EXEC");
    assertEquals(List.of("0 set bar bar"), clients.propagated, "one effect: no wrapper");
    clients.propagated.clear();
    run("MULTI");
    run("SET", "a", "1");
    run("EVAL", "redis.call('set', KEYS[1], 'x'); redis.call('incr', KEYS[2])", "2", "b", "n");
    run("SCRIPT", "LOAD", "return 1");
    run("EXEC");
    assertEquals(List.of("-1 MULTI", "0 SET a 1", "0 set b x", "0 incr n", "-1 EXEC"), clients.propagated,
        "the transaction and the script inside it are one unit");
  }

  @Test
  @DisplayName("MULTI propagation of PUBLISH")
  void publishPropagatesToReplicasOnly() {
    run("MULTI");
    run("PUBLISH", "bla", "bla");
    run("EXEC");
    assertEquals(List.of(), clients.propagated, "the AOF does not keep PUBLISH");
    assertEquals(List.of("0 PUBLISH bla bla"), clients.replicated);
  }

  // ---- pauses

  @Test
  void aWritePauseHoldsExecOnlyIfTheTransactionWrites() {
    run("MULTI");
    run("GET", "x");
    clients.run(other, "CLIENT", "PAUSE", "100000", "WRITE");
    assertEquals("*1\r\n$-1\r\n", run("EXEC"), "read-only transactions run during a write pause");
    run("MULTI");
    assertEquals(QUEUED, run("GET", "x"));
    clients.engine.pauses().unpause();
    run("SET", "x", "1");
    clients.run(other, "CLIENT", "PAUSE", "100000", "WRITE");
    assertEquals("", run("EXEC"));
    assertTrue(clients.session(c).suspended(), "EXEC of a writing transaction waits for the pause to end");
    clients.engine.pauses().unpause();
  }
}
