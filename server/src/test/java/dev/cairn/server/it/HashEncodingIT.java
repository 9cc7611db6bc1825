package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conversion from the packed encoding under small limits, checked against a model through the protocol. */
class HashEncodingIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--hash-max-ziplist-entries", "8", "--hash-max-listpack-value", "6"};
  }

  @Test
  void randomizedAcrossConversion() {
    long seed = System.nanoTime();
    System.out.println("HashEncodingIT seed=" + seed);
    Random rnd = new Random(seed);
    Map<String, String> model = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      String f = "f" + rnd.nextInt(20);
      if (rnd.nextInt(4) == 0) {
        assertEquals(model.remove(f) != null ? 1L : 0L, jedis.hdel("h", f), "seed " + seed);
      } else {
        String v = "v".repeat(rnd.nextInt(9));
        assertEquals(model.containsKey(f) ? 0L : 1L, jedis.hset("h", f, v), "seed " + seed);
        model.put(f, v);
      }
      assertEquals(model.size(), (int) jedis.hlen("h"), "seed " + seed);
    }
    assertEquals(model, jedis.hgetAll("h"), "seed " + seed);
  }
}
