package dev.cairn.core.script.convert;

import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A script's return value written as the client's reply, by Redis's rules: strings are bulk strings, numbers integers
 * (truncated), {@code true} 1 and {@code false} a null (RESP2 script) or booleans (after {@code redis.setresp(3)}), a
 * table with {@code err}/{@code ok} an error/status, with {@code double}, {@code big_number}, {@code verbatim_string},
 * {@code map} or {@code set} the RESP3 type (written in RESP2 form to a RESP2 client), and any other table an array of
 * its elements up to the first nil. Anything else is a null.
 */
public final class LuaToReply {
  /** Nesting at which Redis's Lua stack runs out and the reply gets an error instead. */
  static final int MAX_DEPTH = 1_000;

  private static final LuaString ERR = LuaString.valueOf("err");
  private static final LuaString OK = LuaString.valueOf("ok");
  private static final LuaString DOUBLE = LuaString.valueOf("double");
  private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
  private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
  private static final LuaString FORMAT = LuaString.valueOf("format");
  private static final LuaString STRING = LuaString.valueOf("string");
  private static final LuaString MAP = LuaString.valueOf("map");
  private static final LuaString SET = LuaString.valueOf("set");

  /** Counts the error replies written, for the error statistics (code of each). */
  public interface ErrorSink {
    void error(String code, boolean countStats);
  }

  private LuaToReply() {}

  /** Writes {@code v}; {@code resp} is the script's protocol ({@code redis.setresp}). */
  public static void write(Reply r, LuaValue v, int resp, ErrorSink errors) {
    write(r, v, resp, errors, 0);
  }

  private static void write(Reply r, LuaValue v, int resp, ErrorSink errors, int depth) {
    if (depth > MAX_DEPTH) {
      r.error(RedisException.err("reached lua stack limit"));
      errors.error("ERR", true);
      return;
    }
    switch (v.type()) {
      case LuaValue.TSTRING -> {
        LuaString s = v.checkstring();
        r.bulk(s.m_bytes, s.m_offset, s.m_length);
      }
      case LuaValue.TBOOLEAN -> {
        if (resp == 2) {
          if (v.toboolean()) {
            r.integer(1);
          } else {
            r.nullBulk();
          }
        } else {
          r.bool(v.toboolean());
        }
      }
      case LuaValue.TNUMBER -> r.integer((long) v.todouble());
      case LuaValue.TTABLE -> table(r, (LuaTable) v, resp, errors, depth);
      default -> r.nullBulk();
    }
  }

  private static void table(Reply r, LuaTable t, int resp, ErrorSink errors, int depth) {
    LuaValue err = t.rawget(ERR);
    if (err.type() == LuaValue.TSTRING) {
      String line = err.tojstring();
      boolean counted = t.rawget("ignore_error_stats_update").toboolean();
      RedisException e = RedisException.line(line.startsWith("-") ? line.substring(1) : line);
      r.error(e);
      errors.error(e.code(), !counted);
      return;
    }
    LuaValue ok = t.rawget(OK);
    if (ok.type() == LuaValue.TSTRING) {
      r.simple(oneLine(ok.tojstring()));
      return;
    }
    LuaValue d = t.rawget(DOUBLE);
    if (d.type() == LuaValue.TNUMBER) {
      r.doubleValue(d.todouble());
      return;
    }
    LuaValue big = t.rawget(BIG_NUMBER);
    if (big.type() == LuaValue.TSTRING) {
      r.bigNumber(oneLine(big.tojstring()));
      return;
    }
    LuaValue verb = t.rawget(VERBATIM);
    if (verb.istable()) {
      LuaValue f = verb.rawget(FORMAT);
      LuaValue s = verb.rawget(STRING);
      if (f.type() == LuaValue.TSTRING && s.type() == LuaValue.TSTRING) {
        r.verbatim(f.tojstring(), s.tojstring());
        return;
      }
    }
    LuaValue map = t.rawget(MAP);
    if (map.istable()) {
      long mark = r.beginDeferred();
      int pairs = 0;
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = map.next(k);
        if ((k = n.arg1()).isnil()) {
          break;
        }
        write(r, k, resp, errors, depth + 1);
        write(r, n.arg(2), resp, errors, depth + 1);
        pairs++;
      }
      r.endDeferredMap(mark, pairs);
      return;
    }
    LuaValue set = t.rawget(SET);
    if (set.istable()) {
      long mark = r.beginDeferred();
      int n = 0;
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs nx = set.next(k);
        if ((k = nx.arg1()).isnil()) {
          break;
        }
        write(r, k, resp, errors, depth + 1);
        n++;
      }
      r.endDeferredSet(mark, n);
      return;
    }
    int len = 0;
    while (!t.rawget(len + 1).isnil()) {
      len++;
    }
    r.array(len);
    for (int i = 1; i <= len; i++) {
      write(r, t.rawget(i), resp, errors, depth + 1);
    }
  }

  private static String oneLine(String s) {
    return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
  }
}
