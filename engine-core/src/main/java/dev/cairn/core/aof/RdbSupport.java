package dev.cairn.core.aof;

import dev.cairn.core.keyspace.KeyspaceSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the AOF needs of the RDB format: writing a snapshot as an RDB image (the base file with
 * {@code aof-use-rdb-preamble yes}) and loading one (an RDB base, or the RDB preamble of an old single-file AOF). The
 * RDB package provides it ({@link Aof#setRdbSupport}); without it the AOF writes AOF-format bases and refuses RDB
 * bases with a clear error.
 */
public interface RdbSupport {
  /** Writes the whole RDB image (header, aux fields, databases, EOF, checksum) of {@code snapshot}. */
  void write(KeyspaceSnapshot snapshot, OutputStream out, java.util.function.BooleanSupplier cancelled)
      throws IOException;

  /**
   * Loads one RDB image from {@code in} into the engine's keyspace (engine thread), leaving {@code in} just past the
   * image's checksum so that an AOF tail can follow. Throws with a message naming what is wrong on a bad image.
   */
  void load(InputStream in) throws IOException;
}
