package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What the search ITs start from: a RESP2 client {@link #j} and a RESP3 client {@link #j3} to the class's server, no
 * index and an empty keyspace before each test, and commands sent with their replies' bulk strings as Strings
 * (RESP3 maps as Maps). A subclass names its server with {@code @WithCairn} (the module jars and config it needs) and
 * adds its own set-up in a {@code @BeforeEach} of its own, which runs after this one.
 */
@ExtendWith(CairnExtension.class)
abstract class SearchITBase {
  UnifiedJedis j;
  UnifiedJedis j3;
  HostAndPort hp;

  /** The clients' read timeout; a test that waits for long work (a vector index build) raises it. */
  int timeoutMillis() {
    return 10_000;
  }

  @BeforeEach
  final void connectToAnEmptyServer(EmbeddedCairn cairn) {
    hp = new HostAndPort(cairn.host(), cairn.port());
    j = new UnifiedJedis(hp, DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis()).build());
    j3 = new UnifiedJedis(hp, DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis()).resp3().build());
    for (String idx : j.ftList()) {
      j.ftDropIndex(idx);
    }
    j.flushAll();
  }

  @AfterEach
  final void closeClients() {
    j.close();
    j3.close();
  }

  /** A command over RESP2 whose arguments are Strings or byte[] (blobs). */
  Object cmd(Object... args) {
    return send(j, args);
  }

  /** A command over RESP3. */
  Object cmd3(Object... args) {
    return send(j3, args);
  }

  /** The error a command over RESP2 gets. */
  String err(Object... args) {
    return err(j, args);
  }

  static String err(UnifiedJedis c, Object... args) {
    return assertThrows(JedisDataException.class, () -> send(c, args)).getMessage();
  }

  static Object send(UnifiedJedis c, Object... args) {
    byte[][] rest = new byte[args.length - 1][];
    for (int i = 1; i < args.length; i++) {
      rest[i - 1] = args[i] instanceof byte[] b ? b : String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
    }
    return stringify(c.sendCommand(() -> String.valueOf(args[0]).getBytes(StandardCharsets.UTF_8), rest));
  }

  /** A reply with bulk strings as Strings, RESP3 maps (Jedis's lists of KeyValue) as Maps in order. */
  static Object stringify(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l && !l.isEmpty()
        && l.stream().allMatch(x -> x instanceof redis.clients.jedis.util.KeyValue<?, ?>)) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Object x : l) {
        redis.clients.jedis.util.KeyValue<?, ?> kv = (redis.clients.jedis.util.KeyValue<?, ?>) x;
        out.put(stringify(kv.getKey()), stringify(kv.getValue()));
      }
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(stringify(x)));
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(stringify(k), stringify(v)));
      return out;
    }
    if (o instanceof redis.clients.jedis.util.KeyValue<?, ?> kv) {
      return List.of(stringify(kv.getKey()), stringify(kv.getValue()));
    }
    return o;
  }
}
