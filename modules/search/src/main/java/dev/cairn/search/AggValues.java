package dev.cairn.search;

import java.util.List;
import java.util.Locale;

/** The values of aggregation rows (Double, String, List, null) and RediSearch's rules for them. */
final class AggValues {
  private AggValues() {
  }

  /** A string as a number when all of it parses (RediSearch's strtod of the whole string); else null. */
  static Double parseNumber(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    String t = s.strip();
    switch (t.toLowerCase(Locale.ROOT)) {
      case "inf", "+inf", "infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> { }
    }
    char c = t.isEmpty() ? 'x' : t.charAt(t.length() - 1);
    if (!(Character.isDigit(c) || c == '.')) {
      return null; // Java would accept "1d", "1f"
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Double toNumber(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof String s) {
      return parseNumber(s);
    }
    return null;
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Double d) {
      return d != 0;
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    return !((String) v).isEmpty();
  }

  /** RediSearch's RSValue_Cmp: numbers as numbers, a number and a numeric string as numbers, else as strings. */
  static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == b ? 0 : a == null ? -1 : 1;
    }
    if (a instanceof Double || b instanceof Double) {
      Double x = toNumber(a);
      Double y = toNumber(b);
      if (x != null && y != null) {
        return Double.compare(x, y);
      }
    }
    return str(a).compareTo(str(b));
  }

  static boolean equal(Object a, Object b) {
    return compare(a, b) == 0;
  }

  /** A value as text: numbers as RediSearch prints them ({@code %.12g}). */
  static String str(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return format(d);
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder();
      for (Object o : l) {
        if (!sb.isEmpty()) {
          sb.append(',');
        }
        sb.append(str(o));
      }
      return sb.toString();
    }
    return (String) v;
  }

  /** C's {@code %.12g}, as RediSearch formats numbers in replies. */
  static String format(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e12) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.12g", d);
    int e = s.indexOf('e');
    String mant = e < 0 ? s : s.substring(0, e);
    if (mant.contains(".")) {
      mant = mant.replaceAll("0+$", "");
      if (mant.endsWith(".")) {
        mant = mant.substring(0, mant.length() - 1);
      }
    }
    return e < 0 ? mant : mant + s.substring(e);
  }
}
