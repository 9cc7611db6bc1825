package dev.cairn.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;

/**
 * RediSearch's default scorer (TFIDF, as RedisGraph's full-text indexes, which are RediSearch's, report it): Lucene
 * finds the matching nodes, this gives each its score the way RediSearch 2.6 computes it. A document's term
 * frequencies are RediSearch's: each occurrence of a word adds the field's weight (at least 1, truncated), of a stem
 * ({@code +stem}, when it differs from the word) a fifth of it (at least 1); {@code maxFreq} is the largest. The query
 * is a tree of RediSearch's results: a word is the union of its expansions (the word, {@code +stem}, the stem), words
 * side by side an intersection, {@code |} a union, a prefix or fuzzy term the union of the document's words it
 * matches. A term scores {@code tf * idf} with {@code idf = logb(1 + N / df)} (the binary exponent, as RediSearch),
 * an aggregate the sum of its matched children, and the document {@code sum / maxFreq / slop}, where the slop is the
 * root's: the square root of the summed squares of the least distance between consecutive children's positions.
 */
final class FullTextScore {
  private FullTextScore() {}

  /** One node of the query's result tree. */
  interface Node {
    Res eval(Doc d, Stats s);
  }

  /** A node's result for one document: its score, the positions it matched, how many children matched. */
  record Res(double score, int[] positions, int children, boolean aggregate) {
    static final Res NONE = new Res(0, new int[0], 0, false);

    boolean matched() {
      return positions.length > 0;
    }
  }

  /** A query word: the union of its expansions (a single term when it has none). */
  record Terms(List<String> alternatives) implements Node {
    @Override
    public Res eval(Doc d, Stats s) {
      double sum = 0;
      int matched = 0;
      int[] pos = new int[0];
      for (String t : alternatives) {
        int f = d.freq(t);
        if (f > 0) {
          sum += f * s.idf(t);
          matched++;
          pos = merge(pos, d.positions(t));
        }
      }
      return matched == 0 ? Res.NONE : new Res(sum, pos, matched, alternatives.size() > 1);
    }
  }

  /** The document's words that match (a prefix or a fuzzy term), as a union. */
  record Matching(java.util.function.Predicate<String> test) implements Node {
    @Override
    public Res eval(Doc d, Stats s) {
      List<String> words = new ArrayList<>();
      for (String t : d.freq.keySet()) {
        if (!t.isEmpty() && t.charAt(0) != FullText.STEM && t.charAt(0) != FullText.PHONETIC && test.test(t)) {
          words.add(t);
        }
      }
      java.util.Collections.sort(words);
      return new Terms(words).eval(d, s);
    }
  }

  /** An intersection ({@code all}) or a union of children; negated children are not scored. */
  record Group(List<Node> children, boolean all) implements Node {
    @Override
    public Res eval(Doc d, Stats s) {
      double sum = 0;
      List<int[]> pos = new ArrayList<>();
      for (Node c : children) {
        Res r = c.eval(d, s);
        if (r.matched()) {
          sum += r.score();
          pos.add(r.positions());
        }
      }
      if (pos.isEmpty()) {
        return Res.NONE;
      }
      int[] merged = new int[0];
      for (int[] p : pos) {
        merged = merge(merged, p);
      }
      return new Res(sum, merged, pos.size(), true);
    }
  }

  /** A document's terms as RediSearch's forward index has them. */
  static final class Doc {
    final Map<String, Integer> freq = new HashMap<>();
    final Map<String, int[]> positions = new HashMap<>();
    int maxFreq;

    int freq(String t) {
      Integer f = freq.get(t);
      return f == null ? 0 : f;
    }

    int[] positions(String t) {
      int[] p = positions.get(t);
      return p == null ? new int[0] : p;
    }

    void add(String t, int pos, int by) {
      int f = freq.merge(t, by, Integer::sum);
      maxFreq = Math.max(maxFreq, f);
      int[] p = positions.get(t);
      if (p == null) {
        positions.put(t, new int[] {pos});
      } else if (p[p.length - 1] != pos) {
        int[] q = Arrays.copyOf(p, p.length + 1);
        q[p.length] = pos;
        positions.put(t, q);
      }
    }
  }

  /** The node's document, analyzed as the index analyzes it; positions count words, stop words not. */
  static Doc doc(FullText.Index idx, Graph g, int node) {
    Doc d = new Doc();
    int pos = 0;
    for (FullText.FieldDef f : idx.fields) {
      if (!(g.prop(true, node, f.key()) instanceof String text)) {
        continue;
      }
      int word = Math.max(1, (int) (float) f.weight());
      int stem = Math.max(1, (int) ((float) f.weight() * 0.2f));
      try (TokenStream ts = idx.analyzer(f).tokenStream(FullText.fieldName(f.key()), text)) {
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          String t = term.toString();
          if (t.isEmpty()) {
            continue;
          }
          char c = t.charAt(0);
          if (c == FullText.STEM) {
            d.add(t, Math.max(pos, 1), stem);
          } else if (c == FullText.PHONETIC) {
            d.add(t, Math.max(pos, 1), word);
          } else {
            d.add(t, ++pos, word);
          }
        }
        ts.end();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return d;
  }

  /** The index's statistics: documents, and per term the documents holding it in any field. */
  static final class Stats {
    private final IndexSearcher searcher;
    private final FullText.Index idx;
    private final Map<String, Double> idf = new HashMap<>();
    private final long docs;

    Stats(IndexSearcher searcher, FullText.Index idx) {
      this.searcher = searcher;
      this.idx = idx;
      this.docs = searcher.getIndexReader().numDocs();
    }

    double idf(String term) {
      return idf.computeIfAbsent(term, t -> {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (FullText.FieldDef f : idx.fields) {
          b.add(new TermQuery(new Term(FullText.fieldName(f.key()), t)), Occur.SHOULD);
        }
        try {
          long df = searcher.count(b.build());
          return (double) Math.getExponent(1.0f + docs / (double) (df == 0 ? 1 : df)); // C's logb
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** RediSearch's score of a matching document for the query tree {@code root}. */
  static double score(Node root, Doc d, Stats s) {
    if (d.maxFreq == 0) {
      return 0;
    }
    Res r;
    List<int[]> children = null;
    if (root instanceof Group grp) {
      children = new ArrayList<>();
      double sum = 0;
      for (Node c : grp.children()) {
        Res x = c.eval(d, s);
        if (x.matched()) {
          sum += x.score();
          children.add(x.positions());
        }
      }
      r = new Res(sum, new int[0], children.size(), true);
    } else {
      r = root.eval(d, s);
      if (r.aggregate() && root instanceof Terms t) {
        children = new ArrayList<>();
        for (String alt : t.alternatives()) {
          if (d.freq(alt) > 0) {
            children.add(d.positions(alt));
          }
        }
      }
    }
    return r.score() / d.maxFreq / slop(children);
  }

  /** RediSearch's IndexResult_MinOffsetDelta over an aggregate's matched children (1 for a single term). */
  static int slop(List<int[]> children) {
    if (children == null || children.size() <= 1) {
      return 1;
    }
    int dist = 0;
    for (int i = 0; i + 1 < children.size(); i++) { // consecutive pairs
      dist += square(minDelta(children.get(i), children.get(i + 1)));
    }
    return dist != 0 ? (int) Math.sqrt(dist) : children.size() - 1;
  }

  private static int square(int x) {
    return x * x;
  }

  private static int minDelta(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int cd = Math.abs(b[0] - a[0]);
    while (cd > 1 && i < a.length && j < b.length) {
      cd = Math.min(Math.abs(b[j] - a[i]), cd);
      if (b[j] > a[i]) {
        i++;
      } else {
        j++;
      }
    }
    return cd;
  }

  static int[] merge(int[] a, int[] b) {
    if (a.length == 0) {
      return b;
    }
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      int v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (n == 0 || out[n - 1] != v) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
