package dev.cairn.core.persistence;

import dev.cairn.core.keyspace.Lfu;
import dev.cairn.core.keyspace.LruClock;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFileWriter;
import dev.cairn.core.rdb.RdbValueCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a snapshot as an RDB file: into a temporary file beside the target, synced, then renamed over the target, so
 * that a crash never leaves a half-written file under the target's name (as Redis does). Used by SAVE, BGSAVE, DEBUG
 * RELOAD and SHUTDOWN's save, and by BGREWRITEAOF for its RDB base file ({@link Options#aofBase}).
 */
public final class RdbSnapshotSink implements SnapshotSink {
  /**
   * How to write: {@code version} the file's RDB version (from {@link SnapshotInfo#version}), {@code compress} and
   * {@code checksum} as {@code rdbcompression} / {@code rdbchecksum}, {@code aofBase} for an AOF's base file,
   * {@code usedMemory} the used-mem AUX field, {@code lfuDecayTime} for the LFU counters saved.
   */
  public record Options(int version, boolean compress, boolean checksum, boolean aofBase, String redisVersion,
      long usedMemory, long lfuDecayTime) { }

  private final RdbCodecs codecs;
  private final Path target;
  private final Path temp;
  private final Options options;
  private FileChannel channel;
  private OutputStream stream;
  private RdbFileWriter writer;
  private SnapshotInfo info;
  private boolean[] resized;
  private long now;

  public RdbSnapshotSink(RdbCodecs codecs, Path target, Path temp, Options options) {
    this.codecs = codecs;
    this.target = target;
    this.temp = temp;
    this.options = options;
  }

  /**
   * A sink that writes the RDB into {@code out} rather than a file (a diskless full sync to replicas): nothing is
   * renamed or synced; {@code out} is flushed at the end and left open.
   */
  public RdbSnapshotSink(RdbCodecs codecs, OutputStream out, Options options) {
    this.codecs = codecs;
    this.target = null;
    this.temp = null;
    this.options = options;
    this.stream = out;
  }

  /** The temporary file written before the rename. */
  public Path temp() {
    return temp;
  }

  /** Bytes written (the file's size once finished). */
  public long bytesWritten() {
    return writer == null ? 0 : writer.bytesWritten();
  }

  @Override
  public boolean concurrent(Object value) {
    if (value instanceof byte[]) {
      return true;
    }
    RdbValueCodec codec = codecs.writer(value);
    return codec != null && codec.writesConcurrently();
  }

  @Override
  public Object prepare(int db, byte[] key, Object value) {
    byte[] encoded = RdbFileWriter.encodeValue(codecs, value, options.version(), options.compress());
    if (encoded == null) {
      throw new IllegalStateException("no RDB codec for values of " + value.getClass().getName());
    }
    return encoded;
  }

  /** The temporary file could not be opened (the log says so in Redis's words). */
  public static final class OpenFailed extends IOException {
    public final Path file;

    OpenFailed(Path file, IOException cause) {
      super(cause.getMessage(), cause);
      this.file = file;
    }
  }

  /** Opens the temporary file. Separate from {@link #begin} so that SAVE can report a failure to open at once. */
  public void open() throws IOException {
    if (channel != null || target == null) {
      return;
    }
    try {
      channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new OpenFailed(temp, e);
    }
    stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  @Override
  public void begin(SnapshotInfo info) throws IOException {
    open();
    this.info = info;
    this.resized = new boolean[info.dbSizes().length];
    this.now = info.lruClockMillis();
    writer = new RdbFileWriter(stream, codecs, options.version(), options.compress(), options.checksum());
    writer.header();
    writer.standardAux(options.redisVersion(), options.usedMemory(), options.aofBase());
    for (SnapshotInfo.Captured<?> c : info.sections()) {
      c.write(writer.output());
      writer.maybeFlush();
    }
  }

  @Override
  public void write(int db, byte[] key, Object value, boolean prepared, long expireAt, int lru) throws IOException {
    selectDb(db);
    if (prepared) {
      writer.keyEncoded(key, (byte[]) value, expireAt, idleSeconds(lru), lfuCounter(lru));
    } else {
      writer.key(key, value, expireAt, idleSeconds(lru), lfuCounter(lru));
    }
  }

  @Override
  public void writeString(int db, byte[] key, byte[] page, int off, int len, long expireAt, int lru)
      throws IOException {
    selectDb(db);
    writer.keyString(key, page, off, len, expireAt, idleSeconds(lru), lfuCounter(lru));
  }

  /** The key's idle time for the IDLE field, or -1 when the eviction policy is not LRU. */
  private long idleSeconds(int lru) {
    return info.lru() ? LruClock.idleSeconds(lru, now) : -1;
  }

  /** The key's LFU counter for the FREQ field, or -1 when the eviction policy is not LFU. */
  private int lfuCounter(int lru) {
    return info.lfu() ? Lfu.counter(lru, now, options.lfuDecayTime()) : -1;
  }

  private void selectDb(int db) throws IOException {
    writer.selectDb(db);
    if (!resized[db]) {
      resized[db] = true;
      writer.resizeDb(info.dbSizes()[db], info.expireSizes()[db]);
    }
  }

  @Override
  public void finish() throws IOException {
    writer.end();
    stream.flush();
    if (target == null) {
      return;
    }
    channel.force(true);
    stream.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    dev.cairn.core.util.Durability.syncDirectory(target.toAbsolutePath().getParent());
  }

  @Override
  public void discard() {
    if (target == null) {
      return;
    }
    try {
      if (stream != null) {
        stream.close();
      } else if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // the file goes anyway
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // nothing more to do: a stale temp file is overwritten by the next save
    }
  }
}
