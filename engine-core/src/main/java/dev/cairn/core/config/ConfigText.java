package dev.cairn.core.config;

/** How configuration values are written back to a file (CONFIG REWRITE): quoted only when they must be. */
public final class ConfigText {
  private ConfigText() {}

  /** {@code value} as is when it is one plain word, else double-quoted with escapes that the config reader undoes. */
  public static String quoteIfNeeded(String value) {
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c > ' ' && c < 127 && c != '"' && c != '\'' && c != '\\';
    }
    return plain ? value : quote(value);
  }

  /** A double-quoted form with {@code \\n}, {@code \\"}, {@code \\xHH} escapes. */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < ' ' || c == 127) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
