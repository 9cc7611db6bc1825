package dev.cairn.core.replication;

import dev.cairn.core.connection.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The replication buffer, shared as Redis 7's: the stream is written once into a list of blocks, and the backlog and
 * every replica refer to those blocks instead of holding copies. A replica online gets retained slices of the blocks
 * (its socket's queue holds them until written); a replica waiting for its RDB holds a position. The backlog is the
 * whole list: its head block is dropped while the history is longer than {@code repl-backlog-size} by more than that
 * block and no replica still refers to it, so a slow replica makes the backlog outgrow its size (and a replica that
 * reconnects meanwhile can continue from it), and it shrinks again once that replica has its bytes or is gone.
 * Offsets are Redis's: the offset of a byte is the number of stream bytes before it plus one;
 * {@code master_repl_offset} is the offset of the last byte written.
 */
final class Backlog {
  /** Redis's reply chunk: the smallest block. */
  private static final int MIN_BLOCK = 16 * 1024;

  /** A block of the stream: its bytes from {@code start} (the offset of its first byte). */
  private record Block(ByteBuf buf, long start) {
    long end() {
      return start + buf.writerIndex() - 1;
    }
  }

  private final ArrayDeque<Block> blocks = new ArrayDeque<>();
  private int size;
  /** The stream offset of the last byte written (master_repl_offset). */
  private long offset;
  /** Capacity of all blocks (mem_total_replication_buffers). */
  private long memory;

  Backlog(int size, long offset) {
    this.size = Math.max(MIN_BLOCK, size);
    this.offset = offset;
  }

  /** repl-backlog-size. */
  int size() {
    return size;
  }

  /** Bytes held: from the first block's start to the last byte (repl_backlog_histlen; may exceed the size). */
  long histlen() {
    return blocks.isEmpty() ? 0 : offset - blocks.peekFirst().start + 1;
  }

  /** Offset of the first byte held (repl_backlog_first_byte_offset). */
  long firstByteOffset() {
    return blocks.isEmpty() ? offset + 1 : blocks.peekFirst().start;
  }

  long offset() {
    return offset;
  }

  /** What the blocks take (every replica's pending stream included: they share them). */
  long memory() {
    return memory;
  }

  /**
   * Appends {@code len} bytes of {@code src} from index {@code from} (its indexes are left as they were). A new block
   * is at least 16 KB, and at most a sixteenth of the backlog's size when that is more, so that a big write does not
   * make one block the trimming cannot drop in part.
   */
  void append(ByteBuf src, int from, int len) {
    offset += len;
    Block tail = blocks.peekLast();
    while (len > 0) {
      if (tail == null || !tail.buf.isWritable()) {
        int cap = Math.min(Math.max(len, MIN_BLOCK), Math.max(size / 16, MIN_BLOCK));
        // direct memory: the transport writes slices of it as they are, where a heap block would be copied per socket
        tail = new Block(Unpooled.directBuffer(cap, cap), tail == null ? offset - len + 1 : tail.end() + 1);
        blocks.addLast(tail);
        memory += cap;
      }
      int n = Math.min(len, tail.buf.writableBytes());
      tail.buf.writeBytes(src, from, n);
      from += n;
      len -= n;
    }
  }

  /** Whether a replica that has everything before {@code psyncOffset} (its next byte) can continue from here. */
  boolean covers(long psyncOffset) {
    return psyncOffset >= firstByteOffset() && psyncOffset <= offset + 1;
  }

  /** Bytes from stream offset {@code from} to the end. */
  long bytesFrom(long from) {
    return Math.max(0, offset - from + 1);
  }

  /** Queues the stream from offset {@code from} (inclusive) to the end on {@code c}, as slices of the blocks. */
  void sendFrom(long from, Connection c) {
    if (from > offset) {
      return;
    }
    Iterator<Block> it = blocks.descendingIterator();
    Block first = null;
    while (it.hasNext()) {
      Block b = it.next();
      first = b;
      if (b.start <= from) {
        break;
      }
    }
    boolean started = false;
    for (Block b : blocks) {
      if (b == first) {
        started = true;
      }
      if (!started) {
        continue;
      }
      int at = (int) Math.max(0, from - b.start);
      int n = b.buf.writerIndex() - at;
      if (n > 0) {
        c.writeShared(b.buf.retainedSlice(at, n));
      }
    }
  }

  /** Copies the bytes from stream offset {@code from} (inclusive) to the end into {@code out}. */
  void copyFrom(long from, ByteBuf out) {
    for (Block b : blocks) {
      if (b.end() < from) {
        continue;
      }
      int at = (int) Math.max(0, from - b.start);
      out.writeBytes(b.buf, at, b.buf.writerIndex() - at);
    }
  }

  /**
   * Drops head blocks while the history stays longer than the backlog's size without them, no socket holds a slice of
   * them and no replica waiting for its RDB needs them ({@code keepFrom}: the lowest offset still wanted).
   */
  void trim(long keepFrom) {
    while (blocks.size() > 1) {
      Block head = blocks.peekFirst();
      if (head.buf.refCnt() != 1 || head.end() >= keepFrom || histlen() - head.buf.writerIndex() < size) {
        return;
      }
      blocks.pollFirst();
      memory -= head.buf.capacity();
      head.buf.release();
    }
  }

  /** A new size (CONFIG SET repl-backlog-size); the next trim applies it. */
  void resize(int size) {
    this.size = Math.max(MIN_BLOCK, size);
  }

  /** The backlog is gone: its blocks are freed once no socket holds them any more. */
  void release() {
    for (Block b : blocks) {
      b.buf.release();
    }
    blocks.clear();
    memory = 0;
  }
}
