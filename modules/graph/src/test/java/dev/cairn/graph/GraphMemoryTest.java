package dev.cairn.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Heap bytes per node and per edge of the column store, measured (not estimated) and bounded. */
class GraphMemoryTest {
  private static long used() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void bytesPerNodeAndEdge() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    Random random = new Random(seed);
    int nodes = 50_000;
    int edges = 500_000;
    long base = used();
    Graph g = new Graph();
    int label = g.labels.intern("Person");
    for (int i = 0; i < nodes; i++) {
      g.addLabel(g.createNode(), label);
    }
    long afterNodes = used();
    int type = g.types.intern("KNOWS");
    for (int i = 0; i < edges; i++) {
      g.createEdge(random.nextInt(nodes), random.nextInt(nodes), type);
    }
    long afterEdges = used();
    double perNode = (afterNodes - base) / (double) nodes;
    double perEdge = (afterEdges - afterNodes) / (double) edges;
    System.out.printf("graph memory (seed %d): %.1f bytes per labelled node without properties, %.1f bytes per"
        + " edge without properties (%d nodes, %d edges)%n", seed, perNode, perEdge, nodes, edges);
    assertTrue(perNode < 200, "bytes per node " + perNode);
    assertTrue(perEdge < 64, "bytes per edge " + perEdge);
    assertTrue(g.edgeCount() == edges);
  }
}
