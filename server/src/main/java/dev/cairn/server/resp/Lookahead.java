package dev.cairn.server.resp;

import dev.cairn.core.util.Hashing;
import io.netty.buffer.ByteBuf;

/**
 * The keys of the commands a pipelined read brought, found before the commands are decoded, so that the keyspace can
 * prefetch what they will read ({@code Db.prefetch}): a lookup in a table bigger than the caches waits for two or three
 * cache misses one after another, and a batch of such lookups, run command by command, waits for all of them in turn;
 * prefetched together first, their misses overlap. Redis's benchmark with 16 commands a read spent a quarter of the
 * engine thread's time in those lookups.
 *
 * <p>{@link #scan} reads complete multibulk commands without consuming them and stops at anything else (an inline
 * command, an incomplete one, a malformed header: the decoder will deal with those); it records where each command's
 * key (argument 1) and next argument (a field or member) are. Only when it found two or more commands are their
 * hashes computed. Nothing here changes the buffer or affects what the commands do.
 */
public final class Lookahead {
  /** Commands looked at per scan; a longer pipeline is scanned again when these have run. */
  static final int MAX = 32;
  /** Longest header line taken ("*" or "$" and a length): anything longer is left to the decoder. */
  private static final int HEADER_MAX = 12;

  private final int[] keyAt = new int[MAX];
  private final int[] keyLength = new int[MAX];
  private final int[] memberAt = new int[MAX];
  private final int[] memberLength = new int[MAX];
  private final int[] keyHashes = new int[MAX];
  private final int[] memberHashes = new int[MAX];
  private int count;
  /** Keeps the prefetches' results alive (an unused read may be dropped by the compiler). */
  private int seen;

  /** The callback that prefetches a batch (the session's database). */
  public interface Prefetcher {
    int prefetch(int[] keyHashes, int[] memberHashes, int count);
  }

  /**
   * Scans the complete commands at the start of {@code in}'s readable bytes (at most {@link #MAX}) and, if there are
   * two or more, hands their keys' hashes to {@code p}. Returns how many commands were scanned, at least 1: the caller
   * scans again once that many have run.
   */
  public int prefetch(ByteBuf in, Prefetcher p) {
    int n = scan(in);
    if (n >= 2) {
      for (int i = 0; i < count; i++) {
        keyHashes[i] = Hashing.hash(in, keyAt[i], keyLength[i]);
        memberHashes[i] = memberLength[i] < 0 ? 0 : Hashing.hash(in, memberAt[i], memberLength[i]);
      }
      seen += p.prefetch(keyHashes, memberHashes, count);
    }
    return Math.max(n, 1);
  }

  /**
   * Finds the complete multibulk commands from the reader index on; returns how many, and records the key and member
   * positions of those that have a key (two or more arguments) in the first {@link #count} slots.
   */
  int scan(ByteBuf in) {
    count = 0;
    int p = in.readerIndex();
    int end = in.writerIndex();
    int commands = 0;
    while (commands < MAX && p < end && in.getByte(p) == '*') {
      int eol = lineEnd(in, p, end);
      if (eol < 0) {
        break;
      }
      long args = RespDecoder.parseNumber(in, p + 1, eol);
      if (args < 1 || args > 1024) {
        break;
      }
      p = eol + 2;
      int key = -1;
      int keyLen = -1;
      int member = -1;
      int memberLen = -1;
      for (int a = 0; a < args && p >= 0; a++) {
        if (p >= end || in.getByte(p) != '$') {
          p = -1;
          break;
        }
        eol = lineEnd(in, p, end);
        long len = eol < 0 ? -1 : RespDecoder.parseNumber(in, p + 1, eol);
        if (len < 0 || eol + 2 + len + 2 > end) {
          p = -1;
          break;
        }
        p = eol + 2;
        if (a == 1) {
          key = p;
          keyLen = (int) len;
        } else if (a == 2) {
          member = p;
          memberLen = (int) len;
        }
        p += (int) len + 2;
      }
      if (p < 0) {
        break;
      }
      commands++;
      if (keyLen >= 0) {
        keyAt[count] = key;
        keyLength[count] = keyLen;
        memberAt[count] = member;
        memberLength[count] = memberLen;
        count++;
      }
    }
    return commands;
  }

  /** The index of the '\r' of a header line from {@code from}, or -1 if it is not complete within a short line. */
  private static int lineEnd(ByteBuf in, int from, int end) {
    int limit = Math.min(end - 1, from + HEADER_MAX);
    for (int i = from + 1; i < limit; i++) {
      if (in.getByte(i) == '\r') {
        return i;
      }
    }
    return -1;
  }

  /** Keys recorded by the last {@link #scan} (for tests). */
  int keys() {
    return count;
  }

  int keyAt(int i) {
    return keyAt[i];
  }

  int memberAt(int i) {
    return memberAt[i];
  }
}
