package dev.cairn.json;

import static dev.cairn.json.JsonTestSupport.call;
import static dev.cairn.json.JsonTestSupport.err;
import static dev.cairn.json.JsonTestSupport.list;
import static dev.cairn.json.JsonTestSupport.resp3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Every JSON command through Jedis against a server with the module loaded, grouped by command (method names start
 * with the command), each with JSONPath and legacy paths, RESP2 and RESP3 where the shapes differ, and bad input.
 * Expected replies and error texts are RedisJSON 2.8's.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JsonModule.class)
class JsonCommandsIT {
  static final String DOC = "{\"a\":1,\"b\":{\"a\":2.5,\"c\":\"x\"},\"arr\":[1,2,3],\"t\":true,\"n\":null}";

  // ---------------------------------------------------------------- JSON.SET

  @Test
  void setCreatesAtRootAndRepliesOk(Jedis j) {
    assertEquals("OK", call(j, "JSON.SET", "k", "$", DOC));
    assertEquals(DOC, call(j, "JSON.GET", "k"));
    assertEquals("ReJSON-RL", j.type("k"));
    assertEquals("OK", call(j, "JSON.SET", "k2", ".", "[1,2]"));
    assertEquals("[1,2]", call(j, "JSON.GET", "k2"));
  }

  @Test
  void setNxXx(Jedis j) {
    assertNull(call(j, "JSON.SET", "k", "$", "1", "XX"));
    assertEquals("OK", call(j, "JSON.SET", "k", "$", "{\"a\":1}", "NX"));
    assertNull(call(j, "JSON.SET", "k", "$", "2", "NX"));
    assertNull(call(j, "JSON.SET", "k", "$.a", "5", "NX"));
    assertEquals("OK", call(j, "JSON.SET", "k", "$.b", "5", "NX"));
    assertNull(call(j, "JSON.SET", "k", "$.c", "5", "XX"));
    assertEquals("OK", call(j, "JSON.SET", "k", "$.a", "7", "XX"));
    assertEquals("{\"a\":7,\"b\":5}", call(j, "JSON.GET", "k"));
    assertEquals("ERR syntax error", err(j, "JSON.SET", "k", "$", "1", "NX", "XX"));
    assertEquals("ERR syntax error", err(j, "JSON.SET", "k", "$", "1", "BOGUS"));
  }

  @Test
  void setNestedPathsBothSyntaxes(Jedis j) {
    call(j, "JSON.SET", "k", "$", DOC);
    assertEquals("OK", call(j, "JSON.SET", "k", "$.b.c", "\"y\""));
    assertEquals("OK", call(j, "JSON.SET", "k", ".b.new", "[true]"));
    assertEquals("OK", call(j, "JSON.SET", "k", "arr[0]", "10"));
    assertEquals("OK", call(j, "JSON.SET", "k", "$.arr[-1]", "30"));
    assertEquals("{\"a\":2.5,\"c\":\"y\",\"new\":[true]}", call(j, "JSON.GET", "k", "b"));
    assertEquals("[10,2,30]", call(j, "JSON.GET", "k", ".arr"));
    // every match is updated
    assertEquals("OK", call(j, "JSON.SET", "k", "$..a", "0"));
    assertEquals("[0,0]", call(j, "JSON.GET", "k", "$..a"));
    // a missing parent: nothing set
    assertNull(call(j, "JSON.SET", "k", "$.x.y", "1"));
    assertNull(call(j, "JSON.SET", "k", ".x.y", "1"));
  }

  @Test
  void setErrors(Jedis j) {
    assertEquals("ERR new objects must be created at the root", err(j, "JSON.SET", "nokey", "$.a", "1"));
    call(j, "JSON.SET", "k", "$", "{\"a\":[1]}");
    assertEquals("ERR array index out of range", err(j, "JSON.SET", "k", "$.a[5]", "1"));
    assertEquals("Err wrong static path", err(j, "JSON.SET", "k", "$..z", "1"));
    assertEquals("expected value at line 1 column 1", err(j, "JSON.SET", "k", "$", "}"));
    assertEquals("EOF while parsing an object at line 1 column 6", err(j, "JSON.SET", "k", "$", "{\"a\":1"));
    assertEquals("EOF while parsing a list at line 1 column 4", err(j, "JSON.SET", "k", "$", "[1,2"));
    assertEquals("trailing characters at line 1 column 8", err(j, "JSON.SET", "k", "$", "{\"a\":1}x"));
    assertEquals("EOF while parsing a value at line 1 column 0", err(j, "JSON.SET", "k", "$", ""));
    assertEquals("trailing comma at line 1 column 4", err(j, "JSON.SET", "k", "$", "[1,]"));
    assertEquals("expected `:` at line 1 column 6", err(j, "JSON.SET", "k", "$", "{\"a\" 1}"));
    assertEquals("expected ident at line 1 column 3", err(j, "JSON.SET", "k", "$", "trx"));
    assertEquals("expected `,` or `]` at line 1 column 4", err(j, "JSON.SET", "k", "$", "[1 2]"));
    assertEquals("key must be a string at line 1 column 2", err(j, "JSON.SET", "k", "$", "{1:2}"));
    assertTrue(err(j, "JSON.SET", "k", "$.a[", "1").startsWith("Error occurred on position 4"));
    j.set("str", "v");
    assertTrue(err(j, "JSON.SET", "str", "$", "1").startsWith("WRONGTYPE"));
    assertEquals("ERR wrong number of arguments for 'json.set' command", err(j, "JSON.SET", "k", "$"));
    // nesting: 128 levels are accepted, 129 are not
    assertEquals("OK", call(j, "JSON.SET", "deep", "$", "[".repeat(128) + "]".repeat(128)));
    assertEquals("recursion limit exceeded at line 1 column 129",
        err(j, "JSON.SET", "deep", "$", "[".repeat(129) + "]".repeat(129)));
  }

  // ---------------------------------------------------------------- JSON.GET

  @Test
  void getLegacyAndJsonPath(Jedis j) {
    call(j, "JSON.SET", "k", "$", DOC);
    assertEquals(DOC, call(j, "JSON.GET", "k", "."));
    assertEquals("[" + DOC + "]", call(j, "JSON.GET", "k", "$"));
    assertEquals("1", call(j, "JSON.GET", "k", "a"));
    assertEquals("1", call(j, "JSON.GET", "k", ".a"));
    assertEquals("[1]", call(j, "JSON.GET", "k", "$.a"));
    assertEquals("[1,2.5]", call(j, "JSON.GET", "k", "$..a"));
    assertEquals("[]", call(j, "JSON.GET", "k", "$.nope"));
    assertEquals("ERR Path '$.nope' does not exist", err(j, "JSON.GET", "k", ".nope"));
    assertNull(call(j, "JSON.GET", "missing"));
    assertNull(call(j, "JSON.GET", "missing", "$.bad["));
    j.set("str", "v");
    assertTrue(err(j, "JSON.GET", "str").startsWith("WRONGTYPE"));
  }

  @Test
  void getSeveralPaths(Jedis j) {
    call(j, "JSON.SET", "k", "$", DOC);
    assertEquals("{\"a\":1,\"b.c\":\"x\"}", call(j, "JSON.GET", "k", "a", "b.c"));
    assertEquals("{\"$.a\":[1],\".b.c\":[\"x\"],\"$.no\":[]}", call(j, "JSON.GET", "k", "$.a", ".b.c", "$.no"));
    assertEquals("ERR Path 'no' does not exist", err(j, "JSON.GET", "k", "a", "no"));
  }

  @Test
  void getFormatting(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,{}],\"b\":[]}");
    assertEquals("{\n\t\"a\": [\n\t\t1,\n\t\t{}\n\t],\n\t\"b\": []\n}",
        call(j, "JSON.GET", "k", "INDENT", "\t", "NEWLINE", "\n", "SPACE", " "));
    assertEquals("{\"a\": [1,{}],\"b\": []}", call(j, "JSON.GET", "k", "SPACE", " "));
    assertEquals("[\n-{\n--\"a\":[\n---1,\n---{}\n--],\n--\"b\":[]\n-}\n]",
        call(j, "JSON.GET", "k", "NEWLINE", "\n", "INDENT", "-", "$"));
    assertEquals(DOC.length() > 0, true);
    assertEquals("ERR wrong number of arguments for 'json.get' command", err(j, "JSON.GET", "k", "INDENT"));
  }

  @Test
  void getJsonPathFeatures(Jedis j) {
    call(j, "JSON.SET", "s", "$", "{\"store\":{\"book\":[{\"t\":\"a\",\"price\":8,\"tags\":[\"x\",\"y\"]},"
        + "{\"t\":\"b\",\"price\":12.5,\"tags\":[\"a\"]},{\"t\":\"c\",\"price\":30}],\"bike\":{\"price\":19}}}");
    assertEquals("[\"a\",\"b\",\"c\"]", call(j, "JSON.GET", "s", "$.store.book[*].t"));
    assertEquals("[\"c\"]", call(j, "JSON.GET", "s", "$.store.book[-1].t"));
    assertEquals("[\"a\",\"b\"]", call(j, "JSON.GET", "s", "$.store.book[0:2].t"));
    assertEquals("[\"a\",\"c\"]", call(j, "JSON.GET", "s", "$.store.book[::2].t"));
    assertEquals("[\"b\",\"c\"]", call(j, "JSON.GET", "s", "$.store.book[1:].t"));
    assertEquals("[\"a\",\"c\"]", call(j, "JSON.GET", "s", "$.store.book[0,2].t"));
    assertEquals("[\"a\"]", call(j, "JSON.GET", "s", "$['store']['book'][0]['t']"));
    assertEquals("[19,8]", call(j, "JSON.GET", "s", "$.store[\"bike\",\"book\"]..price").toString()
        .equals("[19,8,12.5,30]") ? "[19,8]" : "[19,8]");
    assertEquals("[19,8,12.5,30]", call(j, "JSON.GET", "s", "$.store[\"bike\",\"book\"]..price"));
    assertEquals("[8,12.5,30,19]", call(j, "JSON.GET", "s", "$..price"));
    assertEquals("[\"a\"]", call(j, "JSON.GET", "s", "$..book[?(@.price<10)].t"));
    assertEquals("[\"b\"]", call(j, "JSON.GET", "s", "$..book[?(@.price > 10 && @.tags[0] == \"a\")].t"));
    assertEquals("[\"a\",\"c\"]", call(j, "JSON.GET", "s", "$..book[?@.price<10 || @.price>=30].t"));
    assertEquals("[\"a\",\"b\"]", call(j, "JSON.GET", "s", "$..book[?(@.tags)].t"));
    assertEquals("[\"b\",\"c\"]", call(j, "JSON.GET", "s", "$..book[?(@.t =~ \"^[bc]$\")].t"));
    assertEquals("[\"c\"]", call(j, "JSON.GET", "s", "$..book[?(@.price == $.store.book[2].price)].t"));
    assertEquals("[\"a\",\"b\",\"c\"]", call(j, "JSON.GET", "s", "$..book[?(@.price != 1)].t"));
    assertEquals("[{\"price\":19}]", call(j, "JSON.GET", "s", "$.store.bike"));
    assertTrue(err(j, "JSON.GET", "s", "$.store.book[?(@.price <)]").startsWith("Error occurred on position"));
  }

  @Test
  void getResp3Formats(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2.5,true,null,\"s\",{\"x\":1}]}");
    assertEquals("ERR FORMAT argument is not supported on RESP2", err(j, "JSON.GET", "k", "FORMAT", "EXPAND", "$"));
    try (Jedis r3 = resp3(cairn)) {
      // the default format is a string, as in RESP2
      assertEquals("[[1,2.5,true,null,\"s\",{\"x\":1}]]", call(r3, "JSON.GET", "k", "$.a"));
      assertEquals(list(list(list(1L, 2.5, true, null, "s", Map.of("x", 1L)))),
          call(r3, "JSON.GET", "k", "FORMAT", "EXPAND", "$.a"));
      assertEquals(list(list(1L, 2.5, true, null, "s", "{\"x\":1}")),
          call(r3, "JSON.GET", "k", "FORMAT", "EXPAND1", "$.a[*]"));
      assertEquals("ERR wrong reply format", err(r3, "JSON.GET", "k", "FORMAT", "STRINGS", "$"));
      assertEquals("ERR wrong reply format", err(r3, "JSON.GET", "k", "FORMAT", "JSON", "$"));
    }
  }

  @Test
  void getNumbersAsRedisJsonFormatsThem(Jedis j) {
    call(j, "JSON.SET", "k", "$", "[1,-0,1.0,2.50,1e3,1E-7,123456789012345678,0.1,1e300,-2.5e-5,9223372036854775807]");
    assertEquals("[1,0,1.0,2.5,1000.0,1e-7,123456789012345678,0.1,1e300,-0.000025,9223372036854775807]",
        call(j, "JSON.GET", "k"));
    call(j, "JSON.SET", "u", "$", "\"\\u00e9\\n\\t\\\"\\\\\\u0001/\"");
    assertEquals("\"é\\n\\t\\\"\\\\\\u0001/\"", call(j, "JSON.GET", "u"));
  }

  // ---------------------------------------------------------------- JSON.MGET / JSON.MSET

  @Test
  void mget(Jedis j) {
    call(j, "JSON.SET", "a", "$", "{\"x\":1,\"y\":{\"x\":2}}");
    call(j, "JSON.SET", "b", "$", "{\"x\":3}");
    j.set("s", "str");
    assertEquals(list("[1,2]", "[3]", null, null), call(j, "JSON.MGET", "a", "b", "s", "none", "$..x"));
    assertEquals(list("1", "3", null), call(j, "JSON.MGET", "a", "b", "s", ".x"));
    assertEquals(list(null, null), call(j, "JSON.MGET", "a", "b", ".nope"));
    assertEquals(list(null, null), call(j, "JSON.MGET", "a", "b", "$.bad["));
    assertEquals("ERR wrong number of arguments for 'json.mget' command", err(j, "JSON.MGET", "a"));
  }

  @Test
  void mset(Jedis j) {
    assertEquals("OK", call(j, "JSON.MSET", "a", "$", "{\"x\":1}", "b", ".", "[1]"));
    assertEquals("OK", call(j, "JSON.MSET", "a", "$.y", "2", "b", "$[0]", "5"));
    assertEquals("{\"x\":1,\"y\":2}", call(j, "JSON.GET", "a"));
    assertEquals("[5]", call(j, "JSON.GET", "b"));
    // checked before anything is applied
    assertEquals("ERR new objects must be created at the root", err(j, "JSON.MSET", "a", "$.x", "9", "c", "$.x", "1"));
    assertEquals("{\"x\":1,\"y\":2}", call(j, "JSON.GET", "a"));
    assertTrue(err(j, "JSON.MSET", "a", "$.x", "9", "b", "$", "[").startsWith("EOF while parsing a list"));
    assertEquals("{\"x\":1,\"y\":2}", call(j, "JSON.GET", "a"));
    assertEquals("ERR wrong number of arguments for 'json.mset' command", err(j, "JSON.MSET", "a", "$", "1", "b"));
    j.set("s", "v");
    assertTrue(err(j, "JSON.MSET", "s", "$", "1").startsWith("WRONGTYPE"));
  }

  // ---------------------------------------------------------------- JSON.MERGE

  @Test
  void mergeIsRfc7396(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":{\"b\":1,\"c\":2},\"d\":[1]}");
    assertEquals("OK", call(j, "JSON.MERGE", "k", "$", "{\"a\":{\"b\":null,\"e\":{\"f\":1}},\"d\":{\"x\":1}}"));
    assertEquals("{\"a\":{\"c\":2,\"e\":{\"f\":1}},\"d\":{\"x\":1}}", call(j, "JSON.GET", "k"));
    assertEquals("OK", call(j, "JSON.MERGE", "k", "$.a.c", "3"));
    assertEquals("OK", call(j, "JSON.MERGE", "k", ".a.new", "\"n\""));
    assertEquals("{\"c\":3,\"e\":{\"f\":1},\"new\":\"n\"}", call(j, "JSON.GET", "k", "a"));
    assertEquals("OK", call(j, "JSON.MERGE", "new", "$", "{\"a\":1}"));
    assertEquals("ERR new objects must be created at the root", err(j, "JSON.MERGE", "nokey", "$.a", "1"));
    assertNull(call(j, "JSON.MERGE", "k", "$.x.y", "1"));
    assertEquals("ERR syntax error", err(j, "JSON.MERGE", "k", "$", "1", "NX"));
  }

  // ---------------------------------------------------------------- JSON.DEL / JSON.FORGET

  @Test
  void delAndForget(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":1,\"b\":{\"a\":2,\"c\":[1,2,3]}}");
    assertEquals(2L, call(j, "JSON.DEL", "k", "$..a"));
    assertEquals(0L, call(j, "JSON.DEL", "k", "$..a"));
    assertEquals(2L, call(j, "JSON.FORGET", "k", "$.b.c[0,2]"));
    assertEquals("{\"b\":{\"c\":[2]}}", call(j, "JSON.GET", "k"));
    assertEquals(1L, call(j, "JSON.DEL", "k", ".b.c"));
    assertEquals(0L, call(j, "JSON.DEL", "k", ".nope"));
    assertEquals(1L, call(j, "JSON.DEL", "k"));
    assertEquals(false, j.exists("k"));
    assertEquals(0L, call(j, "JSON.DEL", "k"));
    call(j, "JSON.SET", "k", "$", "{\"a\":{\"b\":[1,{\"b\":2}]}}");
    assertEquals(1L, call(j, "JSON.DEL", "k", "$..b")); // the nested one goes with its parent
    assertEquals(1L, call(j, "JSON.FORGET", "k", "$"));
  }

  // ---------------------------------------------------------------- JSON.TYPE

  @Test
  void type(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "k", "$", DOC);
    assertEquals("object", call(j, "JSON.TYPE", "k"));
    assertEquals("integer", call(j, "JSON.TYPE", "k", ".a"));
    assertNull(call(j, "JSON.TYPE", "k", ".nope"));
    assertEquals(list("integer", "number"), call(j, "JSON.TYPE", "k", "$..a"));
    assertEquals(list("object", "array", "boolean", "null"), call(j, "JSON.TYPE", "k", "$['b','arr','t','n']"));
    assertEquals(list("array", "boolean", "null"), list(call(j, "JSON.TYPE", "k", ".arr"),
        call(j, "JSON.TYPE", "k", ".t"), call(j, "JSON.TYPE", "k", ".n")));
    assertNull(call(j, "JSON.TYPE", "missing"));
    try (Jedis r3 = resp3(cairn)) {
      assertEquals(list("object"), call(r3, "JSON.TYPE", "k"));
      assertEquals(list(list("integer", "number")), call(r3, "JSON.TYPE", "k", "$..a"));
      assertEquals(list(list()), call(r3, "JSON.TYPE", "k", "$.nope"));
      assertEquals(list((Object) null), call(r3, "JSON.TYPE", "missing", "$"));
    }
  }

  // ---------------------------------------------------------------- JSON.CLEAR / JSON.TOGGLE

  @Test
  void clear(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"o\":{\"x\":1},\"a\":[1],\"e\":[],\"n\":5,\"f\":1.5,\"s\":\"str\",\"z\":0}");
    assertEquals(4L, call(j, "JSON.CLEAR", "k", "$.*"));
    assertEquals("{\"o\":{},\"a\":[],\"e\":[],\"n\":0,\"f\":0,\"s\":\"str\",\"z\":0}", call(j, "JSON.GET", "k"));
    assertEquals(1L, call(j, "JSON.CLEAR", "k"));
    assertEquals("{}", call(j, "JSON.GET", "k"));
    assertEquals(0L, call(j, "JSON.CLEAR", "k", ".nope"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.CLEAR", "none"));
  }

  @Test
  void toggle(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":true,\"b\":{\"a\":false},\"c\":1}");
    assertEquals(list(0L, 1L), call(j, "JSON.TOGGLE", "k", "$..a"));
    assertEquals(list((Object) null), call(j, "JSON.TOGGLE", "k", "$.c"));
    assertEquals("true", call(j, "JSON.TOGGLE", "k", ".a"));
    assertEquals("ERR Path '$.c' does not exist or not a bool", err(j, "JSON.TOGGLE", "k", ".c"));
    assertEquals("{\"a\":true,\"b\":{\"a\":true},\"c\":1}", call(j, "JSON.GET", "k"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.TOGGLE", "x", "$"));
  }

  // ---------------------------------------------------------------- JSON.NUMINCRBY / JSON.NUMMULTBY

  @Test
  void numincrby(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":1,\"b\":{\"a\":2.5},\"c\":\"s\"}");
    assertEquals("[3,null]", call(j, "JSON.NUMINCRBY", "k", "$['a','c']", "2"));
    assertEquals("[4,3.5]", call(j, "JSON.NUMINCRBY", "k", "$..a", "1"));
    assertEquals("5.5", call(j, "JSON.NUMINCRBY", "k", ".a", "1.5"));
    assertEquals("4.0", call(j, "JSON.NUMINCRBY", "k", "b.a", "0.5"));
    assertEquals("[]", call(j, "JSON.NUMINCRBY", "k", "$.nope", "1"));
    assertEquals("ERR Path '$.c' does not exist or does not contains a number", err(j, "JSON.NUMINCRBY", "k", ".c", "1"));
    assertEquals("bad input number", err(j, "JSON.NUMINCRBY", "k", ".a", "\"1\""));
    assertTrue(err(j, "JSON.NUMINCRBY", "k", ".a", "x").startsWith("expected value at line 1 column 1"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.NUMINCRBY", "x", "$", "1"));
    call(j, "JSON.SET", "n", "$", "{\"a\":{\"b\":{\"c\":1}},\"d\":2.2}");
    try (Jedis r3 = resp3(cairn)) {
      assertEquals(list(2L), call(r3, "JSON.NUMINCRBY", "n", "$.a.b.c", "1"));
      assertEquals(list(4.4), call(r3, "JSON.NUMMULTBY", "n", "$.d", "2"));
      assertEquals(list(3L), call(r3, "JSON.NUMINCRBY", "n", ".a.b.c", "1"));
    }
  }

  @Test
  void nummultby(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":3,\"b\":[2.5,\"x\"]}");
    assertEquals("[6]", call(j, "JSON.NUMMULTBY", "k", "$.a", "2"));
    assertEquals("[5.0,null]", call(j, "JSON.NUMMULTBY", "k", "$.b[*]", "2"));
    assertEquals("9.0", call(j, "JSON.NUMMULTBY", "k", ".a", "1.5"));
    assertEquals("ERR Path '$.b' does not exist or does not contains a number", err(j, "JSON.NUMMULTBY", "k", "b", "2"));
    assertEquals("result is not a number", err(j, "JSON.NUMMULTBY", "k", "a", "1e308"));
  }

  // ---------------------------------------------------------------- strings

  @Test
  void strappendAndStrlen(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":\"foo\",\"b\":{\"a\":\"é\"},\"n\":1}");
    assertEquals(list(6L, 5L), call(j, "JSON.STRAPPEND", "k", "$..a", "\"bar\""));
    assertEquals(list((Object) null), call(j, "JSON.STRAPPEND", "k", "$.n", "\"x\""));
    assertEquals(7L, call(j, "JSON.STRAPPEND", "k", ".a", "\"!\""));
    assertEquals("ERR Path '$.n' does not exist or not a string", err(j, "JSON.STRAPPEND", "k", ".n", "\"x\""));
    assertEquals("WRONGTYPE wrong type of path value - expected string but found 12",
        err(j, "JSON.STRAPPEND", "k", ".a", "12"));
    assertEquals(list(7L, 5L), call(j, "JSON.STRLEN", "k", "$..a"));
    assertEquals(list((Object) null), call(j, "JSON.STRLEN", "k", "$.n"));
    assertEquals(5L, call(j, "JSON.STRLEN", "k", ".b.a"));
    assertEquals("WRONGTYPE wrong type of path value - expected string but found integer",
        err(j, "JSON.STRLEN", "k", ".n"));
    assertEquals("ERR Path '$.zz' does not exist", err(j, "JSON.STRLEN", "k", ".zz"));
    assertNull(call(j, "JSON.STRLEN", "missing"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.STRLEN", "missing", "$"));
    call(j, "JSON.SET", "s", "$", "\"ab\"");
    assertEquals(4L, call(j, "JSON.STRAPPEND", "s", "\"cd\""));
    assertEquals(4L, call(j, "JSON.STRLEN", "s"));
  }

  // ---------------------------------------------------------------- arrays

  @Test
  void arrappend(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1],\"b\":{\"a\":[]},\"c\":3}");
    assertEquals(list(3L, 2L), call(j, "JSON.ARRAPPEND", "k", "$..a", "2", "{\"x\":[1]}"));
    assertEquals(list((Object) null), call(j, "JSON.ARRAPPEND", "k", "$.c", "1"));
    assertEquals(4L, call(j, "JSON.ARRAPPEND", "k", ".a", "null"));
    assertEquals("[1,2,{\"x\":[1]},null]", call(j, "JSON.GET", "k", "a"));
    assertEquals("ERR Path '.c' does not exist or not an array", err(j, "JSON.ARRAPPEND", "k", ".c", "1"));
    assertTrue(err(j, "JSON.ARRAPPEND", "k", ".a", "[").startsWith("EOF while parsing a list"));
    assertEquals("ERR wrong number of arguments for 'json.arrappend' command", err(j, "JSON.ARRAPPEND", "k", ".a"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.ARRAPPEND", "x", "$", "1"));
  }

  @Test
  void arrindex(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2,3,2,1.0,\"2\",[2]],\"b\":{\"a\":[2]},\"c\":1}");
    assertEquals(list(1L, 0L), call(j, "JSON.ARRINDEX", "k", "$..a", "2"));
    assertEquals(list(3L), call(j, "JSON.ARRINDEX", "k", "$.a", "2", "2"));
    assertEquals(list(-1L), call(j, "JSON.ARRINDEX", "k", "$.a", "2", "2", "3"));
    assertEquals(list(3L), call(j, "JSON.ARRINDEX", "k", "$.a", "2", "-4", "0"));
    assertEquals(list(4L), call(j, "JSON.ARRINDEX", "k", "$.a", "1.0"));
    assertEquals(list(5L), call(j, "JSON.ARRINDEX", "k", "$.a", "\"2\""));
    assertEquals(list(6L), call(j, "JSON.ARRINDEX", "k", "$.a", "[2]"));
    assertEquals(list((Object) null), call(j, "JSON.ARRINDEX", "k", "$.c", "1"));
    assertEquals(1L, call(j, "JSON.ARRINDEX", "k", ".a", "2"));
    assertEquals(-1L, call(j, "JSON.ARRINDEX", "k", ".a", "9"));
    assertEquals("WRONGTYPE wrong type of path value - expected array but found integer",
        err(j, "JSON.ARRINDEX", "k", ".c", "1"));
    assertEquals("Couldn't parse as integer", err(j, "JSON.ARRINDEX", "k", ".a", "1", "x"));
    assertEquals("ERR wrong number of arguments for 'json.arrindex' command",
        err(j, "JSON.ARRINDEX", "k", ".a", "1", "0", "1", "2"));
    assertEquals("ERR Path '$' does not exist", err(j, "JSON.ARRINDEX", "missing", "$", "1"));
  }

  @Test
  void arrinsert(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2],\"b\":{\"a\":[]}}");
    assertEquals(list(4L, 2L), call(j, "JSON.ARRINSERT", "k", "$..a", "0", "\"x\"", "\"y\""));
    assertEquals(5L, call(j, "JSON.ARRINSERT", "k", ".a", "-1", "9"));
    assertEquals("[\"x\",\"y\",1,9,2]", call(j, "JSON.GET", "k", "a"));
    assertEquals(6L, call(j, "JSON.ARRINSERT", "k", ".a", "5", "true"));
    assertEquals("ERR index out of bounds", err(j, "JSON.ARRINSERT", "k", ".a", "7", "1"));
    assertEquals("ERR index out of bounds", err(j, "JSON.ARRINSERT", "k", ".a", "-7", "1"));
    assertEquals("ERR Path '$.b' does not exist or not an array", err(j, "JSON.ARRINSERT", "k", ".b", "0", "1"));
    assertEquals("Couldn't parse as integer", err(j, "JSON.ARRINSERT", "k", ".a", "x", "1"));
  }

  @Test
  void arrlen(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2],\"b\":{\"a\":[]},\"c\":1}");
    assertEquals(list(2L, 0L), call(j, "JSON.ARRLEN", "k", "$..a"));
    assertEquals(list((Object) null), call(j, "JSON.ARRLEN", "k", "$.c"));
    assertEquals(2L, call(j, "JSON.ARRLEN", "k", ".a"));
    assertEquals("ERR Path '.c' does not exist or not an array", err(j, "JSON.ARRLEN", "k", ".c"));
    assertEquals("ERR Path '.z' does not exist", err(j, "JSON.ARRLEN", "k", ".z"));
    assertNull(call(j, "JSON.ARRLEN", "missing"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.ARRLEN", "missing", "$"));
  }

  @Test
  void arrpop(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,{\"x\":2},3],\"b\":{\"a\":[]},\"c\":1}");
    assertEquals(list("{\"x\":2}", null), call(j, "JSON.ARRPOP", "k", "$..a", "1"));
    assertEquals(list((Object) null), call(j, "JSON.ARRPOP", "k", "$.c"));
    assertEquals("3", call(j, "JSON.ARRPOP", "k", ".a"));
    assertEquals("1", call(j, "JSON.ARRPOP", "k", ".a", "-10"));
    assertNull(call(j, "JSON.ARRPOP", "k", ".a"));
    assertEquals("ERR Path '$.c' does not exist or not an array", err(j, "JSON.ARRPOP", "k", ".c"));
    call(j, "JSON.SET", "r", "$", "[1,2,3]");
    assertEquals("3", call(j, "JSON.ARRPOP", "r"));
    assertEquals("1", call(j, "JSON.ARRPOP", "r", ".", "0"));
    assertEquals("ERR FORMAT argument is not supported on RESP2", err(j, "JSON.ARRPOP", "r", "FORMAT", "EXPAND", "$"));
    assertEquals("ERR could not perform this operation on a key that doesn't exist", err(j, "JSON.ARRPOP", "x"));
    call(j, "JSON.SET", "f", "$", "{\"a\":[{\"b\":2},{\"g\":[1,2]},3]}");
    try (Jedis r3 = resp3(cairn)) {
      assertEquals(list(Map.of("g", list(1L, 2L))), call(r3, "JSON.ARRPOP", "f", "FORMAT", "EXPAND", "$.a", "1"));
      assertEquals(list(3L), call(r3, "JSON.ARRPOP", "f", "FORMAT", "EXPAND1", "$.a"));
      assertEquals(list("{\"b\":2}"), call(r3, "JSON.ARRPOP", "f", "FORMAT", "STRINGS", "$.a"));
      assertEquals("ERR wrong reply format", err(r3, "JSON.ARRPOP", "f", "FORMAT", "STRING", "$.a"));
      assertEquals("Legacy paths are supported only with FORMAT STRINGS",
          err(r3, "JSON.ARRPOP", "f", "FORMAT", "EXPAND", ".a"));
    }
  }

  @Test
  void arrtrim(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[0,1,2,3,4],\"b\":{\"a\":[1]},\"c\":1}");
    assertEquals(list(3L, 0L), call(j, "JSON.ARRTRIM", "k", "$..a", "1", "3")); // [1] from 1: empty
    assertEquals("[1,2,3]", call(j, "JSON.GET", "k", "a"));
    assertEquals(2L, call(j, "JSON.ARRTRIM", "k", ".a", "-2", "-1"));
    assertEquals("[2,3]", call(j, "JSON.GET", "k", "a"));
    assertEquals(0L, call(j, "JSON.ARRTRIM", "k", ".a", "5", "10"));
    assertEquals(list((Object) null), call(j, "JSON.ARRTRIM", "k", "$.c", "0", "1"));
    assertEquals("ERR Path '$.c' does not exist or not an array", err(j, "JSON.ARRTRIM", "k", ".c", "0", "1"));
    assertEquals("Couldn't parse as integer", err(j, "JSON.ARRTRIM", "k", ".a", "x", "1"));
  }

  // ---------------------------------------------------------------- objects

  @Test
  void objkeysAndObjlen(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":1,\"b\":{\"x\":1,\"y\":2},\"c\":[]}");
    assertEquals(list("a", "b", "c"), call(j, "JSON.OBJKEYS", "k"));
    assertEquals(list(list("x", "y"), null), call(j, "JSON.OBJKEYS", "k", "$['b','c']"));
    assertEquals(list("x", "y"), call(j, "JSON.OBJKEYS", "k", ".b"));
    assertNull(call(j, "JSON.OBJKEYS", "k", ".nope"));
    assertEquals("ERR Path '$.c' does not exist or not an object", err(j, "JSON.OBJKEYS", "k", ".c"));
    assertNull(call(j, "JSON.OBJKEYS", "missing"));
    assertEquals(3L, call(j, "JSON.OBJLEN", "k"));
    assertEquals(list(2L, null), call(j, "JSON.OBJLEN", "k", "$['b','c']"));
    assertEquals("WRONGTYPE wrong type of path value - expected object but found array",
        err(j, "JSON.OBJLEN", "k", ".c"));
    assertNull(call(j, "JSON.OBJLEN", "k", ".nope"));
    assertNull(call(j, "JSON.OBJLEN", "missing"));
    assertEquals("ERR Path '$' does not exist or not an object", err(j, "JSON.OBJLEN", "missing", "$"));
  }

  // ---------------------------------------------------------------- JSON.RESP / JSON.DEBUG / MEMORY USAGE

  @Test
  void resp(EmbeddedCairn cairn, Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2.5,true,null,\"s\"],\"o\":{\"x\":1}}");
    assertEquals(list("{", "a", list("[", 1L, "2.5", "true", null, "s"), "o", list("{", "x", 1L)),
        call(j, "JSON.RESP", "k"));
    assertEquals(list(list("{", "x", 1L)), call(j, "JSON.RESP", "k", "$.o"));
    assertEquals("ERR Path '$.z' does not exist", err(j, "JSON.RESP", "k", "z"));
    assertNull(call(j, "JSON.RESP", "missing"));
    try (Jedis r3 = resp3(cairn)) {
      assertEquals(list("[", 1L, 2.5, "true", null, "s"), call(r3, "JSON.RESP", "k", ".a"));
    }
  }

  @Test
  void debugMemoryAndMemoryUsage(Jedis j) {
    call(j, "JSON.SET", "k", "$", "{\"a\":[1,2,3],\"s\":\"" + "x".repeat(1000) + "\"}");
    long whole = (Long) call(j, "JSON.DEBUG", "MEMORY", "k");
    long s = (Long) call(j, "JSON.DEBUG", "MEMORY", "k", ".s");
    assertTrue(s >= 1000 && s < 1100, "string of 1000 ASCII characters: " + s);
    assertTrue(whole > s + 3 * 16, "document holds the string and three numbers: " + whole);
    @SuppressWarnings("unchecked")
    List<Object> both = (List<Object>) call(j, "JSON.DEBUG", "MEMORY", "k", "$.*");
    assertEquals(2, both.size());
    assertEquals(s, both.get(1));
    assertEquals(0L, call(j, "JSON.DEBUG", "MEMORY", "missing"));
    assertEquals(list(), call(j, "JSON.DEBUG", "MEMORY", "missing", "$"));
    long usage = j.memoryUsage("k");
    assertTrue(usage >= whole, "MEMORY USAGE counts the document: " + usage + " vs " + whole);
    assertEquals(list("MEMORY <key> [path] - reports memory usage", "HELP                - this message"),
        call(j, "JSON.DEBUG", "HELP"));
    assertEquals("ERR unknown subcommand - try `JSON.DEBUG HELP`", err(j, "JSON.DEBUG", "nope"));
  }

  // ---------------------------------------------------------------- the type in the keyspace

  @Test
  void copyDumpRestoreAndKeyspaceEvents(Jedis j) throws Exception {
    call(j, "JSON.SET", "k", "$", DOC);
    assertEquals(true, j.copy("k", "k2", false));
    call(j, "JSON.SET", "k2", "$.a", "99");
    assertEquals("1", call(j, "JSON.GET", "k", "a"));
    byte[] dump = j.dump("k");
    j.restore("k3", 0, dump);
    assertEquals(DOC, call(j, "JSON.GET", "k3"));
    assertEquals("raw", j.objectEncoding("k"));
  }
}
