package dev.cairn.core.rdb;

/**
 * A part of an RDB file that is not a key: function libraries (RDB_OPCODE_FUNCTION2), module auxiliary data. Written
 * after the AUX fields and before the databases, as Redis does; a feature registers one with
 * {@link RdbCodecs#registerSection} and takes part in every file (BGSAVE, the AOF's base, full syncs) and every load.
 *
 * @param <T> what {@link #capture} takes and {@link #write} writes; {@link #read} and {@link #apply} may use another
 *     form
 */
public interface RdbSection<T> {
  /** The opcode this section's records start with. */
  int opcode();

  /**
   * On the engine thread, when a snapshot starts: an immutable image of the state to write (the snapshot is written
   * later, on another thread, while the state may change), or null for nothing.
   */
  T capture();

  /** On the snapshot thread: writes the captured state as zero or more records, each its opcode then its payload. */
  void write(RdbOutput out, T captured);

  /** Reads one record's payload (after its opcode), on the loading thread. */
  Object read(RdbInput in, int rdbVersion) throws RdbFormatException;

  /** On the engine thread: applies what {@link #read} returned; throws to fail the load with that message. */
  void apply(Object read) throws RdbFormatException;

  /**
   * As {@link #apply(Object)}, for a load that lets the file's records replace what exists (DEBUG RELOAD MERGE, as keys
   * of the file replace keys present); by default the same as a plain apply.
   */
  default void apply(Object read, boolean replace) throws RdbFormatException {
    apply(read);
  }
}
