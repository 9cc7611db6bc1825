package dev.cairn.search;

import java.util.Arrays;
import org.apache.lucene.index.FloatVectorValues;

/**
 * Float vectors by ordinal, append-only, in blocks of 1024: the engine thread appends, the HNSW builder thread reads
 * (as Lucene's {@link FloatVectorValues}) every ordinal below the {@link #size()} it has seen. A vector is written
 * before the volatile size that publishes it, and a block never moves once made, so readers need no lock.
 */
final class VectorBlocks extends FloatVectorValues {
  private static final int SHIFT = 10;
  private static final int MASK = (1 << SHIFT) - 1;

  private final int dim;
  private volatile float[][][] blocks = new float[4][][];
  private volatile int size;

  VectorBlocks(int dim) {
    this.dim = dim;
  }

  /** Appends {@code v} (engine thread only); returns its ordinal. */
  int add(float[] v) {
    int ord = size;
    int b = ord >>> SHIFT;
    float[][][] bs = blocks;
    if (b == bs.length) {
      bs = Arrays.copyOf(bs, b * 2);
    }
    if (bs[b] == null) {
      bs[b] = new float[1 << SHIFT][];
    }
    bs[b][ord & MASK] = v;
    blocks = bs;
    size = ord + 1;
    return ord;
  }

  float[] get(int ord) {
    return blocks[ord >>> SHIFT][ord & MASK];
  }

  @Override
  public float[] vectorValue(int ord) {
    return get(ord);
  }

  @Override
  public VectorBlocks copy() {
    return this; // stateless: every read goes to the blocks
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public int size() {
    return size;
  }

  long estimatedBytes() {
    return (long) size * (16 + 4L * dim) + (long) blocks.length * (16 + 4L * (1 << SHIFT));
  }
}
