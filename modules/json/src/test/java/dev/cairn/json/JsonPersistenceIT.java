package dev.cairn.json;

import static dev.cairn.json.JsonTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * JSON keys in the persistence and event streams: writes reach the AOF as the commands themselves (the stream
 * replicas read too), writes that change nothing do not; an AOF rewrite writes JSON.SET per key; DEBUG RELOAD and
 * DEBUG LOADAOF bring documents back; every JSON write raises its keyspace event (class d, module).
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JsonModule.class, config = {"appendonly", "yes", "aof-use-rdb-preamble", "no",
    "appendfsync", "always", "enable-debug-command", "yes"})
class JsonPersistenceIT {
  private static String aofText(Jedis j) throws Exception {
    Path dir = Path.of(j.configGet("dir").get("dir"), j.configGet("appenddirname").get("appenddirname"));
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (!f.toString().endsWith(".manifest")) {
          sb.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
        }
      }
    }
    return sb.toString();
  }

  private static String resp(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void writesPropagateVerbatimAndNoOpsDoNot(Jedis j) throws Exception {
    call(j, "JSON.SET", "p", "$", "{\"a\":{\"n\":1},\"l\":[]}");
    call(j, "JSON.NUMINCRBY", "p", "$.a.n", "2.5");
    call(j, "JSON.ARRAPPEND", "p", "$.l", "1", "2");
    call(j, "JSON.SET", "p", "$", "{}", "NX");       // nothing changes
    call(j, "JSON.DEL", "p", "$.nope");              // nothing changes
    call(j, "JSON.NUMINCRBY", "p", "$.l", "1");      // no number there
    String aof = aofText(j);
    assertTrue(aof.contains(resp("JSON.SET", "p", "$", "{\"a\":{\"n\":1},\"l\":[]}")), aof);
    assertTrue(aof.contains(resp("JSON.NUMINCRBY", "p", "$.a.n", "2.5")), aof);
    assertTrue(aof.contains(resp("JSON.ARRAPPEND", "p", "$.l", "1", "2")), aof);
    assertFalse(aof.contains("NX"), aof);
    assertFalse(aof.contains("$.nope"), aof);
    assertFalse(aof.contains(resp("JSON.NUMINCRBY", "p", "$.l", "1")), aof);
  }

  @Test
  void aofRewriteWritesJsonSetAndLoadsBack(Jedis j) throws Exception {
    call(j, "JSON.SET", "r1", "$", "{\"a\":[1,2.5,\"x\"],\"b\":null}");
    call(j, "JSON.SET", "r2", "$", "\"text\"");
    j.pexpire("r2", 1_000_000);
    j.bgrewriteaof();
    for (int i = 0; i < 200 && j.info("persistence").contains("aof_rewrite_in_progress:1"); i++) {
      Thread.sleep(25);
    }
    Thread.sleep(100);
    String aof = aofText(j);
    assertTrue(aof.contains(resp("JSON.SET", "r1", "$", "{\"a\":[1,2.5,\"x\"],\"b\":null}")), aof);
    assertTrue(aof.contains(resp("JSON.SET", "r2", "$", "\"text\"")), aof);
    assertEquals("OK", call(j, "DEBUG", "LOADAOF"));
    assertEquals("{\"a\":[1,2.5,\"x\"],\"b\":null}", call(j, "JSON.GET", "r1"));
    assertEquals("\"text\"", call(j, "JSON.GET", "r2"));
    assertTrue(j.pttl("r2") > 0);
  }

  @Test
  void debugReloadKeepsDocuments(Jedis j) {
    call(j, "JSON.SET", "d", "$", "{\"deep\":{\"er\":[{\"x\":1e-7}]},\"u\":\"é\"}");
    assertEquals("OK", call(j, "DEBUG", "RELOAD"));
    assertEquals("{\"deep\":{\"er\":[{\"x\":1e-7}]},\"u\":\"é\"}", call(j, "JSON.GET", "d"));
    assertEquals("ReJSON-RL", j.type("d"));
  }

  @Test
  void dumpIsRedisJsonsEncoding(Jedis j) {
    call(j, "JSON.SET", "x", "$", "[1]");
    byte[] dump = j.dump("x");
    // type 7 (module, 2), 64-bit module id of ReJSON-RL encver 3, string opcode, "[1]", EOF opcode, RDB 10, CRC
    byte[] head = {7, (byte) 0x81, 0x45, (byte) 0xe2, 0x52, 0x38, (byte) 0xdf, (byte) 0x91, 0x2c, 0x03, 5, 3,
        '[', '1', ']', 0, 10, 0};
    assertEquals(head.length + 8, dump.length);
    assertEquals(java.util.Arrays.toString(head), java.util.Arrays.toString(java.util.Arrays.copyOf(dump, head.length)));
  }

  @Test
  void everyWriteRaisesItsKeyspaceEvent(dev.cairn.server.embedded.EmbeddedCairn cairn, Jedis j) throws Exception {
    j.configSet("notify-keyspace-events", "KEA");
    List<String> events = new ArrayList<>();
    JedisPubSub sub = new JedisPubSub() {
      @Override
      public void onPMessage(String pattern, String channel, String message) {
        synchronized (events) {
          events.add(message);
          events.notifyAll();
        }
      }
    };
    Thread t = new Thread(() -> {
      try (Jedis s = new Jedis(cairn.host(), cairn.port())) {
        s.psubscribe(sub, "__keyspace@0__:ev");
      }
    });
    t.start();
    while (!sub.isSubscribed()) {
      Thread.sleep(10);
    }
    call(j, "JSON.SET", "ev", "$", "{\"a\":1,\"s\":\"x\",\"l\":[1,2,3],\"b\":true,\"o\":{\"k\":1}}");
    call(j, "JSON.NUMINCRBY", "ev", "$.a", "1");
    call(j, "JSON.NUMMULTBY", "ev", "$.a", "2");
    call(j, "JSON.STRAPPEND", "ev", "$.s", "\"y\"");
    call(j, "JSON.ARRAPPEND", "ev", "$.l", "4");
    call(j, "JSON.ARRINSERT", "ev", "$.l", "0", "0");
    call(j, "JSON.ARRPOP", "ev", "$.l");
    call(j, "JSON.ARRTRIM", "ev", "$.l", "0", "1");
    call(j, "JSON.TOGGLE", "ev", "$.b");
    call(j, "JSON.CLEAR", "ev", "$.o");
    call(j, "JSON.MERGE", "ev", "$", "{\"m\":1}");
    call(j, "JSON.MSET", "ev", "$.a", "5");
    call(j, "JSON.DEL", "ev", "$.a");
    call(j, "JSON.FORGET", "ev", "$");
    // "new" is class n, which A leaves out
    List<String> expected = List.of("json.set", "json.numincrby", "json.nummultby", "json.strappend",
        "json.arrappend", "json.arrinsert", "json.arrpop", "json.arrtrim", "json.toggle", "json.clear",
        "json.merge", "json.mset", "json.del", "json.del");
    synchronized (events) {
      long deadline = System.currentTimeMillis() + 5000;
      while (events.size() < expected.size() && System.currentTimeMillis() < deadline) {
        events.wait(100);
      }
    }
    sub.punsubscribe();
    t.join(5000);
    assertEquals(expected, events);
  }
}
