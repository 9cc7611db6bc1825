package dev.cairn.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * The vectors of one VECTOR field, by doc id, and the searches over them: exact (FLAT, and small filtered sets) and
 * approximate over Lucene's HNSW graph (HNSW). Distances are RediSearch's: squared Euclidean (L2), 1 - dot product
 * (IP), 1 - cosine (COSINE, vectors normalized when stored). Vectors live in ordinals (insertion order); the graph
 * cannot delete a node, so a deleted or replaced vector's ordinal is only masked out of searches, and the store is
 * rebuilt once the dead outnumber the live. HNSW's graph is built by a module thread ({@link HnswBuild}); a search
 * walks the graph for the vectors it holds and scans the few the builder has not reached, so it sees every vector
 * stored before it. Self-contained: it knows doc ids and nothing of the query tree.
 */
final class VectorStore {
  /** Hits within this many filtered documents are found by scanning them rather than walking the graph. */
  static final int BRUTE_FORCE_FILTERED = 10_000;

  final VectorParams params;
  private final VectorSimilarityFunction similarity;
  private VectorBlocks vectors; // by ordinal; normalized for COSINE
  private List<double[]> exact; // FLOAT64: the stored doubles, by ordinal (distances in double precision)
  private int[] ordToDoc = new int[16];
  private final Map<Integer, Integer> docToOrd = new HashMap<>();
  private BitSet live = new BitSet();
  private int dead;
  private HnswBuild graph;

  /** Told of each compaction: the bytes the dead vectors held and the time it took (FT.INFO's gc_stats). */
  interface Collected {
    void collected(long bytes, long nanos);
  }

  private final Collected collected;

  VectorStore(VectorParams params) {
    this(params, (b, n) -> { });
  }

  VectorStore(VectorParams params, Collected collected) {
    this.params = params;
    this.collected = collected;
    this.similarity = switch (params.metric) {
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
      case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT; // over normalized vectors
    };
    reset();
  }

  private void reset() {
    if (graph != null) {
      graph.close();
    }
    vectors = new VectorBlocks(params.dim);
    exact = params.type == VectorParams.ElementType.FLOAT64 ? new ArrayList<>() : null;
    docToOrd.clear();
    live = new BitSet();
    dead = 0;
    // beam width (EF_CONSTRUCTION) is at most 3200 in Lucene
    graph = params.hnsw ? new HnswBuild(vectors, similarity, params.m, Math.min(params.efConstruction, 3200)) : null;
  }

  /** Whether vectors wait for the HNSW builder (the graph is behind the store). */
  boolean backgroundIndexing() {
    return graph != null && graph.backlog();
  }

  /** Vectors stored, the masked-out (deleted, replaced) ones included. */
  int storedOrdinals() {
    return vectors.size();
  }

  /** Vectors in the HNSW graph (all of them, for FLAT). */
  int graphSize() {
    return graph == null ? vectors.size() : graph.built();
  }

  int size() {
    return docToOrd.size();
  }

  /** A vector as stored for {@code v} (doubles as decoded): normalized for COSINE. */
  private double[] prepare(double[] v) {
    if (params.metric != VectorParams.Metric.COSINE) {
      return v;
    }
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    if (n == 0) {
      return v;
    }
    double inv = 1 / Math.sqrt(n);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  void put(int doc, double[] raw) {
    remove(doc);
    double[] v = prepare(raw);
    int ord = vectors.add(floats(v));
    if (exact != null) {
      exact.add(v);
    }
    if (ord == ordToDoc.length) {
      ordToDoc = java.util.Arrays.copyOf(ordToDoc, ord * 2);
    }
    ordToDoc[ord] = doc;
    docToOrd.put(doc, ord);
    live.set(ord);
    if (graph != null) {
      graph.added();
    }
  }

  void remove(int doc) {
    Integer ord = docToOrd.remove(doc);
    if (ord == null) {
      return;
    }
    live.clear(ord);
    dead++;
    if (dead > 1024 && dead > docToOrd.size()) {
      collect();
    }
  }

  /** Deleted or replaced vectors still stored (masked out of searches) until a compaction. */
  int dead() {
    return dead;
  }

  /**
   * The garbage collection of the store (_FT.DEBUG GC_FORCEINVOKE, and on its own once the dead outnumber the live):
   * rebuilds it from the live vectors when any is dead; returns the bytes the dead ones held (their share of the
   * store and graph).
   */
  long collect() {
    if (dead == 0) {
      return 0;
    }
    long t0 = System.nanoTime();
    int stored = vectors.size();
    long freed = stored == 0 ? 0 : estimatedBytes() * dead / stored;
    compact();
    collected.collected(freed, System.nanoTime() - t0);
    return freed;
  }

  /** Rebuilds the store (and graph) from the live vectors. */
  private void compact() {
    VectorBlocks oldVectors = vectors;
    List<double[]> oldExact = exact;
    int[] oldDocs = ordToDoc;
    BitSet oldLive = live;
    reset();
    ordToDoc = new int[Math.max(16, oldLive.cardinality())];
    for (int ord = oldLive.nextSetBit(0); ord >= 0; ord = oldLive.nextSetBit(ord + 1)) {
      int doc = oldDocs[ord];
      int n = vectors.add(oldVectors.get(ord));
      if (exact != null) {
        exact.add(oldExact.get(ord));
      }
      ordToDoc[n] = doc;
      docToOrd.put(doc, n);
      live.set(n);
    }
    if (graph != null) {
      graph.added();
    }
  }

  void clear() {
    reset();
  }

  /** RediSearch's distance between the stored vector at {@code ord} and a prepared query. */
  private double distance(int ord, float[] q, double[] qd) {
    if (exact != null) {
      double[] v = exact.get(ord);
      double s = 0;
      if (params.metric == VectorParams.Metric.L2) {
        for (int i = 0; i < v.length; i++) {
          double d = v[i] - qd[i];
          s += d * d;
        }
        return s;
      }
      for (int i = 0; i < v.length; i++) {
        s += v[i] * qd[i];
      }
      return 1 - s;
    }
    float[] v = vectors.get(ord);
    return params.metric == VectorParams.Metric.L2 ? VectorUtil.squareDistance(v, q)
        : 1f - VectorUtil.dotProduct(v, q);
  }

  /** A doc id and its distance to the query. */
  record Hit(int doc, double distance) { }

  /**
   * The {@code k} nearest documents (among {@code filter}'s, null for all), nearest first. HNSW searches the graph
   * with a queue of max(k, ef) candidates unless {@code bruteForce} or the filter leaves few documents.
   */
  List<Hit> knn(double[] query, int k, int ef, BitSet filter, Boolean bruteForce) {
    double[] qd = prepare(query);
    float[] q = floats(qd);
    if (k <= 0 || docToOrd.isEmpty()) {
      return List.of();
    }
    boolean brute = !params.hnsw || Boolean.TRUE.equals(bruteForce);
    if (!brute && bruteForce == null && filter != null) {
      brute = filter.cardinality() <= BRUTE_FORCE_FILTERED;
    }
    List<Hit> out = new ArrayList<>();
    if (brute) {
      // a max-heap of the best k so far
      PriorityQueue<Hit> heap = new PriorityQueue<>(k + 1, (a, b) -> {
        int c = Double.compare(b.distance, a.distance);
        return c != 0 ? c : Integer.compare(b.doc, a.doc);
      });
      for (int ord = live.nextSetBit(0); ord >= 0; ord = live.nextSetBit(ord + 1)) {
        int doc = ordToDoc[ord];
        if (filter != null && !filter.get(doc)) {
          continue;
        }
        Hit h = new Hit(doc, distance(ord, q, qd));
        heap.add(h);
        if (heap.size() > k) {
          heap.poll();
        }
      }
      out.addAll(heap);
    } else {
      int[] docs = ordToDoc;
      BitSet lv = live;
      Bits accept = new Bits() {
        @Override
        public boolean get(int ord) {
          return lv.get(ord) && (filter == null || filter.get(docs[ord]));
        }

        @Override
        public int length() {
          return vectors.size();
        }
      };
      HnswBuild.Result r;
      try {
        r = graph.search(q, similarity, Math.max(k, ef), accept);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (ScoreDoc sd : r.hits()) {
        out.add(new Hit(ordToDoc[sd.doc], distance(sd.doc, q, qd)));
      }
      // what the builder has not reached yet is scanned: the query sees every vector stored before it
      for (int ord = live.nextSetBit(r.built()); ord >= 0; ord = live.nextSetBit(ord + 1)) {
        if (filter == null || filter.get(ordToDoc[ord])) {
          out.add(new Hit(ordToDoc[ord], distance(ord, q, qd)));
        }
      }
    }
    out.sort((a, b) -> {
      int c = Double.compare(a.distance, b.distance);
      return c != 0 ? c : Integer.compare(a.doc, b.doc);
    });
    return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
  }

  /** Every document (of {@code filter}'s) within {@code radius} of the query, by doc id: an exact scan. */
  Map<Integer, Double> range(double[] query, double radius, BitSet filter) {
    double[] qd = prepare(query);
    float[] q = floats(qd);
    Map<Integer, Double> out = new HashMap<>();
    for (int ord = live.nextSetBit(0); ord >= 0; ord = live.nextSetBit(ord + 1)) {
      int doc = ordToDoc[ord];
      if (filter != null && !filter.get(doc)) {
        continue;
      }
      double d = distance(ord, q, qd);
      if (d <= radius) {
        out.put(doc, d);
      }
    }
    return out;
  }

  /** Memory the field's vectors and graph hold, roughly, in bytes. */
  long estimatedBytes() {
    long b = vectors.estimatedBytes() + (exact == null ? 0 : exact.size() * (16 + 8L * params.dim))
        + docToOrd.size() * 48L + ordToDoc.length * 4L;
    if (graph != null) {
      b += graph.ramBytesUsed();
    }
    return b;
  }
}
