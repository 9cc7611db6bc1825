package dev.cairn.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * min-replicas-to-write with no replica connected (Cairn has no replication yet, so never a good replica): writes, EXECs
 * of writes and scripts that may write are refused with -NOREPLICAS; reads and no-writes scripts run.
 */
class MinReplicasTest {
  private static final String NOREPLICAS = "-NOREPLICAS Not enough good replicas to write.\r\n";
  private EngineClients clients;
  private int c;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    c = clients.connect();
    run("SET", "x", "some value");
  }

  private String run(String... args) {
    return clients.run(c, args);
  }

  @Test
  void writesAreRefusedReadsRun() {
    run("CONFIG", "SET", "min-replicas-to-write", "1");
    assertEquals(NOREPLICAS, run("SET", "x", "1"));
    assertEquals(NOREPLICAS, run("DEL", "x"));
    assertEquals("$10\r\nsome value\r\n", run("GET", "x"));
    assertEquals(2L, clients.engine.commands().lookup("set").rejectedCalls + clients.engine.commands().lookup("del")
        .rejectedCalls, "counted as rejected");
    assertTrue(run("INFO", "errorstats").contains("errorstat_NOREPLICAS:count=2"));
    run("CONFIG", "SET", "min-replicas-max-lag", "0");
    assertEquals("+OK\r\n", run("SET", "x", "1"), "a max lag of 0 turns the check off");
    run("CONFIG", "SET", "min-replicas-max-lag", "10");
    run("CONFIG", "SET", "min-replicas-to-write", "0");
    assertEquals("+OK\r\n", run("SET", "x", "2"));
  }

  @Test
  void transactions() {
    int other = clients.connect();
    run("MULTI");
    assertEquals("+QUEUED\r\n", run("INCR", "n"));
    clients.run(other, "CONFIG", "SET", "min-replicas-to-write", "2");
    assertEquals("-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n",
        run("EXEC"), "the state changed after the write was queued");
    assertEquals("$-1\r\n", run("GET", "n"));
    run("MULTI");
    assertEquals(NOREPLICAS, run("INCR", "n"), "refused when queued");
    assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", run("EXEC"));
    run("MULTI");
    run("GET", "x");
    assertEquals("*1\r\n$10\r\nsome value\r\n", run("EXEC"), "a read-only transaction runs");
  }

  @Test
  void scripts() {
    String lib = "#!lua name=lib\nredis.register_function('w', function() return 1 end)\n"
        + "redis.register_function{function_name='r', callback=function() return 2 end, flags={'no-writes'}}";
    run("FUNCTION", "LOAD", lib);
    run("CONFIG", "SET", "min-replicas-to-write", "1");
    assertEquals(NOREPLICAS, run("FUNCTION", "LOAD", "REPLACE", lib), "FUNCTION LOAD writes");
    assertEquals("$10\r\nsome value\r\n", run("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','x')", "1", "x"));
    assertEquals("$10\r\nsome value\r\n", run("EVAL", "return redis.call('get','x')", "1", "x"),
        "a script without flags is refused at its first write only");
    assertEquals(NOREPLICAS, run("EVAL", "#!lua\nreturn redis.call('get','x')", "1", "x"),
        "a script that declares flags but not no-writes may write: refused before it runs");
    String e = run("EVAL", "return redis.call('set','x',1)", "1", "x");
    assertTrue(e.startsWith("-NOREPLICAS Not enough good replicas to write. script: "), e);
    assertEquals(NOREPLICAS, run("EVAL_RO", "#!lua\nreturn 1", "0"), "as a Redis client sees it: before the _ro check");
    assertEquals(NOREPLICAS, run("FCALL", "w", "0"));
    assertEquals(":2\r\n", run("FCALL", "r", "0"));
    assertEquals("$10\r\nsome value\r\n", run("GET", "x"));
  }
}
