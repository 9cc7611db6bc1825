package dev.cairn.search;

/**
 * A query's scoring tree, built once per query from the query tree and the iterators {@link QueryEval} made for it:
 * each node reads its iterator's current entry directly (a term's frequency from its cursor, with its IDF computed
 * once), so scoring a match walks a few fields instead of re-dispatching on the query tree, and allocates nothing.
 * The values are {@link Scorer}'s tree walk's (the same formulas, through {@link Scorer#termValue}); EXPLAINSCORE keeps
 * that walk, which also builds the text.
 */
abstract class ScoreTree {
  /** Whether the node matched the document {@link #value} was last asked about. */
  boolean matched;

  /** The node's value for document {@code d} (sets {@link #matched}). */
  abstract double value(int d, int docLen);

  /**
   * After {@link #collect}: the node's positions in the document, merged in order, in {@code pos[0, npos)}, when
   * {@code hasPos} (the tree walk's non-null positions: a range or a tag has none, an absent word none either).
   */
  int[] pos = EMPTY;
  int npos;
  boolean hasPos;
  private static final int[] EMPTY = new int[0];

  /** Sets {@link #matched} and the positions for document {@code d} (what the slop reads). */
  void collect(int d) {
    hasPos = false;
    npos = 0;
  }

  /** Appends {@code n} positions to {@link #pos}. */
  final void append(int[] from, int n) {
    if (npos + n > pos.length) {
      pos = java.util.Arrays.copyOf(pos, Math.max(8, Math.max(npos + n, pos.length * 2)));
    }
    System.arraycopy(from, 0, pos, npos, n);
    npos += n;
    hasPos = true;
  }

  /** Builds the tree for {@code n}; {@code s} gives the scorer's kind and constants. */
  static ScoreTree of(QueryNode n, Scorer s) {
    return switch (n) {
      case QueryNode.Term t -> words(n, s);
      case QueryNode.Pattern p -> words(n, s);
      case QueryNode.Fuzzy f -> words(n, s);
      case QueryNode.Intersect in -> new Group(children(in.children, s), in.weight, false, s.dismax());
      case QueryNode.Union u -> new Group(children(u.children, s), u.weight, true, s.dismax());
      case QueryNode.Optional o -> new Opt(of(o.child, s), s.virtualValue(o.weight, 0));
      case QueryNode.Not x -> new Const(s.virtualValue(x.weight, 0), false);
      case QueryNode.All a -> new Const(s.virtualValue(1, 1), true);
      case QueryNode.Numeric num -> new Const(s.otherValue(), true);
      case QueryNode.Geo geo -> new Const(s.otherValue(), true);
      case QueryNode.Tag tag -> tags(tag, s);
      default -> new Const(0, false);
    };
  }

  private static ScoreTree[] children(java.util.List<QueryNode> nodes, Scorer s) {
    ScoreTree[] out = new ScoreTree[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = of(nodes.get(i), s);
    }
    return out;
  }

  private static ScoreTree words(QueryNode n, Scorer s) {
    DocIterator.Terms leaf = n.iterator instanceof DocIterator.Terms t ? t : null;
    if (leaf == null || leaf.words.length == 0) {
      return new Const(0, false);
    }
    int nw = leaf.words.length;
    double[] idf = new double[nw];
    for (int i = 0; i < nw; i++) {
      idf[i] = s.idfOf(leaf.lists[i] == null ? 0 : leaf.lists[i].size());
    }
    return new Words(leaf, idf, n.weight, s);
  }

  private static ScoreTree tags(QueryNode.Tag t, Scorer s) {
    if (!(t.iterator instanceof DocIterator.Tags tags)) {
      return new Const(0, false);
    }
    double[] idf = new double[tags.values.length];
    for (int k = 0; k < idf.length; k++) {
      idf[k] = s.idfOf(tags.sets[k].size());
    }
    return new TagValues(tags, idf, t.weight, s);
  }

  /** A node whose value does not depend on the document (ranges, NOT, {@code *}, unscored nodes). */
  private static final class Const extends ScoreTree {
    private final double v;

    Const(double v, boolean matched) {
      this.v = v;
      this.matched = matched;
    }

    @Override
    double value(int d, int docLen) {
      return v;
    }
  }

  /**
   * Parts whose values add up (DISMAX: the greatest), each a term of its own IDF read where its reader is: a term's
   * words, a tag query's values.
   */
  abstract static class Sum extends ScoreTree {
    final double[] idf;
    final double weight;
    final Scorer s;

    Sum(double[] idf, double weight, Scorer s) {
      this.idf = idf;
      this.weight = weight;
      this.s = s;
    }

    /** Whether part {@code k} occurs in {@code d} (moving its reader forward to it). */
    abstract boolean on(int k, int d);

    /** Part {@code k}'s frequency in the document its reader is on. */
    abstract int freq(int k);

    @Override
    double value(int d, int docLen) {
      double sum = 0;
      boolean any = false;
      boolean max = s.dismax();
      for (int k = 0; k < idf.length; k++) {
        if (on(k, d)) {
          double v = s.termValue(freq(k), idf[k], 1, docLen);
          sum = max ? Math.max(sum, v) : sum + v;
          any = true;
        }
      }
      matched = any;
      return weight * sum;
    }
  }

  /** A term's words (one word, or the union of its expansions), read from the cursors the iterator is on. */
  static final class Words extends Sum {
    private final DocIterator.Terms leaf;

    /**
     * Whether the words are distinct plain tokens (none a stem, {@code +...}, or a phonetic code, {@code <...}): a
     * document has one plain token per position, so two of these words never share one.
     */
    final boolean plain;

    Words(DocIterator.Terms leaf, double[] idf, double weight, Scorer s) {
      super(idf, weight, s);
      this.leaf = leaf;
      boolean p = true;
      for (String w : leaf.words) {
        p &= !w.isEmpty() && w.charAt(0) != '+' && w.charAt(0) != '<';
      }
      plain = p && new java.util.HashSet<>(java.util.Arrays.asList(leaf.words)).size() == leaf.words.length;
    }

    @Override
    boolean on(int k, int d) {
      return leaf.on(k, d);
    }

    @Override
    int freq(int k) {
      return leaf.cursors[k].freq;
    }

    /**
     * The document {@link #value} last read, how many of the words occur in it and whether each of those has
     * positions (what the slop reads first).
     */
    int valueDoc = -1;
    int matches;
    boolean positioned;

    @Override
    double value(int d, int docLen) {
      if (idf.length == 1) { // the word alone carries the node's weight
        matched = leaf.on(0, d);
        return matched ? s.termValue(leaf.cursors[0].freq, idf[0], weight, docLen) : 0;
      }
      double sum = 0;
      int m = 0;
      boolean max = s.dismax();
      PostingList.Cursor[] cursors = leaf.cursors;
      boolean allPos = true;
      for (int k = 0; k < idf.length; k++) {
        if (leaf.on(k, d)) {
          PostingList.Cursor c = cursors[k];
          double v = s.termValue(c.freq, idf[k], 1, docLen);
          sum = max ? Math.max(sum, v) : sum + v;
          m++;
          allPos &= c.hasPositions();
        }
      }
      matched = m > 0;
      matches = m;
      positioned = allPos;
      valueDoc = d;
      return weight * sum;
    }

    private int[] buf = new int[8];

    @Override
    void collect(int d) {
      super.collect(d);
      int words = 0;
      for (int i = 0; i < idf.length; i++) {
        if (leaf.on(i, d)) {
          PostingList.Cursor c = leaf.cursors[i];
          buf = c.positions(buf);
          append(buf, c.npos);
          words++;
        }
      }
      matched = words > 0;
      if (words > 1) {
        java.util.Arrays.sort(pos, 0, npos);
      }
    }

    DocIterator.Terms leaf() {
      return leaf;
    }
  }

  /** A tag query's values: each matching value a term of frequency 1. */
  private static final class TagValues extends Sum {
    private final DocIterator.Tags tags;

    TagValues(DocIterator.Tags tags, double[] idf, double weight, Scorer s) {
      super(idf, weight, s);
      this.tags = tags;
    }

    @Override
    boolean on(int k, int d) {
      return tags.its[k].at(d);
    }

    @Override
    int freq(int k) {
      return 1;
    }

    @Override
    void collect(int d) {
      super.collect(d);
      boolean any = false;
      for (int k = 0; k < idf.length && !any; k++) {
        any = tags.its[k].at(d);
      }
      matched = any;
    }
  }

  /** An intersection (every child's value) or a union (the matching children's; DISMAX takes their maximum). */
  static final class Group extends ScoreTree {
    final ScoreTree[] children;
    private final double weight;
    private final boolean union;
    private final boolean max;

    Group(ScoreTree[] children, double weight, boolean union, boolean dismax) {
      this.children = children;
      this.weight = weight;
      this.union = union;
      this.max = union && dismax;
    }

    @Override
    double value(int d, int docLen) {
      double sum = 0;
      boolean any = false;
      for (ScoreTree c : children) {
        double v = c.value(d, docLen);
        if (c.matched || !union) {
          sum = max ? Math.max(sum, v) : sum + v;
          any |= c.matched;
        }
      }
      matched = any;
      return weight * sum;
    }

    @Override
    void collect(int d) {
      super.collect(d);
      boolean any = false;
      int parts = 0;
      for (ScoreTree c : children) {
        c.collect(d);
        if (c.matched || !union) {
          any |= c.matched;
          if (c.hasPos) {
            append(c.pos, c.npos);
            parts++;
          }
        }
      }
      matched = any;
      if (parts > 1) {
        java.util.Arrays.sort(pos, 0, npos);
      }
    }
  }

  /** {@code ~child}: the child's value where it matches, else a virtual term of frequency 0. */
  private static final class Opt extends ScoreTree {
    private final ScoreTree child;
    private final double unmatched;

    Opt(ScoreTree child, double unmatched) {
      this.child = child;
      this.unmatched = unmatched;
    }

    @Override
    double value(int d, int docLen) {
      double v = child.value(d, docLen);
      matched = child.matched;
      return matched ? v : unmatched;
    }

    @Override
    void collect(int d) {
      super.collect(d);
      child.collect(d);
      matched = child.matched;
      if (matched && child.hasPos) {
        append(child.pos, child.npos);
      }
    }
  }
}
