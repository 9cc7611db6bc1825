package dev.cairn.graph;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GRAPH.CONSTRAINT CREATE|DROP and their enforcement. A MANDATORY constraint requires its properties on every node
 * of a label (relationship of a type); a UNIQUE one forbids two nodes of the label with equal values for all its
 * properties (entities missing one of them, or holding an array in one, are not governed), and needs an exact-match
 * index on each property, as in RedisGraph. Writes are checked before they change the graph, so a violating query
 * fails without leaving the violation behind. A constraint is checked against the graph when created: OPERATIONAL, or
 * FAILED (and not enforced) when the data already violates it; the reply is PENDING either way, as RedisGraph's.
 */
final class Constraints {
  private Constraints() {}

  /** A constraint on a label (node) or relationship type; keys are property key ids. */
  record Constraint(boolean unique, boolean node, int schema, int[] keys, boolean failed) {
    boolean governs(int key) {
      for (int k : keys) {
        if (k == key) {
          return true;
        }
      }
      return false;
    }
  }

  /** GRAPH.CONSTRAINT CREATE|DROP key MANDATORY|UNIQUE NODE label|RELATIONSHIP type PROPERTIES n prop... */
  static void command(CommandContext c, Args a) {
    boolean create;
    if (a.is(1, "create")) {
      create = true;
    } else if (a.is(1, "drop")) {
      create = false;
    } else {
      throw RedisException.line("Invalid constraint operation");
    }
    byte[] key = a.get(2);
    boolean unique;
    if (a.is(3, "unique")) {
      unique = true;
    } else if (a.is(3, "mandatory")) {
      unique = false;
    } else {
      throw RedisException.line("Invalid constraint type");
    }
    boolean node;
    if (a.is(4, "node")) {
      node = true;
    } else if (a.is(4, "relationship")) {
      node = false;
    } else {
      throw RedisException.line("Invalid constraint entity type");
    }
    String schema = a.string(5);
    if (!a.is(6, "properties")) {
      throw RedisException.line("Invalid constraint properties");
    }
    long n = Args.parseLong(a.get(7), RedisException.line("Invalid number of properties"));
    if (n < 1 || n > 255 || a.size() != 8 + n) {
      throw RedisException.line("Invalid number of properties");
    }
    List<String> props = new ArrayList<>();
    for (int i = 8; i < a.size(); i++) {
      props.add(a.string(i));
    }
    Graph g = c.db().getForWrite(key, GraphType.INSTANCE);
    boolean created = g == null;
    if (created) {
      if (!create) {
        throw RedisException.line("Constraint doesn't exist");
      }
      g = new Graph();
    }
    g.gate.beginWrite(); // readers of this graph step aside
    try {
      change(c, g, key, created, create, unique, node, schema, props);
    } finally {
      g.gate.endWrite();
    }
  }

  private static void change(CommandContext c, Graph g, byte[] key, boolean created, boolean create, boolean unique,
      boolean node, String schema, List<String> props) {
    if (create) {
      g.beginUndo(); // names interned for a refused constraint go again
      try {
        create(g, unique, node, schema, props);
      } catch (CypherException e) {
        g.rollback();
        throw RedisException.line(e.getMessage());
      }
      g.commitUndo();
      if (created) {
        c.db().set(key, GraphType.INSTANCE, g);
      }
      c.reply().simple("PENDING");
    } else {
      int s = node ? g.labels.id(schema) : g.types.id(schema);
      int[] keys = new int[props.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = g.keys.id(props.get(i));
      }
      int at = find(g, unique, node, s, keys);
      if (at < 0) {
        throw RedisException.line("Constraint doesn't exist");
      }
      g.constraints.remove(at);
      c.reply().ok();
    }
    c.signalModifiedKey(c.db().id(), key);
    c.addDirty(1);
  }

  /** Adds a constraint, checked against the graph's data (FAILED when the data violates it). */
  static void create(Graph g, boolean unique, boolean node, String schema, List<String> props) {
    int s = node ? g.labels.intern(schema) : g.types.intern(schema);
    int[] keys = new int[props.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = g.keys.intern(props.get(i));
    }
    if (find(g, unique, node, s, keys) >= 0) {
      throw CypherException.argument("Constraint already exists");
    }
    if (unique) {
      Map<Integer, Map<Object, Postings>> idx = node ? g.indexes.get(s) : g.edgeIndexes.get(s);
      for (int k : keys) {
        if (idx == null || !idx.containsKey(k)) {
          throw CypherException.argument("missing supporting exact-match index");
        }
      }
    }
    Constraint con = new Constraint(unique, node, s, keys, false);
    g.constraints.add(new Constraint(unique, node, s, keys, !holds(g, con)));
  }

  /**
   * db.createConstraint(type, entity, label, properties): GRAPH.CONSTRAINT CREATE as a procedure, the form the AOF
   * rewrite uses (its commands name the key first); a query calling it is a write and propagates.
   */
  static List<Map<String, Object>> createProc(Ctx c, List<Object> a) {
    for (Object o : a) {
      if (o == null) {
        throw CypherException.argument("db.createConstraint: arguments must not be null");
      }
    }
    String type = String.valueOf(a.get(0)).toUpperCase(java.util.Locale.ROOT);
    String entity = String.valueOf(a.get(1)).toUpperCase(java.util.Locale.ROOT);
    if (!type.equals("UNIQUE") && !type.equals("MANDATORY")) {
      throw CypherException.argument("Invalid constraint type");
    }
    if (!entity.equals("NODE") && !entity.equals("RELATIONSHIP")) {
      throw CypherException.argument("Invalid constraint entity type");
    }
    if (!(a.get(3) instanceof List<?> l) || l.isEmpty() || l.size() > 255) {
      throw CypherException.argument("Invalid number of properties");
    }
    List<String> props = new ArrayList<>();
    l.forEach(p -> props.add(String.valueOf(p)));
    create(c.graph, type.equals("UNIQUE"), entity.equals("NODE"), String.valueOf(a.get(2)), props);
    c.stats.constraintsChanged++;
    return List.of();
  }

  private static int find(Graph g, boolean unique, boolean node, int schema, int[] keys) {
    for (int i = 0; i < g.constraints.size(); i++) {
      Constraint x = g.constraints.get(i);
      if (x.unique() == unique && x.node() == node && x.schema() == schema
          && java.util.Arrays.equals(sorted(x.keys()), sorted(keys))) {
        return i;
      }
    }
    return -1;
  }

  private static int[] sorted(int[] a) {
    int[] b = a.clone();
    java.util.Arrays.sort(b);
    return b;
  }

  /** Whether the graph's data satisfies the constraint (checked once, when it is created). */
  private static boolean holds(Graph g, Constraint con) {
    BitSet ids = con.node() ? g.nodesWithLabel(con.schema()) : g.edgesAlive();
    Map<List<Object>, Boolean> seen = new HashMap<>();
    for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
      if (!con.node() && g.type(id) != con.schema()) {
        continue;
      }
      List<Object> tuple = new ArrayList<>();
      boolean governed = true;
      for (int k : con.keys()) {
        Object v = g.prop(con.node(), id, k);
        if (v == null) {
          if (!con.unique()) {
            return false;
          }
          governed = false;
        } else if (v instanceof List) {
          governed = false;
        }
        tuple.add(Values.indexKey(v));
      }
      if (con.unique() && governed && seen.put(tuple, Boolean.TRUE) != null) {
        return false;
      }
    }
    return true;
  }

  private static CypherException mandatory(Graph g, Constraint con, int key) {
    return new CypherException("ConstraintVerificationFailed", "mandatory constraint violation: "
        + (con.node() ? "node with label " + g.labels.name(con.schema())
        : "edge with relationship-type " + g.types.name(con.schema())) + " missing property " + g.keys.name(key));
  }

  private static CypherException unique(Graph g, Constraint con) {
    // RedisGraph's two texts differ by a comma
    return new CypherException("ConstraintVerificationFailed", con.node()
        ? "unique constraint violation on node of type " + g.labels.name(con.schema())
        : "unique constraint violation, on edge of relationship-type " + g.types.name(con.schema()));
  }

  /**
   * A unique tuple's clash: another node of the label (edge of the type) with the same values, found through the
   * supporting indexes (self excluded; -1 for a new entity).
   */
  private static void checkUnique(Graph g, Constraint con, int self, java.util.function.IntFunction<Object> value) {
    List<Postings> hits = new ArrayList<>();
    for (int k : con.keys()) {
      Object v = value.apply(k);
      if (v == null || v instanceof List) {
        return; // not governed
      }
      Postings p = con.node() ? g.indexLookup(con.schema(), k, v) : g.edgeIndexLookup(con.schema(), k, v);
      if (p == null || p.isEmpty()) {
        return;
      }
      hits.add(p);
    }
    hits.sort(java.util.Comparator.comparingInt(Postings::size));
    next:
    for (int id : hits.get(0).toArray()) {
      if (id == self) {
        continue;
      }
      for (int i = 1; i < hits.size(); i++) {
        if (!hits.get(i).contains(id)) {
          continue next;
        }
      }
      throw unique(g, con);
    }
  }

  /** Before a node with these labels and properties (key id -> value) is created. */
  static void beforeCreate(Graph g, boolean node, int[] schemas, Map<Integer, Object> props) {
    if (g.constraints.isEmpty()) {
      return;
    }
    for (Constraint con : g.constraints) {
      if (con.failed() || con.node() != node || !contains(schemas, con.schema())) {
        continue;
      }
      for (int k : con.keys()) {
        if (!con.unique() && props.get(k) == null) {
          throw mandatory(g, con, k);
        }
      }
      if (con.unique()) {
        checkUnique(g, con, -1, props::get);
      }
    }
  }

  /** Before a property of an existing entity is set to {@code v} (null removes it). */
  static void beforeSet(Graph g, boolean node, int id, int key, Object v) {
    if (g.constraints.isEmpty()) {
      return;
    }
    for (Constraint con : g.constraints) {
      if (con.failed() || con.node() != node || !con.governs(key)
          || !(node ? g.hasLabel(id, con.schema()) : g.type(id) == con.schema())) {
        continue;
      }
      if (!con.unique() && v == null) {
        throw mandatory(g, con, key);
      }
      if (con.unique()) {
        checkUnique(g, con, id, k -> k == key ? v : g.prop(node, id, k));
      }
    }
  }

  /** Before a label is added to an existing node. */
  static void beforeLabel(Graph g, int id, int label) {
    if (g.constraints.isEmpty()) {
      return;
    }
    for (Constraint con : g.constraints) {
      if (con.failed() || !con.node() || con.schema() != label) {
        continue;
      }
      for (int k : con.keys()) {
        if (!con.unique() && g.prop(true, id, k) == null) {
          throw mandatory(g, con, k);
        }
      }
      if (con.unique()) {
        checkUnique(g, con, id, k -> g.prop(true, id, k));
      }
    }
  }

  /** Whether a unique constraint rests on the index (label or type, key), which then cannot be dropped. */
  static boolean supportedBy(Graph g, int label, int key) {
    return supportedBy(g, true, label, key);
  }

  static boolean supportedBy(Graph g, boolean node, int schema, int key) {
    for (Constraint con : g.constraints) {
      if (con.unique() && con.node() == node && con.schema() == schema && con.governs(key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /** db.constraints(): type, label, properties, entitytype, status. */
  static List<Map<String, Object>> list(Graph g) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Constraint con : g.constraints) {
      Map<String, Object> r = new HashMap<>();
      r.put("type", con.unique() ? "UNIQUE" : "MANDATORY");
      r.put("label", con.node() ? g.labels.name(con.schema()) : g.types.name(con.schema()));
      List<Object> ps = new ArrayList<>();
      for (int k : con.keys()) {
        ps.add(g.keys.name(k));
      }
      r.put("properties", ps);
      r.put("entitytype", con.node() ? "NODE" : "RELATIONSHIP");
      r.put("status", con.failed() ? "FAILED" : "OPERATIONAL");
      out.add(r);
    }
    return out;
  }
}
