package dev.cairn.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Over maxmemory under noeviction: deny-oom commands and the scripts that would write are refused with -OOM. */
class MaxmemoryTest {
  private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  private EngineClients clients;
  private int c;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    c = clients.connect();
    clients.run(c, "SET", "x", "123");
  }

  private String run(String... args) {
    return clients.run(c, args);
  }

  @Test
  void denyOomCommandsAreRefusedOthersRun() {
    run("CONFIG", "SET", "maxmemory", "1");
    assertEquals(OOM, run("SET", "y", "1"));
    assertEquals(OOM, run("LPUSH", "l", "a"));
    assertEquals("$3\r\n123\r\n", run("GET", "x"));
    assertEquals(":1\r\n", run("DEL", "x"), "DEL frees memory: it may run");
    assertEquals("+OK\r\n", run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
    run("CONFIG", "SET", "maxmemory", "0");
    run("SET", "x", "1");
    run("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
    run("CONFIG", "SET", "maxmemory", "1");
    assertEquals(OOM, run("SET", "y", "1"), "volatile-lru finds no key with a TTL to evict: it refuses");
    run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
    assertEquals(OOM, run("SET", "y", "1"), "allkeys-lru evicts x, and refuses once nothing is left to evict");
    assertEquals(":0\r\n", run("EXISTS", "x"));
    run("CONFIG", "SET", "maxmemory-policy", "noeviction");
    run("CONFIG", "SET", "maxmemory", "0");
    assertEquals("+OK\r\n", run("SET", "y", "1"));
    assertEquals(3L, clients.engine.commands().lookup("set").rejectedCalls, "counted as rejected");
  }

  @Test
  @DisplayName("allow-oom shebang flag")
  void scriptsOverMaxmemory() {
    run("CONFIG", "SET", "maxmemory", "1");
    String e = run("EVAL", "redis.call('set','x',1) return 1", "1", "x");
    // raised by redis.call: Redis adds where in the script it came from
    assertTrue(e.startsWith("-OOM command not allowed when used memory > 'maxmemory'. script: "), e);
    assertEquals("$3\r\n123\r\n", run("EVAL", "return redis.call('get','x')", "1", "x"));
    assertEquals("-OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'\r\n",
        run("EVAL", "#!lua flags=\nreturn 1", "0"));
    assertEquals(":1\r\n", run("EVAL", "#!lua flags=allow-oom\nredis.call('set','x',1) return 1", "1", "x"));
    assertEquals(":1\r\n", run("EVAL", "#!lua flags=no-writes\nredis.call('get','x') return 1", "0"));
    run("CONFIG", "SET", "maxmemory", "0");
    assertEquals(":1\r\n", run("EVAL", "redis.call('set','x',2) return 1", "0"));
  }
}
