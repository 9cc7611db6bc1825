package dev.cairn.core.replication;

import io.netty.buffer.ByteBuf;

/**
 * The replication backlog: the last {@code repl-backlog-size} bytes of the replication stream in a ring, with the
 * stream offsets they cover, so that a replica that lost its link can continue from its offset (PSYNC +CONTINUE)
 * instead of a full sync. Offsets are Redis's: the offset of a byte is the number of stream bytes before it plus one;
 * {@code master_repl_offset} is the offset of the last byte written.
 */
final class Backlog {
  private byte[] ring;
  /** Bytes held (at most the ring's size). */
  private int histlen;
  /** Where the next byte goes in the ring. */
  private int idx;
  /** The stream offset of the last byte written (master_repl_offset). */
  private long offset;

  Backlog(int size, long offset) {
    this.ring = new byte[Math.max(16 * 1024, size)];
    this.offset = offset;
  }

  int size() {
    return ring.length;
  }

  long histlen() {
    return histlen;
  }

  /** Offset of the first byte held (repl_backlog_first_byte_offset). */
  long firstByteOffset() {
    return offset - histlen + 1;
  }

  long offset() {
    return offset;
  }

  /** Appends {@code len} bytes of {@code src} from its reader index (which is left as it was). */
  void append(ByteBuf src, int from, int len) {
    offset += len;
    int cap = ring.length;
    if (len >= cap) {
      src.getBytes(from + len - cap, ring, 0, cap);
      idx = 0;
      histlen = cap;
      return;
    }
    int first = Math.min(len, cap - idx);
    src.getBytes(from, ring, idx, first);
    if (first < len) {
      src.getBytes(from + first, ring, 0, len - first);
    }
    idx = (idx + len) % cap;
    histlen = Math.min(cap, histlen + len);
  }

  /** Whether a replica that has everything before {@code psyncOffset} (its next byte) can continue from here. */
  boolean covers(long psyncOffset) {
    return psyncOffset >= firstByteOffset() && psyncOffset <= offset + 1;
  }

  /** Copies the bytes from stream offset {@code from} (inclusive) to the end into {@code out}. */
  void copyFrom(long from, ByteBuf out) {
    int n = (int) (offset - from + 1);
    int cap = ring.length;
    int start = Math.floorMod(idx - n, cap);
    int first = Math.min(n, cap - start);
    out.writeBytes(ring, start, first);
    if (first < n) {
      out.writeBytes(ring, 0, n - first);
    }
  }

  /** A new size (CONFIG SET repl-backlog-size): the newest bytes that fit are kept. */
  void resize(int size) {
    size = Math.max(16 * 1024, size);
    if (size == ring.length) {
      return;
    }
    int keep = Math.min(histlen, size);
    byte[] next = new byte[size];
    int start = Math.floorMod(idx - keep, ring.length);
    int first = Math.min(keep, ring.length - start);
    System.arraycopy(ring, start, next, 0, first);
    if (first < keep) {
      System.arraycopy(ring, 0, next, first, keep - first);
    }
    ring = next;
    histlen = keep;
    idx = keep % size;
  }
}
