package dev.cairn.core.type.set;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.util.Glob;

/** The cursor and options of SSCAN / ZSCAN (and HSCAN-like commands): {@code key cursor [MATCH pattern] [COUNT count]}. */
public final class CollectionScan {
  static final RedisException INVALID_CURSOR = Errors.err("invalid cursor");

  public final long cursor;
  public final byte[] pattern;
  public final long count;

  private CollectionScan(long cursor, byte[] pattern, long count) {
    this.cursor = cursor;
    this.pattern = pattern;
    this.count = count;
  }

  /** Parses arguments from index 2 on (argument 2 is the cursor); throws Redis's errors. */
  public static CollectionScan parse(Args a) {
    long cursor = parseCursor(a.get(2));
    byte[] pattern = null;
    long count = 10;
    for (int i = 3; i < a.size(); i += 2) {
      boolean hasValue = i + 1 < a.size();
      if (a.is(i, "count") && hasValue) {
        count = a.longArg(i + 1);
        if (count < 1) {
          throw Errors.SYNTAX;
        }
      } else if (a.is(i, "match") && hasValue) {
        pattern = a.get(i + 1);
        if (Glob.matchesAll(pattern)) {
          pattern = null;
        }
      } else {
        throw Errors.SYNTAX;
      }
    }
    return new CollectionScan(cursor, pattern, count);
  }

  /** Redis reads the cursor as an unsigned 64-bit number (strtoull). */
  static long parseCursor(byte[] b) {
    if (b.length == 0 || b.length > 20) {
      throw INVALID_CURSOR;
    }
    // strtoull wraps a negative number around
    boolean negative = b[0] == '-';
    for (int i = negative ? 1 : 0; i < b.length; i++) {
      byte c = b[i];
      if (c < '0' || c > '9' || negative && b.length == 1) {
        throw INVALID_CURSOR;
      }
    }
    try {
      String digits = new String(b, negative ? 1 : 0, b.length - (negative ? 1 : 0),
          java.nio.charset.StandardCharsets.US_ASCII);
      long v = Long.parseUnsignedLong(digits);
      return negative ? -v : v;
    } catch (NumberFormatException e) {
      throw INVALID_CURSOR;
    }
  }

  public boolean matches(byte[] member) {
    return pattern == null || Glob.matches(pattern, member);
  }
}
