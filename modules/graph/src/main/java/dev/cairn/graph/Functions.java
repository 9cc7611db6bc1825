package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.Values.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Cypher's scalar functions (openCypher's and RedisGraph's extras) and aggregating functions. */
final class Functions {
  private Functions() {}

  private static final Set<String> AGGREGATES = Set.of("count", "sum", "avg", "min", "max", "collect", "stdev",
      "stdevp", "percentilecont", "percentiledisc");

  static boolean isAggregate(String lower) {
    return AGGREGATES.contains(lower);
  }

  static String str(Object v) {
    if (v instanceof Double d) {
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      return Double.toString(d);
    }
    return String.valueOf(v);
  }

  interface Fn {
    Object apply(Ctx c, List<Object> a);
  }

  private record Def(int min, int max, Fn fn) {}

  private static final Map<String, Def> SCALARS = new LinkedHashMap<>();

  static void def(String name, int min, int max, Fn fn) {
    SCALARS.put(name, new Def(min, max, fn));
  }

  private static boolean anyNull(List<Object> a) {
    for (Object o : a) {
      if (o == null) {
        return true;
      }
    }
    return false;
  }

  /** A function of one argument of {@code type}: null gives null, another type a type mismatch. */
  private static <T> void typed(String name, Class<T> type, String typeName,
      java.util.function.BiFunction<Ctx, T, Object> f) {
    def(name, 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (!type.isInstance(v)) {
        throw CypherException.typeMismatch(typeName, v);
      }
      return f.apply(c, type.cast(v));
    });
  }

  /** A null-in-null-out function over numbers. */
  private static void math(String name, java.util.function.DoubleUnaryOperator f) {
    def(name, 1, 1, (c, a) -> a.get(0) == null ? null : f.applyAsDouble(Arith.num(a.get(0))));
  }

  private static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw CypherException.typeMismatch("String", v);
  }

  private static long integer(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    throw CypherException.typeMismatch("Integer", v);
  }

  static {
    def("id", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof Node n) {
        return (long) n.id();
      }
      if (v instanceof Edge e) {
        return (long) e.id();
      }
      throw CypherException.typeMismatch("Node or Edge", v);
    });
    def("labels", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Node n)) {
        throw CypherException.typeMismatch("Node", v);
      }
      List<Object> out = new ArrayList<>();
      if (c.graph.nodeExists(n.id())) {
        for (int l : c.graph.labels(n.id())) {
          out.add(c.graph.labels.name(l));
        }
      }
      return out;
    });
    typed("type", Edge.class, "Edge", (c, e) -> c.graph.types.name(c.graph.type(e.id())));
    def("properties", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof Map) {
        return v;
      }
      return propertyMap(c, v);
    });
    def("keys", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof Map<?, ?> m) {
        return new ArrayList<Object>(m.keySet());
      }
      return new ArrayList<Object>(propertyMap(c, v).keySet());
    });
    def("exists", 1, 1, (c, a) -> a.get(0) != null);
    def("coalesce", 1, Integer.MAX_VALUE, (c, a) -> {
      for (Object o : a) {
        if (o != null) {
          return o;
        }
      }
      return null;
    });
    def("head", 1, 1, (c, a) -> {
      List<?> l = list(a.get(0));
      return l == null || l.isEmpty() ? null : l.get(0);
    });
    def("last", 1, 1, (c, a) -> {
      List<?> l = list(a.get(0));
      return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
    });
    def("tail", 1, 1, (c, a) -> {
      List<?> l = list(a.get(0));
      return l == null ? null : l.isEmpty() ? new ArrayList<>() : new ArrayList<Object>(l.subList(1, l.size()));
    });
    def("size", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof String s) {
        return (long) s.codePointCount(0, s.length());
      }
      if (v instanceof List<?> l) {
        return (long) l.size();
      }
      throw CypherException.typeMismatch("List or String", v);
    });
    typed("length", Path.class, "Path", (c, p) -> (long) p.edges().size());
    typed("nodes", Path.class, "Path", (c, p) -> new ArrayList<Object>(p.nodes()));
    typed("relationships", Path.class, "Path", (c, p) -> new ArrayList<Object>(p.edges()));
    typed("startnode", Edge.class, "Edge", (c, e) -> new Node(c.graph.src(e.id())));
    typed("endnode", Edge.class, "Edge", (c, e) -> new Node(c.graph.dst(e.id())));
    def("range", 2, 3, (c, a) -> {
      for (Object o : a) {
        if (!(o instanceof Long)) {
          throw CypherException.argument("Type mismatch: expected Integer but was " + Values.typeName(o));
        }
      }
      long from = integer(a.get(0));
      long to = integer(a.get(1));
      long step = a.size() > 2 ? integer(a.get(2)) : 1;
      if (step == 0) {
        throw CypherException.argument("ArgumentError: step argument to range() can't be 0");
      }
      List<Object> out = new ArrayList<>();
      for (long i = from; step > 0 ? i <= to : i >= to; i += step) {
        out.add(i);
        if (out.size() > 10_000_000) {
          throw CypherException.argument("range() too large");
        }
      }
      return out;
    });
    def("reverse", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof String s) {
        return new StringBuilder(s).reverse().toString();
      }
      List<Object> l = new ArrayList<>(list(v));
      Collections.reverse(l);
      return l;
    });
    def("tostring", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof String || v instanceof Number || v instanceof Boolean || Temporal.isTemporal(v)) {
        return str(v);
      }
      throw CypherException.typeMismatch("String, Integer, Float or Boolean", v);
    });
    def("tostringornull", 1, 1, (c, a) -> {
      Object v = a.get(0);
      return v instanceof String || v instanceof Number || v instanceof Boolean || Temporal.isTemporal(v) ? str(v)
          : null;
    });
    def("tointeger", 1, 1, (c, a) -> toInteger(a.get(0), true));
    def("tointegerornull", 1, 1, (c, a) -> toInteger(a.get(0), false));
    def("tofloat", 1, 1, (c, a) -> toFloat(a.get(0), true));
    def("tofloatornull", 1, 1, (c, a) -> toFloat(a.get(0), false));
    def("toboolean", 1, 1, (c, a) -> toBoolean(a.get(0), true));
    def("tobooleanornull", 1, 1, (c, a) -> toBoolean(a.get(0), false));
    def("tolower", 1, 1, (c, a) -> a.get(0) == null ? null : string(a.get(0)).toLowerCase(Locale.ROOT));
    def("toupper", 1, 1, (c, a) -> a.get(0) == null ? null : string(a.get(0)).toUpperCase(Locale.ROOT));
    SCALARS.put("lower", SCALARS.get("tolower"));
    SCALARS.put("upper", SCALARS.get("toupper"));
    def("trim", 1, 1, (c, a) -> a.get(0) == null ? null : string(a.get(0)).strip());
    def("ltrim", 1, 1, (c, a) -> a.get(0) == null ? null : string(a.get(0)).stripLeading());
    def("rtrim", 1, 1, (c, a) -> a.get(0) == null ? null : string(a.get(0)).stripTrailing());
    def("replace", 3, 3, (c, a) -> anyNull(a) ? null
        : string(a.get(0)).replace(string(a.get(1)), string(a.get(2))));
    def("substring", 2, 3, (c, a) -> {
      if (a.get(0) == null) {
        return null;
      }
      String s = string(a.get(0));
      long start = integer(a.get(1));
      long len = a.size() > 2 ? integer(a.get(2)) : Long.MAX_VALUE;
      if (start < 0 || len < 0) {
        throw CypherException.argument("substring: negative start or length");
      }
      if (start >= s.length()) {
        return "";
      }
      return s.substring((int) start, (int) Math.min(s.length(), start + Math.min(len, Integer.MAX_VALUE)));
    });
    def("left", 2, 2, (c, a) -> {
      if (a.get(0) == null) {
        return null;
      }
      if (a.get(1) == null) {
        throw CypherException.argument("left: length must not be null");
      }
      String s = string(a.get(0));
      long n = integer(a.get(1));
      if (n < 0) {
        throw CypherException.argument("left: negative length");
      }
      return s.substring(0, (int) Math.min(n, s.length()));
    });
    def("right", 2, 2, (c, a) -> {
      if (a.get(0) == null) {
        return null;
      }
      if (a.get(1) == null) {
        throw CypherException.argument("right: length must not be null");
      }
      String s = string(a.get(0));
      long n = integer(a.get(1));
      if (n < 0) {
        throw CypherException.argument("right: negative length");
      }
      return s.substring(s.length() - (int) Math.min(n, s.length()));
    });
    def("split", 2, 2, (c, a) -> {
      if (anyNull(a)) {
        return null;
      }
      String s = string(a.get(0));
      String d = string(a.get(1));
      List<Object> out = new ArrayList<>();
      if (d.isEmpty()) {
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
      }
      int at = 0;
      for (int i = s.indexOf(d); i >= 0; i = s.indexOf(d, at)) {
        out.add(s.substring(at, i));
        at = i + d.length();
      }
      out.add(s.substring(at));
      return out;
    });
    def("abs", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof Long l) {
        return Math.abs(l);
      }
      return Math.abs(Arith.num(v));
    });
    math("ceil", Math::ceil);
    math("floor", Math::floor);
    def("round", 1, 1, (c, a) -> a.get(0) == null ? null
        : a.get(0) instanceof Long l ? (Object) l.doubleValue() : (Object) (double) Math.round(Arith.num(a.get(0))));
    def("sign", 1, 1, (c, a) -> a.get(0) == null ? null : (long) Math.signum(Arith.num(a.get(0))));
    math("sqrt", Math::sqrt);
    math("log", Math::log);
    math("log10", Math::log10);
    math("exp", Math::exp);
    math("sin", Math::sin);
    math("cos", Math::cos);
    math("tan", Math::tan);
    math("cot", x -> 1 / Math.tan(x));
    math("asin", Math::asin);
    math("acos", Math::acos);
    math("atan", Math::atan);
    math("degrees", Math::toDegrees);
    math("radians", Math::toRadians);
    math("haversin", x -> (1 - Math.cos(x)) / 2);
    def("atan2", 2, 2, (c, a) -> anyNull(a) ? null : Math.atan2(Arith.num(a.get(0)), Arith.num(a.get(1))));
    def("pow", 2, 2, (c, a) -> Arith.pow(a.get(0), a.get(1)));
    def("e", 0, 0, (c, a) -> Math.E);
    def("pi", 0, 0, (c, a) -> Math.PI);
    def("rand", 0, 0, (c, a) -> Math.random());
    def("timestamp", 0, 0, (c, a) -> System.currentTimeMillis());
    def("randomuuid", 0, 0, (c, a) -> UUID.randomUUID().toString());
    def("isempty", 1, 1, (c, a) -> {
      Object v = a.get(0);
      if (v == null) {
        return null;
      }
      if (v instanceof String s) {
        return s.isEmpty();
      }
      if (v instanceof List<?> l) {
        return l.isEmpty();
      }
      if (v instanceof Map<?, ?> m) {
        return m.isEmpty();
      }
      throw CypherException.typeMismatch("List, String or Map", v);
    });
    def("indegree", 1, Integer.MAX_VALUE, (c, a) -> degree(c, a, false));
    def("outdegree", 1, Integer.MAX_VALUE, (c, a) -> degree(c, a, true));
    def("haslabels", 2, 2, (c, a) -> {
      if (a.get(0) == null) {
        return null;
      }
      if (!(a.get(0) instanceof Node n)) {
        throw CypherException.typeMismatch("Node", a.get(0));
      }
      for (Object l : list(a.get(1))) {
        int id = c.graph.labels.id(string(l));
        if (id < 0 || !c.graph.hasLabel(n.id(), id)) {
          return false;
        }
      }
      return true;
    });
    def("typeof", 1, 1, (c, a) -> Values.typeName(a.get(0)));
    def("point", 1, 1, (c, a) -> Point.of(a.get(0)));
    def("distance", 2, 2, (c, a) -> Point.distance(a.get(0), a.get(1)));
    TemporalFunctions.register();
  }

  private static Object degree(Ctx c, List<Object> a, boolean out) {
    if (a.get(0) == null) {
      return null;
    }
    if (!(a.get(0) instanceof Node n)) {
      throw CypherException.typeMismatch("Node", a.get(0));
    }
    if (a.size() == 1) {
      return (long) (out ? c.graph.outDegree(n.id()) : c.graph.inDegree(n.id()));
    }
    Set<Integer> types = new java.util.HashSet<>();
    for (int i = 1; i < a.size(); i++) {
      Object t = a.get(i);
      for (Object o : t instanceof List<?> l ? l : List.of(t)) {
        types.add(c.graph.types.id(string(o)));
      }
    }
    long d = 0;
    int[] es = out ? c.graph.outEdges(n.id()) : c.graph.inEdges(n.id());
    int len = out ? c.graph.outDegree(n.id()) : c.graph.inDegree(n.id());
    for (int i = 0; i < len; i++) {
      if (types.contains(c.graph.type(es[i]))) {
        d++;
      }
    }
    return d;
  }

  static Map<String, Object> propertyMap(Ctx c, Object v) {
    boolean node;
    int id;
    if (v instanceof Node n) {
      node = true;
      id = n.id();
      if (!c.graph.nodeExists(id)) {
        return new LinkedHashMap<>();
      }
    } else if (v instanceof Edge e) {
      node = false;
      id = e.id();
      if (!c.graph.edgeExists(id)) {
        return new LinkedHashMap<>();
      }
    } else {
      throw CypherException.typeMismatch("Map, Node or Edge", v);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Object[] p = c.graph.props(node, id);
    for (int i = 0; i < p.length; i += 2) {
      out.put(c.graph.keys.name((Integer) p[i]), p[i + 1]);
    }
    return out;
  }

  private static List<?> list(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> l) {
      return l;
    }
    throw CypherException.typeMismatch("List", v);
  }

  private static Object toInteger(Object v, boolean strict) {
    if (v == null || v instanceof Long) {
      return v;
    }
    if (v instanceof Double d) {
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return null;
      }
      return (long) d.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        try {
          double d = Double.parseDouble(s.strip());
          return Double.isNaN(d) ? null : (long) d;
        } catch (NumberFormatException e2) {
          return null;
        }
      }
    }
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (strict) {
      throw CypherException.typeMismatch("String, Boolean, Integer or Float", v);
    }
    return null;
  }

  private static Object toFloat(Object v, boolean strict) {
    if (v == null || v instanceof Double) {
      return v;
    }
    if (v instanceof Long l) {
      return l.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (strict) {
      throw CypherException.typeMismatch("String, Integer or Float", v);
    }
    return null;
  }

  private static Object toBoolean(Object v, boolean strict) {
    if (v == null || v instanceof Boolean) {
      return v;
    }
    if (v instanceof String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      return t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null;
    }
    if (v instanceof Long l) {
      return l != 0;
    }
    if (strict) {
      throw CypherException.typeMismatch("String, Boolean or Integer", v);
    }
    return null;
  }

  static Expr scalar(String lower, String name, List<Expr> args) {
    Def d = SCALARS.get(lower);
    if (d == null) {
      throw CypherException.semantic("Unknown function '" + name + "'");
    }
    if (args.size() < d.min() || args.size() > d.max()) {
      throw CypherException.semantic((args.size() < d.min() ? "Received " + args.size()
          + " arguments to function '" + name + "', expected at least " + d.min()
          : "Received " + args.size() + " arguments to function '" + name + "', expected at most " + d.max()));
    }
    Fn fn = d.fn();
    return (c, r) -> {
      List<Object> vals = new ArrayList<>(args.size());
      for (Expr e : args) {
        vals.add(e.eval(c, r));
      }
      return fn.apply(c, vals);
    };
  }

  /**
   * An aggregating call in a projection: as an expression it reads its result from the group's row (slot
   * {@code "\0agg" + slot}), which the projection fills after folding the group's rows.
   */
  static final class Aggregate implements Expr {
    final String fn;
    final boolean distinct;
    final List<Expr> args;
    final String slot;
    final boolean star;

    Aggregate(String fn, boolean distinct, List<Expr> args, int slot, boolean star) {
      this.fn = fn;
      this.distinct = distinct;
      this.args = args;
      this.slot = "\0agg" + slot;
      this.star = star;
    }

    @Override
    public Object eval(Ctx c, Map<String, Object> row) {
      return row.get(slot);
    }

    Object fold(Ctx c, List<Map<String, Object>> rows) {
      if (star) {
        return (long) rows.size();
      }
      List<Object> vals = new ArrayList<>();
      Set<Values.Key> seen = distinct ? new LinkedHashSet<>() : null;
      Object extra = null;
      for (Map<String, Object> r : rows) {
        c.tick();
        Object v = args.get(0).eval(c, r);
        if (args.size() > 1 && extra == null) {
          extra = args.get(1).eval(c, r);
        }
        if (v == null) {
          continue;
        }
        if (seen != null && !seen.add(new Values.Key(v))) {
          continue;
        }
        vals.add(v);
      }
      switch (fn) {
        case "count":
          return (long) vals.size();
        case "collect":
          return vals;
        case "sum": {
          boolean dbl = false;
          long ls = 0;
          double ds = 0;
          for (Object v : vals) {
            if (v instanceof Long l && !dbl) {
              try {
                ls = Math.addExact(ls, l);
              } catch (ArithmeticException e) {
                throw CypherException.argument("Integer overflow");
              }
            } else {
              if (!dbl) {
                ds = ls;
                dbl = true;
              }
              ds += Arith.num(v);
            }
          }
          return dbl ? (Object) ds : (Object) ls;
        }
        case "avg": {
          if (vals.isEmpty()) {
            return null;
          }
          double s = 0;
          for (Object v : vals) {
            s += Arith.num(v);
          }
          return s / vals.size();
        }
        case "min":
        case "max": {
          Object best = null;
          for (Object v : vals) {
            if (best == null) {
              best = v;
              continue;
            }
            int cmp = Values.orderCompare(v, best);
            if (fn.equals("min") ? cmp < 0 : cmp > 0) {
              best = v;
            }
          }
          return best;
        }
        case "stdev":
        case "stdevp": {
          int n = vals.size();
          if (n < (fn.equals("stdev") ? 2 : 1)) {
            return 0.0;
          }
          double mean = 0;
          for (Object v : vals) {
            mean += Arith.num(v);
          }
          mean /= n;
          double sq = 0;
          for (Object v : vals) {
            double d = Arith.num(v) - mean;
            sq += d * d;
          }
          return Math.sqrt(sq / (fn.equals("stdev") ? n - 1 : n));
        }
        default: { // percentileCont / percentileDisc
          double p = Arith.num(extra);
          if (p < 0 || p > 1) {
            throw CypherException.argument("Number out of range: " + str(extra));
          }
          if (vals.isEmpty()) {
            return null;
          }
          List<Double> ds = new ArrayList<>();
          for (Object v : vals) {
            ds.add(Arith.num(v));
          }
          Collections.sort(ds);
          if (fn.equals("percentiledisc")) {
            int idx = (int) Math.max(0, Math.ceil(p * ds.size()) - 1);
            Object v = vals.size() == ds.size() ? pickOriginal(vals, ds.get(idx)) : ds.get(idx);
            return v;
          }
          double pos = p * (ds.size() - 1);
          int lo = (int) Math.floor(pos);
          int hi = (int) Math.ceil(pos);
          return ds.get(lo) + (ds.get(hi) - ds.get(lo)) * (pos - lo);
        }
      }
    }
  }

  private static Object pickOriginal(List<Object> vals, double d) {
    for (Object v : vals) {
      if (Arith.num(v) == d) {
        return v;
      }
    }
    return d;
  }

  static void checkAggregateArity(Aggregate a, String name) {
    int n = a.args.size();
    boolean percentile = a.fn.startsWith("percentile");
    if (percentile ? n != 2 : n != 1) {
      throw CypherException.semantic("Received " + n + " arguments to function '" + name + "', expected "
          + (percentile ? 2 : 1));
    }
  }
}
