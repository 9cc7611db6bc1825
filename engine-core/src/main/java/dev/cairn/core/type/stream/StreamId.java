package dev.cairn.core.type.stream;

import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID: two unsigned 64-bit numbers, milliseconds and sequence, ordered as one 128-bit number. Held in
 * Java longs compared unsigned. Used where an ID is a value of its own (PEL keys, parsed arguments); the entries
 * themselves keep their IDs delta-encoded in the node listpacks.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
  public static final StreamId MIN = new StreamId(0, 0);
  public static final StreamId MAX = new StreamId(-1L, -1L);

  static final RedisException INVALID = Errors.err("Invalid stream ID specified as stream command argument");

  @Override
  public int compareTo(StreamId o) {
    return compare(ms, seq, o.ms, o.seq);
  }

  /** Compares two IDs given as parts, unsigned. */
  public static int compare(long ms1, long seq1, long ms2, long seq2) {
    int c = Long.compareUnsigned(ms1, ms2);
    return c != 0 ? c : Long.compareUnsigned(seq1, seq2);
  }

  public boolean isZero() {
    return ms == 0 && seq == 0;
  }

  /** The next ID, or null when this is the largest one. */
  public StreamId next() {
    if (seq != -1L) {
      return new StreamId(ms, seq + 1);
    }
    return ms == -1L ? null : new StreamId(ms + 1, 0);
  }

  /** The previous ID, or null when this is 0-0. */
  public StreamId prev() {
    if (seq != 0) {
      return new StreamId(ms, seq - 1);
    }
    return ms == 0 ? null : new StreamId(ms - 1, -1L);
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
  }

  public byte[] toBytes() {
    return toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes the ID as a bulk string. */
  public void reply(Reply r) {
    reply(r, ms, seq);
  }

  /** Scratch for formatting IDs into replies without a String per ID (two 20-digit numbers and a dash). */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[41]);

  /** Writes an ID given as parts as a bulk string. */
  static void reply(Reply r, long ms, long seq) {
    byte[] b = SCRATCH.get();
    int end = b.length;
    int p = digits(b, end, seq);
    b[--p] = '-';
    p = digits(b, p, ms);
    r.bulk(b, p, end - p);
  }

  /** Writes {@code v} (unsigned) in decimal so that it ends just before {@code end}; returns where it starts. */
  private static int digits(byte[] b, int end, long v) {
    int p = end;
    if (v < 0) {
      // above 2^63: one unsigned division brings it into signed range
      long q = Long.divideUnsigned(v, 10);
      b[--p] = (byte) ('0' + (v - q * 10));
      v = q;
    }
    do {
      b[--p] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    return p;
  }

  /** The 16-byte big-endian form Redis uses as node and PEL keys (and in RDB). */
  public byte[] encode() {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (ms >>> (56 - 8 * i));
      b[8 + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return b;
  }

  /** Reads the 16-byte big-endian form. */
  public static StreamId decode(byte[] b, int off) {
    long m = 0;
    long s = 0;
    for (int i = 0; i < 8; i++) {
      m = (m << 8) | (b[off + i] & 0xFF);
      s = (s << 8) | (b[off + 8 + i] & 0xFF);
    }
    return new StreamId(m, s);
  }

  /** What a parsed ID argument was: its value and whether the sequence part was given ({@code ms-*} leaves it out). */
  record Parsed(StreamId id, boolean seqGiven) { }

  /**
   * Parses {@code ms-seq} or {@code ms} (the sequence then {@code missingSeq}); {@code -} and {@code +} are the
   * smallest and largest IDs unless {@code strict}; {@code ms-*} is accepted only when {@code allowAutoSeq}. Returns
   * null when the argument is not an ID.
   */
  static Parsed parse(byte[] b, long missingSeq, boolean strict, boolean allowAutoSeq) {
    int n = b.length;
    if (n == 0 || n > 127) {
      return null;
    }
    if (n == 1 && (b[0] == '-' || b[0] == '+')) {
      if (strict) {
        return null;
      }
      return new Parsed(b[0] == '-' ? MIN : MAX, true);
    }
    int dash = -1;
    for (int i = 0; i < n; i++) {
      if (b[i] == '-') {
        dash = i;
        break;
      }
    }
    long[] out = new long[1];
    if (!parseUnsigned(b, 0, dash < 0 ? n : dash, out)) {
      return null;
    }
    long ms = out[0];
    if (dash < 0) {
      return new Parsed(new StreamId(ms, missingSeq), true);
    }
    if (allowAutoSeq && n - dash - 1 == 1 && b[dash + 1] == '*') {
      return new Parsed(new StreamId(ms, 0), false);
    }
    if (!parseUnsigned(b, dash + 1, n, out)) {
      return null;
    }
    return new Parsed(new StreamId(ms, out[0]), true);
  }

  /** Parses an ID argument or throws Redis's invalid-ID error. */
  static StreamId parseOrThrow(byte[] b, long missingSeq, boolean strict) {
    Parsed p = parse(b, missingSeq, strict, false);
    if (p == null) {
      throw INVALID;
    }
    return p.id;
  }

  /** A strict ID ({@code -} and {@code +} refused), the sequence 0 when left out. */
  static StreamId strict(byte[] b) {
    return parseOrThrow(b, 0, true);
  }

  /**
   * Parses an unsigned 64-bit decimal into {@code out[0]} as Redis's string2ull does: a canonical signed long that is
   * not negative, else what C's strtoull takes whole (leading blanks, a sign, leading zeros; a minus wraps around).
   */
  static boolean parseUnsigned(byte[] b, int from, int to, long[] out) {
    int len = to - from;
    if (len <= 0) {
      return false;
    }
    long signed = dev.cairn.api.command.Args.parseLongOrMin(b, from, len);
    if (signed != Long.MIN_VALUE) {
      out[0] = signed;
      return signed >= 0;
    }
    int p = from;
    while (p < to && (b[p] == ' ' || (b[p] >= '\t' && b[p] <= '\r'))) {
      p++;
    }
    boolean negative = false;
    if (p < to && (b[p] == '+' || b[p] == '-')) {
      negative = b[p] == '-';
      p++;
    }
    if (p == to) {
      return false;
    }
    long v = 0;
    for (; p < to; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
        return false; // v * 10 + d would pass 2^64 - 1: ERANGE
      }
      v = v * 10 + d;
    }
    out[0] = negative ? -v : v;
    return true;
  }
}
