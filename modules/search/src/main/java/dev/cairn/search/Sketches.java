package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The estimators RediSearch's reducers use, so that an answer is RediSearch's and not just near it:
 * COUNT_DISTINCTISH's HyperLogLog (256 one-byte registers, values hashed with 64-bit FNV-1a seeded 0x5f61767a and
 * folded to 32 bits) and QUANTILE's targeted-quantile stream (Cormode, Korn, Muthukrishnan and Srivastava's biased
 * quantiles with epsilon 0.01 for the one quantile asked, values buffered 500 at a time unless the resolution says
 * otherwise). Over fewer values than the buffer holds, QUANTILE q is the sorted values' element ceil(q * n) - 1 (and
 * QUANTILE 0, whose error bound is 0/0 in RediSearch's arithmetic, the largest).
 */
final class Sketches {
  private Sketches() {
  }

  /** RediSearch's HyperLogLog with 2^8 registers. */
  static final class Hll {
    private static final int BITS = 8;
    private final byte[] registers = new byte[1 << BITS];

    /** Adds a value as RediSearch hashes it: strings by their bytes, numbers by their double's 8 bytes. */
    void add(Object value) {
      long h = hash(value, 0x5f61767aL);
      addHash((int) h ^ (int) (h >>> 32));
    }

    private static long hash(Object v, long h) {
      if (v instanceof List<?> l) {
        for (Object o : l) {
          h = hash(o, h);
        }
        return h;
      }
      if (v instanceof Double d) {
        long bits = Double.doubleToRawLongBits(d);
        for (int i = 0; i < 8; i++) { // the double's bytes in memory order (little-endian)
          h = fnv(h, (int) (bits >>> (8 * i)) & 0xff);
        }
        return h;
      }
      for (byte b : AggValues.str(v).getBytes(StandardCharsets.UTF_8)) {
        h = fnv(h, b & 0xff);
      }
      return h;
    }

    private static long fnv(long h, int b) {
      return (h ^ b) * 0x100000001b3L;
    }

    void addHash(int hash) {
      int index = hash >>> (32 - BITS);
      int rank = 1; // one more than the trailing zeros of the low bits, at most 32 - BITS + 1
      int x = hash;
      while (rank <= 32 - BITS && (x & 1) == 0) {
        x >>>= 1;
        rank++;
      }
      if (rank > registers[index]) {
        registers[index] = (byte) rank;
      }
    }

    /** The estimate, truncated to an integer as RediSearch replies it. */
    long count() {
      int m = registers.length;
      double alphaMm = 0.7213 / (1.0 + 1.079 / m) * m * m;
      double sum = 0;
      int zeros = 0;
      for (byte r : registers) {
        sum += 1.0 / (1L << r);
        zeros += r == 0 ? 1 : 0;
      }
      double estimate = alphaMm / sum;
      if (estimate <= 2.5 * m) {
        if (zeros != 0) {
          estimate = m * Math.log((double) m / zeros); // linear counting for small sets
        }
      } else if (estimate > 4294967296.0 / 30.0) {
        estimate = -4294967296.0 * Math.log(1.0 - estimate / 4294967296.0);
      }
      return (long) estimate;
    }
  }

  /** RediSearch's quantile stream for one quantile: exact while the samples are uncompressed, as RediSearch's. */
  static final class QuantileStream {
    private static final double EPSILON = 0.01;
    private final double q;
    private final double[] buffer;
    private int buffered;
    /** The samples in value order: value, width (ranks it stands for) and delta, in parallel arrays. */
    private double[] v = new double[16];
    private float[] g = new float[16];
    private float[] d = new float[16];
    private int size;
    private long n;

    /** The stream of quantile {@code q} that buffers {@code resolution} values (RediSearch's default: 500). */
    QuantileStream(double q, int resolution) {
      this.q = q;
      this.buffer = new double[resolution];
    }

    /** The allowed rank error at rank r of n (RediSearch's float arithmetic, NaN comparisons included). */
    private double maxVal(double r) {
      double m = Double.MAX_VALUE;
      double f = q * n <= r ? (2 * EPSILON * r) / q : (2 * EPSILON * (n - r)) / (1.0 - q);
      if (f < m) {
        m = f;
      }
      return m;
    }

    void insert(double x) {
      buffer[buffered++] = x;
      if (buffered == buffer.length) {
        flush();
        compress();
      }
    }

    private void flush() {
      Arrays.sort(buffer, 0, buffered);
      double[] nv = new double[size + buffered];
      float[] ng = new float[nv.length];
      float[] nd = new float[nv.length];
      int out = 0;
      int pos = 0;
      double r = 0;
      for (int i = 0; i < buffered; i++) {
        double x = buffer[i];
        while (pos < size && !(v[pos] > x)) { // samples up to x stay ahead of it
          r += g[pos];
          nv[out] = v[pos];
          ng[out] = g[pos];
          nd[out++] = d[pos++];
        }
        nv[out] = x;
        ng[out] = 1;
        nd[out++] = pos < size ? (float) (Math.floor(maxVal(r)) - 1) : 0;
        n++;
      }
      while (pos < size) {
        nv[out] = v[pos];
        ng[out] = g[pos];
        nd[out++] = d[pos++];
      }
      v = nv;
      g = ng;
      d = nd;
      size = out;
      buffered = 0;
    }

    private void compress() {
      if (size < 2) {
        return;
      }
      boolean[] gone = new boolean[size];
      double r = n - 1 - g[size - 1];
      int parent = size - 1;
      for (int cur = size - 2; cur >= 0; cur--) {
        float gCur = g[cur];
        if (g[cur] + g[parent] + d[parent] <= maxVal(r)) {
          g[parent] += gCur; // merged into the sample after it
          gone[cur] = true;
        } else {
          parent = cur;
        }
        r -= gCur;
      }
      int out = 0;
      for (int i = 0; i < size; i++) {
        if (!gone[i]) {
          v[out] = v[i];
          g[out] = g[i];
          d[out++] = d[i];
        }
      }
      size = out;
    }

    /** The quantile, NaN when no value came. */
    double query() {
      if (buffered > 0) {
        flush();
      }
      if (size == 0) {
        return Double.NaN;
      }
      double t = Math.ceil(q * n);
      t += Math.floor(maxVal(t) / 2.0);
      int prev = 0;
      double r = 0;
      for (int cur = 1; cur < size; cur++) {
        r += g[prev]; // the ranks up to and including the previous sample
        if (r + g[cur] + d[cur] > t) {
          break;
        }
        prev = cur;
      }
      return v[prev];
    }
  }
}
