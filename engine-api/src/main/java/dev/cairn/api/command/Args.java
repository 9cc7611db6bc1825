package dev.cairn.api.command;

import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A command's arguments as the client sent them: {@code get(0)} is the command name. Binary safe; the parse helpers
 * throw Redis's errors for malformed numbers. The connection reuses one instance, so a handler must not keep it after
 * returning (keeping the byte arrays {@link #get} returns is fine: each belongs to this call alone).
 *
 * <p>An argument may still lie in the connection's argument arena, which its next command overwrites: {@link #get}
 * (and {@link #array()}, {@link #toArray()}) copy it out into an array of its own on first use, so whatever keeps an
 * argument keeps a copy. The hot commands read such an argument in place through {@link #bytes}, {@link #offset} and
 * {@link #length} (a lookup, a number, bytes copied into a value) and allocate nothing for it.
 */
public final class Args {
  /** Arguments as arrays of their own; null where one lies only in {@link #arena} so far. */
  private byte[][] argv;
  private int argc;
  /** The connection's argument bytes, or null when every argument is an array of its own. */
  private byte[] arena;
  private int[] offsets;
  private int[] lengths;

  public Args(byte[][] argv, int argc) {
    this.argv = argv;
    this.argc = argc;
  }

  /** Arguments from strings, for tests and internal calls. */
  public static Args of(String... args) {
    byte[][] v = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      v[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return new Args(v, v.length);
  }

  /** Arguments from byte arrays. */
  public static Args ofBytes(byte[]... args) {
    return new Args(args, args.length);
  }

  /** Points this instance at new arguments (the connection's decoder reuses it). */
  public void reset(byte[][] newArgv, int newArgc) {
    this.argv = newArgv;
    this.argc = newArgc;
    this.arena = null;
  }

  /**
   * Points this instance at arguments of which those with a null in {@code newArgv} lie in {@code newArena}, at
   * {@code newOffsets}/{@code newLengths}. Copies made by {@link #get} go into {@code newArgv}: the decoder's array,
   * which it fills again for its next command.
   */
  public void reset(byte[][] newArgv, int newArgc, byte[] newArena, int[] newOffsets, int[] newLengths) {
    this.argv = newArgv;
    this.argc = newArgc;
    this.arena = newArena;
    this.offsets = newOffsets;
    this.lengths = newLengths;
  }

  public int size() {
    return argc;
  }

  /** Argument {@code i} as an array of its own (copied out of the arena on first use; the same array after that). */
  public byte[] get(int i) {
    if (i >= argc) {
      throw new IndexOutOfBoundsException(i);
    }
    byte[] b = argv[i];
    if (b == null) {
      b = Arrays.copyOfRange(arena, offsets[i], offsets[i] + lengths[i]);
      argv[i] = b;
    }
    return b;
  }

  /**
   * Whether argument {@code i} is an array of its own already (a long one always is): a command that stores it can
   * keep that array rather than copy its bytes again.
   */
  public boolean detached(int i) {
    return argv[i] != null;
  }

  /** The array argument {@code i}'s bytes lie in, from {@link #offset}, for {@link #length} bytes: read, never keep. */
  public byte[] bytes(int i) {
    if (i >= argc) {
      throw new IndexOutOfBoundsException(i);
    }
    byte[] b = argv[i];
    return b != null ? b : arena;
  }

  public int offset(int i) {
    return argv[i] != null ? 0 : offsets[i];
  }

  public int length(int i) {
    byte[] b = argv[i];
    return b != null ? b.length : lengths[i];
  }

  /** Every argument as an array of its own, in the raw array (its length may exceed {@link #size()}). */
  public byte[][] array() {
    return array(0);
  }

  /**
   * The raw array with the arguments from {@code from} on as arrays of their own; the slots before it may be null (a
   * command that hands its fields and values on, its key read in place).
   */
  public byte[][] array(int from) {
    if (arena != null) {
      for (int i = from; i < argc; i++) {
        get(i);
      }
    }
    return argv;
  }

  /** A copy of the arguments as exactly-sized array. */
  public byte[][] toArray() {
    byte[][] copy = new byte[argc][];
    System.arraycopy(array(), 0, copy, 0, argc);
    return copy;
  }

  /** Argument {@code i} decoded as UTF-8 (for option words, names, config values; not for keys on hot paths). */
  public String string(int i) {
    return new String(get(i), StandardCharsets.UTF_8);
  }

  /** True if argument {@code i} equals {@code word}, ignoring ASCII case on both sides ("WITHCOUNT" or "withcount"). */
  public boolean is(int i, String word) {
    return i < argc && equalsIgnoreCase(bytes(i), offset(i), length(i), word);
  }

  /** Parses argument {@code i} as a signed 64-bit integer, or throws "value is not an integer or out of range". */
  public long longArg(int i) {
    return longArg(i, Errors.NOT_INTEGER);
  }

  /** Parses argument {@code i} as a 64-bit integer, or throws {@code error}. */
  public long longArg(int i, RedisException error) {
    return parseLong(bytes(i), offset(i), length(i), error);
  }

  /** Parses argument {@code i} as an int (range checked), or throws "value is not an integer or out of range". */
  public int intArg(int i) {
    long v = longArg(i);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw Errors.NOT_INTEGER;
    }
    return (int) v;
  }

  /** Parses argument {@code i} as a double as Redis does (inf, -inf accepted; nan rejected). */
  public double doubleArg(int i) {
    return doubleArg(i, Errors.NOT_FLOAT);
  }

  /** Parses argument {@code i} as a double, or throws {@code error}. */
  public double doubleArg(int i, RedisException error) {
    int len = length(i);
    if (len > 0 && len <= 5000) {
      double plain = plainDecimal(bytes(i), offset(i), len);
      if (plain == plain) { // not NaN: it was one, read in place
        return plain;
      }
    }
    return parseDouble(get(i), error);
  }

  /** ASCII case-insensitive comparison of bytes against a word (in any case). */
  public static boolean equalsIgnoreCase(byte[] b, String word) {
    return equalsIgnoreCase(b, 0, b.length, word);
  }

  /** {@link #equalsIgnoreCase(byte[], String)} of the {@code len} bytes at {@code off} in {@code b}. */
  public static boolean equalsIgnoreCase(byte[] b, int off, int len, String word) {
    int n = word.length();
    if (len != n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      int c = b[off + k];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      int w = word.charAt(k);
      if (w >= 'A' && w <= 'Z') {
        w += 32;
      }
      if (c != w) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a strict decimal long as Redis's string2ll: optional minus, no plus, no spaces, no leading zeros (except
   * "0"), within range.
   */
  public static long parseLong(byte[] b, RedisException error) {
    return parseLong(b, 0, b.length, error);
  }

  /** {@link #parseLong(byte[], RedisException)} of the {@code len} bytes at {@code off} in {@code b}, read in place. */
  public static long parseLong(byte[] b, int off, int len, RedisException error) {
    long v = parseLongOrMin(b, off, len);
    if (v == Long.MIN_VALUE && !isMinLong(b, off, len)) {
      throw error;
    }
    return v;
  }

  /** True if the bytes are exactly a canonical long (what Redis's string2ll accepts). */
  public static boolean isLong(byte[] b) {
    return parseLongOrMin(b, 0, b.length) != Long.MIN_VALUE || isMinLong(b, 0, b.length);
  }

  private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

  /** Whether the range is Long.MIN_VALUE's digits: the one long parseLongOrMin's answer cannot tell from an error. */
  private static boolean isMinLong(byte[] b, int off, int len) {
    return Arrays.equals(b, off, off + len, MIN_LONG, 0, MIN_LONG.length);
  }

  /** Returns the parsed value, or Long.MIN_VALUE when the bytes are not a canonical long. */
  public static long parseLongOrMin(byte[] b, int off, int len) {
    if (len == 0 || len > 20) {
      return Long.MIN_VALUE;
    }
    int p = off;
    int end = off + len;
    boolean negative = false;
    if (len == 1 && b[p] == '0') {
      return 0;
    }
    if (b[p] == '-') {
      negative = true;
      p++;
      if (p == end) {
        return Long.MIN_VALUE;
      }
    }
    if (b[p] < '1' || b[p] > '9') {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; p < end; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      // accumulate negatively so that Long.MIN_VALUE fits
      if (v < (Long.MIN_VALUE + d) / 10) {
        return Long.MIN_VALUE;
      }
      v = v * 10 - d;
    }
    if (negative) {
      return v;
    }
    if (v == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    return -v;
  }

  /** Parses a double as Redis's string2d/strtold: accepts "inf"/"-inf"/"+inf", rejects NaN, spaces and empty input. */
  public static double parseDouble(byte[] b, RedisException error) {
    if (b.length == 0 || b.length > 5000) {
      throw error;
    }
    double plain = plainDecimal(b, 0, b.length);
    if (plain == plain) { // not NaN: it was one
      return plain;
    }
    if (isSpace(b[0]) || isSpace(b[b.length - 1])) {
      throw error;
    }
    String s = new String(b, StandardCharsets.ISO_8859_1);
    double d;
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> { }
    }
    boolean hex = s.indexOf('x') >= 0 || s.indexOf('X') >= 0;
    char last = s.charAt(s.length() - 1);
    // Java accepts trailing 'd'/'f' type suffixes; C's strtod does not (in hex they are digits)
    if (!hex && (last == 'd' || last == 'D' || last == 'f' || last == 'F')) {
      throw error;
    }
    if (hex && s.indexOf('p') < 0 && s.indexOf('P') < 0) {
      s = s + "p0"; // strtold takes hex without a binary exponent; Java insists on one
    }
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw error;
    }
    if (Double.isNaN(d)) {
      throw error;
    }
    return d;
  }

  /** Exact powers of ten as doubles (10^22 is the last one a double holds exactly). */
  private static final double[] POWERS_OF_TEN = {
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  /**
   * A score or increment as clients usually send it ({@code -?digits[.digits]}, at most 15 digits in all), parsed
   * without the String and parser objects of the general path (ZADD's scores: a third of its allocation), or NaN for
   * anything else. The result is the general path's: the digits make an integer below 2^53 and the fraction's power of
   * ten is exact, so the one division rounds correctly, as strtod and Double.parseDouble do.
   */
  private static double plainDecimal(byte[] b, int off, int len) {
    int p = off;
    int n = off + len;
    boolean negative = b[off] == '-';
    if (negative) {
      p++;
    }
    long mantissa = 0;
    int digits = 0;
    int fraction = -1; // digits after the point, once there is one
    for (; p < n; p++) {
      int c = b[p];
      if (c >= '0' && c <= '9') {
        if (++digits > 15) {
          return Double.NaN;
        }
        mantissa = mantissa * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    double v = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
    return negative ? -v : v;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }
}
