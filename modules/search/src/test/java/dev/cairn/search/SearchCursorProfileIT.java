package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.search.FTProfileParams;
import redis.clients.jedis.search.ProfilingInfo;
import redis.clients.jedis.search.aggr.AggregationBuilder;
import redis.clients.jedis.search.aggr.AggregationResult;
import redis.clients.jedis.search.aggr.Reducers;

/**
 * Cursors (WITHCURSOR COUNT MAXIDLE, FT.CURSOR READ/DEL/GC, idle expiry, the per-index limit, cursor_stats, reading
 * documents only as they are pulled), FT.PROFILE in RediSearch's shape, _FT.DEBUG and INFO's search sections,
 * through Jedis in RESP2 and RESP3.
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", ""})
class SearchCursorProfileIT extends SearchITBase {
  @BeforeEach
  void setUp() {
    cmd("FT.CREATE", "idx", "PREFIX", "1", "q:", "SCHEMA", "t", "TEXT", "n", "NUMERIC", "g", "TAG");
    j.hset("q:1", Map.of("t", "hello", "n", "1", "g", "foo,bar"));
    j.hset("q:2", Map.of("t", "world", "n", "2", "g", "food"));
    j.hset("q:3", Map.of("t", "help", "n", "3", "g", "foo"));
    j.hset("q:4", Map.of("t", "hell", "n", "4"));
  }

  @AfterEach
  void resetConfig() {
    cmd("FT.CONFIG", "SET", "_PRINT_PROFILE_CLOCK", "true");
    cmd("FT.CONFIG", "SET", "INDEX_CURSOR_LIMIT", "128");
  }

  /** FT.INFO's cursor_stats as a map (RESP2 gives it as a flat list). */
  private Map<Object, Object> cursorStats() {
    List<?> l = (List<?>) stringify(j.ftInfo("idx").get("cursor_stats"));
    Map<Object, Object> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < l.size(); i += 2) {
      m.put(l.get(i), l.get(i + 1));
    }
    return m;
  }

  @Test
  void cursorsReadInChunksUntilDone() {
    for (UnifiedJedis c : List.of(j, j3)) {
      AggregationResult r = c.ftAggregate("idx", new AggregationBuilder("*").load("@t").cursor(3, 10_000));
      assertEquals(3, r.getRows().size());
      long id = r.getCursorId();
      assertNotEquals(0L, id);
      r = c.ftCursorRead("idx", id, 3);
      assertEquals(1, r.getRows().size());
      assertEquals(0L, (long) r.getCursorId()); // done: the chain reached its end
    }
    // a chunk that fills exactly leaves the cursor open; the next read is empty and ends it
    List<?> first = (List<?>) cmd("FT.AGGREGATE", "idx", "*", "LOAD", "1", "@t", "WITHCURSOR", "COUNT", "4");
    long id = (Long) first.get(1);
    assertEquals(5, ((List<?>) first.get(0)).size());
    List<?> next = (List<?>) cmd("FT.CURSOR", "READ", "idx", Long.toString(id));
    assertEquals(List.of(List.of(0L), 0L), next);
    // grouped results through a cursor
    AggregationResult g = j.ftAggregate("idx", new AggregationBuilder("*").groupBy("@g",
        Reducers.count().as("c")).cursor(1, 10_000));
    int groups = g.getRows().size();
    while (g.getCursorId() != 0) {
      g = j.ftCursorRead("idx", g.getCursorId(), 1);
      groups += g.getRows().size();
    }
    assertEquals(4, groups); // foo,bar / food / foo / none
  }

  @Test
  void documentsAreReadOnlyWhenPulled() {
    List<?> first = (List<?>) cmd("FT.AGGREGATE", "idx", "*", "LOAD", "1", "@t", "WITHCURSOR", "COUNT", "1");
    long id = (Long) first.get(1);
    j.del("q:4"); // deleted after the query ran, before its row was read: it is skipped
    j.hset("q:3", "t", "changed"); // changed meanwhile: the row shows what the document holds when read
    int rows = ((List<?>) first.get(0)).size() - 1;
    StringBuilder seen = new StringBuilder();
    while (id != 0) {
      List<?> r = (List<?>) cmd("FT.CURSOR", "READ", "idx", Long.toString(id), "COUNT", "1");
      List<?> chunk = (List<?>) r.get(0);
      for (Object row : chunk.subList(1, chunk.size())) {
        seen.append(row);
      }
      rows += chunk.size() - 1;
      id = (Long) r.get(1);
    }
    assertEquals(3, rows);
    assertTrue(seen.toString().contains("changed"), seen.toString());
  }

  @Test
  void cursorDeleteExpiryLimitAndStats() throws Exception {
    List<?> r = (List<?>) cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1");
    String id = r.get(1).toString();
    Map<?, ?> stats = cursorStats();
    assertEquals(1L, stats.get("global_total"));
    assertEquals(1L, stats.get("index_total"));
    assertEquals(128L, stats.get("index_capacity"));
    assertTrue(((String) cmd("INFO", "modules")).contains("search_global_total:1"));
    assertEquals("OK", j.ftCursorDel("idx", Long.parseLong(id)));
    assertEquals("Cursor not found", err("FT.CURSOR", "READ", "idx", id));
    assertEquals("Cursor does not exist", err("FT.CURSOR", "DEL", "idx", id));
    assertEquals("Bad cursor ID", err("FT.CURSOR", "READ", "idx", "abc"));
    assertEquals("Unknown subcommand", err("FT.CURSOR", "NOPE", "idx", "1"));
    assertTrue(err("FT.CURSOR", "READ", "idx").contains("wrong number of arguments"));
    // MAXIDLE: gone once idle longer, at the next read
    r = (List<?>) cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1", "MAXIDLE", "200");
    id = r.get(1).toString();
    Thread.sleep(600);
    assertEquals("Cursor not found", err("FT.CURSOR", "READ", "idx", id));
    // ... and freed by the sweep without anyone reading it
    cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1", "MAXIDLE", "100");
    long deadline = System.currentTimeMillis() + 10_000;
    long total;
    do {
      Thread.sleep(200);
      total = (Long) cursorStats().get("global_total");
    } while (total != 0 && System.currentTimeMillis() < deadline);
    assertEquals(0L, total);
    // the per-index limit
    assertEquals("OK", cmd("FT.CONFIG", "SET", "INDEX_CURSOR_LIMIT", "2"));
    Object c1 = ((List<?>) cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1")).get(1);
    Object c2 = ((List<?>) cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1")).get(1);
    assertEquals("Too many cursors allocated for index", err("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT",
        "1"));
    assertEquals(2L, cursorStats().get("index_capacity"));
    assertEquals("OK", cmd("FT.CURSOR", "DEL", "idx", c1.toString()));
    assertEquals("OK", cmd("FT.CURSOR", "DEL", "idx", c2.toString()));
    // a dropped index
    cmd("FT.CONFIG", "SET", "INDEX_CURSOR_LIMIT", "128");
    r = (List<?>) cmd("FT.AGGREGATE", "idx", "*", "WITHCURSOR", "COUNT", "1");
    id = r.get(1).toString();
    j.ftDropIndex("idx");
    assertEquals("The index was dropped while the cursor was idle", err("FT.CURSOR", "READ", "idx", id));
    assertEquals(0L, cmd("FT.CURSOR", "GC", "idx", "0"));
  }

  private List<?> profile(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "FT.PROFILE";
    System.arraycopy(args, 0, full, 1, args.length);
    return (List<?>) cmd(full);
  }

  @Test
  void profileShapes() {
    assertEquals("OK", cmd("FT.CONFIG", "SET", "_PRINT_PROFILE_CLOCK", "false"));
    List<?> p = (List<?>) profile("idx", "SEARCH", "QUERY", "*", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "WILDCARD", "Counter", 4L)), p.get(4));
    assertEquals(List.of("Total profile time"), p.get(0));
    assertEquals(List.of("Warning"), p.get(3));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "redis", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "EMPTY", "Counter", 0L)), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "hello", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "TEXT", "Term", "hello", "Counter", 1L, "Size", 1L)),
        p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "hello|world", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "UNION", "Query type", "UNION", "Counter", 2L,
        "Child iterators", List.of("Type", "TEXT", "Term", "hello", "Counter", 1L, "Size", 1L),
        List.of("Type", "TEXT", "Term", "world", "Counter", 1L, "Size", 1L))), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "hello world", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "INTERSECT", "Counter", 0L, "Child iterators",
        List.of("Type", "TEXT", "Term", "hello", "Counter", 1L, "Size", 1L),
        List.of("Type", "TEXT", "Term", "world", "Counter", 1L, "Size", 1L))), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "-hello", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "NOT", "Counter", 3L, "Child iterator",
        List.of("Type", "TEXT", "Term", "hello", "Counter", 1L, "Size", 1L))), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "~hello", "NOCONTENT").get(1);
    // this evaluator matches a lone ~term's documents only (RediSearch's optional iterator gives every document)
    assertEquals(List.of("Iterators profile", List.of("Type", "OPTIONAL", "Counter", 1L, "Child iterator",
        List.of("Type", "TEXT", "Term", "hello", "Counter", 1L, "Size", 1L))), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "@g:{foo}", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "TAG", "Term", "foo", "Counter", 2L, "Size", 2L)),
        p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "LIMITED", "QUERY", "hel*", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "UNION", "Query type", "PREFIX - hel", "Counter", 3L,
        "Child iterators", "The number of iterators in the union is 3")), p.get(4));
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "hello|world", "LIMIT", "0", "0").get(1);
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 2L),
        List.of("Type", "Counter", "Counter", 1L)), p.get(5));
    // aggregations: the result processors as they ran
    List<?> a = profile("idx", "AGGREGATE", "QUERY", "hello", "GROUPBY", "1", "@t", "REDUCE", "count", "0", "AS",
        "sum");
    assertEquals(List.of(1L, List.of("t", "hello", "sum", "1")), a.get(0));
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 1L),
        List.of("Type", "Loader", "Counter", 1L), List.of("Type", "Grouper", "Counter", 1L)),
        ((List<?>) a.get(1)).get(5));
    a = profile("idx", "AGGREGATE", "QUERY", "*", "LOAD", "1", "t", "APPLY", "startswith(@t, \"hel\")", "AS", "x");
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 4L),
        List.of("Type", "Loader", "Counter", 4L), List.of("Type", "Projector - Function startswith", "Counter", 4L)),
        ((List<?>) a.get(1)).get(5));
    a = profile("idx", "AGGREGATE", "QUERY", "*", "SORTBY", "2", "@t", "ASC", "LIMIT", "0", "10", "LOAD", "2",
        "@__key", "@t");
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 4L),
        List.of("Type", "Loader", "Counter", 4L), List.of("Type", "Sorter", "Counter", 4L),
        List.of("Type", "Loader", "Counter", 4L)), ((List<?>) a.get(1)).get(5));
    // errors
    assertTrue(err("FT.PROFILE", "idx").contains("wrong number of arguments"));
    assertEquals("No `SEARCH` or `AGGREGATE` provided", err("FT.PROFILE", "idx", "redis", "QUERY", "*"));
    assertEquals("The QUERY keyword is expected", err("FT.PROFILE", "idx", "SEARCH", "FIND", "*"));
    assertEquals("FT.PROFILE does not support cursor", err("FT.PROFILE", "idx", "AGGREGATE", "QUERY", "*",
        "WITHCURSOR"));
    // with the clock: times are there; RESP3 through Jedis's profile API
    cmd("FT.CONFIG", "SET", "_PRINT_PROFILE_CLOCK", "true");
    p = (List<?>) profile("idx", "SEARCH", "QUERY", "hello").get(1);
    assertEquals(2, ((List<?>) p.get(0)).size());
    Map.Entry<AggregationResult, ProfilingInfo> e3 = j3.ftProfileAggregate("idx", FTProfileParams.profileParams(),
        new AggregationBuilder("hello").load("@t"));
    assertEquals(1, e3.getKey().getRows().size());
    Map<?, ?> prof = (Map<?, ?>) stringify(e3.getValue().getProfilingInfo());
    assertTrue(prof.containsKey("Iterators profile") && prof.containsKey("Result processors profile")
        && prof.containsKey("Total profile time"), prof.toString());
    assertEquals("None", prof.get("Warning"));
    Map.Entry<redis.clients.jedis.search.SearchResult, ProfilingInfo> s3 = j3.ftProfileSearch("idx",
        FTProfileParams.profileParams(), new redis.clients.jedis.search.Query("hello"));
    assertEquals(1, s3.getKey().getTotalResults());
    Map<?, ?> sprof = (Map<?, ?>) stringify(s3.getValue().getProfilingInfo());
    assertTrue(sprof.containsKey("Iterators profile") && sprof.containsKey("Result processors profile"),
        sprof.toString());
    Map.Entry<AggregationResult, ProfilingInfo> e2 = j.ftProfileAggregate("idx", FTProfileParams.profileParams(),
        new AggregationBuilder("hello").load("@t"));
    assertEquals(1, e2.getKey().getRows().size());
  }

  /**
   * The iterators' counters are what each iterator gave while the query ran (RediSearch's profile iterators), not the
   * sizes of their lists: an intersection leapfrogs from its rarest child, so the common term's reader stops only
   * where the rare one leads it.
   */
  @Test
  void profileCountersAreWhatTheIteratorsGave() {
    cmd("FT.CONFIG", "SET", "_PRINT_PROFILE_CLOCK", "false");
    cmd("FT.CREATE", "cnt", "PREFIX", "1", "c:", "SCHEMA", "t", "TEXT", "n", "NUMERIC", "g", "TAG");
    for (int i = 1; i <= 100; i++) {
      j.hset("c:" + i, Map.of("t", i % 50 == 0 ? "common rare" : "common", "n", Integer.toString(i),
          "g", i % 2 == 0 ? "even" : "odd"));
    }
    List<?> p = (List<?>) profile("cnt", "SEARCH", "QUERY", "common rare", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "INTERSECT", "Counter", 2L, "Child iterators",
        List.of("Type", "TEXT", "Term", "common", "Counter", 2L, "Size", 100L),
        List.of("Type", "TEXT", "Term", "rare", "Counter", 2L, "Size", 2L))), p.get(4));
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 2L),
        List.of("Type", "Scorer", "Counter", 2L), List.of("Type", "Sorter", "Counter", 2L)), p.get(5));
    p = (List<?>) profile("cnt", "SEARCH", "QUERY", "common|rare", "NOCONTENT", "LIMIT", "0", "3").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "UNION", "Query type", "UNION", "Counter", 100L,
        "Child iterators", List.of("Type", "TEXT", "Term", "common", "Counter", 100L, "Size", 100L),
        List.of("Type", "TEXT", "Term", "rare", "Counter", 2L, "Size", 2L))), p.get(4));
    assertEquals(List.of("Result processors profile", List.of("Type", "Index", "Counter", 100L),
        List.of("Type", "Scorer", "Counter", 100L), List.of("Type", "Sorter", "Counter", 3L)), p.get(5));
    // a numeric range and a tag union led by the rare term: each reader stops twice
    p = (List<?>) profile("cnt", "SEARCH", "QUERY", "rare @n:[40 100] @g:{even|odd}", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "INTERSECT", "Counter", 2L, "Child iterators",
        List.of("Type", "TEXT", "Term", "rare", "Counter", 2L, "Size", 2L),
        List.of("Type", "NUMERIC", "Term", "40 - 100", "Counter", 2L, "Size", 61L),
        List.of("Type", "UNION", "Query type", "TAG", "Counter", 2L, "Child iterators",
            List.of("Type", "TAG", "Term", "even", "Counter", 2L, "Size", 50L),
            List.of("Type", "TAG", "Term", "odd", "Counter", 1L, "Size", 50L)))), p.get(4));
    // a prefix's expansions, each reader with its own count
    p = (List<?>) profile("cnt", "SEARCH", "QUERY", "@t:(comm* rare)", "NOCONTENT").get(1);
    assertEquals(List.of("Iterators profile", List.of("Type", "INTERSECT", "Counter", 2L, "Child iterators",
        List.of("Type", "UNION", "Query type", "PREFIX - comm", "Counter", 2L, "Child iterators",
            List.of("Type", "TEXT", "Term", "common", "Counter", 2L, "Size", 100L)),
        List.of("Type", "TEXT", "Term", "rare", "Counter", 2L, "Size", 2L))), p.get(4));
    // the same counters in RESP3's maps, and FT.AGGREGATE's iterators count the query's run
    Map<?, ?> r3 = (Map<?, ?>) stringify(j3.sendCommand(() -> "FT.PROFILE".getBytes(
        StandardCharsets.UTF_8), "cnt", "AGGREGATE", "QUERY", "common rare", "LOAD", "1", "@n"));
    Map<?, ?> prof = (Map<?, ?>) r3.get("profile");
    assertEquals(List.of(Map.of("Type", "INTERSECT", "Counter", 2L, "Child iterators", List.of(
        Map.of("Type", "TEXT", "Term", "common", "Counter", 2L, "Size", 100L),
        Map.of("Type", "TEXT", "Term", "rare", "Counter", 2L, "Size", 2L)))), prof.get("Iterators profile"));
    assertEquals(List.of(Map.of("Type", "Index", "Counter", 2L), Map.of("Type", "Loader", "Counter", 2L)),
        prof.get("Result processors profile"));
    // with the clock, every iterator and processor has a time, and the parent's includes its children's
    cmd("FT.CONFIG", "SET", "_PRINT_PROFILE_CLOCK", "true");
    r3 = (Map<?, ?>) stringify(j3.sendCommand(() -> "FT.PROFILE".getBytes(
        StandardCharsets.UTF_8), "cnt", "SEARCH", "QUERY", "common rare", "NOCONTENT"));
    prof = (Map<?, ?>) r3.get("profile");
    Map<?, ?> root = (Map<?, ?>) ((List<?>) prof.get("Iterators profile")).get(0);
    double rootTime = ((Number) root.get("Time")).doubleValue();
    for (Object c : (List<?>) root.get("Child iterators")) {
      assertTrue(((Map<?, ?>) c).containsKey("Time"), c.toString());
    }
    assertTrue(rootTime > 0, root.toString());
    for (Object rp : (List<?>) prof.get("Result processors profile")) {
      assertTrue(((Number) ((Map<?, ?>) rp).get("Time")).doubleValue() >= 0, rp.toString());
    }
  }

  @Test
  void debugSubcommandsAndInfo() {
    assertEquals(List.of(1L), cmd("_FT.DEBUG", "DUMP_INVIDX", "idx", "hello"));
    assertEquals("Can not find the inverted index", err("_FT.DEBUG", "DUMP_INVIDX", "idx", "nope"));
    assertEquals(List.of("num_values", 3L), cmd("_FT.DEBUG", "INFO_TAGIDX", "idx", "g"));
    assertEquals(List.of(List.of("bar", List.of(1L)), List.of("foo", List.of(1L, 3L)), List.of("food",
        List.of(2L))), cmd("_FT.DEBUG", "DUMP_TAGIDX", "idx", "g"));
    List<?> s = (List<?>) cmd("_FT.DEBUG", "NUMIDX_SUMMARY", "idx", "n");
    assertEquals(List.of("numRanges", 1L, "numEntries", 4L), s.subList(0, 4));
    assertEquals("DONE", cmd("_FT.DEBUG", "GC_FORCEINVOKE", "idx"));
    assertEquals("DONE", cmd("FT.DEBUG", "GC_FORCEINVOKE", "idx"));
    assertEquals("Could not find given field in index spec", err("_FT.DEBUG", "INFO_TAGIDX", "idx", "t"));
    assertEquals("Can not create a search ctx", err("_FT.DEBUG", "GC_FORCEINVOKE", "nope"));
    assertEquals("subcommand was not found", err("_FT.DEBUG", "NOPE"));
    String info = (String) cmd("INFO", "modules");
    for (String f : List.of("search_number_of_indexes:1", "search_total_indexed_docs:4", "search_used_memory_indexes:",
        "search_global_idle:0", "search_global_total:0", "search_bytes_collected:0", "search_total_cycles:0",
        "search_dialect_1:")) {
      assertTrue(info.contains(f), f + " in " + info);
    }
  }
}
