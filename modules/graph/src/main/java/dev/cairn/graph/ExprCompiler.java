package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.Values.Edge;
import dev.cairn.graph.Values.Node;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiles expression parse trees to {@link Expr} closures, checking variables against the scope. */
final class ExprCompiler {
  final Compiler owner;
  /** Aggregates found while compiling a projection item; null where aggregation is not allowed. */
  List<Functions.Aggregate> aggregates;

  ExprCompiler(Compiler owner) {
    this.owner = owner;
  }

  Expr expr(ExpressionContext x) {
    return or(x.orExpression());
  }

  /** The literal a subtree consists of alone (no operator around it), or null. */
  static LiteralContext soleLiteral(org.antlr.v4.runtime.tree.ParseTree t) {
    while (t != null) {
      if (t instanceof LiteralAtomContext la) {
        return la.literal();
      }
      if (t.getChildCount() != 1) {
        return null;
      }
      t = t.getChild(0);
    }
    return null;
  }

  /** A boolean operator's operand that is a literal of another type is a compile-time error, as in openCypher. */
  private static void booleanOperand(org.antlr.v4.runtime.tree.ParseTree t) {
    LiteralContext l = soleLiteral(t);
    String type = l == null ? null : l instanceof NumberLitContext n
        ? (n.numberLiteral().integerLiteral() != null ? "Integer" : "Float")
        : l instanceof StringLitContext ? "String" : l instanceof MapLitContext ? "Map"
        : l instanceof ListLitContext ? "List" : null;
    if (type != null) {
      throw CypherException.syntax("Type mismatch: expected Boolean but was " + type);
    }
  }

  private Expr or(OrExpressionContext x) {
    List<Expr> parts = new ArrayList<>();
    for (XorExpressionContext e : x.xorExpression()) {
      if (x.xorExpression().size() > 1) {
        booleanOperand(e);
      }
      parts.add(xor(e));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return (c, r) -> {
      boolean unknown = false;
      for (Expr p : parts) {
        Boolean b = bool(p.eval(c, r));
        if (b == null) {
          unknown = true;
        } else if (b) {
          return true;
        }
      }
      return unknown ? null : false;
    };
  }

  private Expr xor(XorExpressionContext x) {
    List<Expr> parts = new ArrayList<>();
    for (AndExpressionContext e : x.andExpression()) {
      if (x.andExpression().size() > 1) {
        booleanOperand(e);
      }
      parts.add(and(e));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return (c, r) -> {
      boolean acc = false;
      for (Expr p : parts) {
        Boolean b = bool(p.eval(c, r));
        if (b == null) {
          return null;
        }
        acc ^= b;
      }
      return acc;
    };
  }

  private Expr and(AndExpressionContext x) {
    List<Expr> parts = new ArrayList<>();
    for (NotExpressionContext e : x.notExpression()) {
      if (x.notExpression().size() > 1) {
        booleanOperand(e);
      }
      parts.add(not(e));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return (c, r) -> {
      boolean unknown = false;
      for (Expr p : parts) {
        Boolean b = bool(p.eval(c, r));
        if (b == null) {
          unknown = true;
        } else if (!b) {
          return false;
        }
      }
      return unknown ? null : true;
    };
  }

  private Expr not(NotExpressionContext x) {
    Expr e = comparison(x.comparisonExpression());
    int nots = x.NOT().size();
    if (nots == 0) {
      return e;
    }
    booleanOperand(x.comparisonExpression());
    return (c, r) -> {
      Boolean b = bool(e.eval(c, r));
      if (b == null) {
        return null;
      }
      return nots % 2 == 1 ? !b : b;
    };
  }

  static Boolean bool(Object v) {
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw CypherException.typeMismatch("Boolean", v);
  }

  private Expr comparison(ComparisonExpressionContext x) {
    List<Expr> operands = new ArrayList<>();
    for (StringListNullPredicateExpressionContext e : x.stringListNullPredicateExpression()) {
      operands.add(predicate(e));
    }
    if (operands.size() == 1) {
      return operands.get(0);
    }
    List<String> ops = new ArrayList<>();
    for (ComparisonOperatorContext o : x.comparisonOperator()) {
      ops.add(o.getText());
    }
    return (c, r) -> {
      Object left = operands.get(0).eval(c, r);
      boolean unknown = false;
      for (int i = 0; i < ops.size(); i++) {
        Object right = operands.get(i + 1).eval(c, r);
        Boolean b = compareOp(ops.get(i), left, right);
        if (b == null) {
          unknown = true;
        } else if (!b) {
          return false;
        }
        left = right;
      }
      return unknown ? null : true;
    };
  }

  static Boolean compareOp(String op, Object a, Object b) {
    switch (op) {
      case "=":
        return Values.eq(a, b);
      case "<>": {
        Boolean e = Values.eq(a, b);
        return e == null ? null : !e;
      }
      default: {
        Integer cmp = Values.compare(a, b);
        if (cmp == null) {
          return null;
        }
        return switch (op) {
          case "<" -> cmp < 0;
          case ">" -> cmp > 0;
          case "<=" -> cmp <= 0;
          default -> cmp >= 0;
        };
      }
    }
  }

  Expr predicate(StringListNullPredicateExpressionContext x) {
    Expr e = addSub(x.addOrSubtractExpression());
    for (PredicateSuffixContext s : x.predicateSuffix()) {
      Expr left = e;
      if (s instanceof IsNullContext) {
        e = (c, r) -> left.eval(c, r) == null;
      } else if (s instanceof IsNotNullContext) {
        e = (c, r) -> left.eval(c, r) != null;
      } else if (s instanceof StartsWithContext sw) {
        Expr right = addSub(sw.addOrSubtractExpression());
        e = (c, r) -> strOp(left.eval(c, r), right.eval(c, r), 0);
      } else if (s instanceof EndsWithContext ew) {
        Expr right = addSub(ew.addOrSubtractExpression());
        e = (c, r) -> strOp(left.eval(c, r), right.eval(c, r), 1);
      } else if (s instanceof ContainsContext ct) {
        Expr right = addSub(ct.addOrSubtractExpression());
        e = (c, r) -> strOp(left.eval(c, r), right.eval(c, r), 2);
      } else if (s instanceof RegexMatchContext rm) {
        Expr right = addSub(rm.addOrSubtractExpression());
        e = (c, r) -> {
          Object a = left.eval(c, r);
          Object b = right.eval(c, r);
          if (!(a instanceof String sa) || !(b instanceof String sb)) {
            return null;
          }
          try {
            return Pattern.compile(sb).matcher(sa).matches();
          } catch (PatternSyntaxException ex) {
            throw CypherException.argument("Invalid regex: " + sb);
          }
        };
      } else if (s instanceof InListContext in) {
        Expr right = addSub(in.addOrSubtractExpression());
        e = (c, r) -> in(left.eval(c, r), right.eval(c, r));
      }
    }
    return e;
  }

  static Object in(Object v, Object list) {
    if (list == null) {
      return null;
    }
    if (!(list instanceof List<?> l)) {
      throw CypherException.typeMismatch("List", list);
    }
    boolean unknown = false;
    for (Object o : l) {
      Boolean b = Values.eq(v, o);
      if (b == null) {
        unknown = true;
      } else if (b) {
        return true;
      }
    }
    return unknown ? null : false;
  }

  private static Object strOp(Object a, Object b, int op) {
    if (!(a instanceof String s) || !(b instanceof String t)) {
      return null;
    }
    return switch (op) {
      case 0 -> s.startsWith(t);
      case 1 -> s.endsWith(t);
      default -> s.contains(t);
    };
  }

  Expr addSub(AddOrSubtractExpressionContext x) {
    Expr e = mulDiv(x.multiplyDivideModuloExpression(0));
    for (int i = 0; i < x.addOp().size(); i++) {
      Expr left = e;
      Expr right = mulDiv(x.multiplyDivideModuloExpression(i + 1));
      boolean plus = x.addOp(i).PLUS() != null;
      e = plus ? (c, r) -> Arith.add(left.eval(c, r), right.eval(c, r))
          : (c, r) -> Arith.sub(left.eval(c, r), right.eval(c, r));
    }
    return e;
  }

  private Expr mulDiv(MultiplyDivideModuloExpressionContext x) {
    Expr e = power(x.powerOfExpression(0));
    for (int i = 0; i < x.mulOp().size(); i++) {
      Expr left = e;
      Expr right = power(x.powerOfExpression(i + 1));
      String op = x.mulOp(i).getText();
      e = (c, r) -> Arith.mulDiv(op, left.eval(c, r), right.eval(c, r));
    }
    return e;
  }

  private Expr power(PowerOfExpressionContext x) {
    Expr e = unary(x.unaryAddOrSubtractExpression(0));
    for (int i = 1; i < x.unaryAddOrSubtractExpression().size(); i++) {
      Expr left = e;
      Expr right = unary(x.unaryAddOrSubtractExpression(i));
      e = (c, r) -> Arith.pow(left.eval(c, r), right.eval(c, r));
    }
    return e;
  }

  private Expr unary(UnaryAddOrSubtractExpressionContext x) {
    if (x.nonArithmeticOperatorExpression() != null) {
      return nonArith(x.nonArithmeticOperatorExpression());
    }
    boolean minus = x.SUB() != null;
    UnaryAddOrSubtractExpressionContext inner = x.unaryAddOrSubtractExpression();
    if (minus) {
      // -9223372036854775808 is a literal, not the negation of an out-of-range one
      String lit = integerLiteralText(inner);
      if (lit != null) {
        long v = parseInteger("-" + lit);
        return (c, r) -> v;
      }
    }
    Expr e = unary(inner);
    if (!minus) {
      return (c, r) -> {
        Object v = e.eval(c, r);
        if (v != null && !(v instanceof Number)) {
          throw CypherException.typeMismatch("Integer or Float", v);
        }
        return v;
      };
    }
    return (c, r) -> Arith.negate(e.eval(c, r));
  }

  private static String integerLiteralText(UnaryAddOrSubtractExpressionContext u) {
    NonArithmeticOperatorExpressionContext n = u.nonArithmeticOperatorExpression();
    if (n == null || !n.postfix().isEmpty() || n.nodeLabels() != null) {
      return null;
    }
    if (n.atom() instanceof LiteralAtomContext la && la.literal() instanceof NumberLitContext nl
        && nl.numberLiteral().integerLiteral() != null) {
      return nl.numberLiteral().integerLiteral().getText();
    }
    return null;
  }

  static long parseInteger(String text) {
    boolean neg = text.startsWith("-");
    String t = neg ? text.substring(1) : text;
    try {
      if (t.startsWith("0x")) {
        return Long.parseLong((neg ? "-" : "") + t.substring(2), 16);
      }
      if (t.startsWith("0o")) {
        return Long.parseLong((neg ? "-" : "") + t.substring(2), 8);
      }
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw CypherException.syntax("Integer overflow '" + text + "'");
    }
  }

  private Expr nonArith(NonArithmeticOperatorExpressionContext x) {
    Expr e = atom(x.atom());
    for (PostfixContext p : x.postfix()) {
      Expr base = e;
      if (p instanceof PropertyLookupContext pl) {
        String key = name(pl.propertyKeyName().schemaName());
        e = (c, r) -> property(c, base.eval(c, r), key);
      } else if (p instanceof IndexLookupContext il) {
        Expr idx = expr(il.expression());
        e = (c, r) -> Arith.index(c, base.eval(c, r), idx.eval(c, r));
      } else if (p instanceof SliceLookupContext sl) {
        Expr from = sl.from == null ? null : expr(sl.from);
        Expr to = sl.to == null ? null : expr(sl.to);
        e = (c, r) -> Arith.slice(base.eval(c, r), from == null ? 0L : from.eval(c, r),
            to == null ? Long.MAX_VALUE : to.eval(c, r));
      }
    }
    if (x.nodeLabels() != null) {
      Expr base = e;
      List<String> labels = labels(x.nodeLabels());
      e = (c, r) -> {
        Object v = base.eval(c, r);
        if (v == null) {
          return null;
        }
        if (v instanceof Node n) {
          for (String l : labels) {
            int id = c.graph.labels.id(l);
            if (id < 0 || !c.graph.hasLabel(n.id(), id)) {
              return false;
            }
          }
          return true;
        }
        if (v instanceof Edge ed && labels.size() == 1) {
          return c.graph.types.name(c.graph.type(ed.id())).equals(labels.get(0));
        }
        throw CypherException.typeMismatch("Node", v);
      };
    }
    return e;
  }

  static Object property(Ctx c, Object v, String key) {
    if (v == null) {
      return null;
    }
    if (v instanceof Node n) {
      if (!c.graph.nodeExists(n.id())) {
        throw new CypherException("EntityNotFound", "The node " + n.id() + " was deleted");
      }
      int k = c.graph.keys.id(key);
      return k < 0 ? null : c.graph.prop(true, n.id(), k);
    }
    if (v instanceof Edge e) {
      if (!c.graph.edgeExists(e.id())) {
        throw new CypherException("EntityNotFound", "The relationship " + e.id() + " was deleted");
      }
      int k = c.graph.keys.id(key);
      return k < 0 ? null : c.graph.prop(false, e.id(), k);
    }
    if (v instanceof Map<?, ?> m) {
      return m.get(key);
    }
    if (Temporal.isTemporal(v)) {
      return Temporal.component(v, key);
    }
    if (v instanceof Point p) {
      return p.component(key);
    }
    throw CypherException.type("Type mismatch: expected Map, Node, Edge, Null, Time, Date, DateTime,"
        + " LocalTime, LocalDateTime or Duration but was " + Values.typeName(v));
  }

  static List<String> labels(NodeLabelsContext x) {
    List<String> out = new ArrayList<>();
    for (LabelNameContext l : x.labelName()) {
      out.add(name(l.schemaName()));
    }
    return out;
  }

  static String name(SchemaNameContext s) {
    return s.symbolicName() != null ? symbol(s.symbolicName()) : s.getText();
  }

  static String symbol(SymbolicNameContext s) {
    if (s.EscapedSymbolicName() != null) {
      String t = s.getText();
      return t.substring(1, t.length() - 1).replace("``", "`");
    }
    return s.getText();
  }

  private Expr atom(AtomContext x) {
    if (x instanceof LiteralAtomContext l) {
      return literal(l.literal());
    }
    if (x instanceof ParameterAtomContext p) {
      return parameter(p.parameter());
    }
    if (x instanceof VariableAtomContext v) {
      String name = symbol(v.variable().symbolicName());
      owner.require(name);
      return (c, r) -> r.get(name);
    }
    if (x instanceof ParenthesizedContext p) {
      return expr(p.expression());
    }
    if (x instanceof CountStarContext) {
      if (aggregates == null) {
        throw CypherException.semantic("Invalid use of aggregating function 'count'");
      }
      Functions.Aggregate a = new Functions.Aggregate("count", false, List.of(), aggregates.size(), true);
      aggregates.add(a);
      return a;
    }
    if (x instanceof FunctionAtomContext f) {
      return function(f.functionInvocation());
    }
    if (x instanceof CaseAtomContext ca) {
      return caseExpr(ca.caseExpression());
    }
    if (x instanceof ListComprehensionAtomContext lc) {
      return listComprehension(lc.listComprehension());
    }
    if (x instanceof ReduceAtomContext rd) {
      return reduce(rd);
    }
    if (x instanceof QuantifierContext q) {
      return quantifier(q);
    }
    if (x instanceof PatternPredicateContext pp) {
      Plan.PathPat pat = owner.patternFromChain(pp.relationshipsPattern().nodePattern(),
          pp.relationshipsPattern().patternElementChain(), null, true);
      return (c, r) -> {
        boolean[] found = {false};
        try {
          new Matcher(c).match(List.of(pat), r, m -> {
            found[0] = true;
            throw Found.INSTANCE;
          });
        } catch (Found f) {
          // first match is enough
        }
        return found[0];
      };
    }
    if (x instanceof PatternComprehensionAtomContext pc) {
      return patternComprehension(pc.patternComprehension());
    }
    if (x instanceof ExistsSubqueryContext ex) {
      return owner.existsSubquery(ex);
    }
    throw CypherException.unsupported("Unsupported expression: " + x.getText());
  }

  /** Ends a search at its first hit. */
  static final class Found extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Found INSTANCE = new Found();

    private Found() {
      super(null, null, false, false);
    }
  }

  Expr parameter(ParameterContext p) {
    String name = p.symbolicName() != null ? symbol(p.symbolicName()) : p.DecimalInteger().getText();
    return (c, r) -> {
      if (!c.params.containsKey(name)) {
        throw new CypherException("ParameterMissing", "Missing parameters");
      }
      return c.params.get(name);
    };
  }

  private Expr literal(LiteralContext x) {
    if (x instanceof NumberLitContext n) {
      if (n.numberLiteral().integerLiteral() != null) {
        long v = parseInteger(n.numberLiteral().integerLiteral().getText());
        return (c, r) -> v;
      }
      double d = Double.parseDouble(n.numberLiteral().doubleLiteral().getText());
      if (Double.isInfinite(d)) {
        throw CypherException.syntax("Float overflow '" + n.getText() + "'");
      }
      return (c, r) -> d;
    }
    if (x instanceof StringLitContext s) {
      String v = unescape(s.StringLiteral().getText());
      return (c, r) -> v;
    }
    if (x instanceof TrueLitContext) {
      return (c, r) -> true;
    }
    if (x instanceof FalseLitContext) {
      return (c, r) -> false;
    }
    if (x instanceof NullLitContext) {
      return (c, r) -> null;
    }
    if (x instanceof MapLitContext m) {
      return map(m.mapLiteral());
    }
    ListLiteralContext l = ((ListLitContext) x).listLiteral();
    List<Expr> items = new ArrayList<>();
    for (ExpressionContext e : l.expression()) {
      items.add(expr(e));
    }
    return (c, r) -> {
      List<Object> out = new ArrayList<>(items.size());
      for (Expr e : items) {
        out.add(e.eval(c, r));
      }
      return out;
    };
  }

  Expr map(MapLiteralContext m) {
    Map<String, Expr> entries = new LinkedHashMap<>();
    for (int i = 0; i < m.propertyKeyName().size(); i++) {
      entries.put(name(m.propertyKeyName(i).schemaName()), expr(m.expression(i)));
    }
    return new Compiler.MapExpr(entries);
  }

  static String unescape(String quoted) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < quoted.length() - 1; i++) {
      char ch = quoted.charAt(i);
      if (ch != '\\') {
        sb.append(ch);
        continue;
      }
      char n = quoted.charAt(++i);
      switch (n) {
        case 't' -> sb.append('\t');
        case 'b' -> sb.append('\b');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 'f' -> sb.append('\f');
        case 'u', 'U' -> {
          int len = n == 'u' ? 4 : 8;
          if (i + 1 + len > quoted.length() - 1
              || !quoted.substring(i + 1, i + 1 + len).matches("[0-9a-fA-F]+")) {
            throw CypherException.syntax("Invalid unicode escape in string literal");
          }
          sb.appendCodePoint(Integer.parseInt(quoted.substring(i + 1, i + 1 + len), 16));
          i += len;
        }
        default -> sb.append(n);
      }
    }
    return sb.toString();
  }

  private Expr function(FunctionInvocationContext f) {
    StringBuilder nb = new StringBuilder();
    for (SymbolicNameContext s : f.functionName().symbolicName()) {
      if (nb.length() > 0) {
        nb.append('.');
      }
      nb.append(symbol(s));
    }
    String name = nb.toString();
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    boolean distinct = f.DISTINCT() != null;
    if (Functions.isAggregate(lower)) {
      if (aggregates == null) {
        throw CypherException.semantic("Invalid use of aggregating function '" + name + "'");
      }
      List<Functions.Aggregate> outer = aggregates;
      aggregates = null; // no aggregate inside an aggregate
      List<Expr> args = new ArrayList<>();
      try {
        for (ExpressionContext e : f.expression()) {
          args.add(expr(e));
        }
      } catch (CypherException e) {
        if (e.getMessage().startsWith("Invalid use of aggregating")) {
          throw CypherException.semantic("Can't use aggregate functions inside of aggregate functions.");
        }
        throw e;
      } finally {
        aggregates = outer;
      }
      Functions.Aggregate a = new Functions.Aggregate(lower, distinct, args, aggregates.size(), false);
      Functions.checkAggregateArity(a, name);
      aggregates.add(a);
      return a;
    }
    if (lower.equals("size") && f.expression().size() == 1 && isPatternPredicate(f.expression(0))) {
      // openCypher 9 leaves size() of a pattern out (a pattern comprehension counts paths)
      throw CypherException.syntax("size() of a pattern expression is not supported: use a pattern comprehension");
    }
    List<Expr> args = new ArrayList<>();
    for (ExpressionContext e : f.expression()) {
      args.add(expr(e));
    }
    return Functions.scalar(lower, name, args);
  }

  /** Whether the expression is a bare pattern, {@code (a)-->(b)}. */
  private static boolean isPatternPredicate(org.antlr.v4.runtime.tree.ParseTree t) {
    while (t.getChildCount() == 1 && !(t instanceof PatternPredicateContext)) {
      t = t.getChild(0);
    }
    return t instanceof PatternPredicateContext;
  }

  private Expr caseExpr(CaseExpressionContext x) {
    Expr test = x.test == null ? null : expr(x.test);
    List<Expr[]> alts = new ArrayList<>();
    for (CaseAlternativeContext a : x.caseAlternative()) {
      alts.add(new Expr[] {expr(a.expression(0)), expr(a.expression(1))});
    }
    Expr otherwise = x.elseExpr == null ? null : expr(x.elseExpr);
    return (c, r) -> {
      Object t = test == null ? null : test.eval(c, r);
      for (Expr[] a : alts) {
        Object w = a[0].eval(c, r);
        boolean hit = test == null ? Boolean.TRUE.equals(w instanceof Boolean ? w : null)
            : Boolean.TRUE.equals(Values.eq(t, w));
        if (hit) {
          return a[1].eval(c, r);
        }
      }
      return otherwise == null ? null : otherwise.eval(c, r);
    };
  }

  /** The list a comprehension, quantifier or reduce walks: null stays null, anything else is a type mismatch. */
  private static List<?> listOrNull(Object l) {
    if (l == null || l instanceof List<?>) {
      return (List<?>) l;
    }
    throw CypherException.typeMismatch("List", l);
  }

  private Expr listComprehension(ListComprehensionContext x) {
    FilterExpressionContext f = x.filterExpression();
    String var = symbol(f.variable().symbolicName());
    Expr list = expr(f.expression(0));
    owner.push(var);
    try {
      Expr where = f.expression().size() > 1 ? expr(f.expression(1)) : null;
      Expr map = x.expression() != null ? expr(x.expression()) : null;
      return (c, r) -> {
        List<?> items = listOrNull(list.eval(c, r));
        if (items == null) {
          return null;
        }
        List<Object> out = new ArrayList<>();
        Map<String, Object> inner = new HashMap<>(r);
        for (Object o : items) {
          inner.put(var, o);
          if (where != null && !Boolean.TRUE.equals(where.eval(c, inner))) {
            continue;
          }
          out.add(map == null ? o : map.eval(c, inner));
        }
        return out;
      };
    } finally {
      owner.pop(var);
    }
  }

  /** {@code reduce(acc = init, x IN list | body)}: RedisGraph's fold over a list (null list: null). */
  private Expr reduce(ReduceAtomContext x) {
    String acc = symbol(x.acc.symbolicName());
    String elem = symbol(x.elem.symbolicName());
    Expr init = expr(x.init);
    Expr list = expr(x.list);
    owner.push(acc);
    owner.push(elem);
    try {
      Expr body = expr(x.body);
      return (c, r) -> {
        List<?> items = listOrNull(list.eval(c, r));
        if (items == null) {
          return null;
        }
        Map<String, Object> inner = new HashMap<>(r);
        Object value = init.eval(c, r);
        for (Object o : items) {
          c.tick();
          inner.put(acc, value);
          inner.put(elem, o);
          value = body.eval(c, inner);
        }
        return value;
      };
    } finally {
      owner.pop(elem);
      owner.pop(acc);
    }
  }

  private Expr quantifier(QuantifierContext q) {
    String kind = q.getChild(0).getText().toLowerCase(java.util.Locale.ROOT);
    FilterExpressionContext f = q.filterExpression();
    String var = symbol(f.variable().symbolicName());
    Expr list = expr(f.expression(0));
    owner.push(var);
    try {
      if (f.expression().size() < 2) {
        throw CypherException.syntax(kind + "(...) requires a WHERE predicate");
      }
      Expr where = expr(f.expression(1));
      return (c, r) -> {
        List<?> items = listOrNull(list.eval(c, r));
        if (items == null) {
          return null;
        }
        int trues = 0;
        int nulls = 0;
        Map<String, Object> inner = new HashMap<>(r);
        for (Object o : items) {
          inner.put(var, o);
          Boolean b = bool(where.eval(c, inner));
          if (b == null) {
            nulls++;
          } else if (b) {
            trues++;
          }
        }
        int falses = items.size() - trues - nulls;
        return switch (kind) {
          case "all" -> falses > 0 ? Boolean.FALSE : nulls > 0 ? null : Boolean.TRUE;
          case "any" -> trues > 0 ? Boolean.TRUE : nulls > 0 ? null : Boolean.FALSE;
          case "none" -> trues > 0 ? Boolean.FALSE : nulls > 0 ? null : Boolean.TRUE;
          default -> trues > 1 ? Boolean.FALSE : nulls > 0 ? null : trues == 1;
        };
      };
    } finally {
      owner.pop(var);
    }
  }

  private Expr patternComprehension(PatternComprehensionContext x) {
    Set<String> added = new HashSet<>();
    String pathVar = x.variable() == null ? null : symbol(x.variable().symbolicName());
    Plan.PathPat pat = owner.patternFromChain(x.relationshipsPattern().nodePattern(),
        x.relationshipsPattern().patternElementChain(), pathVar, false);
    owner.declarePattern(pat, added);
    try {
      Expr where = x.expression().size() > 1 ? expr(x.expression(0)) : null;
      Expr map = expr(x.expression(x.expression().size() - 1));
      return (c, r) -> {
        List<Object> out = new ArrayList<>();
        new Matcher(c).match(List.of(pat), r, m -> {
          if (where == null || Boolean.TRUE.equals(where.eval(c, m))) {
            out.add(map.eval(c, m));
          }
        });
        return out;
      };
    } finally {
      added.forEach(owner::pop);
    }
  }

}
