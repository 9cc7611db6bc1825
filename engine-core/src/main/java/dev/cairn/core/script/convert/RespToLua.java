package dev.cairn.core.script.convert;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A command's reply, as the script's client received it in RESP, turned into Lua values by Redis's rules: integers
 * become numbers, bulk strings strings, a null bulk or null array {@code false}, arrays tables, status replies
 * {@code {ok=...}} and errors {@code {err=...}}; with RESP3, maps {@code {map={...}}}, sets {@code {set={...}}}, doubles
 * {@code {double=n}}, big numbers {@code {big_number="..."}}, verbatim strings {@code {verbatim_string={format=,
 * string=}}}, booleans, and null as nil. Attributes are skipped.
 */
public final class RespToLua {
  private static final LuaString OK = LuaString.valueOf("ok");
  private static final LuaString ERR = LuaString.valueOf("err");
  private static final LuaString MAP = LuaString.valueOf("map");
  private static final LuaString SET = LuaString.valueOf("set");
  private static final LuaString DOUBLE = LuaString.valueOf("double");
  private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
  private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
  private static final LuaString FORMAT = LuaString.valueOf("format");
  private static final LuaString STRING = LuaString.valueOf("string");

  private RespToLua() {}

  /** Reads one reply from {@code in}. */
  public static LuaValue read(ByteBuf in) {
    byte type = in.readByte();
    switch (type) {
      case '+': {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(OK, line(in));
        return t;
      }
      case '-': {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(ERR, line(in));
        return t;
      }
      case ':':
        return LuaValue.valueOf((double) number(in));
      case '$': {
        long len = number(in);
        if (len < 0) {
          return LuaValue.FALSE;
        }
        byte[] b = new byte[(int) len];
        in.readBytes(b);
        in.skipBytes(2);
        return LuaString.valueUsing(b);
      }
      case '*': {
        long n = number(in);
        if (n < 0) {
          return LuaValue.FALSE;
        }
        LuaTable t = new LuaTable((int) n, 0);
        for (int i = 1; i <= n; i++) {
          t.rawset(i, read(in));
        }
        return t;
      }
      case '%': {
        long n = number(in);
        LuaTable m = new LuaTable(0, (int) n);
        for (long i = 0; i < n; i++) {
          LuaValue k = read(in);
          LuaValue v = read(in);
          m.rawset(k, v);
        }
        LuaTable t = new LuaTable(0, 1);
        t.rawset(MAP, m);
        return t;
      }
      case '~': {
        long n = number(in);
        LuaTable s = new LuaTable(0, (int) n);
        for (long i = 0; i < n; i++) {
          s.rawset(read(in), LuaValue.TRUE);
        }
        LuaTable t = new LuaTable(0, 1);
        t.rawset(SET, s);
        return t;
      }
      case ',': {
        String d = line(in).tojstring();
        double v = switch (d) {
          case "inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          case "nan" -> Double.NaN;
          default -> Double.parseDouble(d);
        };
        LuaTable t = new LuaTable(0, 1);
        t.rawset(DOUBLE, LuaValue.valueOf(v));
        return t;
      }
      case '(': {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(BIG_NUMBER, line(in));
        return t;
      }
      case '=': {
        long len = number(in);
        byte[] b = new byte[(int) len];
        in.readBytes(b);
        in.skipBytes(2);
        LuaTable v = new LuaTable(0, 2);
        v.rawset(FORMAT, LuaString.valueOf(b, 0, Math.min(3, b.length)));
        v.rawset(STRING, b.length > 4 ? LuaString.valueOf(b, 4, b.length - 4) : LuaString.valueOf(""));
        LuaTable t = new LuaTable(0, 1);
        t.rawset(VERBATIM, v);
        return t;
      }
      case '#': {
        boolean b = in.readByte() == 't';
        in.skipBytes(2);
        return LuaValue.valueOf(b);
      }
      case '_':
        in.skipBytes(2);
        return LuaValue.NIL;
      case '|': {
        long n = number(in);
        for (long i = 0; i < 2 * n; i++) {
          read(in);
        }
        return read(in);
      }
      default:
        throw new IllegalStateException("unexpected reply type '" + (char) type + "'");
    }
  }

  private static LuaString line(ByteBuf in) {
    int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
    byte[] b = new byte[end - in.readerIndex()];
    in.readBytes(b);
    in.skipBytes(2);
    return LuaString.valueUsing(b);
  }

  private static long number(ByteBuf in) {
    long v = 0;
    boolean neg = false;
    byte c = in.readByte();
    if (c == '-') {
      neg = true;
      c = in.readByte();
    }
    while (c != '\r') {
      v = v * 10 + (c - '0');
      c = in.readByte();
    }
    in.skipBytes(1);
    return neg ? -v : v;
  }

  static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
