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

  private static final Field FILELINE = field("fileline");
  /** error()'s level: LuaJ keeps it but prefixes the position whatever it is, where Lua 5.1 leaves it out for 0. */
  private static final Field LEVEL = field("level");

  private static Field field(String name) {
    try {
      Field f = LuaError.class.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static final Pattern POSITION = Pattern.compile("^@?([A-Za-z_]+):(\\d+) ");
  private static final Pattern TYPED = Pattern.compile(
      "attempt to (call|index|get length of|concatenate) (\\?|nil|boolean|number|string|table|function|userdata|thread)"
          + "( \\(a \\w+ value\\))?");
  private static final Pattern CONCAT = Pattern.compile("attempt to concatenate (?:a )?(\\w+)(?: value)? and (\\w+)");
  private static final Pattern COMPARE = Pattern.compile(
      "attempt to compare (?:__l[te] on )?(\\w+) (?:and|with) (\\w+)");
  private static final Pattern INDEX = Pattern.compile("^(.*?)index expected, got (\\w+)");
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

  /**
   * Gives {@code e} the position {@code site} ({@code user_script:3}) when it has none, as LuaJ does for an error raised
   * inside a closure: for one raised by a function the script tail-called ({@link ScriptHook#tailCallSite}).
   */
  public static void locate(LuaError e, String site) {
    if (site != null && FILELINE != null && fileline(e) == null) {
      try {
        FILELINE.set(e, site);
      } catch (IllegalAccessException ex) {
        // the position is left out of the reply, as before
      }
    }
  }

  private static int level(LuaError e) {
    try {
      return LEVEL == null ? 1 : LEVEL.getInt(e);
    } catch (IllegalAccessException ex) {
      return 1;
    }
  }

  /** The error's value as a script sees it (pcall's second result): a table stays a table, a text is worded as 5.1. */
  public static LuaValue value(LuaError e) {
    LuaValue obj = e.getMessageObject();
    if (obj == null) {
      return LuaValue.valueOf("unknown error");
    }
    if (obj.isstring() && obj.type() == LuaValue.TSTRING) {
      String m = obj.tojstring();
      String where = fileline(e);
      if (where != null && m.startsWith(where + " ") && level(e) == 0) {
        m = m.substring(where.length() + 1); // error(msg, 0): the message alone
      }
      return LuaValue.valueOf(text(m));
    }
    return obj;
  }

  /** A LuaJ error text in Lua 5.1's words. */
  public static String text(String m) {
    // LuaJ appends the error hook's line (ScriptHook.traceback): empty, or the variable at fault
    String culprit = null;
    int mark = m.lastIndexOf("\n" + Culprit.MARK);
    if (mark >= 0) {
      culprit = m.substring(mark + 1 + Culprit.MARK.length());
      m = m.substring(0, mark);
    } else if (m.endsWith("\n")) {
      m = m.substring(0, m.length() - 1);
    }
    Matcher p = POSITION.matcher(m);
    if (p.find()) {
      m = p.group(1) + ":" + p.group(2) + ": " + m.substring(p.end());
    }
    Matcher c = CONCAT.matcher(m);
    if (c.find()) {
      // Lua 5.1 blames the left operand unless it is a string or number
      String bad = c.group(1).equals("string") || c.group(1).equals("number") ? c.group(2) : c.group(1);
      return m.substring(0, c.start()) + "attempt to concatenate " + operand(bad, culprit) + m.substring(c.end());
    }
    Matcher cmp = COMPARE.matcher(m);
    if (cmp.find()) {
      String t1 = cmp.group(1);
      String t2 = cmp.group(2);
      if (culprit != null && culprit.startsWith(Culprit.COMPARE)) {
        String[] types = culprit.substring(Culprit.COMPARE.length()).split(" ");
        t1 = types[0];
        t2 = types[1];
      }
      return m.substring(0, cmp.start()) + "attempt to compare "
          + (t1.equals(t2) ? "two " + t1 + " values" : t1 + " with " + t2) + m.substring(cmp.end());
    }
    Matcher ix = INDEX.matcher(m);
    if (ix.find()) {
      // LuaJ's words for indexing a value that is not a table ("table index expected" for a nil key)
      String what = ix.group(1).endsWith("table ") ? null : ix.group(2);
      return what == null ? m.substring(0, ix.start(1)) + ix.group(1) + "index is nil" + m.substring(ix.end())
          : m.substring(0, ix.start(1)) + ix.group(1) + "attempt to index " + operand(what, culprit)
              + m.substring(ix.end());
    }
    Matcher t = TYPED.matcher(m);
    if (t.find()) {
      String type = t.group(2).equals("?") ? "nil" : t.group(2);
      if (t.group(3) != null) {
        type = t.group(3).substring(4, t.group(3).length() - 7);
      }
      m = m.substring(0, t.start()) + "attempt to " + t.group(1) + " " + operand(type, culprit)
          + m.substring(t.end());
    }
    Matcher a = ARITH.matcher(m);
    if (a.find()) {
      String bad = a.group(1).equals("number") && a.group(2) != null ? a.group(2) : a.group(1);
      m = m.substring(0, a.start()) + "attempt to perform arithmetic on " + operand(bad, culprit)
          + m.substring(a.end());
    }
    return m;
  }

  /** Lua 5.1's words for the value at fault: {@code global 'x' (a nil value)} when named, else {@code a nil value}. */
  private static String operand(String type, String culprit) {
    if (culprit != null && culprit.startsWith(type + " ")) {
      return culprit.substring(type.length() + 1) + " (a " + type + " value)";
    }
    return "a " + type + " value";
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
