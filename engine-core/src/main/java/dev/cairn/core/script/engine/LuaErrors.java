package dev.cairn.core.script.engine;

import java.lang.reflect.Field;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Lua errors as Redis reports them. LuaJ words runtime errors its own way ({@code @user_script:1 attempt to call nil});
 * these are rewritten into Lua 5.1's ({@code user_script:1: attempt to call a nil value}), and a script's failure
 * becomes Redis's error reply: {@code ERR <message> script: <sha or function>, on @user_script:<line>.}
 */
public final class LuaErrors {
  private LuaErrors() {}

  private static final Field FILELINE;

  static {
    Field f = null;
    try {
      f = LuaError.class.getDeclaredField("fileline");
      f.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      f = null;
    }
    FILELINE = f;
  }

  private static final Pattern POSITION = Pattern.compile("^@?([A-Za-z_]+):(\\d+) ");
  private static final Pattern TYPED = Pattern.compile(
      "attempt to (call|index|get length of|concatenate) (\\?|nil|boolean|number|string|table|function|userdata|thread)"
          + "( \\(a \\w+ value\\))?");
  private static final Pattern ARITH = Pattern.compile(
      "attempt to perform arithmetic (?:\\S+ )?on (\\w+)(?: and (\\w+))?");

  /** Where the error was raised, {@code @user_script:3}, or null. */
  public static String fileline(LuaError e) {
    try {
      return FILELINE == null ? null : (String) FILELINE.get(e);
    } catch (IllegalAccessException ex) {
      return null;
    }
  }

  /** The error's value as a script sees it (pcall's second result): a table stays a table, a text is worded as 5.1. */
  public static LuaValue value(LuaError e) {
    LuaValue obj = e.getMessageObject();
    if (obj == null) {
      return LuaValue.valueOf("unknown error");
    }
    if (obj.isstring() && obj.type() == LuaValue.TSTRING) {
      return LuaValue.valueOf(text(obj.tojstring()));
    }
    return obj;
  }

  /** A LuaJ error text in Lua 5.1's words. */
  public static String text(String m) {
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    Matcher p = POSITION.matcher(m);
    if (p.find()) {
      m = p.group(1) + ":" + p.group(2) + ": " + m.substring(p.end());
    }
    Matcher t = TYPED.matcher(m);
    if (t.find()) {
      String type = t.group(2).equals("?") ? "nil" : t.group(2);
      if (t.group(3) != null) {
        type = t.group(3).substring(4, t.group(3).length() - 7);
      }
      m = m.substring(0, t.start()) + "attempt to " + t.group(1) + " a " + type + " value" + m.substring(t.end());
    }
    Matcher a = ARITH.matcher(m);
    if (a.find()) {
      String bad = a.group(1).equals("number") && a.group(2) != null ? a.group(2) : a.group(1);
      m = m.substring(0, a.start()) + "attempt to perform arithmetic on a " + bad + " value" + m.substring(a.end());
    }
    return m;
  }

  /** The error reply for a script that failed with {@code e}: {@code ERR ... script: name, on @source:line.} */
  public static Failure failure(LuaError e, String funcName) {
    LuaValue v = value(e);
    String msg;
    boolean statsCounted = false;
    if (v.istable()) {
      LuaValue err = v.rawget("err");
      msg = err.isstring() ? err.tojstring() : "ERR unknown error";
      statsCounted = v.rawget("ignore_error_stats_update").toboolean();
    } else {
      msg = "ERR " + v.tojstring();
    }
    String where = fileline(e);
    if (where != null) {
      Matcher p = Pattern.compile("^@?([A-Za-z_]+):(\\d+)$").matcher(where);
      if (p.find()) {
        msg = msg + " script: " + funcName + ", on @" + p.group(1) + ":" + p.group(2) + ".";
      }
    }
    return new Failure(msg, statsCounted);
  }

  /** A script's error reply, and whether the error was already counted in the error stats (by the command). */
  public record Failure(String line, boolean statsCounted) { }

  /** Redis's error table {@code {err="CODE message"}} from an error line ({@code -CODE message} or plain text). */
  public static LuaTable errorTable(String line) {
    String code = "ERR";
    String msg = line;
    if (line.startsWith("-")) {
      int sp = line.indexOf(' ');
      if (sp < 0) {
        msg = line.substring(1);
      } else {
        code = line.substring(1, sp);
        msg = line.substring(sp + 1);
      }
    }
    msg = msg.strip();
    LuaTable t = new LuaTable();
    t.rawset("err", LuaString.valueOf(code + " " + msg));
    return t;
  }
}
