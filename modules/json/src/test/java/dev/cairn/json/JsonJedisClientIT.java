package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.json.JsonSetParams;
import redis.clients.jedis.json.Path;
import redis.clients.jedis.json.Path2;

/**
 * Jedis's own JSON API (UnifiedJedis.json*), which parses RedisJSON's replies itself, over RESP2 and RESP3, with
 * JSONPath ({@link Path2}) and legacy ({@link Path}) paths: the replies have the shapes a RedisJSON client expects.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JsonModule.class)
class JsonJedisClientIT {
  private static UnifiedJedis client(EmbeddedCairn cairn, RedisProtocol protocol) {
    return new UnifiedJedis(new HostAndPort(cairn.host(), cairn.port()),
        DefaultJedisClientConfig.builder().protocol(protocol).build());
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void jsonPathApi(RedisProtocol protocol, EmbeddedCairn cairn) {
    try (UnifiedJedis j = client(cairn, protocol)) {
      j.del("doc");
      assertEquals("OK", j.jsonSet("doc", Path2.ROOT_PATH, new JSONObject("{\"a\":1,\"s\":\"x\",\"l\":[1],\"b\":true}")));
      assertEquals(null, j.jsonSet("doc", Path2.ROOT_PATH, new JSONObject("{}"), JsonSetParams.jsonSetParams().nx()));
      Object got = j.jsonGet("doc", Path2.of("$.a"));
      assertEquals("[1]", got.toString());
      assertEquals(List.of(2L), j.jsonArrAppend("doc", Path2.of("$.l"), 2));
      assertEquals(List.of(1L), j.jsonArrIndex("doc", Path2.of("$.l"), 2));
      assertEquals(List.of(3L), j.jsonArrInsert("doc", Path2.of("$.l"), 0, 0));
      assertEquals(List.of(2L), j.jsonStrAppend("doc", Path2.of("$.s"), "y"));
      assertEquals(List.of(2L), j.jsonStrLen("doc", Path2.of("$.s")));
      assertEquals(List.of(false), j.jsonToggle("doc", Path2.of("$.b")));
      assertEquals(new JSONArray("[3]").toString(), new JSONArray(j.jsonNumIncrBy("doc", Path2.of("$.a"), 2)
          .toString()).toString());
      // Jedis sends the increment as 2.0, so the sum is a double: "number", which Jedis maps to float
      assertEquals(List.of(float.class), j.jsonType("doc", Path2.of("$.a")));
      assertEquals(List.of(String.class), j.jsonType("doc", Path2.of("$.s")));
      assertEquals(List.of(3L), j.jsonArrLen("doc", Path2.of("$.l")));
      assertEquals(List.of("a", "b", "l", "s"), j.jsonObjKeys("doc", Path2.ROOT_PATH).get(0).stream().sorted().toList());
      assertEquals(List.of(4L), j.jsonObjLen("doc", Path2.ROOT_PATH));
      assertEquals(1L, j.jsonDel("doc", Path2.of("$.b")));
      List<JSONArray> m = j.jsonMGet(Path2.of("$.s"), "doc", "none");
      assertEquals("[\"xy\"]", m.get(0).toString());
      assertEquals(null, m.get(1));
      assertEquals(1L, j.jsonClear("doc", Path2.of("$.l")));
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void legacyPathApi(RedisProtocol protocol, EmbeddedCairn cairn) {
    try (UnifiedJedis j = client(cairn, protocol)) {
      j.del("old");
      assertEquals("OK", j.jsonSet("old", Path.ROOT_PATH, java.util.Map.of("n", 1, "arr", List.of(1, 2))));
      assertEquals(1.0, ((Number) j.jsonGet("old", Path.of(".n"))).doubleValue());
      assertEquals(3L, j.jsonArrAppend("old", Path.of(".arr"), 3));
      if (protocol == RedisProtocol.RESP2) { // RedisJSON answers RESP3 with an array even for a legacy path
        assertEquals(int.class, j.jsonType("old", Path.of(".n")));
        assertEquals(3.5, j.jsonNumIncrBy("old", Path.of(".n"), 2.5));
        assertEquals(float.class, j.jsonType("old", Path.of(".n")));
      }
      assertEquals(3L, j.jsonArrLen("old", Path.of(".arr")));
      assertTrue(j.jsonGet("old").toString().contains("arr"));
      assertEquals(1L, j.jsonDel("old", Path.of(".arr")));
    }
  }
}
