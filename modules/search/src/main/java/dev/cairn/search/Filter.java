package dev.cairn.search;

import java.util.List;
import java.util.Map;

/**
 * FT.CREATE's FILTER: an expression over the document's fields ({@code @name}, {@code @__key}) as in FT.AGGREGATE's
 * FILTER: numbers, "strings", comparisons, {@code && || !}, parentheses and {@code startswith(s, prefix)},
 * {@code contains(s, part)}. A document whose expression is false (or 0, or empty) is not indexed.
 */
final class Filter {
  private final String src;
  private int pos;

  private Filter(String src) {
    this.src = src;
  }

  /** A parsed expression: evaluates to a Double or a String (null for a missing field). */
  interface Expr {
    Object eval(Map<String, String> doc);
  }

  /** What ends a {@code @$path} in an expression. */
  private static final String PATH_END = " \t=!<>&|(),";

  /** The JSON paths ({@code @$...}) an expression reads. */
  static List<String> paths(String text) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = text.indexOf("@$"); i >= 0; i = text.indexOf("@$", i + 1)) {
      int end = i + 1;
      while (end < text.length() && PATH_END.indexOf(text.charAt(end)) < 0) {
        end++;
      }
      out.add(text.substring(i + 1, end));
    }
    return out;
  }

  static Expr parse(String text) {
    Filter f = new Filter(text);
    Expr e = f.or();
    f.ws();
    if (f.pos != text.length()) {
      throw IndexDefinition.err("Syntax error at offset " + f.pos + " near " + text.substring(f.pos));
    }
    return e;
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Double d) {
      return d != 0 && !d.isNaN();
    }
    return !((String) v).isEmpty();
  }

  private void ws() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private boolean eat(String op) {
    ws();
    if (src.startsWith(op, pos)) {
      pos += op.length();
      return true;
    }
    return false;
  }

  private Expr or() {
    Expr l = and();
    while (eat("||")) {
      Expr a = l;
      Expr b = and();
      l = d -> truthy(a.eval(d)) || truthy(b.eval(d)) ? 1.0 : 0.0;
    }
    return l;
  }

  private Expr and() {
    Expr l = cmp();
    while (eat("&&")) {
      Expr a = l;
      Expr b = cmp();
      l = d -> truthy(a.eval(d)) && truthy(b.eval(d)) ? 1.0 : 0.0;
    }
    return l;
  }

  private Expr cmp() {
    Expr l = unary();
    for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
      if (eat(op)) {
        Expr a = l;
        Expr b = unary();
        return d -> compare(op, a.eval(d), b.eval(d)) ? 1.0 : 0.0;
      }
    }
    return l;
  }

  private static boolean compare(String op, Object x, Object y) {
    if (x == null || y == null) {
      return op.equals("!=") && (x != null || y != null);
    }
    int c;
    Double dx = num(x);
    Double dy = num(y);
    if (dx != null && dy != null) {
      c = Double.compare(dx, dy);
    } else {
      c = x.toString().compareTo(y.toString());
    }
    return switch (op) {
      case "==" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  private static Double num(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    try {
      return Double.parseDouble((String) v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Expr unary() {
    if (eat("!")) {
      Expr e = unary();
      return d -> truthy(e.eval(d)) ? 0.0 : 1.0;
    }
    return primary();
  }

  private Expr primary() {
    ws();
    if (pos >= src.length()) {
      throw IndexDefinition.err("Syntax error at offset " + pos + ": unexpected end of expression");
    }
    char ch = src.charAt(pos);
    if (ch == '(') {
      pos++;
      Expr e = or();
      if (!eat(")")) {
        throw IndexDefinition.err("Syntax error at offset " + pos + ": expected )");
      }
      return e;
    }
    if (ch == '@') {
      int start = ++pos;
      if (pos < src.length() && src.charAt(pos) == '$') { // a JSON path (ON JSON): up to a space or an operator
        while (pos < src.length() && PATH_END.indexOf(src.charAt(pos)) < 0) {
          pos++;
        }
      }
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      String name = src.substring(start, pos);
      return d -> d.get(name);
    }
    if (ch == '"' || ch == '\'') {
      int end = src.indexOf(ch, pos + 1);
      if (end < 0) {
        throw IndexDefinition.err("Syntax error at offset " + pos + ": unterminated string");
      }
      String s = src.substring(pos + 1, end);
      pos = end + 1;
      return d -> s;
    }
    if (Character.isDigit(ch) || ch == '-' || ch == '.') {
      int start = pos++;
      while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || ".eE+-".indexOf(src.charAt(pos)) >= 0)) {
        pos++;
      }
      double v;
      try {
        v = Double.parseDouble(src.substring(start, pos));
      } catch (NumberFormatException e) {
        throw IndexDefinition.err("Syntax error at offset " + start + ": bad number");
      }
      return d -> v;
    }
    int start = pos;
    while (pos < src.length() && Character.isLetter(src.charAt(pos))) {
      pos++;
    }
    String fn = src.substring(start, pos).toLowerCase(java.util.Locale.ROOT);
    if ((fn.equals("startswith") || fn.equals("contains")) && eat("(")) {
      Expr a = or();
      if (!eat(",")) {
        throw IndexDefinition.err("Syntax error at offset " + pos + ": expected ,");
      }
      Expr b = or();
      if (!eat(")")) {
        throw IndexDefinition.err("Syntax error at offset " + pos + ": expected )");
      }
      boolean starts = fn.equals("startswith");
      return d -> {
        Object x = a.eval(d);
        Object y = b.eval(d);
        if (x == null || y == null) {
          return 0.0;
        }
        String sx = x instanceof Double dx ? fmt(dx) : (String) x;
        String sy = y instanceof Double dy ? fmt(dy) : (String) y;
        return (starts ? sx.startsWith(sy) : sx.contains(sy)) ? 1.0 : 0.0;
      };
    }
    throw IndexDefinition.err("Syntax error at offset " + start + " near " + src.substring(start));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
