package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Paths, the parser and the serializer without a server. */
class JsonPathTest {
  private static Object parse(String s) {
    return JsonReader.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String eval(String path, String doc) {
    JsonArrayOf out = new JsonArrayOf(JsonPath.of(path).values(parse(doc)));
    return out.toString();
  }

  private record JsonArrayOf(List<Object> values) {
    @Override
    public String toString() {
      JsonWriter w = new JsonWriter();
      JsonSupport.writeArray(w, values);
      return new String(w.toByteArray(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void legacyPathsBecomeJsonPath() {
    assertEquals("$", JsonPath.of(".").text);
    assertEquals("$.a.b", JsonPath.of(".a.b").text);
    assertEquals("$.a[0]", JsonPath.of("a[0]").text);
    assertEquals("$.$a", JsonPath.of("$a").text);
    assertTrue(JsonPath.of("a").legacy);
    assertFalse(JsonPath.of("$..a").legacy);
    assertTrue(JsonPath.of("$").isRoot() && JsonPath.of(".").isRoot());
  }

  @Test
  void selectors() {
    String doc = "{\"a\":[1,2,3,4,5],\"b\":{\"a\":9,\"c\":{\"a\":10}},\"s p\":1}";
    assertEquals("[[1,2,3,4,5],9,10]", eval("$..a", doc));
    assertEquals("[5]", eval("$.a[-1]", doc));
    assertEquals("[1]", eval("$.a[-9]", doc)); // clamps to the first, as RedisJSON
    assertEquals("[]", eval("$.a[9]", doc));
    assertEquals("[2,4]", eval("$.a[1:4:2]", doc));
    assertEquals("[4,5]", eval("$.a[-2:]", doc));
    assertEquals("[1,2]", eval("$.a[:2]", doc));
    assertEquals("[1,5]", eval("$.a[0,-1]", doc));
    assertEquals("[1]", eval("$['s p']", doc));
    assertEquals("[9,{\"a\":10}]", eval("$.b.*", doc));
    assertEquals("[4,5]", eval("$.a[?(@ > 3)]", doc));
    assertEquals("[1,5]", eval("$.a[?@ < 2 || @ >= 5]", doc));
    assertEquals("[2,3]", eval("$.a[?(@ > 1 && @ < 4)]", doc));
    assertEquals("[1,4,5]", eval("$.a[?@ < 2 || @ > 3 && @ < 10]", doc));
    assertEquals("[{\"a\":10}]", eval("$.b[?(@.a == 10)]", doc));
    assertEquals("[9]", eval("$.b[?(@ == $.b.a)]", doc));
  }

  @Test
  void staticPathsAndParents() {
    assertTrue(JsonPath.of("$.a.b[0]").isStatic());
    assertTrue(JsonPath.of("$['a']").isStatic());
    assertFalse(JsonPath.of("$..a").isStatic());
    assertFalse(JsonPath.of("$.a[0,1]").isStatic());
    assertEquals("b", JsonPath.of("$.a.b").lastKey());
    List<Object[]> paths = new ArrayList<>();
    JsonPath.of("$.a.b").parent().values(parse("{\"a\":{}}"), paths);
    assertEquals(1, paths.size());
    assertEquals("[a]", Arrays.toString(paths.get(0)));
  }

  @Test
  void syntaxErrors() {
    for (String bad : new String[] {"$.", "$[", "$.a[1", "$[?(@.a <)]", "$.a b", "$[1:2:0]"}) {
      RedisException e = assertThrows(RedisException.class, () -> JsonPath.of(bad).values(parse("{}")), bad);
      assertTrue(e.getMessage().startsWith("Error occurred on position "), e.getMessage());
    }
  }

  @Test
  void doublesAsRedisJsonWritesThem() {
    assertEquals("1.0", JsonWriter.formatDouble(1.0));
    assertEquals("0.1", JsonWriter.formatDouble(0.1));
    assertEquals("-2.5", JsonWriter.formatDouble(-2.5));
    assertEquals("1e16", JsonWriter.formatDouble(1e16));
    assertEquals("1000000000000000.0", JsonWriter.formatDouble(1e15));
    assertEquals("1.2345e20", JsonWriter.formatDouble(1.2345e20));
    assertEquals("0.0001", JsonWriter.formatDouble(1e-4));
    assertEquals("0.00001", JsonWriter.formatDouble(1e-5));
    assertEquals("1e-6", JsonWriter.formatDouble(1e-6));
    assertEquals("1.5e-7", JsonWriter.formatDouble(1.5e-7));
    assertEquals("1.7976931348623157e308", JsonWriter.formatDouble(Double.MAX_VALUE));
    assertEquals("5e-324", JsonWriter.formatDouble(Double.MIN_VALUE));
  }

  @Test
  void randomDocumentsRoundTrip() {
    long seed = System.nanoTime();
    System.out.println("JsonPathTest.randomDocumentsRoundTrip seed " + seed);
    Random r = new Random(seed);
    for (int i = 0; i < 200; i++) {
      Object v = random(r, 0);
      byte[] text = JsonWriter.toBytes(v);
      Object back = JsonReader.parse(text);
      assertTrue(Json.equal(v, back), "seed " + seed + ": " + new String(text, StandardCharsets.UTF_8));
      assertEquals(new String(text, StandardCharsets.UTF_8), new String(JsonWriter.toBytes(back),
          StandardCharsets.UTF_8), "seed " + seed);
    }
  }

  private static Object random(Random r, int depth) {
    int kind = r.nextInt(depth > 4 ? 6 : 8);
    switch (kind) {
      case 0: return Json.NULL;
      case 1: return r.nextBoolean();
      case 2: return r.nextLong() >> r.nextInt(64);
      case 3: return (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
      case 4: case 5: {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
          sb.append((char) (r.nextBoolean() ? r.nextInt(128) : r.nextInt(0xD000)));
        }
        return sb.toString();
      }
      case 6: {
        JArray a = new JArray();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.add(random(r, depth + 1));
        }
        return a;
      }
      default: {
        JObject o = new JObject();
        for (int i = r.nextInt(20); i > 0; i--) {
          o.put("k" + r.nextInt(30), random(r, depth + 1));
        }
        return o;
      }
    }
  }
}
