package dev.cairn.core.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The bytes of a full sync's RDB on their way from the link thread, which reads them off the master's socket, to the
 * engine thread, which parses them as they come ({@code repl-diskless-load}, Redis's replica reading the socket with
 * its RDB parser). Bounded: when {@link #CAPACITY} bytes wait, the link thread stops reading the socket, so a replica
 * whose load is slow (a big dataset, {@code key-load-delay}) slows its master's sending as Redis's does.
 */
final class RdbPipe extends InputStream {
  static final int CAPACITY = 8 << 20;

  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private byte[] head;
  private int headPos;
  private long buffered;
  private boolean finished;
  private IOException failure;
  private final long readTimeoutMillis;

  /** {@code readTimeoutMillis}: how long a read waits for bytes before it fails (the master went silent). */
  RdbPipe(long readTimeoutMillis) {
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** Link thread: queues a copy of the bytes, waiting while the pipe is full. */
  synchronized void offer(byte[] b, int off, int len) throws InterruptedException, IOException {
    while (buffered >= CAPACITY && failure == null) {
      wait();
    }
    if (failure != null) {
      throw failure; // the load was abandoned (the engine failed it, or the link was stopped)
    }
    chunks.addLast(java.util.Arrays.copyOfRange(b, off, off + len));
    buffered += len;
    notifyAll();
  }

  /** Link thread: the payload is complete. */
  synchronized void finish() {
    finished = true;
    notifyAll();
  }

  /** Either side: the payload will not be complete (the link dropped, or the load was abandoned). */
  synchronized void fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    notifyAll();
  }

  /** Bytes waiting to be read. */
  synchronized long buffered() {
    return buffered;
  }

  /** Whether the payload is complete or failed: reads end without waiting for more. */
  synchronized boolean ended() {
    return finished || failure != null;
  }

  /** Whether a read can go on without waiting long: {@code want} bytes wait, or the payload ended or failed. */
  synchronized boolean ready(long want) {
    return buffered >= Math.min(want, CAPACITY / 2) || finished || failure != null;
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    long deadline = System.currentTimeMillis() + readTimeoutMillis;
    while (buffered == 0) {
      if (failure != null) {
        throw failure;
      }
      if (finished) {
        return -1;
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new IOException("Timeout receiving bulk data from MASTER");
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    int n = 0;
    while (n < len && buffered > 0) {
      if (head == null || headPos == head.length) {
        head = chunks.pollFirst();
        headPos = 0;
      }
      int k = Math.min(len - n, head.length - headPos);
      System.arraycopy(head, headPos, b, off + n, k);
      headPos += k;
      n += k;
      buffered -= k;
    }
    notifyAll(); // room for the link thread
    return n;
  }
}
