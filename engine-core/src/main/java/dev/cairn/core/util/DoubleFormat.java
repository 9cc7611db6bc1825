package dev.cairn.core.util;

import java.math.BigDecimal;

/**
 * Formats doubles as Redis replies them (its d2string): integers within long range print as integers, "inf", "-inf",
 * "-0", "nan", otherwise the shortest digits that read back to the same double, in plain notation when the exponent is
 * small and as {@code 1.5e+20} / {@code 1e-07} otherwise.
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
    boolean neg = d < 0;
    // Double.toString yields the shortest round-tripping digits (JDK 19+)
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int nd = digits.length();
    int k = -bd.scale(); // value = digits * 10^k
    int exp = Math.abs(k + nd - 1);
    StringBuilder sb = new StringBuilder(32);
    if (neg) {
      sb.append('-');
    }
    if (k >= 0 && exp < nd + 7) {
      sb.append(digits);
      sb.append("0".repeat(k));
      return sb.toString();
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
    sb.append('e').append(k + nd - 1 < 0 ? '-' : '+');
    if (exp < 10) {
      sb.append('0');
    }
    sb.append(exp);
    return sb.toString();
  }
}
