package dev.cairn.search;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;
import org.apache.lucene.util.automaton.Operations;

/**
 * Runs a query tree over one index: {@link #iterator} turns each node into a {@link DocIterator} (terms over their
 * postings, tags over their value sets, numeric and geo ranges over the sorted values, intersections, unions and
 * negations over their children's iterators), so matches come one doc id at a time, in order; {@link Scorer} scores
 * the document the iterators are on, reading the leaves' current entries ({@link #leaf}). Fuzzy and wildcard terms
 * are found with Lucene's automata over the sorted term dictionary.
 *
 * <p>A new node type plugs in with a case in {@link #build} that returns its iterator (and, if it scores, a case in
 * {@link Scorer}'s tree walk that reads it back through {@link #leaf}).
 */
final class QueryEval implements IteratorProfile {
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

  /** Matching docs (scores are the {@link Scorer}'s, for the documents a caller keeps). */
  static final class Result {
    final BitSet docs;
    final double[] scores;

    Result(BitSet docs, double[] scores) {
      this.docs = docs;
      this.scores = scores;
    }
  }

  /** Every match at once, as a set (FT.AGGREGATE); searches walk {@link #iterator} instead. */
  Result run(QueryNode n) {
    BitSet b = new BitSet(idx.maxDocId());
    DocIterator it = iterator(n);
    for (int d = it.next(); d != DocIterator.END; d = it.next()) {
      b.set(d);
    }
    return new Result(b, new double[idx.maxDocId()]);
  }

  /** The query's matches in doc id order. */
  DocIterator iterator(QueryNode root) {
    return build(root);
  }

  /** The iterator built for {@code n} (its current entry is what the scorer reads), or null. */
  DocIterator leaf(QueryNode n) {
    return n.iterator;
  }

  /**
   * FT.PROFILE: the counts of each query node's iterator, by node (null when not profiling, so a search that is not
   * profiled builds no wrapper).
   */
  private Map<QueryNode, CountedIterator.Stats> profiled;

  private boolean counting;

  /** Counts what each iterator this evaluator builds from now on gives ({@link #describe}). */
  void profile() {
    profiled = new java.util.IdentityHashMap<>();
    counting = true;
  }

  /** Builds no more counted iterators (what ran is kept for {@link #describe}). */
  void stopCounting() {
    counting = false;
  }

  /** The counts of {@code n}'s iterator, or null when it was not built while profiling. */
  CountedIterator.Stats stats(QueryNode n) {
    return profiled == null ? null : profiled.get(n);
  }

  private DocIterator build(QueryNode n) {
    CountedIterator.Stats stats = !counting ? null : profiled.computeIfAbsent(n,
        x -> new CountedIterator.Stats());
    DocIterator it = switch (n) {
      case QueryNode.Term t -> terms(expandTerm(t), n, stats);
      case QueryNode.Pattern p -> terms(expandPattern(p), n, stats);
      case QueryNode.Fuzzy f -> terms(expandFuzzy(f), n, stats);
      case QueryNode.Intersect in -> intersect(in);
      case QueryNode.Union u -> {
        DocIterator[] kids = new DocIterator[u.children.size()];
        for (int i = 0; i < kids.length; i++) {
          kids[i] = build(u.children.get(i));
        }
        yield new DocIterator.Union(kids);
      }
      case QueryNode.Not x -> new DocIterator.Not(new DocIterator.All(idx.table), build(x.child));
      case QueryNode.Optional x -> build(x.child);
      case QueryNode.Numeric num -> numeric(num);
      case QueryNode.Tag tag -> tag(tag, stats);
      case SpatialQueries.Knn k -> spatial(SpatialQueries.knn(idx, k, k.filter == null
          || k.filter instanceof QueryNode.All ? null : run(k.filter).docs), k.yieldAs);
      case SpatialQueries.Range v -> spatial(SpatialQueries.range(idx, v), v.yieldAs);
      case SpatialQueries.Shape g -> spatial(SpatialQueries.shape(idx, g), null);
      case QueryNode.Geo geo -> geo(geo);
      case QueryNode.All a -> new DocIterator.All(idx.table);
      default -> new DocIterator.Empty();
    };
    n.iterator = it;
    return stats == null ? it : new CountedIterator(it, stats);
  }

  /** A numeric range as an iterator (also FT.SEARCH's FILTER). */
  DocIterator numeric(QueryNode.Numeric num) {
    NumericIndex ni = idx.ranges.get(num.attribute);
    if (ni == null) {
      return new DocIterator.Empty();
    }
    return ni.iterator(num);
  }

  /** A geo radius as an iterator (also GEOFILTER): the band of latitudes it spans, then the exact distance. */
  DocIterator geo(QueryNode.Geo geo) {
    NumericIndex ni = idx.ranges.get(geo.attribute + SearchIndex.LAT);
    if (ni == null) {
      return new DocIterator.Empty();
    }
    double band = Math.toDegrees(geo.meters() / 6372797.560856) * 1.01 + 1e-9;
    int[] ids = ni.range(geo.lat - band, geo.lat + band, null);
    return new DocIterator.Filtered(new DocIterator.Ids(ids, ids.length),
        d -> idx.geoMatches(geo.attribute, d, geo::matches));
  }

  /** Distances vector queries yielded, by their names (in query order), then doc id: fields of the results. */
  final Map<String, Map<Integer, Double>> yields = new java.util.LinkedHashMap<>();

  /**
   * Where vector and shape queries ({@link SpatialQueries}) join the tree: an iterator over their doc ids in order
   * (scored 0); a vector query's distances are kept by the name it yields them as.
   */
  private DocIterator spatial(SpatialQueries.Hits h, String yieldAs) {
    if (yieldAs != null) {
      yields.put(yieldAs, h.distances());
    }
    BitSet b = h.docs();
    int[] ids = new int[b.cardinality()];
    int n = 0;
    for (int d = b.nextSetBit(0); d >= 0; d = b.nextSetBit(d + 1)) {
      ids[n++] = d;
    }
    return new DocIterator.Ids(ids, n);
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

  @Override
  public IteratorProfile.Node describe(QueryNode root) {
    return new IteratorDescriber(this, idx).describe(root);
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

  private DocIterator terms(List<String> words, QueryNode n, CountedIterator.Stats stats) {
    String[] ws = words.toArray(new String[0]);
    PostingList[] lists = new PostingList[ws.length];
    for (int i = 0; i < ws.length; i++) {
      lists[i] = idx.postings(ws[i]);
    }
    DocIterator.Terms t = new DocIterator.Terms(ws, lists, mask(n));
    if (stats != null) { // each word's reader counted as RediSearch's TEXT iterators under the term's union
      if (stats.parts == null || stats.parts.length != ws.length) {
        stats.parts = new long[ws.length];
      }
      t.reads = stats.parts;
    }
    return t;
  }

  private DocIterator intersect(QueryNode.Intersect in) {
    List<DocIterator> required = new ArrayList<>();
    List<QueryNode> positive = new ArrayList<>();
    for (QueryNode c : in.children) {
      DocIterator it = build(c);
      if (c instanceof QueryNode.Optional) {
        continue; // scored where it matches, never required
      }
      required.add(it);
      positive.add(c);
    }
    if (required.isEmpty()) { // only optional children: everything matches
      required.add(new DocIterator.All(idx.table));
    }
    java.util.function.IntPredicate check = null;
    if ((in.exact || in.slop >= 0) && positive.size() > 1) {
      check = proximity(in, positive);
    }
    return required.size() == 1 && check == null ? required.get(0)
        : new DocIterator.Intersect(required.toArray(new DocIterator[0]), check);
  }

  /**
   * The test of a phrase (adjacent, in order) or a slop on a document all children match: over the children's
   * positions, when every child is a plain term (only terms carry positions here), else none.
   */
  private java.util.function.IntPredicate proximity(QueryNode.Intersect in, List<QueryNode> children) {
    List<DocIterator.Terms> slots = new ArrayList<>();
    for (QueryNode c : children) {
      if (c instanceof QueryNode.Term && c.iterator instanceof DocIterator.Terms t) {
        slots.add(t);
      } else {
        return null;
      }
    }
    boolean adjacentOnly = in.exact && in.slop < 0;
    if (adjacentOnly && slots.size() == 2 && slots.get(0).cursors.length == 1 && slots.get(1).cursors.length == 1
        && slots.get(0).cursors[0] != null && slots.get(1).cursors[0] != null) {
      // two words, neither with stems or expansions: their positions merged as they are decoded
      PostingList.Cursor first = slots.get(0).cursors[0];
      PostingList.Cursor second = slots.get(1).cursors[0];
      DocIterator.Terms a = slots.get(0);
      DocIterator.Terms b = slots.get(1);
      return d -> a.on(0, d) && b.on(0, d) && first.followedBy(second);
    }
    int slop = Math.max(in.slop, 0);
    boolean ordered = in.exact || in.inOrder;
    int[][] bufs = new int[slots.size()][8];
    int[] lens = new int[slots.size()];
    return d -> {
      for (int k = 0; k < bufs.length; k++) {
        bufs[k] = positions(slots.get(k), d, bufs[k]);
        lens[k] = slots.get(k).npos;
      }
      return adjacentOnly ? adjacent(bufs, lens) : within(bufs, lens, slop, ordered);
    };
  }

  /**
   * The positions of a term leaf's words in {@code d}, merged in order, into {@code buf} (or a larger copy); their
   * count is left in the leaf's {@code npos}.
   */
  static int[] positions(DocIterator.Terms t, int d, int[] buf) {
    int n = 0;
    int words = 0;
    for (int i = 0; i < t.cursors.length; i++) {
      if (t.on(i, d)) {
        PostingList.Cursor c = t.cursors[i];
        if (n == 0) {
          buf = c.positions(buf);
          n = c.npos;
        } else {
          int[] more = c.positions();
          if (n + more.length > buf.length) {
            buf = java.util.Arrays.copyOf(buf, n + more.length);
          }
          System.arraycopy(more, 0, buf, n, more.length);
          n += more.length;
        }
        words++;
      }
    }
    if (words > 1) {
      java.util.Arrays.sort(buf, 0, n);
    }
    t.npos = n;
    return buf;
  }

  /** Whether a position of the first slot is followed by one of each next slot at the next positions. */
  private static boolean adjacent(int[][] pos, int[] lens) {
    int n = pos.length;
    int[] at = new int[n]; // each slot's scan point: positions only grow, so one merge-like pass suffices
    for (int k = 0; k < lens[0]; k++) {
      int p = pos[0][k];
      boolean all = true;
      for (int i = 1; i < n && all; i++) {
        int[] ps = pos[i];
        int j = at[i];
        while (j < lens[i] && ps[j] < p + i) {
          j++;
        }
        at[i] = j;
        all = j < lens[i] && ps[j] == p + i;
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** Whether one position per slot can be chosen with at most {@code slop} words between them in total. */
  private static boolean within(int[][] pos, int[] lens, int slop, boolean inOrder) {
    int n = pos.length;
    if (inOrder) { // from each start, the earliest position after the previous one in each next slot
      for (int k = 0; k < lens[0]; k++) {
        int p0 = pos[0][k];
        int prev = p0;
        boolean ok = true;
        for (int i = 1; i < n && ok; i++) {
          int j = java.util.Arrays.binarySearch(pos[i], 0, lens[i], prev + 1);
          j = j < 0 ? -j - 1 : j;
          if (j >= lens[i]) {
            ok = false;
          } else {
            prev = pos[i][j];
          }
        }
        if (ok && prev - p0 - (n - 1) <= slop) {
          return true;
        }
      }
      return false;
    }
    int[] idx = new int[n]; // any order: the smallest window holding a position of every slot
    while (true) {
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      int minSlot = -1;
      for (int i = 0; i < n; i++) {
        if (idx[i] >= lens[i]) {
          return false;
        }
        int p = pos[i][idx[i]];
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

  private DocIterator tag(QueryNode.Tag t, CountedIterator.Stats stats) {
    TreeMap<String, DocIdSet> values = idx.tags.get(t.attribute);
    if (values == null) {
      return new DocIterator.Tags(new String[0], new DocIdSet[0], null);
    }
    List<String> names = new ArrayList<>();
    List<DocIdSet> sets = new ArrayList<>();
    for (String v : t.values) {
      if (v.endsWith("*") && v.length() > 1) {
        String pre = v.substring(0, v.length() - 1);
        for (Map.Entry<String, DocIdSet> e : values.tailMap(pre).entrySet()) {
          if (!e.getKey().startsWith(pre)) {
            break;
          }
          names.add(e.getKey());
          sets.add(e.getValue());
        }
      } else {
        DocIdSet b = values.get(v);
        if (b != null) {
          names.add(v);
          sets.add(b);
        }
      }
    }
    if (stats != null && (stats.parts == null || stats.parts.length != sets.size())) {
      stats.parts = new long[sets.size()];
    }
    return new DocIterator.Tags(names.toArray(new String[0]), sets.toArray(new DocIdSet[0]),
        stats == null ? null : stats.parts);
  }
}
