package dev.cairn.core.generic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.ActiveExpiry;
import dev.cairn.core.resp.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What leaves the engine when keys expire or get a time to live: propagated commands, keyspace events, counters. */
class ExpiryEffectsTest {
  private Engine engine;
  private Session session;
  private ByteBuf out;
  private final List<String> propagated = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    params.process.enableDebugCommand.value = "yes"; // as Redis's test configuration has it
    engine = new Engine(config, params, CoreCommands.families());
    engine.propagation().addListener((db, cmd) -> {
      StringBuilder sb = new StringBuilder(Integer.toString(db));
      for (byte[] a : cmd) {
        sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
      }
      propagated.add(sb.toString());
    });
    engine.events().addListener((type, event, key, db) ->
        events.add(type + ":" + event + ":" + new String(key, StandardCharsets.UTF_8)));
    // the network side does nothing here; a proxy keeps the test independent of Connection's exact methods
    Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Class<?> t = method.getReturnType();
          return t == int.class ? 0 : t == long.class ? 0L : t == boolean.class ? false : t == String.class ? "x:0" : null;
        });
    out = Unpooled.buffer();
    session = engine.connect(connection, out);
  }

  private String run(String... args) {
    out.clear();
    session.execute(Args.of(args));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void relativeExpiresPropagateAsPexpireat() {
    run("SET", "k", "v");
    propagated.clear();
    long before = System.currentTimeMillis();
    assertEquals(":1\r\n", run("EXPIRE", "k", "100", "NX"));
    assertEquals(1, propagated.size());
    String[] p = propagated.get(0).split(" ");
    assertEquals("0", p[0]);
    assertEquals("PEXPIREAT", p[1]);
    assertEquals("k", p[2]);
    long at = Long.parseLong(p[3]);
    assertTrue(at >= before + 100_000 && at <= System.currentTimeMillis() + 100_000, "at " + at);
    assertEquals("NX", p[4], "the condition travels with it");
    assertTrue(events.contains(KeyspaceEvents.GENERIC + ":expire:k"), events.toString());
  }

  @Test
  void aPastTimePropagatesDel() {
    run("SET", "k", "v");
    propagated.clear();
    assertEquals(":1\r\n", run("PEXPIRE", "k", "-1"));
    assertEquals(List.of("0 DEL k"), propagated);
    assertTrue(events.contains(KeyspaceEvents.GENERIC + ":del:k"), events.toString());
    assertEquals(":0\r\n", run("EXISTS", "k"));
  }

  @Test
  void lazyExpiryEmitsExpiredAndDelBeforeTheCommandsOwnEffect() throws Exception {
    run("SET", "k", "v");
    run("PEXPIRE", "k", "1");
    Thread.sleep(10);
    propagated.clear();
    events.clear();
    assertEquals("+OK\r\n", run("SET", "k", "new"));
    // one execution unit with two effects: replicas get them as one transaction, as from Redis 7
    assertEquals(List.of("-1 MULTI", "0 DEL k", "0 SET k new", "-1 EXEC"), propagated);
    assertEquals(KeyspaceEvents.EXPIRED + ":expired:k", events.get(0));
    assertEquals(1, engine.keyspace().stats.expiredKeys);
    assertEquals(":-1\r\n", run("PTTL", "k"), "the new value has no expiry of the old one");
  }

  @Test
  @org.junit.jupiter.api.DisplayName("SCAN: Lazy-expire should not be wrapped in MULTI/EXEC")
  void scanAndRandomkeyPropagateEachExpiredKeyAlone() throws Exception {
    for (String cmd : new String[] {"SCAN", "RANDOMKEY"}) {
      run("SET", "foo1", "bar", "PX", "1");
      run("SET", "foo2", "bar", "PX", "1");
      Thread.sleep(5);
      propagated.clear();
      if (cmd.equals("SCAN")) {
        run("SCAN", "0");
      } else {
        run("RANDOMKEY");
      }
      assertEquals(2, propagated.size(), cmd + ": " + propagated);
      assertTrue(propagated.stream().allMatch(p -> p.startsWith("0 DEL foo")), cmd + ": " + propagated);
    }
  }

  @Test
  void aReadThatFindsAKeyExpiredPropagatesOnlyTheDel() throws Exception {
    run("SET", "foo", "bar", "PX", "1");
    Thread.sleep(5);
    propagated.clear();
    assertEquals("$-1\r\n", run("GET", "foo"));
    assertEquals("+OK\r\n", run("SET", "x", "1"));
    assertEquals(List.of("0 DEL foo", "0 SET x 1"), propagated);
  }

  @Test
  void activeExpiryEmitsTheSameEffects() throws Exception {
    for (int i = 0; i < 50; i++) {
      run("SET", "k" + i, "v");
      run("PEXPIRE", "k" + i, "1");
    }
    Thread.sleep(10);
    propagated.clear();
    new ActiveExpiry(engine.keyspace()).run(1, 1); // a tick of a second
    assertEquals(50, propagated.size());
    assertTrue(propagated.stream().allMatch(p -> p.startsWith("0 DEL k")), propagated.toString());
    assertEquals(50, engine.keyspace().stats.expiredKeys);
    assertEquals(0, engine.keyspace().db(0).size());
  }

  @Test
  void activeExpiryRespectsTheSwitch() throws Exception {
    run("SET", "k", "v");
    run("PEXPIRE", "k", "1");
    Thread.sleep(10);
    engine.keyspace().activeExpireEnabled = false;
    new ActiveExpiry(engine.keyspace()).run(1, 1); // a tick of a second
    assertEquals(1, engine.keyspace().db(0).size(), "DEBUG SET-ACTIVE-EXPIRE 0 leaves keys for lazy expiry");
    assertEquals("$-1\r\n", run("GET", "k"));
    assertEquals(0, engine.keyspace().db(0).size());
  }

  @Test
  void restoreBornExpiredOverAKeyPropagatesDel() {
    run("SET", "k", "v");
    propagated.clear();
    byte[] hello = java.util.HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a");
    out.clear();
    session.execute(Args.ofBytes("RESTORE".getBytes(), "k".getBytes(), "1".getBytes(), hello, "ABSTTL".getBytes(),
        "REPLACE".getBytes()));
    assertEquals("+OK\r\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(List.of("0 DEL k"), propagated);
  }
}
