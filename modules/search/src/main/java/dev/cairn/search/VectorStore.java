package dev.cairn.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * The vectors of one VECTOR field, by doc id, and the searches over them: exact (FLAT, and small filtered sets) and
 * approximate over Lucene's HNSW graph (HNSW). Distances are RediSearch's: squared Euclidean (L2), 1 - dot product
 * (IP), 1 - cosine (COSINE, vectors normalized when stored). Vectors live in ordinals (insertion order); the graph
 * cannot delete a node, so a deleted or replaced vector's ordinal is only masked out of searches, and the store is
 * rebuilt once the dead outnumber the live. Self-contained: it knows doc ids and nothing of the query tree.
 */
final class VectorStore {
  /** Hits within this many filtered documents are found by scanning them rather than walking the graph. */
  static final int BRUTE_FORCE_FILTERED = 10_000;

  final VectorParams params;
  private final VectorSimilarityFunction similarity;
  private List<float[]> vectors = new ArrayList<>(); // by ordinal; normalized for COSINE
  private List<double[]> exact; // FLOAT64: the stored doubles, by ordinal (distances in double precision)
  private int[] ordToDoc = new int[16];
  private final Map<Integer, Integer> docToOrd = new HashMap<>();
  private BitSet live = new BitSet();
  private int dead;
  private FloatVectorValues values;
  private HnswGraphBuilder builder;

  VectorStore(VectorParams params) {
    this.params = params;
    this.similarity = switch (params.metric) {
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
      case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case COSINE -> VectorSimilarityFunction.DOT_PRODUCT; // over normalized vectors
    };
    reset();
  }

  private void reset() {
    vectors = new ArrayList<>();
    exact = params.type == VectorParams.ElementType.FLOAT64 ? new ArrayList<>() : null;
    docToOrd.clear();
    live = new BitSet();
    dead = 0;
    values = FloatVectorValues.fromFloats(vectors, params.dim);
    builder = null;
    if (params.hnsw) {
      try {
        FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
        // beam width (EF_CONSTRUCTION) is at most 3200 in Lucene
        builder = HnswGraphBuilder.create(scorer.getRandomVectorScorerSupplier(similarity, values), params.m,
            Math.min(params.efConstruction, 3200), 42);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
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
    int ord = vectors.size();
    vectors.add(floats(v));
    if (exact != null) {
      exact.add(v);
    }
    if (ord == ordToDoc.length) {
      ordToDoc = java.util.Arrays.copyOf(ordToDoc, ord * 2);
    }
    ordToDoc[ord] = doc;
    docToOrd.put(doc, ord);
    live.set(ord);
    if (builder != null) {
      try {
        builder.addGraphNode(ord);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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
      compact();
    }
  }

  /** Rebuilds the store (and graph) from the live vectors. */
  private void compact() {
    List<float[]> oldVectors = vectors;
    List<double[]> oldExact = exact;
    int[] oldDocs = ordToDoc;
    BitSet oldLive = live;
    reset();
    ordToDoc = new int[Math.max(16, oldLive.cardinality())];
    for (int ord = oldLive.nextSetBit(0); ord >= 0; ord = oldLive.nextSetBit(ord + 1)) {
      int doc = oldDocs[ord];
      int n = vectors.size();
      vectors.add(oldVectors.get(ord));
      if (exact != null) {
        exact.add(oldExact.get(ord));
      }
      ordToDoc[n] = doc;
      docToOrd.put(doc, n);
      live.set(n);
      if (builder != null) {
        try {
          builder.addGraphNode(n);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
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
      try {
        RandomVectorScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer()
            .getRandomVectorScorer(similarity, values, q);
        TopKnnCollector collector = new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE);
        OnHeapHnswGraph graph = builder.getGraph();
        BitSet lv = live;
        int[] docs = ordToDoc;
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
        HnswGraphSearcher.search(scorer, collector, graph, accept);
        for (ScoreDoc sd : collector.topDocs().scoreDocs) {
          out.add(new Hit(ordToDoc[sd.doc], distance(sd.doc, q, qd)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
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
    long b = (long) vectors.size() * (16 + 4L * params.dim) + (exact == null ? 0 : exact.size() * (16 + 8L
        * params.dim)) + docToOrd.size() * 48L + ordToDoc.length * 4L;
    if (builder != null) {
      b += builder.getGraph().ramBytesUsed();
    }
    return b;
  }
}
