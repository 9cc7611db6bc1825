package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
 * Indexing throughput on {@link SearchBench}'s corpus: new documents (appends to the postings, as FT.ADD of new keys
 * does; a fresh index once the corpus is in) and re-indexing of existing keys (removal and insertion in place, as
 * an HSET on an indexed hash does). Scores are documents per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC"})
public class IndexBench {
  static final int BATCH = 1000;

  @Param({"20000"})
  int docs;

  private List<Map<String, String>> corpus;
  private byte[][] keys;
  private SearchIndex fresh;
  private int freshAt;
  private SearchIndex full;
  private int updateAt;

  @Setup
  public void setup() {
    corpus = SearchBench.corpus(docs, 7);
    keys = new byte[docs][];
    for (int i = 0; i < docs; i++) {
      keys[i] = ("doc:" + i).getBytes(StandardCharsets.UTF_8);
    }
    fresh = SearchBench.newIndex();
    full = SearchBench.newIndex();
    for (int i = 0; i < docs; i++) {
      full.update(keys[i], corpus.get(i));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long newDocuments() {
    if (freshAt + BATCH > docs) {
      fresh = SearchBench.newIndex();
      freshAt = 0;
    }
    for (int i = freshAt; i < freshAt + BATCH; i++) {
      fresh.update(keys[i], corpus.get(i));
    }
    freshAt += BATCH;
    return fresh.liveDocs;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long reindex() {
    int from = updateAt;
    for (int i = 0; i < BATCH; i++) {
      int k = (from + i) % docs;
      full.update(keys[k], corpus.get((k + 1) % docs)); // another document's text: every posting changes
    }
    updateAt = (from + BATCH) % docs;
    return full.liveDocs;
  }
}
