package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ON JSON indexes: the search module reads the JSON module's documents through its shared API (both jars loaded as
 * third-party jars, search first, so the API is found lazily). JSONPath identifiers with AS, TEXT/TAG/NUMERIC/GEO over
 * values and arrays, indexing that follows JSON writes, results as {@code $} and RETURN of paths, RESP2 and RESP3.
 */
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"}, config = {"dir", "target", "save", ""})
class SearchJsonIT extends SearchITBase {
  /** The ids of an FT.SEARCH ... NOCONTENT reply. */
  private List<Object> ids(String... args) {
    List<?> r = (List<?>) cmd(args);
    return new ArrayList<>(r.subList(1, r.size()));
  }

  private void users() {
    cmd("JSON.SET", "user:1", "$", "{\"name\":\"Paul John\",\"email\":\"paul@x.org\",\"age\":42,"
        + "\"tags\":[\"admin\",\"dev\"],\"scores\":[1,7],\"loc\":\"-122.41,37.77\",\"active\":true}");
    cmd("JSON.SET", "user:2", "$", "{\"name\":\"Eric Smith\",\"email\":\"eric@y.org\",\"age\":29,"
        + "\"tags\":[\"dev\"],\"scores\":[3],\"loc\":\"2.35,48.85\",\"active\":false}");
    cmd("JSON.SET", "user:3", "$", "{\"name\":\"Mary Jones\",\"age\":35,\"tags\":\"ops,dev\",\"scores\":[]}");
  }

  private void createUsers() {
    assertEquals("OK", cmd("FT.CREATE", "users", "ON", "JSON", "PREFIX", "1", "user:", "SCHEMA",
        "$.name", "AS", "name", "TEXT", "$.email", "AS", "email", "TAG", "$.age", "AS", "age", "NUMERIC", "SORTABLE",
        "$.tags", "AS", "tags", "TAG", "$.scores", "AS", "scores", "NUMERIC", "$.loc", "AS", "loc", "GEO",
        "$.active", "AS", "active", "TAG"));
  }

  @Test
  void jsonDocumentsAreIndexedAndSearched() {
    users(); // existing documents: scanned at FT.CREATE
    createUsers();
    assertEquals(List.of(1L, "user:1"), cmd("FT.SEARCH", "users", "@name:paul", "NOCONTENT"));
    assertEquals(List.of("user:1"), ids("FT.SEARCH", "users", "john", "NOCONTENT"), "any TEXT attribute");
    assertEquals(List.of("user:3"), ids("FT.SEARCH", "users", "@age:[30 40]", "NOCONTENT"));
    assertEquals(List.of("user:1", "user:3", "user:2"),
        ids("FT.SEARCH", "users", "@tags:{dev}", "NOCONTENT", "SORTBY", "age", "DESC"), "array and separator tags");
    // a string value is split by the separator as a hash field is
    assertEquals(List.of(2L, "user:1", "user:3"),
        cmd("FT.SEARCH", "users", "@tags:{admin|ops}", "NOCONTENT", "SORTBY", "age", "DESC"));
    assertEquals(List.of(1L, "user:1"), cmd("FT.SEARCH", "users", "@scores:[5 10]", "NOCONTENT"),
        "a numeric array matches when any element does");
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "@scores:[2 4]", "NOCONTENT"));
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "@loc:[2.3 48.8 20 km]", "NOCONTENT"));
    assertEquals(List.of(1L, "user:1"), cmd("FT.SEARCH", "users", "@active:{true}", "NOCONTENT"));
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "@email:{eric\\@y\\.org}", "NOCONTENT"));
    // the whole document as $
    assertEquals(List.of(1L, "user:3", List.of("$",
        "{\"name\":\"Mary Jones\",\"age\":35,\"tags\":\"ops,dev\",\"scores\":[]}")),
        cmd("FT.SEARCH", "users", "@name:mary"));
    // RETURN: attributes and paths; a string as itself, other values as JSON; dialect 3 gives every match as an array
    assertEquals(List.of(1L, "user:1", List.of("name", "Paul John", "age", "42", "$.tags", "[\"admin\",\"dev\"]")),
        cmd("FT.SEARCH", "users", "@name:paul", "RETURN", "3", "name", "age", "$.tags"));
    assertEquals(List.of(1L, "user:1", List.of("tags", "[[\"admin\",\"dev\"]]", "name", "[\"Paul John\"]")),
        cmd("FT.SEARCH", "users", "@name:paul", "RETURN", "2", "tags", "name", "DIALECT", "3"));
    assertEquals(List.of(1L, "user:1", List.of("n", "Paul John")),
        cmd("FT.SEARCH", "users", "@name:paul", "RETURN", "3", "name", "AS", "n"));
  }

  @Test
  void scoreAndLanguageFieldsAndFilterReadJsonPaths() {
    cmd("FT.CREATE", "docs", "ON", "JSON", "PREFIX", "1", "d:", "FILTER", "@$.kind == \"post\"", "SCORE_FIELD",
        "$.rank", "LANGUAGE_FIELD", "$.lang", "SCHEMA", "$.text", "AS", "text", "TEXT");
    cmd("JSON.SET", "d:1", "$", "{\"kind\":\"post\",\"rank\":0.5,\"lang\":\"german\",\"text\":\"hello häuser\"}");
    cmd("JSON.SET", "d:2", "$", "{\"kind\":\"post\",\"rank\":1,\"text\":\"hello häuser\"}");
    cmd("JSON.SET", "d:3", "$", "{\"kind\":\"draft\",\"rank\":1,\"text\":\"hello\"}");
    // FILTER on a path leaves the draft out; SCORE_FIELD's path gives each document its score
    assertEquals(List.of(2L, "d:2", "1", "d:1", "0.5"),
        cmd("FT.SEARCH", "docs", "hello", "NOCONTENT", "WITHSCORES", "SCORER", "DOCSCORE"));
    // LANGUAGE_FIELD's path: d:1 was stemmed in German (haus), d:2 in English (no stem)
    assertEquals(List.of(1L, "d:1"), cmd("FT.SEARCH", "docs", "haus", "NOCONTENT", "LANGUAGE", "german"));
    cmd("JSON.SET", "d:3", "$.kind", "\"post\"");
    assertEquals(List.of(3L), cmd("FT.SEARCH", "docs", "hello", "LIMIT", "0", "0"), "the filter follows writes");
  }

  @Test
  void theIndexFollowsJsonWrites() {
    createUsers();
    users();
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "smith", "NOCONTENT"));
    cmd("JSON.SET", "user:2", "$.name", "\"Eric Brown\"");
    assertEquals(List.of(0L), cmd("FT.SEARCH", "users", "smith", "NOCONTENT"));
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "brown", "NOCONTENT"));
    cmd("JSON.NUMINCRBY", "user:2", "$.age", "20");
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "@age:[49 49]", "NOCONTENT"));
    cmd("JSON.ARRAPPEND", "user:2", "$.tags", "\"lead\"");
    assertEquals(List.of(1L, "user:2"), cmd("FT.SEARCH", "users", "@tags:{lead}", "NOCONTENT"));
    cmd("JSON.DEL", "user:2", "$.tags");
    assertEquals(List.of(0L), cmd("FT.SEARCH", "users", "@tags:{lead}", "NOCONTENT"));
    cmd("JSON.DEL", "user:2");
    assertEquals(List.of(0L), cmd("FT.SEARCH", "users", "brown", "NOCONTENT"));
    // a hash under the prefix is not a JSON document: not indexed
    cmd("HSET", "user:9", "name", "Paul");
    assertEquals(List.of(1L, "user:1"), cmd("FT.SEARCH", "users", "paul", "NOCONTENT"));
    assertEquals(2L, info("num_docs"));
  }

  @Test
  void wrongJsonTypesCountAsIndexingFailures() {
    createUsers();
    cmd("JSON.SET", "user:5", "$", "{\"name\":\"Ann\",\"age\":\"old\"}");
    cmd("JSON.SET", "user:6", "$", "{\"name\":17}");
    cmd("JSON.SET", "user:7", "$", "{\"name\":\"Bob\",\"age\":50}");
    assertEquals(1L, info("num_docs"));
    assertEquals(2L, info("hash_indexing_failures"));
    assertEquals(List.of(1L, "user:7"), cmd("FT.SEARCH", "users", "*", "NOCONTENT"));
  }

  @Test
  void resp3AndAggregate() {
    users();
    createUsers();
    redis.clients.jedis.search.SearchResult r = j3.ftSearch("users", "@name:eric");
    assertEquals(1, r.getTotalResults());
    assertEquals("user:2", r.getDocuments().get(0).getId());
    assertTrue(r.getDocuments().get(0).getString("$").startsWith("{\"name\":\"Eric Smith\""),
        r.getDocuments().get(0).toString());
    List<?> agg = (List<?>) cmd("FT.AGGREGATE", "users", "@tags:{dev}", "LOAD", "1", "@age", "GROUPBY", "0",
        "REDUCE", "SUM", "1", "@age", "AS", "total");
    assertEquals(List.of("total", "106"), agg.get(1));
  }

  @Test
  void badDefinitions() {
    assertTrue(err("FT.CREATE", "x", "ON", "JSON", "SCHEMA", "$.a[", "AS", "a", "TEXT").startsWith("Invalid JSONPath"));
    assertEquals("Invalid `ON` arguments: expected HASH or JSON", err("FT.CREATE", "x", "ON", "XML", "SCHEMA", "a",
        "TEXT"));
  }

  private Object info(String field) {
    List<?> l = (List<?>) cmd("FT.INFO", "users");
    for (int i = 0; i + 1 < l.size(); i += 2) {
      if (field.equals(l.get(i))) {
        Object v = l.get(i + 1);
        return v instanceof String s && s.matches("\\d+") ? Long.parseLong(s) : v;
      }
    }
    throw new AssertionError(field + " not in FT.INFO");
  }

  private static Object stringifyMap(Object o) {
    if (o instanceof Map<?, ?> mm) {
      Map<Object, Object> out = new java.util.LinkedHashMap<>();
      mm.forEach((k, v) -> out.put(stringifyMap(k), stringifyMap(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(stringifyMap(x)));
      return out;
    }
    return stringify(o);
  }
}
