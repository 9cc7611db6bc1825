package dev.cairn.core.type.set;

import dev.cairn.api.command.Args;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.keyspace.ByteSet;
import dev.cairn.core.keyspace.MemberTable;
import dev.cairn.core.keyspace.PrefetchTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set of byte strings in one of Redis's three encodings: "intset" (a sorted array of longs while every member is a
 * canonical integer), "listpack" (a small array of members in insertion order) and "hashtable" (a {@link ByteSet}: the
 * members' arrays in the buckets, no node per member).
 * Small forms convert to bigger ones as members are added, never back, as in Redis.
 */
public final class SetValue implements RedisValue, dev.cairn.core.sort.SortSource, MemberTable {
  /** The thresholds that decide the encoding (Redis's set-max-* config). */
  public record Limits(long intsetEntries, long listpackEntries, long listpackValue) {
    /** Redis's defaults. */
    public static final Limits DEFAULT = new Limits(512, 128, 64);
  }

  private static final byte INTSET = 0;
  private static final byte LISTPACK = 1;
  private static final byte HASHTABLE = 2;

  private byte enc;
  private long[] ints;
  private byte[][] items;
  private int n;
  private ByteSet dict;

  private SetValue() {}

  @Override
  public PrefetchTable memberTable() {
    return dict;
  }

  /** An empty set in the encoding Redis would pick for a first member {@code first} and about {@code sizeHint} ones. */
  public static SetValue create(byte[] first, long sizeHint, Limits l) {
    SetValue s = new SetValue();
    if (first != null && Args.isLong(first) && sizeHint <= l.intsetEntries()) {
      s.enc = INTSET;
      s.ints = new long[(int) Math.max(1, Math.min(sizeHint, 16))];
    } else if (sizeHint <= l.listpackEntries()) {
      s.enc = LISTPACK;
      s.items = new byte[(int) Math.max(1, Math.min(sizeHint, 16))][];
    } else {
      s.enc = HASHTABLE;
      s.dict = new ByteSet();
    }
    return s;
  }

  /** An empty intset-encoded set (what the SINTERSTORE family starts from). */
  public static SetValue createIntset() {
    SetValue s = new SetValue();
    s.enc = INTSET;
    s.ints = new long[4];
    return s;
  }

  @Override
  public String typeName() {
    return "set";
  }

  @Override
  public String encoding() {
    return switch (enc) {
      case INTSET -> "intset";
      case LISTPACK -> "listpack";
      default -> "hashtable";
    };
  }

  @Override
  public long freeEffort() {
    return enc == INTSET || enc == LISTPACK ? 1 : size();
  }

  @Override
  public Object releaseToken() {
    return dict != null ? dict.releaseToken() : this;
  }

  @Override
  public SetValue copy() {
    SetValue s = new SetValue();
    s.enc = enc;
    s.n = n;
    if (ints != null) {
      s.ints = ints.clone();
    }
    if (items != null) {
      s.items = items.clone(); // members are never changed in place
    }
    if (dict != null) {
      s.dict = new ByteSet();
      dict.forEach(s.dict::addNew);
    }
    return s;
  }

  /** Heap bytes: per member its array (16 + length, 8-aligned) plus the encoding's per-member cost. */
  @Override
  public long estimatedBytes(int samples) {
    return switch (enc) {
      case INTSET -> 48 + 8L * ints.length;
      case LISTPACK -> {
        long b = 48 + 4L * items.length;
        for (int i = 0; i < n; i++) {
          b += align(16 + items[i].length);
        }
        yield b;
      }
      default -> {
        long[] sum = {0};
        int[] seen = {0};
        int limit = samples <= 0 ? Integer.MAX_VALUE : samples;
        dict.sample(limit, m -> {
          sum[0] += align(16 + m.length);
          seen[0]++;
        });
        // a bucket slot (4) per bucket, and per member its slot in a shared bucket's array (~6 on average at a load
        // of 0.5-1), then the sampled member sizes
        long avg = seen[0] == 0 ? 0 : sum[0] / seen[0];
        yield 64 + 4L * dict.buckets() + (long) dict.size() * (6 + avg);
      }
    };
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  public int size() {
    return enc == HASHTABLE ? dict.size() : n;
  }

  /** Adds {@code m}; returns false if it was already a member. */
  public boolean add(byte[] m, Limits l) {
    switch (enc) {
      case INTSET -> {
        long v = Args.parseLongOrMin(m, 0, m.length);
        if (v != Long.MIN_VALUE || Args.isLong(m)) {
          int pos = Arrays.binarySearch(ints, 0, n, v);
          if (pos >= 0) {
            return false;
          }
          insertInt(-pos - 1, v);
          if (n > l.intsetEntries()) {
            convert(HASHTABLE);
          }
          return true;
        }
        // the longest integer bounds how long the listpack members would be
        int maxLen = n == 0 ? 0 : Math.max(digits(ints[0]), digits(ints[n - 1]));
        if (n < l.listpackEntries() && m.length <= l.listpackValue() && maxLen <= l.listpackValue()) {
          convert(LISTPACK);
        } else {
          convert(HASHTABLE);
        }
        return add(m, l);
      }
      case LISTPACK -> {
        if (indexOf(m) >= 0) {
          return false;
        }
        if (n < l.listpackEntries() && m.length <= l.listpackValue()) {
          if (n == items.length) {
            items = Arrays.copyOf(items, Math.max(4, n + (n >> 1)));
          }
          items[n++] = m;
          return true;
        }
        convert(HASHTABLE);
        return add(m, l);
      }
      default -> {
        return dict.add(m);
      }
    }
  }

  /**
   * {@link #add(byte[], Limits)} of argument {@code i}, read in place: a member already present costs no array, so SADD
   * of present members allocates nothing (each array a request dropped was young garbage that brought the next young
   * pause sooner); a new member is copied out, since the set keeps it.
   */
  public boolean add(Args a, int i, Limits l) {
    byte[] b = a.bytes(i);
    int off = a.offset(i);
    int len = a.length(i);
    boolean present = switch (enc) {
      // Long.MIN_VALUE's digits parse as "not a long" here: add decides for it
      case INTSET -> {
        long v = Args.parseLongOrMin(b, off, len);
        yield v != Long.MIN_VALUE && Arrays.binarySearch(ints, 0, n, v) >= 0;
      }
      case LISTPACK -> indexOf(b, off, len) >= 0;
      default -> dict.contains(b, off, len);
    };
    if (present) {
      return false;
    }
    if (enc == HASHTABLE) {
      dict.addNew(a.get(i));
      return true;
    }
    return add(a.get(i), l);
  }

  public boolean contains(byte[] m) {
    return switch (enc) {
      case INTSET -> {
        long v = Args.parseLongOrMin(m, 0, m.length);
        yield (v != Long.MIN_VALUE || Args.isLong(m)) && Arrays.binarySearch(ints, 0, n, v) >= 0;
      }
      case LISTPACK -> indexOf(m) >= 0;
      default -> dict.contains(m);
    };
  }

  /** Removes {@code m}; returns whether it was a member. */
  public boolean remove(byte[] m) {
    switch (enc) {
      case INTSET -> {
        long v = Args.parseLongOrMin(m, 0, m.length);
        if (v == Long.MIN_VALUE && !Args.isLong(m)) {
          return false;
        }
        int pos = Arrays.binarySearch(ints, 0, n, v);
        if (pos < 0) {
          return false;
        }
        System.arraycopy(ints, pos + 1, ints, pos, n - pos - 1);
        n--;
        return true;
      }
      case LISTPACK -> {
        int i = indexOf(m);
        if (i < 0) {
          return false;
        }
        System.arraycopy(items, i + 1, items, i, n - i - 1);
        items[--n] = null;
        return true;
      }
      default -> {
        return dict.remove(m);
      }
    }
  }

  /** A uniformly chosen member (the set must not be empty). */
  public byte[] random() {
    return switch (enc) {
      case INTSET -> longBytes(ints[ThreadLocalRandom.current().nextInt(n)]);
      case LISTPACK -> items[ThreadLocalRandom.current().nextInt(n)];
      default -> dict.fairRandom();
    };
  }

  /** Removes and returns a random member (the set must not be empty). */
  public byte[] pop() {
    switch (enc) {
      case INTSET -> {
        int i = ThreadLocalRandom.current().nextInt(n);
        long v = ints[i];
        System.arraycopy(ints, i + 1, ints, i, n - i - 1);
        n--;
        return longBytes(v);
      }
      case LISTPACK -> {
        int i = ThreadLocalRandom.current().nextInt(n);
        byte[] m = items[i];
        System.arraycopy(items, i + 1, items, i, n - i - 1);
        items[--n] = null;
        return m;
      }
      default -> {
        byte[] m = dict.fairRandom();
        dict.remove(m);
        return m;
      }
    }
  }

  /** Calls {@code visitor} with every member (intsets in ascending order); the visitor must not change the set. */
  public void forEach(Consumer<byte[]> visitor) {
    switch (enc) {
      case INTSET -> {
        for (int i = 0; i < n; i++) {
          visitor.accept(longBytes(ints[i]));
        }
      }
      case LISTPACK -> {
        for (int i = 0; i < n; i++) {
          visitor.accept(items[i]);
        }
      }
      default -> dict.forEach(visitor);
    }
  }

  @Override
  public long sortSize() {
    return size();
  }

  /** SORT: every member, in iteration order. */
  @Override
  public void forEachMember(Consumer<byte[]> action) {
    forEach(action);
  }

  /** SORT BY nosort: members {@code start..end} of the iteration order (a set has no order to reverse). */
  @Override
  public void forEachInRange(long start, long end, boolean reverse, Consumer<byte[]> action) {
    long[] i = {0};
    forEach(m -> {
      if (i[0] >= start && i[0] <= end) {
        action.accept(m);
      }
      i[0]++;
    });
  }

  /** All members, as {@link #forEach} visits them (for SORT and the set algebra commands). */
  public byte[][] toArray() {
    byte[][] out = new byte[size()][];
    int[] i = {0};
    forEach(m -> out[i[0]++] = m);
    return out;
  }

  /**
   * SSCAN: small encodings are returned whole in one call (cursor 0), as Redis does; the hashtable is scanned by
   * cursor. Returns the next cursor.
   */
  public long scan(long cursor, Consumer<byte[]> visitor) {
    if (enc != HASHTABLE) {
      forEach(visitor);
      return 0;
    }
    return dict.scan(cursor, visitor);
  }

  public boolean isHashtable() {
    return enc == HASHTABLE;
  }

  private int indexOf(byte[] m) {
    return indexOf(m, 0, m.length);
  }

  private int indexOf(byte[] b, int off, int len) {
    for (int i = 0; i < n; i++) {
      if (Arrays.equals(items[i], 0, items[i].length, b, off, off + len)) {
        return i;
      }
    }
    return -1;
  }

  private void insertInt(int pos, long v) {
    if (n == ints.length) {
      ints = Arrays.copyOf(ints, Math.max(4, n + (n >> 1)));
    }
    System.arraycopy(ints, pos, ints, pos + 1, n - pos);
    ints[pos] = v;
    n++;
  }

  private void convert(byte to) {
    byte[][] members = toArray();
    if (to == LISTPACK) {
      items = Arrays.copyOf(members, Math.max(4, members.length + 1));
      n = members.length;
    } else {
      dict = new ByteSet();
      for (byte[] m : members) {
        dict.addNew(m);
      }
      items = null;
      n = 0;
    }
    ints = null;
    enc = to;
  }

  static byte[] longBytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  private static int digits(long v) {
    return Long.toString(v).length();
  }
}
