package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Points, distance and the algo.* procedures, run in process. */
class GraphProceduresTest {
  private static List<List<Object>> rows(Graph g, String q) {
    return Executor.run(g, q, Map.of(), 0, false).rows();
  }

  private static Object one(Graph g, String q) {
    return rows(g, q).get(0).get(0);
  }

  @Test
  void pointsAndDistance() {
    Graph g = new Graph();
    assertEquals(32.0705767, one(g, "RETURN point({latitude: 32.0705767, longitude: 34.8185946}).latitude"));
    // RedisGraph's haversine (earth radius 6378140 m, single precision): Tel Aviv to Jerusalem
    double d = (Double) one(g, "RETURN distance(point({latitude: 32.0853, longitude: 34.7818}),"
        + " point({latitude: 31.7683, longitude: 35.2137}))");
    assertTrue(Math.abs(d - 54_000) < 1_000, "distance " + d);
    assertEquals(0.0, one(g, "WITH point({latitude: 1, longitude: 2}) AS p RETURN distance(p, p)"));
    assertEquals(null, one(g, "RETURN distance(null, point({latitude: 1, longitude: 2}))"));
    rows(g, "CREATE (:City {name: 'a', loc: point({latitude: 10, longitude: 20})})");
    assertEquals(List.of(10.0, 20.0), rows(g, "MATCH (c:City) RETURN c.loc.latitude, c.loc.longitude").get(0));
    assertEquals(true, one(g, "MATCH (c:City) RETURN c.loc = point({latitude: 10, longitude: 20})"));
    assertEquals("Point", one(g, "RETURN typeOf(point({latitude: 1, longitude: 2}))"));
    CypherException e = assertThrows(CypherException.class,
        () -> rows(g, "RETURN point({latitude: 91, longitude: 0})"));
    assertEquals("latitude should be within the -90 to 90 range", e.getMessage());
    e = assertThrows(CypherException.class, () -> rows(g, "RETURN point({longitude: 0})"));
    assertEquals("Did not find 'latitude' value in point map", e.getMessage());
  }

  @Test
  void pageRank() {
    Graph g = new Graph();
    rows(g, "CREATE (a:P {n: 'a'}), (b:P {n: 'b'}), (c:P {n: 'c'}), (d:Q {n: 'd'}),"
        + " (a)-[:L]->(b), (b)-[:L]->(c), (c)-[:L]->(a), (a)-[:L]->(c), (d)-[:L]->(c)");
    List<List<Object>> r = rows(g, "CALL algo.pageRank('P', 'L') YIELD node, score"
        + " RETURN node.n, score ORDER BY score DESC");
    assertEquals(3, r.size());
    assertEquals("c", r.get(0).get(0)); // two in-links within P
    double sum = 0;
    for (List<Object> row : r) {
      sum += (Double) row.get(1);
    }
    assertEquals(1.0, sum, 1e-3);
    assertEquals(4, rows(g, "CALL algo.pageRank(null, null) YIELD node RETURN node").size());
    assertEquals(0, rows(g, "CALL algo.pageRank('Nope', null) YIELD node RETURN node").size());
  }

  @Test
  void bfs() {
    Graph g = new Graph();
    rows(g, "CREATE (a {n: 1})-[:R]->(b {n: 2})-[:R]->(c {n: 3})-[:S]->(d {n: 4}), (a)-[:S]->(e {n: 5})");
    assertEquals(List.of(2L, 5L, 3L, 4L), one(g, "MATCH (a {n: 1}) CALL algo.BFS(a, 0, null)"
        + " YIELD nodes RETURN [x IN nodes | x.n]"));
    assertEquals(List.of(List.of(2L, 3L), 2L), rows(g, "MATCH (a {n: 1}) CALL algo.BFS(a, 0, 'R')"
        + " YIELD nodes, edges RETURN [x IN nodes | x.n], size(edges)").get(0));
    assertEquals(List.of(2L, 5L), one(g, "MATCH (a {n: 1}) CALL algo.BFS(a, 1, null)"
        + " YIELD nodes RETURN [x IN nodes | x.n]"));
  }

  @Test
  void shortestPaths() {
    Graph g = new Graph();
    rows(g, "CREATE (a:C {n: 'A'}), (b:C {n: 'B'}), (c:C {n: 'C'}), (d:C {n: 'D'}),"
        + " (a)-[:Road {dist: 4, time: 1}]->(b), (b)-[:Road {dist: 4, time: 1}]->(d),"
        + " (a)-[:Road {dist: 3, time: 5}]->(c), (c)-[:Road {dist: 3, time: 5}]->(d), (a)-[:Road {dist: 10, time: 1}]->(d)");
    String sp = "MATCH (a {n: 'A'}), (d {n: 'D'}) CALL algo.SPpaths({sourceNode: a, targetNode: d, relTypes: ['Road'],"
        + " weightProp: 'dist'%s}) YIELD path, pathWeight, pathCost RETURN [x IN nodes(path) | x.n], pathWeight, pathCost"
        + " ORDER BY pathWeight";
    assertEquals(List.of(List.of(List.of("A", "C", "D"), 6L, 2L)), rows(g, String.format(sp, "")));
    assertEquals(List.of(List.of(List.of("A", "B", "D"), 8L, 2L)),
        rows(g, String.format(sp, ", costProp: 'time', maxCost: 4")));
    assertEquals(3, rows(g, String.format(sp, ", pathCount: 5")).size());
    assertEquals(List.of(List.of(List.of("A", "D"), 10L, 1L)), rows(g, String.format(sp, ", maxLen: 1")));
    List<List<Object>> ss = rows(g, "MATCH (a {n: 'A'}) CALL algo.SSpaths({sourceNode: a, relTypes: ['Road'],"
        + " weightProp: 'dist', pathCount: 0}) YIELD path, pathWeight RETURN [x IN nodes(path) | x.n], pathWeight");
    assertEquals(List.of(List.of(List.of("A", "C"), 3L)), ss);
    assertEquals(2, rows(g, "MATCH (d {n: 'D'}) CALL algo.SSpaths({sourceNode: d, relDirection: 'incoming',"
        + " maxLen: 1, pathCount: 10}) YIELD path RETURN path").size() - 1);
  }

  @Test
  void constraints() {
    Graph g = new Graph();
    rows(g, "CREATE (:Person {name: 'Ann', id: 1}), (:Person {name: 'Bob', id: 2})");
    CypherException e = assertThrows(CypherException.class,
        () -> Constraints.create(g, true, true, "Person", List.of("id")));
    assertEquals("missing supporting exact-match index", e.getMessage());
    rows(g, "CREATE INDEX FOR (p:Person) ON (p.id)");
    Constraints.create(g, true, true, "Person", List.of("id"));
    Constraints.create(g, false, true, "Person", List.of("name"));
    Constraints.create(g, false, false, "KNOWS", List.of("since"));
    assertEquals(List.of(List.of("UNIQUE", "Person", List.of("id"), "NODE", "OPERATIONAL"),
        List.of("MANDATORY", "Person", List.of("name"), "NODE", "OPERATIONAL"),
        List.of("MANDATORY", "KNOWS", List.of("since"), "RELATIONSHIP", "OPERATIONAL")),
        rows(g, "CALL db.constraints()"));
    e = assertThrows(CypherException.class, () -> rows(g, "CREATE (:Person {name: 'Cy', id: 1})"));
    assertEquals("unique constraint violation on node of type Person", e.getMessage());
    e = assertThrows(CypherException.class, () -> rows(g, "CREATE (:Person {id: 3})"));
    assertEquals("mandatory constraint violation: node with label Person missing property name", e.getMessage());
    e = assertThrows(CypherException.class, () -> rows(g, "MATCH (p:Person {id: 2}) SET p.id = 1"));
    assertEquals("unique constraint violation on node of type Person", e.getMessage());
    assertThrows(CypherException.class, () -> rows(g, "MATCH (p:Person {id: 2}) REMOVE p.name"));
    assertThrows(CypherException.class, () -> rows(g, "CREATE (n {id: 2, name: 'x'}) SET n:Person"));
    e = assertThrows(CypherException.class,
        () -> rows(g, "MATCH (a {id: 1}), (b {id: 2}) CREATE (a)-[:KNOWS]->(b)"));
    assertEquals("mandatory constraint violation: edge with relationship-type KNOWS missing property since",
        e.getMessage());
    rows(g, "MATCH (a {id: 1}), (b {id: 2}) CREATE (a)-[:KNOWS {since: 2020}]->(b)");
    rows(g, "MATCH (p:Person {id: 2}) SET p.id = 3, p.name = 'Bo'");
    rows(g, "CREATE (:Person {name: 'Cy', id: [1]})"); // arrays are not governed by unique constraints
    assertEquals(2L, one(g, "MATCH (p:Person) WHERE p.id = 1 OR p.id = 3 RETURN count(p)"));
    assertThrows(CypherException.class, () -> rows(g, "DROP INDEX ON :Person(id)"));
    // created over data that violates it: FAILED, not enforced
    rows(g, "CREATE (:Dup {v: 1}), (:Dup {v: 1})");
    rows(g, "CREATE INDEX FOR (d:Dup) ON (d.v)");
    Constraints.create(g, true, true, "Dup", List.of("v"));
    assertEquals("FAILED", one(g, "CALL db.constraints() YIELD label, status WHERE label = 'Dup' RETURN status"));
    rows(g, "CREATE (:Dup {v: 1})");
    // the procedure form (the AOF rewrite's) is a write
    Executor.Result r = Executor.run(g, "CALL db.createConstraint('MANDATORY', 'NODE', 'Dup', ['v'])", Map.of(), 0,
        false);
    assertTrue(r.stats().wrote());
    assertThrows(CypherException.class, () -> Executor.run(g, "CALL db.createConstraint('MANDATORY', 'NODE', 'X',"
        + " ['v'])", Map.of(), 0, true));
  }

  /** UNIQUE and MANDATORY on relationships, the cases of RedisGraph 2.12's own constraint tests for edges. */
  @Test
  void relationshipConstraints() {
    Graph g = new Graph();
    for (String p : List.of("{name: 'Mike', age: 10, height: 180}", "{name: 'Tim', age: 20, height: 190}",
        "{name: 'Rick', age: 30, height: 200}", "{name: 'Andrew', age: 36, height: 173}")) {
      rows(g, "CREATE ()-[:Person " + p + "]->()");
    }
    CypherException e = assertThrows(CypherException.class,
        () -> Constraints.create(g, true, false, "Person", List.of("height")));
    assertEquals("missing supporting exact-match index", e.getMessage());
    rows(g, "CREATE INDEX FOR ()-[e:Person]-() ON (e.height, e.name, e.age)");
    Constraints.create(g, false, false, "Person", List.of("height"));
    Constraints.create(g, true, false, "Person", List.of("height"));
    Constraints.create(g, true, false, "Person", List.of("name", "age"));
    assertEquals(List.of(List.of("MANDATORY", "Person", List.of("height"), "RELATIONSHIP", "OPERATIONAL"),
        List.of("UNIQUE", "Person", List.of("height"), "RELATIONSHIP", "OPERATIONAL"),
        List.of("UNIQUE", "Person", List.of("name", "age"), "RELATIONSHIP", "OPERATIONAL")),
        rows(g, "CALL db.constraints()"));
    List<List<Object>> before = rows(g, "MATCH ()-[e]->() RETURN e.name, e.age, e.height ORDER BY id(e)");
    String mandatory = "mandatory constraint violation: edge with relationship-type Person missing property height";
    String unique = "unique constraint violation, on edge of relationship-type Person";
    Map<String, String> violations = new java.util.LinkedHashMap<>();
    violations.put("CREATE ()-[:Person]->()", mandatory);
    violations.put("MATCH ()-[e:Person]->() CREATE ()-[:Person {height: e.height}]->()", unique);
    violations.put("MATCH ()-[e:Person]->() CREATE ()-[:Person {height: rand(), name: e.name, age: e.age}]->()",
        unique);
    violations.put("MATCH ()-[e:Person]->() SET e.height = NULL", mandatory);
    violations.put("MATCH ()-[a:Person]->(), ()-[b:Person]->() WHERE a <> b SET a.height = b.height", unique);
    violations.put("MATCH ()-[a:Person]->(), ()-[b:Person]->() WHERE a <> b SET a.name = b.name, a.age = b.age",
        unique);
    violations.put("MERGE ()-[e:Person {name: 'Andrew'}]->() ON MATCH SET e.height = NULL", mandatory);
    violations.put("MERGE ()-[e:Person {height: 180}]->() ON MATCH SET e.height = 190", unique);
    violations.put("MERGE ()-[e:Person {name: 'Mike'}]->() ON MATCH SET e.age = 20, e.height = 190", unique);
    violations.put("MERGE ()-[e:Person {name: 'Dor', height: 187}]->() ON CREATE SET e.height = NULL", mandatory);
    violations.put("MERGE ()-[e:Person {name: 'Dor', height: 187}]->() ON CREATE SET e.height = 190", unique);
    violations.put("MERGE ()-[e:Person {name: 'Dor', height: 187}]->() ON CREATE SET e.age = 10, e.name = 'Mike'",
        unique);
    violations.put("MERGE ()-[e:Person {name: 'Dor'}]->()", mandatory);
    violations.put("MERGE ()-[e:Person {name: 'Dor', height: 180}]->()", unique);
    violations.forEach((q, msg) -> {
      CypherException x = assertThrows(CypherException.class, () -> rows(g, q), q);
      assertEquals(msg, x.getMessage(), q);
    });
    assertEquals(before, rows(g, "MATCH ()-[e]->() RETURN e.name, e.age, e.height ORDER BY id(e)"),
        "every refused query was undone");
    // another type, or values that differ, are not governed
    rows(g, "CREATE ()-[:Other {height: 180}]->(), ()-[:Person {name: 'Mike', age: 11, height: 181}]->()");
    assertEquals(6L, one(g, "MATCH ()-[e]->() RETURN count(e)"));
    // the supporting index cannot go while the constraint rests on it
    e = assertThrows(CypherException.class, () -> rows(g, "DROP INDEX FOR ()-[e:Person]-() ON (e.height)"));
    assertTrue(e.getMessage().contains("supports a unique constraint"), e.getMessage());
    // created over data that violates it: FAILED
    rows(g, "CREATE ()-[:Dup {v: 1}]->(), ()-[:Dup {v: 1}]->()");
    rows(g, "CREATE INDEX FOR ()-[d:Dup]-() ON (d.v)");
    Constraints.create(g, true, false, "Dup", List.of("v"));
    assertEquals("FAILED", one(g, "CALL db.constraints() YIELD label, status WHERE label = 'Dup' RETURN status"));
  }

  /** Every warm-up query runs without an error, so the warm-up covers what it names. */
  @Test
  void warmupQueriesRun() {
    Graph g = new Graph();
    for (String q : Warmup.QUERIES) {
      try {
        Executor.run(g, q, Map.of(), 0, false);
      } catch (CypherException e) {
        throw new AssertionError(q + ": " + e.getMessage(), e);
      }
    }
  }
}
