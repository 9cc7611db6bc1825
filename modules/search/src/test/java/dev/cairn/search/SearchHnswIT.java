package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * HNSW through a real client: recall on uniform random data (the hard case) for every metric against FLAT, with
 * EF_RUNTIME as the search's beam width; and the graph built off the engine thread: FT.CREATE and HSETs return before
 * the graph has the vectors, queries meanwhile return exactly FLAT's answer, and _FT.DEBUG VECSIM_INFO shows the
 * backlog until the builder catches up.
 */
@WithCairn(jars = {"target/cairn-search.jar"}, config = {"dir", "target", "save", ""})
class SearchHnswIT extends SearchITBase {
  @Override
  int timeoutMillis() {
    return 120_000;
  }

  static Object cmd(UnifiedJedis j, Object... args) {
    return send(j, args);
  }


  /** A value of _FT.DEBUG VECSIM_INFO (a path of names into its nested pairs). */
  static Object vecsim(UnifiedJedis j, String index, String field, String... path) {
    Object cur = cmd(j, "_FT.DEBUG", "VECSIM_INFO", index, field);
    for (String name : path) {
      List<?> l = (List<?>) cur;
      cur = l.get(l.indexOf(name) + 1);
    }
    return cur;
  }

  /** Waits until the background builder has put every vector of the field into its graph. */
  static void awaitGraph(UnifiedJedis j, String index, String field) throws InterruptedException {
    long end = System.currentTimeMillis() + 600_000;
    while ((Long) vecsim(j, index, field, "BACKGROUND_INDEXING") != 0) {
      assertTrue(System.currentTimeMillis() < end, "the HNSW builder did not catch up in 10 minutes");
      Thread.sleep(50);
    }
    assertEquals(0L, vecsim(j, index, field, "FRONTEND_INDEX", "INDEX_SIZE"));
  }

  private static double[] uniform(Random rnd, int dim) {
    double[] v = new double[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = rnd.nextFloat();
    }
    return v;
  }

  private Set<Object> ids(String index, int k, byte[] q, String attrs) {
    List<?> r = (List<?>) cmd("FT.SEARCH", index, "*=>[KNN " + k + " @v $b" + attrs + "]", "PARAMS", "2", "b", q,
        "NOCONTENT", "LIMIT", "0", String.valueOf(k), "DIALECT", "2");
    return new HashSet<>(r.subList(1, r.size()));
  }

  /**
   * Uniform random 128-dimension vectors in [0, 1), as RediSearch's own tests and the bench use: the hardest data for
   * any HNSW (no low-dimensional structure), so recall at the default EF_RUNTIME 10 is low there (hnswlib, the code
   * RediSearch's VecSim HNSW derives from, measures the same: see the bench's notes); what must hold for every metric
   * is that a wider beam finds the true neighbours (a wrong score sign or a broken graph never would), that recall
   * grows with EF_RUNTIME (it is the beam width, not k), and that ef is max(k, EF_RUNTIME).
   *
   * <p>One data set, drawn from a fixed seed ({@code -Dsearch.seed=N} draws another): recall is a property of the
   * data as much as of the code. For inner product it varies widely: Lucene's graph for it, linked by score, leaves
   * most nodes unreachable from the entry point when norms are alike (474 to 1,488 of 3,000 over the data sets of
   * seeds 1 to 40), and EF_RUNTIME 200 recalled 0.862 to 1.000 over those 40, where L2 gave 0.990 to 1.000 and
   * COSINE 0.992 to 1.000 with every node reachable. hnswlib 0.6 (RediSearch's HNSW derives from it) recalls the
   * same on the same data (seed 40: 0.870, Cairn 0.862; seed 21: 0.906 and 0.904). Drawn afresh for each run, the
   * test failed a CI run on a sound graph (IP 0.818, hnswlib 0.822 on that data; 491 nodes reachable).
   */
  @Test
  void uniformDataRecallForEveryMetric() throws InterruptedException {
    long seed = Long.getLong("search.seed", 1);
    System.out.println("uniformDataRecallForEveryMetric seed=" + seed + " (rerun with -Dsearch.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int dim = 128;
    int n = 3000;
    for (String metric : List.of("L2", "IP", "COSINE")) {
      for (String algo : List.of("FLAT", "HNSW")) {
        cmd("FT.CREATE", algo + metric, "PREFIX", "1", "u:", "SCHEMA", "v", "VECTOR", algo, "6", "TYPE", "FLOAT32",
            "DIM", String.valueOf(dim), "DISTANCE_METRIC", metric);
      }
    }
    for (int i = 0; i < n; i++) {
      j.hset(("u:" + i).getBytes(), "v".getBytes(), SearchVectorIT.f32(uniform(rnd, dim)));
    }
    for (String metric : List.of("L2", "IP", "COSINE")) {
      awaitGraph(j, "HNSW" + metric, "v");
      assertEquals((long) n, vecsim(j, "HNSW" + metric, "v", "BACKEND_INDEX", "INDEX_SIZE"));
    }
    int queries = 50;
    List<byte[]> qs = new ArrayList<>();
    for (int qi = 0; qi < queries; qi++) {
      qs.add(SearchVectorIT.f32(uniform(rnd, dim)));
    }
    for (String metric : List.of("L2", "IP", "COSINE")) {
      int[] found = new int[4];
      for (byte[] q : qs) {
        Set<Object> exact = ids("FLAT" + metric, 10, q, "");
        String[] attrs = {"", " EF_RUNTIME 50", " EF_RUNTIME 200"};
        for (int a = 0; a < attrs.length; a++) {
          for (Object id : ids("HNSW" + metric, 10, q, attrs[a])) {
            found[a] += exact.contains(id) ? 1 : 0;
          }
        }
        // KNN 200 at the default EF_RUNTIME 10 searches with a beam of 200: its first 10 are EF_RUNTIME 200's
        List<?> wide = (List<?>) cmd("FT.SEARCH", "HNSW" + metric, "*=>[KNN 200 @v $b]", "PARAMS", "2", "b", q,
            "NOCONTENT", "SORTBY", "__v_score", "LIMIT", "0", "10", "DIALECT", "2");
        for (Object id : wide.subList(1, wide.size())) {
          found[3] += exact.contains(id) ? 1 : 0;
        }
      }
      double[] recall = new double[4];
      for (int a = 0; a < 4; a++) {
        recall[a] = found[a] / (queries * 10.0);
      }
      System.out.printf("uniform %d x %d %s recall@10: EF_RUNTIME 10 %.3f, 50 %.3f, 200 %.3f; KNN 200 %.3f%n", n,
          dim, metric, recall[0], recall[1], recall[2], recall[3]);
      // inner product is not a metric: a graph for it on uniform data varies more from one data set to the next
      // (see above); a wrong score sign or a broken graph falls far below either bound
      double bound = metric.equals("IP") ? 0.90 : 0.95;
      assertTrue(recall[2] >= bound, metric + " recall at EF_RUNTIME 200: " + recall[2] + " (seed " + seed + ")");
      assertTrue(recall[3] >= bound, metric + " recall of KNN 200: " + recall[3] + " (seed " + seed + ")");
      assertTrue(recall[0] < recall[1] && recall[1] <= recall[2], metric + " recall must grow with EF_RUNTIME: "
          + recall[0] + ", " + recall[1] + ", " + recall[2]);
    }
  }

  /**
   * The graph is built by a module thread: FT.CREATE over existing keys and the HSETs after it return at once, the
   * vectors wait in the tiered index's flat front end (_FT.DEBUG VECSIM_INFO), queries meanwhile give FLAT's exact
   * answer, deletions and replacements during the build are seen, and the builder catches up.
   */
  @Test
  void theGraphIsBuiltInTheBackgroundAndQueriesSeeEveryVector() throws InterruptedException {
    long seed = System.nanoTime();
    System.out.println("theGraphIsBuiltInTheBackgroundAndQueriesSeeEveryVector seed=" + seed);
    Random rnd = new Random(seed);
    int dim = 64;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      j.hset(("b:" + i).getBytes(), "v".getBytes(), SearchVectorIT.f32(uniform(rnd, dim)));
    }
    cmd("FT.CREATE", "flat", "PREFIX", "1", "b:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM",
        String.valueOf(dim), "DISTANCE_METRIC", "L2");
    // a wide construction beam: the build takes long enough to be caught at work
    cmd("FT.CREATE", "hnsw", "PREFIX", "1", "b:", "SCHEMA", "v", "VECTOR", "HNSW", "8", "TYPE", "FLOAT32", "DIM",
        String.valueOf(dim), "DISTANCE_METRIC", "L2", "EF_CONSTRUCTION", "1000");
    // FT.CREATE indexed the 4000 keys before replying (few keys), yet the graph is not built: it happens elsewhere
    assertEquals(1L, vecsim(j, "hnsw", "v", "BACKGROUND_INDEXING"));
    assertEquals("TIERED", vecsim(j, "hnsw", "v", "ALGORITHM"));
    assertEquals((long) n, vecsim(j, "hnsw", "v", "INDEX_LABEL_COUNT"));
    long pending = (Long) vecsim(j, "hnsw", "v", "FRONTEND_INDEX", "INDEX_SIZE");
    assertTrue(pending > 0 && pending <= n, "pending " + pending);
    assertEquals("PONG", cmd("PING"));
    // changes while the builder works: replaced, deleted, added
    double[] last = null;
    for (int i = 0; i < 200; i++) {
      j.hset(("b:" + rnd.nextInt(n)).getBytes(), "v".getBytes(), SearchVectorIT.f32(uniform(rnd, dim)));
      j.del("b:" + rnd.nextInt(n));
      last = uniform(rnd, dim);
      j.hset(("b:new" + i).getBytes(), "v".getBytes(), SearchVectorIT.f32(last));
    }
    int during = 0;
    for (int qi = 0; qi < 20; qi++) {
      byte[] q = SearchVectorIT.f32(uniform(rnd, dim));
      long before = (Long) vecsim(j, "hnsw", "v", "BACKEND_INDEX", "INDEX_SIZE");
      Set<Object> exact = ids("flat", 10, q, "");
      Set<Object> got = ids("hnsw", 10, q, " EF_RUNTIME 1000");
      List<?> top = (List<?>) cmd("FT.SEARCH", "hnsw", "*=>[KNN 1 @v $b]", "PARAMS", "2", "b",
          SearchVectorIT.f32(last), "NOCONTENT", "DIALECT", "2");
      boolean backlog = (Long) vecsim(j, "hnsw", "v", "BACKGROUND_INDEXING") == 1;
      long after = (Long) vecsim(j, "hnsw", "v", "BACKEND_INDEX", "INDEX_SIZE");
      if (backlog) {
        during++;
        // the last vector stored is the last the builder reaches: it was scanned, not found in the graph
        assertEquals(List.of(1L, "b:new199"), top, "query " + qi + " during the build (seed " + seed + ")");
        if (after <= 1000) { // a beam as wide as the graph walks all of it; the rest is scanned: exact
          assertEquals(exact, got, "query " + qi + " with " + before + ".." + after + " in the graph (seed " + seed
              + ")");
        }
      }
    }
    assertTrue(during > 0, "no query ran while the graph was being built");
    awaitGraph(j, "hnsw", "v");
    List<?> info = (List<?>) cmd("FT.INFO", "hnsw");
    long docs = (Long) info.get(info.indexOf("num_docs") + 1);
    assertEquals(docs, vecsim(j, "hnsw", "v", "INDEX_LABEL_COUNT"));
    // deleting most of the documents rebuilds the store and its graph from the live vectors, in the background too
    for (int i = 0; i < n; i++) {
      if (i % 10 != 0) {
        j.del("b:" + i);
      }
    }
    awaitGraph(j, "hnsw", "v");
    long live = (Long) vecsim(j, "hnsw", "v", "INDEX_LABEL_COUNT");
    assertTrue((Long) vecsim(j, "hnsw", "v", "BACKEND_INDEX", "INDEX_SIZE") < n, "the graph was rebuilt");
    for (int qi = 0; qi < 10; qi++) {
      byte[] q = SearchVectorIT.f32(uniform(rnd, dim));
      assertEquals(ids("flat", 10, q, ""), ids("hnsw", 10, q, " EF_RUNTIME 1000"), "after the rebuild");
    }
    assertTrue(live > 0);
  }
}
