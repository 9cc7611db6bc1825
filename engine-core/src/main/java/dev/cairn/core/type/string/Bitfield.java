package dev.cairn.core.type.string;

/**
 * Integers of 1 to 64 bits at any bit offset of a string (BITFIELD), most significant bit first, and the overflow
 * rules of BITFIELD's INCRBY and SET.
 */
final class Bitfield {
  private Bitfield() {}

  /** OVERFLOW WRAP | SAT | FAIL. */
  enum Overflow { WRAP, SAT, FAIL }

  /** The unsigned value of {@code bits} bits at {@code offset}; bytes at or past {@code len} read as zeros. */
  static long getUnsigned(byte[] b, int len, long offset, int bits) {
    long v = 0;
    for (int k = 0; k < bits; k++, offset++) {
      long index = offset >>> 3;
      int bit = index < len ? (b[(int) index] >>> (7 - (int) (offset & 7))) & 1 : 0;
      v = v << 1 | bit;
    }
    return v;
  }

  /** The two's-complement value of {@code bits} bits at {@code offset}. */
  static long getSigned(byte[] b, int len, long offset, int bits) {
    return signExtend(getUnsigned(b, len, offset, bits), bits);
  }

  /** Writes the low {@code bits} bits of {@code value} at {@code offset}; the string must be long enough. */
  static void set(byte[] b, long offset, int bits, long value) {
    for (int k = bits - 1; k >= 0; k--, offset++) {
      int index = (int) (offset >>> 3);
      int mask = 0x80 >>> (int) (offset & 7);
      if ((value >>> k & 1) != 0) {
        b[index] |= (byte) mask;
      } else {
        b[index] &= (byte) ~mask;
      }
    }
  }

  static long signExtend(long v, int bits) {
    return bits == 64 ? v : v << (64 - bits) >> (64 - bits);
  }

  /**
   * The outcome of storing {@code value + increment} in a field of {@code bits} bits: the value to store, or, when it
   * does not fit and {@code overflow} is FAIL, {@code failed} is set. {@code value} must fit the field already.
   */
  static final class Result {
    long stored;
    boolean failed;
  }

  /** Unsigned fields of 1..63 bits: {@code value} in range, any signed increment. */
  static void addUnsigned(long value, long increment, int bits, Overflow overflow, Result out) {
    long max = (1L << bits) - 1;
    out.failed = false;
    boolean over = increment > max - value;
    boolean under = increment < -value;
    if (!over && !under) {
      out.stored = value + increment;
    } else if (overflow == Overflow.WRAP) {
      out.stored = (value + increment) & max; // two's complement keeps the low bits right
    } else if (overflow == Overflow.SAT) {
      out.stored = over ? max : 0;
    } else {
      out.failed = true;
    }
  }

  /** Unsigned fields: SET of any 64-bit value, negatives read as huge unsigned numbers (so SAT gives the maximum). */
  static void setUnsigned(long value, int bits, Overflow overflow, Result out) {
    long max = (1L << bits) - 1;
    out.failed = false;
    if (value >= 0 && value <= max) {
      out.stored = value;
    } else if (overflow == Overflow.WRAP) {
      out.stored = value & max;
    } else if (overflow == Overflow.SAT) {
      out.stored = max;
    } else {
      out.failed = true;
    }
  }

  /**
   * Signed fields of 1..64 bits: {@code value + increment}, where SET passes the new value with increment 0. The
   * headroom {@code max - value} is computed with 64-bit wrap-around, as in Redis: for SET of a value within about
   * {@code max} of Long.MIN_VALUE it wraps negative and the value counts as overflowing upwards (SAT stores the
   * maximum, not the minimum). Clients can see that, so it is kept.
   */
  static void addSigned(long value, long increment, int bits, Overflow overflow, Result out) {
    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    long min = -max - 1;
    long maxIncrement = max - value; // may wrap
    long minIncrement = min - value; // may wrap
    boolean narrow = bits != 64;
    boolean over = value > max || narrow && increment > maxIncrement
        || value >= 0 && increment > 0 && increment > maxIncrement;
    boolean under = !over && (value < min || narrow && increment < minIncrement
        || value < 0 && increment < 0 && increment < minIncrement);
    out.failed = false;
    if (!over && !under) {
      out.stored = value + increment;
    } else if (overflow == Overflow.WRAP) {
      out.stored = signExtend(value + increment, bits);
    } else if (overflow == Overflow.SAT) {
      out.stored = over ? max : min;
    } else {
      out.failed = true;
    }
  }
}
