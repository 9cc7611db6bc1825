package dev.cairn.api.type;

import java.io.IOException;

/**
 * A module data type: how its values are persisted (RDB), rebuilt by commands (AOF rewrite), measured, digested and
 * copied. Values live in the keyspace wrapped in a {@link ModuleValue}; TYPE replies with {@link TypeId#name()} and
 * OBJECT ENCODING with {@code raw}, as Redis does for module types.
 *
 * <p>Every method runs on the engine thread. An implementation is typically a stateless singleton.
 *
 * @param <V> the value class
 */
public interface DataType<V> {
  /** The persisted identity: name and the encoding version {@link #rdbSave} writes. */
  TypeId id();

  /** The class of values, for typed lookups. */
  Class<V> valueClass();

  /** Writes {@code value} in the current encoding version. */
  void rdbSave(RdbOutput out, V value) throws IOException;

  /**
   * Reads a value written with encoding version {@code encver} (any version up to {@code id().encver()}); throws
   * {@link RdbFormatException} for versions it does not know.
   */
  V rdbLoad(RdbInput in, int encver) throws IOException;

  /** Emits the commands that rebuild {@code value} at {@code key} (AOF rewrite). */
  void aofRewrite(AofEmitter out, byte[] key, V value);

  /** An estimate of the bytes {@code value} takes (MEMORY USAGE). */
  long memoryUsage(V value);

  /** Feeds the value's content into {@code digest} (DEBUG DIGEST-VALUE): equal values must give equal digests. */
  void digest(Digest digest, V value);

  /** An independent deep copy (COPY): changing one must not change the other. */
  V copy(V value);

  /** Releases what the value holds outside the heap, if anything, when it leaves the keyspace. */
  default void free(V value) {
  }
}
