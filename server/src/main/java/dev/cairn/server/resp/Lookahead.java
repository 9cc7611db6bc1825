package dev.cairn.server.resp;

import dev.cairn.core.keyspace.Db;
import dev.cairn.core.util.Hashing;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * The complete commands at the start of a read, found before any of them runs: where each one's arguments are, so that
 * the decoder copies them out without parsing the headers again ({@link RespDecoder#decodeScanned}), and their keys'
 * hashes, so that the keyspace can prefetch what they will read ({@code Db.prefetch}). A lookup in a table bigger than
 * the caches waits for two or three cache misses one after another, and a batch of such lookups, run command by command,
 * waits for all of them in turn; prefetched together first, their misses overlap. Redis's benchmark with 16 commands a
 * read spent a quarter of the engine thread's time in those lookups.
 *
 * <p>{@link #scan} reads complete multibulk commands without consuming them and stops at anything else (an inline
 * command, an incomplete one, a header the decoder would question: a sign, a leading zero): the decoder deals with those
 * the usual way. The bytes are read straight from the buffer's memory (the scan stays below its writer index), not
 * through the buffer's checked accessors. Nothing here changes the buffer or affects what the commands do.
 */
public final class Lookahead implements Db.MemberHashes {
  /** {@code -Dcairn.prefetch=false} turns the keyspace prefetch off (the scan still serves the decoder), to compare. */
  public static final boolean PREFETCH = !"false".equals(System.getProperty("cairn.prefetch"));
  /** Commands looked at per scan; a longer pipeline is scanned again when these have run. */
  static final int MAX = 32;
  /** Arguments recorded per scan: a command that does not fit is left to the decoder (and ends the scan). */
  static final int MAX_ARGS = 256;
  /** Longest header line taken ("*" or "$" and a length): anything longer is left to the decoder. */
  private static final int HEADER_MAX = 12;

  /** Per scanned command: where it starts ('*') and ends (after its last argument's CRLF), its arguments. */
  private final int[] start = new int[MAX];
  private final int[] end = new int[MAX];
  private final int[] firstArg = new int[MAX + 1];
  /** Its longest argument: the decoder checks it against the bulk limits at once. */
  private final int[] longest = new int[MAX];
  private final int[] argAt = new int[MAX_ARGS];
  private final int[] argLength = new int[MAX_ARGS];
  /** The scanned commands, and the next one to be decoded. */
  private int commands;
  private int next;
  /** The buffer scanned, while its commands are decoded. */
  private ByteBuf scanned;

  /**
   * The keys found: argument 1 of each command that has one, and every key of MSET, MSETNX, MGET, DEL, UNLINK, EXISTS
   * and TOUCH (a single MSET's ten keys are as many cache misses as ten commands'); by argument index (in
   * {@link #argAt}) and command, and their hashes.
   */
  private final int[] keyArg = new int[MAX_ARGS];
  private final int[] keyCommand = new int[MAX_ARGS];
  private final int[] keyHashes = new int[MAX_ARGS];
  private int keys;
  /** Keeps the prefetches' results alive (an unused read may be dropped by the compiler). */
  private int seen;

  /** How the scanned buffer's bytes are read: its memory address, its array, or (neither) its accessors. */
  private long address;
  private byte[] array;
  private int arrayOffset;

  /** The callback that prefetches a batch (the session's database). */
  public interface Prefetcher {
    int prefetch(int[] keyHashes, int count, Db.MemberHashes members);
  }

  private final Prefetcher prefetcher;

  /** {@code prefetcher} is given each scan's keys; null: none (the scan only serves the decoder). */
  public Lookahead(Prefetcher prefetcher) {
    this.prefetcher = PREFETCH ? prefetcher : null;
  }

  /**
   * Scans the complete commands at the start of {@code in}'s readable bytes (at most {@link #MAX}) and, if they have
   * two or more keys, hands the keys' hashes to the prefetcher. Returns how many commands were scanned.
   */
  int scanAndPrefetch(ByteBuf in) {
    int n = scan(in);
    if (keys >= 2 && prefetcher != null) {
      for (int i = 0; i < keys; i++) {
        keyHashes[i] = hash(in, argAt[keyArg[i]], argLength[keyArg[i]]);
      }
      seen += prefetcher.prefetch(keyHashes, keys, this);
    }
    return n;
  }

  /**
   * The hash of the member argument of the {@code i}th key's command: the argument after the key (HSET, SADD, HGET,
   * SISMEMBER, ZSCORE...), or the one after that for ZADD and ZINCRBY (after the score); 0 when there is none.
   */
  @Override
  public int memberHash(int i) {
    int c = keyCommand[i];
    int member = keyArg[i] + (scoreFirst(c) ? 2 : 1);
    return member < firstArg[c + 1] ? hash(scanned, argAt[member], argLength[member]) : 0;
  }

  /**
   * Where the keys of command {@code c} (with {@code n} arguments, two or more) are: every second argument from 1 for
   * MSET and MSETNX, every one from 1 for MGET, DEL, UNLINK, EXISTS and TOUCH, else argument 1 only (returns 0).
   */
  private int keyStep(int c, int n) {
    if (n < 3) {
      return 0;
    }
    int at = argAt[firstArg[c]];
    return switch (argLength[firstArg[c]]) {
      case 3 -> named(at, "del") ? 1 : 0;
      case 4 -> named(at, "mset") ? 2 : named(at, "mget") ? 1 : 0;
      case 5 -> named(at, "touch") ? 1 : 0;
      case 6 -> named(at, "msetnx") ? 2 : named(at, "unlink") || named(at, "exists") ? 1 : 0;
      default -> 0;
    };
  }

  /** Whether the bytes at {@code at} are {@code lower}'s in any case (letters only). */
  private boolean named(int at, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      if ((at(at + i) | 0x20) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether command {@code c} is ZADD or ZINCRBY, whose member follows a score (a guess: flags may come first). */
  private boolean scoreFirst(int c) {
    int name = firstArg[c];
    int at = argAt[name];
    int len = argLength[name];
    return (len == 4 || len == 7) && (at(at) | 0x20) == 'z' && (at(at + 1) | 0x20) == (len == 4 ? 'a' : 'i');
  }

  private int hash(ByteBuf in, int from, int length) {
    return address != 0 ? Hashing.hashAt(address + from, length) : Hashing.hash(in, from, length);
  }

  /** Whether the next command at {@code in}'s reader index is one the last scan found complete. */
  boolean hasNext(ByteBuf in) {
    return next < commands && in == scanned && start[next] == in.readerIndex();
  }

  /** Forgets the last scan: the buffer may change (it is read from again, or compacted) before the next decode. */
  public void clear() {
    commands = next = keys = 0;
    scanned = null;
    array = null;
  }

  /** The next scanned command's argument count, and the like; {@link #advance} moves on to the one after. */
  int argc() {
    return firstArg[next + 1] - firstArg[next];
  }

  int argAt(int a) {
    return argAt[firstArg[next] + a];
  }

  int argLength(int a) {
    return argLength[firstArg[next] + a];
  }

  int longest() {
    return longest[next];
  }

  /** Where the next command ends; moves on. */
  int advance() {
    return end[next++];
  }

  /**
   * Finds the complete multibulk commands from the reader index on (at most {@link #MAX}, and {@link #MAX_ARGS}
   * arguments in all); returns how many, recording each one's arguments, and which have a key.
   */
  int scan(ByteBuf in) {
    clear();
    scanned = in;
    if (in.hasMemoryAddress() && PlatformDependent.hasUnsafe()) {
      address = in.memoryAddress();
    } else {
      address = 0;
      if (in.hasArray()) {
        array = in.array();
        arrayOffset = in.arrayOffset();
      }
    }
    int p = in.readerIndex();
    int limit = in.writerIndex();
    int args = 0;
    while (commands < MAX && p < limit && at(p) == '*') {
      long n = header(p, limit);
      if (n < 1 || n > MAX_ARGS - args) {
        break;
      }
      int from = p;
      p = headerEnd + 2;
      int max = 0;
      for (int a = 0; a < n; a++) {
        if (p >= limit || at(p) != '$') {
          p = -1;
          break;
        }
        long len = header(p, limit);
        int bulk = headerEnd + 2;
        if (len < 0 || bulk + len + 2 > limit) {
          p = -1;
          break;
        }
        argAt[args + a] = bulk;
        argLength[args + a] = (int) len;
        max = Math.max(max, (int) len);
        p = bulk + (int) len + 2;
      }
      if (p < 0) {
        break;
      }
      start[commands] = from;
      end[commands] = p;
      longest[commands] = max;
      firstArg[commands] = args;
      args += (int) n;
      if (n >= 2) {
        int step = keyStep(commands, (int) n);
        int lastKey = step == 0 ? firstArg[commands] + 1 : args - 1;
        for (int k = firstArg[commands] + 1; k <= lastKey; k += Math.max(step, 1)) {
          keyArg[keys] = k;
          keyCommand[keys++] = commands;
        }
      }
      commands++;
      firstArg[commands] = args;
    }
    return commands;
  }

  /** The byte at index {@code i} of the scanned buffer (below its writer index). */
  byte at(int i) {
    if (address != 0) {
      return PlatformDependent.getByte(address + i);
    }
    return array != null ? array[arrayOffset + i] : scanned.getByte(i);
  }

  /**
   * The count or length of the header line at {@code p} ("*" or "$" there, then a number and CRLF within a short line):
   * decimal digits with no sign and no leading zero (what the decoder accepts, and less), or -1 for anything else (the
   * decoder deals with it) and for a line not complete yet. Sets {@link #headerEnd} to the index of its '\r'.
   */
  private long header(int p, int limit) {
    int last = Math.min(limit - 1, p + HEADER_MAX);
    int i = p + 1;
    long v = 0;
    for (; i < last; i++) {
      int d = at(i) - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
    }
    if (i == p + 1 || i >= last || at(i) != '\r' || i > p + 2 && at(p + 1) == '0') {
      return -1;
    }
    headerEnd = i;
    return v;
  }

  /** Where the last {@link #header} line's '\r' is. */
  private int headerEnd;

  /** Whether the {@code name.length} bytes at {@code at} are {@code name}'s (the scan's buffer, unchanged since). */
  boolean matches(int at, byte[] name) {
    for (int i = 0; i < name.length; i++) {
      if (at(at + i) != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Copies the bytes at {@code at} into {@code dst}, all of it (the scan's buffer, unchanged since). */
  void copy(int at, byte[] dst) {
    copy(at, dst, 0, dst.length);
  }

  /** Copies the {@code length} bytes at {@code at} into {@code dst} from {@code to}. */
  void copy(int at, byte[] dst, int to, int length) {
    if (address != 0) {
      PlatformDependent.copyMemory(address + at, dst, to, length);
    } else if (array != null) {
      System.arraycopy(array, arrayOffset + at, dst, to, length);
    } else {
      scanned.getBytes(at, dst, to, length);
    }
  }

  /** Keys recorded by the last {@link #scan} (for tests). */
  int keys() {
    return keys;
  }

  /** Where the {@code i}th key is (for tests). */
  int keyAt(int i) {
    return argAt[keyArg[i]];
  }
}
