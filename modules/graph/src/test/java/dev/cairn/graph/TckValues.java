package dev.cairn.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TCK's value syntax (result tables and parameters): parsing, and one canonical text per value so that an
 * expected cell and an actual value compare as strings.
 */
final class TckValues {
  private TckValues() {}

  record TNode(List<String> labels, Map<String, Object> props) {}

  record TEdge(String type, Map<String, Object> props) {}

  /** Alternating nodes and edges; dirs.get(i) true when edge i points forward. */
  record TPath(List<Object> parts, List<Boolean> dirs) {}

  static Object parse(String text) {
    Parser p = new Parser(text.strip());
    Object v = p.value();
    p.ws();
    if (p.i != p.s.length()) {
      throw new IllegalArgumentException("trailing text in TCK value: " + text);
    }
    return v;
  }

  private static final class Parser {
    final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    boolean eat(String t) {
      ws();
      if (s.startsWith(t, i)) {
        i += t.length();
        return true;
      }
      return false;
    }

    void expect(String t) {
      if (!eat(t)) {
        throw new IllegalArgumentException("expected " + t + " at " + i + " in " + s);
      }
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '\'') {
        return string();
      }
      if (c == '[') {
        int save = i;
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == ':') {
          i = save;
          return edge();
        }
        List<Object> l = new ArrayList<>();
        if (eat("]")) {
          return l;
        }
        do {
          l.add(value());
        } while (eat(","));
        expect("]");
        return l;
      }
      if (c == '{') {
        return map();
      }
      if (c == '(') {
        return node();
      }
      if (c == '<') {
        return path();
      }
      if (eat("null")) {
        return null;
      }
      if (eat("true")) {
        return true;
      }
      if (eat("false")) {
        return false;
      }
      if (eat("NaN")) {
        return Double.NaN;
      }
      if (eat("-Inf")) {
        return Double.NEGATIVE_INFINITY;
      }
      if (eat("Inf")) {
        return Double.POSITIVE_INFINITY;
      }
      int start = i;
      if (s.charAt(i) == '-' || s.charAt(i) == '+') {
        i++;
      }
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
          || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
        i++;
      }
      String num = s.substring(start, i);
      if (num.matches("[-+]?[0-9]+")) {
        return Long.parseLong(num);
      }
      return Double.parseDouble(num);
    }

    String string() {
      StringBuilder sb = new StringBuilder();
      i++;
      while (s.charAt(i) != '\'') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char n = s.charAt(i++);
          sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
        } else {
          sb.append(c);
        }
      }
      i++;
      return sb.toString();
    }

    String name() {
      ws();
      int start = i;
      if (s.charAt(i) == '`') {
        int end = s.indexOf('`', i + 1);
        i = end + 1;
        return s.substring(start + 1, end);
      }
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      return s.substring(start, i);
    }

    Map<String, Object> map() {
      expect("{");
      Map<String, Object> m = new LinkedHashMap<>();
      if (eat("}")) {
        return m;
      }
      do {
        String k = name();
        expect(":");
        m.put(k, value());
      } while (eat(","));
      expect("}");
      return m;
    }

    TNode node() {
      expect("(");
      List<String> labels = new ArrayList<>();
      while (eat(":")) {
        labels.add(name());
      }
      ws();
      Map<String, Object> props = s.charAt(i) == '{' ? map() : Map.of();
      expect(")");
      return new TNode(labels, props);
    }

    TEdge edge() {
      expect("[");
      expect(":");
      String type = name();
      ws();
      Map<String, Object> props = s.charAt(i) == '{' ? map() : Map.of();
      expect("]");
      return new TEdge(type, props);
    }

    TPath path() {
      expect("<");
      List<Object> parts = new ArrayList<>();
      List<Boolean> dirs = new ArrayList<>();
      parts.add(node());
      while (!eat(">")) {
        if (eat("<-")) {
          parts.add(edge());
          expect("-");
          dirs.add(false);
        } else {
          expect("-");
          parts.add(edge());
          expect("->");
          dirs.add(true);
        }
        parts.add(node());
      }
      return new TPath(parts, dirs);
    }
  }

  /** The canonical text of a parsed or converted value; lists sorted when {@code unorderedLists}. */
  static String canon(Object v, boolean unorderedLists) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "NaN";
      }
      if (d.isInfinite()) {
        return d > 0 ? "Inf" : "-Inf";
      }
      return Double.toString(d);
    }
    if (v instanceof List<?> l) {
      List<String> items = new ArrayList<>();
      for (Object o : l) {
        items.add(canon(o, unorderedLists));
      }
      if (unorderedLists) {
        items.sort(null);
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof Map<?, ?> m) {
      TreeMap<String, String> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put((String) k, canon(x, unorderedLists)));
      List<String> items = new ArrayList<>();
      sorted.forEach((k, x) -> items.add(k + ": " + x));
      return "{" + String.join(", ", items) + "}";
    }
    if (v instanceof TNode n) {
      List<String> ls = new ArrayList<>(n.labels());
      ls.sort(null);
      StringBuilder sb = new StringBuilder("(");
      ls.forEach(l -> sb.append(':').append(l));
      if (!n.props().isEmpty()) {
        sb.append(sb.length() > 1 ? " " : "").append(canon(n.props(), unorderedLists));
      }
      return sb.append(')').toString();
    }
    if (v instanceof TEdge e) {
      return "[:" + e.type() + (e.props().isEmpty() ? "" : " " + canon(e.props(), unorderedLists)) + "]";
    }
    if (v instanceof TPath p) {
      StringBuilder sb = new StringBuilder("<").append(canon(p.parts().get(0), unorderedLists));
      for (int k = 0; k < p.dirs().size(); k++) {
        String e = canon(p.parts().get(2 * k + 1), unorderedLists);
        sb.append(p.dirs().get(k) ? "-" + e + "->" : "<-" + e + "-");
        sb.append(canon(p.parts().get(2 * k + 2), unorderedLists));
      }
      return sb.append('>').toString();
    }
    return String.valueOf(v);
  }

  /** An entity's properties in TCK form (a temporal property is written as its text, as a top-level one). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> props(Ctx c, Map<String, Object> props) {
    return (Map<String, Object>) fromEngine(c, props);
  }

  /** An engine value in TCK form (nodes and edges with their labels, type and properties read from the graph). */
  static Object fromEngine(Ctx c, Object v) {
    if (Temporal.isTemporal(v)) {
      return v.toString(); // the TCK writes temporal results as their text
    }
    if (v instanceof Values.Node n) {
      List<String> labels = new ArrayList<>();
      if (c.graph.nodeExists(n.id())) {
        for (int l : c.graph.labels(n.id())) {
          labels.add(c.graph.labels.name(l));
        }
      }
      return new TNode(labels, props(c, Functions.propertyMap(c, n)));
    }
    if (v instanceof Values.Edge e) {
      String type = c.graph.edgeExists(e.id()) ? c.graph.types.name(c.graph.type(e.id())) : "?";
      return new TEdge(type, props(c, Functions.propertyMap(c, e)));
    }
    if (v instanceof Values.Path p) {
      List<Object> parts = new ArrayList<>();
      List<Boolean> dirs = new ArrayList<>();
      parts.add(fromEngine(c, p.nodes().get(0)));
      for (int k = 0; k < p.edges().size(); k++) {
        Values.Edge e = p.edges().get(k);
        parts.add(fromEngine(c, e));
        dirs.add(c.graph.edgeExists(e.id()) && c.graph.src(e.id()) == p.nodes().get(k).id());
        parts.add(fromEngine(c, p.nodes().get(k + 1)));
      }
      return new TPath(parts, dirs);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(fromEngine(c, o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put((String) k, fromEngine(c, x)));
      return out;
    }
    return v;
  }
}
