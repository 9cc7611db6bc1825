package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * RediSearch's expression language for FT.AGGREGATE's APPLY and FILTER: numbers, 'strings' and "strings",
 * {@code @property}, {@code $param}, {@code + - * / % ^}, comparisons {@code == != < <= > >=}, {@code && || !},
 * parentheses and function calls ({@link ExprFunctions}). Values are Double, String, List (arrays) or null.
 * Evaluating a property the row lacks is an error ("x: has no value ..."), except as the argument of exists().
 */
abstract class Expr {
  /** An evaluation failure: ends the pipeline with this message (RediSearch's RS_RESULT_ERROR). */
  static final class EvalError extends RuntimeException {
    EvalError(String message) {
      super(message, null, false, false);
    }
  }

  /** What an expression reads: the row's values and, for matched_terms(), the document's matched terms. */
  interface Env {
    /** The row's value of a property; {@code MISSING} when the row has none. */
    Object get(String name);

    default List<String> matchedTerms() {
      return List.of();
    }
  }

  static final Object MISSING = new Object();

  abstract Object eval(Env env);

  /** Properties the expression reads (to load them, and to check they exist). */
  void properties(Set<String> out) {
  }

  /** RediSearch's profile label of the expression's root ("Function upper", "Property x", ...). */
  abstract String label();

  // ---- parser ----

  static Expr parse(String src, Map<String, String> params) {
    Parser p = new Parser(src, params);
    Expr e = p.or();
    p.ws();
    if (p.pos < src.length()) {
      throw RedisException.line("Syntax error at offset " + p.pos + " near " + src.substring(p.pos));
    }
    return e;
  }

  private static final class Parser {
    final String src;
    final Map<String, String> params;
    int pos;

    Parser(String src, Map<String, String> params) {
      this.src = src;
      this.params = params;
    }

    void ws() {
      while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
        pos++;
      }
    }

    boolean eat(String op) {
      ws();
      if (src.startsWith(op, pos)) {
        pos += op.length();
        return true;
      }
      return false;
    }

    Expr or() {
      Expr l = and();
      while (eat("||")) {
        l = new Predicate("||", l, and());
      }
      return l;
    }

    Expr and() {
      Expr l = cmp();
      while (eat("&&")) {
        l = new Predicate("&&", l, cmp());
      }
      return l;
    }

    Expr cmp() {
      Expr l = add();
      while (true) {
        String op = null;
        for (String o : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
          if (eat(o)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          return l;
        }
        l = new Predicate(op, l, add());
      }
    }

    Expr add() {
      Expr l = mul();
      while (true) {
        ws();
        if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
          char op = src.charAt(pos++);
          l = new Op(op, l, mul());
        } else {
          return l;
        }
      }
    }

    Expr mul() {
      Expr l = pow();
      while (true) {
        ws();
        if (pos < src.length() && "*/%".indexOf(src.charAt(pos)) >= 0) {
          char op = src.charAt(pos++);
          l = new Op(op, l, pow());
        } else {
          return l;
        }
      }
    }

    Expr pow() {
      Expr base = unary();
      if (eat("^")) {
        return new Op('^', base, pow()); // right associative
      }
      return base;
    }

    Expr unary() {
      ws();
      if (pos < src.length() && src.charAt(pos) == '!' && !src.startsWith("!=", pos)) {
        pos++;
        return new Not(unary());
      }
      if (pos < src.length() && src.charAt(pos) == '-') {
        pos++;
        Expr e = unary();
        if (e instanceof Literal lit && lit.value instanceof Double d) {
          return new Literal(-d, "-" + lit.text);
        }
        return new Op('*', new Literal(-1.0, "-1"), e);
      }
      if (pos < src.length() && src.charAt(pos) == '+') {
        pos++;
        return unary();
      }
      return primary();
    }

    Expr primary() {
      ws();
      if (pos >= src.length()) {
        throw RedisException.line("Syntax error at offset " + pos + " near end of expression");
      }
      char ch = src.charAt(pos);
      if (ch == '(') {
        pos++;
        Expr e = or();
        if (!eat(")")) {
          throw RedisException.line("Syntax error at offset " + pos + " near " + src.substring(pos));
        }
        return e;
      }
      if (ch == '@') {
        int start = ++pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_'
            || src.charAt(pos) == '.' || src.charAt(pos) == '$' && pos == start)) {
          pos++;
        }
        if (pos == start) {
          throw RedisException.line("Syntax error at offset " + start + " near " + src.substring(start));
        }
        return new Property(src.substring(start, pos));
      }
      if (ch == '$') {
        int start = ++pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
          pos++;
        }
        String name = src.substring(start, pos);
        String v = params == null ? null : params.get(name);
        if (v == null) {
          throw RedisException.line("No such parameter `" + name + "`");
        }
        Double d = AggValues.parseNumber(v);
        return new Literal(d != null ? d : v, v);
      }
      if (ch == '"' || ch == '\'') {
        StringBuilder sb = new StringBuilder();
        int i = pos + 1;
        while (i < src.length() && src.charAt(i) != ch) {
          char c = src.charAt(i);
          if (c == '\\' && i + 1 < src.length()) {
            c = src.charAt(++i);
          }
          sb.append(c);
          i++;
        }
        if (i >= src.length()) {
          throw RedisException.line("Syntax error at offset " + pos + " near " + src.substring(pos));
        }
        pos = i + 1;
        return new Literal(sb.toString(), src.substring(pos - sb.length() - 2, pos));
      }
      if (Character.isDigit(ch) || ch == '.') {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
          pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
          int save = pos++;
          if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
            pos++;
          }
          if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
              pos++;
            }
          } else {
            pos = save;
          }
        }
        String text = src.substring(start, pos);
        try {
          return new Literal(Double.parseDouble(text), text);
        } catch (NumberFormatException e) {
          throw RedisException.line("Syntax error at offset " + start + " near " + src.substring(start));
        }
      }
      int start = pos;
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      String word = src.substring(start, pos);
      if (word.isEmpty()) {
        throw RedisException.line("Syntax error at offset " + start + " near " + src.substring(start));
      }
      if (eat("(")) {
        List<Expr> args = new ArrayList<>();
        if (!eat(")")) {
          do {
            args.add(or());
          } while (eat(","));
          if (!eat(")")) {
            throw RedisException.line("Syntax error at offset " + pos + " near " + src.substring(pos));
          }
        }
        String fn = word.toLowerCase(Locale.ROOT);
        if (!ExprFunctions.exists(fn)) {
          throw RedisException.line("Unknown function name '" + word + "'");
        }
        return new Call(fn, args);
      }
      String lw = word.toLowerCase(Locale.ROOT);
      if (lw.equals("inf")) {
        return new Literal(Double.POSITIVE_INFINITY, word);
      }
      if (lw.equals("null")) {
        return new Literal(null, word);
      }
      throw RedisException.line("Syntax error at offset " + start + " near " + src.substring(start));
    }
  }

  // ---- nodes ----

  static final class Literal extends Expr {
    final Object value;
    final String text;

    Literal(Object value, String text) {
      this.value = value;
      this.text = text;
    }

    @Override
    Object eval(Env env) {
      return value;
    }

    @Override
    String label() {
      return "Literal " + text;
    }
  }

  static final class Property extends Expr {
    final String name;

    Property(String name) {
      this.name = name;
    }

    @Override
    Object eval(Env env) {
      Object v = env.get(name);
      if (v == MISSING) {
        throw new EvalError(name + ": has no value, consider using EXISTS if applicable");
      }
      return v;
    }

    @Override
    void properties(Set<String> out) {
      out.add(name);
    }

    @Override
    String label() {
      return "Property " + name;
    }
  }

  static final class Op extends Expr {
    final char op;
    final Expr left;
    final Expr right;

    Op(char op, Expr left, Expr right) {
      this.op = op;
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(Env env) {
      Double a = AggValues.toNumber(left.eval(env));
      Double b = AggValues.toNumber(right.eval(env));
      if (a == null || b == null) {
        throw new EvalError("Could not convert value to a number");
      }
      double x = a;
      double y = b;
      return switch (op) {
        case '+' -> x + y;
        case '-' -> x - y;
        case '*' -> x * y;
        case '/' -> y != 0 ? x / y : Double.NaN;
        case '%' -> y == -1 ? 0.0 : y != 0 ? (double) ((long) x % (long) y) : Double.NaN;
        default -> Math.pow(x, y);
      };
    }

    @Override
    void properties(Set<String> out) {
      left.properties(out);
      right.properties(out);
    }

    @Override
    String label() {
      return "Operator " + op;
    }
  }

  static final class Predicate extends Expr {
    final String op;
    final Expr left;
    final Expr right;

    Predicate(String op, Expr left, Expr right) {
      this.op = op;
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(Env env) {
      Object l = left.eval(env);
      if (op.equals("||") && AggValues.truthy(l)) {
        return 1.0;
      }
      if (op.equals("&&") && !AggValues.truthy(l)) {
        return 0.0;
      }
      Object r = right.eval(env);
      boolean b = switch (op) {
        case "||", "&&" -> AggValues.truthy(r);
        case "==" -> AggValues.equal(l, r);
        case "!=" -> !AggValues.equal(l, r);
        case "<" -> AggValues.compare(l, r) < 0;
        case "<=" -> AggValues.compare(l, r) <= 0;
        case ">" -> AggValues.compare(l, r) > 0;
        default -> AggValues.compare(l, r) >= 0;
      };
      return b ? 1.0 : 0.0;
    }

    @Override
    void properties(Set<String> out) {
      left.properties(out);
      right.properties(out);
    }

    @Override
    String label() {
      return "Predicate " + op;
    }
  }

  static final class Not extends Expr {
    final Expr child;

    Not(Expr child) {
      this.child = child;
    }

    @Override
    Object eval(Env env) {
      return AggValues.truthy(child.eval(env)) ? 0.0 : 1.0;
    }

    @Override
    void properties(Set<String> out) {
      child.properties(out);
    }

    @Override
    String label() {
      return "Inverted";
    }
  }

  static final class Call extends Expr {
    final String fn;
    final List<Expr> args;

    Call(String fn, List<Expr> args) {
      this.fn = fn;
      this.args = args;
    }

    @Override
    Object eval(Env env) {
      Object[] values = new Object[args.size()];
      for (int i = 0; i < values.length; i++) {
        if (fn.equals("exists")) {
          Expr a = args.get(i);
          Object v = a instanceof Property p ? env.get(p.name) : a.eval(env);
          values[i] = v == MISSING ? null : v;
          if (v == MISSING || v == null) {
            return 0.0; // exists() of a value the row lacks: 0, not an error
          }
        } else {
          values[i] = args.get(i).eval(env);
        }
      }
      return ExprFunctions.call(fn, values, env);
    }

    @Override
    void properties(Set<String> out) {
      for (Expr a : args) {
        a.properties(out);
      }
    }

    @Override
    String label() {
      return "Function " + fn;
    }
  }
}
