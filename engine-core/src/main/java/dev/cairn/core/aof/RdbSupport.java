package dev.cairn.core.aof;

import dev.cairn.core.persistence.SnapshotInfo;
import dev.cairn.core.persistence.SnapshotSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * What the AOF needs of the RDB format: writing a snapshot as an RDB image (the base file with
 * {@code aof-use-rdb-preamble yes}) and loading one (an RDB base, or the RDB preamble of an old single-file AOF). The
 * persistence package provides it ({@link Aof#setRdbSupport}); without it the AOF writes AOF-format bases and refuses
 * RDB bases with a clear error.
 */
public interface RdbSupport {
  /**
   * A sink that writes a snapshot as an RDB image marked as an AOF base ({@code aof-base} AUX field) to {@code temp},
   * synced, then renamed to {@code file} when finished.
   */
  SnapshotSink baseSink(Path file, Path temp, SnapshotInfo info);

  /**
   * Loads one RDB image from {@code in} ({@code size} bytes at most, -1 if unknown) into the engine's keyspace (engine
   * thread) and returns the bytes it read past the image's checksum, which the caller reads next (an AOF tail can
   * follow). Throws with a message naming what is wrong on a bad image.
   */
  byte[] load(InputStream in, long size, String name) throws IOException;
}
