package dev.cairn.json;

import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled path, RedisJSON 2.x's dialect. A path starting with {@code $} followed by nothing, {@code .} or
 * {@code [} is JSONPath (every match, replies are arrays); anything else is a legacy path ({@code .}, {@code .a.b},
 * {@code a[0]}), turned into JSONPath by prefixing {@code $} or {@code $.}, whose commands use the first match and
 * reply with single values.
 *
 * <p>Grammar (spaces allowed between tokens): {@code $} then elements: {@code .name}, {@code .*}, {@code ..name},
 * {@code ..*}, {@code ..[...]}, {@code [...]} (optionally after a dot). Brackets hold an index list {@code [0,-1]}, a
 * slice {@code [start:end:step]} (any part optional), a list of quoted names {@code ['a',"b"]}, {@code *}, or a filter
 * {@code ?expr}: comparisons ({@code == != < <= > >= =~}) of terms ({@code @...}, {@code $...}, numbers, strings,
 * true, false, null), a term alone (exists), {@code &&} before {@code ||}, parentheses. Names are
 * {@code [A-Za-z0-9-_`~+#%$^/:]+}.
 */
final class JsonPath {
  final String original;
  final String text;
  final boolean legacy;
  private Seg[] segs;

  private JsonPath(String original, String text, boolean legacy, Seg[] segs) {
    this.original = original;
    this.text = text;
    this.legacy = legacy;
    this.segs = segs;
  }

  /** The compiled elements; compiled on first use, as RedisJSON compiles a path only when it evaluates it. */
  Seg[] segs() {
    if (segs == null) {
      segs = new Parser(text).query();
    }
    return segs;
  }

  /** Compiles now, so that a syntax error is reported before anything else happens. */
  JsonPath compile() {
    segs();
    return this;
  }

  /** Legacy root ".": the default path of commands whose path is optional. */
  static final String DEFAULT = ".";

  static JsonPath of(String path) {
    boolean jsonPath = path.startsWith("$")
        && (path.length() < 2 || path.charAt(1) == '.' || path.charAt(1) == '[');
    String fixed;
    if (jsonPath) {
      fixed = path;
    } else if (path.equals(".")) {
      fixed = "$";
    } else if (path.startsWith(".")) {
      fixed = "$" + path;
    } else {
      fixed = "$." + path;
    }
    return new JsonPath(path, fixed, !jsonPath, null);
  }

  boolean isRoot() {
    return text.equals("$");
  }

  // ---------------------------------------------------------------- segments

  sealed interface Seg permits Key, Keys, Indexes, Range, All, Scan, Filter { }

  record Key(String name) implements Seg { }

  record Keys(String[] names) implements Seg { }

  record Indexes(long[] idx) implements Seg { }

  /** A slice; null bounds are open. */
  record Range(Long start, Long end, int step) implements Seg { }

  record All() implements Seg { }

  record Scan() implements Seg { }

  record Filter(Expr expr) implements Seg { }

  /** At most one match, so JSON.SET may create the last member (RedisJSON's "static path"). */
  boolean isStatic() {
    for (Seg s : segs()) {
      if (!(s instanceof Key || s instanceof Keys k && k.names.length == 1
          || s instanceof Indexes i && i.idx.length == 1)) {
        return false;
      }
    }
    return true;
  }

  /** This path without its last element. */
  JsonPath parent() {
    Seg[] all = segs();
    Seg[] p = new Seg[all.length - 1];
    System.arraycopy(all, 0, p, 0, p.length);
    return new JsonPath(original, text, legacy, p);
  }

  /** The last element of a static path: a member name, or null when it is an index. */
  String lastKey() {
    Seg last = segs()[segs().length - 1];
    if (last instanceof Key k) {
      return k.name;
    }
    if (last instanceof Keys k) {
      return k.names[0];
    }
    return null;
  }

  // ---------------------------------------------------------------- evaluation

  /** The values this path selects, in RedisJSON's order. */
  List<Object> values(Object root) {
    List<Object> out = new ArrayList<>();
    segs();
    eval(0, root, root, null, out, null);
    return out;
  }

  /** The values and, in {@code paths}, the concrete path (String member names, Integer indexes) of each. */
  List<Object> values(Object root, List<Object[]> paths) {
    List<Object> out = new ArrayList<>();
    segs();
    eval(0, root, root, new Trail(null, null), out, paths);
    return out;
  }

  private record Trail(Trail parent, Object step) {
    Object[] toArray() {
      int n = 0;
      for (Trail t = this; t.parent != null; t = t.parent) {
        n++;
      }
      Object[] a = new Object[n];
      for (Trail t = this; t.parent != null; t = t.parent) {
        a[--n] = t.step;
      }
      return a;
    }

    Trail with(Object step) {
      return new Trail(this, step);
    }
  }

  private void eval(int at, Object v, Object root, Trail trail, List<Object> out, List<Object[]> paths) {
    if (at == segs.length) {
      out.add(v);
      if (paths != null) {
        paths.add(trail.toArray());
      }
      return;
    }
    Seg s = segs[at];
    switch (s) {
      case Key k -> {
        if (v instanceof JObject o) {
          Object c = o.get(k.name);
          if (c != null) {
            eval(at + 1, c, root, step(trail, k.name), out, paths);
          }
        }
      }
      case Keys k -> {
        if (v instanceof JObject o) {
          for (String name : k.names) {
            Object c = o.get(name);
            if (c != null) {
              eval(at + 1, c, root, step(trail, name), out, paths);
            }
          }
        }
      }
      case Indexes ix -> {
        if (v instanceof JArray a) {
          for (long i : ix.idx) {
            int j = absIndex(i, a.size);
            if (j < a.size) {
              eval(at + 1, a.items[j], root, step(trail, j), out, paths);
            }
          }
        }
      }
      case Range r -> {
        if (v instanceof JArray a) {
          int n = a.size;
          int from = r.start == null ? 0 : absIndex(r.start, n);
          int to = r.end == null ? n : absIndex(r.end, n);
          for (int j = from; j < to; j += r.step) {
            eval(at + 1, a.items[j], root, step(trail, j), out, paths);
          }
        }
      }
      case All x -> children(at + 1, v, root, trail, out, paths);
      case Scan x -> {
        eval(at + 1, v, root, trail, out, paths);
        scan(at + 1, v, root, trail, out, paths);
      }
      case Filter f -> {
        if (v instanceof JArray a) {
          for (int j = 0; j < a.size; j++) {
            if (f.expr.test(a.items[j], root)) {
              eval(at + 1, a.items[j], root, step(trail, j), out, paths);
            }
          }
        } else if (v instanceof JObject o) {
          for (int j = 0; j < o.size; j++) {
            if (f.expr.test(o.values[j], root)) {
              eval(at + 1, o.values[j], root, step(trail, o.keys[j]), out, paths);
            }
          }
        } else if (f.expr.test(v, root)) {
          eval(at + 1, v, root, trail, out, paths);
        }
      }
    }
  }

  private void children(int at, Object v, Object root, Trail trail, List<Object> out, List<Object[]> paths) {
    if (v instanceof JObject o) {
      for (int j = 0; j < o.size; j++) {
        eval(at, o.values[j], root, step(trail, o.keys[j]), out, paths);
      }
    } else if (v instanceof JArray a) {
      for (int j = 0; j < a.size; j++) {
        eval(at, a.items[j], root, step(trail, j), out, paths);
      }
    }
  }

  private void scan(int at, Object v, Object root, Trail trail, List<Object> out, List<Object[]> paths) {
    if (v instanceof JObject o) {
      for (int j = 0; j < o.size; j++) {
        Trail t = step(trail, o.keys[j]);
        eval(at, o.values[j], root, t, out, paths);
        scan(at, o.values[j], root, t, out, paths);
      }
    } else if (v instanceof JArray a) {
      for (int j = 0; j < a.size; j++) {
        Trail t = step(trail, j);
        eval(at, a.items[j], root, t, out, paths);
        scan(at, a.items[j], root, t, out, paths);
      }
    }
  }

  private static Trail step(Trail t, Object s) {
    return t == null ? null : t.with(s);
  }

  /** RedisJSON's index rule: a negative index counts from the end and stops at 0; a positive one stops at n. */
  static int absIndex(long i, int n) {
    if (i >= 0) {
      return (int) Math.min(i, n);
    }
    return (int) Math.max(i + n, 0);
  }

  // ---------------------------------------------------------------- filter expressions

  interface Expr {
    boolean test(Object current, Object root);
  }

  private record Or(Expr a, Expr b) implements Expr {
    public boolean test(Object c, Object r) {
      return a.test(c, r) || b.test(c, r);
    }
  }

  private record And(Expr a, Expr b) implements Expr {
    public boolean test(Object c, Object r) {
      return a.test(c, r) && b.test(c, r);
    }
  }

  /** A term: a path from {@code @} or {@code $}, or a literal (Long, Double, String, Boolean, NULL). */
  private record Term(boolean fromRoot, JsonPath path, Object literal) {
    static final Object INVALID = new Object();

    Object eval(Object current, Object root) {
      if (path == null) {
        return literal;
      }
      Object base = fromRoot ? root : current;
      if (path.segs().length == 0) {
        return base;
      }
      List<Object> r = path.values(base);
      return r.size() == 1 ? r.get(0) : INVALID;
    }
  }

  private record Exists(Term t) implements Expr {
    public boolean test(Object c, Object r) {
      return t.eval(c, r) != Term.INVALID;
    }
  }

  private record Compare(Term a, String op, Term b, Pattern regex) implements Expr {
    public boolean test(Object c, Object r) {
      Object x = a.eval(c, r);
      Object y = b.eval(c, r);
      if (x == Term.INVALID || y == Term.INVALID) {
        return op.equals("!=");
      }
      switch (op) {
        case "=~" -> {
          if (!(x instanceof String s) || !(y instanceof String p)) {
            return false;
          }
          Pattern pat = regex != null ? regex : compileRegex(p);
          return pat != null && pat.matcher(s).find();
        }
        case "==" -> {
          return equal(x, y);
        }
        case "!=" -> {
          return !equal(x, y);
        }
        default -> {
          Integer cmp = compare(x, y);
          if (cmp == null) {
            return false;
          }
          return switch (op) {
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            default -> cmp >= 0;
          };
        }
      }
    }

    private static boolean equal(Object x, Object y) {
      if ((x instanceof JArray || x instanceof JObject) && (y instanceof JArray || y instanceof JObject)) {
        return Json.equal(x, y);
      }
      Integer c = compare(x, y);
      return c != null && c == 0;
    }

    private static Integer compare(Object x, Object y) {
      if (x instanceof Long l && y instanceof Long m) {
        return Long.compare(l, m);
      }
      if (Json.isNumber(x) && Json.isNumber(y)) {
        double a = ((Number) x).doubleValue();
        double b = ((Number) y).doubleValue();
        return a > b ? 1 : a < b ? -1 : 0;
      }
      if (x instanceof String s && y instanceof String t) {
        return Integer.signum(compareUtf8(s, t));
      }
      if (x instanceof Boolean p && y instanceof Boolean q) {
        return Boolean.compare(p, q);
      }
      if (x == Json.NULL && y == Json.NULL) {
        return 0;
      }
      return null;
    }
  }

  /** Byte order of the UTF-8 forms, as Rust compares strings (code point order, unlike String.compareTo). */
  static int compareUtf8(String s, String t) {
    int i = 0;
    int j = 0;
    while (i < s.length() && j < t.length()) {
      int a = s.codePointAt(i);
      int b = t.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(s.length() - i, t.length() - j);
  }

  static Pattern compileRegex(String p) {
    try {
      return Pattern.compile(p);
    } catch (PatternSyntaxException e) {
      return null; // an invalid pattern matches nothing, as in RedisJSON
    }
  }

  // ---------------------------------------------------------------- parser

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Seg[] query() {
      ws();
      expect('$');
      List<Seg> out = new ArrayList<>();
      root(out, true);
      ws();
      if (pos != s.length()) {
        throw fail("expected one of the following: EOI");
      }
      return out.toArray(new Seg[0]);
    }

    /** Elements after a {@code $} or {@code @}; {@code top} lets a bare first name or * follow (first_element). */
    private void root(List<Seg> out, boolean top) {
      ws();
      if (pos < s.length() && (isLiteral(s.charAt(pos)) || s.charAt(pos) == '*')) {
        out.add(s.charAt(pos) == '*' ? next(new All()) : new Key(literal()));
      }
      while (true) {
        int mark = pos;
        ws();
        if (pos >= s.length()) {
          pos = mark;
          return;
        }
        char c = s.charAt(pos);
        if (c == '.' && pos + 1 < s.length() && s.charAt(pos + 1) == '.') {
          pos += 2;
          out.add(new Scan());
          ws();
          if (peek('*')) {
            out.add(next(new All()));
          } else if (peek('[')) {
            pos++;
            out.add(bracket());
          } else {
            out.add(new Key(literal()));
          }
        } else if (c == '.') {
          pos++;
          ws();
          if (peek('*')) {
            out.add(next(new All()));
          } else if (peek('[')) {
            pos++;
            out.add(bracket());
          } else {
            out.add(new Key(literal()));
          }
        } else if (c == '[') {
          pos++;
          out.add(bracket());
        } else {
          pos = mark;
          return;
        }
      }
    }

    private Seg next(Seg s) {
      pos++;
      return s;
    }

    /** After '[': a slice, index list, name list, *, or ?filter; then ']'. */
    private Seg bracket() {
      ws();
      Seg seg;
      if (peek('*')) {
        pos++;
        seg = new All();
      } else if (peek('?')) {
        pos++;
        seg = new Filter(filter());
      } else if (peek('\'') || peek('"')) {
        List<String> names = new ArrayList<>();
        names.add(string());
        ws();
        while (peek(',')) {
          pos++;
          ws();
          names.add(string());
          ws();
        }
        seg = new Keys(names.toArray(new String[0]));
      } else {
        seg = numbers();
      }
      ws();
      expect(']');
      return seg;
    }

    private Seg numbers() {
      Long first = null;
      if (!peek(':')) {
        first = number();
        ws();
        if (!peek(':')) {
          List<Long> idx = new ArrayList<>();
          idx.add(first);
          while (peek(',')) {
            pos++;
            ws();
            idx.add(number());
            ws();
          }
          long[] a = new long[idx.size()];
          for (int i = 0; i < a.length; i++) {
            a[i] = idx.get(i);
          }
          return new Indexes(a);
        }
      }
      pos++; // ':'
      ws();
      Long end = null;
      if (peekNumber()) {
        end = number();
        ws();
      }
      int step = 1;
      if (peek(':')) {
        pos++;
        ws();
        if (peekDigit() && s.charAt(pos) != '0') {
          long st = number();
          step = (int) Math.min(Integer.MAX_VALUE, st);
        }
      }
      return new Range(first, end, step);
    }

    private boolean peekNumber() {
      return pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '-');
    }

    private boolean peekDigit() {
      return pos < s.length() && Character.isDigit(s.charAt(pos));
    }

    private long number() {
      int start = pos;
      if (peek('-')) {
        pos++;
      }
      if (!peekDigit()) {
        throw fail("expected one of the following: '<number>'");
      }
      if (s.charAt(pos) == '0') {
        pos++;
      } else {
        while (peekDigit()) {
          pos++;
        }
      }
      try {
        return Long.parseLong(s, start, pos, 10);
      } catch (NumberFormatException e) {
        throw fail("expected one of the following: '<number>'");
      }
    }

    private String string() {
      char q = s.charAt(pos++);
      StringBuilder b = new StringBuilder();
      while (pos < s.length() && s.charAt(pos) != q) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length() && (s.charAt(pos + 1) == q || s.charAt(pos + 1) == '\\')) {
          b.append(s.charAt(pos + 1));
          pos += 2;
        } else {
          b.append(c);
          pos++;
        }
      }
      if (pos >= s.length()) {
        throw fail("expected one of the following: '<string>[,<string>,...]'");
      }
      pos++;
      return b.toString();
    }

    private String literal() {
      int start = pos;
      while (pos < s.length() && isLiteral(s.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw fail("expected one of the following: <string>, '*', '[?(filter_expression)]', "
            + "'<number>[,<number>,...]', '<string>[,<string>,...]', ['start:end:steps']");
      }
      return s.substring(start, pos);
    }

    static boolean isLiteral(char c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || "-_`~+#%$^/:".indexOf(c) >= 0;
    }

    // filter := inner (('&&' | '||') inner)*, && binding tighter
    private Expr filter() {
      Expr or = null;
      Expr and = inner();
      while (true) {
        ws();
        if (s.startsWith("&&", pos)) {
          pos += 2;
          and = new And(and, inner());
        } else if (s.startsWith("||", pos)) {
          pos += 2;
          or = or == null ? and : new Or(or, and);
          and = inner();
        } else {
          return or == null ? and : new Or(or, and);
        }
      }
    }

    private Expr inner() {
      ws();
      int mark = pos;
      if (peek('(')) {
        pos++;
        Expr e = filter();
        ws();
        expect(')');
        return e;
      }
      pos = mark;
      Term a = term();
      ws();
      String op = op();
      if (op == null) {
        return new Exists(a);
      }
      ws();
      Term b = term();
      Pattern regex = null;
      if (op.equals("=~") && b.path == null && b.literal instanceof String p) {
        regex = compileRegex(p);
        if (regex == null) {
          return (c, r) -> false;
        }
      }
      return new Compare(a, op, b, regex);
    }

    private String op() {
      for (String op : new String[] {">=", ">", "<=", "<", "==", "!=", "=~"}) {
        if (s.startsWith(op, pos)) {
          pos += op.length();
          return op;
        }
      }
      return null;
    }

    private Term term() {
      if (peek('@') || peek('$')) {
        boolean fromRoot = s.charAt(pos) == '$';
        pos++;
        List<Seg> out = new ArrayList<>();
        root(out, true);
        return new Term(fromRoot, new JsonPath("", "", false, out.toArray(new Seg[0])), null);
      }
      if (peek('\'') || peek('"')) {
        return new Term(false, null, string());
      }
      if (s.startsWith("true", pos)) {
        pos += 4;
        return new Term(false, null, Boolean.TRUE);
      }
      if (s.startsWith("false", pos)) {
        pos += 5;
        return new Term(false, null, Boolean.FALSE);
      }
      if (s.startsWith("null", pos)) {
        pos += 4;
        return new Term(false, null, Json.NULL);
      }
      if (peekNumber()) {
        int start = pos;
        number();
        if (peek('.') && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
          pos++;
          while (peekDigit()) {
            pos++;
          }
          return new Term(false, null, Double.parseDouble(s.substring(start, pos)));
        }
        return new Term(false, null, Long.parseLong(s, start, pos, 10));
      }
      throw fail("expected one of the following: from_current, from_root, decimal, string, boolean_true, "
          + "boolean_false, null");
    }

    private void ws() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw fail("expected one of the following: '" + c + "'");
      }
      pos++;
    }

    /** RedisJSON's compile error: the position, the path split where parsing stopped, and what was expected. */
    private RedisException fail(String msg) {
      String shown = pos >= s.length() ? "\"" + s + " <<<<----\", " + msg + "."
          : "\"" + s.substring(0, pos) + " ---->>>> " + s.substring(pos) + "\", " + msg + ".";
      return RedisException.line("Error occurred on position " + pos + ", " + shown);
    }
  }
}
