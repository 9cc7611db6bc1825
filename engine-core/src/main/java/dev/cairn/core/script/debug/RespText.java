package dev.cairn.core.script.debug;

import dev.cairn.core.Quoting;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** A reply in RESP as the Lua debugger logs it ({@code <reply> "+OK"}, {@code ["a","b"]}), Redis's readable form. */
final class RespText {
  private RespText() {}

  /** The reply in {@code buf}'s readable bytes, which are left unread. */
  static String of(ByteBuf buf) {
    StringBuilder sb = new StringBuilder();
    int[] at = {buf.readerIndex()};
    value(buf, at, sb);
    return sb.toString();
  }

  private static void value(ByteBuf b, int[] at, StringBuilder sb) {
    if (at[0] >= b.writerIndex()) {
      return;
    }
    byte type = b.getByte(at[0]);
    int lineEnd = b.indexOf(at[0], b.writerIndex(), (byte) '\r');
    if (lineEnd < 0) {
      return;
    }
    String line = b.toString(at[0] + 1, lineEnd - at[0] - 1, StandardCharsets.ISO_8859_1);
    int next = lineEnd + 2;
    switch (type) {
      case ':' -> sb.append(line);
      case '$' -> {
        long len = Long.parseLong(line);
        if (len == -1) {
          sb.append("NULL");
        } else {
          byte[] bytes = new byte[(int) len];
          b.getBytes(next, bytes);
          sb.append(Quoting.quoted(bytes));
          next += (int) len + 2;
        }
      }
      case '+', '-' -> {
        byte[] bytes = new byte[lineEnd - at[0]];
        b.getBytes(at[0], bytes);
        sb.append(Quoting.quoted(bytes));
      }
      case '*', '~', '%' -> {
        long n = Long.parseLong(line);
        at[0] = next;
        if (type == '*' && n == -1) {
          sb.append("NULL");
          return;
        }
        sb.append(type == '*' ? "[" : type == '~' ? "~(" : "{");
        for (long j = 0; j < n; j++) {
          value(b, at, sb);
          if (type == '%') {
            sb.append(" => ");
            value(b, at, sb);
          }
          if (j != n - 1) {
            sb.append(',');
          }
        }
        sb.append(type == '*' ? "]" : type == '~' ? ")" : "}");
        return;
      }
      case '_' -> sb.append("(null)");
      case '#' -> sb.append(line.startsWith("t") ? "#true" : "#false");
      case ',' -> sb.append("(double) ").append(line);
      default -> { }
    }
    at[0] = next;
  }
}
