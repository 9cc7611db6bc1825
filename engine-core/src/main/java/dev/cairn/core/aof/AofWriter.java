package dev.cairn.core.aof;

import dev.cairn.core.log.LogMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends the propagation stream to the current incr file. Effects are encoded as RESP commands into a buffer on the
 * engine thread, with a SELECT whenever the database differs from the last one written (and at the start of each
 * file), and a {@code #TS:<unix time>} annotation each new second when {@code aof-timestamp-enabled}. The buffer goes
 * to the file before any reply of the same event-loop round reaches a socket ({@link #write}), and is fsynced as the
 * policy says: {@code always} before those replies, {@code everysec} on a background thread about once a second,
 * {@code no} never (the kernel decides).
 */
final class AofWriter {
  enum Fsync { ALWAYS, EVERYSEC, NO }

  private static final byte[] SELECT = {'S', 'E', 'L', 'E', 'C', 'T'};

  private byte[] buf = new byte[16 * 1024];
  private int len;
  private int selectedDb = -1;
  private long lastTimestamp;
  private FileChannel channel;
  private Path path;
  /** Bytes in the current incr file (what was written; the buffer is not counted). */
  long fileSize;
  /** Every byte appended since the AOF was opened or rewritten: INFO aof_current_size grows by these. */
  long appended;
  /** Bytes encoded since start (never reset): the AOF stream's offset, as Redis's replication offset for WAITAOF. */
  long encoded;
  /** The stream offset known to be on disk. */
  volatile long fsyncedOffset;
  /** Called (on the fsync thread) after a background fsync moved {@link #fsyncedOffset}. */
  Runnable afterBackgroundFsync = () -> { };
  /** Written bytes not yet fsynced (everysec, no). */
  private volatile boolean unsynced;
  private long lastFsyncMillis = System.currentTimeMillis();
  private final AtomicBoolean fsyncRunning = new AtomicBoolean();
  /** Fsyncs that ran late because the previous one was still running (INFO aof_delayed_fsync). */
  long delayedFsyncs;
  /** Last write error, null when the last write worked (INFO aof_last_write_status). */
  volatile String writeError;
  /** DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write (tests widen the race it guards). */
  long flushSleepMicros;
  boolean timestamps;
  private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cairn-aof-fsync");
    t.setDaemon(true);
    return t;
  });

  boolean isOpen() {
    return channel != null;
  }

  Path path() {
    return path;
  }

  /** Bytes encoded but not yet written. */
  int buffered() {
    return len;
  }

  boolean fsyncInProgress() {
    return fsyncRunning.get();
  }

  /** Appends to {@code file} from now on (the previous file, if any, must have been flushed). */
  void open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    closeCurrent();
    channel = ch;
    path = file;
    fileSize = ch.size();
    selectedDb = -1; // each file starts with a SELECT
  }

  /** The current file was renamed (the temporary incr file became the first incr file). */
  void renamed(Path now) {
    path = now;
  }

  /** Stops appending: the buffer is written and fsynced, the file closed. */
  void close() {
    write(Fsync.NO, true);
    closeCurrent();
    len = 0;
  }

  private void closeCurrent() {
    FileChannel old = channel;
    channel = null;
    path = null;
    if (old != null) {
      try {
        old.force(false);
        old.close();
      } catch (IOException e) {
        LogMessage.AOF_FSYNC_ERROR.log(e.getMessage());
      }
    }
  }

  /** Drops what is buffered (the AOF was turned off, or a reload replaced the dataset). */
  void discardBuffer() {
    len = 0;
  }

  // ---- encoding

  void append(int db, byte[][] command) {
    int before = len;
    appendEffect(db, command);
    encoded += len - before;
  }

  private void appendEffect(int db, byte[][] command) {
    if (timestamps) {
      long now = System.currentTimeMillis() / 1000;
      if (now > lastTimestamp) {
        lastTimestamp = now;
        appendAscii("#TS:");
        appendLong(now);
        appendAscii("\r\n");
      }
    }
    // -1: the MULTI/EXEC around an execution unit's effects, which needs no SELECT (the first effect brings its own)
    if (db >= 0 && db != selectedDb) {
      byte[] n = Long.toString(db).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      appendCommand(new byte[][] {SELECT, n}, 2);
      selectedDb = db;
    }
    appendCommand(command, command.length);
  }

  /** A timestamp annotation in front of a rewritten base (aof-timestamp-enabled). */
  static byte[] timestampAnnotation() {
    return ("#TS:" + System.currentTimeMillis() / 1000 + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private void appendCommand(byte[][] argv, int argc) {
    ensure(16);
    buf[len++] = '*';
    appendLong(argc);
    buf[len++] = '\r';
    buf[len++] = '\n';
    for (int i = 0; i < argc; i++) {
      byte[] a = argv[i];
      ensure(a.length + 32);
      buf[len++] = '$';
      appendLong(a.length);
      buf[len++] = '\r';
      buf[len++] = '\n';
      System.arraycopy(a, 0, buf, len, a.length);
      len += a.length;
      buf[len++] = '\r';
      buf[len++] = '\n';
    }
  }

  private void appendAscii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void appendLong(long v) {
    ensure(20);
    if (v == 0) {
      buf[len++] = '0';
      return;
    }
    int start = len;
    while (v > 0) {
      buf[len++] = (byte) ('0' + v % 10);
      v /= 10;
    }
    for (int i = start, j = len - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  // ---- writing and syncing

  /**
   * Writes the buffer to the file, then fsyncs it when the policy is {@code always} or {@code forceSync}; with
   * {@code everysec}, starts a background fsync when the last one is a second old. Returns false on a write error
   * (logged; the buffer is kept so that the next attempt retries it).
   */
  boolean write(Fsync policy, boolean forceSync) {
    if (channel == null) {
      return true;
    }
    if (len > 0) {
      if (flushSleepMicros > 0) {
        sleepMicros(flushSleepMicros);
      }
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
      try {
        while (bb.hasRemaining()) {
          channel.write(bb);
        }
      } catch (IOException e) {
        undoShortWrite(bb.position());
        if (writeError == null) {
          LogMessage.AOF_WRITE_ERROR.log(e.getMessage());
        }
        writeError = e.getMessage();
        return false;
      }
      if (writeError != null) {
        LogMessage.AOF_WRITE_ERROR_SOLVED.log();
        writeError = null;
      }
      fileSize += len;
      appended += len;
      len = 0;
      unsynced = true;
      if (buf.length > 1024 * 1024) {
        buf = new byte[16 * 1024]; // a huge command passed: give the memory back
      }
    }
    long writtenTo = encoded - len;
    if (policy == Fsync.ALWAYS || forceSync) {
      syncNow();
      if (!unsynced) {
        fsyncedOffset = writtenTo;
      }
    } else if (policy == Fsync.EVERYSEC && unsynced) {
      long now = System.currentTimeMillis();
      if (now - lastFsyncMillis >= 1000) {
        if (fsyncRunning.compareAndSet(false, true)) {
          lastFsyncMillis = now;
          FileChannel ch = channel;
          background.execute(() -> {
            try {
              unsynced = false;
              ch.force(false);
              fsyncedOffset = Math.max(fsyncedOffset, writtenTo);
              afterBackgroundFsync.run();
            } catch (java.nio.channels.ClosedChannelException e) {
              // the file was closed meanwhile, and fsynced as it closed
            } catch (IOException | RuntimeException e) {
              LogMessage.AOF_FSYNC_ERROR.log(e.getMessage());
            } finally {
              fsyncRunning.set(false);
            }
          });
        } else {
          delayedFsyncs++;
        }
      }
    }
    return true;
  }

  /**
   * A write that failed part-way: the file is cut back to where it was so that the retry does not repeat the part that
   * was written; if even that fails, the written part is kept and only the rest retried.
   */
  private void undoShortWrite(int written) {
    if (written == 0) {
      return;
    }
    try {
      channel.truncate(fileSize);
    } catch (IOException e) {
      fileSize += written;
      appended += written;
      System.arraycopy(buf, written, buf, 0, len - written);
      len -= written;
    }
  }

  private void syncNow() {
    if (!unsynced || channel == null) {
      return;
    }
    try {
      channel.force(false);
      unsynced = false;
      lastFsyncMillis = System.currentTimeMillis();
    } catch (IOException e) {
      LogMessage.AOF_FSYNC_ERROR.log(e.getMessage());
    }
  }

  /** Fsync from the writer's own thread, for an incr file being closed. */
  static void fsyncQuietly(FileChannel ch) {
    try {
      ch.force(false);
    } catch (IOException e) {
      LogMessage.AOF_FSYNC_ERROR.log(e.getMessage());
    }
  }

  private static void sleepMicros(long micros) {
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
