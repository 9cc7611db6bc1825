package dev.cairn.core.script.lib;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * C printf number formatting as Lua 5.1 uses it: {@code tostring} of a number is {@code %.14g}, and
 * {@code string.format} passes its directives to the C library. LuaJ formats numbers its own way (floats through
 * {@code Float.toString}, precision ignored in {@code %g}), so the sandbox replaces those functions with these.
 */
public final class LuaFormat {
  private LuaFormat() {}

  /** A number as Lua 5.1's {@code tostring} writes it ({@code %.14g}). */
  public static String number(double d) {
    if (d == (long) d && Math.abs(d) < 1e14) {
      return d == 0 && 1 / d < 0 ? "-0" : Long.toString((long) d);
    }
    return g(d, 14, false, false);
  }

  /** {@code %.<precision>g}, with C's rules: the shorter of %e and %f, trailing zeros removed unless {@code alt}. */
  public static String g(double d, int precision, boolean alt, boolean upper) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return special(d, upper);
    }
    int p = precision == 0 ? 1 : precision;
    if (d == 0) {
      String z = (1 / d < 0 ? "-" : "") + (alt ? "0." + "0".repeat(p - 1) : "0");
      return z;
    }
    BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(p, RoundingMode.HALF_EVEN));
    int x = bd.precision() - bd.scale() - 1; // decimal exponent after rounding
    String s;
    if (x < -4 || x >= p) {
      s = e(d, p - 1, alt, upper);
      if (!alt) {
        int ei = s.indexOf(upper ? 'E' : 'e');
        s = stripZeros(s.substring(0, ei)) + s.substring(ei);
      }
    } else {
      s = f(d, p - 1 - x, alt);
      if (!alt) {
        s = stripZeros(s);
      }
    }
    return s;
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  /** {@code %.<precision>f}. */
  public static String f(double d, int precision, boolean alt) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return special(d, false);
    }
    String s = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    if (d < 0 || d == 0 && 1 / d < 0) {
      s = s.startsWith("-") ? s : "-" + s;
    }
    if (alt && precision == 0) {
      s += ".";
    }
    return s;
  }

  /** {@code %.<precision>e}: one digit, the fraction, and an exponent of at least two digits. */
  public static String e(double d, int precision, boolean alt, boolean upper) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return special(d, upper);
    }
    String s = String.format(Locale.ROOT, "%." + precision + "e", d);
    // Java writes e+05 like C already; make sure of the two-digit minimum and the alt-dot
    if (alt && precision == 0) {
      int ei = s.indexOf('e');
      s = s.substring(0, ei) + "." + s.substring(ei);
    }
    return upper ? s.toUpperCase(Locale.ROOT) : s;
  }

  private static String special(double d, boolean upper) {
    String s = Double.isNaN(d) ? (Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan") : d > 0 ? "inf" : "-inf";
    return upper ? s.toUpperCase(Locale.ROOT) : s;
  }

  /** Lua 5.1's {@code string.format(fmt, ...)}. */
  public static LuaString format(Varargs args) {
    LuaString fmt = args.checkstring(1);
    byte[] b = new byte[fmt.length()];
    fmt.copyInto(0, b, 0, b.length);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length + 16);
    int arg = 1;
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (c != '%') {
        out.write(c);
        continue;
      }
      if (++i >= b.length) {
        throw new org.luaj.vm2.LuaError("invalid option '%' to 'format'");
      }
      if (b[i] == '%') {
        out.write('%');
        continue;
      }
      int start = i;
      while (i < b.length && "-+ #0".indexOf(b[i]) >= 0) {
        i++;
      }
      if (i - start > 5) {
        throw new org.luaj.vm2.LuaError("invalid format (repeated flags)");
      }
      String flags = new String(b, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
      int width = -1;
      int digits = 0;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        width = (width < 0 ? 0 : width) * 10 + (b[i++] - '0');
        digits++;
      }
      int precision = -1;
      if (i < b.length && b[i] == '.') {
        i++;
        precision = 0;
        int pd = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
          precision = precision * 10 + (b[i++] - '0');
          pd++;
        }
        if (pd > 2) {
          throw new org.luaj.vm2.LuaError("invalid format (width or precision too long)");
        }
      }
      if (digits > 2) {
        throw new org.luaj.vm2.LuaError("invalid format (width or precision too long)");
      }
      if (i >= b.length) {
        throw new org.luaj.vm2.LuaError("invalid option '%' to 'format'");
      }
      char conv = (char) b[i];
      arg++;
      boolean left = flags.indexOf('-') >= 0;
      boolean zero = flags.indexOf('0') >= 0 && !left;
      boolean plus = flags.indexOf('+') >= 0;
      boolean space = flags.indexOf(' ') >= 0;
      boolean alt = flags.indexOf('#') >= 0;
      String body;
      switch (conv) {
        case 'd', 'i' -> {
          long v = (long) args.checkdouble(arg);
          body = Long.toString(v);
          if (precision >= 0) {
            body = padDigits(body, precision);
          }
          body = sign(body, v >= 0, plus, space);
        }
        case 'u' -> body = Long.toUnsignedString((long) args.checkdouble(arg));
        case 'o' -> body = (alt ? "0" : "") + Long.toOctalString((long) args.checkdouble(arg));
        case 'x' -> body = (alt ? "0x" : "") + Long.toHexString((long) args.checkdouble(arg));
        case 'X' -> body = (alt ? "0X" : "") + Long.toHexString((long) args.checkdouble(arg)).toUpperCase(Locale.ROOT);
        case 'c' -> {
          out.write((int) args.checkdouble(arg));
          continue;
        }
        case 'e', 'E' -> {
          double v = args.checkdouble(arg);
          body = sign(e(v, precision < 0 ? 6 : precision, alt, conv == 'E'), !(v < 0), plus, space);
        }
        case 'f' -> {
          double v = args.checkdouble(arg);
          body = sign(f(v, precision < 0 ? 6 : precision, alt), !(v < 0), plus, space);
        }
        case 'g', 'G' -> {
          double v = args.checkdouble(arg);
          body = sign(g(v, precision < 0 ? 6 : precision, alt, conv == 'G'), !(v < 0), plus, space);
        }
        case 'q' -> {
          quote(args.checkstring(arg), out);
          continue;
        }
        case 's' -> {
          LuaValue v = args.arg(arg);
          if (args.narg() < arg) {
            throw new org.luaj.vm2.LuaError("bad argument #" + arg + " to 'format' (string expected, got no value)");
          }
          LuaString s = LuaCompat.tostring(v);
          if (precision < 0 && width < 0) {
            out.write(s.m_bytes, s.m_offset, s.m_length);
            continue;
          }
          if (precision >= 0 && s.length() > precision) {
            s = s.substring(0, precision);
          }
          pad(out, s, width, left);
          continue;
        }
        default -> throw new org.luaj.vm2.LuaError("invalid option '%" + conv + "' to 'format'");
      }
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      if (width > bytes.length) {
        int fill = width - bytes.length;
        if (left) {
          out.write(bytes, 0, bytes.length);
          repeat(out, ' ', fill);
        } else if (zero && "diouxXeEfgG".indexOf(conv) >= 0 && Character.isDigit(body.charAt(body.length() - 1))) {
          int signLen = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
          out.write(bytes, 0, signLen);
          repeat(out, '0', fill);
          out.write(bytes, signLen, bytes.length - signLen);
        } else {
          repeat(out, ' ', fill);
          out.write(bytes, 0, bytes.length);
        }
      } else {
        out.write(bytes, 0, bytes.length);
      }
    }
    return LuaString.valueUsing(out.toByteArray());
  }

  private static String padDigits(String body, int precision) {
    boolean neg = body.startsWith("-");
    String digitsOnly = neg ? body.substring(1) : body;
    if (digitsOnly.length() < precision) {
      digitsOnly = "0".repeat(precision - digitsOnly.length()) + digitsOnly;
    }
    return neg ? "-" + digitsOnly : digitsOnly;
  }

  private static String sign(String body, boolean nonNegative, boolean plus, boolean space) {
    if (nonNegative && !body.startsWith("-")) {
      if (plus) {
        return "+" + body;
      }
      if (space) {
        return " " + body;
      }
    }
    return body;
  }

  private static void pad(java.io.ByteArrayOutputStream out, LuaString s, int width, boolean left) {
    int fill = Math.max(0, width - s.length());
    if (!left) {
      repeat(out, ' ', fill);
    }
    out.write(s.m_bytes, s.m_offset, s.m_length);
    if (left) {
      repeat(out, ' ', fill);
    }
  }

  private static void repeat(java.io.ByteArrayOutputStream out, char c, int n) {
    for (int k = 0; k < n; k++) {
      out.write(c);
    }
  }

  /** {@code %q}: a string literal Lua reads back, as Lua 5.1's addquoted writes it. */
  private static void quote(LuaString s, java.io.ByteArrayOutputStream out) {
    out.write('"');
    for (int k = 0; k < s.length(); k++) {
      int c = s.luaByte(k);
      switch (c) {
        case '"', '\\', '\n' -> {
          out.write('\\');
          out.write(c);
        }
        case '\r' -> out.writeBytes("\\r".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        case 0 -> out.writeBytes("\\000".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        default -> out.write(c);
      }
    }
    out.write('"');
  }
}
