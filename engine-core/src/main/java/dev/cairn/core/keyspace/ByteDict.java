package dev.cairn.core.keyspace;

import dev.cairn.core.util.Hashing;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table keyed by byte strings, with Redis's incremental rehashing and reverse-binary SCAN cursors.
 *
 * <p>Why not {@code HashMap}: the keyspace needs (1) a SCAN cursor that returns every element present for the whole
 * scan even while the table grows or shrinks, which needs Redis's bucket ordering over power-of-two tables; (2) resizing
 * that never stops the engine for O(n) (a step of rehashing rides on each operation, the rest on the cron); (3) random
 * sampling for RANDOMKEY and eviction; (4) no boxing of keys. Nodes are the stored objects themselves (a keyspace
 * {@link Entry}, or a collection's element), so a lookup allocates nothing.
 *
 * <p>Not thread-safe: changed from the engine thread only. A value's table (a hash's, a set's) is never changed by a
 * read: lookups and {@link #forEach} leave it as it is, so the snapshot thread may iterate it while the engine reads it
 * too (see {@code persistence.Snapshot}). The keyspace's own tables ({@link #forKeyspace()}) also move a bucket of
 * rehashing on each lookup, as Redis does; they are walked on the engine thread only.
 */
public final class ByteDict<N extends ByteDict.Link<N>> implements PrefetchTable {
  /**
   * A stored element without a cached hash: its key and chain link, 16 bytes with compact headers. Lookups compare keys
   * in the chain and resizing hashes each key again, as Redis's dict does; for elements that are only a key (a set's
   * members), where the 4 bytes of a cached hash would make the node 24 bytes.
   */
  public abstract static class Link<N extends Link<N>> {
    public final byte[] key;
    N next;

    protected Link(byte[] key) {
      this.key = key;
    }
  }

  /** A stored element with its key's hash cached: chains are walked by hash, and resizing reads no key. */
  public abstract static class Node<N extends Node<N>> extends Link<N> {
    final int hash;

    protected Node(byte[] key) {
      super(key);
      this.hash = Hashing.hash(key);
    }
  }

  private static int hashOf(Link<?> n) {
    return n instanceof Node<?> c ? c.hash : Hashing.hash(n.key);
  }

  /** Whether {@code n} holds {@code key} (of hash {@code h}): a cached hash is compared before the bytes. */
  private static boolean holds(Link<?> n, int h, byte[] key) {
    return (!(n instanceof Node<?> c) || c.hash == h) && Arrays.equals(n.key, key);
  }

  /** Whether {@code n} holds the key in {@code b} from {@code off}, {@code len} bytes, of hash {@code h}. */
  private static boolean holds(Link<?> n, int h, byte[] b, int off, int len) {
    return (!(n instanceof Node<?> c) || c.hash == h) && Arrays.equals(n.key, 0, n.key.length, b, off, off + len);
  }

  private static final int MIN_SIZE = 4;

  private Link<?>[] t0 = new Link<?>[MIN_SIZE];
  private Link<?>[] t1; // non-null while rehashing into it
  private int rehashIndex = -1;
  private int size;
  /** While a safe iterator or snapshot walks the table, resizing waits (rehash steps could move unvisited nodes). */
  private int pauseRehash;
  /** Whether lookups do a step of rehashing (the keyspace's tables; never a value's, see the class comment). */
  private boolean rehashOnRead;
  /**
   * Long walks in bucket order under way (a snapshot's): resizing waits for them unless the table is this many times
   * over full (Redis's dict_force_resize_ratio while a child runs), and then {@link #layout} changes.
   */
  private int walkPause;
  private static final int FORCE_RESIZE_RATIO = 5;
  private boolean forcedResize;
  /** Counts resizes started and rehash steps taken: a walk in bucket order is valid while it stays the same. */
  private int layout;
  /** Reachable only through this table once it is dropped: what lazy free watches for it (see {@link #releaseToken}). */
  private Object releaseToken;

  /** A table for the keyspace: lookups help rehashing along. */
  public static <N extends Link<N>> ByteDict<N> forKeyspace() {
    ByteDict<N> d = new ByteDict<>();
    d.rehashOnRead = true;
    return d;
  }

  public int size() {
    return size;
  }

  public boolean isRehashing() {
    return t1 != null;
  }

  /** Finds the node with this key, or null. */
  public N get(byte[] key) {
    return get(key, 0, key.length);
  }

  /**
   * Finds the node whose key is the {@code len} bytes at {@code off} in {@code b}, or null: {@link #get(byte[])} of a
   * key read in place (a command's argument in the connection's arena), without an array for it.
   */
  @SuppressWarnings("unchecked")
  public N get(byte[] b, int off, int len) {
    if (size == 0) {
      return null;
    }
    if (t1 != null && rehashOnRead) {
      rehashStep();
    }
    int h = Hashing.hash(b, off, len);
    N n = (N) t0[h & (t0.length - 1)];
    while (n != null) {
      if (holds(n, h, b, off, len)) {
        return n;
      }
      n = n.next;
    }
    if (t1 != null) {
      n = (N) t1[h & (t1.length - 1)];
      while (n != null) {
        if (holds(n, h, b, off, len)) {
          return n;
        }
        n = n.next;
      }
    }
    return null;
  }

  /**
   * Reads the bucket where a key of this hash would be, so that a lookup of that key soon after finds it in the cache;
   * {@link #prefetch} then reads the bucket's first node and its key. A table bigger than the caches costs a lookup
   * three dependent cache misses (bucket, node, key): lookups one after another pay them in turn, while these reads for
   * a batch of keys, each step for the whole batch before the next, are independent of each other and the processor
   * overlaps their misses (see {@code Db.prefetch}). Changes nothing (no rehashing step; a value's table may be read by
   * the snapshot thread meanwhile). Returns a number made of what was read, for the caller to keep, so that the reads
   * are not dropped as dead code.
   */
  @Override
  public int prefetchBucket(int hash) {
    int seen = t0[hash & (t0.length - 1)] == null ? 0 : 1;
    Link<?>[] t = t1; // while rehashing a key may be in either table (new keys go to the new one)
    return t == null ? seen : seen | (t[hash & (t.length - 1)] == null ? 0 : 1);
  }

  /**
   * Reads, in each bucket where a key of this hash may be, the node a lookup would stop at, and that node's key: see
   * above. For nodes with a cached hash that is the first of this hash, so that a key behind another in its chain (a
   * third of the lookups in a table at three quarters full) is read too; otherwise the bucket's first node.
   */
  @Override
  public int prefetch(int hash) {
    int seen = keyLength(candidate(t0, hash));
    Link<?>[] t = t1;
    return t == null ? seen : seen + keyLength(candidate(t, hash));
  }

  private static Link<?> candidate(Link<?>[] table, int hash) {
    Link<?> n = table[hash & (table.length - 1)];
    while (n instanceof Node<?> c && c.hash != hash && n.next != null) {
      n = n.next;
    }
    return n;
  }

  private static int keyLength(Link<?> n) {
    return n == null ? 0 : n.key.length;
  }

  /**
   * The first node whose hash is {@code hash}, without comparing keys (so perhaps another key's; for nodes without a
   * cached hash, the bucket's first node): a hint for prefetching what a command will read, never an answer. Changes
   * nothing.
   */
  @SuppressWarnings("unchecked")
  public N probe(int hash) {
    N n = (N) t0[hash & (t0.length - 1)];
    while (n != null && n instanceof Node<?> c && c.hash != hash) {
      n = n.next;
    }
    Link<?>[] t = t1;
    if (n == null && t != null) {
      n = (N) t[hash & (t.length - 1)];
      while (n != null && n instanceof Node<?> c && c.hash != hash) {
        n = n.next;
      }
    }
    return n;
  }

  /** Adds a node whose key is not present (the caller has checked). */
  @SuppressWarnings("unchecked")
  public void addNew(N node) {
    if (t1 != null) {
      rehashStep();
    } else {
      growIfNeeded();
    }
    Link<?>[] t = t1 != null ? t1 : t0;
    int idx = hashOf(node) & (t.length - 1);
    node.next = (N) t[idx];
    t[idx] = node;
    size++;
  }

  /** Removes and returns the node with this key, or null. */
  @SuppressWarnings("unchecked")
  public N remove(byte[] key) {
    if (size == 0) {
      return null;
    }
    if (t1 != null) {
      rehashStep();
    }
    int h = Hashing.hash(key);
    for (int ti = 0; ti < 2; ti++) {
      Link<?>[] t = ti == 0 ? t0 : t1;
      if (t == null) {
        break;
      }
      int idx = h & (t.length - 1);
      N prev = null;
      N n = (N) t[idx];
      while (n != null) {
        if (holds(n, h, key)) {
          if (prev == null) {
            t[idx] = n.next;
          } else {
            prev.next = n.next;
          }
          n.next = null;
          size--;
          shrinkIfNeeded();
          return n;
        }
        prev = n;
        n = n.next;
      }
    }
    return null;
  }

  /**
   * Replaces {@code old} (which must be in the table) by {@code replacement} with the same key, keeping its place in the
   * chain so that running scans are not disturbed.
   */
  @SuppressWarnings("unchecked")
  public void replace(N old, N replacement) {
    for (int ti = 0; ti < 2; ti++) {
      Link<?>[] t = ti == 0 ? t0 : t1;
      if (t == null) {
        break;
      }
      int idx = hashOf(old) & (t.length - 1);
      N prev = null;
      N n = (N) t[idx];
      while (n != null) {
        if (n == old) {
          replacement.next = old.next;
          if (prev == null) {
            t[idx] = replacement;
          } else {
            prev.next = replacement;
          }
          old.next = null;
          return;
        }
        prev = n;
        n = n.next;
      }
    }
    throw new IllegalStateException("node not in table");
  }

  /** Removes everything. */
  public void clear() {
    t0 = new Link<?>[MIN_SIZE];
    t1 = null;
    rehashIndex = -1;
    size = 0;
  }

  /**
   * Visits the buckets the cursor names and returns the next cursor (0 when the scan is complete). Every element present
   * from the start to the end of a full scan is visited at least once; some may be visited twice.
   */
  @SuppressWarnings("unchecked")
  public long scan(long cursor, Consumer<N> visitor) {
    if (size == 0) {
      return 0;
    }
    pauseRehash++;
    try {
      long v = cursor;
      if (t1 == null) {
        long m0 = t0.length - 1;
        visitChain((N) t0[(int) (v & m0)], visitor);
        v = nextCursor(v, m0);
      } else {
        Link<?>[] small = t0.length <= t1.length ? t0 : t1;
        Link<?>[] big = small == t0 ? t1 : t0;
        long m0 = small.length - 1;
        long m1 = big.length - 1;
        visitChain((N) small[(int) (v & m0)], visitor);
        // visit every bucket of the bigger table that the small bucket expands to
        do {
          visitChain((N) big[(int) (v & m1)], visitor);
          v = nextCursor(v, m1);
        } while ((v & (m0 ^ m1)) != 0);
      }
      return v;
    } finally {
      pauseRehash--;
    }
  }

  private void visitChain(N n, Consumer<N> visitor) {
    while (n != null) {
      N next = n.next; // the visitor may delete n (expired keys)
      visitor.accept(n);
      n = next;
    }
  }

  /** Redis's reverse-binary cursor step: the next bucket of a table of {@code mask + 1} buckets, in SCAN's order. */
  static long nextCursor(long v, long mask) {
    v |= ~mask;
    v = Long.reverse(v);
    v++;
    return Long.reverse(v);
  }

  /** A random node, or null if empty: a random non-empty bucket, then a random node of its chain (as Redis does). */
  @SuppressWarnings("unchecked")
  public N random() {
    if (size == 0) {
      return null;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    N head;
    do {
      if (t1 != null) {
        int total = t0.length + t1.length;
        int i = r.nextInt(total);
        head = (N) (i < t0.length ? t0[i] : t1[i - t0.length]);
      } else {
        head = (N) t0[r.nextInt(t0.length)];
      }
    } while (head == null);
    int len = 0;
    for (N n = head; n != null; n = n.next) {
      len++;
    }
    int pick = r.nextInt(len);
    N n = head;
    while (pick-- > 0) {
      n = n.next;
    }
    return n;
  }

  /**
   * Visits up to {@code count} nodes found from a random bucket onwards through contiguous buckets (both tables while
   * rehashing), looking at no more than {@code count * 10} empty buckets, as Redis's dictGetSomeKeys: cheap samples for
   * eviction and for measuring a big value. Returns how many were visited; the visitor must not change the table.
   */
  @SuppressWarnings("unchecked")
  public int sample(int count, Consumer<N> visitor) {
    if (size == 0 || count <= 0) {
      return 0;
    }
    int total = t0.length + (t1 == null ? 0 : t1.length);
    int i = ThreadLocalRandom.current().nextInt(total);
    int seen = 0;
    int empty = 0;
    long maxEmpty = count * 10L;
    for (int step = 0; step < total && seen < count && empty < maxEmpty; step++, i = (i + 1) % total) {
      Link<?> head = i < t0.length ? t0[i] : t1[i - t0.length];
      if (head == null) {
        empty++;
        continue;
      }
      for (N n = (N) head; n != null && seen < count; n = n.next) {
        visitor.accept(n);
        seen++;
      }
    }
    return seen;
  }

  /** Chains up to this long are sampled exactly uniformly; longer ones (rare at a load factor of at most 1) less. */
  private static final int FAIR_CHAIN = 8;

  /**
   * A uniformly random node, or null if empty: rejection sampling over (bucket, position in chain), so that members of
   * long chains are not under-picked as with {@link #random()} (SRANDMEMBER and SPOP must be fair, as Redis's
   * dictGetFairRandomKey is).
   */
  @SuppressWarnings("unchecked")
  public N fairRandom() {
    if (size == 0) {
      return null;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (true) {
      N head;
      if (t1 != null) {
        int i = r.nextInt(t0.length + t1.length);
        head = (N) (i < t0.length ? t0[i] : t1[i - t0.length]);
      } else {
        head = (N) t0[r.nextInt(t0.length)];
      }
      if (head == null) {
        continue;
      }
      int len = 0;
      for (N n = head; n != null; n = n.next) {
        len++;
      }
      // each position of a chain is drawn with chance 1/FAIR_CHAIN; a longer chain is drawn whole (all reachable)
      int pick = r.nextInt(Math.max(FAIR_CHAIN, len));
      if (pick < len) {
        N n = head;
        while (pick-- > 0) {
          n = n.next;
        }
        return n;
      }
    }
  }

  /**
   * Calls {@code visitor} for every node; the visitor must not add or remove nodes. A value's table is only read here
   * (another thread may be reading it at the same time); a keyspace table pauses rehashing, since lookups move buckets.
   */
  @SuppressWarnings("unchecked")
  public void forEach(Consumer<N> visitor) {
    if (!rehashOnRead) {
      forEachNode(visitor);
      return;
    }
    pauseRehash++;
    try {
      forEachNode(visitor);
    } finally {
      pauseRehash--;
    }
  }

  @SuppressWarnings("unchecked")
  private void forEachNode(Consumer<N> visitor) {
    for (Link<?>[] t : t1 == null ? new Link<?>[][] {t0} : new Link<?>[][] {t0, t1}) {
      for (Link<?> head : t) {
        for (N n = (N) head; n != null; n = n.next) {
          visitor.accept(n);
        }
      }
    }
  }

  /** Does up to {@code steps} buckets of rehashing; returns whether rehashing is still under way. */
  public boolean rehash(int steps) {
    for (int i = 0; i < steps && t1 != null; i++) {
      rehashStep();
    }
    return t1 != null;
  }

  /** Moves one non-empty bucket (skipping at most 10 empty ones) from the old table to the new. */
  @SuppressWarnings("unchecked")
  private void rehashStep() {
    if (pauseRehash > 0 || t1 == null || walkPause > 0 && !forcedResize) {
      return;
    }
    layout++;
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
    N n = (N) t0[rehashIndex];
    int mask = t1.length - 1;
    while (n != null) {
      N next = n.next;
      int idx = hashOf(n) & mask;
      n.next = (N) t1[idx];
      t1[idx] = n;
      n = next;
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
    forcedResize = false;
  }

  private void growIfNeeded() {
    if (size >= t0.length && pauseRehash == 0) {
      if (walkPause == 0) {
        startRehash(t0.length * 2);
      } else if (size >= (long) FORCE_RESIZE_RATIO * t0.length) {
        forcedResize = true;
        startRehash(t0.length * 2);
      }
    }
  }

  private void shrinkIfNeeded() {
    // Redis shrinks when under 10% full; 1/8 keeps sizes powers of two
    if (t1 == null && pauseRehash == 0 && walkPause == 0 && t0.length > MIN_SIZE && size < t0.length / 8) {
      int target = MIN_SIZE;
      while (target < size) {
        target <<= 1;
      }
      startRehash(target);
    }
  }

  private void startRehash(int newSize) {
    t1 = new Link<?>[newSize];
    rehashIndex = 0;
    layout++;
  }

  /**
   * Starts a long walk in bucket order ({@link #gather}): until {@link #endWalk}, no node moves to another bucket unless
   * the table grows past {@code FORCE_RESIZE_RATIO} times full, which changes {@link #layout}. Bucket order reads the
   * table sequentially, which SCAN's reverse-binary order (that survives resizes) does not: a snapshot's walker takes
   * a third less of the engine thread this way.
   */
  public void beginWalk() {
    walkPause++;
  }

  public void endWalk() {
    walkPause--;
  }

  /** Changes whenever nodes may have moved between buckets. */
  public int layout() {
    return layout;
  }

  /**
   * Gathers the nodes of up to {@code buckets} buckets from bucket {@code index} on, in bucket order (the old table's
   * buckets first while rehashing, then the new table's), into {@code out} (emptied first), and returns the index after
   * them, or -1 when they were the last. Valid as one walk while {@link #layout} stays the same.
   * A walker that first gathers a block of nodes and then visits them lets the processor overlap the cache misses of
   * reading them (the loads are independent); visiting each node as it is reached puts the visit's work between one
   * miss and the next.
   */
  public long gather(long index, int buckets, NodeBlock<N> out) {
    out.size = 0;
    int n0 = t0.length;
    long total = n0 + (t1 == null ? 0 : (long) t1.length);
    long end = Math.min(total, index + buckets);
    for (long i = index; i < end; i++) {
      Link<?> n = i < n0 ? t0[(int) i] : t1[(int) (i - n0)];
      while (n != null) {
        out.add(n);
        n = n.next;
      }
    }
    return end < total ? end : -1;
  }

  /** A reusable list of nodes for {@link #gather} (it grows and is never shrunk). */
  public static final class NodeBlock<N extends Link<N>> {
    private Link<?>[] nodes = new Link<?>[128];
    private int size;

    void add(Link<?> n) {
      if (size == nodes.length) {
        nodes = java.util.Arrays.copyOf(nodes, size * 2);
      }
      nodes[size++] = n;
    }

    public int size() {
      return size;
    }

    @SuppressWarnings("unchecked")
    public N get(int i) {
      return (N) nodes[i];
    }

    /** Drops the references (the block outlives the walk that filled it). */
    public void clear() {
      java.util.Arrays.fill(nodes, 0, size, null);
      size = 0;
    }
  }

  /**
   * A new object that only this table references, for lazy free to watch in its place when the table is dropped: it is
   * unreachable exactly when the table is. A long-lived table is in the old generation, and G1 reclaims it in a
   * concurrent cycle but does not enqueue a young phantom reference to it (root region scanning traces the referent of
   * a reference in a survivor region as a strong field) until the reference itself is tenured, some 15 cycles later:
   * a flushed table stayed pending 8-9 s. The token is young, so the first young collection after the cycle that found
   * the table dead finds it dead too, and enqueues its reference.
   */
  public Object releaseToken() {
    return releaseToken = new Object();
  }

  /** The number of buckets (both tables while rehashing): for DEBUG HTSTATS and memory accounting. */
  public int buckets() {
    return t0.length + (t1 == null ? 0 : t1.length);
  }
}
