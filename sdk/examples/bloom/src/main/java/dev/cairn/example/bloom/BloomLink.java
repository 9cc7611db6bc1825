package dev.cairn.example.bloom;

import java.util.Arrays;

/**
 * One fixed-size Bloom filter (a sub-filter of a {@link ScalableBloom}): {@code bits} bits, {@code hashes} hash
 * functions, sized for {@code capacity} items at false-positive rate {@code errorRate}, as RedisBloom sizes them:
 * bits per item {@code -ln(error) / ln(2)^2}, hash functions {@code ceil(ln(2) * bits per item)}.
 */
final class BloomLink {
  private static final double LN2 = Math.log(2);

  final long capacity;
  final double errorRate;
  final int hashes;
  final long bits;
  final long[] words;
  /** Items added to this link. */
  long size;

  BloomLink(long capacity, double errorRate) {
    this.capacity = capacity;
    this.errorRate = errorRate;
    double bpe = -Math.log(errorRate) / (LN2 * LN2);
    this.hashes = (int) Math.ceil(LN2 * bpe);
    this.bits = Math.max(64, (long) Math.ceil(capacity * bpe));
    this.words = new long[(int) ((bits + 63) >>> 6)];
  }

  /** A link as read back from its serialized fields. */
  BloomLink(long capacity, double errorRate, int hashes, long bits, long size, long[] words) {
    this.capacity = capacity;
    this.errorRate = errorRate;
    this.hashes = hashes;
    this.bits = bits;
    this.size = size;
    this.words = words;
  }

  BloomLink copy() {
    return new BloomLink(capacity, errorRate, hashes, bits, size, words.clone());
  }

  boolean full() {
    return size >= capacity;
  }

  /** Whether all of the item's bits are set (double hashing: index i is {@code h1 + i * h2}). */
  boolean mayContain(long h1, long h2) {
    for (int i = 0; i < hashes; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bits);
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  void add(long h1, long h2) {
    for (int i = 0; i < hashes; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bits);
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
    size++;
  }

  long bytes() {
    return words.length * 8L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BloomLink l && l.capacity == capacity && Double.compare(l.errorRate, errorRate) == 0
        && l.hashes == hashes && l.bits == bits && l.size == size && Arrays.equals(l.words, words);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(capacity) * 31 + Arrays.hashCode(words);
  }
}
