package dev.cairn.server.resp;

import dev.cairn.api.command.Args;
import dev.cairn.core.util.SplitArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses client commands straight from the socket's bytes, resumably: a command split across reads continues where it
 * stopped, and a bulk string is copied, as it arrives, into the array that becomes the argument (never re-parsed).
 * Accepts RESP multibulk and inline commands, with Redis's protocol errors and limits.
 *
 * <p>Memory for a big bulk follows the bytes that actually came, not the length the client declared. Until half of it
 * has come, its bytes wait in direct-memory chunks sized to what came (no humongous arrays for the collector, nothing
 * touched in advance); then the argument's array is allocated once and the chunks are copied in. A client that
 * declares 512 MB and sends three bytes holds 32 KB; one that trickles holds at most twice what it sent; one that sends
 * it all costs half its length in extra copying.
 */
public final class RespDecoder {
  /** Longest inline command or multibulk header line, as Redis's PROTO_INLINE_MAX_SIZE. */
  static final int INLINE_MAX = 64 * 1024;
  /**
   * Bulks at least this long get memory as their bytes arrive (Redis's PROTO_MBULK_BIG_ARG); shorter ones are
   * allocated at their declared length at once, which an unanswered declaration can cost no more than this.
   */
  static final int BIG_BULK = 32 * 1024;
  /** Largest chunk a big bulk waits in before it has its array. */
  static final int CHUNK_MAX = 1024 * 1024;

  /** The result of one {@link #decode} call. */
  public enum Result { COMMAND, NEED_MORE, EMPTY }

  /** A protocol violation: the message follows "Protocol error: ". */
  public static final class ProtocolException extends Exception {
    public ProtocolException(String msg) {
      super(msg, null, false, false);
    }
  }

  private final Limits limits;
  private final ByteBufAllocator alloc;
  private byte[][] argv = new byte[8][];
  private int argc;
  // multibulk state
  private int expectedArgs = -1;
  /** The bulk being read: its declared length (-1 between bulks) and the bytes received. */
  private int bulkLen = -1;
  private int bulkFilled;
  /** Its array, once allocated: at once for a small bulk, once half has come for a big one. */
  private byte[] bulk;
  /** Until then, a big bulk's bytes. */
  private final ArrayList<ByteBuf> chunks = new ArrayList<>(0);
  /**
   * The arguments after the name that are at most {@link #SLICE_MAX} bytes, back to back for the current command (see
   * {@link Args}): read in place by the hot commands, copied out by whatever keeps one. Their {@link #argv} slot is null.
   */
  private byte[] arena = new byte[ARENA_INITIAL];
  private int arenaUsed;
  private int[] offsets = new int[8];
  private int[] lengths = new int[8];
  /** Where the bulk being read goes in the arena, or -1 when it has an array of its own. */
  private int bulkAt = -1;
  /**
   * Longest argument kept in the arena. A longer one gets its own array at once: it is a value more often than a key,
   * which the command then keeps, and copying it twice would cost more than its array.
   */
  static final int SLICE_MAX = 512;
  static final int ARENA_INITIAL = 256;
  /** The arena grows to this at most (a command's arguments past it get arrays of their own). */
  static final int ARENA_MAX = 8 * 1024;
  /** Command names this connection sent, by {@link #nameSlot}: a name seen again reuses its array. */
  private static final int NAMES = 16;
  private static final int NAME_MAX = 32;
  private final byte[][] names = new byte[NAMES][];

  /** Limits that may change at run time (CONFIG SET) and depend on the client (authenticated or not). */
  public interface Limits {
    long maxBulkLength();

    boolean authenticated();
  }

  /** {@code alloc} gives the chunks a big bulk waits in; {@link #release()} frees them. */
  public RespDecoder(Limits limits, ByteBufAllocator alloc) {
    this.limits = limits;
    this.alloc = alloc;
  }

  /** Frees what a half-received bulk holds (the connection is gone). */
  public void release() {
    for (ByteBuf c : chunks) {
      c.release();
    }
    chunks.clear();
    bulk = null;
    bulkAt = -1;
    bulkLen = -1;
  }

  /** Points {@code args} at the command just decoded (until the next call of decode). */
  public void fill(Args args) {
    args.reset(argv, argc, arena, offsets, lengths);
  }

  /** Argument {@code i} of the command just decoded, as an array of its own (tests). */
  byte[] arg(int i) {
    byte[] b = argv[i];
    return b != null ? b : Arrays.copyOfRange(arena, offsets[i], offsets[i] + lengths[i]);
  }

  public int argc() {
    return argc;
  }

  /** Bytes of a bulk argument received so far while it is still incomplete (they count in the query buffer). */
  public long partialBulkBytes() {
    return bulkLen < 0 ? 0 : bulkFilled;
  }

  /** Room allocated for an incomplete bulk argument and not yet filled (part of the query buffer's free space). */
  public long partialBulkFree() {
    if (bulkLen < 0) {
      return 0;
    }
    return bulkAt >= 0 || bulk != null ? bulkLen - bulkFilled : chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).writableBytes();
  }

  /**
   * What Redis would hold for a big bulk still arriving beyond what has come and the room allocated for it: Redis sizes
   * its query buffer to the declared length once the bulk's header is read, and counts it (tot-mem, client eviction);
   * this decoder allocates as the bytes come, so qbuf-free shows what is allocated and tot-mem adds the rest.
   */
  public long pendingDeclaredBytes() {
    if (bulkLen < BIG_BULK) {
      return 0;
    }
    return Math.max(0, bulkLen + 2L - bulkFilled - partialBulkFree());
  }

  /**
   * The argument arena's bytes and its position tables' (two ints an argument slot), less what is counted elsewhere:
   * while a command is partly read, the arena's filled part (its complete arguments are argv-mem, the bulk arriving
   * into it qbuf and qbuf-free); else up to {@code argvCounted} bytes, the running command's arguments that argv-mem
   * counts. Between commands the whole arena counts: it is what Redis's freed argv and trimmed query buffer are here.
   */
  public long argumentArenaBytes(long argvCounted) {
    long held = arena.length + 8L * offsets.length;
    return held - (expectedArgs >= 0 ? arenaUsed : Math.min(arenaUsed, argvCounted));
  }

  /** Bytes of the arguments already complete of a command still partly read (CLIENT LIST's argv-mem counts them). */
  public long partialArgvBytes() {
    if (expectedArgs < 0) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < argc; i++) {
      n += argv[i] != null ? argv[i].length : lengths[i];
    }
    return n;
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
      startCommand();
      if (argv.length < Math.min(n, 1024)) {
        grow((int) Math.min(n, 1024));
      }
    }
    while (argc < expectedArgs) {
      if (bulkLen < 0) {
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
        if (argc == 0 && in.readableBytes() >= bulkLen && (bulk = knownName(in, in.readerIndex(), bulkLen)) != null) {
          in.skipBytes(bulkLen);
          bulkFilled = bulkLen;
        } else if (argc > 0 && (bulkAt = reserve(bulkLen)) >= 0) {
          bulk = null;
        } else {
          bulk = len < BIG_BULK || in.readableBytes() >= bulkLen / 2 ? new byte[bulkLen] : null;
        }
      }
      int take = Math.min(bulkLen - bulkFilled, in.readableBytes());
      if (bulkAt >= 0) {
        in.readBytes(arena, bulkAt + bulkFilled, take);
      } else if (bulk != null) {
        in.readBytes(bulk, bulkFilled, take);
      } else {
        collect(in, take);
      }
      bulkFilled += take;
      if (bulkFilled < bulkLen || in.readableBytes() < 2) {
        return Result.NEED_MORE;
      }
      // Redis skips the two bytes after a bulk without checking them
      in.skipBytes(2);
      if (argc == argv.length) {
        grow(Math.min(expectedArgs, argv.length * 2));
      }
      if (argc == 0) {
        rememberName(bulk);
      }
      if (bulkAt >= 0) {
        offsets[argc] = bulkAt;
        lengths[argc] = bulkLen;
      }
      argv[argc++] = bulk;
      bulk = null;
      bulkAt = -1;
      bulkLen = -1;
    }
    expectedArgs = -1;
    return Result.COMMAND;
  }

  /**
   * Reads at most one command from {@code in} as {@link #decode(ByteBuf)} does, through {@code ahead}: a command that is
   * not partly read yet is looked for in a scan of the buffer (made now if the last one is used up), and one found
   * complete there is copied out without parsing its headers again. {@code ahead} must be cleared whenever {@code in}
   * changes other than by this decoder's reads (more bytes appended, read bytes discarded).
   */
  public Result decode(ByteBuf in, Lookahead ahead) throws ProtocolException {
    if (!midCommand() && !ahead.hasNext(in)) {
      ahead.scanAndPrefetch(in);
    }
    return ahead.hasNext(in) ? decodeScanned(in, ahead) : decode(in);
  }

  /**
   * Reads the next command of {@code scan} (complete, its arguments found by {@link Lookahead#scan}): the same command
   * {@link #decode} would read, without parsing its headers again. A command the limits may refuse (too many arguments
   * or too long a bulk for an unauthenticated client, a bulk over proto-max-bulk-len) goes through {@link #decode},
   * which answers it as usual.
   */
  private Result decodeScanned(ByteBuf in, Lookahead scan) throws ProtocolException {
    int n = scan.argc();
    int longest = scan.longest();
    if ((n > 10 || longest > 16384) && !limits.authenticated() || longest > limits.maxBulkLength()) {
      scan.advance();
      return decode(in);
    }
    if (argv.length < n) {
      grow(n);
    }
    startCommand();
    for (int a = 0; a < n; a++) {
      int at = scan.argAt(a);
      int len = scan.argLength(a);
      byte[] arg = a == 0 ? knownName(scan, at, len) : null;
      int slot = a > 0 ? reserve(len) : -1;
      if (slot >= 0) {
        scan.copy(at, arena, slot, len);
        offsets[a] = slot;
        lengths[a] = len;
      } else if (arg == null) {
        arg = new byte[len];
        scan.copy(at, arg);
        if (a == 0) {
          rememberName(arg);
        }
      }
      argv[a] = arg;
    }
    argc = n;
    in.readerIndex(scan.advance());
    return Result.COMMAND;
  }

  /**
   * A command starts: the arena is free again. Grown by a command with many arguments, it goes back to its first size
   * once one that needs no more comes, so that an idle connection holds 256 bytes for it.
   */
  private void startCommand() {
    if (arena.length > ARENA_INITIAL && arenaUsed <= ARENA_INITIAL) {
      arena = new byte[ARENA_INITIAL];
    }
    arenaUsed = 0;
  }

  /**
   * Room for an argument of {@code length} bytes in the arena (grown if need be, up to {@link #ARENA_MAX}): its
   * offset, or -1 when it gets an array of its own.
   */
  private int reserve(int length) {
    if (length > SLICE_MAX) {
      return -1;
    }
    int at = arenaUsed;
    if (at + length > arena.length) {
      if (at + length > ARENA_MAX) {
        return -1;
      }
      arena = Arrays.copyOf(arena, Math.min(ARENA_MAX, Math.max(arena.length * 2, at + length)));
    }
    arenaUsed = at + length;
    return at;
  }

  /** Makes room for {@code n} arguments. */
  private void grow(int n) {
    argv = Arrays.copyOf(argv, n);
    offsets = Arrays.copyOf(offsets, n);
    lengths = Arrays.copyOf(lengths, n);
  }

  /**
   * The array of a command name this connection sent before, when the {@code length} bytes at {@code at} in {@code in}
   * (all there) are the same: a client sends a few names over and over, and each would otherwise cost an array per
   * command. Sharing is safe because nothing writes into an argument's array (the command table looks names up, never
   * keeps them).
   */
  private byte[] knownName(ByteBuf in, int at, int length) {
    if (length > NAME_MAX) {
      return null;
    }
    byte[] name = names[nameSlot(in, at, length)];
    if (name == null || name.length != length) {
      return null;
    }
    for (int i = 0; i < length; i++) {
      if (name[i] != in.getByte(at + i)) {
        return null;
      }
    }
    return name;
  }

  /** {@link #knownName(ByteBuf, int, int)} of a scanned command's name, read as the scan reads. */
  private byte[] knownName(Lookahead scan, int at, int length) {
    if (length > NAME_MAX) {
      return null;
    }
    byte[] name = names[length == 0 ? 0 : nameSlot(length, scan.at(at), scan.at(at + length - 1))];
    return name != null && name.length == length && scan.matches(at, name) ? name : null;
  }

  /** Keeps a command name's new array for {@link #knownName} to hand out again. */
  private void rememberName(byte[] name) {
    if (name.length <= NAME_MAX) {
      names[nameSlot(name, 0, name.length)] = name;
    }
  }

  /** A slot of {@link #names} from a name's length, first and last byte (the same for the array and the buffer). */
  private static int nameSlot(int length, int first, int last) {
    return (length * 7 + first * 3 + last) & (NAMES - 1);
  }

  private static int nameSlot(byte[] name, int from, int length) {
    return length == 0 ? 0 : nameSlot(length, name[from], name[from + length - 1]);
  }

  private static int nameSlot(ByteBuf in, int from, int length) {
    return length == 0 ? 0 : nameSlot(length, in.getByte(from), in.getByte(from + length - 1));
  }

  /**
   * Keeps {@code take} bytes of a big bulk without its array. Once half of the bulk has come, allocates the array and
   * moves what waited into it; until then the bytes go into chunks as big as what came so far (from 32 KB up to
   * {@link #CHUNK_MAX}), so that they hold at most twice that.
   */
  private void collect(ByteBuf in, int take) {
    if (bulkFilled + take >= bulkLen / 2) {
      bulk = new byte[bulkLen];
      int at = 0;
      for (ByteBuf c : chunks) {
        int n = c.readableBytes();
        c.readBytes(bulk, at, n);
        at += n;
        c.release();
      }
      chunks.clear();
      in.readBytes(bulk, bulkFilled, take);
      return;
    }
    int received = bulkFilled;
    while (take > 0) {
      ByteBuf last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
      if (last == null || !last.isWritable()) {
        int size = Math.min(CHUNK_MAX, Math.max(BIG_BULK, received));
        last = alloc.directBuffer(size, size);
        chunks.add(last);
      }
      int n = Math.min(take, last.writableBytes());
      last.writeBytes(in, n);
      received += n;
      take -= n;
    }
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
    if (plainInline(in, start, end)) {
      in.readerIndex(nl + 1);
      return argc == 0 ? Result.EMPTY : Result.COMMAND;
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
      grow(argc);
    }
    for (int i = 0; i < argc; i++) {
      argv[i] = parts.get(i);
    }
    return Result.COMMAND;
  }

  /**
   * Splits an inline line without quotes, NULs, vertical tabs or form feeds (PING, as redis-benchmark and health checks
   * send it) straight from the buffer into {@link #argv()}, the command name's array reused as for multibulk commands:
   * there the words are the runs between spaces, tabs, CRs and LFs, exactly as {@link SplitArgs} makes them, without
   * its line copy, list and per-word streams. Returns false, having set nothing, for any other line.
   */
  private boolean plainInline(ByteBuf in, int start, int end) {
    for (int p = start; p < end; p++) {
      byte c = in.getByte(p);
      if (c == '"' || c == '\'' || c == 0 || c == 0x0b || c == 0x0c) {
        return false;
      }
    }
    argc = 0;
    int p = start;
    while (true) {
      while (p < end && isInlineSpace(in.getByte(p))) {
        p++;
      }
      if (p == end) {
        return true;
      }
      int from = p;
      while (p < end && !isInlineSpace(in.getByte(p))) {
        p++;
      }
      int len = p - from;
      byte[] word = argc == 0 ? knownName(in, from, len) : null;
      if (word == null) {
        word = new byte[len];
        in.getBytes(from, word);
        if (argc == 0) {
          rememberName(word);
        }
      }
      if (argc == argv.length) {
        grow(argv.length * 2);
      }
      argv[argc++] = word;
    }
  }

  private static boolean isInlineSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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
