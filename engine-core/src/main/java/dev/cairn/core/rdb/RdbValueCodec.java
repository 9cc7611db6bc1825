package dev.cairn.core.rdb;

/**
 * Serializes the values of one data type in the RDB format (DUMP/RESTORE now, RDB files and replication later). A type
 * registers its codec in {@link RdbCodecs} under the RDB type bytes it writes and reads; the bytes are Redis's, fixed
 * by the file format, never derived from registration order.
 */
public interface RdbValueCodec {
  /** Whether this codec writes {@code value}. */
  boolean handles(Object value);

  /** The RDB type byte {@link #write} will use for {@code value} (it may depend on the value's encoding). */
  int typeByte(Object value);

  /**
   * The RDB version a DUMP of {@code value} declares: the lowest that has everything {@link #write} uses, so that
   * older servers can RESTORE what they can represent (Redis 7.0 takes up to 10). Redis 7.2's by default.
   */
  default int rdbVersion(Object value) {
    return DumpPayload.RDB_VERSION;
  }

  /** Writes the value's body (what follows the type byte). */
  void write(RdbOutput out, Object value);

  /** Reads a value body of RDB type {@code typeByte}. */
  Object read(RdbInput in, int typeByte) throws RdbFormatException;
}
