package dev.cairn.graph;

import dev.cairn.graph.Procedures.Proc;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.Values.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RedisGraph's algo.* procedures: algo.pageRank, algo.BFS, algo.SPpaths, algo.SSpaths. */
final class Algorithms {
  private Algorithms() {}

  static void register(Map<String, Proc> registry) {
    registry.put("algo.pagerank", new Proc(List.of("label", "relationshipType"), List.of("node", "score"),
        (c, a) -> pageRank(c, a.get(0), a.get(1))));
    registry.put("algo.bfs", new Proc(List.of("source", "max_level", "relationship_type"), List.of("nodes", "edges"),
        (c, a) -> bfs(c, a.get(0), a.get(1), a.get(2))));
    registry.put("algo.sppaths", new Proc(List.of("config"), List.of("path", "pathWeight", "pathCost"),
        (c, a) -> paths(c, a.get(0), true)));
    registry.put("algo.sspaths", new Proc(List.of("config"), List.of("path", "pathWeight", "pathCost"),
        (c, a) -> paths(c, a.get(0), false)));
  }

  private static int typeId(Ctx c, Object t, String what) {
    if (t == null) {
      return -1;
    }
    if (!(t instanceof String s)) {
      throw CypherException.typeMismatch("String or Null", t);
    }
    int id = c.graph.types.id(s);
    return id < 0 ? -2 : id; // -2: a type no edge has
  }

  /**
   * PageRank as RedisGraph computes it (the GAP benchmark's form): damping 0.85, start 1/n, iterate until the
   * scores move less than 1e-4 in total (at most 100 rounds), over the nodes of the label (all when null) and the
   * edges of the type between them.
   */
  static List<Map<String, Object>> pageRank(Ctx c, Object label, Object relType) {
    Graph g = c.graph;
    BitSet nodes;
    if (label == null) {
      nodes = g.nodesAlive();
    } else if (label instanceof String s) {
      nodes = g.labels.id(s) < 0 ? new BitSet() : g.nodesWithLabel(g.labels.id(s));
    } else {
      throw CypherException.typeMismatch("String or Null", label);
    }
    int type = typeId(c, relType, "relationship type");
    int n = nodes.cardinality();
    List<Map<String, Object>> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    int[] ids = nodes.stream().toArray();
    Map<Integer, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(ids[i], i);
    }
    int[] outDeg = new int[n];
    List<int[]> edges = new ArrayList<>(); // {from index, to index}
    for (int i = 0; i < n; i++) {
      int[] es = g.outEdges(ids[i]);
      int len = g.outDegree(ids[i]);
      for (int k = 0; k < len; k++) {
        int e = es[k];
        if (type == -2 || (type >= 0 && g.type(e) != type)) {
          continue;
        }
        Integer j = index.get(g.dst(e));
        if (j != null) {
          edges.add(new int[] {i, j});
          outDeg[i]++;
        }
      }
    }
    double d = 0.85;
    double base = (1 - d) / n;
    double[] score = new double[n];
    java.util.Arrays.fill(score, 1.0 / n);
    double[] next = new double[n];
    for (int round = 0; round < 100; round++) {
      c.tick();
      java.util.Arrays.fill(next, 0);
      for (int[] e : edges) {
        next[e[1]] += score[e[0]] / outDeg[e[0]];
      }
      double change = 0;
      for (int i = 0; i < n; i++) {
        double s = base + d * next[i];
        change += Math.abs(s - score[i]);
        score[i] = s;
      }
      if (change < 1e-4) {
        break;
      }
    }
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = new HashMap<>();
      r.put("node", new Node(ids[i]));
      r.put("score", score[i]);
      out.add(r);
    }
    return out;
  }

  /** algo.BFS(source, max_level, relationship_type): the nodes reached (source excluded) and the edges used. */
  static List<Map<String, Object>> bfs(Ctx c, Object source, Object maxLevel, Object relType) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (source == null) {
      return out;
    }
    if (!(source instanceof Node src)) {
      throw CypherException.typeMismatch("Node", source);
    }
    long max = maxLevel == null ? 0 : maxLevel instanceof Long l ? l : (long) Arith.num(maxLevel);
    int type = typeId(c, relType, "relationship type");
    Graph g = c.graph;
    BitSet seen = new BitSet();
    seen.set(src.id());
    List<Object> nodes = new ArrayList<>();
    List<Object> edges = new ArrayList<>();
    ArrayDeque<Integer> frontier = new ArrayDeque<>(List.of(src.id()));
    for (long level = 1; !frontier.isEmpty() && (max <= 0 || level <= max); level++) {
      ArrayDeque<Integer> nextLevel = new ArrayDeque<>();
      for (int u : frontier) {
        int[] es = g.outEdges(u);
        int len = g.outDegree(u);
        for (int k = 0; k < len; k++) {
          c.tick();
          int e = es[k];
          if (type == -2 || (type >= 0 && g.type(e) != type)) {
            continue;
          }
          int v = g.dst(e);
          if (!seen.get(v)) {
            seen.set(v);
            nodes.add(new Node(v));
            edges.add(new Edge(e));
            nextLevel.add(v);
          }
        }
      }
      frontier = nextLevel;
    }
    Map<String, Object> r = new HashMap<>();
    r.put("nodes", nodes);
    r.put("edges", edges);
    out.add(r);
    return out;
  }

  private record Found(List<Integer> nodes, List<Integer> edges, double weight, double cost) {}

  /**
   * algo.SPpaths / algo.SSpaths: simple paths from sourceNode (to targetNode for SPpaths) along relTypes in
   * relDirection, at most maxLen edges and maxCost cost, ordered by weight; pathCount 0 keeps every path of the
   * least weight, 1 (the default) one of them, n the n lightest.
   */
  static List<Map<String, Object>> paths(Ctx c, Object config, boolean pair) {
    if (!(config instanceof Map<?, ?> m)) {
      throw CypherException.typeMismatch("Map", config);
    }
    String proc = pair ? "algo.SPpaths" : "algo.SSpaths";
    if (!(m.get("sourceNode") instanceof Node src)) {
      throw CypherException.argument(proc + ": sourceNode is required and must be a node");
    }
    Node dst = null;
    if (pair) {
      if (!(m.get("targetNode") instanceof Node t)) {
        throw CypherException.argument(proc + ": targetNode is required and must be a node");
      }
      dst = t;
    }
    Graph g = c.graph;
    List<Integer> types = null;
    if (m.get("relTypes") instanceof List<?> l) {
      types = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof String s)) {
          throw CypherException.argument(proc + ": relTypes must be a list of strings");
        }
        types.add(g.types.id(s));
      }
    }
    String dir = m.get("relDirection") instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : "outgoing";
    if (!dir.equals("outgoing") && !dir.equals("incoming") && !dir.equals("both")) {
      throw CypherException.argument(proc + ": relDirection must be 'incoming', 'outgoing' or 'both'");
    }
    long maxLen = m.get("maxLen") instanceof Number x ? x.longValue() : Long.MAX_VALUE;
    double maxCost = m.get("maxCost") instanceof Number x ? x.doubleValue() : Double.POSITIVE_INFINITY;
    long pathCount = m.get("pathCount") instanceof Number x ? x.longValue() : 1;
    int weightKey = m.get("weightProp") instanceof String s ? g.keys.id(s) : -1;
    int costKey = m.get("costProp") instanceof String s ? g.keys.id(s) : -1;
    boolean weighted = m.get("weightProp") != null;
    boolean costed = m.get("costProp") != null;
    List<Found> found = new ArrayList<>();
    List<Integer> pathNodes = new ArrayList<>(List.of(src.id()));
    List<Integer> pathEdges = new ArrayList<>();
    BitSet onPath = new BitSet();
    onPath.set(src.id());
    walk(c, g, src.id(), dst == null ? -1 : dst.id(), types, dir, maxLen, maxCost, weighted, weightKey, costed,
        costKey, pathNodes, pathEdges, onPath, 0, 0, found);
    found.sort(Comparator.comparingDouble(Found::weight));
    List<Found> keep = new ArrayList<>();
    if (pathCount == 0) {
      for (Found f : found) {
        if (f.weight() == found.get(0).weight()) {
          keep.add(f);
        }
      }
    } else {
      keep = found.subList(0, (int) Math.min(pathCount, found.size()));
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Found f : keep) {
      List<Node> ns = new ArrayList<>();
      f.nodes().forEach(n -> ns.add(new Node(n)));
      List<Edge> es = new ArrayList<>();
      f.edges().forEach(e -> es.add(new Edge(e)));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("path", new Path(ns, es));
      r.put("pathWeight", number(f.weight()));
      r.put("pathCost", number(f.cost()));
      out.add(r);
    }
    return out;
  }

  private static Object number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
  }

  private static double edgeValue(Graph g, int e, boolean set, int key) {
    if (!set) {
      return 1;
    }
    Object v = key < 0 ? null : g.prop(false, e, key);
    return v instanceof Number n ? n.doubleValue() : 1;
  }

  private static void walk(Ctx c, Graph g, int at, int target, List<Integer> types, String dir, long maxLen,
      double maxCost, boolean weighted, int weightKey, boolean costed, int costKey, List<Integer> nodes,
      List<Integer> edges, BitSet onPath, double weight, double cost, List<Found> found) {
    c.tick();
    if (target < 0 ? !edges.isEmpty() : at == target) {
      found.add(new Found(new ArrayList<>(nodes), new ArrayList<>(edges), weight, cost));
      if (target >= 0) {
        return;
      }
    }
    if (edges.size() >= maxLen) {
      return;
    }
    for (int pass = 0; pass < 2; pass++) {
      boolean out = pass == 0;
      if (out ? dir.equals("incoming") : dir.equals("outgoing")) {
        continue;
      }
      int[] es = out ? g.outEdges(at) : g.inEdges(at);
      int len = out ? g.outDegree(at) : g.inDegree(at);
      for (int k = 0; k < len; k++) {
        int e = es[k];
        if (types != null && !types.contains(g.type(e))) {
          continue;
        }
        int next = out ? g.dst(e) : g.src(e);
        if (onPath.get(next)) {
          continue;
        }
        double ec = cost + edgeValue(g, e, costed, costKey);
        if (ec > maxCost) {
          continue;
        }
        nodes.add(next);
        edges.add(e);
        onPath.set(next);
        walk(c, g, next, target, types, dir, maxLen, maxCost, weighted, weightKey, costed, costKey, nodes, edges,
            onPath, weight + edgeValue(g, e, weighted, weightKey), ec, found);
        onPath.clear(next);
        nodes.remove(nodes.size() - 1);
        edges.remove(edges.size() - 1);
      }
    }
  }
}
