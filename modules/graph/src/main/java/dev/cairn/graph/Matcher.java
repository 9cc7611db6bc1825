package dev.cairn.graph;

import dev.cairn.graph.Plan.NodePat;
import dev.cairn.graph.Plan.PathPat;
import dev.cairn.graph.Plan.RelPat;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.Values.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Pattern matching by backtracking: each pattern part is walked from a start node (a bound variable, an index hit,
 * a label scan or all nodes), relationship by relationship along the adjacency lists. Relationships are unique
 * within one MATCH (Cypher's relationship isomorphism).
 */
final class Matcher {
  private final Ctx c;
  /** The MATCH's WHERE predicates an index can serve, by variable. */
  Map<String, List<IndexHints.Hint>> hints = Map.of();

  Matcher(Ctx c) {
    this.c = c;
  }

  /**
   * How a pattern part's walk starts (the same rule for the run and for GRAPH.EXPLAIN): 2 from a node index (an
   * equality in the first node's property map, or a WHERE predicate on an indexed property of its label), 1 from a
   * relationship index on the first relationship, 0 from a label scan or all nodes.
   */
  static int start(Graph g, PathPat q, Map<String, List<IndexHints.Hint>> hints) {
    NodePat first = q.nodes().get(0);
    for (String l : first.labels()) {
      int id = g.labels.id(l);
      if (id >= 0 && g.indexes.containsKey(id) && indexedKey(g, first.props(), first.anonymous() ? null
          : hints.get(first.var()), k -> g.nodeIndex(id, k))) {
        return 2;
      }
    }
    if (!q.rels().isEmpty()) {
      RelPat r = q.rels().get(0);
      if (!r.varLength() && r.types().size() == 1) {
        int t = g.types.id(r.types().get(0));
        if (t >= 0 && g.edgeIndexes.containsKey(t) && indexedKey(g, r.props(), r.anonymous() ? null
            : hints.get(r.var()), k -> g.edgeIndex(t, k))) {
          return 1;
        }
      }
    }
    return 0;
  }

  private static boolean indexedKey(Graph g, Plan.Expr props, List<IndexHints.Hint> hs,
      java.util.function.IntFunction<Map<Object, Postings>> index) {
    if (props instanceof Compiler.MapExpr me) {
      for (String k : me.entries().keySet()) {
        if (g.keys.id(k) >= 0 && index.apply(g.keys.id(k)) != null) {
          return true;
        }
      }
    }
    if (hs != null) {
      for (IndexHints.Hint h : hs) {
        if (g.keys.id(h.key()) >= 0 && index.apply(g.keys.id(h.key())) != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** The ids an index gives for a pattern element (property map equalities first, then WHERE), or null. */
  private int[] indexed(Plan.Expr props, List<IndexHints.Hint> hs, Map<String, Object> row,
      java.util.function.IntFunction<Map<Object, Postings>> index) {
    Graph g = c.graph;
    if (props instanceof Compiler.MapExpr me) {
      for (Map.Entry<String, Plan.Expr> e : me.entries().entrySet()) {
        int k = g.keys.id(e.getKey());
        Map<Object, Postings> idx = k < 0 ? null : index.apply(k);
        if (idx != null) {
          Object v = e.getValue().eval(c, row);
          if (v == null) {
            return Graph.NO_INTS; // {p: null} matches nothing
          }
          if (!(v instanceof List)) {
            Postings hit = idx.get(Values.indexKey(v));
            return hit == null ? Graph.NO_INTS : hit.toArray();
          }
        }
      }
    }
    int[] best = null;
    if (hs != null) {
      for (IndexHints.Hint h : hs) {
        int k = g.keys.id(h.key());
        Map<Object, Postings> idx = k < 0 ? null : index.apply(k);
        int[] ids = idx == null ? null : IndexHints.lookup(idx, h, c, row);
        if (ids != null && (best == null || ids.length < best.length)) {
          best = ids;
        }
      }
    }
    return best;
  }

  /** Start nodes from a relationship index on the pattern's first relationship, or null. */
  private int[] edgeStarts(PathPat q, Map<String, Object> row) {
    if (q.rels().isEmpty()) {
      return null;
    }
    RelPat r = q.rels().get(0);
    Graph g = c.graph;
    if (r.varLength() || r.types().size() != 1 || g.edgeIndexes.isEmpty()) {
      return null;
    }
    int t = g.types.id(r.types().get(0));
    if (t < 0 || !g.edgeIndexes.containsKey(t)) {
      return null;
    }
    int[] edges = indexed(r.props(), r.anonymous() ? null : hints.get(r.var()), row, k -> g.edgeIndex(t, k));
    if (edges == null) {
      return null;
    }
    BitSet starts = new BitSet();
    for (int e : edges) {
      if (g.edgeExists(e)) {
        if (r.dir() >= 0) {
          starts.set(g.src(e));
        }
        if (r.dir() <= 0) {
          starts.set(g.dst(e));
        }
      }
    }
    return starts.stream().toArray();
  }

  /** Emits every extension of {@code row} that matches all parts. */
  void match(List<PathPat> parts, Map<String, Object> row, Consumer<Map<String, Object>> out) {
    matchParts(parts, 0, row, new HashSet<>(), out);
  }

  private void matchParts(List<PathPat> parts, int i, Map<String, Object> row, Set<Integer> used,
      Consumer<Map<String, Object>> out) {
    if (i == parts.size()) {
      out.accept(row);
      return;
    }
    PathPat p = parts.get(i);
    if (p.shortest() != 0) {
      shortest(p, row, r -> matchParts(parts, i + 1, r, used, out));
      return;
    }
    PathPat q = orient(p, row);
    NodePat first = q.nodes().get(0);
    Object bound = first.anonymous() ? null : row.get(first.var());
    if (bound != null || (!first.anonymous() && row.containsKey(first.var()))) {
      if (!(bound instanceof Node n) || !c.graph.nodeExists(n.id())) {
        return;
      }
      walk(q, 0, n.id(), row, used, new ArrayList<>(List.of(n)), new ArrayList<>(),
          r -> matchParts(parts, i + 1, r, used, out));
      return;
    }
    Object cands = candidates(first, row);
    if (!(cands instanceof int[])) {
      int[] viaEdges = edgeStarts(q, row);
      if (viaEdges != null) {
        cands = viaEdges;
      }
    }
    BitSet candidates = cands instanceof BitSet b ? b : null;
    int[] listed = cands instanceof int[] a ? a : null;
    int at = 0;
    for (int n = listed != null ? (listed.length > 0 ? listed[0] : -1) : candidates.nextSetBit(0); n >= 0;
        n = listed != null ? (++at < listed.length ? listed[at] : -1) : candidates.nextSetBit(n + 1)) {
      c.tick();
      if (!nodeFits(first, n, row)) {
        continue;
      }
      Map<String, Object> r = row;
      if (!first.anonymous()) {
        r = new HashMap<>(row);
        r.put(first.var(), new Node(n));
      }
      walk(q, 0, n, r, used, new ArrayList<>(List.of(new Node(n))), new ArrayList<>(),
          x -> matchParts(parts, i + 1, x, used, out));
    }
  }

  /** Starts from the end when only the last node is bound (a cheap reversal, no cost model). */
  private static PathPat orient(PathPat p, Map<String, Object> row) {
    if (p.rels().isEmpty() || p.pathVar() != null) {
      return p;
    }
    NodePat first = p.nodes().get(0);
    NodePat last = p.nodes().get(p.nodes().size() - 1);
    boolean firstBound = !first.anonymous() && row.get(first.var()) != null;
    boolean lastBound = !last.anonymous() && row.get(last.var()) != null;
    if (firstBound || !lastBound) {
      return p;
    }
    List<NodePat> ns = new ArrayList<>(p.nodes());
    java.util.Collections.reverse(ns);
    List<RelPat> rs = new ArrayList<>();
    for (int i = p.rels().size() - 1; i >= 0; i--) {
      RelPat r = p.rels().get(i);
      rs.add(new RelPat(r.var(), r.anonymous(), r.types(), -r.dir(), r.varLength(), r.min(), r.max(), r.props()));
    }
    return new PathPat(null, ns, rs, 0);
  }

  /**
   * The first node's candidates: an id array (index lookups) or the graph's own label or node set, walked in
   * place: nothing changes the graph while a pattern is matched (clauses run one after the other).
   */
  private Object candidates(NodePat np, Map<String, Object> row) {
    Graph g = c.graph;
    if (np.labels().isEmpty()) {
      return g.nodesAlive();
    }
    int best = -1;
    int bestCount = Integer.MAX_VALUE;
    for (String l : np.labels()) {
      int id = g.labels.id(l);
      if (id < 0) {
        return Graph.NO_INTS;
      }
      if (g.indexes.containsKey(id)) {
        int[] hit = indexed(np.props(), np.anonymous() ? null : hints.get(np.var()), row, k -> g.nodeIndex(id, k));
        if (hit != null) {
          return hit;
        }
      }
      int count = np.labels().size() == 1 ? 0 : g.nodesWithLabel(id).cardinality();
      if (count < bestCount) {
        best = id;
        bestCount = count;
      }
    }
    return g.nodesWithLabel(best);
  }

  boolean nodeFits(NodePat np, int n, Map<String, Object> row) {
    Graph g = c.graph;
    for (String l : np.labels()) {
      int id = g.labels.id(l);
      if (id < 0 || !g.hasLabel(n, id)) {
        return false;
      }
    }
    return propsFit(np.props(), true, n, row);
  }

  private boolean propsFit(Plan.Expr props, boolean node, int id, Map<String, Object> row) {
    if (props == null) {
      return true;
    }
    Object m = props.eval(c, row);
    if (m == null) {
      return true;
    }
    if (!(m instanceof Map<?, ?> map)) {
      throw CypherException.typeMismatch("Map", m);
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      int k = c.graph.keys.id((String) e.getKey());
      Object have = k < 0 ? null : c.graph.prop(node, id, k);
      Boolean eq = Values.eq(have, e.getValue());
      if (eq == null || !eq) {
        return false;
      }
    }
    return true;
  }

  private boolean edgeFits(RelPat rp, int e, Map<String, Object> row) {
    if (!rp.types().isEmpty()) {
      boolean ok = false;
      for (String t : rp.types()) {
        int id = c.graph.types.id(t);
        if (id >= 0 && c.graph.type(e) == id) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return propsFit(rp.props(), false, e, row);
  }

  /** The edges leaving {@code n} in direction dir, with the node at their other end. */
  private int[][] steps(int n, int dir) {
    Graph g = c.graph;
    int out = dir >= 0 ? g.outDegree(n) : 0;
    int in = dir <= 0 ? g.inDegree(n) : 0;
    int[] es = new int[out + in];
    int[] os = new int[out + in];
    int k = 0;
    for (int i = 0; i < out; i++) {
      int e = g.outEdges(n)[i];
      es[k] = e;
      os[k++] = g.dst(e);
    }
    for (int i = 0; i < in; i++) {
      int e = g.inEdges(n)[i];
      if (dir == 0 && g.src(e) == n && g.dst(e) == n) {
        continue; // a self loop is one step, not two, when the direction does not matter
      }
      es[k] = e;
      os[k++] = g.src(e);
    }
    return new int[][] {java.util.Arrays.copyOf(es, k), java.util.Arrays.copyOf(os, k)};
  }

  private void walk(PathPat p, int i, int at, Map<String, Object> row, Set<Integer> used, List<Node> pn,
      List<Edge> pe, Consumer<Map<String, Object>> out) {
    if (i == p.rels().size()) {
      if (p.pathVar() != null) {
        Map<String, Object> r = new HashMap<>(row);
        r.put(p.pathVar(), new Path(List.copyOf(pn), List.copyOf(pe)));
        out.accept(r);
      } else {
        out.accept(row);
      }
      return;
    }
    RelPat rp = p.rels().get(i);
    NodePat next = p.nodes().get(i + 1);
    if (rp.varLength()) {
      Object boundRel = rp.anonymous() ? null : row.get(rp.var());
      if (boundRel instanceof List<?> l) {
        walkBoundList(p, i, at, row, used, pn, pe, out, l);
        return;
      }
      expand(p, i, at, row, used, pn, pe, out, new ArrayList<>(), 0);
      return;
    }
    Object boundRel = rp.anonymous() ? null : row.get(rp.var());
    int[][] st = steps(at, rp.dir());
    for (int k = 0; k < st[0].length; k++) {
      c.tick();
      int e = st[0][k];
      int o = st[1][k];
      if (used.contains(e) || !edgeFits(rp, e, row)) {
        continue;
      }
      if (boundRel != null && !(boundRel instanceof Edge be && be.id() == e)) {
        continue;
      }
      Map<String, Object> r = bindNode(next, o, row);
      if (r == null) {
        continue;
      }
      if (!rp.anonymous() && boundRel == null) {
        if (r == row) {
          r = new HashMap<>(row);
        }
        r.put(rp.var(), new Edge(e));
      }
      used.add(e);
      pn.add(new Node(o));
      pe.add(new Edge(e));
      walk(p, i + 1, o, r, used, pn, pe, out);
      pn.remove(pn.size() - 1);
      pe.remove(pe.size() - 1);
      used.remove(e);
    }
  }

  private void walkBoundList(PathPat p, int i, int at, Map<String, Object> row, Set<Integer> used, List<Node> pn,
      List<Edge> pe, Consumer<Map<String, Object>> out, List<?> edges) {
    int cur = at;
    List<Integer> added = new ArrayList<>();
    for (Object o : edges) {
      if (!(o instanceof Edge e) || used.contains(e.id()) || !c.graph.edgeExists(e.id())) {
        added.forEach(used::remove);
        return;
      }
      int s = c.graph.src(e.id());
      int d = c.graph.dst(e.id());
      if (s == cur) {
        cur = d;
      } else if (d == cur) {
        cur = s;
      } else {
        added.forEach(used::remove);
        return;
      }
      used.add(e.id());
      added.add(e.id());
    }
    Map<String, Object> r = bindNode(p.nodes().get(i + 1), cur, row);
    if (r != null) {
      walk(p, i + 1, cur, r, used, pn, pe, out);
    }
    added.forEach(used::remove);
  }

  /** Variable-length expansion: depth-first, edges unique along the path and within the MATCH. */
  private void expand(PathPat p, int i, int at, Map<String, Object> row, Set<Integer> used, List<Node> pn,
      List<Edge> pe, Consumer<Map<String, Object>> out, List<Edge> hops, int depth) {
    RelPat rp = p.rels().get(i);
    NodePat next = p.nodes().get(i + 1);
    if (depth >= rp.min()) {
      Map<String, Object> r = bindNode(next, at, row);
      if (r != null) {
        if (!rp.anonymous()) {
          if (r == row) {
            r = new HashMap<>(row);
          }
          r.put(rp.var(), new ArrayList<Object>(hops));
        }
        walk(p, i + 1, at, r, used, pn, pe, out);
      }
    }
    if (depth >= rp.max()) {
      return;
    }
    int[][] st = steps(at, rp.dir());
    for (int k = 0; k < st[0].length; k++) {
      c.tick();
      int e = st[0][k];
      if (used.contains(e) || !edgeFits(rp, e, row)) {
        continue;
      }
      used.add(e);
      hops.add(new Edge(e));
      pn.add(new Node(st[1][k]));
      pe.add(new Edge(e));
      expand(p, i, st[1][k], row, used, pn, pe, out, hops, depth + 1);
      pe.remove(pe.size() - 1);
      pn.remove(pn.size() - 1);
      hops.remove(hops.size() - 1);
      used.remove(e);
    }
  }

  /** Row with {@code next} bound to node n, the same row if nothing new is bound, null if n does not fit. */
  private Map<String, Object> bindNode(NodePat next, int n, Map<String, Object> row) {
    if (!next.anonymous()) {
      Object b = row.get(next.var());
      if (b != null || row.containsKey(next.var())) {
        return b instanceof Node bn && bn.id() == n && nodeFits(next, n, row) ? row : null;
      }
    }
    if (!nodeFits(next, n, row)) {
      return null;
    }
    if (next.anonymous()) {
      return row;
    }
    Map<String, Object> r = new HashMap<>(row);
    r.put(next.var(), new Node(n));
    return r;
  }

  /** shortestPath / allShortestPaths between two bound nodes: breadth-first search over one relationship. */
  private void shortest(PathPat p, Map<String, Object> row, Consumer<Map<String, Object>> out) {
    if (p.rels().size() != 1) {
      throw CypherException.semantic("shortestPath requires a pattern with a single relationship");
    }
    NodePat a = p.nodes().get(0);
    NodePat b = p.nodes().get(1);
    Object from = a.anonymous() ? null : row.get(a.var());
    Object to = b.anonymous() ? null : row.get(b.var());
    if (!(from instanceof Node fn) || !(to instanceof Node tn)) {
      if (from == null && to == null && (!a.anonymous() && row.containsKey(a.var()))) {
        return;
      }
      throw CypherException.semantic("A shortestPath requires bound nodes");
    }
    RelPat rp = p.rels().get(0);
    int min = rp.varLength() ? rp.min() : 1;
    int max = rp.varLength() ? rp.max() : 1;
    if (min > 1) {
      throw CypherException.semantic("shortestPath does not support a minimal length different from 0 or 1");
    }
    if (fn.id() == tn.id() && min == 0) {
      emitPath(p, row, out, List.of(fn), List.of());
      return;
    }
    if (p.shortest() == 1 && fn.id() != tn.id()) {
      int[] path = ShortestPath.find(c.graph, fn.id(), tn.id(), rp.dir(), max, e -> edgeFits(rp, e, row), c::tick);
      if (path != null) {
        List<Node> ns = new ArrayList<>();
        List<Edge> es = new ArrayList<>();
        for (int k = 0; k < path.length; k += 2) {
          ns.add(new Node(path[k]));
          if (k + 1 < path.length) {
            es.add(new Edge(path[k + 1]));
          }
        }
        emitPath(p, row, out, ns, es);
      }
      return;
    }
    // allShortestPaths: BFS keeping all parents at the shortest depth
    Map<Integer, List<int[]>> parents = new HashMap<>(); // node -> (prev node, edge)
    Map<Integer, Integer> depth = new HashMap<>();
    depth.put(fn.id(), 0);
    ArrayDeque<Integer> q = new ArrayDeque<>();
    q.add(fn.id());
    int found = -1;
    while (!q.isEmpty()) {
      int n = q.poll();
      int d = depth.get(n);
      if (found >= 0 && d >= found) {
        break;
      }
      if (d >= max) {
        continue;
      }
      int[][] st = steps(n, rp.dir());
      for (int k = 0; k < st[0].length; k++) {
        c.tick();
        int e = st[0][k];
        int o = st[1][k];
        if (!edgeFits(rp, e, row)) {
          continue;
        }
        Integer od = depth.get(o);
        if (od == null) {
          depth.put(o, d + 1);
          q.add(o);
          od = d + 1;
        }
        if (od == d + 1) {
          parents.computeIfAbsent(o, x -> new ArrayList<>()).add(new int[] {n, e});
          if (o == tn.id()) {
            found = d + 1;
          }
        }
      }
    }
    if (found < 0) {
      return;
    }
    List<List<int[]>> paths = new ArrayList<>();
    collect(tn.id(), fn.id(), parents, new ArrayList<>(), paths, p.shortest() == 1);
    for (List<int[]> steps : paths) {
      List<Node> ns = new ArrayList<>();
      List<Edge> es = new ArrayList<>();
      ns.add(fn);
      for (int s = steps.size() - 1; s >= 0; s--) {
        es.add(new Edge(steps.get(s)[1]));
        ns.add(new Node(steps.get(s)[0]));
      }
      emitPath(p, row, out, ns, es);
    }
  }

  private static void collect(int n, int start, Map<Integer, List<int[]>> parents, List<int[]> acc,
      List<List<int[]>> out, boolean one) {
    if (n == start) {
      out.add(new ArrayList<>(acc));
      return;
    }
    for (int[] pe : parents.getOrDefault(n, List.of())) {
      acc.add(new int[] {n, pe[1]});
      collect(pe[0], start, parents, acc, out, one);
      acc.remove(acc.size() - 1);
      if (one && !out.isEmpty()) {
        return;
      }
    }
  }

  private void emitPath(PathPat p, Map<String, Object> row, Consumer<Map<String, Object>> out, List<Node> ns,
      List<Edge> es) {
    Map<String, Object> r = new HashMap<>(row);
    RelPat rp = p.rels().get(0);
    if (!rp.anonymous()) {
      r.put(rp.var(), rp.varLength() ? new ArrayList<Object>(es) : es.get(0));
    }
    if (p.pathVar() != null) {
      r.put(p.pathVar(), new Path(ns, es));
    }
    out.accept(r);
  }
}
