package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scoring tree ({@link ScoreTree}, what a search scores with) against the scorer's tree walk (what EXPLAINSCORE
 * uses, the formulas as RediSearch writes them): the same value, bit for bit, for every match of random queries
 * under every scorer, with random node weights (the seed is printed).
 */
class ScoreTreeTest {
  private static final String[] EXTRA = {"running", "runs", "runner", "cats", "cat", "catalog"};
  private static final String[] SCORERS = {"TFIDF", "TFIDF.DOCNORM", "BM25", "BM25STD", "DISMAX", "DOCSCORE"};

  @Test
  void scoringTreeEqualsTheTreeWalk() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("scoringTreeEqualsTheTreeWalk seed " + seed);
    Random rnd = new Random(seed);
    SearchIndex idx = randomIndex(rnd);
    int compared = 0;
    for (int q = 0; q < 400; q++) {
      QueryNode node = q % 5 == 0 ? stemmed(rnd) : QueryIteratorTest.randomNode(rnd, 3);
      weigh(node, rnd);
      StringBuilder sb = new StringBuilder();
      node.explain(sb, 0, idx);
      for (String name : SCORERS) {
        QueryEval eval = new QueryEval(idx, false, null, name);
        DocIterator it = eval.iterator(node);
        Scorer scorer = new Scorer(idx, eval, name, null);
        for (int d = it.next(); d != DocIterator.END; d = it.next()) {
          SearchIndex.Doc doc = idx.doc(d);
          double walked = scorer.score(node, doc, new Scorer.Explain[1]);
          double tree = scorer.score(node, doc, null);
          assertEquals(Double.doubleToLongBits(walked), Double.doubleToLongBits(tree),
              () -> "seed " + seed + " scorer " + name + " doc " + doc.key() + " walk " + walked + " tree " + tree
                  + " query\n" + sb);
          compared++;
        }
      }
    }
    assertTrue(compared > 1000, "compared " + compared);
  }

  /**
   * A search's top k, scored with the top-k floor (a document that cannot rank is not given its slop), is the top k
   * of the exact scores: the same documents, in the same order, with the same scores bit for bit.
   */
  @Test
  void pruningByTheTopKFloorKeepsTheSameResults() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("pruningByTheTopKFloorKeepsTheSameResults seed " + seed);
    Random rnd = new Random(seed);
    SearchIndex idx = randomIndex(rnd);
    int pruned = 0;
    for (int q = 0; q < 300; q++) {
      QueryNode node = q % 3 == 0 ? stemmed(rnd) : QueryIteratorTest.randomNode(rnd, 3);
      weigh(node, rnd);
      int k = 1 + rnd.nextInt(10);
      for (String name : SCORERS) {
        QueryEval eval = new QueryEval(idx, false, null, name);
        DocIterator it = eval.iterator(node);
        Scorer scorer = new Scorer(idx, eval, name, null);
        TopK exact = new TopK(k, TopK.BY_SCORE);
        TopK floored = new TopK(k, TopK.BY_SCORE);
        for (int d = it.next(); d != DocIterator.END; d = it.next()) {
          double score = scorer.score(node, d);
          exact.offer(d, score);
          double withFloor = scorer.score(node, d, floored.floor());
          if (Double.doubleToLongBits(withFloor) != Double.doubleToLongBits(score)) {
            assertTrue(withFloor < floored.floor() && score < floored.floor(), "seed " + seed);
            pruned++;
          }
          floored.offer(d, withFloor);
        }
        int n = exact.size();
        int[] docs = new int[n];
        double[] scores = new double[n];
        int[] docs2 = new int[n];
        double[] scores2 = new double[n];
        exact.drain(docs, scores);
        assertEquals(n, floored.drain(docs2, scores2), "seed " + seed);
        assertArrayEquals(docs, docs2, "seed " + seed + " scorer " + name);
        assertArrayEquals(scores, scores2, "seed " + seed + " scorer " + name);
      }
    }
    assertTrue(pruned > 0, "some documents were cut short: " + pruned);
  }

  private static SearchIndex randomIndex(Random rnd) {
    SearchIndex idx = new SearchIndex(IndexDefinition.parse("i", List.of("SCORE_FIELD", "s", "SCHEMA", "title",
        "TEXT", "WEIGHT", "3", "body", "TEXT", "n", "NUMERIC", "t", "TAG")));
    String[] vocab = new String[QueryIteratorTest.VOCAB.length + EXTRA.length];
    System.arraycopy(QueryIteratorTest.VOCAB, 0, vocab, 0, QueryIteratorTest.VOCAB.length);
    System.arraycopy(EXTRA, 0, vocab, QueryIteratorTest.VOCAB.length, EXTRA.length);
    for (int i = 0; i < 300; i++) {
      Map<String, String> fields = new HashMap<>();
      fields.put("title", text(rnd, vocab, 1 + rnd.nextInt(4)));
      fields.put("body", text(rnd, vocab, rnd.nextInt(12)));
      fields.put("n", Integer.toString(rnd.nextInt(20)));
      fields.put("t", "t" + rnd.nextInt(4) + "," + "t" + rnd.nextInt(4));
      fields.put("s", rnd.nextInt(5) == 0 ? "0.5" : "1");
      idx.update(("d" + rnd.nextInt(250)).getBytes(StandardCharsets.UTF_8), fields);
    }
    return idx;
  }

  private static String text(Random rnd, String[] vocab, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(vocab[rnd.nextInt(vocab.length)]);
    }
    return sb.toString();
  }

  /** Words with stems and prefixes with several expansions, alone or in a union or intersection. */
  private static QueryNode stemmed(Random rnd) {
    QueryNode a = rnd.nextBoolean() ? new QueryNode.Term(EXTRA[rnd.nextInt(EXTRA.length)])
        : new QueryNode.Pattern(rnd.nextBoolean() ? "run*" : "cat*", "PREFIX");
    if (rnd.nextBoolean()) {
      return a;
    }
    QueryNode b = new QueryNode.Term(EXTRA[rnd.nextInt(EXTRA.length)]);
    if (rnd.nextBoolean()) {
      QueryNode.Union u = new QueryNode.Union();
      u.children.add(a);
      u.children.add(b);
      return u;
    }
    QueryNode.Intersect in = new QueryNode.Intersect();
    in.children.add(a);
    in.children.add(b);
    return in;
  }

  private static void weigh(QueryNode n, Random rnd) {
    if (rnd.nextInt(4) == 0) {
      n.weight = rnd.nextBoolean() ? 0.5 : 2.5;
    }
    switch (n) {
      case QueryNode.Intersect in -> in.children.forEach(c -> weigh(c, rnd));
      case QueryNode.Union u -> u.children.forEach(c -> weigh(c, rnd));
      case QueryNode.Not x -> weigh(x.child, rnd);
      case QueryNode.Optional o -> weigh(o.child, rnd);
      default -> { }
    }
  }
}
