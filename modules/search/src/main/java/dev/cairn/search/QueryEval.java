package dev.cairn.search;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;
import org.apache.lucene.util.automaton.Operations;

/**
 * Runs a query tree over one index: each node gives the set of matching doc ids (scores come from {@link Scorer}, over
 * the same tree, for the documents that matched). Fuzzy and wildcard terms are found with Lucene's automata over the
 * sorted term dictionary.
 */
final class QueryEval {
  /** Terms a pattern may expand to, as RediSearch's MAXEXPANSIONS (200). */
  static final int MAX_EXPANSIONS = 200;

  private final SearchIndex idx;
  private final boolean verbatim;
  private final long[] inFields;
  private final String scorer;

  QueryEval(SearchIndex idx, boolean verbatim, long[] inFields, String scorer) {
    this.idx = idx;
    this.verbatim = verbatim;
    this.inFields = inFields;
    this.scorer = scorer;
  }

  /** Matching docs and their scores (indexed by doc id). */
  static final class Result {
    final BitSet docs;
    final double[] scores;

    Result(BitSet docs, double[] scores) {
      this.docs = docs;
      this.scores = scores;
    }
  }

  private Result empty() {
    return new Result(new BitSet(), new double[idx.maxDocId()]);
  }

  Result run(QueryNode n) {
    Result r = eval(n);
    r.docs.and(live());
    return r;
  }

  private BitSet live() {
    BitSet b = new BitSet(idx.maxDocId());
    for (SearchIndex.Doc d : idx.docs) {
      if (d != null) {
        b.set(d.id);
      }
    }
    return b;
  }

  private Result eval(QueryNode n) {
    Result r = switch (n) {
      case QueryNode.Term t -> terms(expandTerm(t), n);
      case QueryNode.Pattern p -> terms(expandPattern(p), n);
      case QueryNode.Fuzzy f -> terms(expandFuzzy(f), n);
      case QueryNode.Intersect in -> intersect(in);
      case QueryNode.Union u -> union(u);
      case QueryNode.Not x -> {
        BitSet b = live();
        b.andNot(eval(x.child).docs);
        yield new Result(b, new double[idx.maxDocId()]);
      }
      case QueryNode.Optional x -> eval(x.child);
      case QueryNode.Numeric num -> {
        BitSet b = new BitSet();
        for (SearchIndex.Doc d : idx.docs) {
          if (d != null && idx.numericMatches(num.attribute, d.id, num::matches)) {
            b.set(d.id);
          }
        }
        yield new Result(b, new double[idx.maxDocId()]);
      }
      case QueryNode.Tag tag -> tag(tag);
      case SpatialQueries.Knn k -> spatial(SpatialQueries.knn(idx, k, k.filter == null
          || k.filter instanceof QueryNode.All ? null : eval(k.filter).docs),
          k.yieldAs);
      case SpatialQueries.Range v -> spatial(SpatialQueries.range(idx, v), v.yieldAs);
      case SpatialQueries.Shape g -> spatial(SpatialQueries.shape(idx, g), null);
      case QueryNode.Geo geo -> {
        BitSet b = new BitSet();
        for (SearchIndex.Doc d : idx.docs) {
          if (d != null && idx.geoMatches(geo.attribute, d.id, geo::matches)) {
            b.set(d.id);
          }
        }
        yield new Result(b, new double[idx.maxDocId()]);
      }
      case QueryNode.All a -> {
        Result all = new Result(live(), new double[idx.maxDocId()]);
        for (int d = all.docs.nextSetBit(0); d >= 0; d = all.docs.nextSetBit(d + 1)) {
          all.scores[d] = idx.docs.get(d).score;
        }
        yield all;
      }
      default -> empty();
    };
    if (n.weight != 1) {
      for (int i = 0; i < r.scores.length; i++) {
        r.scores[i] *= n.weight;
      }
    }
    return r;
  }

  /** Distances vector queries yielded, by their names (in query order), then doc id: fields of the results. */
  final Map<String, Map<Integer, Double>> yields = new java.util.LinkedHashMap<>();

  /** Where vector and shape queries ({@link SpatialQueries}) join the tree: their doc ids, scored 0. */
  private Result spatial(SpatialQueries.Hits h, String yieldAs) {
    if (yieldAs != null) {
      yields.put(yieldAs, h.distances());
    }
    return new Result(h.docs(), new double[idx.maxDocId()]);
  }

  private long[] mask(QueryNode n) {
    long[] m = null;
    if (n.fields != null) {
      m = new long[2];
      for (String a : n.fields) {
        FieldSpec f = idx.def.field(a);
        if (f != null && f.textBit >= 0) {
          m[f.textBit >> 6] |= 1L << (f.textBit & 63);
        }
      }
    }
    if (inFields != null) {
      if (m == null) {
        m = inFields.clone();
      } else {
        m[0] &= inFields[0];
        m[1] &= inFields[1];
      }
    }
    return m;
  }

  List<String> expansions(QueryNode.Term t) {
    return expandTerm(t);
  }

  List<String> expansions(QueryNode.Pattern p) {
    return expandPattern(p);
  }

  List<String> expansions(QueryNode.Fuzzy f) {
    return expandFuzzy(f);
  }

  long[] maskOf(QueryNode n) {
    return mask(n);
  }

  private List<String> expandTerm(QueryNode.Term t) {
    List<String> out = new ArrayList<>();
    out.add(t.word);
    if (!verbatim && !t.verbatim) {
      String stem = idx.analyzer.stem(t.word);
      out.add("+" + (stem == null ? t.word : stem));
    }
    if (idx.def.hasPhonetic && !t.verbatim) { // codes exist only in PHONETIC fields' postings
      for (String code : idx.analyzer.phonetic(t.word)) {
        if (!out.contains(code)) {
          out.add(code);
        }
      }
    }
    for (List<String> group : idx.synonyms.values()) {
      if (group.contains(t.word)) {
        for (String s : group) {
          if (!out.contains(s)) {
            out.add(s);
          }
        }
      }
    }
    return out;
  }

  private List<String> expandPattern(QueryNode.Pattern p) {
    List<String> out = new ArrayList<>();
    if (p.kind.equals("PREFIX")) {
      String pre = p.pattern.substring(0, p.pattern.length() - 1);
      SortedMap<String, ?> tail = idx.terms.tailMap(pre);
      for (String t : tail.keySet()) {
        if (!t.startsWith(pre) || out.size() >= MAX_EXPANSIONS) {
          break;
        }
        out.add(t);
      }
      return out;
    }
    Automaton a = wildcard(p.pattern);
    return matching(new CharacterRunAutomaton(a));
  }

  /** A wildcard pattern ({@code *} any run, {@code ?} one character) as an automaton. */
  static Automaton wildcard(String pattern) {
    List<Automaton> parts = new ArrayList<>();
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      if (cp == '*') {
        parts.add(org.apache.lucene.util.automaton.Automata.makeAnyString());
      } else if (cp == '?') {
        parts.add(org.apache.lucene.util.automaton.Automata.makeAnyChar());
      } else {
        parts.add(org.apache.lucene.util.automaton.Automata.makeChar(cp));
      }
      i += Character.charCount(cp);
    }
    return Operations.determinize(Operations.concatenate(parts), Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
  }

  private List<String> expandFuzzy(QueryNode.Fuzzy f) {
    Automaton a = new LevenshteinAutomata(f.word, false).toAutomaton(f.distance);
    return matching(new CharacterRunAutomaton(a));
  }

  private List<String> matching(CharacterRunAutomaton run) {
    List<String> out = new ArrayList<>();
    for (String t : idx.terms.keySet()) {
      if (!t.startsWith("+") && !t.startsWith("<") && run.run(t)) {
        out.add(t);
        if (out.size() >= MAX_EXPANSIONS) {
          break;
        }
      }
    }
    return out;
  }

  private Result terms(List<String> words, QueryNode n) {
    long[] m = mask(n);
    Result r = empty();
    for (String w : words) {
      Map<Integer, SearchIndex.Posting> postings = idx.terms.get(w);
      if (postings == null) {
        continue;
      }
      int df = postings.size();
      for (Map.Entry<Integer, SearchIndex.Posting> e : postings.entrySet()) {
        SearchIndex.Posting p = e.getValue();
        if (!p.inFields(m)) {
          continue;
        }
        int d = e.getKey();
        SearchIndex.Doc doc = idx.docs.get(d);
        r.docs.set(d);
      }
    }
    return r;
  }

  private Result intersect(QueryNode.Intersect in) {
    Result acc = null;
    List<Result> parts = new ArrayList<>();
    List<Result> optional = new ArrayList<>();
    List<QueryNode> positive = new ArrayList<>();
    for (QueryNode c : in.children) {
      Result r = eval(c);
      if (c instanceof QueryNode.Optional) {
        optional.add(r);
        continue;
      }
      parts.add(r);
      positive.add(c);
      acc = acc == null ? new Result((BitSet) r.docs.clone(), r.scores.clone()) : and(acc, r);
    }
    if (acc == null) { // only optional children: everything matches
      acc = new Result(live(), new double[idx.maxDocId()]);
    }
    for (Result o : optional) {
      for (int d = acc.docs.nextSetBit(0); d >= 0; d = acc.docs.nextSetBit(d + 1)) {
        acc.scores[d] += o.scores[d];
      }
    }
    if (in.exact || in.slop >= 0) {
      proximity(in, positive, acc);
    }
    return acc;
  }

  private static Result and(Result a, Result b) {
    a.docs.and(b.docs);
    for (int d = a.docs.nextSetBit(0); d >= 0; d = a.docs.nextSetBit(d + 1)) {
      a.scores[d] += b.scores[d];
    }
    return a;
  }

  /** Keeps the docs where the terms occur adjacent and in order (a phrase), or within the slop. */
  private void proximity(QueryNode.Intersect in, List<QueryNode> children, Result acc) {
    List<List<String>> slots = new ArrayList<>();
    for (QueryNode c : children) {
      if (c instanceof QueryNode.Term t) {
        slots.add(expandTerm(t));
      } else {
        return; // only plain terms carry positions here
      }
    }
    long[] m = mask(in);
    for (int d = acc.docs.nextSetBit(0); d >= 0; d = acc.docs.nextSetBit(d + 1)) {
      List<int[]> positions = new ArrayList<>();
      for (List<String> words : slots) {
        positions.add(positions(words, d, m));
      }
      boolean ok = in.exact && in.slop < 0 ? adjacent(positions) : within(positions, Math.max(in.slop, 0),
          in.exact || in.inOrder);
      if (!ok) {
        acc.docs.clear(d);
      }
    }
  }

  private int[] positions(List<String> words, int doc, long[] m) {
    int[] out = new int[0];
    for (String w : words) {
      Map<Integer, SearchIndex.Posting> postings = idx.terms.get(w);
      SearchIndex.Posting p = postings == null ? null : postings.get(doc);
      if (p != null && p.inFields(m)) {
        int[] merged = java.util.Arrays.copyOf(out, out.length + p.npos);
        System.arraycopy(p.positions, 0, merged, out.length, p.npos);
        out = merged;
      }
    }
    java.util.Arrays.sort(out);
    return out;
  }

  private static boolean adjacent(List<int[]> positions) {
    for (int p : positions.get(0)) {
      boolean all = true;
      for (int i = 1; i < positions.size() && all; i++) {
        all = java.util.Arrays.binarySearch(positions.get(i), p + i) >= 0;
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** Whether one position per slot can be chosen with at most {@code slop} words between them in total. */
  private static boolean within(List<int[]> positions, int slop, boolean inOrder) {
    int n = positions.size();
    int[] idx = new int[n];
    // Try each position of the first slot as the start (in order) or every combination's span (any order).
    if (inOrder) {
      for (int p0 : positions.get(0)) {
        int prev = p0;
        int gaps = 0;
        boolean ok = true;
        for (int i = 1; i < n && ok; i++) {
          int[] ps = positions.get(i);
          int j = java.util.Arrays.binarySearch(ps, prev + 1);
          j = j < 0 ? -j - 1 : j;
          if (j >= ps.length) {
            ok = false;
          } else {
            gaps += ps[j] - prev - 1;
            prev = ps[j];
          }
        }
        if (ok && gaps <= slop) {
          return true;
        }
      }
      return false;
    }
    while (true) {
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      int minSlot = -1;
      for (int i = 0; i < n; i++) {
        if (idx[i] >= positions.get(i).length) {
          return false;
        }
        int p = positions.get(i)[idx[i]];
        if (p < min) {
          min = p;
          minSlot = i;
        }
        max = Math.max(max, p);
      }
      if (max - min - (n - 1) <= slop) {
        return true;
      }
      idx[minSlot]++;
    }
  }

  private Result union(QueryNode.Union u) {
    Result acc = empty();
    for (QueryNode c : u.children) {
      Result r = eval(c);
      acc.docs.or(r.docs);
      for (int d = r.docs.nextSetBit(0); d >= 0; d = r.docs.nextSetBit(d + 1)) {
        acc.scores[d] += r.scores[d];
      }
    }
    return acc;
  }

  private Result tag(QueryNode.Tag t) {
    Result r = empty();
    java.util.TreeMap<String, BitSet> values = idx.tags.get(t.attribute);
    if (values == null) {
      return r;
    }
    for (String v : t.values) {
      if (v.endsWith("*") && v.length() > 1) {
        String pre = v.substring(0, v.length() - 1);
        for (Map.Entry<String, BitSet> e : values.tailMap(pre).entrySet()) {
          if (!e.getKey().startsWith(pre)) {
            break;
          }
          r.docs.or(e.getValue());
        }
      } else {
        BitSet b = values.get(v);
        if (b != null) {
          r.docs.or(b);
        }
      }
    }
    return r;
  }
}
