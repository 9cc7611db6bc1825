package dev.cairn.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs typical queries against a throwaway graph on a background thread when the module loads, so that the first
 * client query does not pay for loading the parser's, compiler's and executor's classes and for ANTLR filling its
 * prediction caches (about a second on a loaded machine). The caches ANTLR fills are shared and thread safe; the
 * throwaway graph is the thread's own, so this touches no engine state.
 */
final class Warmup {
  private Warmup() {}

  static final List<String> QUERIES = List.of(
      "CREATE (a:Person {name: 'a', age: 30, tags: ['x', 'y'], score: 1.5, ok: true})-[:KNOWS {since: 2020}]->"
          + "(b:Person {name: 'b', age: 40}), (b)-[:KNOWS]->(:Person {name: 'c'})",
      "CREATE INDEX FOR (p:Person) ON (p.name)",
      "MATCH (a:Person {name: 'a'})-[:KNOWS]->(b) RETURN count(b)",
      "MATCH (a:Person)-[:KNOWS]->()-[:KNOWS]->(c) WHERE a.age > 10 AND c.name STARTS WITH 'c' RETURN c.name",
      "MATCH (a:Person)-[r:KNOWS*1..3]->(b) RETURN a.name, b.name, size(r) ORDER BY a.name DESC SKIP 0 LIMIT 10",
      "MATCH (a {name: 'a'}), (c {name: 'c'}) MATCH p = shortestPath((a)-[:KNOWS*]->(c)) RETURN length(p), nodes(p)",
      "OPTIONAL MATCH (n:Nobody) RETURN n IS NULL, coalesce(n.x, 0)",
      "MATCH (n:Person) WITH n.age AS age, collect(n.name) AS names WHERE age IS NOT NULL"
          + " RETURN age, names, avg(age), min(age), max(age), sum(age)",
      "UNWIND range(1, 5) AS i WITH i WHERE i % 2 = 0 RETURN i * 2 + 1 AS x, toString(i) AS s, toUpper('a') AS u"
          + " UNION RETURN 1 AS x, '1' AS s, 'A' AS u",
      "MERGE (n:Person {name: 'd'}) ON CREATE SET n.created = timestamp() ON MATCH SET n.seen = true RETURN n",
      "MATCH (n:Person {name: 'd'}) SET n.age = 1, n += {x: 2} REMOVE n.x SET n:Extra RETURN properties(n), labels(n)",
      "MATCH (n:Person {name: 'd'}) DETACH DELETE n",
      "RETURN CASE WHEN 1 < 2 THEN [x IN range(1, 3) WHERE x > 1 | x ^ 2] ELSE {a: 1} END AS v,"
          + " any(x IN [1, 2] WHERE x = 2), size('abc'), substring('abc', 1), split('a,b', ','), abs(-1), round(1.5)",
      "MATCH (a:Person) RETURN a.name, [(a)-[:KNOWS]->(b) | b.name] AS knows,"
          + " exists((a)-->()) AS out ORDER BY a.name",
      "CALL db.labels() YIELD label RETURN label",
      "CALL db.propertyKeys()",
      "FOREACH (i IN [1, 2] | CREATE (:Tmp {i: i}))",
      "MATCH (t:Tmp) DELETE t",
      "RETURN date('2015-07-21') + duration('P1M'), datetime({year: 2020, month: 1, day: 2, timezone: '+01:00'}),"
          + " localtime('12:00').hour, point({latitude: 1, longitude: 2})");

  static void start() {
    Thread t = new Thread(Warmup::run, "graph-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  static void run() {
    Graph g = new Graph();
    Map<String, Object> params = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (String q : QUERIES) {
        try {
          Executor.run(g, q, params, 0, false);
          Executor.explain(g, q);
        } catch (RuntimeException e) {
          // a warm-up query that fails warms up as much as it ran; nothing here is the client's
        } catch (LinkageError e) {
          return; // the module's jar was closed under it (MODULE UNLOAD, or a server stopping just after its start)
        }
      }
    }
  }
}
