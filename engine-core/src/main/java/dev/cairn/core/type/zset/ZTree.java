package dev.cairn.core.type.zset;

import java.util.Arrays;

/**
 * The order of a sorted set: a B+-tree over (score, member) pairs whose inner nodes count the elements below each
 * child, so that rank, select-by-rank, insert and delete are all O(log n).
 *
 * <p>Why a B+-tree and not Redis's skiplist: leaves hold plain arrays of members and primitive double scores (tens of
 * elements each, linked both ways for range walks), so a member costs a few array slots instead of a node object with
 * arrays of forward links and spans. Order is by score, then by member bytes compared unsigned (memcmp), as in Redis;
 * -0 and 0 are equal scores.
 *
 * <p>Inner nodes keep each child's smallest pair, which routes searches without visiting the leaves. Nodes that fall
 * under a quarter full are merged with a neighbour when the two fit in one.
 *
 * <p>A big tree keeps a few leaves that deletes and merges emptied for its next splits. Under score changes (ZADD of
 * present members) it splits about as many leaves as it merges, and a split's new leaf was young: the old parent and
 * neighbours pointing at it were roots of every young pause until it was promoted, and it was copied at each pause
 * (100k members: 10-16k roots and 2 MB copied a pause, most of ZADD's 4-5 ms pauses). A reused leaf is old.
 */
final class ZTree {
  static final int CAP = 64;
  /** The most emptied leaves a tree keeps, and the size from which it keeps them (a small tree's churn is small). */
  private static final int SPARE_LEAVES = 32;
  private static final int SPARES_FROM_SIZE = 16 * CAP;

  /** Search modes: which elements count as "before" the target. */
  static final int ELEM = 0;      // (score, member) < target
  static final int SCORE_LT = 1;  // score < target score
  static final int SCORE_LE = 2;  // score <= target score
  static final int LEX_LT = 3;    // member < target member
  static final int LEX_LE = 4;    // member <= target member

  abstract static class Node {
    int n;
  }

  static final class Leaf extends Node {
    double[] scores;
    byte[][] members;
    Leaf prev;
    Leaf next;

    Leaf(int capacity) {
      scores = new double[capacity];
      members = new byte[capacity][];
    }
  }

  static final class Inner extends Node {
    final Node[] kids = new Node[CAP + 1];
    final int[] counts = new int[CAP + 1];
    final double[] minS = new double[CAP + 1];
    final byte[][] minM = new byte[CAP + 1][];
    int total;
  }

  /** A position in the tree: a leaf and an index in it. */
  static final class Cursor {
    Leaf leaf;
    int i;

    boolean valid() {
      return leaf != null;
    }

    double score() {
      return leaf.scores[i];
    }

    byte[] member() {
      return leaf.members[i];
    }

    void next() {
      if (++i >= leaf.n) {
        leaf = leaf.next;
        i = 0;
      }
    }

    void prev() {
      if (--i < 0) {
        leaf = leaf.prev;
        i = leaf == null ? 0 : leaf.n - 1;
      }
    }
  }

  private Node root = new Leaf(2);
  private int size;
  private Leaf head;
  private Leaf tail;
  /** Emptied leaves of full capacity, for {@link #splitLeaf}: {@code spares[0..spareCount)} (made when first needed). */
  private Leaf[] spares;
  private int spareCount;

  ZTree() {
    head = tail = (Leaf) root;
  }

  int size() {
    return size;
  }

  static int compare(double s1, byte[] m1, double s2, byte[] m2) {
    if (s1 < s2) {
      return -1;
    }
    if (s1 > s2) {
      return 1;
    }
    return Arrays.compareUnsigned(m1, m2);
  }

  private static boolean before(int mode, double s, byte[] m, double ts, byte[] tm) {
    return switch (mode) {
      case ELEM -> compare(s, m, ts, tm) < 0;
      case SCORE_LT -> s < ts;
      case SCORE_LE -> s <= ts;
      case LEX_LT -> Arrays.compareUnsigned(m, tm) < 0;
      default -> Arrays.compareUnsigned(m, tm) <= 0;
    };
  }

  private static int count(Node x) {
    return x instanceof Inner in ? in.total : x.n;
  }

  private static double minScore(Node x) {
    return x instanceof Inner in ? in.minS[0] : ((Leaf) x).scores[0];
  }

  private static byte[] minMember(Node x) {
    return x instanceof Inner in ? in.minM[0] : ((Leaf) x).members[0];
  }

  /** The child of {@code in} whose range holds the first element not "before" the target. */
  private static int route(Inner in, int mode, double ts, byte[] tm) {
    int lo = 1;
    int hi = in.n - 1;
    int found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (before(mode, in.minS[mid], in.minM[mid], ts, tm)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The child of {@code in} that holds (score, member) if present: the last whose smallest pair is not greater. */
  private static int routeExact(Inner in, double s, byte[] m) {
    int lo = 1;
    int hi = in.n - 1;
    int found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(in.minS[mid], in.minM[mid], s, m) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private static int leafPos(Leaf l, int mode, double ts, byte[] tm) {
    int lo = 0;
    int hi = l.n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (before(mode, l.scores[mid], l.members[mid], ts, tm)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** How many elements are "before" the target in {@code mode}: the rank of the first element that is not. */
  int countBefore(int mode, double ts, byte[] tm) {
    Node x = root;
    int rank = 0;
    while (x instanceof Inner in) {
      int i = route(in, mode, ts, tm);
      for (int k = 0; k < i; k++) {
        rank += in.counts[k];
      }
      x = in.kids[i];
    }
    return rank + leafPos((Leaf) x, mode, ts, tm);
  }

  /** The 0-based rank of (score, member), or -1 if absent. */
  int rank(double score, byte[] member) {
    Node x = root;
    int rank = 0;
    while (x instanceof Inner in) {
      int i = routeExact(in, score, member);
      for (int k = 0; k < i; k++) {
        rank += in.counts[k];
      }
      x = in.kids[i];
    }
    Leaf l = (Leaf) x;
    int p = leafPos(l, ELEM, score, member);
    if (p < l.n && compare(l.scores[p], l.members[p], score, member) == 0) {
      return rank + p;
    }
    return -1;
  }

  /** A cursor at rank {@code r} (0 &lt;= r &lt; size). */
  Cursor at(int r) {
    Node x = root;
    while (x instanceof Inner in) {
      int i = 0;
      while (r >= in.counts[i]) {
        r -= in.counts[i];
        i++;
      }
      x = in.kids[i];
    }
    Cursor c = new Cursor();
    c.leaf = (Leaf) x;
    c.i = r;
    return c;
  }

  /** The first leaf, for walking every element in order (leaves link through {@code next}). */
  Leaf first() {
    return size == 0 ? null : head;
  }

  Leaf last() {
    return size == 0 ? null : tail;
  }

  /** Inserts a pair that is not present. */
  void insert(double score, byte[] member) {
    Node sibling = insert(root, score, member);
    if (sibling != null) {
      Inner r = new Inner();
      setChild(r, 0, root);
      setChild(r, 1, sibling);
      r.n = 2;
      r.total = count(root) + count(sibling);
      root = r;
    }
    size++;
  }

  private static void setChild(Inner in, int i, Node kid) {
    in.kids[i] = kid;
    in.counts[i] = count(kid);
    in.minS[i] = minScore(kid);
    in.minM[i] = minMember(kid);
  }

  private Node insert(Node x, double s, byte[] m) {
    if (x instanceof Leaf l) {
      int p = leafPos(l, ELEM, s, m);
      if (l.n == l.scores.length) {
        int cap = Math.min(CAP + 1, Math.max(4, l.n * 2));
        l.scores = Arrays.copyOf(l.scores, cap);
        l.members = Arrays.copyOf(l.members, cap);
      }
      System.arraycopy(l.scores, p, l.scores, p + 1, l.n - p);
      System.arraycopy(l.members, p, l.members, p + 1, l.n - p);
      l.scores[p] = s;
      l.members[p] = m;
      l.n++;
      if (l.n <= CAP) {
        return null;
      }
      // appending in score order (the common load pattern) leaves the old leaf full, not half empty
      return splitLeaf(l, p == CAP && l.next == null ? CAP : l.n / 2);
    }
    Inner in = (Inner) x;
    int i = route(in, ELEM, s, m);
    Node kid = in.kids[i];
    Node sib = insert(kid, s, m);
    in.total++;
    setChild(in, i, kid);
    if (sib == null) {
      return null;
    }
    System.arraycopy(in.kids, i + 1, in.kids, i + 2, in.n - i - 1);
    System.arraycopy(in.counts, i + 1, in.counts, i + 2, in.n - i - 1);
    System.arraycopy(in.minS, i + 1, in.minS, i + 2, in.n - i - 1);
    System.arraycopy(in.minM, i + 1, in.minM, i + 2, in.n - i - 1);
    setChild(in, i + 1, sib);
    in.n++;
    return in.n > CAP ? splitInner(in) : null;
  }

  private Leaf splitLeaf(Leaf l, int half) {
    int rest = l.n - half;
    Leaf r = spareCount > 0 ? spares[--spareCount] : new Leaf(CAP + 1);
    System.arraycopy(l.scores, half, r.scores, 0, rest);
    System.arraycopy(l.members, half, r.members, 0, rest);
    Arrays.fill(l.members, half, l.n, null);
    r.n = rest;
    l.n = half;
    r.next = l.next;
    r.prev = l;
    if (l.next != null) {
      l.next.prev = r;
    } else {
      tail = r;
    }
    l.next = r;
    return r;
  }

  private static Inner splitInner(Inner in) {
    int half = in.n / 2;
    int rest = in.n - half;
    Inner r = new Inner();
    System.arraycopy(in.kids, half, r.kids, 0, rest);
    System.arraycopy(in.counts, half, r.counts, 0, rest);
    System.arraycopy(in.minS, half, r.minS, 0, rest);
    System.arraycopy(in.minM, half, r.minM, 0, rest);
    Arrays.fill(in.kids, half, in.n, null);
    Arrays.fill(in.minM, half, in.n, null);
    r.n = rest;
    in.n = half;
    int moved = 0;
    for (int k = 0; k < rest; k++) {
      moved += r.counts[k];
    }
    r.total = moved;
    in.total -= moved;
    return r;
  }

  /** Removes the pair; returns whether it was present. */
  boolean delete(double score, byte[] member) {
    if (!delete(root, score, member)) {
      return false;
    }
    size--;
    while (root instanceof Inner in && in.n == 1) {
      root = in.kids[0];
    }
    if (spares != null && size < SPARES_FROM_SIZE / 2) {
      spares = null; // shrunk well below the size that keeps them
      spareCount = 0;
    }
    return true;
  }

  private boolean delete(Node x, double s, byte[] m) {
    if (x instanceof Leaf l) {
      int p = leafPos(l, ELEM, s, m);
      if (p >= l.n || compare(l.scores[p], l.members[p], s, m) != 0) {
        return false;
      }
      System.arraycopy(l.scores, p + 1, l.scores, p, l.n - p - 1);
      System.arraycopy(l.members, p + 1, l.members, p, l.n - p - 1);
      l.members[--l.n] = null;
      return true;
    }
    Inner in = (Inner) x;
    int i = routeExact(in, s, m);
    Node kid = in.kids[i];
    if (!delete(kid, s, m)) {
      return false;
    }
    in.total--;
    if (kid.n == 0) {
      removeChild(in, i);
      return true;
    }
    setChild(in, i, kid);
    if (kid.n < CAP / 4 && in.n > 1) {
      int left = i + 1 < in.n ? i : i - 1;
      Node a = in.kids[left];
      Node b = in.kids[left + 1];
      if (a.n + b.n <= CAP) {
        merge(a, b);
        setChild(in, left, a);
        in.kids[left + 1] = b; // removeChild unlinks leaves; b is already empty
        removeChild(in, left + 1);
      }
    }
    return true;
  }

  private void removeChild(Inner in, int i) {
    Node kid = in.kids[i];
    if (kid instanceof Leaf l) {
      unlink(l);
      keepSpare(l);
    }
    System.arraycopy(in.kids, i + 1, in.kids, i, in.n - i - 1);
    System.arraycopy(in.counts, i + 1, in.counts, i, in.n - i - 1);
    System.arraycopy(in.minS, i + 1, in.minS, i, in.n - i - 1);
    System.arraycopy(in.minM, i + 1, in.minM, i, in.n - i - 1);
    in.n--;
    in.kids[in.n] = null;
    in.minM[in.n] = null;
  }

  private void unlink(Leaf l) {
    if (l.prev != null) {
      l.prev.next = l.next;
    } else {
      head = l.next;
    }
    if (l.next != null) {
      l.next.prev = l.prev;
    } else {
      tail = l.prev;
    }
    l.prev = l.next = null;
  }

  /** Keeps an emptied leaf for a later split, if the tree is big and has room for it. */
  private void keepSpare(Leaf l) {
    if (size < SPARES_FROM_SIZE || l.scores.length != CAP + 1 || spareCount == SPARE_LEAVES) {
      return;
    }
    if (spares == null) {
      spares = new Leaf[SPARE_LEAVES];
    }
    Arrays.fill(l.members, null); // a merge leaves the moved members' references behind
    l.n = 0;
    spares[spareCount++] = l;
  }

  /** Moves everything of {@code b} (the right neighbour) into {@code a}; leaves {@code b} empty. */
  private static void merge(Node a, Node b) {
    if (a instanceof Leaf la) {
      Leaf lb = (Leaf) b;
      int n = la.n + lb.n;
      if (la.scores.length < n) {
        int cap = Math.min(CAP + 1, Math.max(n, la.n * 2));
        la.scores = Arrays.copyOf(la.scores, cap);
        la.members = Arrays.copyOf(la.members, cap);
      }
      System.arraycopy(lb.scores, 0, la.scores, la.n, lb.n);
      System.arraycopy(lb.members, 0, la.members, la.n, lb.n);
      la.n = n;
      lb.n = 0;
      return;
    }
    Inner ia = (Inner) a;
    Inner ib = (Inner) b;
    System.arraycopy(ib.kids, 0, ia.kids, ia.n, ib.n);
    System.arraycopy(ib.counts, 0, ia.counts, ia.n, ib.n);
    System.arraycopy(ib.minS, 0, ia.minS, ia.n, ib.n);
    System.arraycopy(ib.minM, 0, ia.minM, ia.n, ib.n);
    ia.n += ib.n;
    ia.total += ib.total;
    ib.n = 0;
    ib.total = 0;
  }

  /** Checks the structure's invariants (for tests): counts, minimums, order, leaf links. */
  void verify() {
    int[] seen = {0};
    verify(root, seen);
    if (seen[0] != size) {
      throw new AssertionError("size " + size + " but " + seen[0] + " elements");
    }
    int walked = 0;
    Leaf prev = null;
    for (Leaf l = head; l != null; l = l.next) {
      if (l.prev != prev) {
        throw new AssertionError("broken prev link");
      }
      walked += l.n;
      prev = l;
    }
    if (prev != tail || walked != size) {
      throw new AssertionError("leaf chain holds " + walked + " of " + size);
    }
  }

  private static void verify(Node x, int[] seen) {
    if (x instanceof Leaf l) {
      for (int k = 1; k < l.n; k++) {
        if (compare(l.scores[k - 1], l.members[k - 1], l.scores[k], l.members[k]) >= 0) {
          throw new AssertionError("leaf out of order");
        }
      }
      seen[0] += l.n;
      return;
    }
    Inner in = (Inner) x;
    int total = 0;
    for (int k = 0; k < in.n; k++) {
      Node kid = in.kids[k];
      if (kid.n == 0 || in.counts[k] != count(kid) || in.minS[k] != minScore(kid) || in.minM[k] != minMember(kid)) {
        throw new AssertionError("stale child summary");
      }
      total += in.counts[k];
      verify(kid, seen);
    }
    if (total != in.total) {
      throw new AssertionError("stale total");
    }
  }
}
