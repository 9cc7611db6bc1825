package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.List;
import java.util.Map;

/**
 * FT.CREATE's FILTER: an expression of RediSearch's expression language ({@link Expr}, as FT.AGGREGATE's FILTER)
 * over the document's fields ({@code @name}, {@code @__key}). A document whose expression is false (or 0, or empty),
 * or cannot be evaluated (a field it lacks), is not indexed.
 */
final class Filter {
  private Filter() {
  }

  /** A parsed expression: evaluates to a Double, a String, a List, or null when it cannot be evaluated. */
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
    dev.cairn.search.Expr e;
    try {
      e = dev.cairn.search.Expr.parse(text, Map.of());
    } catch (RedisException ex) {
      throw IndexDefinition.err(ex.getMessage());
    }
    return doc -> {
      try {
        return e.eval(name -> doc.containsKey(name) ? doc.get(name) : dev.cairn.search.Expr.MISSING);
      } catch (dev.cairn.search.Expr.EvalError x) {
        return null;
      }
    };
  }

  static boolean truthy(Object v) {
    return AggValues.truthy(v);
  }
}
