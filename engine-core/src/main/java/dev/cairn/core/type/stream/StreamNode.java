package dev.cairn.core.type.stream;

import dev.cairn.core.type.list.ListPack;
import java.util.Arrays;

/**
 * One node of a stream: a listpack in Redis's byte layout holding a run of entries whose IDs are deltas from the
 * node's master ID (its key in the node index). The array may be longer than the listpack (room to append); the
 * header's total-bytes field says where it ends.
 *
 * <pre>
 * listpack     = total-bytes:u32le num-elements:u16le element* 0xFF
 * master entry = count deleted num-fields field_1 .. field_N 0
 * entry        = flags ms-delta seq-delta [num-fields field_1 value_1 ..] | [value_1 .. value_N] lp-count
 * </pre>
 *
 * {@code count} and {@code deleted} are the node's live and deleted entries; an entry whose flags have
 * {@link #SAMEFIELDS} has the master's fields and stores only its values; {@link #DELETED} marks a deleted entry that
 * stays until its node goes; {@code lp-count} is the number of elements before it in the entry (so the entries can be
 * walked backwards). Elements are listpack integers where they are canonical decimal numbers, as in Redis.
 */
final class StreamNode {
  private StreamNode() {}

  static final int DELETED = 1;
  static final int SAMEFIELDS = 2;
  /** The listpack header: total bytes and element count. */
  static final int HEADER = 6;
  /** Redis's num-elements value for "too many to count". */
  private static final int UNKNOWN_COUNT = 65535;

  /** The listpack's size in bytes (its header says). */
  static int bytes(byte[] lp) {
    return (lp[0] & 0xFF) | (lp[1] & 0xFF) << 8 | (lp[2] & 0xFF) << 16 | (lp[3] & 0xFF) << 24;
  }

  private static void setBytes(byte[] lp, int n) {
    lp[0] = (byte) n;
    lp[1] = (byte) (n >>> 8);
    lp[2] = (byte) (n >>> 16);
    lp[3] = (byte) (n >>> 24);
  }

  private static void addElements(byte[] lp, int k) {
    int n = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
    if (n != UNKNOWN_COUNT) {
      n = Math.min(UNKNOWN_COUNT, n + k);
      lp[4] = (byte) n;
      lp[5] = (byte) (n >>> 8);
    }
  }

  /** Live entries of the node. */
  static long count(byte[] lp) {
    return ListPack.intAt(lp, HEADER);
  }

  /** Entries of the node marked deleted. */
  static long deleted(byte[] lp) {
    return ListPack.intAt(lp, HEADER + ListPack.entryLen(lp, HEADER));
  }

  /** Position of the master entry's num-fields element. */
  static int masterFieldsCountPos(byte[] lp) {
    int p = HEADER + ListPack.entryLen(lp, HEADER);
    return p + ListPack.entryLen(lp, p);
  }

  /** Position of the first entry (after the master entry's zero terminator). */
  static int firstEntryPos(byte[] lp) {
    int p = masterFieldsCountPos(lp);
    long n = ListPack.intAt(lp, p);
    p += ListPack.entryLen(lp, p);
    for (long i = 0; i < n; i++) {
      p += ListPack.entryLen(lp, p);
    }
    return p + ListPack.entryLen(lp, p);
  }

  /** Position of the terminator byte (the end of the entries). */
  static int end(byte[] lp) {
    return bytes(lp) - 1;
  }

  /** The position after {@code count} elements from {@code p}. */
  static int skip(byte[] lp, int p, long count) {
    for (long i = 0; i < count; i++) {
      p += ListPack.entryLen(lp, p);
    }
    return p;
  }

  // ---- writing

  /** Size of an integer element. */
  static int intSize(long v) {
    int body = ListPack.intBodySize(v);
    return body + ListPack.backlenSize(body);
  }

  /** Writes an integer element at {@code p} (any long, Long.MIN_VALUE included); returns the position after it. */
  static int writeInt(byte[] b, int p, long v) {
    if (v != Long.MIN_VALUE) {
      return ListPack.write(b, p, null, v);
    }
    b[p++] = (byte) 0xF4;
    for (int k = 0; k < 8; k++) {
      b[p++] = (byte) (v >> (8 * k));
    }
    b[p++] = 9; // backlen
    return p;
  }

  /** Size of a string element (an integer element when the bytes are a canonical number). */
  static int strSize(byte[] v) {
    return ListPack.entrySize(v);
  }

  static int writeStr(byte[] b, int p, byte[] v) {
    return ListPack.write(b, p, v);
  }

  /** An array with room for {@code need} bytes, grown by half again at least. */
  private static byte[] ensure(byte[] lp, int need) {
    if (need <= lp.length) {
      return lp;
    }
    int cap = Math.max(need, lp.length + (lp.length >> 1));
    return Arrays.copyOf(lp, cap);
  }

  /** The listpack without spare room (a node that will not grow any more). */
  static byte[] shrink(byte[] lp) {
    int n = bytes(lp);
    return n == lp.length ? lp : Arrays.copyOf(lp, n);
  }

  /**
   * A new node whose master entry has the fields of {@code argv[from], argv[from + 2], ...} ({@code numFields} of
   * them), with room for {@code prealloc} bytes; count 0 until the first entry is appended.
   */
  static byte[] create(byte[][] argv, int from, int numFields, int prealloc) {
    int size = HEADER + intSize(0) + intSize(0) + intSize(numFields) + intSize(0) + 1;
    for (int i = 0; i < numFields; i++) {
      size += strSize(argv[from + 2 * i]);
    }
    byte[] lp = new byte[Math.max(size, prealloc)];
    int p = HEADER;
    p = writeInt(lp, p, 0);
    p = writeInt(lp, p, 0);
    p = writeInt(lp, p, numFields);
    for (int i = 0; i < numFields; i++) {
      p = writeStr(lp, p, argv[from + 2 * i]);
    }
    p = writeInt(lp, p, 0);
    lp[p++] = (byte) 0xFF;
    setBytes(lp, p);
    lp[4] = 0;
    lp[5] = 0;
    addElements(lp, 4 + numFields);
    return lp;
  }

  /** Whether the entry's fields are the master entry's, in order. */
  static boolean sameFields(byte[] lp, byte[][] argv, int from, int numFields) {
    int p = masterFieldsCountPos(lp);
    if (ListPack.intAt(lp, p) != numFields) {
      return false;
    }
    p += ListPack.entryLen(lp, p);
    for (int i = 0; i < numFields; i++) {
      if (!equalsElement(lp, p, argv[from + 2 * i])) {
        return false;
      }
      p += ListPack.entryLen(lp, p);
    }
    return true;
  }

  /** Whether the element at {@code p}, as bytes, equals {@code v}. */
  static boolean equalsElement(byte[] lp, int p, byte[] v) {
    if (ListPack.isString(lp, p)) {
      int off = ListPack.strOffset(lp, p);
      int len = ListPack.strLength(lp, p);
      return len == v.length && Arrays.equals(lp, off, off + len, v, 0, len);
    }
    long iv = ListPack.intValue(v);
    return iv != Long.MIN_VALUE && iv == ListPack.intAt(lp, p);
  }

  /**
   * Appends an entry (fields and values at {@code argv[from..]}, {@code numFields} pairs) with these ID deltas and
   * adds one to the live count; returns the listpack (a new array if it had to grow).
   */
  static byte[] append(byte[] lp, long msDelta, long seqDelta, byte[][] argv, int from, int numFields) {
    boolean same = sameFields(lp, argv, from, numFields);
    int flags = same ? SAMEFIELDS : 0;
    int size = intSize(flags) + intSize(msDelta) + intSize(seqDelta);
    long lpCount = numFields + 3;
    if (!same) {
      size += intSize(numFields);
      lpCount += numFields + 1;
    }
    for (int i = 0; i < numFields; i++) {
      if (!same) {
        size += strSize(argv[from + 2 * i]);
      }
      size += strSize(argv[from + 2 * i + 1]);
    }
    size += intSize(lpCount);
    lp = addToInt(lp, HEADER, 1);
    int total = bytes(lp);
    lp = ensure(lp, total + size);
    int p = total - 1;
    p = writeInt(lp, p, flags);
    p = writeInt(lp, p, msDelta);
    p = writeInt(lp, p, seqDelta);
    if (!same) {
      p = writeInt(lp, p, numFields);
    }
    for (int i = 0; i < numFields; i++) {
      if (!same) {
        p = writeStr(lp, p, argv[from + 2 * i]);
      }
      p = writeStr(lp, p, argv[from + 2 * i + 1]);
    }
    p = writeInt(lp, p, lpCount);
    lp[p++] = (byte) 0xFF;
    setBytes(lp, p);
    addElements(lp, (int) Math.min(Integer.MAX_VALUE, lpCount + 1));
    return lp;
  }

  /** Adds {@code delta} to the integer element at {@code p}; returns the listpack (new if it had to grow). */
  static byte[] addToInt(byte[] lp, int p, long delta) {
    return replaceInt(lp, p, ListPack.intAt(lp, p) + delta);
  }

  /** Replaces the element at {@code p} with the integer {@code v}, moving what follows if the size changes. */
  static byte[] replaceInt(byte[] lp, int p, long v) {
    int old = ListPack.entryLen(lp, p);
    int now = intSize(v);
    int total = bytes(lp);
    if (now != old) {
      lp = ensure(lp, total + now - old);
      System.arraycopy(lp, p + old, lp, p + now, total - p - old);
      setBytes(lp, total + now - old);
    }
    writeInt(lp, p, v);
    return lp;
  }

  /** Marks the entry whose flags are at {@code flagsPos} deleted and moves one from the live to the deleted count. */
  static byte[] markDeleted(byte[] lp, int flagsPos) {
    long flags = ListPack.intAt(lp, flagsPos);
    writeInt(lp, flagsPos, flags | DELETED); // flags stay one byte (and one of backlen): same size
    lp = addToInt(lp, HEADER, -1);
    int del = HEADER + ListPack.entryLen(lp, HEADER);
    return addToInt(lp, del, 1);
  }

  /** The position after the entry whose flags are at {@code p}. */
  static int entryEnd(byte[] lp, int p, long masterFields) {
    long flags = ListPack.intAt(lp, p);
    p += ListPack.entryLen(lp, p);
    p += ListPack.entryLen(lp, p); // ms delta
    p += ListPack.entryLen(lp, p); // seq delta
    long n;
    if ((flags & SAMEFIELDS) != 0) {
      n = masterFields;
    } else {
      long nf = ListPack.intAt(lp, p);
      p += ListPack.entryLen(lp, p);
      n = nf * 2;
    }
    p = skip(lp, p, n);
    return p + ListPack.entryLen(lp, p); // lp-count
  }

  /** The flags position of the entry that ends just before {@code end} (whose lp-count precedes {@code end}). */
  static int entryStartBefore(byte[] lp, int end) {
    int p = ListPack.prev(lp, end);
    long n = ListPack.intAt(lp, p);
    for (long i = 0; i < n; i++) {
      p = ListPack.prev(lp, p);
    }
    return p;
  }

  // ---- checking nodes that come from outside (RESTORE)

  /**
   * Whether {@code lp} is a well-formed stream node: a listpack whose every element decodes within bounds, with a
   * master entry and entries laid out as above, counts that agree and lp-counts that match. Never reads out of bounds.
   * Returns the node's live entry count, or -1 when it is malformed.
   */
  static long validate(byte[] lp) {
    int n = lp.length;
    if (n < HEADER + 1 || bytes(lp) != n || (lp[n - 1] & 0xFF) != 0xFF) {
      return -1;
    }
    int end = n - 1;
    long[] v = new long[1];
    int[] elements = {0};
    int p = HEADER;
    // master entry
    if ((p = intElement(lp, p, end, v, elements)) < 0) {
      return -1;
    }
    long count = v[0];
    if ((p = intElement(lp, p, end, v, elements)) < 0) {
      return -1;
    }
    long deleted = v[0];
    if ((p = intElement(lp, p, end, v, elements)) < 0) {
      return -1;
    }
    long masterFields = v[0];
    if (count < 0 || deleted < 0 || masterFields < 0 || masterFields > n) {
      return -1;
    }
    for (long i = 0; i < masterFields; i++) {
      if ((p = element(lp, p, end, elements)) < 0) {
        return -1;
      }
    }
    if ((p = intElement(lp, p, end, v, elements)) < 0 || v[0] != 0) {
      return -1;
    }
    long entries = 0;
    long live = 0;
    while (p < end) {
      if ((p = intElement(lp, p, end, v, elements)) < 0) {
        return -1;
      }
      long flags = v[0];
      if ((p = intElement(lp, p, end, v, elements)) < 0 || (p = intElement(lp, p, end, v, elements)) < 0) {
        return -1;
      }
      long fields;
      long expected;
      if ((flags & SAMEFIELDS) != 0) {
        fields = masterFields;
        expected = masterFields + 3;
      } else {
        if ((p = intElement(lp, p, end, v, elements)) < 0) {
          return -1;
        }
        fields = v[0] * 2;
        if (v[0] < 0 || fields > n) {
          return -1;
        }
        expected = v[0] * 2 + 4;
      }
      for (long i = 0; i < fields; i++) {
        if ((p = element(lp, p, end, elements)) < 0) {
          return -1;
        }
      }
      if ((p = intElement(lp, p, end, v, elements)) < 0 || v[0] != expected) {
        return -1;
      }
      entries++;
      if ((flags & DELETED) == 0) {
        live++;
      }
    }
    int headerCount = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
    if (headerCount != UNKNOWN_COUNT && headerCount != elements[0]) {
      return -1;
    }
    if (entries != count + deleted || live != count) {
      return -1;
    }
    return count;
  }

  /** The end of a well-formed integer element at {@code p} (its value in v[0]), or -1. */
  private static int intElement(byte[] lp, int p, int end, long[] v, int[] elements) {
    int next = element(lp, p, end, elements);
    if (next < 0 || ListPack.isString(lp, p)) {
      return -1;
    }
    v[0] = ListPack.intAt(lp, p);
    return next;
  }

  /** The end of a well-formed element at {@code p} (encoding, data and a backlen that agrees), or -1. */
  private static int element(byte[] lp, int p, int end, int[] elements) {
    if (p >= end) {
      return -1;
    }
    int e = lp[p] & 0xFF;
    long body;
    if ((e & 0x80) == 0) {
      body = 1;
    } else if ((e & 0xC0) == 0x80) {
      body = 1 + (e & 0x3F);
    } else if ((e & 0xE0) == 0xC0) {
      body = 2;
    } else if ((e & 0xF0) == 0xE0) {
      if (p + 1 >= end) {
        return -1;
      }
      body = 2 + (((e & 0x0F) << 8) | (lp[p + 1] & 0xFF));
    } else if (e == 0xF0) {
      if (p + 4 >= end) {
        return -1;
      }
      long len = (lp[p + 1] & 0xFFL) | (lp[p + 2] & 0xFFL) << 8 | (lp[p + 3] & 0xFFL) << 16
          | (lp[p + 4] & 0xFFL) << 24;
      body = 5 + len;
    } else if (e >= 0xF1 && e <= 0xF4) {
      body = e == 0xF1 ? 3 : e == 0xF2 ? 4 : e == 0xF3 ? 5 : 9;
    } else {
      return -1;
    }
    if (body >= end - p) {
      return -1;
    }
    int backlen = ListPack.backlenSize((int) body);
    long next = p + body + backlen;
    if (next > end) {
      return -1;
    }
    // the backlen must say the body's size as Redis writes it: most significant 7 bits first, later bytes flagged
    int q = (int) (p + body);
    long said = 0;
    for (int k = 0; k < backlen; k++) {
      int b = lp[q + k] & 0xFF;
      if (((b & 128) != 0) != (k > 0)) {
        return -1;
      }
      said = (said << 7) | (b & 127);
    }
    if (said != body) {
      return -1;
    }
    elements[0]++;
    return (int) next;
  }
}
