package dev.cairn.search;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;

/**
 * FORMAT STRING|EXPAND of FT.SEARCH and FT.AGGREGATE (RediSearch 2.8+): with EXPAND, a JSON index's values reach a
 * RESP3 client as RESP3 values (maps, arrays, integers, doubles, booleans, nulls) rather than JSON text, and are read
 * as dialect 3 reads them (every value an array of the path's matches). The values are the JSON module's text,
 * parsed here as they are written.
 */
final class ExpandFormat {
  private ExpandFormat() {
  }

  /**
   * Parses FORMAT's argument at {@code i + 1} (FORMAT at {@code i}): true for EXPAND, false for STRING, with
   * RediSearch's errors for a missing or unknown format.
   */
  static boolean parse(Args a, int i) {
    if (i + 1 >= a.size()) {
      throw RedisException.line("Need an argument for FORMAT");
    }
    String f = a.string(i + 1);
    if (f.equalsIgnoreCase("EXPAND")) {
      return true;
    }
    if (f.equalsIgnoreCase("STRING")) {
      return false;
    }
    throw RedisException.line("FORMAT " + f + " is not supported");
  }

  /** The error RediSearch gives for DIALECT below 3 after FORMAT EXPAND, or null. */
  static String dialectError(boolean expand, long dialect) {
    return expand && dialect < 3 ? "EXPAND format requires dialect 3 or greater" : null;
  }

  /** RediSearch's checks once the request is parsed: EXPAND needs RESP3 and a JSON index. */
  static void check(boolean expand, Reply out, SearchIndex idx) {
    if (!expand) {
      return;
    }
    if (out.protocol() < 3) {
      throw RedisException.line("EXPAND format is only supported with RESP3");
    }
    if (!idx.def.onJson) {
      throw RedisException.line("EXPAND format is only supported with JSON");
    }
  }

  /** Writes JSON text as RESP3 values; text that is not JSON goes out as a bulk string. */
  static void write(Reply out, String json) {
    Parser p = new Parser(json);
    try {
      p.skip();
      Node n = p.value();
      p.skip();
      if (p.i != json.length()) {
        throw new IllegalArgumentException();
      }
      n.write(out);
    } catch (RuntimeException e) {
      out.bulk(json);
    }
  }

  /** A parsed JSON value, written once the whole text parsed (so a bad text never half-writes a reply). */
  private interface Node {
    void write(Reply out);
  }

  private static final class Parser {
    final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    void expect(char c) {
      skip();
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("expected " + c);
      }
      i++;
    }

    Node value() {
      skip();
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          java.util.List<String> keys = new java.util.ArrayList<>();
          java.util.List<Node> vals = new java.util.ArrayList<>();
          skip();
          if (s.charAt(i) == '}') {
            i++;
          } else {
            while (true) {
              skip();
              keys.add(string());
              expect(':');
              vals.add(value());
              skip();
              if (s.charAt(i++) == '}') {
                break;
              }
              if (s.charAt(i - 1) != ',') {
                throw new IllegalArgumentException();
              }
            }
          }
          return out -> {
            out.map(keys.size());
            for (int k = 0; k < keys.size(); k++) {
              out.bulk(keys.get(k));
              vals.get(k).write(out);
            }
          };
        }
        case '[' -> {
          i++;
          java.util.List<Node> vals = new java.util.ArrayList<>();
          skip();
          if (s.charAt(i) == ']') {
            i++;
          } else {
            while (true) {
              vals.add(value());
              skip();
              if (s.charAt(i++) == ']') {
                break;
              }
              if (s.charAt(i - 1) != ',') {
                throw new IllegalArgumentException();
              }
            }
          }
          return out -> {
            out.array(vals.size());
            vals.forEach(v -> v.write(out));
          };
        }
        case '"' -> {
          String str = string();
          return out -> out.bulk(str);
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return out -> out.bool(true);
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return out -> out.bool(false);
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return Reply::nullBulk;
          }
          int from = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String num = s.substring(from, i);
          if (num.isEmpty()) {
            throw new IllegalArgumentException();
          }
          boolean integral = num.indexOf('.') < 0 && num.indexOf('e') < 0 && num.indexOf('E') < 0;
          if (integral) {
            try {
              long l = Long.parseLong(num);
              return out -> out.integer(l);
            } catch (NumberFormatException e) {
              // past a long: a double
            }
          }
          double d = Double.parseDouble(num);
          return out -> out.doubleValue(d);
        }
      }
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }
  }
}
