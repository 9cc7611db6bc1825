package dev.cairn.core.type.list;

/**
 * A run of listpack entries ({@link ListPack}) in {@code buf[start, end)}. Free room is kept on the side that grows, so
 * pushing and popping at either end are amortized O(1); a node that stops growing is trimmed to its exact size.
 */
final class ListNode {
  byte[] buf;
  int start;
  int end;
  int count;
  /** Holds one element larger than a node may be (Redis's plain node): nothing is added to it. */
  boolean plain;

  ListNode(int capacity) {
    buf = new byte[capacity];
  }

  ListNode(byte[] buf, int start, int end, int count) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.count = count;
  }

  /** The node's size as Redis's lpBytes counts it (entries plus listpack header and terminator). */
  int lpBytes() {
    return end - start + ListPack.OVERHEAD;
  }

  void pushTail(byte[] v, int size) {
    pushTail(v, size, ListPack.intValue(v));
  }

  /** Appends {@code v} ({@code size} bytes as an entry, {@link ListPack#intValue} {@code iv}). */
  void pushTail(byte[] v, int size, long iv) {
    pushTail(v, 0, v.length, size, iv);
  }

  /** Appends the {@code len} bytes of {@code v} at {@code off} ({@code size} bytes as an entry, its int value {@code iv}). */
  void pushTail(byte[] v, int off, int len, int size, long iv) {
    if (buf.length - end < size) {
      int used = end - start;
      byte[] nb = new byte[used + size + (used >> 1)];
      System.arraycopy(buf, start, nb, 0, used);
      buf = nb;
      start = 0;
      end = used;
    }
    end = ListPack.write(buf, end, v, off, len, iv);
    count++;
  }

  /** Prepends {@code v} ({@code size} bytes as an entry, {@link ListPack#intValue} {@code iv}). */
  void pushHead(byte[] v, int size, long iv) {
    pushHead(v, 0, v.length, size, iv);
  }

  /** Prepends the {@code len} bytes of {@code v} at {@code off} ({@code size} bytes as an entry, int value {@code iv}). */
  void pushHead(byte[] v, int off, int len, int size, long iv) {
    if (start < size) {
      int used = end - start;
      int cap = used + size + (used >> 1);
      byte[] nb = new byte[cap];
      System.arraycopy(buf, start, nb, cap - used, used);
      buf = nb;
      start = cap - used;
      end = cap;
    }
    start -= size;
    ListPack.write(buf, start, v, off, len, iv);
    count++;
  }

  /** Drops unused room (the node is no longer an end that grows). */
  void trimToSize() {
    int used = end - start;
    if (buf.length != used) {
      buf = java.util.Arrays.copyOfRange(buf, start, end);
      start = 0;
      end = used;
    }
  }

  /** Trims the node when more than an eighth of its array is unused (a node closed nearly full keeps its array). */
  void trimIfLoose() {
    if (buf.length - (end - start) > buf.length >> 3) {
      trimToSize();
    }
  }

  /** Removes the entry at {@code p}; entries after it move down. */
  void removeAt(int p) {
    int len = ListPack.entryLen(buf, p);
    System.arraycopy(buf, p + len, buf, p, end - p - len);
    end -= len;
    count--;
  }

  /** Removes the {@code len} bytes at {@code p} holding {@code n} entries. */
  void removeRange(int p, int len, int n) {
    System.arraycopy(buf, p + len, buf, p, end - p - len);
    end -= len;
    count -= n;
  }

  /** Inserts the entry for {@code v} at byte position {@code p} (before the entry there, or at the end). */
  void insertAt(int p, byte[] v) {
    int size = ListPack.entrySize(v);
    int used = end - start;
    byte[] nb = new byte[used + size];
    int before = p - start;
    System.arraycopy(buf, start, nb, 0, before);
    ListPack.write(nb, before, v);
    System.arraycopy(buf, p, nb, before + size, end - p);
    buf = nb;
    start = 0;
    end = used + size;
    count++;
  }

  /** Replaces the entry at {@code p} with {@code v}. */
  void replaceAt(int p, byte[] v) {
    int oldLen = ListPack.entryLen(buf, p);
    int size = ListPack.entrySize(v);
    int used = end - start;
    byte[] nb = new byte[used - oldLen + size];
    int before = p - start;
    System.arraycopy(buf, start, nb, 0, before);
    ListPack.write(nb, before, v);
    System.arraycopy(buf, p + oldLen, nb, before + size, end - p - oldLen);
    buf = nb;
    start = 0;
    end = nb.length;
  }

  /** Splits off the second half of the entries into a new node, which is returned. */
  ListNode splitHalf() {
    int keep = count / 2;
    int p = start;
    for (int i = 0; i < keep; i++) {
      p += ListPack.entryLen(buf, p);
    }
    ListNode right = new ListNode(java.util.Arrays.copyOfRange(buf, p, end), 0, end - p, count - keep);
    buf = java.util.Arrays.copyOfRange(buf, start, p);
    end = p - start;
    start = 0;
    count = keep;
    return right;
  }
}
