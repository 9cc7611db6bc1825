package dev.cairn.server.resp;

import dev.cairn.core.util.SplitArgs;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * Parses client commands straight from the socket's bytes, resumably: a command split across reads continues where it
 * stopped, and a bulk string is copied, as it arrives, into the array that becomes the argument (never re-parsed). A
 * big bulk's array follows the bytes that actually came, not the length the client declared: it starts small and
 * doubles up to the declared length, so a client that declares 512 MB and sends three bytes holds 32 KB, and one that
 * sends all of it costs less than twice its length in extra copying. Accepts RESP multibulk and inline commands, with Redis's
 * protocol errors and limits.
 */
public final class RespDecoder {
  /** Longest inline command or multibulk header line, as Redis's PROTO_INLINE_MAX_SIZE. */
  static final int INLINE_MAX = 64 * 1024;
  /**
   * Bulks at least this long get memory as their bytes arrive (Redis's PROTO_MBULK_BIG_ARG); shorter ones are
   * allocated at their declared length at once, which an unanswered declaration can cost no more than this.
   */
  static final int BIG_BULK = 32 * 1024;

  /** The result of one {@link #decode} call. */
  public enum Result { COMMAND, NEED_MORE, EMPTY }

  /** A protocol violation: the message follows "Protocol error: ". */
  public static final class ProtocolException extends Exception {
    public ProtocolException(String msg) {
      super(msg, null, false, false);
    }
  }

  private final Limits limits;
  private byte[][] argv = new byte[8][];
  private int argc;
  // multibulk state
  private int expectedArgs = -1;
  /** The bulk being read: its declared length, its array (shorter than that while a big bulk grows), bytes filled. */
  private byte[] bulk;
  private int bulkLen;
  private int bulkFilled;

  /** Limits that may change at run time (CONFIG SET) and depend on the client (authenticated or not). */
  public interface Limits {
    long maxBulkLength();

    boolean authenticated();
  }

  public RespDecoder(Limits limits) {
    this.limits = limits;
  }

  public byte[][] argv() {
    return argv;
  }

  public int argc() {
    return argc;
  }

  /** Bytes of a bulk argument received so far while it is still incomplete (they count in the query buffer). */
  public long partialBulkBytes() {
    return bulk == null ? 0 : bulkFilled;
  }

  /** Room allocated for an incomplete bulk argument and not yet filled (part of the query buffer's free space). */
  public long partialBulkFree() {
    return bulk == null ? 0 : bulk.length - bulkFilled;
  }

  /** Whether a command is partly read (the query buffer holds part of it, or a bulk is half filled). */
  public boolean midCommand() {
    return expectedArgs >= 0;
  }

  /**
   * Reads at most one command from {@code in}. On COMMAND the arguments are in {@link #argv()}/{@link #argc()} until
   * the next call; EMPTY means an empty inline line or a zero-length multibulk was consumed.
   */
  public Result decode(ByteBuf in) throws ProtocolException {
    if (expectedArgs < 0) {
      if (!in.isReadable()) {
        return Result.NEED_MORE;
      }
      if (in.getByte(in.readerIndex()) != '*') {
        return decodeInline(in);
      }
      int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
      if (eol < 0 || eol + 1 >= in.writerIndex()) {
        if (in.readableBytes() > INLINE_MAX) {
          throw new ProtocolException("too big mbulk count string");
        }
        return Result.NEED_MORE;
      }
      long n = parseNumber(in, in.readerIndex() + 1, eol);
      if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
        throw new ProtocolException("invalid multibulk length");
      }
      if (n > 10 && !limits.authenticated()) {
        throw new ProtocolException("unauthenticated multibulk length");
      }
      in.readerIndex(eol + 2);
      if (n <= 0) {
        return Result.EMPTY;
      }
      expectedArgs = (int) n;
      argc = 0;
      if (argv.length < Math.min(n, 1024)) {
        argv = new byte[(int) Math.min(n, 1024)][];
      }
    }
    while (argc < expectedArgs) {
      if (bulk == null) {
        if (!in.isReadable()) {
          return Result.NEED_MORE;
        }
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        if (eol < 0 || eol + 1 >= in.writerIndex()) {
          if (in.readableBytes() > INLINE_MAX) {
            throw new ProtocolException("too big bulk count string");
          }
          return Result.NEED_MORE;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
          throw new ProtocolException("expected '$', got '" + (char) (first & 0xFF) + "'");
        }
        long len = parseNumber(in, in.readerIndex() + 1, eol);
        if (len < 0 || len > limits.maxBulkLength() || len > Integer.MAX_VALUE - 16) {
          throw new ProtocolException("invalid bulk length");
        }
        if (len > 16384 && !limits.authenticated()) {
          throw new ProtocolException("unauthenticated bulk length");
        }
        in.readerIndex(eol + 2);
        bulkLen = (int) len;
        bulkFilled = 0;
        // what has already arrived of a big bulk is allocated at once; the rest as it comes
        bulk = new byte[len < BIG_BULK ? bulkLen : Math.min(bulkLen, Math.max(BIG_BULK, in.readableBytes()))];
      }
      int take = Math.min(bulkLen - bulkFilled, in.readableBytes());
      if (take > bulk.length - bulkFilled) {
        growBulk(bulkFilled + take);
      }
      in.readBytes(bulk, bulkFilled, take);
      bulkFilled += take;
      if (bulkFilled < bulkLen || in.readableBytes() < 2) {
        return Result.NEED_MORE;
      }
      // Redis skips the two bytes after a bulk without checking them
      in.skipBytes(2);
      if (argc == argv.length) {
        argv = Arrays.copyOf(argv, Math.min(expectedArgs, argv.length * 2));
      }
      argv[argc++] = bulk;
      bulk = null;
    }
    expectedArgs = -1;
    return Result.COMMAND;
  }

  /**
   * Doubles the bulk's array (at least to {@code need}, at most to the declared length): the array stays within twice
   * the bytes received (or {@link #BIG_BULK}), and growing a bulk of n bytes copies less than 2n bytes in all.
   */
  private void growBulk(int need) {
    bulk = Arrays.copyOf(bulk, (int) Math.min(bulkLen, Math.max(need, 2L * bulk.length)));
  }

  private Result decodeInline(ByteBuf in) throws ProtocolException {
    int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (nl < 0) {
      if (in.readableBytes() > INLINE_MAX) {
        throw new ProtocolException("too big inline request");
      }
      return Result.NEED_MORE;
    }
    int start = in.readerIndex();
    int end = nl;
    if (end > start && in.getByte(end - 1) == '\r') {
      end--;
    }
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(nl + 1);
    List<byte[]> parts = SplitArgs.split(line, 0, line.length);
    if (parts == null) {
      throw new ProtocolException("unbalanced quotes in request");
    }
    if (parts.isEmpty()) {
      return Result.EMPTY;
    }
    argc = parts.size();
    if (argv.length < argc) {
      argv = new byte[argc][];
    }
    for (int i = 0; i < argc; i++) {
      argv[i] = parts.get(i);
    }
    return Result.COMMAND;
  }

  /**
   * Parses the decimal between {@code from} and {@code to} as Redis's string2ll does (no sign but '-', no leading
   * zeros, no "-0"); Long.MIN_VALUE if malformed.
   */
  static long parseNumber(ByteBuf in, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 20) {
      return Long.MIN_VALUE;
    }
    int p = from;
    if (len == 1 && in.getByte(p) == '0') {
      return 0;
    }
    boolean neg = in.getByte(p) == '-';
    if (neg) {
      p++;
    }
    if (p == to) {
      return Long.MIN_VALUE;
    }
    int first = in.getByte(p) - '0';
    if (first < 1 || first > 9) {
      return Long.MIN_VALUE;
    }
    // accumulate negatively so that Long.MIN_VALUE itself parses
    long v = -first;
    for (p++; p < to; p++) {
      int d = in.getByte(p) - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      if (v < (Long.MIN_VALUE + d) / 10) {
        return Long.MIN_VALUE;
      }
      v = v * 10 - d;
    }
    if (neg) {
      return v;
    }
    return v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
  }
}
