package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RediSearch's query language (dialect 2 precedence: {@code a b | c d} is {@code (a b) | (c d)}): terms, "phrases",
 * {@code |}, {@code -}, {@code ~}, groups, {@code @f:} and {@code @f|g:} modifiers, {@code pre*}, {@code *suf},
 * {@code *in*}, {@code w'pat?ern*'}, {@code %fuzzy%} (1 to 3 {@code %}), {@code @n:[(1 +inf]}, {@code @t:{a | b*}},
 * {@code *}, {@code $param}, and {@code =>{...}} attributes ({@code $weight}, {@code $slop}, {@code $inorder}).
 */
final class QueryParser {
  private final String q;
  private final IndexDefinition def;
  private final Map<String, String> params;
  private final int dialect;
  private int pos;
  /** PARAMS as given (vector blobs are bytes, not text); null when the caller has only the text form. */
  private Map<String, byte[]> rawParams;
  /** Names results get from vector queries ($YIELD_DISTANCE_AS, KNN's AS): each at most once. */
  private final java.util.Set<String> yields = new java.util.HashSet<>();

  private QueryParser(String q, IndexDefinition def, Map<String, String> params, int dialect) {
    this.q = q;
    this.def = def;
    this.params = params;
    this.dialect = dialect;
  }

  static QueryNode parse(String query, IndexDefinition def, Map<String, String> params) {
    return parse(query, def, params, 2);
  }

  /**
   * Parses {@code query} under {@code dialect}: from 2 on, juxtaposition binds tighter than {@code |}
   * ({@code a b | c} is {@code (a b) | c}); dialect 1 binds {@code |} tighter ({@code a b | c} is
   * {@code a (b | c)}), as RediSearch's first parser does.
   */
  static QueryNode parse(String query, IndexDefinition def, Map<String, String> params, int dialect) {
    return parse(query, def, params, dialect, null);
  }

  /** As {@link #parse(String, IndexDefinition, Map, int)}, with the parameters' bytes for vector blobs. */
  static QueryNode parse(String query, IndexDefinition def, Map<String, String> params, int dialect,
      Map<String, byte[]> rawParams) {
    QueryParser p = new QueryParser(query, def, params, dialect);
    p.rawParams = rawParams;
    p.ws();
    if (p.pos >= query.length()) {
      return new QueryNode.Empty();
    }
    QueryNode n = p.union();
    n = p.knnClause(n);
    p.ws();
    if (p.pos < query.length()) {
      throw p.syntax();
    }
    return n == null ? new QueryNode.Empty() : n;
  }

  private RedisException syntax() {
    String near = pos < q.length() ? q.substring(pos) : "";
    return RedisException.line("Syntax error at offset " + pos + " near " + near);
  }

  private void ws() {
    while (pos < q.length() && Character.isWhitespace(q.charAt(pos))) {
      pos++;
    }
  }

  private boolean peek(char c) {
    ws();
    return pos < q.length() && q.charAt(pos) == c;
  }

  private QueryNode union() {
    if (dialect == 1) {
      return intersectOfUnions();
    }
    List<QueryNode> alts = new ArrayList<>();
    alts.add(intersect());
    while (peek('|')) {
      pos++;
      alts.add(intersect());
    }
    alts.removeIf(x -> x == null);
    if (alts.isEmpty()) {
      return null;
    }
    if (alts.size() == 1) {
      return alts.get(0);
    }
    QueryNode.Union u = new QueryNode.Union();
    u.children.addAll(alts);
    return u;
  }

  /** Dialect 1: a sequence of {@code x | y | ...} groups, intersected. */
  private QueryNode intersectOfUnions() {
    List<QueryNode> parts = new ArrayList<>();
    while (true) {
      ws();
      if (pos >= q.length() || q.charAt(pos) == ')' || atVectorClause()) {
        break;
      }
      if (q.charAt(pos) == '|') {
        throw syntax();
      }
      List<QueryNode> alts = new ArrayList<>();
      alts.add(unary());
      while (peek('|')) {
        pos++;
        ws();
        if (pos >= q.length() || q.charAt(pos) == ')' || q.charAt(pos) == '|') {
          throw syntax();
        }
        alts.add(unary());
      }
      alts.removeIf(x -> x == null);
      if (alts.size() == 1) {
        parts.add(alts.get(0));
      } else if (!alts.isEmpty()) {
        QueryNode.Union u = new QueryNode.Union();
        u.children.addAll(alts);
        parts.add(u);
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    QueryNode.Intersect in = new QueryNode.Intersect();
    in.children.addAll(parts);
    return in;
  }

  private QueryNode intersect() {
    List<QueryNode> parts = new ArrayList<>();
    boolean any = false;
    while (true) {
      ws();
      if (pos >= q.length() || q.charAt(pos) == ')' || q.charAt(pos) == '|' || atVectorClause()) {
        break;
      }
      any = true;
      QueryNode n = unary();
      if (n != null) {
        parts.add(n);
      }
    }
    if (!any) {
      throw syntax();
    }
    if (parts.isEmpty()) {
      return null;
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    QueryNode.Intersect in = new QueryNode.Intersect();
    in.children.addAll(parts);
    return in;
  }

  private QueryNode unary() {
    ws();
    char c = q.charAt(pos);
    if (c == '-' || c == '!') {
      pos++;
      QueryNode n = unary();
      return n == null ? null : new QueryNode.Not(n);
    }
    if (c == '~') {
      pos++;
      QueryNode n = unary();
      return n == null ? null : new QueryNode.Optional(n);
    }
    QueryNode n = atom();
    attributes(n);
    return n;
  }

  /** {@code =>{$weight: 2; $slop: 1; $inorder: true}} after an atom. */
  private void attributes(QueryNode n) {
    ws();
    if (!q.startsWith("=>", pos) || atVectorClause()) {
      return;
    }
    pos += 2;
    ws();
    if (!peek('{')) {
      throw syntax();
    }
    int end = q.indexOf('}', pos);
    if (end < 0) {
      throw syntax();
    }
    for (String attr : q.substring(pos + 1, end).split(";")) {
      String[] kv = attr.split(":", 2);
      if (kv.length != 2) {
        continue;
      }
      String k = kv[0].strip().toLowerCase(Locale.ROOT);
      String v = value(kv[1].strip());
      if (n == null) {
        continue;
      }
      if (n instanceof SpatialQueries.VectorNode vn && SpatialQueries.attribute(vn, kv[0].strip(), v, def)) {
        if (k.equals("$yield_distance_as") && !(vn instanceof SpatialQueries.Knn)) { // a KNN's: once parsed
          yielded(vn.yieldAs);
        }
        continue;
      }
      try {
        switch (k) {
          case "$weight" -> n.weight = Double.parseDouble(v);
          case "$slop" -> {
            if (n instanceof QueryNode.Intersect in) {
              in.slop = Integer.parseInt(v);
            }
          }
          case "$inorder" -> {
            if (n instanceof QueryNode.Intersect in) {
              in.inOrder = v.equalsIgnoreCase("true");
            }
          }
          default -> throw RedisException.line("Invalid attribute " + kv[0].strip());
        }
      } catch (NumberFormatException e) {
        throw RedisException.line("Invalid value (" + v + ") for attribute " + kv[0].strip());
      }
    }
    pos = end + 1;
  }

  private String value(String v) {
    if (v.startsWith("$")) {
      String p = params.get(v.substring(1));
      if (p == null) {
        throw RedisException.line("No such parameter `" + v.substring(1) + "`");
      }
      return p;
    }
    return v;
  }

  private QueryNode atom() {
    ws();
    char c = q.charAt(pos);
    switch (c) {
      case '(' -> {
        pos++;
        QueryNode n = union();
        if (!peek(')')) {
          throw syntax();
        }
        pos++;
        return n;
      }
      case '@' -> {
        return fieldModifier();
      }
      case '"' -> {
        return phrase();
      }
      case '%' -> {
        return fuzzy();
      }
      case '*' -> {
        pos++;
        if (pos < q.length() && isWordChar(q.charAt(pos))) {
          String w = word();
          if (pos < q.length() && q.charAt(pos) == '*') {
            pos++;
            return new QueryNode.Pattern("*" + w + "*", "INFIX");
          }
          return new QueryNode.Pattern("*" + w, "SUFFIX");
        }
        return new QueryNode.All();
      }
      case '$' -> {
        pos++;
        String name = rawWord();
        String v = params.get(name);
        if (v == null) {
          throw RedisException.line("No such parameter `" + name + "`");
        }
        return termOrEmpty(v.toLowerCase(Locale.ROOT));
      }
      default -> { }
    }
    if ((c == 'w' || c == 'W') && pos + 1 < q.length() && q.charAt(pos + 1) == '\'') {
      int end = q.indexOf('\'', pos + 2);
      if (end < 0) {
        throw syntax();
      }
      String pat = q.substring(pos + 2, end).toLowerCase(Locale.ROOT);
      pos = end + 1;
      return new QueryNode.Pattern(pat, "WILDCARD");
    }
    if (!isWordChar(c)) {
      throw syntax();
    }
    String w = word();
    if (pos < q.length() && q.charAt(pos) == '*') {
      pos++;
      return new QueryNode.Pattern(w + "*", "PREFIX");
    }
    return termOrEmpty(w);
  }

  private QueryNode termOrEmpty(String w) {
    if (def.stopwords.contains(w)) {
      return null;
    }
    return new QueryNode.Term(w);
  }

  static boolean isWordChar(char c) {
    return c == '\\' || !(Character.isWhitespace(c) || Analyzer.SEPARATORS.indexOf(c) >= 0);
  }

  /** A word, escapes resolved, lower-cased. */
  private String word() {
    return rawWord().toLowerCase(Locale.ROOT);
  }

  private String rawWord() {
    StringBuilder sb = new StringBuilder();
    while (pos < q.length()) {
      char c = q.charAt(pos);
      if (c == '\\' && pos + 1 < q.length()) {
        sb.append(q.charAt(pos + 1));
        pos += 2;
      } else if (isWordChar(c) && c != '\\') {
        sb.append(c);
        pos++;
      } else {
        break;
      }
    }
    if (sb.length() == 0) {
      throw syntax();
    }
    return sb.toString();
  }

  private QueryNode phrase() {
    int start = ++pos;
    StringBuilder sb = new StringBuilder();
    while (pos < q.length() && q.charAt(pos) != '"') {
      if (q.charAt(pos) == '\\' && pos + 1 < q.length()) {
        sb.append(q, pos, pos + 2);
        pos += 2;
      } else {
        sb.append(q.charAt(pos++));
      }
    }
    if (pos >= q.length()) {
      pos = start - 1;
      throw syntax();
    }
    pos++;
    QueryNode.Intersect in = new QueryNode.Intersect();
    in.exact = true;
    for (String t : Analyzer.tokens(sb.toString())) {
      if (!def.stopwords.contains(t)) {
        QueryNode.Term term = new QueryNode.Term(t);
        term.verbatim = true;
        in.children.add(term);
      }
    }
    if (in.children.isEmpty()) {
      return null;
    }
    return in.children.size() == 1 ? in.children.get(0) : in;
  }

  private QueryNode fuzzy() {
    int n = 0;
    while (pos < q.length() && q.charAt(pos) == '%') {
      n++;
      pos++;
    }
    if (n > 3) {
      throw syntax();
    }
    String w = word();
    for (int i = 0; i < n; i++) {
      if (pos >= q.length() || q.charAt(pos) != '%') {
        throw syntax();
      }
      pos++;
    }
    return new QueryNode.Fuzzy(w, n);
  }

  private QueryNode fieldModifier() {
    int at = pos++;
    List<String> names = new ArrayList<>();
    names.add(rawWordWith("_"));
    while (pos < q.length() && q.charAt(pos) == '|') {
      pos++;
      names.add(rawWordWith("_"));
    }
    if (pos >= q.length() || q.charAt(pos) != ':') {
      throw syntax();
    }
    pos++;
    for (String n : names) {
      if (def.field(n) == null) {
        pos = at;
        throw RedisException.line("Unknown field at offset " + (at + 1) + " near " + n);
      }
    }
    FieldSpec first = def.field(names.get(0));
    ws();
    if ((first.type == FieldSpec.Type.VECTOR || first.type == FieldSpec.Type.GEOSHAPE) && names.size() == 1) {
      if (!peek('[')) {
        throw syntax();
      }
      List<String> words = bracketWords();
      if (first.type == FieldSpec.Type.GEOSHAPE) {
        return SpatialQueries.shape(first, words, params, syntax());
      }
      return SpatialQueries.range(first.attribute, words, def, params, rawParams, syntax());
    }
    if (first.type == FieldSpec.Type.GEO && names.size() == 1) {
      if (!peek('[')) {
        throw syntax();
      }
      int open = pos++;
      int end = q.indexOf(']', pos);
      if (end < 0) {
        pos = open;
        throw syntax();
      }
      String[] parts = q.substring(pos, end).strip().split("[ ,]+");
      if (parts.length != 4) {
        pos = open;
        throw syntax();
      }
      for (int k = 0; k < 4; k++) {
        parts[k] = value(parts[k]);
      }
      pos = end + 1;
      return QueryNode.Geo.parse(first.attribute, parts[0], parts[1], parts[2], parts[3]);
    }
    if (first.type == FieldSpec.Type.NUMERIC && names.size() == 1) {
      if (!peek('[')) {
        throw syntax();
      }
      return numeric(first.attribute);
    }
    if (first.type == FieldSpec.Type.TAG && names.size() == 1) {
      if (!peek('{')) {
        throw syntax();
      }
      return tags(first);
    }
    QueryNode n = unary();
    List<String> attrs = new ArrayList<>();
    for (String name : names) {
      attrs.add(def.field(name).attribute);
    }
    restrict(n, attrs);
    return n;
  }

  /** Whether {@code =>[} (a KNN clause) comes next. */
  private boolean atVectorClause() {
    int p = pos;
    while (p < q.length() && Character.isWhitespace(q.charAt(p))) {
      p++;
    }
    if (!q.startsWith("=>", p)) {
      return false;
    }
    p += 2;
    while (p < q.length() && Character.isWhitespace(q.charAt(p))) {
      p++;
    }
    return p < q.length() && q.charAt(p) == '[';
  }

  /** The words between {@code [} (at pos) and its {@code ]}; pos after it. */
  private List<String> bracketWords() {
    int open = pos;
    int end = q.indexOf(']', pos);
    if (end < 0) {
      pos = open;
      throw syntax();
    }
    String inner = q.substring(pos + 1, end).strip();
    pos = end + 1;
    return inner.isEmpty() ? List.of() : List.of(inner.split("\\s+"));
  }

  /** {@code filter=>[KNN k @v $blob ...]} (and its {@code =>{...}} attributes) after the whole query. */
  private QueryNode knnClause(QueryNode filter) {
    if (!atVectorClause()) {
      return filter;
    }
    ws();
    pos += 2;
    ws();
    int at = pos;
    List<String> words = bracketWords();
    int after = pos;
    pos = at;
    RedisException syntax = syntax();
    pos = after;
    SpatialQueries.Knn n = SpatialQueries.knn(words, filter, def, params, rawParams, syntax);
    attributes(n);
    if (n.yieldAs == null) {
      n.yieldAs = SpatialQueries.defaultYield(n);
    }
    yielded(n.yieldAs);
    return n;
  }

  private void yielded(String name) {
    if (!yields.add(name)) {
      throw RedisException.line("Property `" + name + "` specified more than once");
    }
  }

  private String rawWordWith(String extra) {
    StringBuilder sb = new StringBuilder();
    while (pos < q.length()) {
      char c = q.charAt(pos);
      if (c == '\\' && pos + 1 < q.length()) {
        sb.append(q.charAt(pos + 1));
        pos += 2;
      } else if (isWordChar(c) || extra.indexOf(c) >= 0) {
        sb.append(c);
        pos++;
      } else {
        break;
      }
    }
    if (sb.length() == 0) {
      throw syntax();
    }
    return sb.toString();
  }

  private static void restrict(QueryNode n, List<String> attrs) {
    if (n == null || n.fields != null) {
      return;
    }
    n.fields = attrs;
    if (n instanceof QueryNode.Intersect in) {
      in.children.forEach(c -> restrict(c, attrs));
    } else if (n instanceof QueryNode.Union u) {
      u.children.forEach(c -> restrict(c, attrs));
    } else if (n instanceof QueryNode.Not x) {
      restrict(x.child, attrs);
    } else if (n instanceof QueryNode.Optional x) {
      restrict(x.child, attrs);
    }
  }

  private QueryNode numeric(String attribute) {
    pos++; // [
    ws();
    String a = bound();
    ws();
    if (pos < q.length() && q.charAt(pos) == ',') {
      pos++;
      ws();
    }
    String b = peek(']') ? a : bound();
    if (!peek(']')) {
      throw syntax();
    }
    pos++;
    boolean ax = a.startsWith("(");
    boolean bx = b.startsWith("(");
    return new QueryNode.Numeric(attribute, number(ax ? a.substring(1) : a), ax, number(bx ? b.substring(1) : b), bx);
  }

  private String bound() {
    int start = pos;
    while (pos < q.length() && !Character.isWhitespace(q.charAt(pos)) && q.charAt(pos) != ']'
        && q.charAt(pos) != ',') {
      pos++;
    }
    if (start == pos) {
      throw syntax();
    }
    String s = q.substring(start, pos);
    if (s.startsWith("($")) {
      return "(" + value(s.substring(1));
    }
    return value(s);
  }

  private double number(String s) {
    return QueryNode.Numeric.bound(s, RedisException.line("Syntax error at offset " + pos + " near " + s));
  }


  private QueryNode tags(FieldSpec f) {
    int open = pos++;
    QueryNode.Tag t = new QueryNode.Tag(f.attribute);
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= q.length()) {
        pos = open;
        throw syntax();
      }
      char c = q.charAt(pos);
      if (c == '\\' && pos + 1 < q.length()) {
        sb.append(q.charAt(pos + 1));
        pos += 2;
        continue;
      }
      if (c == '|' || c == '}') {
        String v = sb.toString().strip();
        if (v.startsWith("$") && params.containsKey(v.substring(1))) {
          v = params.get(v.substring(1));
        }
        if (v.isEmpty()) {
          throw syntax();
        }
        t.values.add(f.caseSensitive ? v : v.toLowerCase(Locale.ROOT));
        sb.setLength(0);
        pos++;
        if (c == '}') {
          return t;
        }
        continue;
      }
      sb.append(c);
      pos++;
    }
  }
}
