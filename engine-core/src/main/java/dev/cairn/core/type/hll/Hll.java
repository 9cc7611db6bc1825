package dev.cairn.core.type.hll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A HyperLogLog in Redis's own byte layout, so that the string a key holds is byte for byte what Redis would hold after
 * the same commands (GET, DUMP and replication see it).
 *
 * <pre>
 * hll      := header (dense | sparse)
 * header   := "HYLL" encoding:u8 (0 dense, 1 sparse) 0x00 0x00 0x00 card:u64le
 *             (card is the cached cardinality; bit 7 of its last byte set means "stale, recompute")
 * dense    := 16384 registers of 6 bits, packed from the low bit of byte 0 upwards (12288 bytes)
 * sparse   := op*, the runs covering the 16384 registers in order
 * op       := ZERO  00xxxxxx           (xxxxxx + 1) registers at 0, 1..64
 *           | XZERO 01xxxxxx yyyyyyyy  (xxxxxxyyyyyyyy + 1) registers at 0, 1..16384
 *           | VAL   1vvvvvxx           (xx + 1) registers at (vvvvv + 1), values 1..32, runs 1..4
 * </pre>
 *
 * An element goes to register {@code h & 16383} of its 64-bit MurmurHash64A {@code h} (seed 0xadc83b19), which keeps
 * the longest run of zeros seen, plus one, in the remaining 50 bits. A sparse HLL turns dense when a register needs a
 * value over 32 or the string would pass {@code hll-sparse-max-bytes}; the sparse edits (split a run, merge equal
 * neighbours) follow Redis's so the bytes agree. The estimate is Ertl's improved estimator over the register histogram.
 *
 * <p>An instance is a working view of one string: {@link #a} holds its {@link #len} bytes, and every byte of {@link #a}
 * past {@link #len} is zero (as in the string it came from).
 */
final class Hll {
  static final int P = 14;
  static final int Q = 64 - P;
  static final int REGISTERS = 1 << P;
  static final int HDR = 16;
  static final int DENSE_SIZE = HDR + (REGISTERS * 6 + 7) / 8;
  static final int DENSE = 0;
  static final int SPARSE = 1;
  /** The "stale" flag: bit 7 of the cached cardinality's last byte. */
  private static final int CARD_MSB = HDR - 1;
  private static final long SEED = 0xadc83b19L;
  private static final double ALPHA_INF = 0.721347520444481703680; // 0.5 / ln 2
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The string's bytes; past {@link #len} they are zero. May be replaced by a bigger array. */
  byte[] a;
  int len;
  /** Scratch for the opcodes replacing a split run (at most five bytes). */
  private final byte[] seq = new byte[5];

  Hll(byte[] a, int len) {
    this.a = a;
    this.len = len;
  }

  /** A new empty HLL: sparse, one XZERO covering every register. */
  static byte[] empty() {
    byte[] b = new byte[HDR + 2];
    b[0] = 'H';
    b[1] = 'Y';
    b[2] = 'L';
    b[3] = 'L';
    b[4] = SPARSE;
    b[HDR] = (byte) (0x40 | ((REGISTERS - 1) >> 8));
    b[HDR + 1] = (byte) ((REGISTERS - 1) & 0xff);
    return b;
  }

  /** Whether {@code len} bytes of {@code b} are an HLL Redis would accept: magic, known encoding, dense size. */
  static boolean isValid(byte[] b, int len) {
    if (len < HDR || b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') {
      return false;
    }
    int enc = b[4] & 0xff;
    return enc == SPARSE || enc == DENSE && len == DENSE_SIZE;
  }

  int encoding() {
    return a[4];
  }

  void invalidateCache() {
    a[CARD_MSB] |= (byte) 0x80;
  }

  boolean cacheValid() {
    return (a[CARD_MSB] & 0x80) == 0;
  }

  long cachedCard() {
    return (long) LONG_LE.get(a, 8);
  }

  void setCachedCard(long card) {
    LONG_LE.set(a, 8, card);
  }

  // ---- hashing

  /** MurmurHash64A, the 64-bit MurmurHash2, reading 8-byte blocks little-endian. */
  static long murmur64a(byte[] key, int off, int n, long seed) {
    final long m = 0xc6a4a7935bd1e995L;
    long h = seed ^ (n * m);
    int end = off + (n & ~7);
    int p = off;
    for (; p < end; p += 8) {
      long k = (long) LONG_LE.get(key, p);
      k *= m;
      k ^= k >>> 47;
      k *= m;
      h ^= k;
      h *= m;
    }
    int rest = n & 7;
    if (rest > 0) {
      for (int i = rest - 1; i >= 0; i--) {
        h ^= (long) (key[p + i] & 0xff) << (8 * i);
      }
      h *= m;
    }
    h ^= h >>> 47;
    h *= m;
    h ^= h >>> 47;
    return h;
  }

  /** The register an element goes to (low 16 bits) and the count it offers (the bits above). */
  static int registerAndCount(byte[] ele, int off, int n) {
    long h = murmur64a(ele, off, n, SEED);
    int index = (int) (h & (REGISTERS - 1));
    // the zeros before the first 1 in the remaining bits, plus one; bit Q caps the count at Q + 1
    long rest = (h >>> P) | (1L << Q);
    int count = Long.numberOfTrailingZeros(rest) + 1;
    return count << 16 | index;
  }

  // ---- dense registers

  static int denseGet(byte[] a, int reg) {
    int bit = reg * 6;
    int b = HDR + (bit >> 3);
    int fb = bit & 7;
    int b0 = a[b] & 0xff;
    // the last register's second byte lies past the registers; Redis reads the string's terminating zero there
    int b1 = b + 1 < DENSE_SIZE ? a[b + 1] & 0xff : 0;
    return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
  }

  static void denseSet(byte[] a, int reg, int v) {
    int bit = reg * 6;
    int b = HDR + (bit >> 3);
    int fb = bit & 7;
    a[b] = (byte) ((a[b] & ~(63 << fb)) | (v << fb));
    if (b + 1 < DENSE_SIZE) {
      a[b + 1] = (byte) ((a[b + 1] & ~(63 >> (8 - fb))) | (v >> (8 - fb)));
    }
  }

  /** Raises a dense register to {@code count}; returns 1 if it changed, else 0. */
  static int denseRaise(byte[] a, int reg, int count) {
    if (count > denseGet(a, reg)) {
      denseSet(a, reg, count);
      return 1;
    }
    return 0;
  }

  // ---- adding

  /** Adds an element: 1 if a register changed, 0 if not, -1 if the sparse form is corrupt. */
  int add(byte[] ele, long sparseMaxBytes) {
    int rc = registerAndCount(ele, 0, ele.length);
    return set(rc & 0xffff, rc >>> 16, sparseMaxBytes);
  }

  /** Raises register {@code index} to {@code count} in either encoding: 1 if it changed, 0 if not, -1 if corrupt. */
  int set(int index, int count, long sparseMaxBytes) {
    return switch (encoding()) {
      case DENSE -> denseRaise(a, index, count);
      case SPARSE -> sparseSet(index, count, sparseMaxBytes);
      default -> -1;
    };
  }

  private static boolean isZero(int op) {
    return (op & 0xc0) == 0;
  }

  private static boolean isXZero(int op) {
    return (op & 0xc0) == 0x40;
  }

  private static boolean isVal(int op) {
    return (op & 0x80) != 0;
  }

  private static int zeroLen(int op) {
    return (op & 0x3f) + 1;
  }

  private int xzeroLen(int p) {
    return (((a[p] & 0x3f) << 8) | (a[p + 1] & 0xff)) + 1;
  }

  private static int valValue(int op) {
    return ((op >> 2) & 0x1f) + 1;
  }

  private static int valLen(int op) {
    return (op & 3) + 1;
  }

  private static byte val(int value, int runLen) {
    return (byte) (0x80 | (value - 1) << 2 | (runLen - 1));
  }

  /** Writes a run of {@code n} zeros at {@code out[at]} as ZERO or XZERO; returns the bytes written. */
  private static int zeros(byte[] out, int at, int n) {
    if (n > 64) {
      out[at] = (byte) (0x40 | (n - 1) >> 8);
      out[at + 1] = (byte) ((n - 1) & 0xff);
      return 2;
    }
    out[at] = (byte) (n - 1);
    return 1;
  }

  private void ensureCapacity(int needed) {
    if (a.length < needed) {
      a = Arrays.copyOf(a, Math.max(needed, Math.min(2 * needed, needed + 300)));
    }
  }

  /**
   * Raises register {@code index} of the sparse form to {@code count}: finds the run holding it, leaves it alone if its
   * value is already as high, else rewrites the run as up to three (zeros or old value, the new value, zeros or old
   * value), then merges equal neighbouring VAL runs. Turns dense when the value needs more than 5 bits or the string
   * would pass {@code maxBytes}.
   */
  private int sparseSet(int index, int count, long maxBytes) {
    if (count > 32) {
      return promote(index, count);
    }
    int oldLen = len;
    // room for the longest rewrite (one op becomes up to five bytes), and for reading one byte past the end
    ensureCapacity(len + 6);
    int p = HDR;
    int end = len;
    long first = 0;
    int prev = -1;
    int span = 0;
    while (p < end) {
      int op = a[p] & 0xff;
      int opLen = 1;
      if (isZero(op)) {
        span = zeroLen(op);
      } else if (isVal(op)) {
        span = valLen(op);
      } else {
        span = xzeroLen(p);
        opLen = 2;
      }
      if (index <= first + span - 1) {
        break;
      }
      prev = p;
      p += opLen;
      first += span;
    }
    if (span == 0 || p >= end) {
      return -1;
    }
    int op = a[p] & 0xff;
    int next = isXZero(op) ? p + 2 : p + 1;
    if (next >= end) {
      next = -1;
    }
    boolean zero = isZero(op);
    boolean xzero = isXZero(op);
    int runLen = zero ? zeroLen(op) : xzero ? xzeroLen(p) : valLen(op);
    boolean updated = false;
    if (!zero && !xzero) {
      if (valValue(op) >= count) {
        return 0;
      }
      if (runLen == 1) {
        a[p] = val(count, 1);
        updated = true;
      }
    } else if (zero && runLen == 1) {
      a[p] = val(count, 1);
      updated = true;
    }
    if (!updated) {
      int n = 0;
      int f = (int) first;
      int last = f + span - 1;
      if (zero || xzero) {
        if (index != f) {
          n += zeros(seq, n, index - f);
        }
        seq[n++] = val(count, 1);
        if (index != last) {
          n += zeros(seq, n, last - index);
        }
      } else {
        int cur = valValue(op);
        if (index != f) {
          seq[n++] = val(cur, index - f);
        }
        seq[n++] = val(count, 1);
        if (index != last) {
          seq[n++] = val(cur, last - index);
        }
      }
      int delta = n - (xzero ? 2 : 1);
      if (delta > 0 && (long) len + delta > maxBytes) {
        return promote(index, count);
      }
      if (delta != 0 && next >= 0) {
        System.arraycopy(a, next, a, next + delta, end - next);
      }
      len += delta;
      System.arraycopy(seq, 0, a, p, n);
      end += delta;
    }
    // merge runs of the same value next to each other, looking at up to five ops from the one before the change
    p = prev >= 0 ? prev : HDR;
    int scan = 5;
    while (p < end && scan-- > 0) {
      int o = a[p] & 0xff;
      if (isXZero(o)) {
        p += 2;
        continue;
      }
      if (isZero(o)) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(a[p + 1] & 0xff)) {
        int o2 = a[p + 1] & 0xff;
        int v = valValue(o);
        if (v == valValue(o2)) {
          int merged = valLen(o) + valLen(o2);
          if (merged <= 4) {
            a[p + 1] = val(v, merged);
            System.arraycopy(a, p + 1, a, p, end - p); // with the zero past the end, as Redis moves its terminator
            len--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    // keep the bytes past the end zero (a rewrite near a corrupt end may write past it)
    Arrays.fill(a, len, Math.min(a.length, Math.max(oldLen, len) + 6), (byte) 0);
    invalidateCache();
    return 1;
  }

  /** Turns dense and raises the register there (the change a sparse edit could not hold). */
  private int promote(int index, int count) {
    if (!toDense()) {
      return -1;
    }
    return denseRaise(a, index, count);
  }

  /**
   * Converts the sparse form to dense (the header, cached cardinality included, is kept); false if corrupt, that is if
   * the runs do not cover exactly the 16384 registers (Redis since its fix for CVE-2025-32023 rejects a run past the
   * last register even when the runs before it end exactly there).
   */
  boolean toDense() {
    if (encoding() == DENSE) {
      return true;
    }
    byte[] d = new byte[DENSE_SIZE];
    System.arraycopy(a, 0, d, 0, HDR);
    d[4] = DENSE;
    boolean valid = forEachRun((first, runLen, value) -> {
      if (value > 0) {
        for (int k = 0; k < runLen; k++) {
          denseSet(d, first + k, value);
        }
      }
    });
    if (!valid) {
      return false;
    }
    a = d;
    len = DENSE_SIZE;
    return true;
  }

  /** Receives the runs of a sparse HLL: {@code runLen} registers from {@code first} at {@code value}. */
  @FunctionalInterface
  private interface RunVisitor {
    void run(int first, int runLen, int value);
  }

  /**
   * Walks the sparse runs in order; false (the walk stopping there) at the first run that would pass the last
   * register, or if the runs end before it.
   */
  private boolean forEachRun(RunVisitor visitor) {
    ensureCapacity(len + 1); // an XZERO cut off at the end reads a zero, as Redis reads its terminator
    long idx = 0;
    int p = HDR;
    while (p < len) {
      int op = a[p] & 0xff;
      int runLen = isZero(op) ? zeroLen(op) : isXZero(op) ? xzeroLen(p) : valLen(op);
      if (runLen + idx > REGISTERS) {
        return false;
      }
      visitor.run((int) idx, runLen, isVal(op) ? valValue(op) : 0);
      idx += runLen;
      p += isXZero(op) ? 2 : 1;
    }
    return idx == REGISTERS;
  }

  // ---- reading all registers

  /**
   * Raises {@code max[i]} to register i of this HLL, for every i (PFMERGE, PFCOUNT of several keys); false if the
   * sparse form is corrupt (as in {@link #toDense}).
   */
  boolean mergeInto(byte[] max) {
    if (encoding() == DENSE) {
      for (int i = 0; i < REGISTERS; i++) {
        int v = denseGet(a, i);
        if (v > max[i]) {
          max[i] = (byte) v;
        }
      }
      return true;
    }
    return forEachRun((first, runLen, value) -> {
      for (int k = first; k < first + runLen; k++) {
        if (value > max[k]) {
          max[k] = (byte) value;
        }
      }
    });
  }

  /** The histogram of register values (64 buckets); null if the sparse form does not cover exactly every register. */
  int[] histogram() {
    int[] h = new int[64];
    if (encoding() == DENSE) {
      for (int i = 0; i < REGISTERS; i++) {
        h[denseGet(a, i)]++;
      }
      return h;
    }
    return forEachRun((first, runLen, value) -> h[value] += runLen) ? h : null;
  }

  /** The histogram of plain byte registers (the merged registers of PFCOUNT over several keys). */
  static int[] histogramOfBytes(byte[] registers) {
    int[] h = new int[64];
    for (int i = 0; i < REGISTERS; i++) {
      h[registers[i] & 63]++;
    }
    return h;
  }

  // ---- the estimate

  /**
   * The cardinality estimate from a register histogram: Ertl's improved estimator ("New cardinality estimation
   * algorithms for HyperLogLog sketches", 2017), rounded half away from zero. Registers above Q + 1 (possible only in a
   * corrupt dense string) count nowhere, as in Redis; an estimate that overflows gives Long.MIN_VALUE, as llroundl
   * does on x86-64.
   */
  static long estimate(int[] h) {
    double m = REGISTERS;
    double z = m * tau((m - h[Q + 1]) / m);
    for (int j = Q; j >= 1; --j) {
      z += h[j];
      z *= 0.5;
    }
    z += m * sigma(h[0] / m);
    double e = ALPHA_INF * m * m / z;
    return roundHalfAway(e);
  }

  /** C's llround for a non-negative double: half away from zero; NaN or out of range gives Long.MIN_VALUE. */
  static long roundHalfAway(double e) {
    if (!(e < 9.223372036854775807E18) || Double.isNaN(e)) {
      return Long.MIN_VALUE;
    }
    long r = (long) e;
    if (e - r >= 0.5) {
      r++;
    }
    return r;
  }

  private static double sigma(double x) {
    if (x == 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    double zPrime;
    double y = 1;
    double z = x;
    do {
      x *= x;
      zPrime = z;
      z += x * y;
      y += y;
    } while (zPrime != z);
    return z;
  }

  private static double tau(double x) {
    if (x == 0.0 || x == 1.0) {
      return 0.0;
    }
    double zPrime;
    double y = 1.0;
    double z = 1 - x;
    do {
      x = Math.sqrt(x);
      zPrime = z;
      y *= 0.5;
      double d = 1 - x;
      z -= d * d * y;
    } while (zPrime != z);
    return z / 3;
  }

  /** The estimate of this HLL, or -1 when its sparse form is corrupt. */
  long count() {
    int[] h = histogram();
    return h == null ? -1 : estimate(h);
  }
}
