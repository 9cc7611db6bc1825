package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A write query that fails leaves the graph exactly as it found it (RedisGraph's undo log). */
class GraphUndoTest {
  static List<List<Object>> rows(Graph g, String q) {
    return Executor.run(g, q, Map.of(), 0, false).rows();
  }

  /** Everything observable: names, ids, labels, properties, adjacency order, indexes, constraints, id marks. */
  static String dump(Graph g) {
    StringBuilder sb = new StringBuilder();
    sb.append(g.labels.all()).append(g.types.all()).append(g.keys.all()).append('\n');
    sb.append("high ").append(g.nodeHigh()).append(' ').append(g.edgeHigh()).append(" count ")
        .append(g.nodeCount()).append(' ').append(g.edgeCount()).append('\n');
    for (int n = 0; n < g.nodeHigh(); n++) {
      if (g.nodeExists(n)) {
        sb.append('(').append(n).append(Arrays.toString(g.labels(n))).append(Arrays.deepToString(g.props(true, n)))
            .append(" out ").append(Arrays.toString(Arrays.copyOf(g.outEdges(n), g.outDegree(n))))
            .append(" in ").append(Arrays.toString(Arrays.copyOf(g.inEdges(n), g.inDegree(n)))).append(")\n");
      }
    }
    for (int e = 0; e < g.edgeHigh(); e++) {
      if (g.edgeExists(e)) {
        sb.append('[').append(e).append(' ').append(g.src(e)).append("->").append(g.dst(e)).append(':')
            .append(g.type(e)).append(Arrays.deepToString(g.props(false, e))).append("]\n");
      }
    }
    for (int l = 0; l < g.labels.size(); l++) {
      sb.append("label ").append(l).append(' ').append(g.nodesWithLabel(l)).append('\n');
    }
    for (var l : new java.util.TreeMap<>(g.indexes).entrySet()) {
      for (var k : new java.util.TreeMap<>(l.getValue()).entrySet()) {
        java.util.TreeMap<String, String> m = new java.util.TreeMap<>();
        k.getValue().forEach((v, p) -> m.put(String.valueOf(v), Arrays.toString(p.toArray())));
        sb.append("index ").append(l.getKey()).append(' ').append(k.getKey()).append(' ').append(m).append('\n');
      }
    }
    sb.append("constraints ").append(g.constraints).append('\n');
    return sb.toString();
  }

  private static void failsUnchanged(Graph g, String q) {
    String before = dump(g);
    assertThrows(CypherException.class, () -> rows(g, q), q);
    assertEquals(before, dump(g), q);
  }

  @Test
  void failingWritesLeaveNothing() {
    Graph g = new Graph();
    rows(g, "CREATE INDEX FOR (p:P) ON (p.name)");
    rows(g, "CREATE (a:P {name: 'a', v: 1})-[:R {w: 1}]->(b:P:Q {name: 'b'}), (a)-[:R]->(b), (b)-[:S]->(a),"
        + " (c:P {name: 'c'})");
    rows(g, "MATCH (c {name: 'c'}) DELETE c"); // a hole in the ids
    failsUnchanged(g, "CREATE (:New {k: 1}) WITH 1 AS x RETURN 1 / 0");
    failsUnchanged(g, "MATCH (a:P {name: 'a'}) SET a.name = 'z', a.v = 2, a:L2 REMOVE a:P WITH a RETURN 1 / 0");
    failsUnchanged(g, "MATCH (b:Q) REMOVE b:P SET b.name = null WITH b RETURN 1 / 0");
    failsUnchanged(g, "MATCH (a:P {name: 'a'}) DETACH DELETE a WITH 1 AS x RETURN 1 / 0");
    failsUnchanged(g, "MATCH ()-[r:R]->() DELETE r WITH 1 AS x RETURN 1 / 0");
    failsUnchanged(g, "MATCH (a:P {name: 'a'}), (b:Q) CREATE (a)-[:T {q: 1}]->(b) CREATE (:P {name: 'n'})"
        + " WITH 1 AS x RETURN 1 / 0");
    failsUnchanged(g, "MERGE (m:M {k: 1}) ON CREATE SET m.x = 1 WITH m RETURN 1 / 0");
    failsUnchanged(g, "MATCH (n) SET n += {extra: [1, 2]} WITH n RETURN 1 / 0");
    failsUnchanged(g, "UNWIND range(1, 100) AS i CREATE (:Bulk {i: i}) WITH i WHERE i = 100 RETURN 1 / 0");
    // a runtime error in the middle of a clause: a's first property is set, its second divides by zero (DELETE of
    // a node with edges no longer fails: RedisGraph takes the edges with it)
    failsUnchanged(g, "MATCH (a:P {name: 'a'}) SET a.x = 5, a.v = 10 / (a.v - 1)");
    // the graph still works, its ids are reused as before
    rows(g, "CREATE (:P {name: 'd'})");
    assertEquals(List.of(List.of(2L)), rows(g, "MATCH (d:P {name: 'd'}) RETURN id(d)"));
    assertEquals(List.of(List.of("a", 1L)), rows(g, "MATCH (a:P {name: 'a'}) RETURN a.name, a.v"));
  }

  @Test
  void failingIndexAndConstraintChangesLeaveNothing() {
    Graph g = new Graph();
    rows(g, "CREATE (:P {name: 'a'})");
    rows(g, "CREATE INDEX FOR (p:P) ON (p.name)");
    failsUnchanged(g, "CREATE INDEX FOR (p:P) ON (p.other, p.name)"); // the second one exists
    failsUnchanged(g, "CALL db.createConstraint('UNIQUE', 'NODE', 'Z', ['q'])");
  }

  @Test
  void randomWritesThenFailure() {
    long seed = System.nanoTime();
    System.out.println("GraphUndoTest seed " + seed);
    Random rnd = new Random(seed);
    Graph g = new Graph();
    rows(g, "CREATE INDEX FOR (n:A) ON (n.v)");
    String[] writes = {
      "CREATE (:A {v: %d})", "CREATE (:B {v: %d, w: 'x'})", "MATCH (n:A) WHERE n.v %% 3 = %d %% 3 SET n.v = n.v + 1",
      "MATCH (a:A), (b:B) WHERE a.v %% 2 = %d %% 2 CREATE (a)-[:R {k: 1}]->(b)",
      "MATCH (n) WHERE id(n) %% 5 = %d %% 5 DETACH DELETE n", "MATCH ()-[r]->() WHERE id(r) %% 3 = %d %% 3 DELETE r",
      "MATCH (n:B) WHERE n.v %% 2 = %d %% 2 SET n:A REMOVE n:B", "MATCH (n:A) WHERE n.v = %d REMOVE n.v",
      "CREATE (:C%d)-[:T%d]->(:A {v: 1})"};
    for (int round = 0; round < 200; round++) {
      StringBuilder q = new StringBuilder();
      int k = 1 + rnd.nextInt(4);
      for (int i = 0; i < k; i++) {
        String w = writes[rnd.nextInt(writes.length)];
        int v = rnd.nextInt(10);
        q.append(i > 0 ? " WITH count(*) AS x" + i + " " : "").append(String.format(w, v, v));
      }
      if (rnd.nextBoolean()) {
        failsUnchanged(g, q + " WITH count(*) AS y RETURN 1 / 0");
      } else {
        rows(g, q.toString());
      }
    }
  }
}
