package dev.cairn.example.bloom;

import java.util.ArrayList;
import java.util.List;

/**
 * A scalable Bloom filter, with RedisBloom's semantics: a chain of sub-filters ({@link BloomLink}); when the newest is
 * full, a new one is added with {@code expansion} times its capacity and half its error rate (the tightening ratio),
 * so the chain's overall false-positive rate stays below the requested one. A non-scaling filter refuses items once its
 * one sub-filter is full.
 */
public final class ScalableBloom {
  /** RedisBloom's defaults for BF.ADD on a missing key. */
  public static final double DEFAULT_ERROR_RATE = 0.01;
  public static final long DEFAULT_CAPACITY = 100;
  public static final int DEFAULT_EXPANSION = 2;
  /** Each new sub-filter's error rate is the previous one's times this (RedisBloom's ERROR_TIGHTENING_RATIO). */
  static final double TIGHTENING_RATIO = 0.5;

  /** What {@link #add} did. */
  public enum AddResult { ADDED, EXISTS, FULL }

  final List<BloomLink> links = new ArrayList<>();
  final int expansion;
  final boolean nonScaling;
  long size;

  public ScalableBloom(long capacity, double errorRate, int expansion, boolean nonScaling) {
    this.expansion = expansion;
    this.nonScaling = nonScaling;
    links.add(new BloomLink(capacity, errorRate));
  }

  ScalableBloom(int expansion, boolean nonScaling, long size) {
    this.expansion = expansion;
    this.nonScaling = nonScaling;
    this.size = size;
  }

  public AddResult add(byte[] item) {
    long h1 = Murmur64.hash(item, 0xc6a4a7935bd1e995L);
    long h2 = Murmur64.hash(item, h1);
    for (BloomLink l : links) {
      if (l.mayContain(h1, h2)) {
        return AddResult.EXISTS;
      }
    }
    BloomLink cur = links.get(links.size() - 1);
    if (cur.full()) {
      if (nonScaling) {
        return AddResult.FULL;
      }
      cur = new BloomLink(cur.capacity * expansion, cur.errorRate * TIGHTENING_RATIO);
      links.add(cur);
    }
    cur.add(h1, h2);
    size++;
    return AddResult.ADDED;
  }

  public boolean mayContain(byte[] item) {
    long h1 = Murmur64.hash(item, 0xc6a4a7935bd1e995L);
    long h2 = Murmur64.hash(item, h1);
    for (BloomLink l : links) {
      if (l.mayContain(h1, h2)) {
        return true;
      }
    }
    return false;
  }

  /** The items added. */
  public long size() {
    return size;
  }

  /** The sum of the sub-filters' capacities (BF.INFO Capacity). */
  public long capacity() {
    long c = 0;
    for (BloomLink l : links) {
      c += l.capacity;
    }
    return c;
  }

  public int filters() {
    return links.size();
  }

  public int expansion() {
    return expansion;
  }

  public boolean nonScaling() {
    return nonScaling;
  }

  /** Bytes used: the bit arrays plus a fixed overhead per sub-filter and for the chain. */
  public long memoryUsage() {
    long m = 48;
    for (BloomLink l : links) {
      m += 56 + l.bytes();
    }
    return m;
  }

  public ScalableBloom copy() {
    ScalableBloom c = new ScalableBloom(expansion, nonScaling, size);
    for (BloomLink l : links) {
      c.links.add(l.copy());
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalableBloom b && b.expansion == expansion && b.nonScaling == nonScaling && b.size == size
        && b.links.equals(links);
  }

  @Override
  public int hashCode() {
    return links.hashCode() * 31 + Long.hashCode(size);
  }
}
