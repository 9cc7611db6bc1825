package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;

/**
 * FT.SEARCH's HIGHLIGHT and SUMMARIZE: the words of a returned text field that the query matched are wrapped in the
 * tags (default {@code <b>} and {@code </b>}); a summarized field becomes up to FRAGS fragments of LEN words around
 * matches, joined by SEPARATOR (default {@code "... "}).
 */
final class Highlighter {
  Set<String> highlightFields; // null: every returned TEXT field
  Set<String> summarizeFields;
  boolean highlight;
  boolean summarize;
  String open = "<b>";
  String close = "</b>";
  int frags = 3;
  int len = 20;
  String separator = "... ";
  private Predicate<String> matches = w -> false;

  /** Collects the words the query matches positively (negated parts excluded). */
  void prepare(QueryNode n, SearchIndex idx) {
    List<Predicate<String>> preds = new ArrayList<>();
    collect(n, idx, preds);
    matches = w -> preds.stream().anyMatch(p -> p.test(w));
  }

  private static void collect(QueryNode n, SearchIndex idx, List<Predicate<String>> out) {
    switch (n) {
      case QueryNode.Term t -> {
        String stem = idx.analyzer.stem(t.word);
        String s = stem == null ? t.word : stem;
        out.add(w -> w.equals(t.word) || s.equals(stemOf(idx, w)));
      }
      case QueryNode.Pattern p -> {
        CharacterRunAutomaton a = new CharacterRunAutomaton(QueryEval.wildcard(p.pattern));
        out.add(a::run);
      }
      case QueryNode.Fuzzy f -> {
        CharacterRunAutomaton a = new CharacterRunAutomaton(new LevenshteinAutomata(f.word, false)
            .toAutomaton(f.distance));
        out.add(a::run);
      }
      case QueryNode.Intersect in -> in.children.forEach(c -> collect(c, idx, out));
      case QueryNode.Union u -> u.children.forEach(c -> collect(c, idx, out));
      case QueryNode.Optional o -> collect(o.child, idx, out);
      default -> { }
    }
  }

  private static String stemOf(SearchIndex idx, String w) {
    String s = idx.analyzer.stem(w);
    return s == null ? w : s;
  }

  /** The field's value as returned: summarized and/or highlighted when asked for this field. */
  String apply(FieldSpec f, String value) {
    if (f == null || f.type != FieldSpec.Type.TEXT) {
      return value;
    }
    boolean hl = highlight && (highlightFields == null || highlightFields.contains(f.attribute));
    boolean sum = summarize && (summarizeFields == null || summarizeFields.contains(f.attribute));
    if (!hl && !sum) {
      return value;
    }
    List<int[]> tokens = new ArrayList<>(); // {start, end, matched}
    int i = 0;
    while (i < value.length()) {
      while (i < value.length() && Analyzer.isSeparator(value.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < value.length() && !Analyzer.isSeparator(value.charAt(i))) {
        i++;
      }
      if (i > start) {
        String w = value.substring(start, i).toLowerCase(Locale.ROOT);
        tokens.add(new int[] {start, i, matches.test(w) ? 1 : 0});
      }
    }
    if (!sum) {
      return mark(value, 0, value.length(), tokens, hl);
    }
    StringBuilder sb = new StringBuilder();
    int made = 0;
    int lastEnd = -1;
    for (int t = 0; t < tokens.size() && made < frags; t++) {
      if (tokens.get(t)[2] == 0 || t <= lastEnd) {
        continue;
      }
      int from = Math.max(0, t - len / 2);
      from = Math.max(from, lastEnd + 1);
      int to = Math.min(tokens.size() - 1, from + len - 1);
      sb.append(mark(value, tokens.get(from)[0], tokens.get(to)[1], tokens, hl)).append(separator);
      lastEnd = to;
      made++;
    }
    if (made == 0) { // nothing matched in this field: its first words
      int to = Math.min(tokens.size(), len) - 1;
      if (to < 0) {
        return value;
      }
      sb.append(mark(value, 0, tokens.get(to)[1], tokens, hl)).append(separator);
    }
    return sb.toString();
  }

  private String mark(String value, int from, int to, List<int[]> tokens, boolean hl) {
    if (!hl) {
      return value.substring(from, to);
    }
    StringBuilder sb = new StringBuilder();
    int at = from;
    for (int[] t : tokens) {
      if (t[0] < from || t[1] > to || t[2] == 0) {
        continue;
      }
      sb.append(value, at, t[0]).append(open).append(value, t[0], t[1]).append(close);
      at = t[1];
    }
    sb.append(value, at, to);
    return sb.toString();
  }
}
