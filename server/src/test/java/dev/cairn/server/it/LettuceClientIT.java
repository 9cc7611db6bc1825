package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.Consumer;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce, the other Java client Redis users pick (Spring Data Redis's default), against Cairn in RESP3 (its default:
 * it opens with HELLO 3 and CLIENT SETINFO) and RESP2: every family of commands through its typed API, so that a reply
 * shape it cannot decode fails here, plus pub/sub, transactions, scripts and functions, pipelining, client-side
 * caching pushes and errors.
 */
class LettuceClientIT extends ServerTestBase {
  private RedisClient client;

  @BeforeAll
  void createClient() {
    client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port())
        .withTimeout(Duration.ofSeconds(10)).build());
  }

  @AfterAll
  void shutdownClient() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  private StatefulRedisConnection<String, String> connect(ProtocolVersion protocol) {
    client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
    StatefulRedisConnection<String, String> c = client.connect();
    closeAfter(c);
    return c;
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void stringsKeysAndExpiry(ProtocolVersion protocol) {
    RedisCommands<String, String> r = connect(protocol).sync();
    assertEquals("OK", r.set("s", "v"));
    assertEquals("v", r.get("s"));
    assertNull(r.get("missing"));
    assertEquals(5L, r.incrby("n", 5));
    assertEquals(2.5, r.incrbyfloat("f", 2.5));
    assertEquals("OK", r.mset(Map.of("a", "1", "b", "2")));
    List<KeyValue<String, String>> got = r.mget("a", "b", "missing");
    assertEquals("1", got.get(0).getValue());
    assertEquals("2", got.get(1).getValue());
    assertFalse(got.get(2).hasValue());
    assertTrue(r.expire("s", 100));
    long ttl = r.ttl("s");
    assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
    assertEquals("string", r.type("s"));
    assertEquals(1L, r.exists("s"));
    assertEquals(2L, r.del("a", "b"));
    // a wrong type is a command error with Redis's text
    r.lpush("list", "x");
    RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> r.get("list"));
    assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      r.set("scan:" + i, "x");
    }
    ScanIterator.scan(r, io.lettuce.core.ScanArgs.Builder.matches("scan:*").limit(50)).forEachRemaining(seen::add);
    assertEquals(300, seen.size());
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void collections(ProtocolVersion protocol) {
    RedisCommands<String, String> r = connect(protocol).sync();
    assertEquals(2L, r.hset("h", Map.of("f1", "v1", "f2", "v2")));
    assertEquals(Map.of("f1", "v1", "f2", "v2"), r.hgetall("h"));
    assertEquals(List.of("f1", "f2"), r.hkeys("h").stream().sorted().toList());
    assertEquals(3L, r.rpush("l", "a", "b", "c"));
    assertEquals(List.of("a", "b", "c"), r.lrange("l", 0, -1));
    assertEquals("a", r.lpop("l"));
    KeyValue<String, String> popped = r.blpop(1, "l");
    assertEquals("l", popped.getKey());
    assertEquals("b", popped.getValue());
    assertNull(r.blpop(0.1, "nothing"));
    assertEquals(3L, r.sadd("set", "x", "y", "z"));
    assertEquals(Set.of("x", "y", "z"), r.smembers("set"));
    assertTrue(r.sismember("set", "y"));
    assertEquals(3L, r.zadd("z", ScoredValue.just(1.5, "a"), ScoredValue.just(2, "b"), ScoredValue.just(3, "c")));
    assertEquals(1.5, r.zscore("z", "a"));
    List<ScoredValue<String>> withScores = r.zrangeWithScores("z", 0, -1);
    assertEquals("a", withScores.get(0).getValue());
    assertEquals(1.5, withScores.get(0).getScore());
    assertEquals(List.of("b", "c"), r.zrangebyscore("z", Range.create(2.0, 3.0)));
    assertEquals(2L, r.zrank("z", "c"));
    assertEquals(1L, r.pfadd("hll", "a", "b", "c"));
    assertEquals(3L, r.pfcount("hll"));
    assertEquals(2L, r.geoadd("geo", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"));
    List<GeoWithin<String>> near = r.geosearch("geo", GeoSearch.fromCoordinates(15, 37), GeoSearch.byRadius(200,
        GeoArgs.Unit.km), new GeoArgs().withDistance().asc());
    assertEquals("Catania", near.get(0).getMember());
    assertEquals(56.4413, near.get(0).getDistance(), 0.001);
    assertEquals(166.2742, r.geodist("geo", "Palermo", "Catania", GeoArgs.Unit.km), 0.001);
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void streamsAndConsumerGroups(ProtocolVersion protocol) {
    RedisCommands<String, String> r = connect(protocol).sync();
    String id1 = r.xadd("st", Map.of("k", "1"));
    String id2 = r.xadd("st", Map.of("k", "2"));
    assertEquals(2L, r.xlen("st"));
    assertEquals("OK", r.xgroupCreate(XReadArgs.StreamOffset.from("st", "0"), "g"));
    List<StreamMessage<String, String>> read = r.xreadgroup(Consumer.from("g", "c1"), XReadArgs.Builder.count(10),
        XReadArgs.StreamOffset.lastConsumed("st"));
    assertEquals(List.of(id1, id2), read.stream().map(StreamMessage::getId).toList());
    assertEquals(Map.of("k", "1"), read.get(0).getBody());
    assertEquals(2L, r.xpending("st", "g").getCount());
    assertEquals(1L, r.xack("st", "g", id1));
    assertEquals(1L, r.xpending("st", "g").getCount());
    List<StreamMessage<String, String>> range = r.xrange("st", Range.create("-", "+"));
    assertEquals(2, range.size());
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void transactionsScriptsAndFunctions(ProtocolVersion protocol) {
    StatefulRedisConnection<String, String> c = connect(protocol);
    RedisCommands<String, String> r = c.sync();
    assertEquals("OK", r.multi());
    r.set("t", "1");
    r.incr("t");
    r.get("t");
    TransactionResult result = r.exec();
    assertFalse(result.wasDiscarded());
    assertEquals(List.of("OK", 2L, "2"), result.stream().toList());
    // WATCH: a write from another client aborts the transaction
    r.watch("t");
    jedis.set("t", "other");
    r.multi();
    r.set("t", "mine");
    assertTrue(r.exec().wasDiscarded());
    assertEquals("other", r.get("t"));

    assertEquals(3L, (Long) r.eval("return redis.call('incrby', KEYS[1], ARGV[1])", ScriptOutputType.INTEGER,
        new String[] {"e"}, "3"));
    String sha = r.scriptLoad("return {1, 'two', {3}}");
    List<Object> nested = r.evalsha(sha, ScriptOutputType.MULTI);
    assertEquals(1L, nested.get(0));
    assertEquals("two", nested.get(1));
    assertEquals(List.of(3L), nested.get(2));
    assertEquals(List.of(true), r.scriptExists(sha));
    assertEquals("lib", r.functionLoad("#!lua name=lib\nredis.register_function('twice', function(keys, args) "
        + "return tonumber(args[1]) * 2 end)", true));
    assertEquals(42L, (Long) r.fcall("twice", ScriptOutputType.INTEGER, new String[0], "21"));
    RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
        () -> r.eval("return redis.call('nosuchcommand')", ScriptOutputType.STATUS));
    assertTrue(e.getMessage().startsWith("ERR Unknown Redis command called from script"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void pipelinedAsyncCommands(ProtocolVersion protocol) {
    StatefulRedisConnection<String, String> c = connect(protocol);
    RedisAsyncCommands<String, String> a = c.async();
    c.setAutoFlushCommands(false);
    List<RedisFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      futures.add(a.set("p:" + i, Integer.toString(i)));
      futures.add(a.incr("counter"));
    }
    c.flushCommands();
    assertTrue(LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(new RedisFuture[0])));
    c.setAutoFlushCommands(true);
    assertEquals("1000", c.sync().get("counter"));
    assertEquals("999", c.sync().get("p:999"));
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void pubSub(ProtocolVersion protocol) throws Exception {
    client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
    closeAfter(sub);
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    sub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        got.add(channel + "=" + message);
      }

      @Override
      public void message(String pattern, String channel, String message) {
        got.add(pattern + ":" + channel + "=" + message);
      }
    });
    sub.sync().subscribe("news");
    sub.sync().psubscribe("n*");
    RedisCommands<String, String> r = connect(protocol).sync();
    assertEquals(2L, r.publish("news", "hello"));
    Set<String> both = new HashSet<>();
    both.add(got.poll(5, TimeUnit.SECONDS));
    both.add(got.poll(5, TimeUnit.SECONDS));
    assertEquals(Set.of("news=hello", "n*:news=hello"), both);
    assertEquals(List.of("news"), r.pubsubChannels());
    assertEquals(Map.of("news", 1L), r.pubsubNumsub("news"));
    sub.sync().unsubscribe("news");
    assertEquals(1L, r.publish("news", "again"));
    assertEquals("n*:news=again", got.poll(5, TimeUnit.SECONDS));
  }

  @org.junit.jupiter.api.Test
  void clientSideCachingPushesInvalidations() throws Exception {
    StatefulRedisConnection<String, String> c = connect(ProtocolVersion.RESP3);
    BlockingQueue<List<Object>> pushes = new LinkedBlockingQueue<>();
    c.addListener((PushMessage m) -> {
      if (m.getType().equals("invalidate")) {
        pushes.add(m.getContent());
      }
    });
    RedisCommands<String, String> r = c.sync();
    assertEquals("OK", r.clientTracking(TrackingArgs.Builder.enabled()));
    jedis.set("cached", "1");
    assertEquals("1", r.get("cached"));
    jedis.set("cached", "2");
    List<Object> push = pushes.poll(5, TimeUnit.SECONDS);
    assertEquals(2, push.size());
    assertEquals("cached", toText(((List<?>) push.get(1)).get(0)));
  }

  @org.junit.jupiter.api.Test
  void helloAndClientInfoSeeLettuce() {
    RedisCommands<String, String> r = connect(ProtocolVersion.RESP3).sync();
    // Lettuce names itself with CLIENT SETINFO right after HELLO
    String info = r.clientInfo();
    assertTrue(info.contains("resp=3"), info);
    assertTrue(info.contains("lib-name=Lettuce"), info);
    assertFalse(info.contains("lib-ver= "), info);
    RedisCommands<String, String> r2 = connect(ProtocolVersion.RESP2).sync();
    assertTrue(r2.clientInfo().contains("resp=2"));
    assertEquals("PONG", r2.ping());
  }

  private static String toText(Object o) {
    if (o instanceof java.nio.ByteBuffer b) {
      return java.nio.charset.StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
    return String.valueOf(o);
  }
}
