package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FT.AGGREGATE's answers where RediSearch estimates (COUNT_DISTINCTISH's HyperLogLog, QUANTILE's stream: the same
 * numbers, not just near ones), KNN queries with a binary vector blob in PARAMS, and FORMAT EXPAND (JSON values as
 * RESP3 values) in FT.SEARCH and FT.AGGREGATE with RediSearch's errors.
 */
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"}, config = {"dir", "target", "save", ""})
class SearchAggregateParityIT extends SearchITBase {
  @Override
  int timeoutMillis() {
    return 30_000;
  }

  /** A RESP2 FT.AGGREGATE reply's rows as maps. */
  private static List<Map<String, Object>> rows(Object reply) {
    List<?> l = (List<?>) reply;
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : l.subList(1, l.size())) {
      List<?> kv = (List<?>) r;
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i + 1 < kv.size(); i += 2) {
        m.put((String) kv.get(i), kv.get(i + 1));
      }
      out.add(m);
    }
    return out;
  }

  /**
   * QUANTILE is RediSearch's stream: over fewer values than its buffer it picks the sorted values' element
   * ceil(q * n) - 1 (RediSearch's own test: the median of 1..8, 10, 10, 15, 15 is 6), QUANTILE 0 answers the
   * largest (its error bound is 0/0 there), and over many values it stays within its rank error.
   */
  @Test
  void quantileIsRediSearchsStream() {
    cmd("FT.CREATE", "q", "PREFIX", "1", "q:", "SCHEMA", "g", "TAG", "price", "NUMERIC");
    int[] prices = {1, 2, 3, 4, 5, 6, 7, 8, 10, 10, 15, 15};
    for (int i = 0; i < prices.length; i++) {
      j.hset("q:" + i, Map.of("g", "small", "price", String.valueOf(prices[prices.length - 1 - i])));
    }
    for (int i = 0; i < 5000; i++) {
      j.hset("q:big" + i, Map.of("g", "big", "price", String.valueOf((i * 7919) % 5000)));
    }
    List<Map<String, Object>> r = rows(cmd("FT.AGGREGATE", "q", "*", "GROUPBY", "1", "@g", "REDUCE", "QUANTILE", "2",
        "@price", "0.5", "AS", "q50", "REDUCE", "QUANTILE", "2", "@price", "0", "AS", "q0", "REDUCE", "QUANTILE", "2",
        "@price", "1", "AS", "q100", "REDUCE", "QUANTILE", "2", "@price", "0.9", "AS", "q90", "SORTBY", "2", "@g",
        "DESC", "TIMEOUT", "0")); // no TIMEOUT: a loaded machine must not cut the input short
    Map<String, Object> small = r.get(0);
    assertEquals("small", small.get("g"));
    assertEquals("6", small.get("q50"));
    assertEquals("15", small.get("q0"));
    assertEquals("15", small.get("q100"));
    assertEquals("15", small.get("q90")); // ceil(0.9 * 12) - 1 = 10: the first 15
    Map<String, Object> big = r.get(1);
    double q50 = Double.parseDouble((String) big.get("q50"));
    double q90 = Double.parseDouble((String) big.get("q90"));
    // the stream's rank error at rank r is 2 * 0.01 * r / q (and the query aims f/2 past q * n): 4% at the median
    assertTrue(Math.abs(q50 - 2500) <= 200, "median of 0..4999 within the stream's error: " + q50);
    assertTrue(Math.abs(q90 - 4500) <= 200, "q90 of 0..4999 within the stream's error: " + q90);
    System.out.println("QUANTILE over 5000 values: q50 " + q50 + ", q90 " + q90);
    // a resolution (the stream's buffer) of 12 over the small group still answers from uncompressed samples
    r = rows(cmd("FT.AGGREGATE", "q", "@g:{small}", "GROUPBY", "0", "REDUCE", "QUANTILE", "3", "@price", "0.5", "12",
        "AS", "m"));
    assertEquals("6", r.get(0).get("m"));
  }

  /**
   * COUNT_DISTINCTISH is RediSearch's HyperLogLog (256 registers; 64-bit FNV-1a seeded 0x5f61767a, folded to 32 bits):
   * near COUNT_DISTINCT, and with RediSearch's own weakness: values that differ only in their last byte share the
   * hash's top bits, so they fall into one register ("u0".."u9" count as 1). The figures below are that algorithm's.
   */
  @Test
  void countDistinctishIsRediSearchsHyperLogLog() {
    cmd("FT.CREATE", "d", "PREFIX", "1", "d:", "SCHEMA", "g", "TAG", "user", "TAG");
    String[] words = "apple banana cherry damson elder fig grape hazel ivy juniper".split(" ");
    for (int i = 0; i < 3000; i++) {
      String user = i < 10 ? words[i] : String.format(java.util.Locale.ROOT, "user-%05d-x", i % 2000);
      j.hset("d:" + i, Map.of("g", i < 10 ? "few" : "many", "user", user));
    }
    for (int i = 0; i < 10; i++) {
      j.hset("d:short" + i, Map.of("g", "short", "user", "u" + i));
    }
    Object[] query = {"FT.AGGREGATE", "d", "*", "LOAD", "1", "@user", "GROUPBY", "1", "@g", "REDUCE",
        "COUNT_DISTINCT", "1", "@user", "AS", "exact", "REDUCE", "COUNT_DISTINCTISH", "1", "@user", "AS", "ish",
        "SORTBY", "2", "@g", "ASC", "TIMEOUT", "0"};
    List<Map<String, Object>> r = rows(cmd(query));
    assertEquals(List.of(Map.of("g", "few", "exact", "10", "ish", "10"),
        Map.of("g", "many", "exact", "2000", "ish", "1953"),
        Map.of("g", "short", "exact", "10", "ish", "1")), r);
    assertEquals(r, rows(cmd(query))); // deterministic
  }

  @Test
  void knnWithABinaryBlobInAggregate() {
    cmd("FT.CREATE", "v", "PREFIX", "1", "v:", "SCHEMA", "v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "2",
        "DISTANCE_METRIC", "L2", "color", "TAG");
    double[][] vs = {{0, 0}, {1, 0}, {0, 3}, {5, 5}, {-2, 0}};
    String[] colors = {"red", "blue", "red", "red", "blue"};
    for (int i = 0; i < vs.length; i++) {
      j.hset(("v:" + i).getBytes(), "v".getBytes(), SearchVectorIT.f32(vs[i]));
      j.hset("v:" + i, "color", colors[i]);
    }
    // a blob with bytes that are not UTF-8 (-1.5f is 0xbfc00000)
    byte[] q = SearchVectorIT.f32(-1.5, 0.5);
    List<Map<String, Object>> r = rows(cmd("FT.AGGREGATE", "v", "*=>[KNN 3 @v $b AS dist]", "PARAMS", "2", "b", q,
        "LOAD", "1", "@color", "SORTBY", "2", "@dist", "ASC", "DIALECT", "2"));
    assertEquals(List.of(Map.of("dist", "0.5", "color", "blue"), Map.of("dist", "2.5", "color", "red"),
        Map.of("dist", "6.5", "color", "blue")), r);
    // hybrid: a filter before the arrow, and the distance (default name) grouped like any field
    r = rows(cmd("FT.AGGREGATE", "v", "(@color:{red})=>[KNN 2 @v $b]", "PARAMS", "2", "b", q, "GROUPBY", "0",
        "REDUCE", "MAX", "1", "@__v_score", "AS", "far", "REDUCE", "COUNT", "0", "AS", "n", "DIALECT", "2"));
    assertEquals(List.of(Map.of("far", "8.5", "n", "2")), r);
  }

  @Test
  void formatExpandGivesJsonAsResp3Values() {
    cmd("FT.CREATE", "j", "ON", "JSON", "PREFIX", "1", "doc", "SCHEMA", "$.arr", "AS", "arr", "NUMERIC", "$.num", "AS",
        "num", "NUMERIC", "$.str", "AS", "str", "TEXT");
    cmd("JSON.SET", "doc1", "$", "{\"arr\":[1.0,2.1,3.14],\"num\":1,\"str\":\"foo\",\"sub\":{\"s1\":false},"
        + "\"n\":null}");
    cmd("JSON.SET", "doc2", "$", "{\"arr\":[3,4,null],\"num\":2,\"str\":\"bar\",\"sub\":{\"s2\":true},\"n\":null}");
    Map<?, ?> r = (Map<?, ?>) cmd3("FT.SEARCH", "j", "*", "FORMAT", "EXPAND", "RETURN", "3", "arr", "str", "$.sub",
        "SORTBY", "num", "ASC");
    assertEquals("EXPAND", r.get("format"));
    List<?> results = (List<?>) r.get("results");
    Map<?, ?> first = (Map<?, ?>) ((Map<?, ?>) results.get(0)).get("extra_attributes");
    assertEquals(List.of(List.of(1.0, 2.1, 3.14)), first.get("arr"));
    assertEquals(List.of("foo"), first.get("str"));
    assertEquals(List.of(Map.of("s1", false)), first.get("$.sub"));
    Map<?, ?> second = (Map<?, ?>) ((Map<?, ?>) results.get(1)).get("extra_attributes");
    assertEquals(Arrays.asList(Arrays.asList(3L, 4L, null)), second.get("arr"));
    // FORMAT STRING (the default) keeps JSON text
    r = (Map<?, ?>) cmd3("FT.SEARCH", "j", "*", "FORMAT", "STRING", "RETURN", "1", "arr", "SORTBY", "num", "ASC");
    assertEquals("STRING", r.get("format"));
    assertEquals("[1.0,2.1,3.14]", ((Map<?, ?>) ((Map<?, ?>) ((List<?>) r.get("results")).get(0))
        .get("extra_attributes")).get("arr"));
    // FT.AGGREGATE: LOAD * gives $ as one match, expanded
    r = (Map<?, ?>) cmd3("FT.AGGREGATE", "j", "*", "FORMAT", "EXPAND", "LOAD", "*", "SORTBY", "2", "@num", "ASC");
    assertEquals("EXPAND", r.get("format"));
    Map<?, ?> row = (Map<?, ?>) ((Map<?, ?>) ((List<?>) r.get("results")).get(1)).get("extra_attributes");
    Map<?, ?> doc2 = (Map<?, ?>) ((List<?>) row.get("$")).get(0);
    assertEquals(2L, doc2.get("num"));
    assertEquals(Map.of("s2", true), doc2.get("sub"));
    assertTrue(doc2.containsKey("n") && doc2.get("n") == null);
    // errors, as RediSearch's
    assertEquals("Need an argument for FORMAT", err(j3, "FT.SEARCH", "j", "*", "FORMAT"));
    assertEquals("FORMAT XPAND is not supported", err(j3, "FT.SEARCH", "j", "*", "FORMAT", "XPAND"));
    assertEquals("Need an argument for FORMAT", err(j3, "FT.AGGREGATE", "j", "*", "FORMAT"));
    assertEquals("FORMAT XPAND is not supported", err(j3, "FT.AGGREGATE", "j", "*", "FORMAT", "XPAND"));
    assertEquals("EXPAND format requires dialect 3 or greater",
        err(j3, "FT.SEARCH", "j", "*", "FORMAT", "EXPAND", "DIALECT", "2"));
    assertEquals("EXPAND format is only supported with RESP3", err(j, "FT.SEARCH", "j", "*", "FORMAT", "EXPAND"));
    assertEquals("EXPAND format is only supported with RESP3", err(j, "FT.AGGREGATE", "j", "*", "FORMAT", "EXPAND"));
    cmd("FT.CREATE", "h", "ON", "HASH", "SCHEMA", "num", "NUMERIC");
    assertEquals("EXPAND format is only supported with JSON", err(j3, "FT.SEARCH", "h", "*", "FORMAT", "EXPAND"));
    assertEquals("EXPAND format is only supported with JSON", err(j3, "FT.AGGREGATE", "h", "*", "FORMAT", "EXPAND"));
  }
}
