package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queries that failed or misbehaved before: EXISTS subqueries without RETURN, label scans while writing. */
class GraphQueryFixesTest {
  private static List<List<Object>> rows(Graph g, String q) {
    return Executor.run(g, q, Map.of(), 0, false).rows();
  }

  @Test
  void existsSubqueryWithoutReturn() {
    Graph g = new Graph();
    rows(g, "CREATE (:P {n: 'a'})-[:K]->(:P {n: 'b'}), (:P {n: 'c'})");
    assertEquals(List.of(List.of("a")), rows(g, "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q) } RETURN p.n"));
    assertEquals(List.of(List.of("a")), rows(g, "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q) WHERE q.n = 'b' }"
        + " RETURN p.n"));
    assertEquals(List.of(List.of("b"), List.of("c")), rows(g, "MATCH (p:P) WHERE NOT EXISTS { MATCH (p)-->() }"
        + " RETURN p.n ORDER BY p.n"));
    assertEquals(List.of(List.of("a")), rows(g, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) WITH q WHERE q.n = 'b' }"
        + " RETURN p.n"));
    assertEquals(List.of(List.of("a")), rows(g, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) RETURN q } RETURN p.n"));
    // a top-level query still may not end with MATCH
    assertEquals("SyntaxError", assertThrows(CypherException.class, () -> rows(g, "MATCH (p)")).kind);
  }

  @Test
  void variableTypeConflictsInPatterns() {
    Graph g = new Graph();
    for (String p : List.of("()-[r]-(r)", "(s)-[r]-(t), (r)-[]-(t)", "r = ()-[]-(), (r)", "(a)-[r*]-(b), (r)")) {
      CypherException e = assertThrows(CypherException.class, () -> rows(g, "MATCH " + p + " RETURN r"), p);
      assertEquals("SyntaxError", e.kind, p);
    }
    assertEquals("The alias 'r' was specified for both a relationship and a node.", assertThrows(
        CypherException.class, () -> rows(g, "MATCH ()-[r]-(), (r) RETURN r")).getMessage());
    // a bound variable used again as its own kind is fine
    rows(g, "CREATE (:A)-[:T]->(:B)");
    assertEquals(List.of(List.of(1L)), rows(g, "MATCH (a)-[r]->(b) MATCH (b)<-[r]-(a) RETURN count(r)"));
    assertEquals(List.of(List.of(1L)), rows(g, "MATCH (a:A) MATCH (a)-->(b) RETURN count(b)"));
  }

  @Test
  void labelScansSeeWritesOfEarlierRows() {
    Graph g = new Graph();
    rows(g, "UNWIND range(1, 5) AS i MERGE (n:X {k: i % 2})");
    assertEquals(List.of(List.of(2L)), rows(g, "MATCH (n:X) RETURN count(n)"));
    rows(g, "UNWIND range(1, 3) AS i MERGE (n {k: i % 2})"); // no label: the all-node scan
    assertEquals(List.of(List.of(2L)), rows(g, "MATCH (n) RETURN count(n)"));
    rows(g, "MATCH (n:X) CREATE (:X {k: n.k + 10})"); // the scan ends before CREATE runs
    assertEquals(List.of(List.of(4L)), rows(g, "MATCH (n:X) RETURN count(n)"));
  }

  @Test
  void reduceFoldsAList() {
    Graph g = new Graph();
    assertEquals(List.of(List.of(15L)), rows(g, "RETURN reduce(sum = 0, x IN [1, 2, 3, 4, 5] | sum + x)"));
    assertEquals(List.of(List.of("abc")), rows(g, "RETURN reduce(s = '', x IN ['a', 'b', 'c'] | s + x)"));
    assertEquals(List.of(List.of(7L)), rows(g, "RETURN reduce(acc = 7, x IN [] | acc + x)"));
    assertEquals(java.util.Collections.singletonList(null), rows(g, "RETURN reduce(acc = 0, x IN null | acc + x)")
        .get(0));
    rows(g, "CREATE (:P {w: 2})-[:K {d: 3}]->(:P {w: 5})-[:K {d: 4}]->(:P {w: 1})");
    assertEquals(List.of(List.of(7L, 8L)), rows(g, "MATCH p = (:P {w: 2})-[:K*]->(:P {w: 1})"
        + " RETURN reduce(t = 0, r IN relationships(p) | t + r.d), reduce(t = 0, n IN nodes(p) | t + n.w)"));
    // the outer scope is seen; the fold's variables end with it; reduce stays a usable name
    assertEquals(List.of(List.of(16L)), rows(g, "WITH 10 AS base RETURN reduce(a = base, x IN [1, 2, 3] | a + x)"));
    assertEquals("'x' not defined", assertThrows(CypherException.class,
        () -> rows(g, "RETURN reduce(a = 0, x IN [1] | a + x) AS r, x")).getMessage());
    assertEquals(List.of(List.of(1L)), rows(g, "WITH 1 AS reduce RETURN reduce"));
    assertEquals("Type mismatch: expected List but was Integer", assertThrows(CypherException.class,
        () -> rows(g, "RETURN reduce(a = 0, x IN 5 | a + x)")).getMessage());
  }
}
