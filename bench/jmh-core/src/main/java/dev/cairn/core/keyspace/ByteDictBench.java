package dev.cairn.core.keyspace;

import dev.cairn.core.util.Hashing;
import java.util.SplittableRandom;
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
 * The keyspace's lookup as GET and SET do it under redis-benchmark: a key of {@code key:000000012345}'s shape, written
 * into an array that is in the cache (as the decoder's fresh argument is), looked up in a table of {@code size} keys
 * in random order. Against {@link #hashOnly} it shows what the table's memory accesses cost once the table outgrows
 * the caches; the keys are inserted in random order, as a server's are, so the nodes are not laid out in key order.
 * Scores are nanoseconds per lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC", "-XX:+UseCompactObjectHeaders"})
public class ByteDictBench {
  static final int BATCH = 1024;

  @Param({"1000", "100000", "1000000"})
  int size;

  private ByteDict<Entry> dict;
  private int[] order;
  private final byte[] probe = new byte[16];
  private int at;
  /** Keys per batch in {@link #lookupPrefetched}: redis-benchmark's -P 16 brings 16 commands per read. */
  static final int PIPELINE = 16;
  private final byte[][] batch = new byte[PIPELINE][16];
  private final int[] hashes = new int[PIPELINE];

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    int[] insert = shuffled(size, r);
    dict = ByteDict.forKeyspace();
    for (int i : insert) {
      dict.addNew(new Entry(key(i, new byte[16]), new byte[] {'x', 'x', 'x'}));
    }
    while (dict.rehash(1000)) {
      // finish the last resize, as the cron would
    }
    order = new int[1 << 20];
    for (int i = 0; i < order.length; i++) {
      order[i] = r.nextInt(size);
    }
  }

  private static int[] shuffled(int n, SplittableRandom r) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Writes {@code key:%012d} into {@code out} (16 bytes). */
  static byte[] key(int n, byte[] out) {
    out[0] = 'k';
    out[1] = 'e';
    out[2] = 'y';
    out[3] = ':';
    for (int p = 15; p >= 4; p--) {
      out[p] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int lookup() {
    int found = 0;
    int i = at;
    for (int k = 0; k < BATCH; k++) {
      Entry e = dict.get(key(order[i], probe));
      found += e == null ? 0 : e.handle + 1;
      i = (i + 1) & (order.length - 1);
    }
    at = i;
    return found;
  }

  /**
   * Lookups in batches of {@link #PIPELINE}, each batch's buckets, then nodes and keys read first ({@link ByteDict#prefetchBucket}),
   * as the server does for a pipelined read.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int lookupPrefetched() {
    int found = 0;
    int i = at;
    for (int k = 0; k < BATCH; k += PIPELINE) {
      for (int j = 0; j < PIPELINE; j++) {
        hashes[j] = Hashing.hash(key(order[(i + j) & (order.length - 1)], batch[j]));
      }
      for (int j = 0; j < PIPELINE; j++) {
        found += dict.prefetchBucket(hashes[j]);
      }
      for (int j = 0; j < PIPELINE; j++) {
        found += dict.prefetch(hashes[j]);
      }
      for (int j = 0; j < PIPELINE; j++) {
        Entry e = dict.get(batch[j]);
        found += e == null ? 0 : e.handle + 1;
      }
      i = (i + PIPELINE) & (order.length - 1);
    }
    at = i;
    return found;
  }

  /** The same loop without the table: the key's formatting and its hash. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int hashOnly() {
    int h = 0;
    int i = at;
    for (int k = 0; k < BATCH; k++) {
      h += Hashing.hash(key(order[i], probe));
      i = (i + 1) & (order.length - 1);
    }
    at = i;
    return h;
  }
}
