package dev.cairn.core.script.lib;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cjson} library (lua-cjson 2.1, which Redis bundles). Encoding follows lua-cjson's rules byte for byte:
 * numbers in {@code %.14g}, {@code /} escaped, tables with only positive integer keys as arrays (holes as null, too
 * sparse arrays refused), empty tables as objects. Decoding uses Jackson's streaming parser; JSON null decodes to
 * {@code cjson.null}.
 */
public final class CjsonLib {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).build())
      .build();

  /** {@code cjson.null}: a light userdata in lua-cjson, a unique userdata here. */
  public static final LuaValue NULL = LuaValue.userdataOf(new Object() {
    @Override
    public String toString() {
      return "null";
    }
  });

  private int encodeMaxDepth = 1000;
  private int decodeMaxDepth = 1000;
  private boolean encodeInvalidNumbers;
  private boolean decodeInvalidNumbers = true;
  private boolean sparseConvert;
  private int sparseRatio = 2;
  private int sparseSafe = 10;
  private int precision = 14;

  interface Body {
    Varargs invoke(Varargs a);
  }

  static LuaValue fn(Body b) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs a) {
        return b.invoke(a);
      }
    };
  }

  public LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("encode", fn(a -> {
      if (a.narg() != 1) {
        throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      encode(out, a.arg1(), 0);
      return LuaString.valueUsing(out.toByteArray());
    }));
    t.rawset("decode", fn(a -> {
      if (a.narg() != 1) {
        throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)");
      }
      return decode(a.checkstring(1));
    }));
    t.rawset("encode_max_depth", fn(a -> {
      if (!a.isnoneornil(1)) {
        encodeMaxDepth = a.checkint(1);
      }
      return LuaValue.valueOf(encodeMaxDepth);
    }));
    t.rawset("decode_max_depth", fn(a -> {
      if (!a.isnoneornil(1)) {
        decodeMaxDepth = a.checkint(1);
      }
      return LuaValue.valueOf(decodeMaxDepth);
    }));
    t.rawset("encode_invalid_numbers", fn(a -> {
      if (!a.isnoneornil(1)) {
        encodeInvalidNumbers = a.arg1().toboolean();
      }
      return LuaValue.valueOf(encodeInvalidNumbers);
    }));
    t.rawset("decode_invalid_numbers", fn(a -> {
      if (!a.isnoneornil(1)) {
        decodeInvalidNumbers = a.arg1().toboolean();
      }
      return LuaValue.valueOf(decodeInvalidNumbers);
    }));
    t.rawset("encode_sparse_array", fn(a -> {
      if (!a.isnoneornil(1)) {
        sparseConvert = a.arg1().toboolean();
      }
      if (!a.isnoneornil(2)) {
        sparseRatio = a.checkint(2);
      }
      if (!a.isnoneornil(3)) {
        sparseSafe = a.checkint(3);
      }
      return LuaValue.varargsOf(new LuaValue[] {LuaValue.valueOf(sparseConvert), LuaValue.valueOf(sparseRatio),
          LuaValue.valueOf(sparseSafe)});
    }));
    t.rawset("encode_number_precision", fn(a -> {
      if (!a.isnoneornil(1)) {
        int p = a.checkint(1);
        if (p < 1 || p > 14) {
          throw new LuaError("bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)");
        }
        precision = p;
      }
      return LuaValue.valueOf(precision);
    }));
    t.rawset("encode_keep_buffer", fn(a -> LuaValue.TRUE));
    t.rawset("null", NULL);
    t.rawset("_NAME", LuaValue.valueOf("cjson"));
    t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
    return t;
  }

  private void encode(ByteArrayOutputStream out, LuaValue v, int depth) {
    switch (v.type()) {
      case LuaValue.TNIL -> out.writeBytes(bytes("null"));
      case LuaValue.TBOOLEAN -> out.writeBytes(bytes(v.toboolean() ? "true" : "false"));
      case LuaValue.TNUMBER -> number(out, v.todouble());
      case LuaValue.TSTRING -> string(out, v.checkstring());
      case LuaValue.TTABLE -> table(out, (LuaTable) v, depth + 1);
      default -> {
        if (v == NULL) {
          out.writeBytes(bytes("null"));
        } else {
          throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
      }
    }
  }

  private void number(ByteArrayOutputStream out, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      if (!encodeInvalidNumbers) {
        throw new LuaError("Cannot serialise number: must not be NaN or Inf");
      }
      out.writeBytes(bytes(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf"));
      return;
    }
    out.writeBytes(bytes(LuaFormat.g(d, precision, false, false)));
  }

  private static void string(ByteArrayOutputStream out, LuaString s) {
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      int c = s.luaByte(i);
      switch (c) {
        case '"' -> out.writeBytes(bytes("\\\""));
        case '\\' -> out.writeBytes(bytes("\\\\"));
        case '/' -> out.writeBytes(bytes("\\/"));
        case '\b' -> out.writeBytes(bytes("\\b"));
        case '\f' -> out.writeBytes(bytes("\\f"));
        case '\n' -> out.writeBytes(bytes("\\n"));
        case '\r' -> out.writeBytes(bytes("\\r"));
        case '\t' -> out.writeBytes(bytes("\\t"));
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.writeBytes(bytes(String.format("\\u%04x", c)));
          } else {
            out.write(c);
          }
        }
      }
    }
    out.write('"');
  }

  private void table(ByteArrayOutputStream out, LuaTable t, int depth) {
    if (depth > encodeMaxDepth) {
      throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
    }
    int len = arrayLength(t);
    if (len > 0) {
      out.write('[');
      for (int i = 1; i <= len; i++) {
        if (i > 1) {
          out.write(',');
        }
        encode(out, t.rawget(i), depth);
      }
      out.write(']');
      return;
    }
    out.write('{');
    boolean first = true;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      if (!first) {
        out.write(',');
      }
      first = false;
      if (k.type() == LuaValue.TSTRING) {
        string(out, k.checkstring());
      } else if (k.type() == LuaValue.TNUMBER) {
        out.write('"');
        number(out, k.todouble());
        out.write('"');
      } else {
        throw new LuaError("Cannot serialise table: table key must be a number or string");
      }
      out.write(':');
      encode(out, n.arg(2), depth);
    }
    out.write('}');
  }

  /** The array length lua-cjson sees: -1 (an object) unless every key is a positive integer; 0 for empty. */
  private int arrayLength(LuaTable t) {
    double max = 0;
    int items = 0;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      if (k.type() != LuaValue.TNUMBER) {
        return -1;
      }
      double d = k.todouble();
      if (d < 1 || d != Math.floor(d)) {
        return -1;
      }
      max = Math.max(max, d);
      items++;
    }
    if (sparseRatio > 0 && max > items * (double) sparseRatio && max > sparseSafe) {
      if (!sparseConvert) {
        throw new LuaError("Cannot serialise table: excessively sparse array");
      }
      return -1;
    }
    return (int) max;
  }

  private LuaValue decode(LuaString s) {
    try (JsonParser p = JSON.createParser(s.m_bytes, s.m_offset, s.m_length)) {
      JsonToken tok = p.nextToken();
      if (tok == null) {
        throw new LuaError("Expected value but found T_END at character 1");
      }
      LuaValue v = value(p, tok, 0);
      if (p.nextToken() != null) {
        throw new LuaError("Expected the end but found invalid token at character "
            + (p.currentLocation().getByteOffset() + 1));
      }
      return v;
    } catch (IOException e) {
      String m = e.getMessage();
      int nl = m == null ? -1 : m.indexOf('\n');
      throw new LuaError("Expected value but found invalid token: " + (nl < 0 ? m : m.substring(0, nl)));
    }
  }

  private LuaValue value(JsonParser p, JsonToken tok, int depth) throws IOException {
    switch (tok) {
      case START_OBJECT: {
        if (depth + 1 > decodeMaxDepth) {
          throw new LuaError("Found too many nested data structures (" + (depth + 1) + ") at character "
              + p.currentLocation().getByteOffset());
        }
        LuaTable t = new LuaTable();
        JsonToken k;
        while ((k = p.nextToken()) != JsonToken.END_OBJECT) {
          String name = p.currentName();
          LuaValue v = value(p, p.nextToken(), depth + 1);
          t.rawset(LuaString.valueOf(name.getBytes(StandardCharsets.UTF_8)), v);
        }
        return t;
      }
      case START_ARRAY: {
        if (depth + 1 > decodeMaxDepth) {
          throw new LuaError("Found too many nested data structures (" + (depth + 1) + ") at character "
              + p.currentLocation().getByteOffset());
        }
        LuaTable t = new LuaTable();
        int i = 1;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          t.rawset(i++, value(p, e, depth + 1));
        }
        return t;
      }
      case VALUE_STRING:
        return LuaString.valueUsing(p.getText().getBytes(StandardCharsets.UTF_8));
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return LuaValue.valueOf(p.getValueAsDouble());
      case VALUE_TRUE:
        return LuaValue.TRUE;
      case VALUE_FALSE:
        return LuaValue.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new LuaError("Expected value but found invalid token at character "
            + (p.currentLocation().getByteOffset() + 1));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
