package dev.cairn.search;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RediSearch 2.10's scoring functions (its {@code ext/default.c}), computed over the query tree for one matching
 * document, with EXPLAINSCORE's text. What the formulas read, as RediSearch keeps it:
 * <ul>
 *   <li>a term's frequency in a document: per occurrence {@code max(1, (int) weight)} of its field (a stem entry
 *       {@code max(1, (int) (weight * 0.2))}); the document's max frequency is over all its entries, stems included;
 *       its length is the same sum over its words alone;
 *   <li>IDF {@code logb(1 + N / df)} (the binary exponent: 1 + 3/2 gives 1), BM25STD's
 *       {@code log(1 + (N - df + 0.5) / (df + 0.5))}, with N the index's documents;
 *   <li>a term that expands (stems, phonetics, synonyms, prefixes, fuzzy) is a union of its matching words; tags are
 *       terms; numeric and geo ranges have frequency 1 and weight 1; NOT and an unmatched optional are virtual with
 *       frequency 0; {@code *} is virtual with frequency 1;
 *   <li>TFIDF: {@code score * sum(weight * tf * idf) / maxFreq / slop}, TFIDF.DOCNORM the same over the length;
 *       BM25 (RediSearch's legacy form): {@code score * sum(idf * f / (f + k1 * (1 - b + b * avgLen))) / slop};
 *       BM25STD: {@code score * sum(idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len / avgLen)))}; k1 1.2, b 0.5
 *       (as C floats); DISMAX: sums in intersections, maxima in unions, of {@code weight * frequency}; DOCSCORE: the
 *       document's score; HAMMING: {@code 1 / (1 + differing bits)} between the query's PAYLOAD and the document's
 *       (0 unless they have the same length);
 *   <li>slop: over the top node's children's positions, the root of the summed squares of each consecutive pair's
 *       closest distance, or children - 1 when that is 0 (RediSearch's {@code IndexResult_MinOffsetDelta}).
 * </ul>
 */
final class Scorer {
  private static final double K1 = 1.2f;
  private static final float B = 0.5f;
  private static final float STEM_FACTOR = 0.2f;

  /** EXPLAINSCORE's tree: a leaf is a simple string, a node {@code [text, [children]]}. */
  record Explain(String text, List<Explain> children) {
    static Explain leaf(String text) {
      return new Explain(text, List.of());
    }
  }

  /** One node's result for the document: its value, explanation, positions (for slop), and whether it matched. */
  private record Part(double value, Explain explain, int[] positions, boolean matched) { }

  private final SearchIndex idx;
  private final QueryEval eval;
  private final String scorer;
  private final byte[] payload;
  private final double avgDocLen;
  private static final int TFIDF = 0;
  private static final int DOCNORM = 1;
  private static final int BM25 = 2;
  private static final int BM25STD = 3;
  private static final int DISMAX = 4;
  private static final int DOCSCORE = 5;
  private static final int HAMMING = 6;
  private final int kind;
  private final boolean dismax;
  /** Whether term parts carry their positions (only the slop reads them). */
  private boolean wantPositions;

  Scorer(SearchIndex idx, QueryEval eval, String scorer, byte[] payload) {
    this.idx = idx;
    this.eval = eval;
    this.scorer = scorer == null ? "TFIDF" : scorer;
    this.kind = switch (this.scorer) { // an int to switch on per document, not the name
      case "TFIDF.DOCNORM" -> DOCNORM;
      case "BM25" -> BM25;
      case "BM25STD" -> BM25STD;
      case "DISMAX" -> DISMAX;
      case "DOCSCORE" -> DOCSCORE;
      case "HAMMING" -> HAMMING;
      default -> TFIDF;
    };
    this.dismax = kind == DISMAX;
    this.payload = payload;
    this.avgDocLen = idx.liveDocs == 0 ? 0 : (double) idx.totalDocLen / (double) idx.liveDocs;
  }

  /** A term's occurrence count contribution: RediSearch's integer frequency step. */
  static int freqStep(double fieldWeight, boolean stem) {
    float s = (float) fieldWeight;
    if (stem) {
      s *= STEM_FACTOR;
    }
    return Math.max(1, (int) s);
  }

  static double idf(long n, long df) {
    double x = 1.0 + n / (double) (df == 0 ? 1 : df);
    return Math.getExponent(x); // C's logb for x >= 1
  }

  static double bm25Idf(long n, long df) {
    return Math.log(1.0f + (n - df + 0.5f) / (df + 0.5f)); // float arithmetic, as the C expression
  }

  /** C's {@code %.2f}: the exact binary value rounded half to even. */
  static String f2(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
    return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * The score of document {@code id} for the query, read from the scoring tree and the index's columns without
   * loading the document (a search's path; {@link #score(QueryNode, SearchIndex.Doc, Explain[])} with an
   * explanation is the tree walk).
   */
  double score(QueryNode root, int id) {
    return score(root, id, Double.NEGATIVE_INFINITY);
  }

  /**
   * {@link #score(QueryNode, int)}, except that a score certainly below {@code floor} (the worst score a full top-k
   * keeps) may come back as any value below it: the slop only ever divides a score (by 1 or more), so when a score of 0
   * or more is below the floor before it, the document cannot rank, and the slop, which decodes every matching word's
   * positions, is not computed. On a prefix matching every document that was most of the search's time.
   */
  double score(QueryNode root, int id, double floor) {
    switch (kind) {
      case DOCSCORE -> {
        return idx.docScore(id);
      }
      case HAMMING -> {
        return hamming(idx.doc(id), null);
      }
      default -> { }
    }
    double raw = tree(root).value(id, kind == BM25STD ? idx.docLen(id) : 0); // the only one that reads the length
    switch (kind) {
      case DISMAX -> {
        return raw;
      }
      case BM25 -> {
        double s = idx.docScore(id) * raw;
        return s >= 0 && s < floor ? s : s / treeSlop(root, id, s, floor);
      }
      case BM25STD -> {
        return idx.docScore(id) * raw;
      }
      default -> { // TFIDF, TFIDF.DOCNORM
        double score = idx.docScore(id);
        if (score == 0) {
          return 0;
        }
        long norm = kind == DOCNORM ? idx.docLen(id) : idx.docMaxFreq(id);
        double s = score * raw / norm;
        return s >= 0 && s < floor ? s : s / treeSlop(root, id, s, floor);
      }
    }
  }

  /** The document's score for the query; with {@code explain} non-null, its explanation goes in explain[0]. */
  double score(QueryNode root, SearchIndex.Doc d, Explain[] explain) {
    if (explain == null) {
      return score(root, d.id);
    }
    boolean ex = true;
    switch (kind) {
      case DOCSCORE -> {
        if (ex) {
          explain[0] = Explain.leaf("Document's score is " + f2(d.score()));
        }
        return d.score();
      }
      case HAMMING -> {
        return hamming(d, explain);
      }
      default -> { }
    }
    Part p = ex ? part(root, d, true) : null;
    double raw = ex ? p.value : tree(root).value(d.id, d.docLen());
    switch (kind) {
      case DISMAX -> {
        if (ex) {
          explain[0] = p.explain;
        }
        return raw;
      }
      case BM25 -> {
        double s = d.score() * raw;
        int slop = ex ? slop(root, d) : treeSlop(root, d.id, 0, Double.NEGATIVE_INFINITY);
        s /= slop;
        if (ex) {
          explain[0] = parent("Final BM25 : words BM25 " + f2(raw) + " * document score " + f2(d.score()) + " / slop "
              + slop, p.explain);
        }
        return s;
      }
      case BM25STD -> {
        if (ex) {
          explain[0] = parent("Final BM25 : words BM25 " + f2(raw) + " * document score " + f2(d.score()), p.explain);
        }
        return d.score() * raw;
      }
      default -> { // TFIDF, TFIDF.DOCNORM
        if (d.score() == 0) {
          if (ex) {
            explain[0] = Explain.leaf("Document score is 0");
          }
          return 0;
        }
        long norm = kind == DOCNORM ? d.docLen() : d.maxFreq();
        double s = d.score() * raw / norm;
        int slop = ex ? slop(root, d) : treeSlop(root, d.id, 0, Double.NEGATIVE_INFINITY);
        s /= slop;
        if (ex) {
          explain[0] = parent("Final TFIDF : words TFIDF " + f2(raw) + " * document score " + f2(d.score())
              + " / norm " + norm + " / slop " + slop, p.explain);
        }
        return s;
      }
    }
  }

  private static Explain parent(String text, Explain child) {
    return new Explain(text, child == null ? List.of() : List.of(child));
  }

  private double hamming(SearchIndex.Doc d, Explain[] explain) {
    byte[] dp = d.payload();
    if (dp == null || dp.length == 0 || payload == null || dp.length != payload.length) {
      if (explain != null) {
        explain[0] = Explain.leaf("Payloads provided to scorer vary in length");
      }
      return 0;
    }
    long bits = 0;
    for (int i = 0; i < dp.length; i++) {
      bits += Integer.bitCount((dp[i] ^ payload[i]) & 0xff);
    }
    double r = 1.0 / (bits + 1);
    if (explain != null) {
      explain[0] = Explain.leaf("String length is " + dp.length + ". Bit count is " + bits
          + ". Result is (1 / count + 1) = " + f2(r));
    }
    return r;
  }

  // ---------------------------------------------------------------- the tree

  private Part part(QueryNode n, SearchIndex.Doc d, boolean ex) {
    return switch (n) {
      case QueryNode.Term t -> words(t, d, ex);
      case QueryNode.Pattern p -> words(p, d, ex);
      case QueryNode.Fuzzy f -> words(f, d, ex);
      case QueryNode.Intersect in -> aggregate(in.children, in.weight, false, d, ex);
      case QueryNode.Union u -> aggregate(u.children, u.weight, true, d, ex);
      case QueryNode.Optional o -> {
        Part c = part(o.child, d, ex);
        yield c.matched ? c : virtual(o.weight, 0, ex);
      }
      case QueryNode.Not x -> virtual(x.weight, 0, ex);
      case QueryNode.All a -> virtual(1, 1, ex);
      case QueryNode.Numeric num -> other(ex);
      case QueryNode.Geo geo -> other(ex);
      case QueryNode.Tag tag -> tag(tag, d, ex);
      default -> new Part(0, ex ? Explain.leaf("Irrelevant token -> score is 0") : null, null, false);
    };
  }

  /** The leaf iterator of a term node: its words and their cursors, on the document being scored. */
  private DocIterator.Terms leaf(QueryNode n) {
    return eval.leaf(n) instanceof DocIterator.Terms t ? t : NO_WORDS;
  }

  private static final DocIterator.Terms NO_WORDS = new DocIterator.Terms(new String[0], new PostingList[0], null);

  /** A numeric or geo range: frequency 1, weight 1, no positions. */
  private Part other(boolean ex) {
    double w = 1;
    int f = 1;
    return switch (kind) {
      case BM25 -> {
        double v = w * f / (f + K1 * (1.0f - B + B * avgDocLen));
        yield new Part(v, ex ? Explain.leaf("(" + f2(v) + " = Weight " + f2(w) + " * F " + f + " / (F " + f
            + " + k1 1.2 * (1 - b 0.5 + b 0.5 * Average Len " + f2(avgDocLen) + ")))") : null, null, true);
      }
      case BM25STD -> new Part(0, ex ? Explain.leaf("Irrelevant token -> score is 0") : null, null, true);
      case DISMAX -> new Part(w * f, ex ? Explain.leaf("DISMAX " + f2(w * f) + " = Weight " + f2(w)
          + " * Frequency " + f) : null, null, true);
      default -> new Part(w * f, ex ? Explain.leaf("(TFIDF " + f2(w * f) + " = Weight " + f2(w) + " * Frequency "
          + f + ")") : null, null, true);
    };
  }

  private Part virtual(double w, int f, boolean ex) {
    return switch (kind) {
      case BM25 -> {
        if (f == 0) {
          yield new Part(0, ex ? Explain.leaf("Frequency 0 -> value 0") : null, null, false);
        }
        double v = w * f / (f + K1 * (1.0f - B + B * avgDocLen));
        yield new Part(v, ex ? Explain.leaf("(" + f2(v) + " = Weight " + f2(w) + " * F " + f + " / (F " + f
            + " + k1 1.2 * (1 - b 0.5 + b 0.5 * Average Len " + f2(avgDocLen) + ")))") : null, null, f > 0);
      }
      case BM25STD -> new Part(0, ex ? Explain.leaf("Irrelevant token -> score is 0") : null, null, f > 0);
      case DISMAX -> new Part(w * f, ex ? Explain.leaf("DISMAX " + f2(w * f) + " = Weight " + f2(w)
          + " * Frequency " + f) : null, null, f > 0);
      default -> new Part(w * f, ex ? Explain.leaf("(TFIDF " + f2(w * f) + " = Weight " + f2(w) + " * Frequency "
          + f + ")") : null, null, f > 0);
    };
  }

  /** The scoring tree of the query being scored (rebuilt when the query's iterators are). */
  private ScoreTree tree;
  private QueryNode treeRoot;
  private DocIterator treeIterator;

  private ScoreTree tree(QueryNode root) {
    if (tree == null || treeRoot != root || treeIterator != root.iterator) {
      tree = ScoreTree.of(root, this);
      treeRoot = root;
      treeIterator = root.iterator;
    }
    return tree;
  }

  boolean dismax() {
    return dismax;
  }

  /** A term's IDF for the scorer (computed once per term and query by {@link ScoreTree}). */
  double idfOf(long df) {
    return switch (kind) {
      case BM25STD -> bm25Idf(idx.liveDocs, df);
      case DISMAX -> 0;
      default -> idf(idx.liveDocs, df);
    };
  }

  /** A term's value: frequency {@code f}, its IDF ({@link #idfOf}), weight {@code w}, in a document of that length. */
  double termValue(int f, double idf, double w, int docLen) {
    return switch (kind) {
      case BM25 -> idf * f / (f + K1 * (1.0f - B + B * avgDocLen));
      case BM25STD -> idf * f * (K1 + 1) / (f + K1 * (1.0f - B + B * (float) docLen / avgDocLen));
      case DISMAX -> w * f;
      default -> w * f * idf;
    };
  }

  /** The value of a virtual term ({@link #virtual}). */
  double virtualValue(double w, int f) {
    return virtual(w, f, false).value;
  }

  /** The value of a numeric or geo range ({@link #other}). */
  double otherValue() {
    return other(false).value;
  }

  /** A term leaf: {@code word} with frequency {@code f} in the document, {@code df} documents, weight {@code w}. */
  private Part term(String word, int f, long df, double w, int[] positions, SearchIndex.Doc d, boolean ex) {
    double idf = idfOf(df);
    double v = termValue(f, idf, w, d.docLen());
    return switch (kind) {
      case BM25 -> {
        yield new Part(v, ex ? Explain.leaf("(" + f2(v) + " = IDF " + f2(idf) + " * F " + f + " / (F " + f
            + " + k1 1.2 * (1 - b 0.5 + b 0.5 * Average Len " + f2(avgDocLen) + ")))") : null, positions, true);
      }
      case BM25STD -> {
        yield new Part(v, ex ? Explain.leaf(word + ": (" + f2(v) + " = IDF " + f2(idf) + " * (F " + f2(f)
            + " * (k1 1.2 + 1)) / (F " + f2(f) + " + k1 1.2 * (1 - b 0.5 + b 0.5 * Doc Len " + d.docLen()
            + " / Average Doc Len " + f2(avgDocLen) + ")))") : null, positions, true);
      }
      case DISMAX -> new Part(v, ex ? Explain.leaf("DISMAX " + f2(w * f) + " = Weight " + f2(w)
          + " * Frequency " + f) : null, positions, true);
      default -> {
        yield new Part(v, ex ? Explain.leaf("(TFIDF " + f2(v) + " = Weight " + f2(w) + " * TF " + f + " * IDF "
            + f2(idf) + ")") : null, positions, true);
      }
    };
  }

  /** A term that expands: a union of the words that occur in the document (one word alone is that term). */
  private Part words(QueryNode n, SearchIndex.Doc d, boolean ex) {
    DocIterator.Terms leaf = leaf(n);
    int nw = leaf.words.length;
    if (nw > 1 && !ex) { // the union of the words, summed as combine() does, without a list
      double sum = 0;
      boolean matched = false;
      int[] positions = null;
      boolean max = dismax;
      for (int i = 0; i < nw; i++) {
        if (leaf.on(i, d.id)) {
          PostingList.Cursor c = leaf.cursors[i];
          Part p = term(leaf.words[i], c.freq, leaf.lists[i].size(), 1, wantPositions ? c.positions() : null, d,
              false);
          sum = max ? Math.max(sum, p.value) : sum + p.value;
          matched = true;
          if (p.positions != null) {
            positions = positions == null ? p.positions : merge(positions, p.positions);
          }
        }
      }
      return new Part(n.weight * sum, null, positions, matched);
    }
    Part single = null;
    List<Part> parts = nw == 1 ? null : new ArrayList<>(2);
    for (int i = 0; i < nw; i++) {
      if (leaf.on(i, d.id)) {
        PostingList.Cursor c = leaf.cursors[i];
        Part p = term(leaf.words[i], c.freq, leaf.lists[i].size(), nw == 1 ? n.weight : 1,
            wantPositions ? c.positions() : null, d, ex);
        if (parts == null) {
          single = p;
        } else {
          parts.add(p);
        }
      }
    }
    if (parts == null) {
      return single == null ? new Part(0, null, null, false) : single;
    }
    return combine(parts, n.weight, true, ex);
  }

  private Part tag(QueryNode.Tag t, SearchIndex.Doc d, boolean ex) {
    List<Part> parts = new ArrayList<>();
    if (eval.leaf(t) instanceof DocIterator.Tags tags) {
      for (int k = 0; k < tags.values.length; k++) {
        if (tags.its[k].at(d.id)) {
          parts.add(term(tags.values[k], 1, tags.sets[k].size(), 1, null, d, ex));
        }
      }
    }
    if (parts.size() == 1) {
      Part p = parts.get(0);
      return t.weight == 1 ? p : combine(parts, t.weight, true, ex);
    }
    return combine(parts, t.weight, true, ex);
  }

  private Part aggregate(List<QueryNode> children, double weight, boolean union, SearchIndex.Doc d, boolean ex) {
    List<Part> parts = new ArrayList<>();
    for (QueryNode c : children) {
      Part p = part(c, d, ex);
      if (p.matched || !union) {
        parts.add(p);
      }
    }
    return combine(parts, weight, union, ex);
  }

  private Part combine(List<Part> parts, double w, boolean union, boolean ex) {
    double sum = 0;
    boolean matched = false;
    int[] positions = null;
    List<Explain> kids = ex ? new ArrayList<>() : null;
    boolean max = union && dismax;
    for (Part p : parts) {
      sum = max ? Math.max(sum, p.value) : sum + p.value;
      matched |= p.matched;
      if (p.positions != null) {
        positions = positions == null ? p.positions : merge(positions, p.positions);
      }
      if (ex && p.explain != null) {
        kids.add(p.explain);
      }
    }
    String text = null;
    if (ex) {
      text = switch (kind) {
        case DISMAX -> f2(w * sum) + " = Weight " + f2(w) + " * children DISMAX " + f2(sum);
        case BM25, BM25STD -> "(Weight " + f2(w) + " * children BM25 " + f2(sum) + ")";
        default -> "(Weight " + f2(w) + " * total children TFIDF " + f2(sum) + ")";
      };
    }
    return new Part(w * sum, ex ? new Explain(text, kids) : null, positions, matched);
  }

  private static int[] merge(int[] a, int[] b) {
    int[] m = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, m, a.length, b.length);
    Arrays.sort(m);
    return m;
  }

  private final List<int[]> slopScratch = new ArrayList<>();
  /** The tree's slop: the children's positions (arrays and counts). */
  private int[][] slopPos = new int[4][];
  private int[] slopLen = new int[4];
  private int slopN;
  /** The positions of a prefix's previous and current matching word ({@link #treeSlop}). */
  private final int[][] wordPos = {new int[8], new int[8]};

  private void slopAdd(int[] pos, int n) {
    if (slopN == slopPos.length) {
      slopPos = Arrays.copyOf(slopPos, slopN * 2);
      slopLen = Arrays.copyOf(slopLen, slopN * 2);
    }
    slopPos[slopN] = pos;
    slopLen[slopN++] = n;
  }

  /**
   * {@link #slop} read from the scoring tree, without allocating: the same children, positions and distances. The
   * distance only grows pair by pair, so once {@code score / slop} is below {@code floor} the document cannot rank
   * (see {@link #score(QueryNode, int, double)}) and the partial slop is returned; a prefix's words have their
   * positions decoded only as their pairs are reached.
   */
  private int treeSlop(QueryNode root, int d, double score, double floor) {
    ScoreTree t = tree(root);
    slopN = 0;
    int count;
    if (root instanceof QueryNode.Intersect in) {
      count = in.children.size();
      if (count <= 1) {
        return 1;
      }
      for (ScoreTree c : ((ScoreTree.Group) t).children) {
        c.collect(d);
        if (c.hasPos) {
          slopAdd(c.pos, c.npos);
        }
      }
    } else if (root instanceof QueryNode.Union u) {
      count = 0;
      for (QueryNode c : u.children) {
        if (c.iterator != null && c.iterator.at(d)) {
          count++;
        }
      }
      if (count <= 1) {
        return 1;
      }
      count = 0;
      for (ScoreTree c : ((ScoreTree.Group) t).children) {
        c.collect(d);
        if (c.matched) {
          count++;
          if (c.hasPos) {
            slopAdd(c.pos, c.npos);
          }
        }
      }
    } else if (t instanceof ScoreTree.Words w) {
      DocIterator.Terms leaf = w.leaf();
      int nw = leaf.words.length;
      if (nw == 1) {
        return 1;
      }
      if (w.valueDoc == d) { // counted as the score was read (its cursors have not moved since)
        count = w.matches;
        // Distinct plain words with positions are 1 or more apart, so each of the count - 1 pairs adds 1 or more to
        // the distance, and the slop is at least sqrt(count - 1): a document that cannot rank even so is left
        // before any position is decoded (on a prefix matching every document, most of those the slop reached).
        int least = count > 2 && w.plain && w.positioned ? (int) Math.sqrt(count - 1) : 1;
        if (least > 1 && score >= 0 && score / least < floor) {
          return least;
        }
      } else {
        count = 0;
        for (int i = 0; i < nw; i++) {
          if (leaf.on(i, d)) {
            count++;
          }
        }
      }
      if (count <= 1) {
        return 1;
      }
      double dist = 0;
      int prev = -1; // which of the two buffers holds the previous matching word's positions
      int prevN = 0;
      for (int i = 0; i < nw; i++) {
        if (leaf.on(i, d)) {
          PostingList.Cursor c = leaf.cursors[i];
          int cur = prev == 0 ? 1 : 0;
          wordPos[cur] = c.positions(wordPos[cur]);
          if (prev >= 0) {
            dist += minDelta(wordPos[prev], prevN, wordPos[cur], c.npos);
            int slop = (int) Math.sqrt(dist);
            if (slop > 0 && score / slop < floor) {
              return slop;
            }
          }
          prev = cur;
          prevN = c.npos;
        }
      }
      return dist != 0 ? (int) Math.sqrt(dist) : count - 1;
    } else {
      return 1;
    }
    if (count <= 1) {
      return 1;
    }
    double dist = 0;
    for (int i = 0; i + 1 < slopN; i++) {
      dist += minDelta(slopPos[i], slopLen[i], slopPos[i + 1], slopLen[i + 1]);
      int slop = (int) Math.sqrt(dist);
      if (slop > 0 && score / slop < floor) {
        return slop;
      }
    }
    return dist != 0 ? (int) Math.sqrt(dist) : count - 1;
  }

  /** The squared closest distance between two children's positions (0 when one has none). */
  private static double minDelta(int[] v1, int n1, int[] v2, int n2) {
    if (n1 == 0 || n2 == 0) {
      return 0;
    }
    int a = 0;
    int b = 0;
    int cd = Math.abs(v2[0] - v1[0]);
    while (cd > 1 && a < n1 && b < n2) {
      cd = Math.min(Math.abs(v2[b] - v1[a]), cd);
      if (v2[b] > v1[a]) {
        a++;
      } else {
        b++;
      }
    }
    return (double) cd * cd;
  }

  /** RediSearch's slop of the top node: over its children that have positions. */
  private int slop(QueryNode root, SearchIndex.Doc d) {
    List<int[]> children = slopScratch;
    children.clear();
    int count;
    if (root instanceof QueryNode.Intersect in) {
      count = in.children.size();
      if (count <= 1) {
        return 1;
      }
      wantPositions = true;
      for (QueryNode c : in.children) {
        int[] ps = part(c, d, false).positions;
        if (ps != null) {
          children.add(ps);
        }
      }
      wantPositions = false;
    } else if (root instanceof QueryNode.Union u) {
      count = 0;
      for (QueryNode c : u.children) {
        if (eval.leaf(c) instanceof DocIterator it && it.at(d.id)) {
          count++;
        }
      }
      if (count <= 1) {
        return 1;
      }
      count = 0;
      wantPositions = true;
      for (QueryNode c : u.children) {
        Part p = part(c, d, false);
        if (p.matched) {
          count++;
          if (p.positions != null) {
            children.add(p.positions);
          }
        }
      }
      wantPositions = false;
    } else if (root instanceof QueryNode.Term || root instanceof QueryNode.Pattern
        || root instanceof QueryNode.Fuzzy) {
      DocIterator.Terms leaf = leaf(root);
      if (leaf.words.length == 1) {
        return 1;
      }
      count = 0;
      for (int i = 0; i < leaf.words.length; i++) {
        if (leaf.on(i, d.id)) {
          count++;
        }
      }
      if (count <= 1) {
        return 1; // positions are read only when two words or more matched
      }
      for (int i = 0; i < leaf.words.length; i++) {
        if (leaf.on(i, d.id)) {
          children.add(leaf.cursors[i].positions());
        }
      }
    } else {
      return 1;
    }
    if (count <= 1) {
      return 1;
    }
    double dist = 0;
    for (int i = 0; i + 1 < children.size(); i++) { // consecutive children: 0-1, 1-2, ...
      int[] v1 = children.get(i);
      int[] v2 = children.get(i + 1);
      dist += minDelta(v1, v1.length, v2, v2.length);
    }
    return dist != 0 ? (int) Math.sqrt(dist) : count - 1;
  }
}
