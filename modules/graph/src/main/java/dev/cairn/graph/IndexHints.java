package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The predicates of a MATCH's WHERE that an index can serve: top-level conjuncts {@code v.p OP e} (OP one of
 * {@code = < <= > >=}, either side) and {@code v.p IN e}, where v is a node or relationship the MATCH introduces and
 * e does not depend on it. The matcher starts a pattern from the index's ids; WHERE still filters every row, so an
 * index only narrows where the walk starts.
 */
final class IndexHints {
  private IndexHints() {}

  /** One usable predicate: property key, operator ({@code = < <= > >= IN}), the other side. */
  record Hint(String key, String op, Expr value) {}

  static Map<String, List<Hint>> extract(Compiler comp, ExpressionContext e, Set<String> vars) {
    Map<String, List<Hint>> out = new HashMap<>();
    OrExpressionContext or = e.orExpression();
    if (or.xorExpression().size() != 1 || or.xorExpression(0).andExpression().size() != 1) {
      return out;
    }
    for (NotExpressionContext n : or.xorExpression(0).andExpression(0).notExpression()) {
      if (!n.NOT().isEmpty()) {
        continue;
      }
      ComparisonExpressionContext cmp = n.comparisonExpression();
      List<StringListNullPredicateExpressionContext> ops = cmp.stringListNullPredicateExpression();
      if (ops.size() == 2) {
        String op = cmp.comparisonOperator(0).getText();
        if (op.equals("<>")) {
          continue;
        }
        String[] lhs = property(ops.get(0).addOrSubtractExpression(), ops.get(0));
        String[] rhs = property(ops.get(1).addOrSubtractExpression(), ops.get(1));
        if (lhs != null && vars.contains(lhs[0]) && independent(ops.get(1), vars)) {
          add(out, lhs, op, comp.exprCompiler().predicate(ops.get(1)));
        } else if (rhs != null && vars.contains(rhs[0]) && independent(ops.get(0), vars)) {
          add(out, rhs, flip(op), comp.exprCompiler().predicate(ops.get(0)));
        }
      } else if (ops.size() == 1 && ops.get(0).predicateSuffix().size() == 1
          && ops.get(0).predicateSuffix(0) instanceof InListContext in) {
        String[] lhs = property(ops.get(0).addOrSubtractExpression(), null);
        if (lhs != null && vars.contains(lhs[0]) && independent(in.addOrSubtractExpression(), vars)) {
          add(out, lhs, "IN", comp.exprCompiler().addSub(in.addOrSubtractExpression()));
        }
      }
    }
    return out;
  }

  private static void add(Map<String, List<Hint>> out, String[] prop, String op, Expr value) {
    out.computeIfAbsent(prop[0], k -> new ArrayList<>()).add(new Hint(prop[1], op, value));
  }

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      default -> op;
    };
  }

  /** {variable, key} when the expression is exactly {@code variable.key}. */
  private static String[] property(AddOrSubtractExpressionContext a, StringListNullPredicateExpressionContext whole) {
    if (whole != null && !whole.predicateSuffix().isEmpty()) {
      return null;
    }
    if (a.multiplyDivideModuloExpression().size() != 1) {
      return null;
    }
    MultiplyDivideModuloExpressionContext m = a.multiplyDivideModuloExpression(0);
    if (m.powerOfExpression().size() != 1 || m.powerOfExpression(0).unaryAddOrSubtractExpression().size() != 1) {
      return null;
    }
    NonArithmeticOperatorExpressionContext na = m.powerOfExpression(0).unaryAddOrSubtractExpression(0)
        .nonArithmeticOperatorExpression();
    if (na == null || na.nodeLabels() != null || na.postfix().size() != 1
        || !(na.postfix(0) instanceof PropertyLookupContext pl) || !(na.atom() instanceof VariableAtomContext v)) {
      return null;
    }
    return new String[] {ExprCompiler.symbol(v.variable().symbolicName()),
        ExprCompiler.name(pl.propertyKeyName().schemaName())};
  }

  /** Whether the expression names none of the variables (so it can be evaluated before they are bound). */
  private static boolean independent(ParseTree t, Set<String> vars) {
    if (t instanceof VariableContext v) {
      return !vars.contains(ExprCompiler.symbol(v.symbolicName()));
    }
    if (t instanceof PatternComprehensionContext || t instanceof PatternPredicateContext
        || t instanceof ExistsSubqueryContext) {
      return false;
    }
    for (int i = 0; i < t.getChildCount(); i++) {
      if (!(t.getChild(i) instanceof TerminalNode) && !independent(t.getChild(i), vars)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The ids an index holds for one hint in this row, or null when the hint cannot use it (a value of a type the
   * index does not range over). Sorted, without repeats.
   */
  static int[] lookup(Map<Object, Postings> idx, Hint h, Ctx c, Map<String, Object> row) {
    Object v = h.value().eval(c, row);
    if (v == null) {
      return Graph.NO_INTS; // a comparison with null is never true
    }
    switch (h.op()) {
      case "=": {
        if (v instanceof List || v instanceof Map) {
          return null;
        }
        Postings p = idx.get(Values.indexKey(v));
        return p == null ? Graph.NO_INTS : p.toArray();
      }
      case "IN": {
        if (!(v instanceof List<?> l)) {
          return null;
        }
        java.util.BitSet ids = new java.util.BitSet();
        for (Object o : l) {
          if (o instanceof List || o instanceof Map) {
            return null;
          }
          Postings p = o == null ? null : idx.get(Values.indexKey(o));
          if (p != null) {
            for (int id : p.toArray()) {
              ids.set(id);
            }
          }
        }
        return ids.stream().toArray();
      }
      default: {
        if (!(v instanceof Number) && !(v instanceof String)) {
          return null;
        }
        boolean lower = h.op().startsWith(">");
        boolean inclusive = h.op().endsWith("=");
        return lower ? RangeIndex.range(idx, v, inclusive, null, false)
            : RangeIndex.range(idx, null, false, v, inclusive);
      }
    }
  }
}
