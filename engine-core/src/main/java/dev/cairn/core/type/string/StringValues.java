package dev.cairn.core.type.string;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;

/**
 * Reads string values, whichever form they take: a plain {@code byte[]} (what SET stores: Redis's int and embstr
 * encodings, or raw when long), a {@link RawString} (a string changed in place) or an {@link IntString} (a counter that
 * INCR changes in place). Every command that reads a string goes through here.
 */
public final class StringValues {
  private StringValues() {}

  private static final long DEFAULT_MAX_BULK_LEN = 512L * 1024 * 1024;

  /** Whether {@code value} is a string (in either form). */
  public static boolean isString(Object value) {
    return value instanceof byte[] || value instanceof RawString || value instanceof IntString;
  }

  /**
   * The string's bytes, exactly sized, or null if {@code value} is not a string. The bytes of the forms changed in place
   * are copied, so the array returned never changes later.
   */
  public static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof RawString r) {
      return r.toBytes();
    }
    if (value instanceof IntString n) {
      return n.toBytes();
    }
    return null;
  }

  /**
   * The buffer holding a string's bytes (valid up to {@link #length}; an {@link IntString} formats its number into a new
   * one); null for null; WRONGTYPE for other types.
   */
  public static byte[] array(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof RawString r) {
      return r.array();
    }
    if (value instanceof IntString n) {
      return n.toBytes();
    }
    if (value == null) {
      return null;
    }
    throw Errors.WRONGTYPE;
  }

  /** A string's length in bytes (0 for null); WRONGTYPE for other types. */
  public static int length(Object value) {
    if (value instanceof byte[] b) {
      return b.length;
    }
    if (value instanceof RawString r) {
      return r.length();
    }
    if (value instanceof IntString n) {
      return n.length();
    }
    if (value == null) {
      return 0;
    }
    throw Errors.WRONGTYPE;
  }

  /** The length of an entry's string, read where it lies (0 for a missing entry); WRONGTYPE for other types. */
  static int length(dev.cairn.core.keyspace.Entry e) {
    if (e == null) {
      return 0;
    }
    dev.cairn.core.keyspace.StringArena arena = e.arena();
    return arena != null ? arena.length(e.handle()) : length(e.valueObject());
  }

  /**
   * Replies with the string of an entry held in its table's arena, read in place; false (nothing written) if the entry's
   * value is an object of its own ({@link dev.cairn.core.keyspace.Entry#valueObject}).
   */
  static boolean replyArena(Reply reply, dev.cairn.core.keyspace.Entry e) {
    dev.cairn.core.keyspace.StringArena arena = e.arena();
    if (arena == null) {
      return false;
    }
    int h = e.handle();
    reply.bulk(arena.page(h), dev.cairn.core.keyspace.StringArena.offset(h), arena.length(h));
    return true;
  }

  /** A string read in place: {@code array[offset, offset + length)}, an arena slot or a value's own buffer. */
  record View(byte[] array, int offset, int length) {
    static final View EMPTY = new View(new byte[0], 0, 0);
  }

  /**
   * Where an entry's string lies, read in place from its arena slot or its value (empty for a missing entry): what the
   * commands that read part of a string or its length use; WRONGTYPE for other types.
   */
  static View view(dev.cairn.core.keyspace.Entry e) {
    if (e == null) {
      return View.EMPTY;
    }
    dev.cairn.core.keyspace.StringArena arena = e.arena();
    if (arena != null) {
      int h = e.handle();
      return new View(arena.page(h), dev.cairn.core.keyspace.StringArena.offset(h), arena.length(h));
    }
    Object v = e.valueObject();
    return new View(array(v), 0, length(v));
  }

  /** A read lookup (an access, a hit or miss) of the entry at {@code key}, whose string can then be read in place. */
  static dev.cairn.core.keyspace.Entry lookupRead(dev.cairn.api.command.CommandContext c, byte[] key) {
    return ((dev.cairn.core.keyspace.Db) c.db()).lookupRead(key);
  }

  /** Writes an entry's string as a bulk reply, read in place when it is in the arena; WRONGTYPE for other types. */
  static void reply(Reply reply, dev.cairn.core.keyspace.Entry e) {
    if (!replyArena(reply, e)) {
      reply(reply, e.valueObject());
    }
  }

  /** Writes a string value as a bulk reply; WRONGTYPE for other types. */
  static void reply(Reply reply, Object value) {
    if (value instanceof byte[] b) {
      reply.bulk(b);
    } else if (value instanceof RawString r) {
      reply.bulk(r.array(), 0, r.length());
    } else if (value instanceof IntString n) {
      reply.bulkLong(n.value);
    } else {
      throw Errors.WRONGTYPE;
    }
  }

  /** Parses a string value as a strict 64-bit integer (Redis's string2ll), or throws {@code error}. */
  static long parseLong(Object value, RedisException error) {
    if (value instanceof IntString n) {
      return n.value;
    }
    byte[] b = array(value);
    int n = length(value);
    long v = Args.parseLongOrMin(b, 0, n);
    if (v == Long.MIN_VALUE && !isMinLong(b, n)) {
      throw error;
    }
    return v;
  }

  private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static boolean isMinLong(byte[] b, int n) {
    return java.util.Arrays.equals(b, 0, n, MIN_LONG, 0, MIN_LONG.length);
  }

  /**
   * The value at {@code key} as a {@link RawString} of at least {@code minLength} bytes (zero-padded), for changing in
   * place: a missing key is created, a plain string converted (keeping its time to live). {@code current} is what a
   * write lookup of the key returned; WRONGTYPE if it is not a string.
   */
  public static RawString forWrite(Database db, byte[] key, Object current, int minLength) {
    if (current instanceof RawString r) {
      r.growZero(minLength);
      return r;
    }
    RawString r;
    if (current == null) {
      r = RawString.zeros(minLength);
    } else if (current instanceof byte[] b) {
      r = RawString.copyOf(b, b.length, minLength);
    } else if (current instanceof IntString n) {
      byte[] b = n.toBytes();
      r = RawString.copyOf(b, b.length, minLength);
    } else {
      throw Errors.WRONGTYPE;
    }
    db.set(key, r, true);
    return r;
  }

  /** proto-max-bulk-len: the largest string a command may build. */
  static long maxLength(CommandContext c) {
    long max = c instanceof Session s ? s.engine.params().protoMaxBulkLen.value : DEFAULT_MAX_BULK_LEN;
    return Math.min(max, RawString.MAX_LENGTH);
  }

  /** Throws "string exceeds maximum allowed size" unless a string of {@code size + append} bytes is allowed. */
  static void checkLength(CommandContext c, long size, long append) {
    long total = size + append;
    if (total > maxLength(c) || total < 0) {
      throw Errors.STRING_TOO_LONG;
    }
  }
}
