package dev.cairn.core;

import java.io.ByteArrayOutputStream;

/** Redis's sdscatrepr: a byte string in double quotes with escapes, as MONITOR and CLIENT LIST show arguments. */
public final class Quoting {
  private Quoting() {}

  public static void appendQuoted(ByteArrayOutputStream out, byte[] s) {
    out.write('"');
    for (byte b : s) {
      int c = b & 0xFF;
      switch (c) {
        case '\\' -> write(out, "\\\\");
        case '"' -> write(out, "\\\"");
        case '\n' -> write(out, "\\n");
        case '\r' -> write(out, "\\r");
        case '\t' -> write(out, "\\t");
        case 7 -> write(out, "\\a");
        case '\b' -> write(out, "\\b");
        default -> {
          if (c >= 32 && c < 127) {
            out.write(c);
          } else {
            write(out, String.format("\\x%02x", c));
          }
        }
      }
    }
    out.write('"');
  }

  /** The quoted form as a String. */
  public static String quoted(byte[] s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length + 2);
    appendQuoted(out, s);
    return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
