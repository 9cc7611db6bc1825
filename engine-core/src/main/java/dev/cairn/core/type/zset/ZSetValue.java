package dev.cairn.core.type.zset;

import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.keyspace.MemberTable;
import java.util.Arrays;
import java.util.function.ObjDoubleConsumer;

/**
 * A sorted set: members with double scores, ordered by (score, member). The order lives in a {@link ZTree}; past
 * Redis's listpack limits a {@link ByteDict} from member to score is added for O(1) lookups, and OBJECT ENCODING turns
 * from "listpack" to "skiplist" (the name Redis gives its big form, which clients and tests check). While small, a
 * member is found by scanning the tree's few leaves, as Redis scans its listpack.
 */
public final class ZSetValue implements RedisValue, dev.cairn.core.sort.SortSource, MemberTable {
  /** Member to score, in the big encoding: a node without a cached hash (24 bytes rather than 32). */
  static final class Entry extends ByteDict.Link<Entry> {
    double score;

    Entry(byte[] key, double score) {
      super(key);
      this.score = score;
    }
  }

  /** The thresholds that decide the encoding (Redis's zset-max-listpack-* config). */
  public record Limits(long listpackEntries, long listpackValue) {
    public static final Limits DEFAULT = new Limits(128, 64);
  }

  final ZTree tree = new ZTree();
  private ByteDict<Entry> dict;

  private ZSetValue() {}

  @Override
  public ByteDict<?> memberTable() {
    return dict;
  }

  /** An empty sorted set in the encoding Redis picks for about {@code sizeHint} members of up to {@code maxLen} bytes. */
  public static ZSetValue create(long sizeHint, long maxLen, Limits l) {
    ZSetValue z = new ZSetValue();
    if (sizeHint > l.listpackEntries() || maxLen > l.listpackValue() || l.listpackEntries() == 0) {
      z.dict = new ByteDict<>();
    }
    return z;
  }

  @Override
  public String typeName() {
    return "zset";
  }

  @Override
  public String encoding() {
    return dict == null ? "listpack" : "skiplist";
  }

  @Override
  public long freeEffort() {
    return dict == null ? 1 : size();
  }

  @Override
  public Object releaseToken() {
    return dict != null ? dict.releaseToken() : this;
  }

  @Override
  public ZSetValue copy() {
    ZSetValue z = new ZSetValue();
    if (dict != null) {
      z.dict = new ByteDict<>();
    }
    // members are never changed in place, so the copy shares their arrays
    forEach((m, s) -> {
      z.tree.insert(s, m);
      if (z.dict != null) {
        z.dict.addNew(new Entry(m, s));
      }
    });
    return z;
  }

  /**
   * Heap bytes: per member its array (16 + length, 8-aligned) and about 16 bytes of tree leaf slots, plus a dict node
   * (32 with 12-byte headers, 24 with compact ones) and bucket slot (4) in the big encoding; member sizes are sampled and
   * extrapolated.
   */
  @Override
  public long estimatedBytes(int samples) {
    long sum = 0;
    int seen = 0;
    int limit = samples <= 0 ? Integer.MAX_VALUE : samples;
    for (ZTree.Leaf l = tree.first(); l != null && seen < limit; l = l.next) {
      for (int i = 0; i < l.n && seen < limit; i++) {
        sum += (16 + l.members[i].length + 7) & ~7L;
        seen++;
      }
    }
    long avg = seen == 0 ? 0 : sum / seen;
    long per = avg + 16 + (dict == null ? 0 : 36);
    return 64 + (long) size() * per + (dict == null ? 0 : 4L * dict.buckets());
  }

  public int size() {
    return tree.size();
  }

  /** The member's score, or NaN if it is not a member (scores are never NaN). */
  public double score(byte[] m) {
    return score(m, 0, m.length);
  }

  /** {@link #score(byte[])} of the member that is the {@code len} bytes at {@code off} in {@code b} (read in place). */
  public double score(byte[] b, int off, int len) {
    if (dict != null) {
      Entry e = dict.get(b, off, len);
      return e == null ? Double.NaN : e.score;
    }
    for (ZTree.Leaf l = tree.first(); l != null; l = l.next) {
      for (int i = 0; i < l.n; i++) {
        if (Arrays.equals(l.members[i], 0, l.members[i].length, b, off, off + len)) {
          return l.scores[i];
        }
      }
    }
    return Double.NaN;
  }

  /** The array the set holds for the member that is the {@code len} bytes at {@code off} in {@code b}, or null. */
  private byte[] stored(byte[] b, int off, int len) {
    if (dict != null) {
      Entry e = dict.get(b, off, len);
      return e == null ? null : e.key;
    }
    for (ZTree.Leaf l = tree.first(); l != null; l = l.next) {
      for (int i = 0; i < l.n; i++) {
        if (Arrays.equals(l.members[i], 0, l.members[i].length, b, off, off + len)) {
          return l.members[i];
        }
      }
    }
    return null;
  }

  /** Adds a member that is not present, converting to the big encoding when a limit is passed. */
  public void insert(byte[] m, double score, Limits l) {
    if (dict == null && score == 0) {
      score = 0.0; // a listpack stores -0 as the integer 0
    }
    tree.insert(score, m);
    if (dict != null) {
      dict.addNew(new Entry(m, score));
    } else if (tree.size() > l.listpackEntries() || m.length > l.listpackValue()) {
      toDict();
    }
  }

  /** Changes a present member's score from {@code old} to {@code score}. */
  public void update(byte[] m, double old, double score) {
    update(m, 0, m.length, old, score);
  }

  /**
   * {@link #update(byte[], double, double)} of the member that is the {@code len} bytes at {@code off} in {@code b}
   * (read in place: ZADD of a present member allocates nothing).
   */
  public void update(byte[] b, int off, int len, double old, double score) {
    if (old == score && Double.doubleToRawLongBits(old) == Double.doubleToRawLongBits(score)) {
      return;
    }
    if (dict == null && score == 0) {
      score = 0.0; // a listpack stores -0 as the integer 0
    }
    // the tree takes the member array it already holds (the table's key), not the request's: a new array stored into
    // an old leaf at every score change is what kept 100k-member sets' members in survivor space and made every young
    // pause scan the whole tree's cards (docs/ARCHITECTURE.md, "The JVM's heap")
    byte[] stored;
    if (dict != null) {
      Entry e = dict.get(b, off, len);
      e.score = score;
      stored = e.key;
    } else {
      stored = stored(b, off, len);
    }
    tree.delete(old, stored);
    tree.insert(score, stored);
  }

  /** Removes a member; returns whether it was present. */
  public boolean remove(byte[] m) {
    double s = score(m);
    if (Double.isNaN(s)) {
      return false;
    }
    removeKnown(m, s);
    return true;
  }

  /** Removes a member known to be present with score {@code s}. */
  void removeKnown(byte[] m, double s) {
    tree.delete(s, m);
    if (dict != null) {
      dict.remove(m);
    }
  }

  /** The member's 0-based rank in ascending order, or -1. */
  public long rank(byte[] m) {
    double s = score(m);
    return Double.isNaN(s) ? -1 : tree.rank(s, m);
  }

  /** A cursor at rank {@code r}, for walking in either direction. */
  ZTree.Cursor at(int r) {
    return tree.at(r);
  }

  /** Calls {@code visitor} with every member and score in ascending order (for SORT, the store commands, tests). */
  public void forEach(ObjDoubleConsumer<byte[]> visitor) {
    for (ZTree.Leaf l = tree.first(); l != null; l = l.next) {
      for (int i = 0; i < l.n; i++) {
        visitor.accept(l.members[i], l.scores[i]);
      }
    }
  }

  @Override
  public long sortSize() {
    return size();
  }

  /** SORT: every member, in ascending score order. */
  @Override
  public void forEachMember(java.util.function.Consumer<byte[]> action) {
    forEach((m, score) -> action.accept(m));
  }

  /** SORT BY nosort: ranks {@code start..end} in score order, or from the highest score when {@code reverse}. */
  @Override
  public void forEachInRange(long start, long end, boolean reverse, java.util.function.Consumer<byte[]> action) {
    ZTree.Cursor c = at((int) (reverse ? size() - 1 - start : start));
    for (long i = start; i <= end && c.valid(); i++) {
      action.accept(c.member());
      if (reverse) {
        c.prev();
      } else {
        c.next();
      }
    }
  }

  /** Receives members and scores from {@link #forEachInScoreRange}; returns false to stop. */
  @FunctionalInterface
  public interface RangeVisitor {
    boolean visit(byte[] member, double score);
  }

  /**
   * Visits the members whose score lies in [{@code min}, {@code maxExclusive}), in ascending order, until the visitor
   * returns false: one O(log n) descent, then a walk along the leaves (GEO searches read geohash boxes this way).
   */
  public void forEachInScoreRange(double min, double maxExclusive, RangeVisitor visitor) {
    int r = tree.countBefore(ZTree.SCORE_LT, min, null);
    if (r >= tree.size()) {
      return;
    }
    for (ZTree.Cursor c = tree.at(r); c.valid() && c.score() < maxExclusive; c.next()) {
      if (!visitor.visit(c.member(), c.score())) {
        return;
      }
    }
  }

  /** Members in ascending score order. */
  public byte[][] members() {
    byte[][] out = new byte[size()][];
    int[] i = {0};
    forEach((m, s) -> out[i[0]++] = m);
    return out;
  }

  public boolean isListpack() {
    return dict == null;
  }

  /** ZSCAN over the big encoding: visits the dict buckets the cursor names; returns the next cursor. */
  long scan(long cursor, ObjDoubleConsumer<byte[]> visitor) {
    return dict.scan(cursor, e -> visitor.accept(e.key, e.score));
  }

  /** A random member's entry in the big encoding. */
  byte[] randomMemberFromDict() {
    return dict.random().key;
  }

  private void toDict() {
    ByteDict<Entry> d = new ByteDict<>();
    forEach((m, s) -> d.addNew(new Entry(m, s)));
    dict = d;
  }
}
