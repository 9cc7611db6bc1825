package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Full-text, range and relationship indexes: results, plans, maintenance, rollback. */
class GraphIndexTest {
  private static Executor.Result run(Graph g, String q) {
    return Executor.run(g, q, Map.of(), 0, false);
  }

  private static List<List<Object>> rows(Graph g, String q) {
    return run(g, q).rows();
  }

  private static String plan(Graph g, String q) {
    return String.join("\n", Executor.explain(g, q));
  }

  private static List<Object> col(Graph g, String q) {
    List<Object> out = new ArrayList<>();
    rows(g, q).forEach(r -> out.add(r.get(0)));
    return out;
  }

  /** Scores as RediSearch's TFIDF gives them (RedisGraph's own scoring test, and cases worked out by its rules). */
  @Test
  void fullTextScoresAreRediSearchs() {
    Graph g = new Graph();
    rows(g, "CALL db.idx.fulltext.createNodeIndex('L', 'v')");
    rows(g, "CREATE (:L {v: 'hello world hello'})");
    rows(g, "CREATE (:L {v: 'hello world hello world'})");
    // RedisGraph 2.12's test_index_scans test15: 3 / maxFreq 2 and 4 / maxFreq 2, idf logb(1 + 2/2) = 1
    assertEquals(List.of(List.of("hello world hello", 1.5), List.of("hello world hello world", 2.0)),
        rows(g, "CALL db.idx.fulltext.queryNodes('L', 'hello world') YIELD node, score RETURN node.v, score"
            + " ORDER BY score"));
    assertEquals(List.of(1.0, 1.0), col(g, "CALL db.idx.fulltext.queryNodes('L', 'hello') YIELD score"
        + " RETURN score"));
    // words two apart: the slop divides
    rows(g, "CALL db.idx.fulltext.createNodeIndex('F', 'v')");
    rows(g, "CREATE (:F {v: 'alpha beta gamma'}), (:F {v: 'alpha gamma'}), (:F {v: 'delta'})");
    // idf(alpha) = idf(gamma) = logb(1 + 3/2) = 1; 'alpha beta gamma': (1 + 1) / 1 / slop 2; 'alpha gamma': 2
    assertEquals(List.of(List.of("alpha gamma", 2.0), List.of("alpha beta gamma", 1.0)),
        rows(g, "CALL db.idx.fulltext.queryNodes('F', 'alpha gamma') YIELD node, score RETURN node.v, score"));
    // stems: 'running' expands to running, +run and run; idf of each logb(1 + 3/1) = 2
    rows(g, "CALL db.idx.fulltext.createNodeIndex('S', 'v')");
    rows(g, "CREATE (:S {v: 'running fast'}), (:S {v: 'run'}), (:S {v: 'walk'})");
    assertEquals(List.of(List.of("running fast", 4.0), List.of("run", 2.0)),
        rows(g, "CALL db.idx.fulltext.queryNodes('S', 'running') YIELD node, score RETURN node.v, score"));
    // field weights count in the frequencies: weight 2 adds 2 per occurrence (maxFreq 3, 'hello', in both); 'redis'
    // stems to 'redi', so the query is redis | +redi | redi, and each doc holds +redi once (a fifth of the weight,
    // at least 1): (2 + 1) / 3 and (1 + 1) / 3
    rows(g, "CALL db.idx.fulltext.createNodeIndex('W', { field: 'v1', weight: 1 }, { field: 'v2', weight: 2 })");
    rows(g, "CREATE (:W {v1: 'hello world', v2: 'hello redis'}), (:W {v1: 'hello redis', v2: 'hello world'})");
    List<Object> scores = col(g, "CALL db.idx.fulltext.queryNodes('W', 'redis') YIELD score RETURN score");
    assertEquals(2, scores.size());
    assertEquals(1.0, (Double) scores.get(0), 1e-12);
    assertEquals(2.0 / 3, (Double) scores.get(1), 1e-12);
  }

  @Test
  void fullTextQueriesAsRedisGraphsTests() {
    Graph g = new Graph();
    assertEquals(1, run(g, "CALL db.idx.fulltext.createNodeIndex('L1', 'v')").stats().indicesCreated);
    rows(g, "CALL db.idx.fulltext.createNodeIndex({label: 'L2', stopwords: ['redis', 'world'] }, 'v')");
    rows(g, "CALL db.idx.fulltext.createNodeIndex('L3', { field: 'v1', weight: 1 }, { field: 'v2', weight: 2 })");
    rows(g, "CALL db.idx.fulltext.createNodeIndex('L4', { field: 'v', phonetic: 'dm:en' })");
    rows(g, "CALL db.idx.fulltext.createNodeIndex('L5', { field: 'v', nostem: true })");
    rows(g, "CREATE (:L1 {v: 'hello redis world'}), (:L2 {v: 'hello redis world'}),"
        + " (:L3 {v1: 'hello world', v2: 'hello redis'}), (:L3 {v1: 'hello redis', v2: 'hello world'}),"
        + " (:L4 {v: 'felix'}), (:L5 {v: 'there are seven words in this sentence'})");
    for (String w : List.of("hello", "redis", "world")) {
      assertEquals(List.of("hello redis world"), col(g, "CALL db.idx.fulltext.queryNodes('L1', '" + w + "')"
          + " YIELD node RETURN node.v"));
    }
    assertEquals(1, rows(g, "CALL db.idx.fulltext.queryNodes('L2', 'hello')").size());
    assertEquals(0, rows(g, "CALL db.idx.fulltext.queryNodes('L2', 'redis')").size(), "its own stop words");
    assertEquals(0, rows(g, "CALL db.idx.fulltext.queryNodes('L2', 'world')").size());
    List<List<Object>> r = rows(g, "CALL db.idx.fulltext.queryNodes('L3', 'redis') YIELD node, score"
        + " RETURN node.v2, score ORDER BY score DESC");
    assertEquals("hello redis", r.get(0).get(0), "the field of weight 2 scores higher");
    assertTrue((Double) r.get(0).get(1) > (Double) r.get(1).get(1));
    assertEquals(List.of("felix"), col(g, "CALL db.idx.fulltext.queryNodes('L4', 'phelix') YIELD node"
        + " RETURN node.v"), "phonetic");
    assertEquals(1, rows(g, "CALL db.idx.fulltext.queryNodes('L5', 'words')").size());
    assertEquals(0, rows(g, "CALL db.idx.fulltext.queryNodes('L5', 'word')").size(), "nostem");
    // stemming by default (english)
    rows(g, "CREATE (:L1 {v: 'go places'})");
    assertEquals(List.of("go places"), col(g, "CALL db.idx.fulltext.queryNodes('L1', 'going')"
        + " YIELD node RETURN node.v"));
  }

  @Test
  void fullTextQuerySyntaxAndMaintenance() {
    Graph g = new Graph();
    rows(g, "CREATE (:M {title: 'The Matrix', genre: 'action'}), (:M {title: 'Matrix Reloaded', genre: 'action'}),"
        + " (:M {title: 'Toy Story', genre: 'family'}), (:M {title: 42})");
    run(g, "CALL db.idx.fulltext.createNodeIndex('M', 'title', 'genre')");
    String q = "CALL db.idx.fulltext.queryNodes('M', '%s') YIELD node RETURN node.title ORDER BY node.title";
    assertEquals(List.of("Matrix Reloaded", "The Matrix"), col(g, q.formatted("matrix")));
    assertEquals(List.of("Matrix Reloaded"), col(g, q.formatted("matrix reloaded")), "words intersect");
    assertEquals(List.of("Matrix Reloaded", "The Matrix", "Toy Story"), col(g, q.formatted("matrix | toy")));
    assertEquals(List.of("The Matrix"), col(g, q.formatted("matrix -reloaded")));
    assertEquals(List.of("Matrix Reloaded", "The Matrix"), col(g, q.formatted("matr*")));
    assertEquals(List.of("Toy Story"), col(g, q.formatted("%stry%")), "fuzzy");
    assertEquals(List.of("Toy Story"), col(g, q.formatted("\\\"toy story\\\"")));
    assertEquals(List.of(), col(g, q.formatted("\\\"story toy\\\"")), "a phrase keeps its order");
    assertEquals(List.of("Toy Story"), col(g, q.formatted("@genre:family")));
    assertEquals(List.of(), col(g, q.formatted("@title:family")));
    assertEquals(List.of("Matrix Reloaded", "The Matrix"), col(g, q.formatted("@genre:(action) @title:matrix")));
    // writes are seen by the next query: update, relabel, delete
    rows(g, "MATCH (m:M {title: 'Toy Story'}) SET m.title = 'Toy Story 2'");
    assertEquals(List.of("Toy Story 2"), col(g, q.formatted("toy")));
    rows(g, "MATCH (m:M {title: 'The Matrix'}) REMOVE m:M");
    assertEquals(List.of("Matrix Reloaded"), col(g, q.formatted("matrix")));
    rows(g, "MATCH (m:M {title: 'Matrix Reloaded'}) DELETE m");
    assertEquals(List.of(), col(g, q.formatted("matrix")));
    rows(g, "CREATE (:M {title: 'Matrix Revolutions'})");
    assertEquals(List.of("Matrix Revolutions"), col(g, q.formatted("matrix")));
    // a failed write leaves the index as it was
    assertThrows(CypherException.class, () -> rows(g, "CREATE (:M {title: 'Matrix Forever'}) WITH 1 AS x"
        + " RETURN 1 / 0"));
    assertEquals(List.of("Matrix Revolutions"), col(g, q.formatted("matrix")));
    CypherException e = assertThrows(CypherException.class, () -> rows(g, q.formatted("(matrix")));
    assertTrue(e.getMessage().startsWith("RediSearch: Syntax error"), e.getMessage());
    assertEquals(List.of(), rows(g, "CALL db.idx.fulltext.queryNodes('Nope', 'x')"));
  }

  @Test
  void fullTextCreateDropListAndErrors() {
    Graph g = new Graph();
    assertEquals(2, run(g, "CALL db.idx.fulltext.createNodeIndex('L', 'a', 'b')").stats().indicesCreated);
    assertEquals(1, run(g, "CALL db.idx.fulltext.createNodeIndex('L', 'b', 'c')").stats().indicesCreated);
    assertEquals(0, run(g, "CALL db.idx.fulltext.createNodeIndex('L', 'a')").stats().indicesCreated);
    rows(g, "CREATE INDEX FOR (n:L) ON (n.x)");
    List<List<Object>> idx = rows(g, "CALL db.indexes() YIELD type, label, properties, language, entitytype, status");
    assertEquals(List.of(List.of("exact-match", "L", List.of("x"), "english", "NODE", "OPERATIONAL"),
        List.of("full-text", "L", List.of("a", "b", "c"), "english", "NODE", "OPERATIONAL")), idx);
    String[][] errors = {
      {"CALL db.idx.fulltext.createNodeIndex('L')", "Minimum number of arguments is 2"},
      {"CALL db.idx.fulltext.createNodeIndex(1, 'v')", "Label argument can be string or map"},
      {"CALL db.idx.fulltext.createNodeIndex({stopwords: ['the']}, 'v')", "Label is missing"},
      {"CALL db.idx.fulltext.createNodeIndex({label: 'L', stopwords: ['the']}, 'v')",
        "Index already exists configuration can't be changed"},
      {"CALL db.idx.fulltext.createNodeIndex({label: 'Q', stopwords: 'the'}, 'v')", "Stopwords must be array"},
      {"CALL db.idx.fulltext.createNodeIndex({label: 'Q', language: ['english']}, 'v')", "Language must be string"},
      {"CALL db.idx.fulltext.createNodeIndex({label: 'Q', language: 'x'}, 'v')", "Language is not supported"},
      {"CALL db.idx.fulltext.createNodeIndex('Q', {})", "Field is missing"},
      {"CALL db.idx.fulltext.createNodeIndex('Q', {field: 'v', weight: '1'})", "Weight must be numeric"},
      {"CALL db.idx.fulltext.createNodeIndex('Q', {field: 'v', nostem: 'true'})", "Nostem must be bool"},
      {"CALL db.idx.fulltext.createNodeIndex('Q', {field: 'v', phonetic: true})", "Phonetic must be a string"},
      {"CALL db.idx.fulltext.createNodeIndex('Q', 1)", "Field argument must be string or map"},
      {"CALL db.idx.fulltext.drop('Q')", "ERR Unable to drop index on :Q: no such index."},
    };
    for (String[] x : errors) {
      assertEquals(x[1], assertThrows(CypherException.class, () -> rows(g, x[0])).getMessage(), x[0]);
    }
    assertEquals(List.of("L"), g.labels.all(), "failed calls add no names");
    rows(g, "CREATE (:G {v: 'hallo welt'})");
    rows(g, "CALL db.idx.fulltext.createNodeIndex({label: 'G', language: 'german'}, 'v')");
    assertEquals(1, rows(g, "CALL db.idx.fulltext.queryNodes('G', 'hallo')").size());
    assertEquals(1, run(g, "CALL db.idx.fulltext.drop('L')").stats().indicesDeleted);
    assertEquals(2, rows(g, "CALL db.indexes()").size());
    assertThrows(CypherException.class,
        () -> rows(g, "CALL db.idx.fulltext.drop('G') WITH count(*) AS x RETURN 1 / 0"));
    assertEquals(1, rows(g, "CALL db.idx.fulltext.queryNodes('G', 'hallo')").size(), "the drop was rolled back");
    assertEquals("graph.RO_QUERY is to be executed only on read-only queries", assertThrows(CypherException.class,
        () -> Executor.run(g, "CALL db.idx.fulltext.drop('G')", Map.of(), 0, true)).getMessage());
  }

  @Test
  void rangeIndexServesWherePredicates() {
    Graph g = new Graph();
    rows(g, "UNWIND range(1, 200) AS i CREATE (:P {v: i, s: 'n' + toString(i), f: i / 2.0})");
    rows(g, "CREATE (:P {v: 'text'}), (:P {v: [1, 2]}), (:P)");
    String q = "MATCH (p:P) WHERE p.v %s RETURN count(p)";
    String[] preds = {"> 190", ">= 190", "< 3", "<= 3", "= 7", "= 7.0", "IN [1, 5, 500, null]", "> 10 AND p.v < 13",
      "> 'a'", "< 'z'", "= 'text'", "> 1.5", "= null", "> null", "IN null", "= [1, 2]"};
    List<List<List<Object>>> without = new ArrayList<>();
    for (String p : preds) {
      without.add(rows(g, q.formatted(p)));
    }
    assertTrue(plan(g, q.formatted("> 190")).contains("Node By Label Scan"));
    rows(g, "CREATE INDEX FOR (p:P) ON (p.v)");
    assertTrue(plan(g, q.formatted("> 190")).contains("Node By Index Scan | (p:P)"), plan(g, q.formatted("> 1")));
    assertTrue(plan(g, "MATCH (p:P) WHERE 190 < p.v RETURN p").contains("Node By Index Scan"));
    assertTrue(plan(g, "MATCH (p:P) WHERE p.w > 1 RETURN p").contains("Node By Label Scan"));
    for (int i = 0; i < preds.length; i++) {
      assertEquals(without.get(i), rows(g, q.formatted(preds[i])), preds[i]);
    }
    assertEquals(List.of(List.of(10L)), rows(g, "MATCH (p:P) WHERE p.v > 190 RETURN count(p)"));
    assertEquals(List.of(List.of(11L)), rows(g, "WITH 190 AS lo MATCH (p:P) WHERE lo <= p.v RETURN count(p)"));
    // an index on doubles: integral values keyed as integers
    rows(g, "CREATE INDEX FOR (p:P) ON (p.f)");
    assertEquals(List.of(List.of(3L)), rows(g, "MATCH (p:P) WHERE p.f >= 1 AND p.f <= 2 RETURN count(p)"));
    assertEquals(List.of(List.of(1L)), rows(g, "MATCH (p:P) WHERE p.f = 2 RETURN count(p)"));
  }

  @Test
  void rangeIndexRandomizedAgainstScan() {
    long seed = System.nanoTime();
    System.out.println("GraphIndexTest seed " + seed);
    Random rnd = new Random(seed);
    Graph plain = new Graph();
    Graph indexed = new Graph();
    rows(indexed, "CREATE INDEX FOR (n:N) ON (n.v)");
    rows(indexed, "CREATE INDEX FOR ()-[r:R]-() ON (r.w)");
    for (int round = 0; round < 150; round++) {
      int a = rnd.nextInt(40);
      int b = rnd.nextInt(40);
      String w;
      switch (rnd.nextInt(6)) {
        case 0 -> w = "CREATE (:N {v: " + a + "})";
        case 1 -> w = "CREATE (:N {v: " + a + ".5})";
        case 2 -> w = "MATCH (n:N) WHERE n.v = " + a + " SET n.v = " + b;
        case 3 -> w = "MATCH (n:N) WHERE n.v > " + a + " AND n.v < " + (a + 3) + " DETACH DELETE n";
        case 4 -> w = "MATCH (x:N), (y:N) WHERE x.v = " + a + " AND y.v = " + b + " CREATE (x)-[:R {w: " + a
            + "}]->(y)";
        default -> w = "MATCH ()-[r:R]->() WHERE r.w = " + a + " SET r.w = " + b;
      }
      rows(plain, w);
      rows(indexed, w);
      String op = new String[] {"=", "<", "<=", ">", ">="}[rnd.nextInt(5)];
      for (String read : List.of("MATCH (n:N) WHERE n.v " + op + " " + b + " RETURN id(n) ORDER BY id(n)",
          "MATCH (x)-[r:R]->(y) WHERE r.w " + op + " " + b + " RETURN id(r), id(x), id(y) ORDER BY id(r)",
          "MATCH (x)<-[r:R {w: " + b + "}]-(y) RETURN id(r), id(x) ORDER BY id(r)")) {
        assertEquals(rows(plain, read), rows(indexed, read), read + " (seed " + seed + ")");
      }
    }
  }

  @Test
  void relationshipIndexes() {
    Graph g = new Graph();
    rows(g, "UNWIND range(1, 50) AS i CREATE (:A {i: i})-[:R {p: i % 5}]->(:B {i: i})-[:S {p: 1}]->(:C)");
    assertEquals(2, run(g, "CREATE INDEX FOR ()-[r:R]-() ON (r.p, r.q)").stats().indicesCreated);
    String q = "MATCH (a)-[r:R]->(b) WHERE r.p = 3 RETURN count(r)";
    assertEquals(List.of(List.of(10L)), rows(g, q));
    assertTrue(plan(g, q).contains("Edge By Index Scan | (a)-[r:R]->(b)"), plan(g, q));
    assertEquals(List.of(List.of(10L)), rows(g, "MATCH (a)-[r:R {p: 3}]->(b) RETURN count(r)"));
    assertEquals(List.of(List.of(10L)), rows(g, "MATCH (b)<-[r:R {p: 3}]-(a) RETURN count(r)"));
    assertEquals(List.of(List.of(20L)), rows(g, "MATCH (a)-[r:R]-(b) WHERE r.p = 3 RETURN count(*)"));
    assertEquals(List.of(List.of(20L)), rows(g, "MATCH (a)-[r:R]->(b) WHERE r.p > 2 RETURN count(r)"));
    assertTrue(plan(g, "MATCH (a)-[s:S]->(b) WHERE s.p = 1 RETURN a").contains("All Node Scan"));
    assertEquals(List.of(List.of("exact-match", "R", List.of("p", "q"), "RELATIONSHIP")),
        rows(g, "CALL db.indexes() YIELD type, label, properties, entitytype"));
    rows(g, "MATCH ()-[r:R {p: 3}]->() SET r.p = 30");
    assertEquals(List.of(List.of(0L)), rows(g, q));
    assertEquals(List.of(List.of(10L)), rows(g, "MATCH ()-[r:R]->() WHERE r.p = 30 RETURN count(r)"));
    assertEquals(1, run(g, "DROP INDEX FOR ()-[r:R]-() ON (r.q)").stats().indicesDeleted);
    assertEquals("Unable to drop index on :R(q): no such index.", assertThrows(CypherException.class,
        () -> rows(g, "DROP INDEX FOR ()-[r:R]-() ON (r.q)")).getMessage());
    assertEquals("Attribute 'p' is already indexed", assertThrows(CypherException.class,
        () -> rows(g, "CREATE INDEX FOR ()-[r:R]-() ON (r.p)")).getMessage());
  }

  @Test
  void copyKeepsEveryIndex() {
    Graph g = new Graph();
    rows(g, "CREATE (:M {t: 'hello there'})-[:R {p: 1}]->(:M {t: 'general kenobi'})");
    rows(g, "CREATE INDEX FOR ()-[r:R]-() ON (r.p)");
    rows(g, "CALL db.idx.fulltext.createNodeIndex({label: 'M', stopwords: ['there']}, {field: 't', weight: 2})");
    Graph c = g.copy();
    assertEquals(rows(g, "CALL db.indexes()"), rows(c, "CALL db.indexes()"));
    assertEquals(1, rows(c, "CALL db.idx.fulltext.queryNodes('M', 'kenobi')").size());
    assertEquals(0, rows(c, "CALL db.idx.fulltext.queryNodes('M', 'there')").size());
    assertTrue(plan(c, "MATCH (a)-[r:R]->(b) WHERE r.p = 1 RETURN a").contains("Edge By Index Scan"));
  }
}
