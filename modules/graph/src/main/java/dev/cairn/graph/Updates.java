package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.Plan.NodePat;
import dev.cairn.graph.Plan.Op;
import dev.cairn.graph.Plan.PathPat;
import dev.cairn.graph.Plan.RelPat;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.Values.Path;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The updating clauses: CREATE, MERGE, DELETE, SET, REMOVE, FOREACH. */
final class Updates {
  private Updates() {}

  interface Action {
    void apply(Ctx c, Map<String, Object> row);
  }

  // ---- CREATE

  static Op create(Compiler comp, List<PathPat> parts) {
    Set<String> added = new LinkedHashSet<>();
    Map<String, List<String>> labelsInClause = new HashMap<>();
    for (PathPat p : parts) {
      checkCreatable(comp, p, added, labelsInClause);
    }
    return (c, in) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> row : in) {
        Map<String, Object> r = new HashMap<>(row);
        for (PathPat p : parts) {
          createPath(c, p, r);
        }
        out.add(r);
      }
      return out;
    };
  }

  /**
   * A node variable bound before this clause may only be referred to, bare; one declared earlier in this clause may
   * be repeated with the labels it was declared with, which then names the same node (redis-py's Graph.commit writes
   * each edge's endpoints out in full, labels and properties included, and RedisGraph creates each node once), but not
   * with other labels (openCypher's VariableAlreadyBound).
   */
  private static void checkCreatable(Compiler comp, PathPat p, Set<String> added,
      Map<String, List<String>> labelsInClause) {
    for (NodePat n : p.nodes()) {
      if (n.anonymous() || n.labels().isEmpty() && n.props() == null) {
        continue;
      }
      List<String> declared = labelsInClause.get(n.var());
      boolean sameNodeAgain = declared != null && declared.equals(n.labels());
      if (comp.inScope(n.var()) && !added.contains(n.var()) || added.contains(n.var()) && !sameNodeAgain) {
        throw CypherException.semantic("The bound variable '" + n.var() + "' can't be redeclared in a CREATE"
            + " clause");
      }
    }
    for (NodePat n : p.nodes()) {
      if (!n.anonymous() && !comp.inScope(n.var()) && !added.contains(n.var())) {
        labelsInClause.putIfAbsent(n.var(), n.labels());
      }
    }
    for (RelPat r : p.rels()) {
      if (r.types().size() != 1) {
        throw CypherException.semantic("Exactly one relationship type must be specified for CREATE");
      }
      if (r.dir() == 0) {
        throw CypherException.semantic("Only directed relationships are supported in CREATE");
      }
      if (r.varLength()) {
        throw CypherException.semantic("Variable length relationships cannot be used in CREATE");
      }
      if (!r.anonymous() && comp.inScope(r.var())) {
        throw CypherException.semantic("The bound variable '" + r.var() + "' can't be redeclared in a CREATE"
            + " clause");
      }
    }
    comp.declarePattern(p, added);
  }

  static void createPath(Ctx c, PathPat p, Map<String, Object> r) {
    List<Node> nodes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    for (NodePat np : p.nodes()) {
      Object bound = np.anonymous() ? null : r.get(np.var());
      if (bound == null && !np.anonymous() && r.containsKey(np.var())) {
        throw CypherException.semantic("Failed to create relationship; endpoint was not found.");
      }
      if (bound instanceof Node n) {
        nodes.add(n);
        continue;
      }
      if (bound != null) {
        throw CypherException.typeMismatch("Node", bound);
      }
      Node n = createNode(c, np, r);
      nodes.add(n);
      if (!np.anonymous()) {
        r.put(np.var(), n);
      }
    }
    for (int i = 0; i < p.rels().size(); i++) {
      RelPat rp = p.rels().get(i);
      Node a = nodes.get(i);
      Node b = nodes.get(i + 1);
      if (!c.graph.nodeExists(a.id()) || !c.graph.nodeExists(b.id())) {
        throw new CypherException("EntityNotFound", "Failed to create relationship; endpoint was not found.");
      }
      Object props = rp.props() == null ? null : rp.props().eval(c, r);
      if (!c.graph.constraints.isEmpty()) {
        Constraints.beforeCreate(c.graph, false, new int[] {c.graph.types.id(rp.types().get(0))}, byKeyId(c, props));
      }
      int type = c.graph.types.intern(rp.types().get(0));
      int e = rp.dir() > 0 ? c.graph.createEdge(a.id(), b.id(), type) : c.graph.createEdge(b.id(), a.id(), type);
      c.stats.relationshipsCreated++;
      setProps(c, false, e, props);
      edges.add(new Edge(e));
      if (!rp.anonymous()) {
        r.put(rp.var(), new Edge(e));
      }
    }
    if (p.pathVar() != null) {
      r.put(p.pathVar(), new Path(nodes, edges));
    }
  }

  private static Node createNode(Ctx c, NodePat np, Map<String, Object> r) {
    Object props = np.props() == null ? null : np.props().eval(c, r);
    if (!c.graph.constraints.isEmpty()) {
      int[] ls = new int[np.labels().size()];
      for (int i = 0; i < ls.length; i++) {
        ls[i] = c.graph.labels.id(np.labels().get(i));
      }
      Constraints.beforeCreate(c.graph, true, ls, byKeyId(c, props));
    }
    int id = c.graph.createNode();
    c.stats.nodesCreated++;
    for (String l : np.labels()) {
      // RedisGraph counts a label as added when the graph first gets it, not per node
      if (c.graph.labels.id(l) < 0) {
        c.stats.labelsAdded++;
      }
      c.graph.addLabel(id, c.graph.labels.intern(l));
    }
    setProps(c, true, id, props);
    return new Node(id);
  }

  /** A property map by key id, for the constraint checks (keys the graph has never seen are left out). */
  private static Map<Integer, Object> byKeyId(Ctx c, Object props) {
    Map<Integer, Object> out = new java.util.HashMap<>();
    if (props instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        int id = c.graph.keys.id((String) k);
        if (id >= 0 && v != null) {
          out.put(id, v);
        }
      });
    }
    return out;
  }

  private static void setProps(Ctx c, boolean node, int id, Object props) {
    if (props == null) {
      return;
    }
    if (!(props instanceof Map<?, ?> m)) {
      throw CypherException.typeMismatch("Map", props);
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      checkStorable(v);
      c.graph.setProp(node, id, c.graph.keys.intern((String) e.getKey()), v);
      c.stats.propertiesSet++;
    }
  }

  private static void checkStorable(Object v) {
    if (!Values.storable(v)) {
      throw CypherException.type("Property values can only be of primitive types or arrays of primitive types");
    }
  }

  // ---- MERGE

  static Op merge(Compiler comp, MergeClauseContext m) {
    PathPat p = comp.patternPart(m.patternPart(), true);
    for (RelPat r : p.rels()) {
      if (r.types().size() != 1) {
        throw CypherException.semantic("Exactly one relationship type must be specified for MERGE");
      }
      if (r.varLength()) {
        throw CypherException.semantic("Variable length relationships cannot be used in MERGE");
      }
    }
    for (NodePat n : p.nodes()) {
      if (!n.anonymous() && comp.inScope(n.var()) && (!n.labels().isEmpty() || n.props() != null)
          && p.rels().isEmpty()) {
        throw CypherException.semantic("The bound variable '" + n.var() + "' can't be redeclared in a MERGE"
            + " clause");
      }
    }
    Set<String> added = new LinkedHashSet<>();
    comp.declarePattern(p, added);
    List<Action> onCreate = new ArrayList<>();
    List<Action> onMatch = new ArrayList<>();
    for (MergeActionContext a : m.mergeAction()) {
      List<Action> target = a.CREATE() != null ? onCreate : onMatch;
      for (SetItemContext si : a.setItem()) {
        target.add(setItem(comp, si));
      }
    }
    PathPat create = p.rels().isEmpty() || p.rels().stream().allMatch(r -> r.dir() != 0) ? p
        : new PathPat(p.pathVar(), p.nodes(), p.rels().stream().map(r -> r.dir() != 0 ? r
            : new RelPat(r.var(), r.anonymous(), r.types(), 1, false, 1, 1, r.props())).toList(), 0);
    return (c, in) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      Matcher matcher = new Matcher(c);
      for (Map<String, Object> row : in) {
        for (NodePat n : p.nodes()) {
          if (n.props() != null) {
            Object pm = n.props().eval(c, row);
            if (pm instanceof Map<?, ?> mm && mm.containsValue(null)) {
              throw CypherException.semantic("Cannot merge node using null property value");
            }
          }
        }
        List<Map<String, Object>> found = new ArrayList<>();
        matcher.match(List.of(p), row, found::add);
        if (found.isEmpty()) {
          Map<String, Object> r = new HashMap<>(row);
          createPath(c, create, r);
          for (Action a : onCreate) {
            a.apply(c, r);
          }
          out.add(r);
        } else {
          for (Map<String, Object> r : found) {
            Map<String, Object> w = new HashMap<>(r);
            for (Action a : onMatch) {
              a.apply(c, w);
            }
            out.add(w);
          }
        }
      }
      return out;
    };
  }

  // ---- DELETE

  /**
   * DELETE and DETACH DELETE alike take a node's relationships with it, as RedisGraph does ("deleting a node also
   * deletes all of its incoming and outgoing relationships"); openCypher refuses a connected node without DETACH
   * (the TCK's Delete1 [7] expects DeleteConnectedNode), which clients written for RedisGraph do not expect.
   */
  static Op delete(List<Expr> targets) {
    return (c, in) -> {
      Set<Integer> nodes = new LinkedHashSet<>();
      Set<Integer> edges = new LinkedHashSet<>();
      for (Map<String, Object> row : in) {
        for (Expr t : targets) {
          collect(t.eval(c, row), nodes, edges);
        }
      }
      for (int n : nodes) {
        if (!c.graph.nodeExists(n)) {
          continue;
        }
        for (int e : c.graph.edgesOf(n)) {
          edges.add(e);
        }
      }
      for (int e : edges) {
        if (c.graph.edgeExists(e)) {
          c.graph.deleteEdge(e);
          c.stats.relationshipsDeleted++;
        }
      }
      for (int n : nodes) {
        if (c.graph.nodeExists(n)) {
          c.graph.deleteNode(n);
          c.stats.nodesDeleted++;
        }
      }
      return in;
    };
  }

  private static void collect(Object v, Set<Integer> nodes, Set<Integer> edges) {
    if (v == null) {
      return;
    }
    if (v instanceof Node n) {
      nodes.add(n.id());
    } else if (v instanceof Edge e) {
      edges.add(e.id());
    } else if (v instanceof Path p) {
      p.nodes().forEach(n -> nodes.add(n.id()));
      p.edges().forEach(e -> edges.add(e.id()));
    } else {
      throw CypherException.type("Delete type mismatch, expecting either Node or Relationship.");
    }
  }

  // ---- SET / REMOVE

  static Op set(Compiler comp, List<SetItemContext> items) {
    List<Action> actions = new ArrayList<>();
    for (SetItemContext si : items) {
      actions.add(setItem(comp, si));
    }
    return perRow(actions);
  }

  private static Op perRow(List<Action> actions) {
    return (c, in) -> {
      for (Map<String, Object> row : in) {
        for (Action a : actions) {
          a.apply(c, row);
        }
      }
      return in;
    };
  }

  /** The entity and key a property expression {@code a.b.c} writes: a.b evaluated, c the key. */
  private record Target(Expr owner, String key) {}

  private static Target target(Compiler comp, PropertyExpressionContext pe) {
    int n = pe.propertyKeyName().size();
    String key = ExprCompiler.name(pe.propertyKeyName(n - 1).schemaName());
    Expr base = atomOf(comp, pe.atom());
    for (int i = 0; i < n - 1; i++) {
      Expr b = base;
      String k = ExprCompiler.name(pe.propertyKeyName(i).schemaName());
      base = (c, r) -> ExprCompiler.property(c, b.eval(c, r), k);
    }
    return new Target(base, key);
  }

  private static Expr atomOf(Compiler comp, AtomContext a) {
    if (a instanceof VariableAtomContext v) {
      String name = ExprCompiler.symbol(v.variable().symbolicName());
      comp.require(name);
      return (c, r) -> r.get(name);
    }
    if (a instanceof ParenthesizedContext p) {
      return comp.expr(p.expression());
    }
    throw CypherException.syntax("Unsupported SET target " + a.getText());
  }

  static Action setItem(Compiler comp, SetItemContext si) {
    if (si instanceof SetPropertyContext sp) {
      Target t = target(comp, sp.propertyExpression());
      Expr value = comp.expr(sp.expression());
      return (c, r) -> {
        Object o = t.owner().eval(c, r);
        Object v = value.eval(c, r);
        setOne(c, o, t.key(), v);
      };
    }
    if (si instanceof SetLabelsContext sl) {
      String var = ExprCompiler.symbol(sl.variable().symbolicName());
      comp.require(var);
      List<String> labels = ExprCompiler.labels(sl.nodeLabels());
      return (c, r) -> {
        Object o = r.get(var);
        if (o == null) {
          return;
        }
        if (!(o instanceof Node n)) {
          throw CypherException.typeMismatch("Node", o);
        }
        for (String l : labels) {
          int known = c.graph.labels.id(l);
          if (known >= 0 && c.graph.nodeExists(n.id()) && !c.graph.hasLabel(n.id(), known)) {
            Constraints.beforeLabel(c.graph, n.id(), known);
          }
          if (c.graph.addLabel(n.id(), c.graph.labels.intern(l))) {
            c.stats.labelsAdded++;
          }
        }
      };
    }
    boolean merge = si instanceof SetMergeContext;
    VariableContext vc = merge ? ((SetMergeContext) si).variable() : ((SetAllContext) si).variable();
    ExpressionContext ex = merge ? ((SetMergeContext) si).expression() : ((SetAllContext) si).expression();
    String var = ExprCompiler.symbol(vc.symbolicName());
    comp.require(var);
    Expr value = comp.expr(ex);
    return (c, r) -> {
      Object o = r.get(var);
      Object v = value.eval(c, r);
      if (o == null) {
        return;
      }
      Map<String, Object> props;
      if (v == null) {
        props = Map.of();
      } else if (v instanceof Map<?, ?> m) {
        props = new java.util.LinkedHashMap<>();
        m.forEach((k, x) -> props.put((String) k, x));
      } else if (v instanceof Node || v instanceof Edge) {
        props = Functions.propertyMap(c, v);
      } else {
        throw CypherException.type("Property values can only be of primitive types or arrays of primitive types");
      }
      if (!merge) {
        for (String k : Functions.propertyMap(c, o).keySet()) {
          if (!props.containsKey(k)) {
            setOne(c, o, k, null);
          }
        }
      }
      for (Map.Entry<String, Object> e : props.entrySet()) {
        setOne(c, o, e.getKey(), e.getValue());
      }
    };
  }

  static void setOne(Ctx c, Object o, String key, Object v) {
    if (o == null) {
      return;
    }
    boolean node;
    int id;
    if (o instanceof Node n) {
      node = true;
      id = n.id();
      if (!c.graph.nodeExists(id)) {
        return;
      }
    } else if (o instanceof Edge e) {
      node = false;
      id = e.id();
      if (!c.graph.edgeExists(id)) {
        return;
      }
    } else {
      throw CypherException.type("Update error: alias '" + Functions.str(o) + "' did not resolve to a graph"
          + " entity");
    }
    if (!c.graph.constraints.isEmpty() && c.graph.keys.id(key) >= 0) {
      Constraints.beforeSet(c.graph, node, id, c.graph.keys.id(key), v);
    }
    if (v != null) {
      checkStorable(v);
      c.graph.setProp(node, id, c.graph.keys.intern(key), v);
      c.stats.propertiesSet++;
    } else {
      int k = c.graph.keys.id(key);
      if (k >= 0 && c.graph.setProp(node, id, k, null) != null) {
        c.stats.propertiesRemoved++;
      }
    }
  }

  static Op remove(Compiler comp, List<RemoveItemContext> items) {
    List<Action> actions = new ArrayList<>();
    for (RemoveItemContext ri : items) {
      if (ri instanceof RemoveLabelsContext rl) {
        String var = ExprCompiler.symbol(rl.variable().symbolicName());
        comp.require(var);
        List<String> labels = ExprCompiler.labels(rl.nodeLabels());
        actions.add((c, r) -> {
          Object o = r.get(var);
          if (o == null) {
            return;
          }
          if (!(o instanceof Node n)) {
            throw CypherException.typeMismatch("Node", o);
          }
          if (!c.graph.nodeExists(n.id())) {
            return;
          }
          for (String l : labels) {
            int id = c.graph.labels.id(l);
            if (id >= 0 && c.graph.removeLabel(n.id(), id)) {
              c.stats.labelsRemoved++;
            }
          }
        });
      } else {
        Target t = target(comp, ((RemovePropertyContext) ri).propertyExpression());
        actions.add((c, r) -> setOne(c, t.owner().eval(c, r), t.key(), null));
      }
    }
    return perRow(actions);
  }

  static Op foreach(Expr list, String var, List<Op> body) {
    return (c, in) -> {
      for (Map<String, Object> row : in) {
        Object l = list.eval(c, row);
        if (l == null) {
          continue;
        }
        if (!(l instanceof List<?> items)) {
          throw CypherException.typeMismatch("List", l);
        }
        for (Object item : items) {
          Map<String, Object> r = new HashMap<>(row);
          r.put(var, item);
          List<Map<String, Object>> rows = new ArrayList<>(List.of(r));
          for (Op op : body) {
            rows = op.run(c, rows);
          }
        }
      }
      return in;
    };
  }
}
