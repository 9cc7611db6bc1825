package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.search.FieldName;
import redis.clients.jedis.search.aggr.AggregationBuilder;
import redis.clients.jedis.search.aggr.AggregationResult;
import redis.clients.jedis.search.aggr.Reducers;
import redis.clients.jedis.search.aggr.Row;
import redis.clients.jedis.search.aggr.SortedField;

/**
 * FT.AGGREGATE through Jedis's aggregation API and raw commands, RESP2 and RESP3: every reducer, every APPLY function
 * and operator, FILTER, SORTBY MAX, LIMIT, LOAD, PARAMS, DIALECT, VERBATIM, ADDSCORES, SCORER, TIMEOUT with ON_TIMEOUT,
 * and the errors of bad input.
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", ""})
class SearchAggregateIT extends SearchITBase {
  @Override
  int timeoutMillis() {
    return 20_000;
  }

  @BeforeEach
  void setUp() {
    cmd("FT.CREATE", "shop", "PREFIX", "1", "p:", "SCHEMA", "name", "TEXT", "brand", "TAG", "price", "NUMERIC",
        "SORTABLE", "qty", "NUMERIC", "ts", "NUMERIC", "loc", "GEO");
    j.hset("p:1", Map.of("name", "red apple", "brand", "acme", "price", "10", "qty", "3", "ts", "1700000000",
        "loc", "2.35,48.85"));
    j.hset("p:2", Map.of("name", "green apple", "brand", "acme", "price", "20", "qty", "1", "ts", "1700086400",
        "loc", "2.13,48.80"));
    j.hset("p:3", Map.of("name", "banana", "brand", "zest", "price", "30", "qty", "5", "ts", "1710000000",
        "loc", "-0.12,51.50"));
    j.hset("p:4", Map.of("name", "red car", "brand", "zest", "price", "40", "ts", "1720000000"));
  }

  @AfterEach
  void resetConfig() {
    cmd("FT.CONFIG", "SET", "ON_TIMEOUT", "RETURN");
  }

  /** The rows of a RESP2 FT.AGGREGATE reply as maps. */
  private List<Map<String, Object>> rows(String... args) {
    List<?> reply = (List<?>) cmd(args);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : reply.subList(1, reply.size())) {
      List<?> kv = (List<?>) r;
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i + 1 < kv.size(); i += 2) {
        m.put((String) kv.get(i), kv.get(i + 1));
      }
      out.add(m);
    }
    return out;
  }

  /** The one row an aggregation over p:3 (banana) gives, with {@code steps} after LOAD of every field. */
  private Map<String, Object> banana(String... steps) {
    List<String> args = new ArrayList<>(List.of("FT.AGGREGATE", "shop", "@name:banana", "LOAD", "*"));
    args.addAll(List.of(steps));
    List<Map<String, Object>> r = rows(args.toArray(new String[0]));
    assertEquals(1, r.size(), r.toString());
    return r.get(0);
  }

  private static Object value(Row row, String name) {
    return stringify(row.get(name));
  }

  @Test
  void everyReducerInResp2AndResp3() {
    for (UnifiedJedis c : List.of(j, j3)) {
      AggregationResult r = c.ftAggregate("shop", new AggregationBuilder("*")
          .groupBy("@brand", Reducers.count().as("n"), Reducers.count_distinct("@name").as("names"),
              Reducers.count_distinctish("@name").as("namesish"), Reducers.sum("@price").as("sum"),
              Reducers.min("@price").as("min"), Reducers.max("@price").as("max"), Reducers.avg("@price").as("avg"),
              Reducers.stddev("@price").as("sd"), Reducers.quantile("@price", 1).as("q1"),
              Reducers.quantile("@price", 0).as("q0"), Reducers.to_list("@name").as("all"),
              Reducers.first_value("@name").as("first"),
              Reducers.first_value("@name", new SortedField("@price", SortedField.SortOrder.DESC)).as("priciest"),
              Reducers.random_sample("@name", 1).as("sample"))
          .sortBy(new SortedField("@brand", SortedField.SortOrder.ASC)));
      assertEquals(2, r.getTotalResults());
      Row acme = r.getRow(0);
      assertEquals("acme", acme.getString("brand"));
      assertEquals(2, acme.getLong("n"));
      assertEquals(2, acme.getLong("names"));
      assertEquals(2, acme.getLong("namesish"));
      assertEquals(30, acme.getLong("sum"));
      assertEquals(10, acme.getLong("min"));
      assertEquals(20, acme.getLong("max"));
      assertEquals(15, acme.getLong("avg"));
      assertEquals("7.07106781187", acme.getString("sd")); // sample deviation: sqrt((25 + 25) / 1)
      assertEquals(20, acme.getLong("q1"));
      // RediSearch's quantile stream answers QUANTILE 0 with the largest value (its rank bound is 0/0 there)
      assertEquals(20, acme.getLong("q0"));
      assertEquals(Set.of("red apple", "green apple"), new HashSet<>((List<?>) value(acme, "all")));
      assertEquals("red apple", acme.getString("first"));
      assertEquals("green apple", acme.getString("priciest"));
      List<?> sample = (List<?>) value(acme, "sample");
      assertEquals(1, sample.size());
      assertTrue(Set.of("red apple", "green apple").contains(sample.get(0)), sample.toString());
      Row zest = r.getRow(1);
      assertEquals("zest", zest.getString("brand"));
      assertEquals(70, zest.getLong("sum"));
      assertEquals("banana", zest.getString("first"));
    }
    // QUANTILE of three values, generated aliases, GROUPBY 0 (one group of everything), a group key with no value
    List<Map<String, Object>> r = rows("FT.AGGREGATE", "shop", "@price:[0 30]", "GROUPBY", "0", "REDUCE",
        "QUANTILE", "2", "@price", "0.5", "REDUCE", "SUM", "1", "@qty");
    assertEquals(List.of(Map.of("__generated_aliasquantileprice,0.5", "20", "__generated_aliassumqty", "9")), r);
    r = rows("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "@qty", "REDUCE", "COUNT", "0", "AS", "n", "SORTBY", "2",
        "@qty", "ASC");
    assertEquals(4, r.size());
    assertEquals(Map.of("n", "1"), r.get(3)); // p:4 has no qty: its group's key has no value, sorted last
  }

  @Test
  void applyFunctions() {
    Map<String, Object> m = banana("APPLY", "upper(@name)", "AS", "u", "APPLY", "lower('ABC')", "AS", "l",
        "APPLY", "substr(@name, 1, 3)", "AS", "sub", "APPLY", "substr(@name, -2, -1)", "AS", "sub2",
        "APPLY", "format(\"%s-%s\", @brand, @price)", "AS", "f", "APPLY", "split(\"a, b ,c\")", "AS", "sp",
        "APPLY", "startswith(@name, \"ban\")", "AS", "sw", "APPLY", "contains(@name, \"an\")", "AS", "ct",
        "APPLY", "strlen(@name)", "AS", "len", "APPLY", "to_number(\"42\")", "AS", "tn",
        "APPLY", "to_str(@price)", "AS", "ts2", "APPLY", "exists(@qty)", "AS", "ex", "APPLY", "matched_terms()",
        "AS", "mt");
    assertEquals("BANANA", m.get("u"));
    assertEquals("abc", m.get("l"));
    assertEquals("ana", m.get("sub"));
    assertEquals("n", m.get("sub2"));
    assertEquals("zest-30", m.get("f"));
    assertEquals(List.of("a", "b", "c"), m.get("sp"));
    assertEquals("1", m.get("sw"));
    assertEquals("2", m.get("ct"));
    assertEquals("6", m.get("len"));
    assertEquals("42", m.get("tn"));
    assertEquals("30", m.get("ts2"));
    assertEquals("1", m.get("ex"));
    assertEquals(List.of("banana"), m.get("mt"));
    m = banana("APPLY", "abs(-2.5)", "AS", "abs", "APPLY", "ceil(2.1)", "AS", "ceil", "APPLY", "floor(2.9)", "AS",
        "floor", "APPLY", "log(exp(1))", "AS", "log", "APPLY", "log2(8)", "AS", "log2", "APPLY", "exp(0)", "AS",
        "exp", "APPLY", "sqrt(16)", "AS", "sqrt", "APPLY", "@price * 2 + 1", "AS", "arith", "APPLY", "7 % 3", "AS",
        "mod", "APPLY", "2 ^ 10", "AS", "pow", "APPLY", "1 / 0", "AS", "div0", "APPLY", "(@price - 10) / 4", "AS",
        "frac", "APPLY", "@price > 20 && !(@qty < 5) || 0", "AS", "pred");
    assertEquals("2.5", m.get("abs"));
    assertEquals("3", m.get("ceil"));
    assertEquals("2", m.get("floor"));
    assertEquals("1", m.get("log"));
    assertEquals("3", m.get("log2"));
    assertEquals("1", m.get("exp"));
    assertEquals("4", m.get("sqrt"));
    assertEquals("61", m.get("arith"));
    assertEquals("1", m.get("mod"));
    assertEquals("1024", m.get("pow"));
    assertEquals("nan", m.get("div0"));
    assertEquals("5", m.get("frac"));
    assertEquals("1", m.get("pred"));
    // ts 1710000000 is 2024-03-09T16:00:00Z, a Saturday, the 69th day of 2024
    m = banana("APPLY", "timefmt(@ts)", "AS", "iso", "APPLY", "timefmt(@ts, \"%Y/%m/%d %H:%M:%S %j %a %b\")", "AS",
        "fmt", "APPLY", "parsetime(\"2024-03-09 16:00:00\", \"%Y-%m-%d %H:%M:%S\")", "AS", "parsed",
        "APPLY", "day(@ts)", "AS", "day", "APPLY", "hour(@ts + 125)", "AS", "hour", "APPLY", "minute(@ts + 125)",
        "AS", "minute", "APPLY", "month(@ts)", "AS", "month", "APPLY", "dayofweek(@ts)", "AS", "dow",
        "APPLY", "dayofmonth(@ts)", "AS", "dom", "APPLY", "dayofyear(@ts)", "AS", "doy", "APPLY", "year(@ts)", "AS",
        "year", "APPLY", "monthofyear(@ts)", "AS", "moy");
    assertEquals("2024-03-09T16:00:00Z", m.get("iso"));
    assertEquals("2024/03/09 16:00:00 069 Sat Mar", m.get("fmt"));
    assertEquals("1710000000", m.get("parsed"));
    assertEquals("1709942400", m.get("day"));
    assertEquals("1710000000", m.get("hour"));
    assertEquals("1710000120", m.get("minute"));
    assertEquals("1709251200", m.get("month"));
    assertEquals("6", m.get("dow"));
    assertEquals("9", m.get("dom"));
    assertEquals("68", m.get("doy"));
    assertEquals("2024", m.get("year"));
    assertEquals("2", m.get("moy"));
    // geodistance: Palermo to Catania, haversine on the points as given, rounded to centimetres (GEODIST's
    // 166274.1516 is on the points its geohashes hold)
    m = banana("APPLY", "geodistance(13.361389, 38.115556, 15.087269, 37.502669)", "AS", "d1",
        "APPLY", "geodistance(\"13.361389,38.115556\", 15.087269, 37.502669)", "AS", "d2",
        "APPLY", "geodistance(@loc, @loc)", "AS", "d3");
    assertEquals("166274.26", m.get("d1"));
    assertEquals("166274.26", m.get("d2"));
    assertEquals("0", m.get("d3"));
    // exists() of a value the row lacks is 0; any other use of it is an error (RediSearch's)
    List<Map<String, Object>> r = rows("FT.AGGREGATE", "shop", "@name:car", "APPLY", "exists(@qty)", "AS", "e");
    assertEquals("0", r.get(0).get("e"));
    assertEquals("qty: has no value, consider using EXISTS if applicable",
        err("FT.AGGREGATE", "shop", "@name:car", "APPLY", "@qty * 2", "AS", "e"));
    // RESP3: the same row under extra_attributes
    Map<?, ?> reply = (Map<?, ?>) cmd3("FT.AGGREGATE", "shop", "@name:banana", "LOAD", "1", "@name", "APPLY",
        "upper(@name)", "AS", "u");
    Map<?, ?> row = (Map<?, ?>) ((Map<?, ?>) ((List<?>) reply.get("results")).get(0)).get("extra_attributes");
    assertEquals("BANANA", row.get("u"));
    assertEquals(1L, reply.get("total_results"));
  }

  @Test
  void loadFilterSortLimitParamsAndScores() {
    // LOAD with AS, FILTER, SORTBY ... MAX, LIMIT
    AggregationResult r = j.ftAggregate("shop", new AggregationBuilder("*")
        .load(FieldName.of("@price").as("p"), FieldName.of("@name"))
        .filter("@p > 15 && @name != \"banana\"").sortBy(1, new SortedField("@p", SortedField.SortOrder.DESC)));
    assertEquals(1, r.getRows().size());
    assertEquals("red car", r.getRow(0).getString("name"));
    r = j3.ftAggregate("shop", new AggregationBuilder("*").load("@price")
        .sortBy(2, new SortedField("@price", SortedField.SortOrder.DESC)));
    assertEquals(List.of("40", "30"), List.of(r.getRow(0).getString("price"), r.getRow(1).getString("price")));
    r = j.ftAggregate("shop", new AggregationBuilder("*").sortByAsc("@price").limit(1, 2));
    assertEquals(List.of("20", "30"), List.of(r.getRow(0).getString("price"), r.getRow(1).getString("price")));
    // LOAD * and @__key
    List<Map<String, Object>> rows = rows("FT.AGGREGATE", "shop", "@name:banana", "LOAD", "*");
    assertEquals("zest", rows.get(0).get("brand"));
    assertEquals("1710000000", rows.get(0).get("ts"));
    rows = rows("FT.AGGREGATE", "shop", "@name:banana", "LOAD", "1", "@__key");
    assertEquals(List.of(Map.of("__key", "p:3")), rows);
    // PARAMS in the query and in an expression, DIALECT
    r = j.ftAggregate("shop", new AggregationBuilder("@price:[$lo $hi]").load("@price").apply("@price * $m", "x")
        .sortByAsc("@price").params(Map.of("lo", 15, "hi", 35, "m", 3)).dialect(2));
    assertEquals(List.of("60", "90"), List.of(r.getRow(0).getString("x"), r.getRow(1).getString("x")));
    // VERBATIM: no stemming, so "apples" finds nothing
    assertEquals(2, rows("FT.AGGREGATE", "shop", "apples", "LOAD", "1", "@name").size());
    assertEquals(0, rows("FT.AGGREGATE", "shop", "apples", "VERBATIM", "LOAD", "1", "@name").size());
    // ADDSCORES (with the default scorer and with SCORER DOCSCORE)
    rows = rows("FT.AGGREGATE", "shop", "apple", "ADDSCORES", "SORTBY", "2", "@__score", "DESC");
    assertEquals(2, rows.size());
    assertTrue(Double.parseDouble((String) rows.get(0).get("__score")) > 0, rows.toString());
    rows = rows("FT.AGGREGATE", "shop", "apple", "SCORER", "DOCSCORE", "ADDSCORES");
    assertEquals("1", rows.get(0).get("__score"));
    r = j3.ftAggregate("shop", new AggregationBuilder("apple").addScores());
    assertEquals(2, r.getRows().size());
    assertTrue(r.getRow(0).containsKey("__score"));
    // WITHCOUNT / WITHOUTCOUNT are accepted; counts are exact either way
    assertEquals(5, ((List<?>) cmd("FT.AGGREGATE", "shop", "*", "WITHCOUNT")).size());
    // APPLY then GROUPBY the computed value, FILTER after GROUPBY
    rows = rows("FT.AGGREGATE", "shop", "*", "APPLY", "@price >= 25", "AS", "dear", "GROUPBY", "1", "@dear",
        "REDUCE", "COUNT", "0", "AS", "n", "FILTER", "@n > 0", "SORTBY", "2", "@dear", "ASC");
    assertEquals(List.of(Map.of("dear", "0", "n", "2"), Map.of("dear", "1", "n", "2")), rows);
    // GROUPBY over an array value (split) joins each element's group
    rows = rows("FT.AGGREGATE", "shop", "@name:apple", "LOAD", "1", "@name", "APPLY", "split(@name, \" \")", "AS",
        "w", "GROUPBY", "1", "@w", "REDUCE", "COUNT", "0", "AS", "n", "SORTBY", "2", "@w", "ASC");
    assertEquals(List.of(Map.of("w", "apple", "n", "2"), Map.of("w", "green", "n", "1"), Map.of("w", "red", "n",
        "1")), rows);
  }

  @Test
  void badInput() {
    assertEquals("No such reducer: nope", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "@brand", "REDUCE",
        "nope", "0"));
    assertEquals("Missing arguments for SUM", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "@brand", "REDUCE",
        "SUM", "0"));
    assertEquals("Count accepts 0 values only", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "@brand",
        "REDUCE", "COUNT", "1", "@price"));
    assertEquals("Bad arguments for SUM: Expected an argument, but none provided", err("FT.AGGREGATE", "shop", "*",
        "GROUPBY", "1", "@brand", "REDUCE", "SUM", "3", "@price"));
    assertEquals("Percentage must be between 0.0 and 1.0", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "0",
        "REDUCE", "QUANTILE", "2", "@price", "2"));
    assertEquals("Property `nosuch` not present in document or pipeline", err("FT.AGGREGATE", "shop", "*",
        "GROUPBY", "0", "REDUCE", "SUM", "1", "@nosuch"));
    assertEquals("Bad arguments for GROUPBY: Unknown property `brand`. Did you mean `@brand`?",
        err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "brand"));
    assertEquals("No such property `nosuch`", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1", "@nosuch"));
    assertEquals("Property `price` not loaded nor in schema", err("FT.AGGREGATE", "shop", "*", "GROUPBY", "1",
        "@brand", "SORTBY", "1", "@price"));
    assertEquals("Property `nosuch` not loaded nor in pipeline", err("FT.AGGREGATE", "shop", "*", "APPLY",
        "@nosuch + 1", "AS", "x"));
    assertEquals("Unknown function name 'nofn'", err("FT.AGGREGATE", "shop", "*", "APPLY", "nofn(1)", "AS", "x"));
    assertEquals("Invalid arguments for function 'upper'", err("FT.AGGREGATE", "shop", "*", "APPLY",
        "upper(1, 2)", "AS", "x"));
    assertTrue(err("FT.AGGREGATE", "shop", "*", "APPLY", "1 +", "AS", "x").startsWith("Syntax error"));
    assertEquals("MISSING ASC or DESC after sort field (up)", err("FT.AGGREGATE", "shop", "*", "SORTBY", "2",
        "@price", "up"));
    assertEquals("LIMIT needs two numeric arguments", err("FT.AGGREGATE", "shop", "*", "LIMIT", "a", "b"));
    assertEquals("Unknown argument `BOGUS`", err("FT.AGGREGATE", "shop", "*", "BOGUS"));
    assertEquals("TIMEOUT requires a non negative integer", err("FT.AGGREGATE", "shop", "*", "TIMEOUT", "-1"));
    assertEquals("No such scorer NOPE", err("FT.AGGREGATE", "shop", "*", "SCORER", "NOPE"));
    assertEquals("DIALECT requires a non negative integer >=1 and <= 4", err("FT.AGGREGATE", "shop", "*",
        "DIALECT", "9"));
    assertEquals("Bad arguments for LOAD: Expected number of fields or `*`", err("FT.AGGREGATE", "shop", "*",
        "LOAD", "x"));
    assertTrue(err("FT.AGGREGATE", "shop").contains("wrong number of arguments"));
    assertEquals("nosuchidx: no such index", err("FT.AGGREGATE", "nosuchidx", "*"));
    // the connection and the server are fine afterwards
    assertEquals(4L, ((List<?>) cmd("FT.AGGREGATE", "shop", "*")).get(0));
  }

  @Test
  void timeoutReturnsPartialResultsOrFailsPerOnTimeout() {
    AbstractPipeline p = j.pipelined();
    for (int i = 0; i < 20_000; i++) {
      p.hset("p:big" + i, Map.of("name", "item number " + i, "price", Integer.toString(i % 1000)));
    }
    p.sync();
    String[] heavy = {"FT.AGGREGATE", "shop", "*", "LOAD", "2", "@name", "@price", "APPLY",
        "upper(format(\"%s/%s\", @name, @price))", "AS", "x", "TIMEOUT", "1"};
    Map<?, ?> partial = (Map<?, ?>) cmd3(heavy);
    assertEquals(List.of("Timeout limit was reached"), partial.get("warning"));
    assertTrue(((List<?>) partial.get("results")).size() < 20_004, "partial results on timeout");
    assertEquals("OK", cmd("FT.CONFIG", "SET", "ON_TIMEOUT", "FAIL"));
    assertEquals(List.of(List.of("ON_TIMEOUT", "FAIL")), cmd("FT.CONFIG", "GET", "ON_TIMEOUT"));
    assertEquals("Timeout limit was reached", err(heavy));
    // TIMEOUT 0: no limit
    heavy[heavy.length - 1] = "0";
    assertEquals(20_004, ((List<?>) cmd(heavy)).size() - 1);
    assertFalse(err("FT.CONFIG", "SET", "ON_TIMEOUT", "MAYBE").isEmpty());
  }
}
