package dev.cairn.core.type.string;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.Errors;
import dev.cairn.core.connection.Session;

/**
 * The options of SET ({@code NX XX GET EX PX EXAT PXAT KEEPTTL}) and GETEX ({@code EX PX EXAT PXAT PERSIST}), with
 * Redis's rules for which may be combined: any other combination, a repeated expiry, or an option of the other command
 * is a syntax error. Parsing returns the flags and the index of the expiry argument packed in a long, so that SET
 * allocates nothing for its options.
 */
final class ExpireOptions {
  private ExpireOptions() {}

  static final int NX = 1;
  static final int XX = 1 << 1;
  static final int GET = 1 << 2;
  static final int EX = 1 << 3;
  static final int PX = 1 << 4;
  static final int EXAT = 1 << 5;
  static final int PXAT = 1 << 6;
  static final int KEEPTTL = 1 << 7;
  static final int PERSIST = 1 << 8;
  private static final int EXPIRY = EX | PX | EXAT | PXAT;

  /** The flags of a parse result. */
  static int flags(long parsed) {
    return (int) (parsed & 0xffff);
  }

  /** The index of the expiry argument in a parse result, or -1 if none was given. */
  static int argIndex(long parsed) {
    int i = (int) (parsed >>> 16);
    return i == 0 ? -1 : i;
  }

  /** Parses the options from argument {@code from} on; {@code set} selects SET's options, else GETEX's. */
  static long parse(Args a, int from, boolean set) {
    int flags = 0;
    int expireArg = 0;
    int n = a.size();
    for (int j = from; j < n; j++) {
      boolean hasNext = j + 1 < n;
      int f;
      if (set && a.is(j, "nx") && (flags & XX) == 0) {
        f = NX;
      } else if (set && a.is(j, "xx") && (flags & NX) == 0) {
        f = XX;
      } else if (set && a.is(j, "get")) {
        f = GET;
      } else if (set && a.is(j, "keepttl") && (flags & (PERSIST | EXPIRY)) == 0) {
        f = KEEPTTL;
      } else if (!set && a.is(j, "persist") && (flags & (EXPIRY | KEEPTTL)) == 0) {
        f = PERSIST;
      } else if (hasNext && (flags & (KEEPTTL | PERSIST)) == 0 && (f = expiryWord(a, j)) != 0
          && (flags & EXPIRY & ~f) == 0) {
        // the same expiry twice is allowed (the last one wins); two different ones are not
        expireArg = ++j;
      } else {
        throw Errors.SYNTAX;
      }
      flags |= f;
    }
    return flags | (long) expireArg << 16;
  }

  private static int expiryWord(Args a, int j) {
    if (a.is(j, "ex")) {
      return EX;
    } else if (a.is(j, "px")) {
      return PX;
    } else if (a.is(j, "exat")) {
      return EXAT;
    } else if (a.is(j, "pxat")) {
      return PXAT;
    }
    return 0;
  }

  /**
   * The absolute expiry, in milliseconds since the epoch, that an expiry argument asks for ({@code flags} tell its
   * unit and whether it is relative); throws "invalid expire time in '<command>' command" when it is not positive or
   * overflows.
   */
  static long expireAt(CommandContext c, Args a, int arg, int flags, String command) {
    long ms = a.longArg(arg);
    boolean seconds = (flags & (EX | EXAT)) != 0;
    if (ms <= 0 || seconds && ms > Long.MAX_VALUE / 1000) {
      throw Errors.invalidExpire(command);
    }
    if (seconds) {
      ms *= 1000;
    }
    if ((flags & (EX | PX)) != 0) {
      ms += c.now(); // wraps negative on overflow, caught below
    }
    if (ms <= 0) {
      throw Errors.invalidExpire(command);
    }
    return ms;
  }

  /**
   * Whether an absolute expiry has already passed, so the key should go now. Never while loading or on a replica
   * (there the key stays until the primary's DEL arrives); the engine turns expiry off in both.
   */
  static boolean alreadyExpired(CommandContext c, long at) {
    boolean expiryOn = !(c instanceof Session s) || s.engine.keyspace().expiryEnabled() && !s.engine.keyspace().loading();
    return at <= c.now() && expiryOn;
  }

  private static final byte[] DEL_CMD = {'D', 'E', 'L'};
  private static final byte[] UNLINK_CMD = {'U', 'N', 'L', 'I', 'N', 'K'};

  /** How a key deleted because its time passed propagates: UNLINK under lazyfree-lazy-expire, else DEL. */
  static byte[] expiredDeleteCommand(CommandContext c) {
    boolean lazy = c instanceof Session s && s.engine.params().memory.lazyfreeLazyExpire.value;
    return lazy ? UNLINK_CMD : DEL_CMD;
  }
}
