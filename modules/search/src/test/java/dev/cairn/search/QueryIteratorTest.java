package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The query engine's structures against simple models, with random input (the seed is printed): postings lists under
 * appends, inserts of reused ids and removals; the numeric range index; the top-k heap; and random query trees run
 * through the iterators against a naive evaluator over the documents' words.
 */
class QueryIteratorTest {
  static final String[] VOCAB = {"aa", "ab", "ac", "ba", "bb", "ca", "cb", "dd"};

  private static long seed() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println(Thread.currentThread().getStackTrace()[2].getMethodName() + " seed " + seed);
    return seed;
  }

  @Test
  void postingListMatchesAModel() {
    long seed = seed();
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      PostingList pl = new PostingList("t");
      TreeMap<Integer, int[]> model = new TreeMap<>(); // doc -> {freq, mask, positions...}
      int maxDoc = 50 + rnd.nextInt(2000);
      for (int op = 0; op < 3000; op++) {
        int doc = rnd.nextInt(maxDoc);
        if (model.containsKey(doc)) {
          assertEquals(model.remove(doc)[0], pl.remove(doc), "seed " + seed);
        } else {
          int npos = 1 + rnd.nextInt(4);
          int[] pos = new int[npos];
          int p = 0;
          for (int i = 0; i < npos; i++) {
            p += 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 500);
            pos[i] = p;
          }
          int freq = 1 + rnd.nextInt(300);
          long mask = rnd.nextInt(8) == 0 ? 1L << 40 : 1 + rnd.nextInt(3);
          int wide = round % 4 == 3 && rnd.nextInt(200) == 0 ? 1 + rnd.nextInt(100) : 0; // fields past 64: widens
          pl.add(doc, freq, mask, wide, pos, npos);
          int[] e = new int[3 + npos];
          e[0] = freq;
          e[1] = (int) (mask >>> 40 != 0 ? -1 : mask);
          e[2] = wide;
          System.arraycopy(pos, 0, e, 3, npos);
          model.put(doc, e);
        }
        if (op % 97 == 0) {
          check(pl, model, rnd, seed);
        }
      }
      check(pl, model, rnd, seed);
      assertEquals(-1, pl.remove(maxDoc + 5));
    }
  }

  private static void check(PostingList pl, TreeMap<Integer, int[]> model, Random rnd, long seed) {
    assertEquals(model.size(), pl.size(), "seed " + seed);
    assertEquals(model.values().stream().mapToLong(m -> m.length - 3).sum(), pl.positions, "seed " + seed);
    PostingList.Cursor c = pl.cursor();
    for (Map.Entry<Integer, int[]> e : model.entrySet()) {
      assertEquals((int) e.getKey(), c.next(), "seed " + seed);
      int[] m = e.getValue();
      assertEquals(m[0], c.freq);
      assertEquals(m[1] == -1 ? 1L << 40 : m[1], c.mask0);
      assertEquals(m[2], c.mask1, "seed " + seed);
      assertArrayEquals(Arrays.copyOfRange(m, 3, m.length), c.positions(), "seed " + seed);
    }
    assertEquals(DocIterator.END, c.next());
    // advance to random targets, in order
    c = pl.cursor();
    int target = 0;
    while (true) {
      target += rnd.nextInt(200);
      Integer want = model.ceilingKey(target);
      int got = c.advance(target);
      assertEquals(want == null ? DocIterator.END : (int) want, got, "advance " + target + " seed " + seed);
      if (want == null) {
        break;
      }
      target = got;
    }
  }

  /** Unions of many children (kept in a heap) and terms of many words, advanced to random targets, against sets. */
  @Test
  void wideUnionsMatchTheirSets() {
    long seed = seed();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int k = 1 + rnd.nextInt(24);
      int max = 50 + rnd.nextInt(3000);
      DocIterator[] kids = new DocIterator[k];
      PostingList[] lists = new PostingList[k];
      TreeSet<Integer> union = new TreeSet<>();
      TreeSet<Integer> terms = new TreeSet<>(); // a word without postings (null) matches nothing
      for (int i = 0; i < k; i++) {
        TreeSet<Integer> ids = new TreeSet<>();
        int n = rnd.nextInt(max / 4 + 1);
        for (int j = 0; j < n; j++) {
          ids.add(rnd.nextInt(max));
        }
        union.addAll(ids);
        int[] arr = ids.stream().mapToInt(Integer::intValue).toArray();
        kids[i] = new DocIterator.Ids(arr, arr.length);
        if (rnd.nextInt(8) != 0 && arr.length > 0) {
          lists[i] = new PostingList("w" + i);
          for (int id : arr) {
            lists[i].add(id, 1, 1, 0, new int[] {1}, 1);
          }
          terms.addAll(ids);
        }
      }
      String[] words = new String[k];
      Arrays.setAll(words, i -> "w" + i);
      walk(new DocIterator.Union(kids), union, rnd, seed);
      walk(new DocIterator.Terms(words, lists, null), terms, rnd, seed);
    }
  }

  private static void walk(DocIterator it, TreeSet<Integer> model, Random rnd, long seed) {
    int target = 0;
    while (true) {
      Integer want = model.ceiling(target);
      int got = rnd.nextBoolean() ? it.advance(target) : target == it.doc + 1 ? it.next() : it.advance(target);
      assertEquals(want == null ? DocIterator.END : (int) want, got, "target " + target + " seed " + seed);
      if (want == null) {
        return;
      }
      target = got + (rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(100) : 1);
    }
  }

  @Test
  void numericIndexMatchesAScan() {
    long seed = seed();
    Random rnd = new Random(seed);
    NumericIndex ni = new NumericIndex();
    Map<Integer, Double> model = new HashMap<>();
    for (int op = 0; op < 20000; op++) {
      int doc = rnd.nextInt(3000);
      Double old = model.remove(doc);
      if (old != null) {
        ni.remove(old, doc);
      } else {
        double v = rnd.nextInt(500) + (rnd.nextBoolean() ? 0.5 : 0);
        ni.add(v, doc);
        model.put(doc, v);
      }
      if (op % 500 == 0) {
        double lo = rnd.nextInt(520) - 10;
        double hi = lo + rnd.nextInt(op % 1500 == 0 ? 600 : 100);
        QueryNode.Numeric r = new QueryNode.Numeric("n", lo, rnd.nextBoolean(), hi, rnd.nextBoolean());
        TreeSet<Integer> want = new TreeSet<>();
        model.forEach((d, v) -> {
          if (r.matches(v)) {
            want.add(d);
          }
        });
        assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), ni.range(r), "seed " + seed);
        walk(ni.iterator(r), want, rnd, seed); // a bit map when dense, else the ids
      }
    }
    assertEquals(model.size(), ni.size());
  }

  @Test
  void topKKeepsTheBestInOrder() {
    long seed = seed();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = rnd.nextInt(300);
      int k = rnd.nextInt(40);
      TopK top = new TopK(k, TopK.BY_SCORE);
      List<double[]> all = new ArrayList<>();
      for (int d = 0; d < n; d++) {
        double s = rnd.nextInt(20);
        top.offer(d, s);
        all.add(new double[] {d, s});
      }
      all.sort((x, y) -> x[1] != y[1] ? Double.compare(y[1], x[1]) : Double.compare(x[0], y[0]));
      int m = Math.min(k, n);
      int[] ids = new int[m];
      double[] scores = new double[m];
      assertEquals(m, top.drain(ids, scores));
      for (int i = 0; i < m; i++) {
        assertEquals((int) all.get(i)[0], ids[i], "seed " + seed);
        assertEquals(all.get(i)[1], scores[i]);
      }
    }
  }

  /** A document of the model: its words per text field, its number and tags. */
  private record Doc(String[] title, String[] body, double n, String tag) {
    /** Its words with their positions, running on across the fields as the index counts them. */
    String[] stream() {
      String[] s = Arrays.copyOf(title, title.length + body.length);
      System.arraycopy(body, 0, s, title.length, body.length);
      return s;
    }
  }

  @Test
  void randomQueriesMatchANaiveEvaluator() {
    long seed = seed();
    Random rnd = new Random(seed);
    SearchIndex idx = new SearchIndex(IndexDefinition.parse("i", List.of("SCHEMA", "title", "TEXT", "body", "TEXT",
        "n", "NUMERIC", "t", "TAG")));
    Map<Integer, Doc> byId = new HashMap<>();
    Map<String, Doc> byKey = new HashMap<>();
    for (int round = 0; round < 40; round++) {
      for (int op = 0; op < 60; op++) { // writes: new documents, updates (a freed id comes back), deletes
        String key = "d" + rnd.nextInt(120);
        if (rnd.nextInt(5) == 0) {
          idx.update(key.getBytes(StandardCharsets.UTF_8), null);
          byKey.remove(key);
          continue;
        }
        Doc d = new Doc(words(rnd, 1 + rnd.nextInt(4)), words(rnd, rnd.nextInt(8)), rnd.nextInt(20),
            "t" + rnd.nextInt(4));
        Map<String, String> fields = new HashMap<>();
        fields.put("title", String.join(" ", d.title));
        if (d.body.length > 0) {
          fields.put("body", String.join(" ", d.body));
        }
        fields.put("n", Integer.toString((int) d.n));
        fields.put("t", d.tag);
        idx.update(key.getBytes(StandardCharsets.UTF_8), fields);
        byKey.put(key, d);
      }
      byId.clear();
      byKey.forEach((k, d) -> byId.put(idx.doc(k).id, d));
      for (int q = 0; q < 50; q++) {
        QueryNode node = randomNode(rnd, 3);
        QueryEval eval = new QueryEval(idx, false, null, "TFIDF");
        BitSet got = eval.run(node).docs;
        BitSet want = new BitSet();
        byId.forEach((id, d) -> {
          if (naive(node, d)) {
            want.set(id);
          }
        });
        StringBuilder sb = new StringBuilder();
        node.explain(sb, 0, idx);
        assertEquals(want, got, "seed " + seed + " query\n" + sb);
      }
    }
  }

  private static String[] words(Random rnd, int n) {
    String[] w = new String[n];
    for (int i = 0; i < n; i++) {
      w[i] = VOCAB[rnd.nextInt(VOCAB.length)];
    }
    return w;
  }

  /** A random query tree over {@link #VOCAB}, numeric attribute n and tag attribute t (also {@link ScoreTreeTest}'s). */
  static QueryNode randomNode(Random rnd, int depth) {
    int kind = depth == 0 ? rnd.nextInt(4) : rnd.nextInt(10);
    switch (kind) {
      case 0, 1 -> {
        QueryNode.Term t = new QueryNode.Term(VOCAB[rnd.nextInt(VOCAB.length)]);
        if (rnd.nextInt(4) == 0) {
          t.fields = List.of(rnd.nextBoolean() ? "title" : "body");
        }
        return t;
      }
      case 2 -> {
        QueryNode.Numeric n = new QueryNode.Numeric("n", rnd.nextInt(20), rnd.nextBoolean(), rnd.nextInt(20),
            rnd.nextBoolean());
        return n;
      }
      case 3 -> {
        if (rnd.nextBoolean()) {
          return new QueryNode.Pattern(VOCAB[rnd.nextInt(VOCAB.length)].charAt(0) + "*", "PREFIX");
        }
        QueryNode.Tag t = new QueryNode.Tag("t");
        t.values.add("t" + rnd.nextInt(5));
        if (rnd.nextBoolean()) {
          t.values.add("t" + rnd.nextInt(5));
        }
        return t;
      }
      case 4, 5 -> {
        QueryNode.Intersect in = new QueryNode.Intersect();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
          QueryNode c = randomNode(rnd, depth - 1);
          in.children.add(rnd.nextInt(6) == 0 ? new QueryNode.Optional(c) : c);
        }
        return in;
      }
      case 6 -> { // a phrase, or terms within a slop
        QueryNode.Intersect in = new QueryNode.Intersect();
        int n = 2 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
          in.children.add(new QueryNode.Term(VOCAB[rnd.nextInt(VOCAB.length)]));
        }
        if (rnd.nextBoolean()) {
          in.exact = true;
        } else {
          in.slop = rnd.nextInt(4);
          in.inOrder = rnd.nextBoolean();
        }
        return in;
      }
      case 7, 8 -> {
        QueryNode.Union u = new QueryNode.Union();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
          u.children.add(randomNode(rnd, depth - 1));
        }
        return u;
      }
      default -> {
        return new QueryNode.Not(randomNode(rnd, depth - 1));
      }
    }
  }

  private static boolean naive(QueryNode n, Doc d) {
    return switch (n) {
      case QueryNode.Term t -> {
        boolean title = t.fields == null || t.fields.contains("title");
        boolean body = t.fields == null || t.fields.contains("body");
        yield title && Arrays.asList(d.title).contains(t.word) || body && Arrays.asList(d.body).contains(t.word);
      }
      case QueryNode.Pattern p -> Arrays.stream(d.stream()).anyMatch(w -> w.startsWith(p.pattern.substring(0, 1)));
      case QueryNode.Numeric r -> r.matches(d.n);
      case QueryNode.Tag t -> t.values.contains(d.tag);
      case QueryNode.Union u -> u.children.stream().anyMatch(c -> naive(c, d));
      case QueryNode.Not x -> !naive(x.child, d);
      case QueryNode.Optional o -> naive(o.child, d);
      case QueryNode.Intersect in -> {
        boolean all = true;
        for (QueryNode c : in.children) {
          if (!(c instanceof QueryNode.Optional)) {
            all &= naive(c, d);
          }
        }
        if (all && (in.exact || in.slop >= 0) && in.children.size() > 1) {
          all = near(in, d.stream());
        }
        yield all;
      }
      default -> throw new AssertionError(n);
    };
  }

  /** Brute force over every choice of one position per term. */
  private static boolean near(QueryNode.Intersect in, String[] words) {
    int n = in.children.size();
    int[] pick = new int[n];
    return choose(in, words, pick, 0);
  }

  private static boolean choose(QueryNode.Intersect in, String[] words, int[] pick, int i) {
    int n = pick.length;
    if (i == n) {
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int p : pick) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
      boolean ordered = true;
      for (int k = 1; k < n; k++) {
        ordered &= pick[k] > pick[k - 1];
      }
      if (in.exact && in.slop < 0) {
        return ordered && max - min == n - 1;
      }
      return (ordered || !(in.exact || in.inOrder)) && max - min - (n - 1) <= in.slop;
    }
    String w = ((QueryNode.Term) in.children.get(i)).word;
    for (int p = 0; p < words.length; p++) {
      if (words[p].equals(w)) {
        pick[i] = p;
        if (choose(in, words, pick, i + 1)) {
          return true;
        }
      }
    }
    return false;
  }
}
