package dev.cairn.core.type.string;

import dev.cairn.api.reply.Reply;

/**
 * The longest common subsequence of two byte strings, by the classic dynamic programme: a table of the LCS lengths of
 * every pair of prefixes, then a walk back from the end that recovers the sequence and the matching ranges.
 *
 * <p>The walk prefers to drop a byte of the second string when both choices keep the same length, and reports ranges
 * from the end of the strings towards their start: the same sequence and ranges, in the same order, as Redis.
 */
final class Lcs {
  private final byte[] a;
  private final int alen;
  private final byte[] b;
  private final int blen;
  /** table[i * (blen + 1) + j]: the LCS length of a[0..i) and b[0..j). */
  private final int[] table;

  Lcs(byte[] a, int alen, byte[] b, int blen) {
    this.a = a;
    this.alen = alen;
    this.b = b;
    this.blen = blen;
    int w = blen + 1;
    table = new int[(alen + 1) * w];
    for (int i = 1; i <= alen; i++) {
      int row = i * w;
      int prev = row - w;
      byte ai = a[i - 1];
      for (int j = 1; j <= blen; j++) {
        table[row + j] = ai == b[j - 1] ? table[prev + j - 1] + 1 : Math.max(table[prev + j], table[row + j - 1]);
      }
    }
  }

  private int at(int i, int j) {
    return table[i * (blen + 1) + j];
  }

  /** The length of the longest common subsequence. */
  int length() {
    return at(alen, blen);
  }

  /** The longest common subsequence itself. */
  byte[] sequence() {
    int n = length();
    byte[] out = new byte[n];
    int i = alen;
    int j = blen;
    while (i > 0 && j > 0) {
      if (a[i - 1] == b[j - 1]) {
        out[--n] = a[i - 1];
        i--;
        j--;
      } else if (at(i - 1, j) > at(i, j - 1)) {
        i--;
      } else {
        j--;
      }
    }
    return out;
  }

  /**
   * Writes the matching ranges, last first, as LCS IDX does: each an array of [[a-start a-end] [b-start b-end]] and,
   * {@code withLength}, the range's length. Ranges shorter than {@code minLength} are left out. Returns how many were
   * written.
   */
  int matches(long minLength, boolean withLength, Reply r) {
    int written = 0;
    int i = alen;
    int j = blen;
    int aStart = -1; // -1: no range open
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    while (i > 0 && j > 0) {
      boolean close;
      if (a[i - 1] == b[j - 1]) {
        if (aStart < 0) {
          aStart = aEnd = i - 1;
          bStart = bEnd = j - 1;
        } else {
          aStart--; // walking back from a match, the next match is always adjacent
          bStart--;
        }
        close = aStart == 0 || bStart == 0; // the walk ends here
        i--;
        j--;
      } else {
        if (at(i - 1, j) > at(i, j - 1)) {
          i--;
        } else {
          j--;
        }
        close = aStart >= 0;
      }
      if (close) {
        int len = aEnd - aStart + 1;
        if (len >= minLength) {
          r.array(withLength ? 3 : 2);
          r.array(2);
          r.integer(aStart);
          r.integer(aEnd);
          r.array(2);
          r.integer(bStart);
          r.integer(bEnd);
          if (withLength) {
            r.integer(len);
          }
          written++;
        }
        aStart = -1;
      }
    }
    return written;
  }
}
