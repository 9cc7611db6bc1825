package dev.cairn.core.persistence;

import java.io.IOException;

/**
 * What a {@link Snapshot} writes to: an RDB file ({@link RdbSnapshotSink}), an AOF base file, a replica's full sync.
 * {@link #prepare} runs on the engine thread; the other methods run on the snapshot thread, in order: {@link #begin},
 * {@link #write} for each key (databases interleaved, in no particular order), then {@link #finish}, or
 * {@link #discard} if the snapshot failed or was aborted at any point.
 */
public interface SnapshotSink {
  /**
   * Whether {@link #write} may get {@code value} itself on the snapshot thread (the engine reads it meanwhile but never
   * changes it). When false, the engine thread calls {@link #prepare} for it instead.
   */
  boolean concurrent(Object value);

  /**
   * On the engine thread, for a value the snapshot thread must not read (a module type's, whose code runs on the engine
   * thread only): its final form, e.g. its serialized bytes, which {@link #write} gets instead of the value.
   */
  Object prepare(int db, byte[] key, Object value);

  /** Called once before any key, with what the snapshot holds. */
  void begin(SnapshotInfo info) throws IOException;

  /**
   * One key of database {@code db} (the database's number when the snapshot started): {@code value} is the value, or
   * what {@link #prepare} returned when {@code prepared}; {@code expireAt} is -1 for none; {@code lru} the key's access
   * data (24 bits, LRU clock or LFU, see {@link SnapshotInfo#lfu}).
   */
  void write(int db, byte[] key, Object value, boolean prepared, long expireAt, int lru) throws IOException;

  /**
   * One string key whose bytes are {@code len} bytes of {@code page} from {@code off}: a string arena's slot, read in
   * place on the snapshot thread (it stays unchanged until the snapshot ends), so that a sink that can write from it
   * makes no copy per key. By default a copy goes to {@link #write}.
   */
  default void writeString(int db, byte[] key, byte[] page, int off, int len, long expireAt, int lru)
      throws IOException {
    write(db, key, java.util.Arrays.copyOfRange(page, off, off + len), false, expireAt, lru);
  }

  /** Every key was written: completes the output (an RDB file's EOF and checksum, then its rename into place). */
  void finish() throws IOException;

  /** The snapshot failed or was aborted: drops what was written (a temporary file is deleted). */
  void discard();
}
