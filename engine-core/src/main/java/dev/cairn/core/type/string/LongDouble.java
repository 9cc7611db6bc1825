package dev.cairn.core.type.string;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The arithmetic INCRBYFLOAT does in C's {@code long double} on x86-64: the 80-bit extended format, a 64-bit
 * significand and a 15-bit exponent. Values are held exactly as {@link BigDecimal}s that are always representable in
 * that format; parsing and addition round to nearest, ties to even, as {@code strtold} and the FPU do, and formatting
 * is {@code printf("%.17Lf")} with the trailing zeros trimmed, as Redis writes the result. Doing the sum in double
 * would give {@code 0.30000000000000004} for 0.1 + 0.2 where Redis answers {@code 0.3}.
 */
public final class LongDouble {
  private LongDouble() {}

  /** Stands for infinity (either sign): larger than any finite long double (about 1.19e4932). */
  public static final BigDecimal INFINITY = BigDecimal.ONE.scaleByPowerOfTen(5000);
  /** What the digit parsers return for a non-zero value too small for the format. */
  private static final BigDecimal UNDERFLOW = new BigDecimal(BigInteger.ZERO, 1);
  /** Redis refuses longer strings (MAX_LONG_DOUBLE_CHARS). */
  private static final int MAX_CHARS = 5 * 1024;
  private static final int SIGNIFICAND_BITS = 64;
  /** The exponent of the smallest subnormal, 2^-16445. */
  private static final int MIN_EXP = -16445;
  /** Values of 2^16384 and more overflow. */
  private static final int MAX_BITS = 16384;

  /** True for {@link #INFINITY} of either sign. */
  public static boolean isInfinite(BigDecimal v) {
    return v.abs().compareTo(INFINITY) >= 0;
  }

  /**
   * Parses as Redis's string2ld: strtold's syntax (decimal or hex, optional sign, "inf"/"infinity"), the whole string,
   * no leading space, not NaN, and not out of range (overflow, or underflow to zero). Returns null when rejected, a
   * signed {@link #INFINITY} for infinities.
   */
  public static BigDecimal parse(byte[] s, int len) {
    if (len == 0 || len >= MAX_CHARS) {
      return null;
    }
    int p = 0;
    boolean neg = false;
    if (s[0] == '+' || s[0] == '-') {
      neg = s[0] == '-';
      p++;
    }
    String rest = new String(s, p, len - p, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (rest.equalsIgnoreCase("inf") || rest.equalsIgnoreCase("infinity")) {
      return neg ? INFINITY.negate() : INFINITY;
    }
    BigDecimal exact = rest.length() > 2 && rest.charAt(0) == '0' && (rest.charAt(1) == 'x' || rest.charAt(1) == 'X')
        ? parseHex(rest.substring(2)) : parseDecimal(rest);
    if (exact == null || exact == UNDERFLOW || isInfinite(exact)) {
      return null; // ERANGE: strtold's overflow or underflow to zero
    }
    if (exact.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal v = round(exact);
    if (isInfinite(v) || v.signum() == 0) {
      return null; // ERANGE: strtold's overflow or underflow to zero
    }
    return neg ? v.negate() : v;
  }

  /** digits [. digits] [e [sign] digits], at least one digit; the exact value, or null. */
  private static BigDecimal parseDecimal(String t) {
    int n = t.length();
    int i = 0;
    int digits = 0;
    while (i < n && isDigit(t.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return null;
    }
    int mantissaEnd = i;
    long exp = 0;
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      boolean eneg = false;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        eneg = t.charAt(i) == '-';
        i++;
      }
      if (i == n) {
        return null;
      }
      while (i < n && isDigit(t.charAt(i))) {
        exp = Math.min(exp * 10 + (t.charAt(i) - '0'), 1_000_000_000L); // saturates: far out of range anyway
        i++;
      }
      exp = eneg ? -exp : exp;
    }
    if (i != n) {
      return null;
    }
    BigDecimal m = new BigDecimal(t.substring(0, mantissaEnd).equals(".") ? "0" : fixDot(t.substring(0, mantissaEnd)));
    if (m.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long magnitude = m.precision() - (long) m.scale() + exp; // the value is below 10^magnitude
    if (magnitude > 4940) {
      return INFINITY;
    }
    if (magnitude < -4960) {
      return UNDERFLOW;
    }
    return m.scaleByPowerOfTen((int) exp);
  }

  /** BigDecimal wants a digit on both sides of the dot. */
  private static String fixDot(String m) {
    if (m.startsWith(".")) {
      m = "0" + m;
    }
    if (m.endsWith(".")) {
      m = m + "0";
    }
    return m;
  }

  /** hexdigits [. hexdigits] [p [sign] digits] after "0x"; the exact value, or null. */
  private static BigDecimal parseHex(String t) {
    int n = t.length();
    int i = 0;
    BigInteger mant = BigInteger.ZERO;
    int digits = 0;
    long binExp = 0;
    boolean dot = false;
    for (; i < n; i++) {
      char ch = t.charAt(i);
      int d = Character.digit(ch, 16);
      if (d >= 0) {
        mant = mant.shiftLeft(4).or(BigInteger.valueOf(d));
        digits++;
        if (dot) {
          binExp -= 4;
        }
      } else if (ch == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return null;
    }
    if (i < n && (t.charAt(i) == 'p' || t.charAt(i) == 'P')) {
      i++;
      boolean eneg = false;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        eneg = t.charAt(i) == '-';
        i++;
      }
      if (i == n) {
        return null;
      }
      long e = 0;
      while (i < n && isDigit(t.charAt(i))) {
        e = Math.min(e * 10 + (t.charAt(i) - '0'), 1_000_000_000L);
        i++;
      }
      binExp += eneg ? -e : e;
    }
    if (i != n) {
      return null;
    }
    if (mant.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long top = mant.bitLength() + binExp;
    if (top > MAX_BITS + 1) {
      return INFINITY;
    }
    if (top < MIN_EXP - 2) {
      return UNDERFLOW;
    }
    return exactPowerOfTwo(mant, (int) binExp);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The sum, rounded to the format; {@link #INFINITY} (signed) on overflow. */
  public static BigDecimal add(BigDecimal x, BigDecimal y) {
    BigDecimal exact = x.add(y);
    if (exact.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal r = round(exact.abs());
    if (isInfinite(r)) {
      return exact.signum() < 0 ? INFINITY.negate() : INFINITY;
    }
    return exact.signum() < 0 ? r.negate() : r;
  }

  /**
   * Rounds a positive exact value to the nearest long double (ties to even): {@link #INFINITY} if it overflows, zero
   * if it is below half the smallest subnormal.
   */
  static BigDecimal round(BigDecimal x) {
    BigInteger num;
    BigInteger den;
    if (x.scale() <= 0) {
      num = x.unscaledValue().multiply(BigInteger.TEN.pow(-x.scale()));
      den = BigInteger.ONE;
    } else {
      num = x.unscaledValue();
      den = BigInteger.TEN.pow(x.scale());
    }
    // pick e so that num / den / 2^e has exactly 64 integer bits
    int e = num.bitLength() - den.bitLength() - SIGNIFICAND_BITS;
    BigInteger[] qr;
    while (true) {
      e = Math.max(e, MIN_EXP); // below it, subnormals: fewer significant bits
      qr = divide(num, den, e);
      int bits = qr[0].bitLength();
      if (bits > SIGNIFICAND_BITS) {
        e++;
      } else if (bits < SIGNIFICAND_BITS && e > MIN_EXP) {
        e--;
      } else {
        break;
      }
    }
    BigInteger q = qr[0];
    // round half to even on the remainder
    BigInteger rem2 = qr[1].shiftLeft(1);
    BigInteger d = qr[2];
    int cmp = rem2.compareTo(d);
    if (cmp > 0 || cmp == 0 && q.testBit(0)) {
      q = q.add(BigInteger.ONE);
    }
    if (q.signum() == 0) {
      return BigDecimal.ZERO;
    }
    if (q.bitLength() + (long) e > MAX_BITS) {
      return INFINITY;
    }
    return exactPowerOfTwo(q, e);
  }

  /** {quotient, remainder, divisor} of num / (den * 2^e), scaling whichever side keeps integers. */
  private static BigInteger[] divide(BigInteger num, BigInteger den, int e) {
    BigInteger n = e < 0 ? num.shiftLeft(-e) : num;
    BigInteger d = e > 0 ? den.shiftLeft(e) : den;
    BigInteger[] qr = n.divideAndRemainder(d);
    return new BigInteger[] {qr[0], qr[1], d};
  }

  /** m * 2^e exactly. */
  private static BigDecimal exactPowerOfTwo(BigInteger m, int e) {
    if (e >= 0) {
      return new BigDecimal(m.shiftLeft(e));
    }
    // m / 2^k = m * 5^k / 10^k
    return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
  }

  /** printf("%.17Lf") with trailing zeros (and a bare dot) trimmed, and "-0" written "0", as Redis does. */
  public static String format(BigDecimal v) {
    String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    s = s.substring(0, end);
    return s.equals("-0") ? "0" : s;
  }
}
