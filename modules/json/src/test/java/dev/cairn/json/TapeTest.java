package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed document form: the same values, text and errors as the tree, in far fewer heap bytes. */
class TapeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String print(Object v, String indent, String newline, String space) {
    JsonWriter w = new JsonWriter(indent == null ? null : utf8(indent), newline == null ? null : utf8(newline),
        space == null ? null : utf8(space));
    w.value(v);
    return new String(w.toByteArray(), StandardCharsets.UTF_8);
  }

  /** The bench's 1 KB document (bench/json-compare.sh builds the same one). */
  static String benchDocument() {
    StringBuilder items = new StringBuilder();
    String head = "{\"id\":12345,\"name\":\"bench document\",\"a\":{\"b\":{\"c\":0}},\"tags\":[\"x\",\"y\",\"z\"],\"items\":[";
    int i = 0;
    while (head.length() + items.length() + 2 < 1000) {
      double v = i * 1.5;
      items.append(i == 0 ? "" : ",").append("{\"k\":\"item").append(String.format("%03d", i)).append("\",\"v\":")
          .append(v == Math.rint(v) ? Long.toString((long) v) + ".0" : Double.toString(v)).append('}');
      i++;
    }
    return head + items + "]}";
  }

  @Test
  void packsAndPrintsAsTheTreeDoes() {
    String[] docs = {
      "null", "true", "false", "0", "-9223372036854775808", "18446744073709551616", "1.5e300", "-0.0", "\"\"",
      "\"é\\u0001\\\"\\\\ \\ud83d\\ude00 \\ud800 \\n\\t\"", "[]", "{}", "[[],{},[[1]]]",
      "{\"a\":1,\"b\":{\"a\":2.5,\"c\":\"x\"},\"arr\":[1,2,3],\"t\":true,\"n\":null}", "{\"a\":1,\"a\":2,\"b\":3}",
      "{\"k\":{\"x\":1,\"x\":[1,{\"y\":1,\"y\":2}]}}", benchDocument()
    };
    for (String text : docs) {
      Object tree = JsonReader.parse(utf8(text));
      Object packed = JsonReader.parseDoc(utf8(text), true);
      assertInstanceOf(byte[].class, packed, text);
      assertArrayEquals(Tape.encode(tree), (byte[]) packed, text);
      assertEquals(print(tree, null, null, null), print(packed, null, null, null), text);
      assertEquals(print(tree, "  ", "\n", " "), print(packed, "  ", "\n", " "), text);
      assertEquals(print(tree, null, null, null), print(Tape.decode((byte[]) packed), null, null, null), text);
      assertTrue(Json.equal(tree, Tape.decode((byte[]) packed)), text);
    }
  }

  @Test
  void randomDocumentsRoundTrip() {
    long seed = System.nanoTime();
    System.out.println("TapeTest seed " + seed);
    Random rnd = new Random(seed);
    for (int n = 0; n < 300; n++) {
      String text = JsonWriter.toText(randomValue(rnd, 0));
      Object packed = JsonReader.parseDoc(utf8(text), true);
      assertEquals(text, JsonWriter.toText(packed), "seed " + seed);
      assertEquals(text, JsonWriter.toText(Tape.decode((byte[]) packed)), "seed " + seed);
    }
  }

  private static Object randomValue(Random rnd, int depth) {
    int kind = rnd.nextInt(depth > 4 ? 6 : 8);
    switch (kind) {
      case 0 -> {
        return Json.NULL;
      }
      case 1 -> {
        return rnd.nextBoolean();
      }
      case 2 -> {
        return rnd.nextLong() >> rnd.nextInt(64);
      }
      case 3 -> {
        return rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
      }
      case 4, 5 -> {
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(12); i > 0; i--) {
          b.append((char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : 0x20 + rnd.nextInt(0x5f)));
        }
        return b.toString();
      }
      case 6 -> {
        JArray a = new JArray();
        for (int i = rnd.nextInt(6); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        return a;
      }
      default -> {
        JObject o = new JObject();
        for (int i = rnd.nextInt(6); i > 0; i--) {
          o.put("k" + rnd.nextInt(8), randomValue(rnd, depth + 1));
        }
        return o;
      }
    }
  }

  @Test
  void errorsAreTheTreeParsersErrors() {
    for (String bad : new String[] {"", "{", "[1,", "{\"a\":}", "[1] x", "tru", "{\"a\" 1}", "[01]", "\"abc"}) {
      String tree = assertThrows(RedisException.class, () -> JsonReader.parse(utf8(bad))).getMessage();
      String packed = assertThrows(RedisException.class, () -> JsonReader.parseDoc(utf8(bad), true)).getMessage();
      assertEquals(tree, packed, bad);
    }
    String deep = "[".repeat(129) + "]".repeat(129);
    assertEquals("recursion limit exceeded at line 1 column 129",
        assertThrows(RedisException.class, () -> JsonReader.parseDoc(utf8(deep), true)).getMessage());
    assertInstanceOf(byte[].class, JsonReader.parseDoc(utf8(deep), false));
  }

  @Test
  void largeDocumentsStayTrees() {
    String big = "[" + "1,".repeat(Tape.PACK_LIMIT) + "1]";
    assertInstanceOf(JArray.class, JsonReader.parseDoc(utf8(big), true));
    assertNull(Tape.encodeWithin(JsonReader.parse(utf8(big))));
  }

  /**
   * Heap bytes of the bench's 1 KB document: packed, one array of about the text's size; as a tree (how writes see
   * it), many times that. Printed for the record; the bound is what the packed form must keep to.
   */
  @Test
  void benchDocumentHeapBytes() {
    byte[] text = utf8(benchDocument());
    Object packed = JsonReader.parseDoc(text, true);
    long packedBytes = JsonType.INSTANCE.memoryUsage(new JsonDoc(packed));
    long treeBytes = JsonType.INSTANCE.memoryUsage(new JsonDoc(JsonReader.parse(text)));
    System.out.println("1 KB document (" + text.length + " bytes of text): packed " + packedBytes
        + " heap bytes, tree " + treeBytes);
    assertTrue(packedBytes < 2L * text.length, "packed: " + packedBytes);
    assertTrue(treeBytes > 4 * packedBytes, "tree " + treeBytes + " vs packed " + packedBytes);
  }
}
