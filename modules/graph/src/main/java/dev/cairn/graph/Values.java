package dev.cairn.graph;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cypher values as Java objects: null, {@link Long}, {@link Double}, {@link Boolean}, {@link String},
 * {@link List}, {@link Map} (insertion ordered), {@link Node}, {@link Edge}, {@link Path}; Cypher's equality,
 * comparison and ORDER BY order over them.
 */
public final class Values {
  private Values() {}

  /** A node value: its id in the graph it came from. */
  public record Node(int id) {}

  /** A relationship value. */
  public record Edge(int id) {}

  /** A path: nodes.size() == edges.size() + 1. */
  public record Path(List<Node> nodes, List<Edge> edges) {}

  public static String typeName(Object v) {
    if (v == null) {
      return "Null";
    } else if (v instanceof Long) {
      return "Integer";
    } else if (v instanceof Double) {
      return "Float";
    } else if (v instanceof String) {
      return "String";
    } else if (v instanceof Boolean) {
      return "Boolean";
    } else if (v instanceof List) {
      return "List";
    } else if (v instanceof Map) {
      return "Map";
    } else if (v instanceof Node) {
      return "Node";
    } else if (v instanceof Edge) {
      return "Edge";
    } else if (v instanceof Path) {
      return "Path";
    }
    if (v instanceof Point) {
      return "Point";
    }
    String t = Temporal.typeName(v);
    return t != null ? t : v.getClass().getSimpleName();
  }

  /** True when {@code v} may be stored as a property (scalars and lists of scalars). */
  public static boolean storable(Object v) {
    if (v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean
        || Temporal.isTemporal(v) || v instanceof Point) {
      return true;
    }
    if (v instanceof List<?> l) {
      for (Object o : l) {
        if (o == null || o instanceof List || !storable(o)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Key for exact-match indexes: numbers equal across Integer/Float map to one key, a Long for integral values (a
   * Double's hash of small integers has zero low bits, which piles them into a few hash buckets).
   */
  static Object indexKey(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p62) {
      return (long) d.doubleValue();
    }
    return v;
  }

  /** A number's hash, equal for equal Integer and Float values, spread for integral ones. */
  static int numberHash(double d) {
    if (Double.isNaN(d)) {
      return 7;
    }
    if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
      return Long.hashCode((long) d * 0x9E3779B97F4A7C15L);
    }
    return Double.hashCode(d);
  }

  /** Cypher '=': TRUE, FALSE or null (unknown). */
  public static Boolean eq(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      if (a instanceof Long l && b instanceof Long m) {
        return l.longValue() == m.longValue();
      }
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof List<?> l && b instanceof List<?> m) {
      if (l.size() != m.size()) {
        return false;
      }
      boolean unknown = false;
      for (int i = 0; i < l.size(); i++) {
        Boolean e = eq(l.get(i), m.get(i));
        if (e == null) {
          unknown = true;
        } else if (!e) {
          return false;
        }
      }
      return unknown ? null : true;
    }
    if (a instanceof Map<?, ?> l && b instanceof Map<?, ?> m) {
      if (!l.keySet().equals(m.keySet())) {
        return false;
      }
      boolean unknown = false;
      for (Map.Entry<?, ?> e : l.entrySet()) {
        Boolean r = eq(e.getValue(), m.get(e.getKey()));
        if (r == null) {
          unknown = true;
        } else if (!r) {
          return false;
        }
      }
      return unknown ? null : true;
    }
    if (a.getClass() != b.getClass()) {
      return false;
    }
    return a.equals(b);
  }

  /** Equivalence (DISTINCT, grouping, IN on nulls not needed): null equals null, NaN equals NaN. */
  public static boolean equivalent(Object a, Object b) {
    return orderCompare(a, b) == 0;
  }

  /** Cypher '<' family: negative/zero/positive, or null when the values are not comparable. */
  public static Integer compare(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      if (a instanceof Long l && b instanceof Long m) {
        return Long.compare(l, m);
      }
      double dx = x.doubleValue();
      double dy = y.doubleValue();
      if (Double.isNaN(dx) || Double.isNaN(dy)) {
        return null;
      }
      return Double.compare(dx == 0.0 ? 0.0 : dx, dy == 0.0 ? 0.0 : dy);
    }
    if (a instanceof String s && b instanceof String t) {
      return s.compareTo(t);
    }
    if (a instanceof Boolean s && b instanceof Boolean t) {
      return Boolean.compare(s, t);
    }
    if (Temporal.isTemporal(a) && Temporal.isTemporal(b)) {
      return Temporal.compare(a, b);
    }
    if (a instanceof List<?> l && b instanceof List<?> m) {
      for (int i = 0; i < Math.min(l.size(), m.size()); i++) {
        Object x = l.get(i);
        Object y = m.get(i);
        Boolean e = eq(x, y);
        if (e != null && e) {
          continue;
        }
        Integer c = compare(x, y);
        return c;
      }
      return Integer.compare(l.size(), m.size());
    }
    return null;
  }

  private static int orderRank(Object v) {
    if (v instanceof Map) {
      return 0;
    } else if (v instanceof Node) {
      return 10;
    } else if (v instanceof Edge) {
      return 20;
    } else if (v instanceof List) {
      return 30;
    } else if (v instanceof Path) {
      return 40;
    } else if (v instanceof String) {
      return 50;
    } else if (v instanceof Boolean) {
      return 60;
    } else if (v instanceof Double d && d.isNaN()) {
      return 80;
    } else if (v instanceof Number) {
      return 70;
    } else if (v == null) {
      return 90;
    } else if (Temporal.isTemporal(v)) {
      return 41 + Temporal.rank(v); // DateTime, LocalDateTime, Date, Time, LocalTime, Duration
    } else if (v instanceof Point) {
      return 47;
    }
    return 100;
  }

  /** ORDER BY's total order (ascending); also DISTINCT's and grouping's equivalence. */
  public static int orderCompare(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) { // the common case (index lookups, ORDER BY ids) first
      return Long.compare(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    int ra = orderRank(a);
    int rb = orderRank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    switch (ra) {
      case 0: {
        Map<?, ?> x = (Map<?, ?>) a;
        Map<?, ?> y = (Map<?, ?>) b;
        TreeMap<String, Object> sx = new TreeMap<>();
        x.forEach((k, v) -> sx.put((String) k, v));
        TreeMap<String, Object> sy = new TreeMap<>();
        y.forEach((k, v) -> sy.put((String) k, v));
        Iterator<Map.Entry<String, Object>> i = sx.entrySet().iterator();
        Iterator<Map.Entry<String, Object>> j = sy.entrySet().iterator();
        while (i.hasNext() && j.hasNext()) {
          Map.Entry<String, Object> p = i.next();
          Map.Entry<String, Object> q = j.next();
          int c = p.getKey().compareTo(q.getKey());
          if (c != 0) {
            return c;
          }
          c = orderCompare(p.getValue(), q.getValue());
          if (c != 0) {
            return c;
          }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
      }
      case 10:
        return Integer.compare(((Node) a).id(), ((Node) b).id());
      case 20:
        return Integer.compare(((Edge) a).id(), ((Edge) b).id());
      case 30: {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
          int c = orderCompare(x.get(i), y.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(x.size(), y.size());
      }
      case 40: {
        Path x = (Path) a;
        Path y = (Path) b;
        List<Object> lx = new ArrayList<>();
        List<Object> ly = new ArrayList<>();
        interleave(x, lx);
        interleave(y, ly);
        return orderCompare(lx, ly);
      }
      case 50:
        return ((String) a).compareTo((String) b);
      case 60:
        return Boolean.compare((Boolean) a, (Boolean) b);
      case 70: {
        if (a instanceof Long l && b instanceof Long m) {
          return Long.compare(l, m);
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        int c = Double.compare(x == 0.0 ? 0.0 : x, y == 0.0 ? 0.0 : y);
        if (c == 0 && a instanceof Long l && b instanceof Double) {
          return (double) l == y ? 0 : c;
        }
        return c;
      }
      case 41, 42, 43, 44, 45, 46:
        return Temporal.orderCompare(a, b);
      case 47: {
        Point x = (Point) a;
        Point y = (Point) b;
        int c = Double.compare(x.latitude(), y.latitude());
        return c != 0 ? c : Double.compare(x.longitude(), y.longitude());
      }
      default:
        return 0;
    }
  }

  private static void interleave(Path p, List<Object> out) {
    for (int i = 0; i < p.nodes().size(); i++) {
      out.add(p.nodes().get(i));
      if (i < p.edges().size()) {
        out.add(p.edges().get(i));
      }
    }
  }

  /** Key wrapper giving {@link #equivalent} semantics to hash maps (grouping, DISTINCT). */
  public static final class Key {
    final Object v;
    private final int hash;

    public Key(Object v) {
      this.v = v;
      this.hash = hash(v);
    }

    private static int hash(Object v) {
      if (v == null) {
        return 0;
      }
      if (v instanceof Number n) {
        return numberHash(n.doubleValue());
      }
      if (v instanceof List<?> l) {
        int h = 1;
        for (Object o : l) {
          h = h * 31 + hash(o);
        }
        return h;
      }
      if (v instanceof Map<?, ?> m) {
        int h = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          h += e.getKey().hashCode() ^ hash(e.getValue());
        }
        return h;
      }
      return v.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && equivalent(v, k.v);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
