package dev.cairn.core.keyspace;

import dev.cairn.core.util.Hashing;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set of byte strings: {@link ByteDict}'s hash table (power-of-two sizes, Redis's incremental rehashing, reverse-binary
 * SCAN cursors, fair random picks) without a node per member. A bucket holds its one member's {@code byte[]} itself, or
 * a {@code byte[][]} of exactly its members when several hash there, or null.
 *
 * <p>Why: a set is all keys, and a chain node (16 bytes with compact headers) plus its bucket slot was 20 of a
 * 13-byte member's 52 bytes. Here a member costs its bucket share (4 bytes over a load of 0.5-1) and, in buckets of two
 * or more, its slot in the bucket's array: about 10 bytes a member at a million (Redis's dictEntry and bucket are 32).
 *
 * <p>Bucket arrays are never changed in place: adding to or removing from a shared bucket stores a new array. So a
 * visitor may change the set (the bucket it is visiting is the array it was given), and a read changes nothing: the
 * snapshot thread may walk a value's set while the engine reads it (see {@code persistence.Snapshot}).
 * Not thread-safe otherwise: changed from the engine thread only.
 */
public final class ByteSet implements PrefetchTable {
  private static final int MIN_SIZE = 4;
  /** Chains up to this long are sampled exactly uniformly by {@link #fairRandom} (see {@link ByteDict#fairRandom}). */
  private static final int FAIR_CHAIN = 8;

  private Object[] t0 = new Object[MIN_SIZE];
  private Object[] t1; // non-null while rehashing into it
  private int rehashIndex = -1;
  private int size;
  /** Reachable only through this set once it is dropped (see {@link ByteDict#releaseToken}). */
  private Object releaseToken;

  public int size() {
    return size;
  }

  /** The number of buckets (both tables while rehashing): for memory accounting. */
  public int buckets() {
    return t0.length + (t1 == null ? 0 : t1.length);
  }

  public boolean isRehashing() {
    return t1 != null;
  }

  private static int count(Object bucket) {
    return bucket == null ? 0 : bucket instanceof byte[] ? 1 : ((byte[][]) bucket).length;
  }

  private static byte[] at(Object bucket, int i) {
    return bucket instanceof byte[] one ? one : ((byte[][]) bucket)[i];
  }

  private static boolean bucketHolds(Object bucket, byte[] m) {
    if (bucket instanceof byte[] one) {
      return Arrays.equals(one, m);
    }
    if (bucket != null) {
      for (byte[] x : (byte[][]) bucket) {
        if (Arrays.equals(x, m)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean bucketHolds(Object bucket, byte[] b, int off, int len) {
    if (bucket instanceof byte[] one) {
      return Arrays.equals(one, 0, one.length, b, off, off + len);
    }
    if (bucket != null) {
      for (byte[] x : (byte[][]) bucket) {
        if (Arrays.equals(x, 0, x.length, b, off, off + len)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The bucket with {@code m} added (m is not in it). */
  private static Object with(Object bucket, byte[] m) {
    if (bucket == null) {
      return m;
    }
    if (bucket instanceof byte[] one) {
      return new byte[][] {m, one};
    }
    byte[][] many = (byte[][]) bucket;
    byte[][] grown = new byte[many.length + 1][];
    grown[0] = m;
    System.arraycopy(many, 0, grown, 1, many.length);
    return grown;
  }

  /** The bucket without its member at {@code i}. */
  private static Object without(Object bucket, int i) {
    if (bucket instanceof byte[]) {
      return null;
    }
    byte[][] many = (byte[][]) bucket;
    if (many.length == 2) {
      return many[1 - i];
    }
    byte[][] shrunk = new byte[many.length - 1][];
    System.arraycopy(many, 0, shrunk, 0, i);
    System.arraycopy(many, i + 1, shrunk, i, many.length - i - 1);
    return shrunk;
  }

  private static int indexIn(Object bucket, byte[] m) {
    int n = count(bucket);
    for (int i = 0; i < n; i++) {
      if (Arrays.equals(at(bucket, i), m)) {
        return i;
      }
    }
    return -1;
  }

  public boolean contains(byte[] m) {
    if (size == 0) {
      return false;
    }
    int h = Hashing.hash(m);
    return bucketHolds(t0[h & (t0.length - 1)], m) || t1 != null && bucketHolds(t1[h & (t1.length - 1)], m);
  }

  /** {@link #contains(byte[])} of the {@code len} bytes at {@code off} in {@code b}, without an array for them. */
  public boolean contains(byte[] b, int off, int len) {
    if (size == 0) {
      return false;
    }
    int h = Hashing.hash(b, off, len);
    return bucketHolds(t0[h & (t0.length - 1)], b, off, len)
        || t1 != null && bucketHolds(t1[h & (t1.length - 1)], b, off, len);
  }

  /** Adds {@code m}; returns false if it was already a member. */
  public boolean add(byte[] m) {
    if (contains(m)) {
      return false;
    }
    addNew(m);
    return true;
  }

  /** Adds a member that is not present (the caller knows). */
  public void addNew(byte[] m) {
    if (t1 != null) {
      rehashStep();
    } else {
      growIfNeeded();
    }
    Object[] t = t1 != null ? t1 : t0;
    int idx = Hashing.hash(m) & (t.length - 1);
    t[idx] = with(t[idx], m);
    size++;
  }

  /** Removes {@code m}; returns whether it was a member. */
  public boolean remove(byte[] m) {
    if (size == 0) {
      return false;
    }
    if (t1 != null) {
      rehashStep();
    }
    int h = Hashing.hash(m);
    for (int ti = 0; ti < 2; ti++) {
      Object[] t = ti == 0 ? t0 : t1;
      if (t == null) {
        break;
      }
      int idx = h & (t.length - 1);
      int i = indexIn(t[idx], m);
      if (i >= 0) {
        t[idx] = without(t[idx], i);
        size--;
        shrinkIfNeeded();
        return true;
      }
    }
    return false;
  }

  /**
   * Visits the buckets the cursor names and returns the next cursor (0 when the scan is complete). Every member present
   * from the start to the end of a full scan is visited at least once; some may be visited twice. As {@link
   * ByteDict#scan}; the visitor may change the set.
   */
  public long scan(long cursor, Consumer<byte[]> visitor) {
    if (size == 0) {
      return 0;
    }
    long v = cursor;
    if (t1 == null) {
      long m0 = t0.length - 1;
      visitBucket(t0[(int) (v & m0)], visitor);
      return ByteDict.nextCursor(v, m0);
    }
    Object[] small = t0.length <= t1.length ? t0 : t1;
    Object[] big = small == t0 ? t1 : t0;
    long m0 = small.length - 1;
    long m1 = big.length - 1;
    visitBucket(small[(int) (v & m0)], visitor);
    // every bucket of the bigger table that the small bucket expands to
    do {
      visitBucket(big[(int) (v & m1)], visitor);
      v = ByteDict.nextCursor(v, m1);
    } while ((v & (m0 ^ m1)) != 0);
    return v;
  }

  private static void visitBucket(Object bucket, Consumer<byte[]> visitor) {
    if (bucket instanceof byte[] one) {
      visitor.accept(one);
    } else if (bucket != null) {
      for (byte[] m : (byte[][]) bucket) {
        visitor.accept(m);
      }
    }
  }

  /**
   * A uniformly random member (the set must not be empty): rejection sampling over (bucket, position in it), as {@link
   * ByteDict#fairRandom} (SRANDMEMBER and SPOP must be fair, as Redis's dictGetFairRandomKey is).
   */
  public byte[] fairRandom() {
    if (size == 0) {
      throw new IllegalStateException("empty set");
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (true) {
      Object bucket;
      if (t1 != null) {
        int i = r.nextInt(t0.length + t1.length);
        bucket = i < t0.length ? t0[i] : t1[i - t0.length];
      } else {
        bucket = t0[r.nextInt(t0.length)];
      }
      int len = count(bucket);
      if (len == 0) {
        continue;
      }
      int pick = r.nextInt(Math.max(FAIR_CHAIN, len));
      if (pick < len) {
        return at(bucket, pick);
      }
    }
  }

  /**
   * Visits up to {@code count} members found from a random bucket onwards, looking at no more than {@code count * 10}
   * empty buckets, as {@link ByteDict#sample}. Returns how many were visited; the visitor must not change the set.
   */
  public int sample(int count, Consumer<byte[]> visitor) {
    if (size == 0 || count <= 0) {
      return 0;
    }
    int total = buckets();
    int i = ThreadLocalRandom.current().nextInt(total);
    int seen = 0;
    int empty = 0;
    long maxEmpty = count * 10L;
    for (int step = 0; step < total && seen < count && empty < maxEmpty; step++, i = (i + 1) % total) {
      Object bucket = i < t0.length ? t0[i] : t1[i - t0.length];
      int len = count(bucket);
      if (len == 0) {
        empty++;
      }
      for (int k = 0; k < len && seen < count; k++) {
        visitor.accept(at(bucket, k));
        seen++;
      }
    }
    return seen;
  }

  /** Calls {@code visitor} for every member; changes nothing (another thread may be reading the set meanwhile). */
  public void forEach(Consumer<byte[]> visitor) {
    Object[] a = t0;
    Object[] b = t1;
    for (Object bucket : a) {
      visitBucket(bucket, visitor);
    }
    if (b != null) {
      for (Object bucket : b) {
        visitBucket(bucket, visitor);
      }
    }
  }

  @Override
  public int prefetchBucket(int hash) {
    int seen = t0[hash & (t0.length - 1)] == null ? 0 : 1;
    Object[] t = t1;
    return t == null ? seen : seen | (t[hash & (t.length - 1)] == null ? 0 : 1);
  }

  @Override
  public int prefetch(int hash) {
    int seen = firstLength(t0[hash & (t0.length - 1)]);
    Object[] t = t1;
    return t == null ? seen : seen + firstLength(t[hash & (t.length - 1)]);
  }

  private static int firstLength(Object bucket) {
    return bucket == null ? 0 : at(bucket, 0).length;
  }

  /** Does up to {@code steps} buckets of rehashing; returns whether rehashing is still under way. */
  public boolean rehash(int steps) {
    for (int i = 0; i < steps && t1 != null; i++) {
      rehashStep();
    }
    return t1 != null;
  }

  /** Moves one non-empty bucket (skipping at most 10 empty ones) from the old table to the new. */
  private void rehashStep() {
    int emptyVisits = 10;
    while (t0[rehashIndex] == null) {
      rehashIndex++;
      if (rehashIndex >= t0.length) {
        finishRehash();
        return;
      }
      if (--emptyVisits == 0) {
        return;
      }
    }
    Object bucket = t0[rehashIndex];
    int mask = t1.length - 1;
    int len = count(bucket);
    for (int k = 0; k < len; k++) {
      byte[] m = at(bucket, k);
      int idx = Hashing.hash(m) & mask;
      t1[idx] = with(t1[idx], m);
    }
    t0[rehashIndex] = null;
    rehashIndex++;
    if (rehashIndex >= t0.length) {
      finishRehash();
    }
  }

  private void finishRehash() {
    t0 = t1;
    t1 = null;
    rehashIndex = -1;
  }

  private void growIfNeeded() {
    if (size >= t0.length) {
      startRehash(t0.length * 2);
    }
  }

  private void shrinkIfNeeded() {
    // as ByteDict: under 1/8 full, to the smallest power of two that holds the members
    if (t1 == null && t0.length > MIN_SIZE && size < t0.length / 8) {
      int target = MIN_SIZE;
      while (target < size) {
        target <<= 1;
      }
      startRehash(target);
    }
  }

  private void startRehash(int newSize) {
    t1 = new Object[newSize];
    rehashIndex = 0;
  }

  /** A new object that only this set references, for lazy free to watch in its place: see {@link ByteDict#releaseToken}. */
  public Object releaseToken() {
    return releaseToken = new Object();
  }
}
