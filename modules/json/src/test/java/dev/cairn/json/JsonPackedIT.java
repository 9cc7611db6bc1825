package dev.cairn.json;

import static dev.cairn.json.JsonTestSupport.call;
import static dev.cairn.json.JsonTestSupport.err;
import static dev.cairn.json.JsonTestSupport.list;
import static dev.cairn.json.JsonTestSupport.resp3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Documents as the server stores them (packed up to 16 KB, trees beyond) through real commands, and what RedisJSON
 * 2.8 has beyond its documented set: JSON.NUMPOWBY, JSON.DEBUG DEFRAG_INFO, FORMAT BSON, arguments that must be
 * UTF-8.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JsonModule.class)
class JsonPackedIT {
  // ---------------------------------------------------------------- storage

  @Test
  void oneKilobyteDocumentTakesAboutItsTextInMemory(Jedis j) {
    String doc = TapeTest.benchDocument();
    call(j, "JSON.SET", "doc", "$", doc);
    j.set("str", "x".repeat(1024));
    long json = j.memoryUsage("doc");
    long str = j.memoryUsage("str");
    System.out.println("MEMORY USAGE: 1 KB document " + json + ", 1 KB string " + str);
    assertTrue(json < 2 * str, "document " + json + " vs string " + str);
    assertEquals(doc, call(j, "JSON.GET", "doc"));
    // a structural write unpacks the document, and the command packs it again when it ends
    assertEquals(list(4L), call(j, "JSON.ARRAPPEND", "doc", "$.tags", "\"w\""));
    long after = j.memoryUsage("doc");
    assertTrue(after >= json && after < json + 32, "packed again: " + json + " -> " + after);
    assertEquals("[1]", call(j, "JSON.NUMINCRBY", "doc", "$.a.b.c", "1"));
    assertEquals(after, j.memoryUsage("doc"));
    assertEquals("[[\"x\",\"y\",\"z\",\"w\"]]", call(j, "JSON.GET", "doc", "$.tags"));
  }

  @Test
  void inPlaceChangesDoNotReachCopies(Jedis j) throws Exception {
    call(j, "JSON.SET", "k", "$", "{\"n\":1,\"f\":1.5,\"t\":true,\"s\":\"x\"}");
    assertEquals(true, j.copy("k", "k2", false));
    byte[] dump = j.dump("k");
    assertEquals("[2]", call(j, "JSON.NUMINCRBY", "k2", "$.n", "1"));
    assertEquals("[3.0]", call(j, "JSON.NUMMULTBY", "k2", "$.f", "2"));
    assertEquals(list(0L), call(j, "JSON.TOGGLE", "k2", "$.t"));
    assertEquals("{\"n\":1,\"f\":1.5,\"t\":true,\"s\":\"x\"}", call(j, "JSON.GET", "k"));
    assertEquals("{\"n\":2,\"f\":3.0,\"t\":false,\"s\":\"x\"}", call(j, "JSON.GET", "k2"));
    call(j, "JSON.NUMINCRBY", "k", "$.n", "5");
    j.restore("k3", 0, dump);
    assertEquals("{\"n\":1,\"f\":1.5,\"t\":true,\"s\":\"x\"}", call(j, "JSON.GET", "k3"));
  }

  @Test
  void pathsOnPackedDocuments(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":{\"é\":[1,{\"x\":2}],\"b\":\"s\"},\"c\":[{\"x\":3},{\"x\":\"y\"}]}");
    assertEquals("[1,{\"x\":2}]", call(j, "JSON.GET", "k", ".a[\"é\"]"));
    assertEquals("[2,3,\"y\"]", call(j, "JSON.GET", "k", "$..x"));
    assertEquals("[3]", call(j, "JSON.GET", "k", "$.c[?(@.x > 1)].x"));
    assertEquals("[[1,{\"x\":2}]]", call(j, "JSON.GET", "k", "$.a['é','zz']"));
    assertEquals("[{\"x\":\"y\"}]", call(j, "JSON.GET", "k", "$.c[-1:]"));
    assertEquals("[{\"x\":3}]", call(j, "JSON.GET", "k", "$.c[0:5:2]"));
    assertEquals("[5,6,null]", call(j, "JSON.NUMINCRBY", "k", "$..x", "3"));
    assertEquals("{\"a\":{\"é\":[1,{\"x\":5}],\"b\":\"s\"},\"c\":[{\"x\":6},{\"x\":\"y\"}]}",
        call(j, "JSON.GET", "k"));
  }

  @Test
  void largeDocumentsStayTreesAndWork(Jedis j) {
    StringBuilder b = new StringBuilder("{\"n\":0,\"arr\":[");
    for (int i = 0; i < 5000; i++) {
      b.append(i == 0 ? "" : ",").append(i);
    }
    String doc = b.append("]}").toString();
    call(j, "JSON.SET", "big", "$", doc);
    assertEquals(doc, call(j, "JSON.GET", "big"));
    assertEquals(list(5001L), call(j, "JSON.ARRAPPEND", "big", "$.arr", "5000"));
    assertEquals("[1]", call(j, "JSON.NUMINCRBY", "big", "$.n", "1"));
    assertEquals("[4999,5000]", call(j, "JSON.GET", "big", "$.arr[-2:]"));
    assertTrue(j.memoryUsage("big") > 5000 * 16, "a tree: a boxed number per element");
  }

  // ---------------------------------------------------------------- JSON.NUMPOWBY

  @Test
  void numpowbyAsRedisJson(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "doc1", "$", "{\"a\":\"b\",\"b\":[{\"a\":2}, {\"a\":5.0}, {\"a\":\"c\"}]}");
    assertEquals("[null,4,25.0,null]", call(j, "JSON.NUMPOWBY", "doc1", "$..a", "2"));
    assertEquals("[null,16,625.0,null]", call(j, "JSON.NUMPOWBY", "doc1", "$..a", "2"));
    assertEquals("[390625.0]", call(j, "JSON.NUMPOWBY", "doc1", "$.b[1].a", "2"));
    assertEquals("[null]", call(j, "JSON.NUMPOWBY", "doc1", "$.b[2].a", "2"));
    assertEquals("[5.960464477539062e16]", call(j, "JSON.NUMPOWBY", "doc1", "$.b[1].a", "3"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist",
        err(j, "JSON.NUMPOWBY", "missing", "$..a", "2"));
    // legacy path: the last result as text; errors as NUMINCRBY's
    call(j, "JSON.SET", "k", "$", "{\"i\":2,\"s\":\"x\"}");
    assertEquals("8", call(j, "JSON.NUMPOWBY", "k", ".i", "3"));
    assertEquals("ERR Path '$.s' does not exist or does not contains a number",
        err(j, "JSON.NUMPOWBY", "k", ".s", "2"));
    assertEquals("bad input number", err(j, "JSON.NUMPOWBY", "k", ".i", "\"x\""));
    // integers wrap around at 64 bits; the exponent is taken as an unsigned 32-bit number
    call(j, "JSON.SET", "w", "$", "{\"x\":2,\"y\":2,\"z\":-1}");
    assertEquals("[0]", call(j, "JSON.NUMPOWBY", "w", "$.x", "64"));
    assertEquals("[-9223372036854775808]", call(j, "JSON.NUMPOWBY", "w", "$.y", "63"));
    assertEquals("[-1]", call(j, "JSON.NUMPOWBY", "w", "$.z", "-1"));
    call(j, "JSON.SET", "h", "$", "{\"x\":4}");
    assertEquals("[0.5]", call(j, "JSON.NUMPOWBY", "h", "$.x", "-0.5"));
    call(j, "JSON.SET", "f", "$", "{\"x\":-8}");
    assertEquals("result is not a number", err(j, "JSON.NUMPOWBY", "f", "$.x", "0.5"));
    try (Jedis r3 = resp3(cairn)) {
      call(r3, "JSON.SET", "r", "$", "{\"a\":3,\"b\":1.5,\"c\":\"s\"}");
      assertEquals(list(9L, 2.25, null), call(r3, "JSON.NUMPOWBY", "r", "$.*", "2"));
    }
  }

  @Test
  void numpowbyRaisesItsKeyspaceEvent(EmbeddedCairn cairn, Jedis j) throws Exception {
    j.configSet("notify-keyspace-events", "KEA");
    call(j, "JSON.SET", "ev", "$", "{\"foo\":12,\"bar\":\"baro\"}");
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    JedisPubSub sub = new JedisPubSub() {
      @Override
      public void onPMessage(String pattern, String channel, String message) {
        events.add(message);
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
    assertEquals("[144]", call(j, "JSON.NUMPOWBY", "ev", "$.foo", "2"));
    assertEquals("[null]", call(j, "JSON.NUMPOWBY", "ev", "$.bar", "3"));
    assertEquals("json.numpowby", events.poll(5, TimeUnit.SECONDS));
    sub.punsubscribe();
    t.join(5000);
    assertEquals(List.of(), List.copyOf(events), "no event when nothing changed");
  }

  // ---------------------------------------------------------------- JSON.DEBUG DEFRAG_INFO

  @Test
  void debugDefragInfo(EmbeddedCairn cairn, Jedis j) {
    assertEquals(list("defrag_started", 0L, "defrag_ended", 0L, "keys_defrag", 0L),
        call(j, "JSON.DEBUG", "DEFRAG_INFO"));
    assertEquals(list("defrag_started", 0L, "defrag_ended", 0L, "keys_defrag", 0L),
        call(j, "JSON.DEBUG", "defrag_info"));
    try (Jedis r3 = resp3(cairn)) {
      assertEquals(Map.of("defrag_started", 0L, "defrag_ended", 0L, "keys_defrag", 0L),
          call(r3, "JSON.DEBUG", "DEFRAG_INFO"));
    }
  }

  // ---------------------------------------------------------------- UTF-8 arguments, FORMAT BSON

  private static Object callBytes(Jedis j, String command, byte[]... args) {
    return JsonTestSupport.plain(j.sendCommand(() -> SafeEncoder.encode(command), args));
  }

  private static String errBytes(Jedis j, String command, byte[]... args) {
    return assertThrows(JedisDataException.class, () -> callBytes(j, command, args)).getMessage();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void valuesAndPathsMustBeUtf8(Jedis j) {
    call(j, "JSON.SET", "test", ".", "{\"arr\":[1,2]}");
    byte[] bad = {(byte) 0x80, 'a', 'b', 'c'};
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.ARRINSERT", b("test"), b(".arr"), b("0"), bad));
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.ARRAPPEND", b("test"), b(".arr"), bad));
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.SET", b("test"), b("$"), bad));
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.SET", b("test"), b("$"), bad, b("BOGUS")));
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.GET", b("test"), bad));
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.STRAPPEND", b("test"), b("$"), bad));
    assertEquals("{\"arr\":[1,2]}", call(j, "JSON.GET", "test"));
    // UTF-8 outside ASCII is fine
    assertEquals("OK", call(j, "JSON.SET", "test", "$.arr[0]", "\"żółw\""));
    assertEquals("[\"żółw\"]", call(j, "JSON.GET", "test", "$.arr[0]"));
  }

  private static byte[] bson(BsonDocument d) {
    ByteBuffer buf = new RawBsonDocument(d, new BsonDocumentCodec()).getByteBuffer().asNIO();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }

  @Test
  void setAndMergeFormatBson(Jedis j) {
    BsonDocument value = new BsonDocument("a", new BsonInt32(1)).append("s", new BsonString("t"))
        .append("l", new BsonArray(List.of(new BsonInt64(7), BsonBoolean.TRUE, BsonNull.VALUE)))
        .append("id", new BsonObjectId(new ObjectId("0102030405060708090a0b0c")));
    // the stored value is the first element's value
    assertEquals("OK", callBytes(j, "JSON.SET", b("b"), b("$"), bson(new BsonDocument("x", value)), b("FORMAT"),
        b("BSON")));
    assertEquals("{\"a\":1,\"s\":\"t\",\"l\":[7,true,null],\"id\":{\"$oid\":\"0102030405060708090a0b0c\"}}",
        call(j, "JSON.GET", "b"));
    assertEquals("OK", callBytes(j, "JSON.MERGE", b("b"), b("$"),
        bson(new BsonDocument("ignored", new BsonDocument("s", BsonNull.VALUE).append("y", new BsonInt32(2)))),
        b("FORMAT"), b("BSON")));
    assertEquals("{\"a\":1,\"l\":[7,true,null],\"id\":{\"$oid\":\"0102030405060708090a0b0c\"},\"y\":2}",
        call(j, "JSON.GET", "b"));
    assertEquals("OK", callBytes(j, "JSON.SET", b("b"), b("$.y"), bson(new BsonDocument("", new BsonString("z"))),
        b("FORMAT"), b("BSON")));
    assertEquals("[\"z\"]", call(j, "JSON.GET", "b", "$.y"));
    // an empty document is JSON null
    assertEquals("OK", callBytes(j, "JSON.SET", b("e"), b("$"), bson(new BsonDocument()), b("FORMAT"), b("BSON")));
    assertEquals("null", call(j, "JSON.GET", "e"));
    // a double's bytes are rarely UTF-8, and RedisJSON reads every value as text first
    assertEquals("Couldn't parse as UTF-8 string", errBytes(j, "JSON.SET", b("d"), b("$"),
        bson(new BsonDocument("x", new BsonDouble(1.5))), b("FORMAT"), b("BSON")));
    assertTrue(errBytes(j, "JSON.SET", b("d"), b("$"), b("abc"), b("FORMAT"), b("BSON")).startsWith("bad BSON"));
    assertEquals("ERR wrong format", err(j, "JSON.SET", "d", "$", "{}", "FORMAT", "bson"));
    assertEquals("ERR wrong format", err(j, "JSON.MERGE", "d", "$", "{}", "FORMAT", "XML"));
    assertEquals("OK", call(j, "JSON.SET", "d", "$", "{}", "FORMAT", "STRING"));
  }
}
