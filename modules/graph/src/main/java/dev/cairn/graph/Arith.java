package dev.cairn.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Cypher's arithmetic, string and list operators: null in, null out; integer overflow is an error. */
final class Arith {
  private Arith() {}

  static Object add(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l);
      if (b instanceof List<?> m) {
        out.addAll(m);
      } else {
        out.add(b);
      }
      return out;
    }
    if (b instanceof List<?> m) {
      List<Object> out = new ArrayList<>();
      out.add(a);
      out.addAll(m);
      return out;
    }
    if (Temporal.isTemporal(a) || Temporal.isTemporal(b)) {
      Object t = Temporal.add(a, b);
      if (t == null) {
        throw CypherException.typeMismatch("Duration", Temporal.isTemporal(a) ? b : a);
      }
      return t;
    }
    if (a instanceof String s) {
      if (b instanceof String || b instanceof Number || b instanceof Boolean) {
        return s + Functions.str(b);
      }
      throw CypherException.typeMismatch("String, Integer, Float or Boolean", b);
    }
    if (b instanceof String t) {
      if (a instanceof Number || a instanceof Boolean) {
        return Functions.str(a) + t;
      }
      throw CypherException.typeMismatch("String, Integer, Float or Boolean", a);
    }
    if (a instanceof Long x && b instanceof Long y) {
      try {
        return Math.addExact(x, y);
      } catch (ArithmeticException e) {
        throw overflow();
      }
    }
    return num(a) + num(b);
  }

  private static CypherException overflow() {
    return CypherException.argument("Integer overflow");
  }

  static double num(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw CypherException.typeMismatch("Integer or Float", v);
  }

  static Object sub(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (Temporal.isTemporal(a) || Temporal.isTemporal(b)) {
      Object t = Temporal.sub(a, b);
      if (t == null) {
        throw CypherException.typeMismatch("Duration", Temporal.isTemporal(a) ? b : a);
      }
      return t;
    }
    if (a instanceof Long x && b instanceof Long y) {
      try {
        return Math.subtractExact(x, y);
      } catch (ArithmeticException e) {
        throw overflow();
      }
    }
    return num(a) - num(b);
  }

  static Object negate(Object a) {
    if (a == null) {
      return null;
    }
    if (a instanceof Temporal.Dur d) {
      return d.negate();
    }
    if (a instanceof Long x) {
      if (x == Long.MIN_VALUE) {
        throw overflow();
      }
      return -x;
    }
    return -num(a);
  }

  static Object mulDiv(String op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Temporal.Dur || b instanceof Temporal.Dur) {
      Object t = Temporal.mulDiv(op, a, b);
      if (t == null) {
        throw CypherException.typeMismatch("Integer or Float", a instanceof Temporal.Dur ? b : a);
      }
      return t;
    }
    if (a instanceof Long x && b instanceof Long y) {
      switch (op) {
        case "*":
          try {
            return Math.multiplyExact(x, y);
          } catch (ArithmeticException e) {
            throw overflow();
          }
        case "/":
          if (y == 0) {
            throw CypherException.argument("Division by zero");
          }
          return x / y;
        default:
          if (y == 0) {
            throw CypherException.argument("Division by zero");
          }
          return x % y;
      }
    }
    double x = num(a);
    double y = num(b);
    return switch (op) {
      case "*" -> x * y;
      case "/" -> x / y;
      default -> x % y;
    };
  }

  static Object pow(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    return Math.pow(num(a), num(b));
  }

  static Object index(Ctx c, Object base, Object idx) {
    if (base == null || idx == null) {
      return null;
    }
    if (base instanceof List<?> l) {
      if (!(idx instanceof Long i)) {
        throw CypherException.typeMismatch("Integer", idx);
      }
      long k = i < 0 ? l.size() + i : i;
      return k < 0 || k >= l.size() ? null : l.get((int) k);
    }
    if (base instanceof Map<?, ?> || base instanceof Values.Node || base instanceof Values.Edge) {
      if (!(idx instanceof String key)) {
        throw CypherException.typeMismatch("String", idx);
      }
      return ExprCompiler.property(c, base, key);
    }
    throw CypherException.typeMismatch("List", base);
  }

  static Object slice(Object base, Object from, Object to) {
    if (base == null || from == null || to == null) {
      return null;
    }
    if (!(base instanceof List<?> l)) {
      throw CypherException.typeMismatch("List", base);
    }
    if (!(from instanceof Long f) || !(to instanceof Long t)) {
      throw CypherException.typeMismatch("Integer", from instanceof Long ? to : from);
    }
    int n = l.size();
    long s = f < 0 ? Math.max(0, n + f) : Math.min(n, f);
    long e = t < 0 ? Math.max(0, n + t) : Math.min(n, t);
    if (s >= e) {
      return new ArrayList<>();
    }
    return new ArrayList<>(l.subList((int) s, (int) e));
  }
}
