package dev.cairn.core.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Redis's INCRBYFLOAT/HINCRBYFLOAT arithmetic, which is C {@code long double} (x87 80-bit: a 64-bit mantissa) printed
 * with {@code %.17Lf} and trailing zeros removed. Values are exact {@link BigDecimal}s of binary numbers with at most
 * 64 significant bits, rounded half-even after parsing and after each addition as the FPU does, so that results print
 * digit for digit as Redis's do (e.g. 10.5 + 0.1 gives "10.6", where a Java double would give "10.599999999999999").
 */
public final class LongDouble {
  private LongDouble() {}

  /** Parsed "inf"/"-inf" (strtold accepts them; the arithmetic then reports the infinity). */
  public static final BigDecimal POSITIVE_INFINITY = new BigDecimal("1E+999999");
  public static final BigDecimal NEGATIVE_INFINITY = new BigDecimal("-1E+999999");

  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final int MAX_CHARS = 5 * 1024;
  private static final int MAX_BINARY_EXPONENT = 16383;
  private static final BigInteger FIVE = BigInteger.valueOf(5);

  /**
   * Parses as Redis's string2ld: null when not a number, when there are leading spaces or trailing garbage, NaN, or a
   * value out of the long double range; "inf" gives one of the infinity constants.
   */
  public static BigDecimal parse(byte[] b) {
    if (b.length == 0 || b.length >= MAX_CHARS) {
      return null;
    }
    String s = new String(b, StandardCharsets.ISO_8859_1);
    String body = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
    if (body.equalsIgnoreCase("inf") || body.equalsIgnoreCase("infinity")) {
      return s.startsWith("-") ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
    }
    if (!DECIMAL.matcher(s).matches()) {
      return null;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
    if (d.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long log10 = (long) d.precision() - d.scale() - 1;
    if (log10 > 4933 || log10 < -4950) {
      return null; // ERANGE: overflow to HUGE_VAL or underflow to zero
    }
    return round(d);
  }

  public static boolean isInfinite(BigDecimal d) {
    return d == POSITIVE_INFINITY || d == NEGATIVE_INFINITY;
  }

  /** {@code a + b} rounded to long double; an infinity when it overflows or an operand is infinite. */
  public static BigDecimal add(BigDecimal a, BigDecimal b) {
    if (isInfinite(a) || isInfinite(b)) {
      return isInfinite(a) ? a : b;
    }
    BigDecimal r = round(a.add(b));
    return r;
  }

  /** Rounds an exact decimal to the nearest value with a 64-bit binary mantissa (half even), or an infinity. */
  static BigDecimal round(BigDecimal x) {
    if (x.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal a = x.abs();
    // estimate floor(log2 a), then fix it so that a * 2^k has exactly 64 integer bits
    double log2 = (a.unscaledValue().bitLength() - 1) - a.scale() * 3.321928094887362;
    int k = 63 - (int) Math.floor(log2);
    BigInteger ip;
    while (true) {
      ip = scale(a, k).toBigInteger();
      if (ip.bitLength() > 64) {
        k--;
      } else if (ip.bitLength() < 64) {
        k++;
      } else {
        break;
      }
    }
    if (63 - k > MAX_BINARY_EXPONENT) {
      return x.signum() > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }
    BigInteger m = scale(a, k).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
    if (m.bitLength() > 64 && 64 - k > MAX_BINARY_EXPONENT) {
      return x.signum() > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }
    BigDecimal r = scale(new BigDecimal(m), -k);
    return x.signum() < 0 ? r.negate() : r;
  }

  /** {@code a * 2^k}, exactly. */
  private static BigDecimal scale(BigDecimal a, int k) {
    if (k >= 0) {
      return a.multiply(new BigDecimal(BigInteger.TWO.pow(k)));
    }
    return a.multiply(new BigDecimal(FIVE.pow(-k), -k)); // 2^-n = 5^n / 10^n
  }

  /** {@code %.17Lf} with trailing zeros (and a trailing dot) removed, "-0" as "0": Redis's LD_STR_HUMAN. */
  public static String format(BigDecimal d) {
    String s = d.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
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
