package dev.cairn.search;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@link SearchBench}'s and {@link IndexBench}'s work measured in this thread's CPU time rather than wall-clock time:
 * on a machine shared with other work, wall-clock rates swing with the load (JMH's errors grow to several times the
 * score), the CPU a thread spends per operation much less. Warms up, then prints the median of several rounds of
 * microseconds of CPU per document indexed and per query of each kind.
 *
 * <p>{@code java -cp bench/jmh-search/target/benchmarks.jar dev.cairn.search.SearchCpu [docs] [rounds]}
 */
public final class SearchCpu {
  private SearchCpu() {
  }

  public static void main(String[] args) {
    int docs = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Map<String, String>> corpus = SearchBench.corpus(docs, 7);
    byte[][] keys = new byte[docs][];
    for (int i = 0; i < docs; i++) {
      keys[i] = ("doc:" + i).getBytes(StandardCharsets.UTF_8);
    }
    double[] index = new double[rounds];
    SearchIndex idx = null;
    for (int r = -2; r < rounds; r++) { // two rounds of warm-up
      long t0 = mx.getCurrentThreadCpuTime();
      idx = SearchBench.newIndex();
      for (int i = 0; i < docs; i++) {
        idx.update(keys[i], corpus.get(i));
      }
      if (r >= 0) {
        index[r] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / docs;
      }
    }
    System.out.printf("%-16s %10.2f us CPU per document%n", "indexing", median(index));
    for (String kind : new String[] {"single-term", "phrase", "prefix", "numeric-range", "tag"}) {
      SearchBench b = new SearchBench();
      b.docs = docs;
      b.kind = kind;
      b.useIndex(idx);
      int n = 512;
      double[] per = new double[rounds];
      for (int r = -3; r < rounds; r++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int q = 0; q < n; q++) {
          b.query();
        }
        if (r >= 0) {
          per[r] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / n;
        }
      }
      System.out.printf("%-16s %10.2f us CPU per query%n", kind, median(per));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
