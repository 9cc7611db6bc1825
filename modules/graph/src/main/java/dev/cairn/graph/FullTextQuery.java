package dev.cairn.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * RediSearch's query syntax, as {@code db.idx.fulltext.queryNodes} takes it, turned into a Lucene query over an
 * index's fields: words side by side must all match (intersection), {@code a | b} is a union, {@code -a} excludes,
 * {@code ~a} is optional, {@code (..)} groups, {@code "a b"} is an exact phrase, {@code pre*} a prefix,
 * {@code %word%} a fuzzy match (Levenshtein distance 1; {@code %%..%%} 2, {@code %%%..%%%} 3), {@code @field:..}
 * limits a part to one property, and {@code @a|b:..} to some. Words are analyzed as the field indexes them
 * (stemming, stop words), each field's weight boosts its matches.
 */
final class FullTextQuery {
  private final FullText.Index index;
  private final Graph graph;
  /** Each Lucene query built here and its node in RediSearch's result tree, which scores ({@link FullTextScore}). */
  private final java.util.Map<Query, FullTextScore.Node> nodes = new java.util.IdentityHashMap<>();
  /** The parsed query's scoring tree (null when nothing can match). */
  FullTextScore.Node root;
  private String s;
  private int i;

  FullTextQuery(FullText.Index index, Graph graph) {
    this.index = index;
    this.graph = graph;
  }

  Query parse(String text) {
    s = text;
    i = 0;
    Query q = union(allFields());
    skipSpace();
    if (i < s.length()) {
      throw error("Syntax error at offset " + i + " near " + s.substring(i, Math.min(s.length(), i + 10)));
    }
    root = q == null ? null : nodes.get(q);
    return q == null ? new MatchNoDocsQuery() : q;
  }

  private Query node(Query q, FullTextScore.Node n) {
    nodes.put(q, n);
    return q;
  }

  private FullTextScore.Node group(List<Query> parts, boolean all) {
    List<FullTextScore.Node> ns = new ArrayList<>();
    for (Query p : parts) {
      FullTextScore.Node n = p == null ? null : nodes.get(p);
      if (n != null) {
        ns.add(n);
      }
    }
    return new FullTextScore.Group(ns, all);
  }

  private static CypherException error(String m) {
    return new CypherException("ProcedureError", "RediSearch: " + m);
  }

  private List<FullText.FieldDef> allFields() {
    return index.fields;
  }

  private void skipSpace() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private Query union(List<FullText.FieldDef> fields) {
    List<Query> parts = new ArrayList<>();
    parts.add(intersect(fields));
    skipSpace();
    while (i < s.length() && s.charAt(i) == '|') {
      i++;
      parts.add(intersect(fields));
      skipSpace();
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    boolean any = false;
    for (Query p : parts) {
      if (p != null) {
        b.add(p, Occur.SHOULD);
        any = true;
      }
    }
    return any ? node(b.build(), group(parts, false)) : null;
  }

  /** Terms side by side: all must match; negated ones must not; optional ones only score. */
  private Query intersect(List<FullText.FieldDef> fields) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int must = 0;
    int clauses = 0;
    Query single = null;
    List<Query> scored = new ArrayList<>(); // negated parts do not score
    while (true) {
      skipSpace();
      if (i >= s.length() || s.charAt(i) == '|' || s.charAt(i) == ')') {
        break;
      }
      Occur occur = Occur.MUST;
      if (s.charAt(i) == '-') {
        occur = Occur.MUST_NOT;
        i++;
      } else if (s.charAt(i) == '~') {
        occur = Occur.SHOULD;
        i++;
      }
      Query q = unary(fields);
      if (q == null) {
        continue; // a stop word: RediSearch ignores it
      }
      b.add(q, occur);
      if (occur != Occur.MUST_NOT) {
        scored.add(q);
      }
      clauses++;
      single = q;
      if (occur == Occur.MUST) {
        must++;
      }
    }
    if (clauses == 0) {
      return null;
    }
    if (clauses == 1 && must == 1) {
      return single;
    }
    if (must == 0) {
      b.add(new MatchAllDocsQuery(), Occur.MUST); // only exclusions or optional terms
    }
    return node(b.build(), group(scored, true));
  }

  private Query unary(List<FullText.FieldDef> fields) {
    skipSpace();
    if (i >= s.length()) {
      throw error("Syntax error at offset " + i);
    }
    char ch = s.charAt(i);
    if (ch == '(') {
      i++;
      Query q = union(fields);
      skipSpace();
      if (i >= s.length() || s.charAt(i) != ')') {
        throw error("Syntax error at offset " + i + ": expected ')'");
      }
      i++;
      return q;
    }
    if (ch == '@') {
      i++;
      List<FullText.FieldDef> only = new ArrayList<>();
      while (true) {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        String name = s.substring(start, i);
        int key = graph.keys.id(name);
        FullText.FieldDef f = key < 0 ? null : index.field(key);
        if (f == null) {
          throw error("Unknown field at offset " + start + " near " + name);
        }
        only.add(f);
        if (i < s.length() && s.charAt(i) == '|') {
          i++;
          continue;
        }
        break;
      }
      if (i >= s.length() || s.charAt(i) != ':') {
        throw error("Syntax error at offset " + i + ": expected ':'");
      }
      i++;
      return unary(only);
    }
    if (ch == '"') {
      int end = s.indexOf('"', i + 1);
      if (end < 0) {
        throw error("Syntax error at offset " + i + ": unterminated phrase");
      }
      String phrase = s.substring(i + 1, end);
      i = end + 1;
      return perField(fields, f -> words(f, phrase, true));
    }
    if (ch == '%') {
      int level = 0;
      while (i < s.length() && s.charAt(i) == '%' && level < 3) {
        level++;
        i++;
      }
      String w = word();
      for (int k = 0; k < level; k++) {
        if (i >= s.length() || s.charAt(i) != '%') {
          throw error("Syntax error at offset " + i + ": unterminated fuzzy term");
        }
        i++;
      }
      String lw = w.toLowerCase(Locale.ROOT);
      final int edits = Math.min(level, 2); // Lucene's automata go to distance 2
      return node(perField(fields, f -> new FuzzyQuery(new Term(FullText.fieldName(f.key()), lw), edits)),
          new FullTextScore.Matching(t -> distance(t, lw) <= edits));
    }
    String w = word();
    if (w.isEmpty()) {
      throw error("Syntax error at offset " + i + " near " + s.substring(i, Math.min(s.length(), i + 10)));
    }
    if (i < s.length() && s.charAt(i) == '*') {
      i++;
      String lw = w.toLowerCase(Locale.ROOT);
      return node(perField(fields, f -> new PrefixQuery(new Term(FullText.fieldName(f.key()), lw))),
          new FullTextScore.Matching(t -> t.startsWith(lw)));
    }
    return perField(fields, f -> words(f, w, false));
  }

  private String word() {
    int start = i;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (Character.isLetterOrDigit(ch) || ch == '_' || ch == '\'' || ch > 127) {
        i++;
      } else if (ch == '\\' && i + 1 < s.length()) {
        i += 2;
      } else {
        break;
      }
    }
    return s.substring(start, i).replace("\\", "");
  }

  private interface PerField {
    Query query(FullText.FieldDef f);
  }

  /** A part matched in any of the fields, each field's matches boosted by its weight; scored as its first field's. */
  private Query perField(List<FullText.FieldDef> fields, PerField each) {
    List<Query> qs = new ArrayList<>();
    FullTextScore.Node scoring = null;
    for (FullText.FieldDef f : fields) {
      Query q = each.query(f);
      if (q != null && scoring == null) {
        scoring = nodes.get(q);
      }
      if (q != null) {
        qs.add(f.weight() == 1.0 ? q : new BoostQuery(q, (float) f.weight()));
      }
    }
    if (qs.isEmpty()) {
      return null;
    }
    if (qs.size() == 1) {
      return scoring == null ? qs.get(0) : node(qs.get(0), scoring);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    qs.forEach(q -> b.add(q, Occur.SHOULD));
    return scoring == null ? b.build() : node(b.build(), scoring);
  }

  /** Levenshtein distance, as RediSearch's fuzzy terms count it. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1)
            ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * A query word's expansions, as RediSearch's default expander makes them: the word, {@code +stem} and the stem
   * when it differs (the field stems), the phonetic codes the analysis gave.
   */
  private List<String> expansions(FullText.FieldDef f, List<Term> position) {
    List<String> alts = new ArrayList<>();
    String word = null;
    for (Term t : position) {
      String x = t.text();
      if (!x.isEmpty() && x.charAt(0) != FullText.STEM && x.charAt(0) != FullText.PHONETIC && word == null) {
        word = x;
      }
    }
    if (word != null) {
      alts.add(word);
      String lang = f.nostem() ? "" : FullText.LANGUAGES.getOrDefault(index.language, "");
      if (!lang.isEmpty()) {
        org.tartarus.snowball.SnowballStemmer st = FullText.stemmer(lang);
        st.setCurrent(word);
        st.stem();
        String stem = st.getCurrent();
        alts.add(FullText.STEM + stem);
        if (!stem.equals(word)) {
          alts.add(stem);
        }
      }
    }
    for (Term t : position) {
      if (!alts.contains(t.text()) && !t.text().isEmpty() && t.text().charAt(0) == FullText.PHONETIC) {
        alts.add(t.text());
      }
    }
    return alts;
  }

  /** Text analyzed as the field indexes it: one position may hold several terms (phonetic codes). */
  private Query words(FullText.FieldDef f, String text, boolean phrase) {
    String field = FullText.fieldName(f.key());
    List<List<Term>> positions = new ArrayList<>();
    Analyzer a = index.analyzer(f);
    try (TokenStream ts = a.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        if (pos.getPositionIncrement() > 0 || positions.isEmpty()) {
          positions.add(new ArrayList<>());
        }
        positions.get(positions.size() - 1).add(new Term(field, term.toString()));
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (positions.isEmpty()) {
      return null;
    }
    List<FullTextScore.Node> scoring = new ArrayList<>();
    List<List<Term>> expanded = new ArrayList<>();
    for (List<Term> p : positions) {
      List<String> alts = expansions(f, p);
      scoring.add(new FullTextScore.Terms(alts));
      List<Term> ts = new ArrayList<>();
      alts.forEach(x -> ts.add(new Term(field, x)));
      expanded.add(ts.isEmpty() ? p : ts);
    }
    FullTextScore.Node n = scoring.size() == 1 ? scoring.get(0) : new FullTextScore.Group(scoring, true);
    if (phrase && positions.size() > 1) {
      MultiPhraseQuery.Builder b = new MultiPhraseQuery.Builder();
      expanded.forEach(p -> b.add(p.toArray(new Term[0])));
      return node(b.build(), n);
    }
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    for (List<Term> p : expanded) {
      if (p.size() == 1) {
        all.add(new TermQuery(p.get(0)), Occur.MUST);
      } else {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        p.forEach(t -> any.add(new TermQuery(t), Occur.SHOULD));
        all.add(any.build(), Occur.MUST);
      }
    }
    BooleanQuery q = all.build();
    return node(q.clauses().size() == 1 ? q.clauses().get(0).query() : q, n);
  }
}
