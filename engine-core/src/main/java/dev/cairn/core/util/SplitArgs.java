package dev.cairn.core.util;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments the way redis-cli, inline commands and redis.conf do: spaces separate; "double quotes"
 * take escapes (\n \r \t \b \a \\ \" \xHH); 'single quotes' take only \'; a closing quote must be followed by a space or
 * the end of the line.
 */
public final class SplitArgs {
  private SplitArgs() {}

  /** The arguments, or null when the quotes are unbalanced. */
  public static List<byte[]> split(byte[] line, int from, int to) {
    List<byte[]> out = new ArrayList<>();
    int p = from;
    while (true) {
      while (p < to && isSpace(line[p])) {
        p++;
      }
      if (p >= to) {
        return out;
      }
      ByteArrayOutputStream cur = new ByteArrayOutputStream();
      boolean inDq = false;
      boolean inSq = false;
      boolean done = false;
      while (!done) {
        if (inDq) {
          if (p >= to) {
            return null;
          }
          byte c = line[p];
          if (c == '\\' && p + 3 < to && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
            cur.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
            p += 3;
          } else if (c == '\\' && p + 1 < to) {
            p++;
            byte e = line[p];
            cur.write(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
          } else if (c == '"') {
            if (p + 1 < to && !isSpace(line[p + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else if (inSq) {
          if (p >= to) {
            return null;
          }
          byte c = line[p];
          if (c == '\\' && p + 1 < to && line[p + 1] == '\'') {
            p++;
            cur.write('\'');
          } else if (c == '\'') {
            if (p + 1 < to && !isSpace(line[p + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else {
          if (p >= to) {
            done = true;
            break;
          }
          byte c = line[p];
          switch (c) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inDq = true;
            case '\'' -> inSq = true;
            default -> cur.write(c);
          }
        }
        if (p < to) {
          p++;
        }
      }
      out.add(cur.toByteArray());
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int hex(byte c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  }
}
