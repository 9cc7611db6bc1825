package dev.cairn.core.aof;

import dev.cairn.core.keyspace.KeyspaceSnapshot;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.rdb.DumpPayload;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One background AOF rewrite: writes a snapshot of the dataset to a temporary base file on its own thread (the engine
 * keeps serving writes, which go to the new incr file), then hands the result back to the engine thread. Cancelling
 * it (AOF turned off, a newer rewrite) stops it between keys; its temporary file is then removed.
 */
final class AofRewrite implements Runnable {
  /** Bytes written between fsyncs with {@code aof-rewrite-incremental-fsync}, as Redis's 4 MB. */
  private static final long AUTOSYNC_BYTES = 4L * 1024 * 1024;

  final Path tempFile;
  final boolean rdb;
  final long startMillis = System.currentTimeMillis();
  final AtomicBoolean cancelled = new AtomicBoolean();
  private final KeyspaceSnapshot snapshot;
  /** The function libraries' code at the snapshot, written first (FUNCTION LOAD each) in an AOF-format base. */
  private final java.util.List<byte[]> libraries;
  private final RdbSupport rdbSupport;
  private final DumpPayload dump;
  private final LongSupplier keyDelayMicros;
  private final boolean incrementalFsync;
  private final boolean timestamps;
  private final Consumer<AofRewrite> done;
  /** Null on success; why the rewrite failed otherwise. */
  volatile String error;

  AofRewrite(Path tempFile, boolean rdb, KeyspaceSnapshot snapshot, java.util.List<byte[]> libraries,
      RdbSupport rdbSupport, DumpPayload dump, LongSupplier keyDelayMicros, boolean incrementalFsync, boolean timestamps,
      Consumer<AofRewrite> done) {
    this.tempFile = tempFile;
    this.rdb = rdb;
    this.snapshot = snapshot;
    this.libraries = libraries;
    this.rdbSupport = rdbSupport;
    this.dump = dump;
    this.keyDelayMicros = keyDelayMicros;
    this.incrementalFsync = incrementalFsync;
    this.timestamps = timestamps;
    this.done = done;
  }

  /** Set for a rewrite in the background (Redis's child logs its temporary file; the start-up base does not). */
  private boolean background;

  void start() {
    background = true;
    Thread t = new Thread(this, "cairn-aof-rewrite");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void run() {
    try {
      writeTo(tempFile);
      if (cancelled.get()) {
        error = "cancelled";
      } else if (background) {
        LogMessage.AOF_REWRITE_CREATED_TEMP.log(tempFile.getFileName());
      }
    } catch (IOException | RuntimeException e) {
      error = String.valueOf(e.getMessage());
      if (!cancelled.get()) {
        LogMessage.AOF_REWRITE_WRITE_ERROR.log(error);
      }
    } finally {
      snapshot.close();
      if (error != null) {
        try {
          Files.deleteIfExists(tempFile);
        } catch (IOException ignored) {
          // nothing more to do about a temporary file
        }
      }
      done.accept(this);
    }
  }

  /** Writes the base file: an RDB image, or AOF commands; fsynced before it counts as written. */
  private void writeTo(Path file) throws IOException {
    try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
      OutputStream os = new BufferedOutputStream(syncing(fos), 64 * 1024);
      if (timestamps && !rdb) {
        os.write(AofWriter.timestampAnnotation());
      }
      if (rdb) {
        rdbSupport.write(snapshot, os, cancelled::get);
      } else {
        AofBaseWriter w = new AofBaseWriter(os, dump, this::afterKey);
        w.functions(libraries);
        snapshot.forEach(w, cancelled::get);
      }
      os.flush();
      fos.getChannel().force(true);
    }
  }

  /** rdb-key-save-delay after each key, slept in slices so that cancelling and a lowered delay take effect at once. */
  private void afterKey() {
    long waited = 0;
    while (!cancelled.get()) {
      long delay = keyDelayMicros.getAsLong();
      if (waited >= delay) {
        return;
      }
      long slice = Math.min(delay - waited, 50_000);
      try {
        Thread.sleep(slice / 1000, (int) (slice % 1000) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      waited += slice;
    }
  }

  /** With incremental fsync, the file is fsynced every 4 MB so the final fsync does not stall on a huge backlog. */
  private OutputStream syncing(FileOutputStream fos) {
    if (!incrementalFsync) {
      return fos;
    }
    return new OutputStream() {
      private long sinceSync;

      @Override
      public void write(int b) throws IOException {
        fos.write(b);
        count(1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        fos.write(b, off, len);
        count(len);
      }

      private void count(long n) throws IOException {
        sinceSync += n;
        if (sinceSync >= AUTOSYNC_BYTES) {
          fos.getChannel().force(false);
          sinceSync = 0;
        }
      }
    };
  }
}
