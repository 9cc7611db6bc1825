package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The graph module as users get it: cairn-graph.jar (the build's jar, ANTLR shaded inside, its classes not on this
 * test's class path) loaded with MODULE LOAD, every GRAPH.* command used through Jedis in both reply forms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphJarIT {
  private GraphServer server;
  private Jedis jedis;

  @BeforeAll
  void start() throws Exception {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.cairn.graph.GraphModule"));
    server = GraphServer.start();
    jedis = server.client(10_000);
  }

  @AfterAll
  void stop() {
    jedis.close();
    server.close();
  }

  @BeforeEach
  void clean() {
    jedis.flushAll();
  }

  private Object cmd(String... args) {
    return GraphServer.cmd(jedis, args);
  }

  private static List<?> list(Object o) {
    return assertInstanceOf(List.class, o);
  }

  /** The statistics without the run time, which varies. */
  private static List<Object> stats(List<?> reply) {
    List<Object> s = new ArrayList<>(list(reply.get(reply.size() - 1)));
    String last = (String) s.remove(s.size() - 1);
    assertTrue(last.matches("Query internal execution time: [0-9]+\\.[0-9]{6} milliseconds"), last);
    return s;
  }

  @Test
  void createThenMatchVerbose() {
    List<?> r = list(cmd("GRAPH.QUERY", "social", "CREATE (:Person {name: 'Ann', age: 33})-[:KNOWS {since: 2020}]->"
        + "(:Person {name: 'Bob', age: 1.5})"));
    assertEquals(1, r.size(), "a query without RETURN replies with the statistics alone");
    assertEquals(List.of("Labels added: 1", "Nodes created: 2", "Properties set: 5", "Relationships created: 1",
        "Cached execution: 0"), stats(r));

    r = list(cmd("GRAPH.QUERY", "social", "MATCH (a:Person)-[k:KNOWS]->(b) RETURN a.name, b.age, k.since, a, k"));
    assertEquals(3, r.size());
    assertEquals(List.of("a.name", "b.age", "k.since", "a", "k"), r.get(0));
    List<?> row = list(list(r.get(1)).get(0));
    assertEquals("Ann", row.get(0));
    assertEquals("1.5", row.get(1), "verbose doubles are text");
    assertEquals(2020L, row.get(2));
    assertEquals(List.of(List.of("id", 0L), List.of("labels", List.of("Person")),
        List.of("properties", List.of(List.of("name", "Ann"), List.of("age", 33L)))), row.get(3));
    assertEquals(List.of(List.of("id", 0L), List.of("type", "KNOWS"), List.of("src_node", 0L),
        List.of("dest_node", 1L), List.of("properties", List.of(List.of("since", 2020L)))), row.get(4));
    assertEquals(List.of("Cached execution: 0"), stats(r));
  }

  @Test
  void compactReplies() {
    cmd("GRAPH.QUERY", "g", "CREATE (:A:B {x: 1, y: 's'})-[:R {w: 2.5}]->(:B)");
    List<?> r = list(cmd("GRAPH.QUERY", "g", "MATCH (a:A)-[e]->(b) RETURN a, e, null, true, [1, 'x'], {k: 1}",
        "--compact"));
    assertEquals(List.of(List.of(1L, "a"), List.of(1L, "e"), List.of(1L, "null"), List.of(1L, "true"),
        List.of(1L, "[1, 'x']"), List.of(1L, "{k: 1}")), r.get(0));
    List<?> row = list(list(r.get(1)).get(0));
    // node: [8, [id, [label ids], [[key id, type, value], ...]]]
    assertEquals(List.of(8L, List.of(0L, List.of(0L, 1L), List.of(List.of(0L, 3L, 1L), List.of(1L, 2L, "s")))),
        row.get(0));
    // edge: [7, [id, type id, src, dst, props]]
    assertEquals(List.of(7L, List.of(0L, 0L, 0L, 1L, List.of(List.of(2L, 5L, "2.5")))), row.get(1));
    assertEquals(java.util.Arrays.asList(1L, null), row.get(2));
    assertEquals(List.of(4L, "true"), row.get(3));
    assertEquals(List.of(6L, List.of(List.of(3L, 1L), List.of(2L, "x"))), row.get(4));
    assertEquals(List.of(10L, List.of("k", List.of(3L, 1L))), row.get(5));
    // the ids resolve through the procedures, dense from 0 in creation order
    assertEquals(List.of(List.of("A"), List.of("B")), list(cmd("GRAPH.QUERY", "g", "CALL db.labels()")).get(1));
    assertEquals(List.of(List.of("x"), List.of("y"), List.of("w")),
        list(cmd("GRAPH.QUERY", "g", "CALL db.propertyKeys()")).get(1));
    assertEquals(List.of(List.of("R")), list(cmd("GRAPH.QUERY", "g", "CALL db.relationshipTypes()")).get(1));
  }

  @Test
  void parametersAggregationOrderAndPaths() {
    cmd("GRAPH.QUERY", "g", "UNWIND range(1, 10) AS i CREATE (:N {i: i, odd: i % 2 = 1})");
    cmd("GRAPH.QUERY", "g", "MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)");
    List<?> r = list(cmd("GRAPH.QUERY", "g", "CYPHER min=3 names=['x', \"y\"] MATCH (n:N) WHERE n.i >= $min "
        + "RETURN n.odd AS odd, count(*) AS c, sum(n.i) AS s, size($names) AS k ORDER BY odd"));
    assertEquals(List.of(List.of("false", 4L, 28L, 2L), List.of("true", 4L, 24L, 2L)), r.get(1));
    r = list(cmd("GRAPH.QUERY", "g", "MATCH p = (a:N {i: 1})-[:NEXT*]->(b:N {i: 4}) RETURN length(p), "
        + "[n IN nodes(p) | n.i]"));
    assertEquals(List.of(List.of(3L, "[1, 2, 3, 4]")), r.get(1));
    r = list(cmd("GRAPH.QUERY", "g", "MATCH (a:N {i: 1}), (b:N {i: 10}) MATCH p = shortestPath((a)-[*]->(b)) "
        + "RETURN length(p)"));
    assertEquals(List.of(List.of(9L)), r.get(1));
  }

  @Test
  void readOnlyQueryRefusesWrites() {
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.RO_QUERY", "g", "CREATE (:X)"));
    assertEquals("graph.RO_QUERY is to be executed only on read-only queries", e.getMessage());
    cmd("GRAPH.QUERY", "g", "CREATE (:X {v: 1})");
    assertEquals(List.of(List.of(1L)), list(cmd("GRAPH.RO_QUERY", "g", "MATCH (x:X) RETURN x.v")).get(1));
  }

  @Test
  void errorsReplaceTheReply() {
    cmd("GRAPH.QUERY", "g", "CREATE ()");
    assertEquals("'y' not defined", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.QUERY", "g", "MATCH (x) RETURN y")).getMessage());
    assertEquals("Unknown function 'nosuch'", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.QUERY", "g", "RETURN nosuch(1)")).getMessage());
    assertTrue(assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "g", "MATCH (x RETURN x"))
        .getMessage().startsWith("Invalid input"));
    assertEquals("Division by zero", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.QUERY", "g", "RETURN 1 / 0")).getMessage());
    jedis.set("str", "v");
    assertTrue(assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "str", "RETURN 1")).getMessage()
        .startsWith("WRONGTYPE"));
    assertEquals("PONG", jedis.ping(), "the connection survives");
  }

  @Test
  void failingWriteQueryChangesNothing() {
    cmd("GRAPH.QUERY", "g", "CREATE (:A {v: 1})");
    assertEquals("Division by zero", assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "g",
        "MATCH (a:A) SET a.v = 2, a:C CREATE (:B {w: 1}) WITH a RETURN 1 / 0")).getMessage());
    assertEquals(List.of(List.of("[A]", 1L)), list(cmd("GRAPH.QUERY", "g", "MATCH (n) RETURN labels(n), n.v")).get(1));
    assertEquals(List.of(List.of("A")), list(cmd("GRAPH.QUERY", "g", "CALL db.labels()")).get(1),
        "labels the failed query added are gone");
    assertEquals(List.of(List.of("v")), list(cmd("GRAPH.QUERY", "g", "CALL db.propertyKeys()")).get(1));
    assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "fresh", "CREATE (:X) WITH 1 AS x RETURN 1 / 0"));
    assertEquals(false, jedis.exists("fresh"), "a failed query creates no key");
  }

  @Test
  void listDeleteAndKeyspace() {
    cmd("GRAPH.QUERY", "g1", "CREATE ()");
    cmd("GRAPH.QUERY", "g2", "CREATE ()");
    cmd("GRAPH.QUERY", "empty", "MATCH (n) RETURN n");
    jedis.set("s", "v");
    List<?> names = list(cmd("GRAPH.LIST"));
    assertEquals(2, names.size());
    assertTrue(names.containsAll(List.of("g1", "g2")), "a read on a missing key creates nothing: " + names);
    assertEquals("graphdata", jedis.type("g1"));
    assertTrue(((String) cmd("GRAPH.DELETE", "g1")).matches(
        "Graph removed, internal execution time: [0-9.]+ milliseconds"));
    assertEquals(0L, jedis.exists("g1") ? 1L : 0L);
    assertEquals("Invalid graph operation on empty key", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.DELETE", "g1")).getMessage().replaceFirst("^ERR ", ""));
    // RENAME and EXPIRE treat a graph as any key
    assertEquals("OK", jedis.rename("g2", "g3"));
    assertEquals(List.of(List.of(1L)), list(cmd("GRAPH.QUERY", "g3", "MATCH (n) RETURN count(n)")).get(1));
  }

  @Test
  void dumpRestoreCopyKeepIds() {
    cmd("GRAPH.QUERY", "g", "CREATE (:A {n: 1}), (:A {n: 2}), (:B {n: 3, l: [1, 2.5, 'x', true]})");
    cmd("GRAPH.QUERY", "g", "MATCH (a {n: 2}) DELETE a");
    cmd("GRAPH.QUERY", "g", "MATCH (a {n: 1}), (b:B) CREATE (a)-[:T {w: 'x'}]->(b)");
    cmd("GRAPH.QUERY", "g", "CREATE INDEX FOR (a:A) ON (a.n)");
    byte[] dump = jedis.dump("g".getBytes(StandardCharsets.UTF_8));
    assertEquals(7, dump[0], "a module value, RDB type 7");
    assertEquals("OK", jedis.restore("h".getBytes(StandardCharsets.UTF_8), 0, dump));
    String q = "MATCH (a)-[t]->(b) RETURN id(a), a.n, id(b), b.l, t.w";
    Object expect = list(cmd("GRAPH.QUERY", "g", q)).get(1);
    assertEquals(List.of(List.of(0L, 1L, 2L, "[1, 2.5, x, true]", "x")), expect);
    assertEquals(expect, list(cmd("GRAPH.QUERY", "h", q)).get(1));
    assertEquals(true, jedis.copy("h", "c", false));
    cmd("GRAPH.QUERY", "c", "MATCH (a {n: 1}) SET a.n = 5");
    assertEquals(expect, list(cmd("GRAPH.QUERY", "h", q)).get(1), "COPY is deep");
    assertEquals(List.of(List.of("A", List.of("n"))), list(list(cmd("GRAPH.QUERY", "h",
        "CALL db.indexes() YIELD label, properties RETURN label, properties", "--compact")).get(1)).stream()
        .map(row -> list(row).stream().map(cell -> list(cell).get(1)).map(GraphJarIT::unwrapCompact).toList())
        .toList());
    // the id hole left by the delete is reused after the round trip, as before it
    cmd("GRAPH.QUERY", "h", "CREATE (:Z)");
    assertEquals(List.of(List.of(1L)), list(cmd("GRAPH.QUERY", "h", "MATCH (z:Z) RETURN id(z)")).get(1));
  }

  @Test
  void fullTextRangeAndRelationshipIndexesThroughTheJar() {
    cmd("GRAPH.QUERY", "g", "CREATE (:Movie {title: 'The Matrix', year: 1999})-[:SEQUEL {gap: 4}]->"
        + "(:Movie {title: 'Matrix Reloaded', year: 2003}), (:Movie {title: 'Toy Story', year: 1995})");
    assertEquals(List.of("Indices created: 1", "Cached execution: 0"), stats(list(cmd("GRAPH.QUERY", "g",
        "CALL db.idx.fulltext.createNodeIndex('Movie', 'title')"))));
    String q = "CALL db.idx.fulltext.queryNodes('Movie', 'matri*') YIELD node, score RETURN node.title, score > 0"
        + " ORDER BY node.title";
    assertEquals(List.of(List.of("Matrix Reloaded", "true"), List.of("The Matrix", "true")),
        list(cmd("GRAPH.QUERY", "g", q)).get(1));
    // the index survives DUMP/RESTORE (rebuilt from the graph on its first query)
    assertEquals("OK", jedis.restore("h".getBytes(StandardCharsets.UTF_8), 0,
        jedis.dump("g".getBytes(StandardCharsets.UTF_8))));
    assertEquals(list(cmd("GRAPH.QUERY", "g", q)).get(1), list(cmd("GRAPH.QUERY", "h", q)).get(1));
    cmd("GRAPH.QUERY", "g", "CREATE INDEX FOR (m:Movie) ON (m.year)");
    cmd("GRAPH.QUERY", "g", "CREATE INDEX FOR ()-[s:SEQUEL]-() ON (s.gap)");
    assertEquals(List.of("Results", "    Project", "        Filter", "            Node By Index Scan | (m:Movie)"),
        cmd("GRAPH.EXPLAIN", "g", "MATCH (m:Movie) WHERE m.year > 1996 RETURN m.title"));
    assertEquals(List.of(List.of("Matrix Reloaded"), List.of("The Matrix")), list(cmd("GRAPH.QUERY", "g",
        "MATCH (m:Movie) WHERE m.year > 1996 RETURN m.title ORDER BY m.title")).get(1));
    assertEquals(List.of("Results", "    Project", "        Filter",
        "            Edge By Index Scan | (a)-[s:SEQUEL]->(b)"),
        cmd("GRAPH.EXPLAIN", "g", "MATCH (a)-[s:SEQUEL]->(b) WHERE s.gap = 4 RETURN b.title"));
    assertEquals(List.of(List.of("Matrix Reloaded")), list(cmd("GRAPH.QUERY", "g",
        "MATCH (a)-[s:SEQUEL]->(b) WHERE s.gap = 4 RETURN b.title")).get(1));
    List<?> idx = list(list(cmd("GRAPH.QUERY", "g", "CALL db.indexes() YIELD type, label, entitytype")).get(1));
    assertEquals(List.of(List.of("exact-match", "Movie", "NODE"), List.of("exact-match", "SEQUEL", "RELATIONSHIP"),
        List.of("full-text", "Movie", "NODE")), idx);
    assertEquals(List.of("Indices deleted: 1", "Cached execution: 0"), stats(list(cmd("GRAPH.QUERY", "g",
        "CALL db.idx.fulltext.drop('Movie')"))));
  }

  private static Object unwrapCompact(Object v) {
    if (v instanceof List<?> l) {
      return l.stream().map(x -> x instanceof List<?> p && p.size() == 2 ? p.get(1) : x).toList();
    }
    return v;
  }

  @Test
  void explainProfileConfigSlowlog() {
    cmd("GRAPH.QUERY", "g", "CREATE (:A {v: 1})");
    assertEquals(List.of("Results", "    Project", "        Node By Label Scan | (a:A)"),
        cmd("GRAPH.EXPLAIN", "g", "MATCH (a:A) RETURN a.v"));
    cmd("GRAPH.QUERY", "g", "CREATE INDEX FOR (a:A) ON (a.v)");
    assertEquals(List.of("Results", "    Project", "        Node By Index Scan | (a:A)"),
        cmd("GRAPH.EXPLAIN", "g", "MATCH (a:A {v: 1}) RETURN a.v"));
    List<?> prof = list(cmd("GRAPH.PROFILE", "g", "MATCH (a:A) RETURN a.v"));
    assertTrue(((String) prof.get(0)).contains("Records produced: 1"), prof.toString());

    assertEquals(List.of("TIMEOUT", 0L), cmd("GRAPH.CONFIG", "GET", "TIMEOUT"));
    assertEquals("OK", cmd("GRAPH.CONFIG", "SET", "RESULTSET_SIZE", "2"));
    assertEquals(2, list(list(cmd("GRAPH.QUERY", "g", "UNWIND range(1, 5) AS x RETURN x")).get(1)).size());
    assertEquals("OK", cmd("GRAPH.CONFIG", "SET", "RESULTSET_SIZE", "-1"));
    assertEquals("This configuration parameter cannot be set at run-time", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.CONFIG", "SET", "THREAD_COUNT", "2")).getMessage());
    assertEquals("Unknown configuration field", assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.CONFIG", "GET", "NOPE")).getMessage());
    assertTrue(list(cmd("GRAPH.CONFIG", "GET", "*")).size() >= 10);

    List<?> slow = list(cmd("GRAPH.SLOWLOG", "g"));
    assertTrue(!slow.isEmpty());
    List<?> entry = list(slow.get(0));
    assertEquals(4, entry.size());
    assertEquals("OK", cmd("GRAPH.SLOWLOG", "g", "RESET"));
    assertEquals(List.of(), cmd("GRAPH.SLOWLOG", "g"));
  }

  @Test
  void resp3RepliesKeepTheirShape() {
    cmd("GRAPH.QUERY", "g", "CREATE (:A {v: 1.25})");
    try (Jedis j3 = new Jedis("127.0.0.1", server.port(), 10_000)) {
      j3.sendCommand(() -> "HELLO".getBytes(), "3");
      Object r = GraphServer.text(j3.sendCommand(() -> "GRAPH.QUERY".getBytes(), "g", "MATCH (a:A) RETURN a.v, null"));
      List<?> rows = list(list(r).get(1));
      assertEquals("1.25", list(rows.get(0)).get(0));
      assertNull(list(rows.get(0)).get(1));
    }
  }

  @Test
  void constraintsThroughTheCommand() {
    cmd("GRAPH.QUERY", "c", "CREATE (:User {id: 1, name: 'a'})");
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.CONSTRAINT", "CREATE", "c", "UNIQUE", "NODE", "User", "PROPERTIES", "1", "id"));
    assertEquals("missing supporting exact-match index", e.getMessage());
    cmd("GRAPH.QUERY", "c", "CREATE INDEX FOR (u:User) ON (u.id)");
    assertEquals("PENDING", cmd("GRAPH.CONSTRAINT", "CREATE", "c", "UNIQUE", "NODE", "User", "PROPERTIES", "1", "id"));
    assertEquals("PENDING", cmd("GRAPH.CONSTRAINT", "CREATE", "c", "MANDATORY", "NODE", "User", "PROPERTIES", "1",
        "name"));
    e = assertThrows(JedisDataException.class,
        () -> cmd("GRAPH.CONSTRAINT", "CREATE", "c", "UNIQUE", "NODE", "User", "PROPERTIES", "1", "id"));
    assertEquals("Constraint already exists", e.getMessage());
    e = assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "c", "CREATE (:User {id: 1, name: 'b'})"));
    assertEquals("unique constraint violation on node of type User", e.getMessage());
    e = assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "c", "CREATE (:User {id: 2})"));
    assertEquals("mandatory constraint violation: node with label User missing property name", e.getMessage());
    assertEquals(1L, list(list(list(cmd("GRAPH.RO_QUERY", "c", "MATCH (u:User) RETURN count(u)")).get(1)).get(0))
        .get(0), "the failed writes left nothing behind");
    List<?> cons = list(list(cmd("GRAPH.RO_QUERY", "c", "CALL db.constraints() YIELD type, status RETURN type,"
        + " status")).get(1));
    assertEquals(List.of(List.of("UNIQUE", "OPERATIONAL"), List.of("MANDATORY", "OPERATIONAL")), cons);
    // the constraints survive DUMP/RESTORE (the RDB form)
    byte[] dump = jedis.dump("c");
    jedis.restore("c2", 0, dump);
    e = assertThrows(JedisDataException.class, () -> cmd("GRAPH.QUERY", "c2", "CREATE (:User {id: 1, name: 'b'})"));
    assertEquals("unique constraint violation on node of type User", e.getMessage());
    assertEquals("OK", cmd("GRAPH.CONSTRAINT", "DROP", "c", "MANDATORY", "NODE", "User", "PROPERTIES", "1", "name"));
    cmd("GRAPH.QUERY", "c", "CREATE (:User {id: 2})");
  }

  @Test
  void pointsAndTemporalValuesInReplies() {
    List<?> r = list(cmd("GRAPH.QUERY", "t", "RETURN point({latitude: 32.5, longitude: 34.25}),"
        + " date('2015-07-21') + duration('P1M'), duration.between(date('2015-01-01'), date('2015-03-02'))",
        "--compact"));
    List<?> row = list(list(r.get(1)).get(0));
    assertEquals(List.of(11L, List.of("32.5", "34.25")), row.get(0), "points are compact type 11");
    assertEquals(List.of(2L, "2015-08-21"), row.get(1), "temporal values go as their ISO text");
    assertEquals(List.of(2L, "P2M1D"), row.get(2));
    r = list(cmd("GRAPH.QUERY", "t", "CREATE (:E {at: datetime('2015-07-21T21:40:32.142+01:00')})"));
    r = list(cmd("GRAPH.RO_QUERY", "t", "MATCH (e:E) RETURN e.at.hour, toString(e.at)"));
    assertEquals(List.of(21L, "2015-07-21T21:40:32.142+01:00"), list(r.get(1)).get(0));
  }
}
