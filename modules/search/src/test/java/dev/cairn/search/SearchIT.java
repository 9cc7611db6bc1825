package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.search.Document;
import redis.clients.jedis.search.FTCreateParams;
import redis.clients.jedis.search.FTSearchParams;
import redis.clients.jedis.search.IndexDataType;
import redis.clients.jedis.search.SearchResult;
import redis.clients.jedis.search.aggr.AggregationBuilder;
import redis.clients.jedis.search.aggr.AggregationResult;
import redis.clients.jedis.search.aggr.Reducers;
import redis.clients.jedis.search.aggr.SortedField;
import redis.clients.jedis.search.schemafields.NumericField;
import redis.clients.jedis.search.schemafields.SchemaField;
import redis.clients.jedis.search.schemafields.TagField;
import redis.clients.jedis.search.schemafields.TextField;

/**
 * FT.* through Jedis's search API against a server that loaded target/cairn-search.jar (built just before this test
 * runs; the module's classes and Lucene are not on this test's class path), in RESP2 and RESP3.
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", "", "enable-debug-command", "yes"})
class SearchIT extends SearchITBase {
  private static List<String> ids(SearchResult r) {
    List<String> out = new ArrayList<>();
    for (Document d : r.getDocuments()) {
      out.add(d.getId());
    }
    return out;
  }

  private void books() {
    j.ftCreate("books", FTCreateParams.createParams().on(IndexDataType.HASH).prefix("book:"),
        List.<SchemaField>of(TextField.of("title").weight(2), TextField.of("body"),
            TagField.of("tags").separator(';'), NumericField.of("year").sortable()));
    j.hset("book:1", Map.of("title", "The Running Man", "body", "a man runs for his life on television",
        "tags", "Thriller;SciFi", "year", "1982"));
    j.hset("book:2", Map.of("title", "Hello World", "body", "programming for beginners, hello hello",
        "tags", "Programming", "year", "2001"));
    j.hset("book:3", Map.of("title", "World War Z", "body", "zombies run across the world",
        "tags", "Horror;SciFi", "year", "2006"));
    j.hset("other:1", Map.of("title", "hello world"));
  }

  private List<String> search(String query, FTSearchParams p) {
    return ids(j.ftSearch("books", query, p));
  }

  private List<String> search(String query) {
    return search(query, FTSearchParams.searchParams().limit(0, 100));
  }

  @Test
  void termsPhrasesAndBooleans() {
    books();
    assertEquals(List.of("book:2", "book:3"), sorted(search("world")));
    assertEquals(List.of("book:2"), search("hello world"));
    assertEquals(List.of("book:2"), search("\"hello world\""));
    assertEquals(List.of(), search("\"world hello\""));
    assertEquals(List.of("book:2", "book:3"), sorted(search("hello | zombies")));
    assertEquals(List.of("book:3"), search("world -hello"));
    assertEquals(List.of("book:1", "book:2"), sorted(search("(programming | television) -zombies")));
    assertEquals(3, search("*").size());
    assertEquals(List.of(), search("the")); // only a stop word
  }

  private static List<String> sorted(List<String> l) {
    List<String> s = new ArrayList<>(l);
    s.sort(null);
    return s;
  }

  @Test
  void stemmingPrefixFuzzyAndFields() {
    books();
    assertEquals(List.of("book:1", "book:3"), sorted(search("run"))); // running, runs, run share the stem
    assertEquals(List.of("book:3"), search("run", FTSearchParams.searchParams().verbatim())); // "run" itself
    assertEquals(List.of("book:2"), search("prog*"));
    assertEquals(List.of("book:3"), search("%zombie%"));
    assertEquals(List.of("book:3"), search("%%zomxies%%"));
    assertEquals(List.of("book:2", "book:3"), sorted(search("@title:world")));
    assertEquals(List.of(), search("@body:war"));
    assertEquals(List.of("book:3"), search("@title|body:zombies"));
    assertEquals(List.of("book:2"), search("hello", FTSearchParams.searchParams().inFields("body")));
    assertEquals(List.of("book:3"), search("*omb*"));
    assertEquals(List.of("book:3"), search("w'zo?bies'"));
  }

  @Test
  void numericRangesAndTags() {
    books();
    assertEquals(List.of("book:2", "book:3"), sorted(search("@year:[2000 +inf]")));
    assertEquals(List.of("book:3"), search("@year:[(2001 2010]"));
    assertEquals(List.of("book:1"), search("@year:[-inf (2001]"));
    assertEquals(List.of("book:1", "book:3"), sorted(search("@tags:{scifi}")));
    assertEquals(List.of("book:1", "book:2"), sorted(search("@tags:{thriller | programming}")));
    assertEquals(List.of("book:3"), search("@tags:{hor*} world"));
    assertEquals(List.of("book:3"), search("@tags:{scifi} @year:[2005 2010]"));
    assertEquals(List.of("book:2"), search("world", FTSearchParams.searchParams().filter("year", 2000, 2002)));
    assertEquals(Set.of("horror", "programming", "scifi", "thriller"), j.ftTagVals("books", "tags"));
  }

  @Test
  void optionsSortLimitReturnScores() {
    books();
    SearchResult r = j.ftSearch("books", "*", FTSearchParams.searchParams().sortBy("year",
        redis.clients.jedis.args.SortingOrder.DESC).limit(0, 2));
    assertEquals(3, r.getTotalResults());
    assertEquals(List.of("book:3", "book:2"), ids(r));
    r = j.ftSearch("books", "*", FTSearchParams.searchParams().sortBy("year",
        redis.clients.jedis.args.SortingOrder.ASC).limit(1, 5));
    assertEquals(List.of("book:2", "book:3"), ids(r));
    r = j.ftSearch("books", "hello", FTSearchParams.searchParams().returnFields("year"));
    Document d = r.getDocuments().get(0);
    assertEquals("2001", d.getString("year"));
    assertFalse(d.hasProperty("title"));
    r = j.ftSearch("books", "hello", FTSearchParams.searchParams().noContent());
    assertEquals(List.of("book:2"), ids(r));
    assertFalse(r.getDocuments().get(0).hasProperty("title"));
    r = j.ftSearch("books", "world", FTSearchParams.searchParams().withScores());
    assertEquals(2, r.getDocuments().size());
    // "world" is in both titles; book:2's body adds nothing, but book:3's "world" occurs twice: it scores higher
    assertEquals("book:3", r.getDocuments().get(0).getId());
    assertTrue(r.getDocuments().get(0).getScore() > r.getDocuments().get(1).getScore());
    r = j.ftSearch("books", "@title:$w", FTSearchParams.searchParams().addParam("w", "hello").dialect(2));
    assertEquals(List.of("book:2"), ids(r));
    List<?> raw = (List<?>) cmd("FT.SEARCH", "books", "hello", "LIMIT", "0", "0");
    assertEquals(List.of(1L), raw);
  }

  @Test
  void resp3Reply() {
    books();
    SearchResult r = j3.ftSearch("books", "hello", FTSearchParams.searchParams().withScores());
    assertEquals(1, r.getTotalResults());
    assertEquals("book:2", r.getDocuments().get(0).getId());
    assertEquals("Hello World", r.getDocuments().get(0).getString("title"));
    assertTrue(r.getDocuments().get(0).getScore() > 0);
    Object info = j3.ftInfo("books");
    assertTrue(info instanceof Map<?, ?>);
    assertEquals(3L, ((Map<?, ?>) info).get("num_docs"));
  }

  @Test
  void indexFollowsTheKeyspace() {
    books();
    j.hset("book:4", "title", "Fresh Arrival");
    assertEquals(List.of("book:4"), search("fresh"));
    j.hset("book:4", "title", "Stale Arrival");
    assertEquals(List.of(), search("fresh"));
    assertEquals(List.of("book:4"), search("stale"));
    j.hdel("book:4", "title");
    assertEquals(List.of(), search("stale"));
    j.hset("book:4", "title", "again");
    j.rename("book:4", "book:5");
    assertEquals(List.of("book:5"), search("again"));
    j.rename("book:5", "elsewhere");
    assertEquals(List.of(), search("again"));
    j.del("book:1");
    assertEquals(List.of(), search("television"));
    j.set("book:2", "now a string");
    assertEquals(List.of(), search("programming"));
    j.hset("book:6", "title", "ephemeral");
    j.pexpire("book:6", 1);
    sleep(20);
    assertEquals(List.of(), search("ephemeral"));
    // a flush drops the indexes themselves, as RediSearch does: clients create them again
    j.flushAll();
    assertEquals(List.of(), List.copyOf(j.ftList()));
    assertThrows(JedisDataException.class, () -> search("*"));
    books();
    j.hset("book:7", "title", "after flush");
    assertEquals(List.of("book:7"), search("flush"));
    try (UnifiedJedis db1 = new UnifiedJedis(hp, DefaultJedisClientConfig.builder().database(1).build())) {
      db1.flushDB(); // any database's flush, as RediSearch's handler does not look at which
    }
    assertEquals(List.of(), List.copyOf(j.ftList()));
  }

  @Test
  void existingKeysAreIndexedAtCreate() {
    j.hset("p:1", Map.of("name", "alpha", "n", "5"));
    j.hset("p:2", Map.of("name", "beta", "n", "7"));
    j.set("p:3", "not a hash");
    assertEquals("OK", cmd("FT.CREATE", "pidx", "ON", "HASH", "PREFIX", "1", "p:", "SCHEMA", "name", "TEXT",
        "n", "NUMERIC"));
    assertEquals(2L, j.ftInfo("pidx").get("num_docs"));
    assertEquals(List.of("p:2"), ids(j.ftSearch("pidx", "@n:[6 10]")));
    assertEquals("OK", cmd("FT.CREATE", "skip", "PREFIX", "1", "p:", "SKIPINITIALSCAN", "SCHEMA", "name", "TEXT"));
    assertEquals(0L, j.ftInfo("skip").get("num_docs"));
  }

  @Test
  void filterExpression() {
    j.hset("f:1", Map.of("name", "cheap", "price", "5"));
    j.hset("f:2", Map.of("name", "dear", "price", "50"));
    assertEquals("OK", cmd("FT.CREATE", "fidx", "PREFIX", "1", "f:", "FILTER", "@price > 10", "SCHEMA", "name",
        "TEXT"));
    assertEquals(List.of("f:2"), ids(j.ftSearch("fidx", "*")));
    j.hset("f:1", "price", "100");
    assertEquals(List.of("f:1", "f:2"), sorted(ids(j.ftSearch("fidx", "*"))));
  }

  @Test
  void adminCommands() {
    books();
    assertEquals(Set.of("books"), j.ftList());
    Map<String, Object> info = j.ftInfo("books");
    assertEquals("books", info.get("index_name"));
    assertEquals(3L, info.get("num_docs"));
    assertEquals(0L, info.get("indexing"));
    List<?> attrs = (List<?>) info.get("attributes");
    assertEquals(4, attrs.size());
    assertEquals("Unknown Index name", err("FT.INFO", "nope"));
    assertEquals("nope: no such index", err("FT.SEARCH", "nope", "x"));
    assertEquals("Index already exists", err("FT.CREATE", "books", "SCHEMA", "t", "TEXT"));
    assertTrue(err("FT.CREATE", "bad", "SCHEMA", "t", "BLOB").startsWith("Invalid field type"));
    assertTrue(err("FT.SEARCH", "books", "@nofield:x").startsWith("Unknown field"));
    assertTrue(err("FT.SEARCH", "books", "(hello").startsWith("Syntax error at offset"));

    assertEquals("OK", j.ftAlter("books", TextField.of("summary")));
    j.hset("book:2", "summary", "wonderful");
    assertEquals(List.of("book:2"), search("@summary:wonderful"));

    assertEquals("OK", j.ftAliasAdd("lib", "books"));
    assertEquals(1, j.ftSearch("lib", "wonderful").getTotalResults());
    assertEquals("Alias already exists", err("FT.ALIASADD", "lib", "books"));
    assertEquals("OK", j.ftAliasDel("lib"));
    assertEquals("Alias does not exist", err("FT.ALIASDEL", "lib"));

    assertEquals("OK", j.ftSynUpdate("books", "g1", "undead", "zombies"));
    assertEquals(List.of("book:3"), search("undead"));
    assertEquals(Map.of("undead", List.of("g1"), "zombies", List.of("g1")), j.ftSynDump("books"));

    String dict = "d" + System.nanoTime(); // dictionaries are server-wide: FLUSHALL leaves them
    assertEquals(2L, j.ftDictAdd(dict, "foo", "bar", "foo"));
    assertEquals(Set.of("foo", "bar"), j.ftDictDump(dict));
    assertEquals(1L, j.ftDictDel(dict, "foo", "nope"));
    assertEquals(Set.of("bar"), j.ftDictDump(dict));

    String plan = j.ftExplain("books", new redis.clients.jedis.search.Query("@year:[1 2] hello"));
    assertTrue(plan.startsWith("INTERSECT {"), plan);
    assertTrue(plan.contains("NUMERIC {1.000000 <= @year <= 2.000000}"), plan);

    assertEquals("OK", j.ftDropIndexDD("books"));
    assertFalse(j.exists("book:2"));
    assertTrue(j.exists("other:1"));
    assertEquals(Set.of(), j.ftList());
  }

  @Test
  void configAndInfoSection() {
    assertEquals(List.of(List.of("DEFAULT_DIALECT", "1")).toString(),
        stringify(cmd("FT.CONFIG", "GET", "DEFAULT_DIALECT")).toString());
    assertEquals("OK", cmd("FT.CONFIG", "SET", "DEFAULT_DIALECT", "2"));
    assertEquals(List.of(List.of("DEFAULT_DIALECT", "2")).toString(),
        stringify(cmd("FT.CONFIG", "GET", "DEFAULT_DIALECT")).toString());
    cmd("FT.CONFIG", "SET", "DEFAULT_DIALECT", "1");
    books();
    String info = (String) cmd("INFO", "search_index");
    assertTrue(info.contains("search_number_of_indexes:1"), info);
    assertTrue(info.contains("search_total_indexed_docs:3"), info);
  }

  @Test
  void indexesComeBackFromTheRdbFile() {
    books();
    j.ftAliasAdd("lib", "books");
    j.ftSynUpdate("books", "g1", "undead", "zombies");
    j.ftDictAdd("dr", "word");
    assertEquals("OK", cmd("SAVE"));
    j.ftDropIndex("books"); // its alias goes with it
    assertEquals("Alias does not exist", err("FT.ALIASDEL", "lib"));
    j.ftDictDel("dr", "word");
    j.del("book:1");
    assertEquals(Set.of(), j.ftList());
    // the file still holds the index, its alias, synonyms and dictionary, and book:1
    assertEquals("OK", cmd("DEBUG", "RELOAD", "NOSAVE"));
    assertEquals(Set.of("books"), j.ftList());
    assertEquals(3L, j.ftInfo("books").get("num_docs"));
    assertEquals(List.of("book:1", "book:3"), sorted(ids(j.ftSearch("lib", "@tags:{scifi}"))));
    assertEquals(List.of("book:3"), ids(j.ftSearch("books", "undead")));
    assertEquals(Set.of("word"), j.ftDictDump("dr"));
    j.hset("book:9", "title", "new after load");
    assertEquals(List.of("book:9"), ids(j.ftSearch("books", "load")));
  }

  @Test
  void highlightAndSummarize() {
    books();
    Document d = j.ftSearch("books", "running", FTSearchParams.searchParams().highlight(
        FTSearchParams.highlightParams().fields("title"))).getDocuments().get(0);
    assertEquals("The <b>Running</b> Man", d.getString("title"));
    assertEquals("a man runs for his life on television", d.getString("body")); // not asked for
    d = j.ftSearch("books", "hello", FTSearchParams.searchParams().highlight(
        FTSearchParams.highlightParams().tags("[", "]"))).getDocuments().get(0);
    assertEquals("programming for beginners, [hello] [hello]", d.getString("body"));
    j.hset("book:8", "body", "one two three four five six seven eight nine ten target eleven twelve");
    d = j.ftSearch("books", "target", FTSearchParams.searchParams().summarize(
        FTSearchParams.summarizeParams().fields("body").fragSize(4).separator("|"))).getDocuments().get(0);
    assertEquals("nine ten target eleven|", d.getString("body"));
  }

  @Test
  void scorers() {
    books();
    for (String scorer : List.of("TFIDF", "TFIDF.DOCNORM", "BM25", "BM25STD", "DISMAX")) {
      SearchResult r = j.ftSearch("books", "world", FTSearchParams.searchParams().scorer(scorer).withScores());
      assertEquals(List.of("book:3", "book:2"), ids(r), scorer); // book:3 has "world" twice
      assertTrue(r.getDocuments().get(0).getScore() > r.getDocuments().get(1).getScore(), scorer);
    }
    j.hset("book:2", "__score", "0.5"); // read only by an index that names it (RediSearch 2.10: no default)
    assertEquals(1.0, j.ftSearch("books", "world", FTSearchParams.searchParams().scorer("DOCSCORE").withScores())
        .getDocuments().get(1).getScore());
    cmd("FT.CREATE", "scored", "PREFIX", "1", "book:", "SCORE_FIELD", "__score", "SCHEMA", "title", "TEXT", "body",
        "TEXT");
    SearchResult r = j.ftSearch("scored", "world", FTSearchParams.searchParams().scorer("DOCSCORE").withScores());
    assertEquals(List.of("book:3", "book:2"), ids(r));
    assertEquals(0.5, r.getDocuments().get(1).getScore());
    assertEquals("Scoring function `NOPE` not found", err("FT.SEARCH", "books", "x", "SCORER", "NOPE"));
  }

  @Test
  void bigKeyspaceIsIndexedInTheBackground() throws Exception {
    int n = 25_000;
    try (redis.clients.jedis.AbstractPipeline p = j.pipelined()) {
      for (int i = 0; i < n; i++) {
        p.hset("big:" + i, Map.of("n", Integer.toString(i), "t", i % 2 == 0 ? "even" : "odd"));
      }
      p.sync();
    }
    assertEquals("OK", cmd("FT.CREATE", "big", "PREFIX", "1", "big:", "SCHEMA", "n", "NUMERIC", "t", "TEXT"));
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Long.valueOf(0).equals(j.ftInfo("big").get("indexing"))) {
      assertTrue(System.currentTimeMillis() < deadline, "indexing did not finish");
      Thread.sleep(20);
    }
    assertEquals((long) n, j.ftInfo("big").get("num_docs"));
    assertEquals(n / 2, j.ftSearch("big", "odd", FTSearchParams.searchParams().limit(0, 0)).getTotalResults());
    assertEquals(List.of("big:7"), ids(j.ftSearch("big", "@n:[7 7]")));
  }

  @Test
  void legacyDocumentCommandsAndSpellcheck() {
    books();
    List<?> got = (List<?>) cmd("FT.GET", "books", "book:2");
    assertEquals(8, got.size());
    assertEquals("Hello World", got.get(got.indexOf("title") + 1));
    assertEquals(null, cmd("FT.GET", "books", "other:1"));
    List<?> m = (List<?>) cmd("FT.MGET", "books", "book:1", "nope");
    assertEquals(2, m.size());
    assertEquals(null, m.get(1));
    assertEquals(1L, cmd("FT.DEL", "books", "book:1"));
    assertEquals(0L, cmd("FT.DEL", "books", "book:1"));
    assertFalse(j.exists("book:1"));

    // "wrld" is one edit from "world" (in 2 of 2 documents); "hello" is indexed, so not reported
    assertEquals(List.of(List.of("TERM", "wrld", List.of(List.of("1", "world")))),
        cmd("FT.SPELLCHECK", "books", "hello wrld"));
    String dict = "sc" + System.nanoTime();
    j.ftDictAdd(dict, "wold");
    assertEquals(List.of(List.of("TERM", "wrld", List.of(List.of("1", "world"), List.of("0", "wold")))),
        cmd("FT.SPELLCHECK", "books", "wrld", "TERMS", "INCLUDE", dict));
    assertEquals(List.of(), cmd("FT.SPELLCHECK", "books", "wold", "TERMS", "EXCLUDE", dict));
  }

  @Test
  void suggestions() {
    assertEquals(1L, cmd("FT.SUGADD", "ac", "Hello World", "2"));
    assertEquals(2L, cmd("FT.SUGADD", "ac", "help", "3", "PAYLOAD", "p1"));
    assertEquals(3L, cmd("FT.SUGADD", "ac", "hermit", "1"));
    assertEquals(3L, cmd("FT.SUGADD", "ac", "hermit", "5", "INCR"));
    assertEquals(3L, cmd("FT.SUGLEN", "ac"));
    assertEquals(List.of("hermit", "help", "Hello World"), cmd("FT.SUGGET", "ac", "he"));
    assertEquals(Arrays.asList("help", "3", "p1", "Hello World", "2", null),
        cmd("FT.SUGGET", "ac", "hel", "WITHSCORES", "WITHPAYLOADS"));
    assertEquals(List.of("hermit"), cmd("FT.SUGGET", "ac", "he", "MAX", "1"));
    assertEquals(List.of("help", "Hello World"), cmd("FT.SUGGET", "ac", "hwl", "FUZZY"));
    assertEquals(List.of(), cmd("FT.SUGGET", "ac", "xyz"));
    assertEquals(List.of(), cmd("FT.SUGGET", "missing", "he"));
    assertEquals("CairnSugg", cmd("TYPE", "ac"));
    byte[] dump = j.dump("ac");
    j.restore("ac2", 0, dump);
    assertEquals(3L, cmd("FT.SUGLEN", "ac2"));
    assertEquals(1L, cmd("FT.SUGDEL", "ac", "help"));
    assertEquals(0L, cmd("FT.SUGDEL", "ac", "help"));
    cmd("FT.SUGDEL", "ac", "hermit");
    cmd("FT.SUGDEL", "ac", "hello world");
    assertFalse(j.exists("ac"));
    assertEquals(0L, cmd("FT.SUGLEN", "ac"));
    j.set("str", "x");
    assertTrue(err("FT.SUGADD", "str", "a", "1").startsWith("WRONGTYPE"));
  }

  @Test
  void aggregate() {
    books();
    AggregationResult r = j.ftAggregate("books", new AggregationBuilder("*")
        .groupBy("@tags", Reducers.count().as("n"), Reducers.max("@year").as("latest"))
        .sortBy(new SortedField("@n", SortedField.SortOrder.DESC), new SortedField("@tags",
            SortedField.SortOrder.ASC)));
    // tags are loaded from the hash as stored ("Thriller;SciFi"), one group per distinct value
    List<String> groups = new ArrayList<>();
    for (redis.clients.jedis.search.aggr.Row row : r.getRows()) {
      groups.add(row.getString("tags") + "=" + row.getString("n") + "/" + row.getString("latest"));
    }
    assertEquals(List.of("Horror;SciFi=1/2006", "Programming=1/2001", "Thriller;SciFi=1/1982"), groups);
    r = j.ftAggregate("books", new AggregationBuilder("*").groupBy(List.of(),
        List.of(Reducers.count().as("docs"), Reducers.sum("@year").as("s"), Reducers.avg("@year").as("avg"))));
    assertEquals("3", r.getRows().get(0).getString("docs"));
    assertEquals("5989", r.getRows().get(0).getString("s"));
    assertEquals("1996.33333333", r.getRows().get(0).getString("avg"));
    r = j.ftAggregate("books", new AggregationBuilder("world").load("@year").sortBy(1,
        new SortedField("@year", SortedField.SortOrder.DESC)).limit(0, 1));
    assertEquals(1, r.getRows().size());
    assertEquals("2006", r.getRows().get(0).getString("year"));
    r = j3.ftAggregate("books", new AggregationBuilder("*").load("@year").filter("@year > 2000")
        .sortBy(new SortedField("@year", SortedField.SortOrder.ASC)));
    assertEquals(2, r.getRows().size());
    assertEquals("2001", r.getRows().get(0).getString("year"));
  }

  @Test
  void geo() {
    assertEquals("OK", cmd("FT.CREATE", "places", "PREFIX", "1", "pl:", "SCHEMA", "name", "TEXT", "loc", "GEO"));
    j.hset("pl:paris", Map.of("name", "Paris cafe", "loc", "2.3522,48.8566"));
    j.hset("pl:versailles", Map.of("name", "Versailles cafe", "loc", "2.1301,48.8049"));
    j.hset("pl:london", Map.of("name", "London cafe", "loc", "-0.1276,51.5072"));
    j.hset("pl:bad", Map.of("name", "nowhere", "loc", "not a point"));
    assertEquals(List.of("pl:paris"), ids(j.ftSearch("places", "@loc:[2.35 48.85 5 km]")));
    assertEquals(List.of("pl:paris", "pl:versailles"), sorted(ids(j.ftSearch("places", "cafe @loc:[2.35 48.85 30 km]"))));
    assertEquals(List.of("pl:london", "pl:paris", "pl:versailles"),
        sorted(ids(j.ftSearch("places", "cafe @loc:[2.35 48.85 400 km]"))));
    assertEquals(List.of("pl:paris", "pl:versailles"), sorted(ids(j.ftSearch("places", "cafe",
        FTSearchParams.searchParams().geoFilter("loc", 2.35, 48.85, 20, redis.clients.jedis.args.GeoUnit.MI)))));
    assertEquals(1L, j.ftInfo("places").get("hash_indexing_failures"));
    assertEquals("GEO loc:{2.350000,48.850000 --> 5.000000 km}\n", j.ftExplain("places",
        new redis.clients.jedis.search.Query("@loc:[2.35 48.85 5 km]")));
  }

  @Test
  void phonetic() {
    assertEquals("OK", cmd("FT.CREATE", "people", "PREFIX", "1", "pp:", "SCHEMA", "name", "TEXT", "PHONETIC", "dm:en",
        "note", "TEXT"));
    j.hset("pp:1", Map.of("name", "John Smith", "note", "likes smyth"));
    j.hset("pp:2", Map.of("name", "Mary Jones", "note", "jon"));
    assertEquals(List.of("pp:1"), ids(j.ftSearch("people", "@name:jon")));
    assertEquals(List.of("pp:1"), ids(j.ftSearch("people", "@name:smyth")));
    assertEquals(List.of(), ids(j.ftSearch("people", "@note:john"))); // not a phonetic field
    // VERBATIM turns off stemming; phonetic matching is not stemming and stays
    assertEquals(List.of("pp:1"), ids(j.ftSearch("people", "@name:jon", FTSearchParams.searchParams().verbatim())));
    assertTrue(err("FT.CREATE", "bad", "SCHEMA", "n", "TEXT", "PHONETIC", "xx:yy").startsWith("Matcher Format"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
