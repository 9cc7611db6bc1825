package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a bulk load and the benchmark's queries rely on: id allocation, the memory estimate, shortestPath. */
class GraphBulkTest {
  private static List<List<Object>> rows(Graph g, String q) {
    return Executor.run(g, q, Map.of(), 0, false).rows();
  }

  @Test
  void freedIdsAreReusedLowestFirstAfterDeletesAndRollbacks() {
    Graph g = new Graph();
    for (int i = 0; i < 6; i++) {
      assertEquals(i, g.createNode());
    }
    g.deleteNode(3);
    g.deleteNode(1);
    assertEquals(1, g.createNode());
    assertEquals(3, g.createNode());
    assertEquals(6, g.createNode());
    int e0 = g.createEdge(0, 2, 0);
    int e1 = g.createEdge(0, 2, 0);
    g.createEdge(0, 2, 0);
    g.deleteEdge(e0);
    assertEquals(e0, g.createEdge(2, 0, 0));
    g.deleteEdge(e1);
    // a failed query's creations are undone: their ids are free again, lowest first
    g.beginUndo();
    assertEquals(7, g.createNode());
    assertEquals(e1, g.createEdge(7, 0, 0));
    assertEquals(3, g.createEdge(7, 0, 0));
    g.rollback();
    assertEquals(7, g.createNode());
    assertEquals(e1, g.createEdge(7, 0, 0));
    assertEquals(3, g.createEdge(7, 0, 0));
  }

  @Test
  void memoryEstimateOfALargeGraphIsCloseToTheFullCount() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    Random random = new Random(seed);
    Graph g = new Graph();
    int n = Graph.MEMORY_SAMPLES * 8;
    int key = g.keys.intern("name");
    for (int i = 0; i < n; i++) {
      int id = g.createNode();
      g.setProp(true, id, key, "person-" + random.nextInt(1_000_000));
    }
    for (int i = 0; i < n * 4; i++) {
      int e = g.createEdge(random.nextInt(n), random.nextInt(n), 0);
      if (random.nextInt(4) == 0) {
        g.setProp(false, e, key, (long) i);
      }
    }
    long estimate = g.memoryUsage();
    long counted = g.memoryUsage(Integer.MAX_VALUE); // every entity measured, as before sampling
    assertTrue(Math.abs(estimate - counted) < counted * 0.05, "seed " + seed + ": estimate " + estimate
        + ", counted " + counted);
  }

  @Test
  void shortestPathIsOneOfAllShortestPaths() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int round = 0; round < 5; round++) {
      Graph g = new Graph();
      int n = 40 + random.nextInt(40);
      rows(g, "UNWIND range(0, " + (n - 1) + ") AS i CREATE (:P {i: i})");
      StringBuilder edges = new StringBuilder();
      for (int k = 0; k < n * 2; k++) {
        edges.append(k == 0 ? "" : ", ").append("[").append(random.nextInt(n)).append(", ")
            .append(random.nextInt(n)).append(", ").append(random.nextInt(3)).append("]");
      }
      rows(g, "UNWIND [" + edges + "] AS e MATCH (a:P {i: e[0]}), (b:P {i: e[1]})"
          + " FOREACH (x IN CASE WHEN e[2] = 0 THEN [1] ELSE [] END | CREATE (a)-[:T]->(b))"
          + " FOREACH (x IN CASE WHEN e[2] = 1 THEN [1] ELSE [] END | CREATE (a)-[:U]->(b))"
          + " FOREACH (x IN CASE WHEN e[2] = 2 THEN [1] ELSE [] END | CREATE (a)-[:T {w: 1}]->(b))");
      String[] rels = {"-[:T*]->", "<-[:T*]-", "-[*]-", "-[:T|U*..3]->", "-[:T* {w: 1}]-", "-[*1..4]->"};
      for (int q = 0; q < 40; q++) {
        int a = random.nextInt(n);
        int b = random.nextInt(n);
        if (a == b) {
          continue;
        }
        String rel = rels[random.nextInt(rels.length)];
        String match = "MATCH (a:P {i: " + a + "}), (b:P {i: " + b + "}) MATCH p = %s((a)" + rel + "(b))"
            + " RETURN [x IN nodes(p) | x.i], [r IN relationships(p) | id(r)]";
        List<List<Object>> one = rows(g, String.format(match, "shortestPath"));
        List<List<Object>> all = rows(g, String.format(match, "allShortestPaths"));
        String what = "seed " + seed + ": " + a + rel + b;
        assertEquals(all.isEmpty(), one.isEmpty(), what);
        if (!one.isEmpty()) {
          assertEquals(1, one.size(), what);
          List<Object> found = one.get(0);
          assertTrue(all.contains(found), what + " gave " + found + ", not one of " + all);
          assertEquals(((List<?>) all.get(0).get(0)).size(), ((List<?>) found.get(0)).size(), what);
        }
      }
    }
    // the benchmark's form, on a graph where the path is found from both ends
    Graph g = new Graph();
    rows(g, "UNWIND range(0, 999) AS i CREATE (:P {i: i})");
    rows(g, "UNWIND range(0, 999) AS i MATCH (a:P {i: i}), (b:P {i: (i + 1) % 1000}) CREATE (a)-[:K]->(b)");
    List<Object> r = rows(g, "MATCH (a:P {i: 10}), (b:P {i: 500}) MATCH p = shortestPath((a)-[:K*..1000]->(b))"
        + " RETURN length(p), [x IN nodes(p) | x.i][0..3]").get(0);
    assertEquals(List.of(490L, List.of(10L, 11L, 12L)), new ArrayList<>(r));
    assertTrue(rows(g, "MATCH (a:P {i: 10}), (b:P {i: 500}) MATCH p = shortestPath((a)-[:K*..489]->(b))"
        + " RETURN p").isEmpty());
  }
}
