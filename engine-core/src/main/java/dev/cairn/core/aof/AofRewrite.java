package dev.cairn.core.aof;

import dev.cairn.core.persistence.Snapshot;
import java.nio.file.Path;

/**
 * One background AOF rewrite: a copy-on-write {@link Snapshot} of the dataset (Persistence's one background job, of
 * type AOF) written by a sink ({@link AofBaseWriter}, or the RDB base sink of {@link RdbSupport}) to a temporary base
 * file while the engine keeps serving writes, which go to the new incr file. When the snapshot ends, the engine thread
 * renames the file into place ({@code Aof.rewriteDone}). Killing it (AOF turned off, a newer rewrite, shutdown)
 * aborts the snapshot, whose sink deletes what it wrote.
 */
final class AofRewrite {
  final Path tempFile;
  final boolean rdb;
  final long startMillis = System.currentTimeMillis();
  Snapshot snapshot;

  AofRewrite(Path tempFile, boolean rdb) {
    this.tempFile = tempFile;
    this.rdb = rdb;
  }

  /** Aborts the snapshot and waits for its thread, so that its job slot is free when this returns. */
  void kill() {
    if (snapshot != null) {
      snapshot.abortAndWait(5000);
    }
  }
}
