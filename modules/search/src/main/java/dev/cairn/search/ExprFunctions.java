package dev.cairn.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The functions of RediSearch 2.10's expression language, with its argument checks and results: string (lower, upper,
 * substr, format, split, startswith, contains, strlen, matched_terms, to_number, to_str, exists), math (abs, ceil,
 * floor, log, log2, exp, sqrt), time (timefmt, parsetime, day, hour, minute, month, dayofweek, dayofmonth, dayofyear,
 * year, monthofyear; UTC, as gmtime) and geo (geodistance).
 */
final class ExprFunctions {
  private ExprFunctions() {
  }

  private static final Set<String> NAMES = Set.of("lower", "upper", "substr", "format", "split", "matched_terms",
      "to_number", "to_str", "exists", "startswith", "contains", "strlen", "log", "floor", "abs", "ceil", "sqrt",
      "log2", "exp", "timefmt", "parsetime", "hour", "minute", "day", "month", "monthofyear", "year", "dayofmonth",
      "dayofweek", "dayofyear", "geodistance");

  static boolean exists(String fn) {
    return NAMES.contains(fn);
  }

  private static void arity(String fn, Object[] a, int min, int max) {
    if (a.length < min || a.length > max) {
      throw new Expr.EvalError("Invalid arguments for function '" + fn + "'");
    }
  }

  private static String string(String fn, Object[] a, int i) {
    if (!(a[i] instanceof String s)) {
      throw new Expr.EvalError("Invalid type (" + typeCode(a[i]) + ") for argument " + i + " in function '" + fn
          + "'. VALIDATE_ARG__STRING(v, 0) was false.");
    }
    return s;
  }

  /** RSValueType's numbers, which RediSearch's type errors print. */
  private static int typeCode(Object v) {
    return v == null ? 4 : v instanceof Double ? 1 : v instanceof List ? 6 : 2;
  }

  static Object call(String fn, Object[] a, Expr.Env env) {
    switch (fn) {
      case "lower", "upper" -> {
        arity(fn, a, 1, 1);
        if (!(a[0] instanceof String s)) {
          return null;
        }
        return fn.equals("lower") ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
      }
      case "substr" -> {
        arity(fn, a, 3, 3);
        for (int i = 1; i <= 2; i++) {
          if (!(a[i] instanceof Double)) {
            throw new Expr.EvalError("Invalid type (" + typeCode(a[i]) + ") for argument " + i
                + " in function 'substr'. VALIDATE_ARG__TYPE(v, RSValue_Number) was false.");
          }
        }
        if (a[0] == null || a[0] instanceof List) {
          throw new Expr.EvalError("Invalid type for substr. Expected string");
        }
        byte[] s = AggValues.str(a[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int sz = s.length;
        int offset = (int) (double) (Double) a[1];
        int len = (int) (double) (Double) a[2];
        if (offset < 0) {
          offset = sz + offset;
        }
        offset = Math.max(0, Math.min(offset, sz));
        if (len < 0) {
          len = Math.max(0, (sz - offset) + len);
        }
        if (offset + len > sz) {
          len = sz - offset;
        }
        return new String(s, offset, len, java.nio.charset.StandardCharsets.UTF_8);
      }
      case "format" -> {
        return format(a);
      }
      case "split" -> {
        if (a.length < 1 || a.length > 3) {
          throw new Expr.EvalError("Invalid number of arguments for split");
        }
        String s = string(fn, a, 0);
        String sep = a.length >= 2 ? string(fn, a, 1) : ",";
        String strip = a.length == 3 ? string(fn, a, 2) : " ";
        List<Object> out = new ArrayList<>();
        int tok = 0;
        while (out.size() < 1024 && tok < s.length()) {
          int next = -1;
          for (int i = tok; i < s.length(); i++) {
            if (sep.indexOf(s.charAt(i)) >= 0) {
              next = i;
              break;
            }
          }
          String part = s.substring(tok, next < 0 ? s.length() : next);
          int b = 0;
          int e = part.length();
          while (b < e && strip.indexOf(part.charAt(b)) >= 0) {
            b++;
          }
          while (e > b && strip.indexOf(part.charAt(e - 1)) >= 0) {
            e--;
          }
          if (e > b) {
            out.add(part.substring(b, e));
          }
          if (next < 0) {
            break;
          }
          tok = next + 1;
        }
        return out;
      }
      case "matched_terms" -> {
        int max = 100;
        if (a.length == 1 && AggValues.toNumber(a[0]) instanceof Double d && d > 0) {
          max = (int) Math.min(100, d);
        }
        List<String> terms = env.matchedTerms();
        if (terms.isEmpty()) {
          return null;
        }
        return new ArrayList<Object>(terms.subList(0, Math.min(max, terms.size())));
      }
      case "to_number" -> {
        arity(fn, a, 1, 1);
        Double d = AggValues.toNumber(a[0]);
        if (d == null) {
          throw new Expr.EvalError("to_number: cannot convert string '" + AggValues.str(a[0]) + "'");
        }
        return d;
      }
      case "to_str" -> {
        arity(fn, a, 1, 1);
        return AggValues.str(a[0]);
      }
      case "exists" -> {
        arity(fn, a, 1, 1);
        return a[0] != null ? 1.0 : 0.0;
      }
      case "startswith" -> {
        arity(fn, a, 2, 2);
        String s = string(fn, a, 0);
        String p = string(fn, a, 1);
        return s.startsWith(p) ? 1.0 : 0.0;
      }
      case "contains" -> {
        arity(fn, a, 2, 2);
        String s = string(fn, a, 0);
        String p = string(fn, a, 1);
        if (p.isEmpty()) {
          return (double) (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
        }
        int n = 0;
        for (int i = s.indexOf(p); i >= 0; i = s.indexOf(p, i + 1)) {
          n++;
        }
        return (double) n;
      }
      case "strlen" -> {
        arity(fn, a, 1, 1);
        return (double) string(fn, a, 0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      case "log", "floor", "abs", "ceil", "sqrt", "log2", "exp" -> {
        if (a.length != 1) {
          throw new Expr.EvalError("Invalid number of arguments for " + (fn.equals("abs") ? "fabs" : fn));
        }
        Double d = AggValues.toNumber(a[0]);
        if (d == null) {
          return Double.NaN;
        }
        return switch (fn) {
          case "log" -> Math.log(d);
          case "floor" -> Math.floor(d);
          case "abs" -> Math.abs(d);
          case "ceil" -> Math.ceil(d);
          case "sqrt" -> Math.sqrt(d);
          case "log2" -> Math.log(d) / Math.log(2);
          default -> Math.exp(d);
        };
      }
      case "timefmt" -> {
        arity("time", a, 1, 2);
        String f = "%FT%TZ";
        if (a.length == 2) {
          if (!(a[1] instanceof String s)) {
            throw new Expr.EvalError("Invalid type (" + typeCode(a[1])
                + ") for argument 1 in function 'time'. VALIDATE_ARG__TYPE(v, RSValue_String) was false.");
          }
          f = s;
        }
        Double d = AggValues.toNumber(a[0]);
        if (d == null) {
          return null;
        }
        String out = Strftime.format(f, ZonedDateTime.ofInstant(Instant.ofEpochSecond((long) (double) d),
            ZoneOffset.UTC));
        return out.isEmpty() ? null : out;
      }
      case "parsetime" -> {
        arity(fn, a, 2, 2);
        Long t = Strftime.parse(string(fn, a, 0), string(fn, a, 1));
        return t == null ? null : (Object) (double) t;
      }
      case "hour", "minute", "day", "month", "monthofyear", "year", "dayofmonth", "dayofweek", "dayofyear" -> {
        arity(fn, a, 1, 1);
        Double d = AggValues.toNumber(a[0]);
        if (d == null || d < 0) {
          return null;
        }
        if (fn.equals("minute")) {
          return Math.floor(d - d % 60);
        }
        long ts = (long) (double) d;
        LocalDateTime t = LocalDateTime.ofEpochSecond(ts, 0, ZoneOffset.UTC);
        return switch (fn) {
          case "hour" -> (double) t.withMinute(0).withSecond(0).toEpochSecond(ZoneOffset.UTC);
          case "day" -> (double) t.toLocalDate().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
          case "month" -> (double) LocalDate.of(t.getYear(), t.getMonth(), 1).atStartOfDay()
              .toEpochSecond(ZoneOffset.UTC);
          case "monthofyear" -> (double) (t.getMonthValue() - 1);
          case "year" -> (double) t.getYear();
          case "dayofmonth" -> (double) t.getDayOfMonth();
          case "dayofweek" -> (double) (t.getDayOfWeek().getValue() % 7);
          default -> (double) (t.getDayOfYear() - 1);
        };
      }
      case "geodistance" -> {
        arity(fn, a, 2, 4);
        double[][] geo = new double[2][];
        int j = 0;
        for (int i = 0; i < 2; i++) {
          if (j >= a.length) {
            return Double.NaN;
          }
          if (AggValues.toNumber(a[j]) != null) {
            if (j + 1 >= a.length || AggValues.toNumber(a[j + 1]) == null) {
              return Double.NaN;
            }
            geo[i] = new double[] {AggValues.toNumber(a[j]), AggValues.toNumber(a[j + 1])};
            j += 2;
          } else {
            geo[i] = lonLat(a[j]);
            if (geo[i] == null) {
              return Double.NaN;
            }
            j++;
          }
        }
        double dist = haversine(geo[0][0], geo[0][1], geo[1][0], geo[1][1]);
        return Math.round(dist * 100) / 100.0;
      }
      default -> throw new Expr.EvalError("Unknown function name '" + fn + "'");
    }
  }

  /** Meters between two points: haversine on Redis's earth radius, as GEODIST. */
  static double haversine(double lon1, double lat1, double lon2, double lat2) {
    double la1 = Math.toRadians(lat1);
    double la2 = Math.toRadians(lat2);
    double u = Math.sin((la2 - la1) / 2);
    double v = Math.sin(Math.toRadians(lon2 - lon1) / 2);
    return 2.0 * 6372797.560856 * Math.asin(Math.sqrt(u * u + Math.cos(la1) * Math.cos(la2) * v * v));
  }

  private static double[] lonLat(Object v) {
    if (!(v instanceof String s)) {
      return null;
    }
    String[] parts = s.strip().split("[, ]+");
    if (parts.length != 2) {
      return null;
    }
    Double lon = AggValues.parseNumber(parts[0]);
    Double lat = AggValues.parseNumber(parts[1]);
    return lon == null || lat == null ? null : new double[] {lon, lat};
  }

  private static String format(Object[] a) {
    if (a.length < 1) {
      throw new Expr.EvalError("Need at least one argument for format");
    }
    String f = string("format", a, 0);
    StringBuilder out = new StringBuilder();
    int arg = 1;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i == f.length() - 1) {
        throw new Expr.EvalError("Bad format string!");
      }
      char type = f.charAt(++i);
      if (type == '%') {
        out.append('%');
        continue;
      }
      if (arg == a.length) {
        throw new Expr.EvalError("Not enough arguments for format");
      }
      Object v = a[arg++];
      if (type != 's') {
        throw new Expr.EvalError("Unknown format specifier passed");
      }
      out.append(v == null ? "(null)" : AggValues.str(v));
    }
    return out.toString();
  }

  /** strftime/strptime for the conversions RediSearch users write, in UTC. */
  static final class Strftime {
    private Strftime() {
    }

    static String format(String f, ZonedDateTime t) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < f.length(); i++) {
        char c = f.charAt(i);
        if (c != '%' || i + 1 >= f.length()) {
          sb.append(c);
          continue;
        }
        char k = f.charAt(++i);
        switch (k) {
          case 'Y' -> sb.append(t.getYear());
          case 'C' -> pad(sb, t.getYear() / 100, 2);
          case 'y' -> pad(sb, t.getYear() % 100, 2);
          case 'm' -> pad(sb, t.getMonthValue(), 2);
          case 'd' -> pad(sb, t.getDayOfMonth(), 2);
          case 'e' -> sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
          case 'H' -> pad(sb, t.getHour(), 2);
          case 'I' -> pad(sb, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
          case 'M' -> pad(sb, t.getMinute(), 2);
          case 'S' -> pad(sb, t.getSecond(), 2);
          case 'j' -> pad(sb, t.getDayOfYear(), 3);
          case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
          case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
          case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
          case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
          case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT));
          case 'u' -> sb.append(t.getDayOfWeek().getValue());
          case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
          case 'F' -> sb.append(format("%Y-%m-%d", t));
          case 'T' -> sb.append(format("%H:%M:%S", t));
          case 'D' -> sb.append(format("%m/%d/%y", t));
          case 'R' -> sb.append(format("%H:%M", t));
          case 'c' -> sb.append(format("%a %b %e %H:%M:%S %Y", t));
          case 's' -> sb.append(t.toEpochSecond());
          case 'Z' -> sb.append("GMT");
          case 'z' -> sb.append("+0000");
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case '%' -> sb.append('%');
          default -> sb.append('%').append(k);
        }
      }
      return sb.toString();
    }

    private static void pad(StringBuilder sb, int v, int width) {
      String s = Integer.toString(v);
      for (int i = s.length(); i < width; i++) {
        sb.append('0');
      }
      sb.append(s);
    }

    /** Seconds since the epoch of {@code s} read with {@code f}; null when it does not match. */
    static Long parse(String s, String f) {
      int[] pos = {0};
      int year = 1900;
      int month = 1;
      int day = 1;
      int hour = 0;
      int min = 0;
      int sec = 0;
      int yday = -1;
      try {
        for (int i = 0; i < f.length(); i++) {
          char c = f.charAt(i);
          if (Character.isWhitespace(c)) {
            while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
              pos[0]++;
            }
            continue;
          }
          if (c != '%' || i + 1 >= f.length()) {
            if (pos[0] >= s.length() || s.charAt(pos[0]) != c) {
              return null;
            }
            pos[0]++;
            continue;
          }
          char k = f.charAt(++i);
          switch (k) {
            case 'Y' -> year = num(s, pos, 4);
            case 'y' -> {
              int y = num(s, pos, 2);
              year = y < 69 ? 2000 + y : 1900 + y;
            }
            case 'm' -> month = num(s, pos, 2);
            case 'd', 'e' -> day = num(s, pos, 2);
            case 'H' -> hour = num(s, pos, 2);
            case 'M' -> min = num(s, pos, 2);
            case 'S' -> sec = num(s, pos, 2);
            case 'j' -> yday = num(s, pos, 3);
            case 'F' -> {
              year = num(s, pos, 4);
              expect(s, pos, '-');
              month = num(s, pos, 2);
              expect(s, pos, '-');
              day = num(s, pos, 2);
            }
            case 'T' -> {
              hour = num(s, pos, 2);
              expect(s, pos, ':');
              min = num(s, pos, 2);
              expect(s, pos, ':');
              sec = num(s, pos, 2);
            }
            case 'b', 'B', 'h' -> {
              int found = -1;
              for (java.time.Month m : java.time.Month.values()) {
                String full = m.getDisplayName(TextStyle.FULL, Locale.ROOT);
                String abbr = m.getDisplayName(TextStyle.SHORT, Locale.ROOT);
                if (s.regionMatches(true, pos[0], full, 0, full.length())) {
                  found = m.getValue();
                  pos[0] += full.length();
                  break;
                }
                if (s.regionMatches(true, pos[0], abbr, 0, abbr.length())) {
                  found = m.getValue();
                  pos[0] += abbr.length();
                  break;
                }
              }
              if (found < 0) {
                return null;
              }
              month = found;
            }
            case 'Z' -> {
              while (pos[0] < s.length() && Character.isLetter(s.charAt(pos[0]))) {
                pos[0]++;
              }
            }
            case '%' -> expect(s, pos, '%');
            default -> {
              return null;
            }
          }
        }
        LocalDateTime t = yday > 0 ? LocalDate.ofYearDay(year, yday).atTime(hour, min, sec)
            : LocalDateTime.of(year, month, day, hour, min, sec);
        return t.toEpochSecond(ZoneOffset.UTC);
      } catch (RuntimeException e) {
        return null;
      }
    }

    private static int num(String s, int[] pos, int max) {
      int start = pos[0];
      while (pos[0] < s.length() && pos[0] - start < max && Character.isDigit(s.charAt(pos[0]))) {
        pos[0]++;
      }
      if (pos[0] == start) {
        throw new IllegalArgumentException();
      }
      return Integer.parseInt(s.substring(start, pos[0]));
    }

    private static void expect(String s, int[] pos, char c) {
      if (pos[0] >= s.length() || s.charAt(pos[0]) != c) {
        throw new IllegalArgumentException();
      }
      pos[0]++;
    }
  }
}
