package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The search module's hot internals on bench/search-compare.py's corpus (a Zipf-like vocabulary of 3,000 words; a
 * title of 3 to 8 words with weight 2, a body of 20 to 40, a tag of 50 values, a number below 1,000): each query kind
 * run as FT.SEARCH runs it (iterate the matches, score each, keep the best 10), so a change to the iterators, the
 * scorer or the postings shows here without a server or a network between ({@link IndexBench}: indexing).
 *
 * <p>{@code java -jar bench/jmh-search/target/benchmarks.jar SearchBench -p docs=20000}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC"})
public class SearchBench {
  @Param({"20000"})
  int docs;

  @Param({"single-term", "phrase", "prefix", "numeric-range", "tag"})
  String kind;

  private List<Map<String, String>> corpus;
  private SearchIndex index;
  private String[] queries;
  private int next;
  private int batchAt;

  static List<Map<String, String>> corpus(int n, long seed) {
    Random rnd = new Random(seed);
    String[] vocab = new String[3000];
    double[] cum = new double[vocab.length];
    double total = 0;
    for (int i = 0; i < vocab.length; i++) {
      vocab[i] = String.format("w%04d", i);
      total += 1.0 / (i + 1);
      cum[i] = total;
    }
    java.util.ArrayList<Map<String, String>> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, String> doc = new HashMap<>();
      doc.put("title", words(rnd, vocab, cum, 3 + rnd.nextInt(6)));
      doc.put("body", words(rnd, vocab, cum, 20 + rnd.nextInt(21)));
      doc.put("tag", "t" + rnd.nextInt(50));
      doc.put("num", Integer.toString(rnd.nextInt(1000)));
      out.add(doc);
    }
    return out;
  }

  private static String words(Random rnd, String[] vocab, double[] cum, int k) {
    StringBuilder sb = new StringBuilder();
    double total = cum[cum.length - 1];
    for (int i = 0; i < k; i++) {
      int w = java.util.Arrays.binarySearch(cum, rnd.nextDouble() * total);
      sb.append(i == 0 ? "" : " ").append(vocab[w < 0 ? -w - 1 : w]);
    }
    return sb.toString();
  }

  static SearchIndex newIndex() {
    return new SearchIndex(IndexDefinition.parse("idx", List.of("SCHEMA", "title", "TEXT", "WEIGHT", "2", "body",
        "TEXT", "tag", "TAG", "num", "NUMERIC")));
  }

  @Setup
  public void setup() {
    corpus = corpus(docs, 7);
    index = newIndex();
    for (int i = 0; i < corpus.size(); i++) {
      index.update(("doc:" + i).getBytes(StandardCharsets.UTF_8), corpus.get(i));
    }
    queries();
  }

  /** Queries over an index built elsewhere ({@link SearchCpu}). */
  void useIndex(SearchIndex idx) {
    index = idx;
    queries();
  }

  private void queries() {
    Random rnd = new Random(11);
    queries = new String[512];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = switch (kind) {
        case "single-term" -> String.format("w%04d", rnd.nextInt(200));
        case "phrase" -> String.format("\"w%04d w%04d\"", rnd.nextInt(20), rnd.nextInt(20));
        case "prefix" -> String.format("w0%02d*", rnd.nextInt(100));
        case "numeric-range" -> {
          int lo = rnd.nextInt(900);
          yield "@num:[" + lo + " " + (lo + 50) + "]";
        }
        default -> "@tag:{t" + rnd.nextInt(50) + "}";
      };
    }
  }

  /** One query as FT.SEARCH runs it with LIMIT 0 10: every match iterated and scored, the best 10 kept. */
  @Benchmark
  public int query() {
    String q = queries[next++ & (queries.length - 1)];
    QueryNode root = QueryParser.parse(q, index.def, Map.of(), 2);
    QueryEval eval = new QueryEval(index, false, null, "TFIDF");
    DocIterator it = eval.iterator(root);
    Scorer scorer = new Scorer(index, eval, "TFIDF", null);
    TopK top = new TopK(10, TopK.BY_SCORE);
    for (int d = it.next(); d != DocIterator.END; d = it.next()) {
      if (index.mayExpire(d)) { // as FT.SEARCH: only a document with a TTL is looked up (none here)
        continue;
      }
      top.offer(d, scorer.score(root, d));
    }
    return top.size();
  }
}
