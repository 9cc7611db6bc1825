package dev.cairn.core.persistence;

import dev.cairn.core.Engine;
import dev.cairn.core.aof.RdbSupport;
import dev.cairn.core.rdb.RdbInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The RDB format for the AOF, on top of the one RDB writer and loader: an RDB base file is an {@link RdbSnapshotSink}
 * with the {@code aof-base} AUX field, and an RDB base or preamble is read by {@link RdbLoader#load} (expired keys
 * kept, as the commands after a preamble may assume them).
 */
public final class AofRdbSupport implements RdbSupport {
  private final Engine engine;

  public AofRdbSupport(Engine engine) {
    this.engine = engine;
  }

  @Override
  public SnapshotSink baseSink(Path file, Path temp, SnapshotInfo info) {
    Persistence p = engine.persistence();
    return new RdbSnapshotSink(engine.rdbCodecs(), file, temp, p.rdbOptions(info, true));
  }

  @Override
  public byte[] load(InputStream in, long size, String name) throws IOException {
    RdbInput input = new RdbInput(in, size);
    RdbLoader.Result r = engine.persistence().loader().load(input, name, true);
    if (r.status() != RdbLoader.Status.OK) {
      throw new IOException(r.error() == null ? "bad RDB image" : r.error());
    }
    return input.unread();
  }
}
