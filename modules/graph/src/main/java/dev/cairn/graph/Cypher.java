package dev.cairn.graph;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Cypher source text for values and names (AOF rewrite, digests) and C's {@code %.15g} for doubles. */
final class Cypher {
  private Cypher() {}

  static String quoteName(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  static String literal(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "(0.0 / 0.0)";
      }
      if (d.isInfinite()) {
        return d > 0 ? "(1.0 / 0.0)" : "(-1.0 / 0.0)";
      }
      return Double.toString(d);
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : l) {
        sb.append(sb.length() > 1 ? ", " : "").append(literal(o));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Temporal.Dur d) {
      return "duration({months: " + d.months() + ", days: " + d.days() + ", seconds: " + d.seconds()
          + ", nanoseconds: " + d.nanos() + "})";
    }
    if (Temporal.isTemporal(v)) {
      return Temporal.typeName(v).toLowerCase(Locale.ROOT) + "('" + v + "')";
    }
    if (v instanceof Point p) {
      return "point({latitude: " + literal(p.latitude()) + ", longitude: " + literal(p.longitude()) + "})";
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sb.length() > 1 ? ", " : "").append(quoteName((String) e.getKey())).append(": ")
            .append(literal(e.getValue()));
      }
      return sb.append('}').toString();
    }
    return String.valueOf(v);
  }

  static String props(Graph g, Object[] p) {
    if (p.length == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" {");
    for (int i = 0; i < p.length; i += 2) {
      sb.append(i > 0 ? ", " : "").append(quoteName(g.keys.name((Integer) p[i]))).append(": ")
          .append(literal(p[i + 1]));
    }
    return sb.append('}').toString();
  }

  /** C's printf("%.15g"): 15 significant digits, trailing zeros dropped, exponent form outside 1e-5..1e15. */
  static String g15(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    String e = String.format(Locale.ROOT, "%.14e", d); // d.dddddddddddddde±XX
    int ePos = e.indexOf('e');
    int exp = Integer.parseInt(e.substring(ePos + 1));
    if (exp < -4 || exp >= 15) {
      String mant = stripZeros(e.substring(0, ePos));
      String sign = exp < 0 ? "-" : "+";
      int a = Math.abs(exp);
      return mant + "e" + sign + (a < 10 ? "0" : "") + a;
    }
    return stripZeros(String.format(Locale.ROOT, "%." + (14 - exp) + "f", d));
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  /** RedisGraph's printable form of a value in verbose replies (arrays and maps are sent as text). */
  static String text(Ctx c, Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Double d) {
      return g15(d);
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : l) {
        sb.append(sb.length() > 1 ? ", " : "").append(o instanceof String s ? s : text(c, o));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append(": ").append(text(c, e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof Values.Node n) {
      return "(" + n.id() + ")";
    }
    if (v instanceof Values.Edge e) {
      return "[" + e.id() + "]";
    }
    if (v instanceof Values.Path p) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < p.nodes().size(); i++) {
        sb.append(i > 0 ? ", " : "").append(text(c, p.nodes().get(i)));
        if (i < p.edges().size()) {
          sb.append(", ").append(text(c, p.edges().get(i)));
        }
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }
}
