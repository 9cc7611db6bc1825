package dev.cairn.core.rdb;

/**
 * Serializes the values of one data type in the RDB format: DUMP/RESTORE payloads, RDB files, and later replication. A
 * type registers its codec in {@link RdbCodecs} under the RDB type bytes it writes and reads; the bytes are Redis's,
 * fixed by the file format, never derived from registration order.
 */
public interface RdbValueCodec {
  /** Whether this codec writes {@code value}. */
  boolean handles(Object value);

  /** The RDB type byte {@link #write} will use for {@code value} (it may depend on the value's encoding). */
  int typeByte(Object value);

  /**
   * The type byte for a file or payload of RDB {@code version}, for a codec whose forms differ by version (a stream's
   * type 21 needs 11; in a version 10 file it is type 19). {@link #write} finds the version in {@link RdbOutput#version}.
   */
  default int typeByte(Object value, int version) {
    return typeByte(value);
  }

  /** Writes the value's body (what follows the type byte). */
  void write(RdbOutput out, Object value);

  /** Reads a value body of RDB type {@code typeByte}. */
  Object read(RdbInput in, int typeByte) throws RdbFormatException;

  /**
   * The lowest RDB version that can hold {@code value}: Redis 7.0's (10) unless the value needs a newer form (a hash
   * with field TTLs needs 7.4's, 12). DUMP says this version, so that older Redis servers accept what they can read.
   */
  default int minVersion(Object value) {
    return RdbFormat.MIN_WRITE_VERSION;
  }

  /**
   * Whether {@link #write} may run on the snapshot thread while the engine thread reads the same value (never changes
   * it: the snapshot's copy-on-write sees to that). True only for a type whose read paths change nothing in the value
   * (no lazy caches, no rehashing on lookup); otherwise the snapshot serializes the value on the engine thread.
   */
  default boolean writesConcurrently() {
    return false;
  }
}
