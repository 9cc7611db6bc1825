package dev.cairn.core.config;

import java.util.Locale;

/** Redis's memory notation: a number with an optional unit (b, k, kb, m, mb, g, gb; 1k = 1000, 1kb = 1024). */
public final class MemoryUnits {
  private MemoryUnits() {}

  /** The number of bytes, or Long.MIN_VALUE when the text is not a memory value. */
  public static long parse(String text) {
    String s = text.toLowerCase(Locale.ROOT).trim();
    long mul = 1;
    String num = s;
    String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
        {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        mul = Long.parseLong(u[1]);
        num = s.substring(0, s.length() - u[0].length());
        break;
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(num), mul);
    } catch (NumberFormatException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }
}
