package dev.cairn.search;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * An HNSW graph over a {@link VectorBlocks}, built off the engine thread as RediSearch's tiered index does: the engine
 * thread appends vectors, and one module thread (shared by every field, so at most one core builds) inserts them
 * into Lucene's graph in ordinal order. The graph holds ordinals {@code [0, built())}; a search sees exactly those and
 * the caller scans the rest ({@link VectorStore#knn}), so a query sees every vector stored before it, whatever the
 * builder's progress. One fair lock orders an insertion and a search (Lucene's on-heap graph is not safe to read while
 * a node is added): a query waits at most one insertion, and the engine thread never waits for the backlog.
 */
final class HnswBuild {
  /** One builder thread for the module; it ends after a few idle seconds, so an unloaded module leaves none. */
  private static final ThreadPoolExecutor BUILDER = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "search-hnsw");
        t.setDaemon(true);
        return t;
      });

  private final VectorBlocks vectors;
  private final HnswGraphBuilder builder;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile int built;
  /** The graph's memory as the builder last measured it (read without the lock: FT.INFO must not wait). */
  private volatile long ramBytes;
  private volatile boolean closed;
  /** Why the builder stopped, if it failed (searches then scan what it did not insert). */
  private volatile Throwable failure;

  HnswBuild(VectorBlocks vectors, VectorSimilarityFunction similarity, int m, int efConstruction) {
    this.vectors = vectors;
    try {
      builder = HnswGraphBuilder.create(FlatVectorScorerUtil.getLucene99FlatVectorsScorer()
          .getRandomVectorScorerSupplier(similarity, vectors), m, efConstruction, 42);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Vectors were appended: makes sure the builder runs (engine thread). */
  void added() {
    if (!closed && failure == null && scheduled.compareAndSet(false, true)) {
      BUILDER.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      try {
        while (!closed && built < vectors.size()) {
          lock.lock();
          try {
            if (closed) {
              break;
            }
            builder.addGraphNode(built);
            built++;
            if ((built & 1023) == 0 || built == vectors.size()) {
              ramBytes = builder.getGraph().ramBytesUsed();
            }
          } finally {
            lock.unlock();
          }
        }
      } catch (Throwable t) {
        failure = t;
        scheduled.set(false);
        return;
      }
      scheduled.set(false);
      // an append after the loop's last check, before the flag cleared, must not be left unbuilt
      if (closed || built >= vectors.size() || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** Ordinals below this are in the graph. */
  int built() {
    return built;
  }

  /** Whether vectors wait for the builder. */
  boolean backlog() {
    return failure == null && !closed && built < vectors.size();
  }

  /** Stops building (the store was rebuilt or dropped). */
  void close() {
    closed = true;
  }

  /** The graph's answer for {@code query}: ordinals below {@link #built()} (as of the return) and their scores. */
  Result search(float[] query, VectorSimilarityFunction similarity, int beam, Bits accept) throws IOException {
    lock.lock();
    try {
      int n = built;
      if (n == 0) {
        return new Result(new ScoreDoc[0], 0);
      }
      RandomVectorScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer()
          .getRandomVectorScorer(similarity, vectors, query);
      TopKnnCollector collector = new TopKnnCollector(beam, Integer.MAX_VALUE);
      HnswGraphSearcher.search(scorer, collector, builder.getGraph(), accept);
      return new Result(collector.topDocs().scoreDocs, n);
    } finally {
      lock.unlock();
    }
  }

  /** A graph search's hits and how many ordinals the graph held. */
  record Result(ScoreDoc[] hits, int built) { }

  long ramBytesUsed() {
    return ramBytes;
  }
}
