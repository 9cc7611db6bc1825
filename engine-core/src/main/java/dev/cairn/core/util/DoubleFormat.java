package dev.cairn.core.util;

import java.math.BigDecimal;

/**
 * Formats doubles as Redis 7.2 does. {@link #format} is its d2string (replies): integers within long range print as
 * integers, "inf", "-inf", "-0", "nan", anything else as {@link #shortest}. {@link #shortest} is its fpconv_dtoa (also
 * what DEBUG DIGEST hashes scores as): the shortest digits that read back to the same double, in plain notation when
 * the exponent is small ({@code 0.0001}, {@code 123456789012345680}) and as {@code 1.5e+20} / {@code 1e-7} otherwise.
 */
public final class DoubleFormat {
  private DoubleFormat() {}

  public static String format(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1.0 / d < 0 ? "-0" : "0";
    }
    // an exact integer in long range prints as one
    if (d >= -9.2e18 && d <= 9.2e18 && d == Math.rint(d)) {
      return Long.toString((long) d);
    }
    return shortest(d);
  }

  /** Redis's fpconv_dtoa: "nan", "inf", "-inf", "0", "-0", else the shortest round-tripping digits. */
  public static String shortest(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    StringBuilder sb = new StringBuilder(24);
    boolean neg = (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
    if (neg) {
      sb.append('-');
      d = -d;
    }
    if (Double.isInfinite(d)) {
      return sb.append("inf").toString();
    }
    if (d == 0) {
      return sb.append('0').toString();
    }
    // Double.toString yields the shortest round-tripping digits (JDK 19+)
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int nd = digits.length();
    int k = -bd.scale(); // value = digits * 10^k
    int exp = Math.abs(k + nd - 1);
    if (k >= 0 && exp < nd + 7) {
      return sb.append(digits).append("0".repeat(k)).toString();
    }
    if (k < 0 && (k > -7 || exp < 4)) {
      int offset = nd + k;
      if (offset <= 0) {
        sb.append("0.").append("0".repeat(-offset)).append(digits);
      } else {
        sb.append(digits, 0, offset).append('.').append(digits, offset, nd);
      }
      return sb.toString();
    }
    int shown = Math.min(nd, 18 - (neg ? 1 : 0));
    sb.append(digits.charAt(0));
    if (shown > 1) {
      sb.append('.').append(digits, 1, shown);
    }
    return sb.append('e').append(k + nd - 1 < 0 ? '-' : '+').append(exp).toString(); // no padding: "1e-7"
  }
}
