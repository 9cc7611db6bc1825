package dev.cairn.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.cairn.api.reply.RedisException;
import java.io.IOException;

/**
 * Parses JSON text into the module's model with Jackson's streaming parser (no intermediate tree), enforcing
 * RedisJSON's nesting limit. Errors are worded as RedisJSON's parser words them ({@code expected value at line 1
 * column 1}, {@code EOF while parsing an object ...}, {@code trailing characters ...}), the position from Jackson's.
 */
final class JsonReader {
  // One factory for the module: its symbol table canonicalizes member names across documents, so repeated names
  // share one String. Jackson's own limits are raised past Redis's (the argument size bounds a document).
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
          .maxDocumentLength(-1).build())
      .build();

  private JsonReader() {}

  /** Parses a whole document, or throws RedisJSON's error for the first problem. */
  static Object parse(byte[] text) {
    return parse(text, true);
  }

  /** As {@link #parse(byte[])}; {@code limitDepth} false for data loaded from disk (RedisJSON loads any depth). */
  static Object parse(byte[] text, boolean limitDepth) {
    return run(text, (p, t) -> read(p, t, 0, limitDepth, text));
  }

  /**
   * A whole document as it is stored: packed ({@link Tape}) unless the text passes {@link Tape#PACK_LIMIT}, then a
   * tree. Errors as {@link #parse(byte[])}.
   */
  static Object parseDoc(byte[] text, boolean limitDepth) {
    if (text.length > Tape.PACK_LIMIT) {
      return parse(text, limitDepth);
    }
    try {
      Packer packer = new Packer(limitDepth);
      run(text, (p, t) -> {
        packer.value(p, t, 0);
        return null;
      });
      return packer.out.toArray();
    } catch (Packer.Duplicate e) {
      return Tape.encode(parse(text, limitDepth)); // a repeated member name: the tree keeps the last value
    }
  }

  private interface Body {
    Object read(JsonParser p, JsonToken first) throws IOException;
  }

  private static Object run(byte[] text, Body body) {
    JsonSupport.checkUtf8(text); // RedisJSON reads every value as a Rust str first
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw error("EOF while parsing a value", 1, text.length == 0 ? 0 : column(p, text));
      }
      Object v = body.read(p, t);
      try {
        if (p.nextToken() != null) {
          JsonLocation at = p.currentTokenLocation();
          throw error("trailing characters", at.getLineNr(), at.getColumnNr());
        }
      } catch (StreamReadException e) {
        JsonLocation at = e.getLocation();
        throw error("trailing characters", at.getLineNr(), Math.max(1, at.getColumnNr() - 1));
      }
      return v;
    } catch (RedisException e) {
      throw e;
    } catch (StreamReadException e) {
      throw translate(e, text);
    } catch (IOException e) {
      throw RedisException.line(e.getMessage());
    }
  }

  /** Writes parser tokens straight into a packed document, checking as {@link #read} does. */
  private static final class Packer {
    /** A member name repeated in one object: the caller falls back to the tree, which keeps the last value. */
    static final class Duplicate extends RuntimeException {
      Duplicate() {
        super(null, null, false, false);
      }
    }

    private static final Duplicate DUPLICATE = new Duplicate();
    final Tape.TapeOut out = new Tape.TapeOut(256);
    private final boolean limitDepth;
    private String[] names = new String[16];
    private int nameTop;

    Packer(boolean limitDepth) {
      this.limitDepth = limitDepth;
    }

    void value(JsonParser p, JsonToken t, int depth) throws IOException {
      switch (t) {
        case START_OBJECT -> {
          checkDepth(p, depth, limitDepth);
          int at = out.begin(Tape.OBJECT);
          int base = nameTop;
          int count = 0;
          JsonToken n;
          while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            for (int i = base; i < nameTop; i++) {
              if (names[i] == name || names[i].equals(name)) {
                throw DUPLICATE;
              }
            }
            if (nameTop == names.length) {
              names = java.util.Arrays.copyOf(names, nameTop * 2);
            }
            names[nameTop++] = name;
            out.utf8(name);
            value(p, p.nextToken(), depth + 1);
            count++;
          }
          if (n == null) {
            throw error("EOF while parsing an object", p);
          }
          java.util.Arrays.fill(names, base, nameTop, null);
          nameTop = base;
          out.end(at, count);
        }
        case START_ARRAY -> {
          checkDepth(p, depth, limitDepth);
          int at = out.begin(Tape.ARRAY);
          int count = 0;
          JsonToken n;
          while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == null) {
              throw error("EOF while parsing a list", p);
            }
            value(p, n, depth + 1);
            count++;
          }
          out.end(at, count);
        }
        case VALUE_STRING -> {
          out.tag(Tape.STRING);
          out.utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        case VALUE_NUMBER_INT -> {
          if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
            out.number(Tape.LONG, p.getLongValue());
          } else {
            out.number(Tape.DOUBLE, Double.doubleToRawLongBits(p.getDoubleValue()));
          }
        }
        case VALUE_NUMBER_FLOAT -> {
          double d = p.getDoubleValue();
          if (Double.isInfinite(d)) {
            throw error("number out of range", p);
          }
          out.number(Tape.DOUBLE, Double.doubleToRawLongBits(d));
        }
        case VALUE_TRUE -> out.tag(Tape.TRUE);
        case VALUE_FALSE -> out.tag(Tape.FALSE);
        case VALUE_NULL -> out.tag(Tape.NULL);
        default -> throw error("expected value", p);
      }
    }
  }

  private static Object read(JsonParser p, JsonToken t, int depth, boolean limitDepth, byte[] text)
      throws IOException {
    switch (t) {
      case START_OBJECT -> {
        checkDepth(p, depth, limitDepth);
        JObject o = new JObject();
        JsonToken n;
        while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.put(name, read(p, p.nextToken(), depth + 1, limitDepth, text));
        }
        if (n == null) {
          throw error("EOF while parsing an object", p);
        }
        o.trim();
        return o;
      }
      case START_ARRAY -> {
        checkDepth(p, depth, limitDepth);
        JArray a = new JArray();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          if (n == null) {
            throw error("EOF while parsing a list", p);
          }
          a.add(read(p, n, depth + 1, limitDepth, text));
        }
        a.trim();
        return a;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        return p.getDoubleValue(); // past 64 bits: a double, as RedisJSON does past u64
      }
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
          throw error("number out of range", p);
        }
        return d;
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return Json.NULL;
      }
      default -> throw error("expected value", p);
    }
  }

  private static void checkDepth(JsonParser p, int depth, boolean limitDepth) {
    if (limitDepth && depth >= Json.MAX_DEPTH) {
      JsonLocation at = p.currentTokenLocation();
      throw error("recursion limit exceeded", at.getLineNr(), at.getColumnNr());
    }
  }

  private static RedisException error(String what, JsonParser p) {
    JsonLocation at = p.currentLocation();
    return error(what, at.getLineNr(), Math.max(0, at.getColumnNr() - 1));
  }

  private static int column(JsonParser p, byte[] text) {
    return Math.max(0, p.currentLocation().getColumnNr() - 1);
  }

  static RedisException error(String what, int line, int column) {
    return RedisException.line(what + " at line " + line + " column " + column);
  }

  /** Jackson's message to the words RedisJSON's parser uses for the same mistake. */
  private static RedisException translate(StreamReadException e, byte[] text) {
    String m = e.getOriginalMessage();
    JsonLocation at = e.getLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    String what;
    if (e instanceof InputCoercionException || m.startsWith("Numeric value")) {
      what = "number out of range";
    } else if (m.startsWith("Unexpected end-of-input")) {
      if (m.contains("Array")) {
        what = "EOF while parsing a list";
      } else if (m.contains("Object")) {
        what = "EOF while parsing an object";
      } else if (m.contains("String") || m.contains("string")) {
        what = "EOF while parsing a string";
      } else {
        what = "EOF while parsing a value";
      }
      col = Math.max(0, col - 1);
    } else if (m.startsWith("Unrecognized token")) {
      int q = m.indexOf('\'');
      char c = q >= 0 && q + 1 < m.length() ? m.charAt(q + 1) : ' ';
      what = c == 't' || c == 'f' || c == 'n' ? "expected ident" : "expected value";
      col = Math.max(1, col - 1);
    } else if (m.contains("was expecting comma to separate Array entries")) {
      what = "expected `,` or `]`";
    } else if (m.contains("was expecting comma to separate Object entries")) {
      what = "expected `,` or `}`";
    } else if (m.contains("was expecting double-quote to start field name")) {
      what = m.startsWith("Unexpected character ('}'") ? "trailing comma" : "key must be a string";
    } else if (m.contains("was expecting a colon")) {
      what = "expected `:`";
    } else if (m.startsWith("Illegal unquoted character")) {
      what = "control character (\\u0000-\\u001F) found while parsing a string";
    } else if (m.startsWith("Unrecognized character escape")) {
      what = "invalid escape";
    } else if (m.contains("Invalid numeric value") || m.contains("Leading zeroes")
        || m.contains("Invalid JSON Number") || m.contains("Non-standard token")) {
      what = "invalid number";
    } else if (m.startsWith("Unexpected character ('" + "]") || m.startsWith("Unexpected character ('}")) {
      what = "trailing comma";
    } else if (m.startsWith("Invalid UTF-8")) {
      what = "invalid unicode code point";
    } else {
      what = "expected value";
    }
    return error(what, line, col);
  }
}
