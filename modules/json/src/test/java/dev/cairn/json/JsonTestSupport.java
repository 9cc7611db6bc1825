package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.server.embedded.EmbeddedCairn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** Sends raw commands and turns replies into plain values (bulk strings as String, aggregates as List/Map). */
final class JsonTestSupport {
  private JsonTestSupport() {}

  static Object call(Jedis j, String... args) {
    return plain(j.sendCommand(() -> SafeEncoder.encode(args[0]), Arrays.copyOfRange(args, 1, args.length)));
  }

  static String err(Jedis j, String... args) {
    return assertThrows(JedisDataException.class, () -> call(j, args)).getMessage();
  }

  static Jedis resp3(EmbeddedCairn cairn) {
    return new Jedis(cairn.host(), cairn.port(),
        DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).timeoutMillis(10_000).build());
  }

  static Object plain(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof redis.clients.jedis.util.KeyValue)) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Object x : l) {
        redis.clients.jedis.util.KeyValue<?, ?> kv = (redis.clients.jedis.util.KeyValue<?, ?>) x;
        out.put(plain(kv.getKey()), plain(kv.getValue()));
      }
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(plain(x));
      }
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(plain(k), plain(v)));
      return out;
    }
    return o;
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }
}
