package dev.cairn.api.type;

import java.io.IOException;

/**
 * A module's data that lives outside the keyspace (index definitions, dictionaries, settings), saved in every RDB file
 * as Redis's module AUX records ({@code RDB_OPCODE_MODULE_AUX}: the 64-bit id of {@link #id()}, the "when" field, then
 * the fields {@link #save} writes, then EOF) and given back to the module when a file is loaded. Registered with
 * {@link dev.cairn.api.ModuleContext#registerAuxData}; a file holding AUX records no loaded module reads fails to load,
 * as in Redis.
 *
 * @param <T> the state captured for one snapshot
 */
public interface AuxData<T> {
  /** Redis's {@code REDISMODULE_AUX_BEFORE_RDB}: the records come before the keys. */
  int BEFORE_KEYS = 1;

  /** The 9-character name and encoding version that identify the records (unique in a server, like a type's). */
  TypeId id();

  /**
   * On the engine thread when a snapshot starts: an immutable image of the state to save (the file is written later on
   * another thread), or null to write no record.
   */
  T capture();

  /** On the snapshot thread: writes the captured state as fields. */
  void save(RdbOutput out, T captured) throws IOException;

  /** Reads one record's fields, written by encoding version {@code encver} (any version up to {@code id().encver()}). */
  Object load(RdbInput in, int encver) throws IOException;

  /**
   * On the engine thread, after {@link #load}: applies what it read. {@code replace} is true for a load that lets the
   * file's data replace what exists (DEBUG RELOAD MERGE).
   */
  void apply(Object loaded, boolean replace);

  /** Before a load that starts from an empty dataset (DEBUG RELOAD, a replica's full sync): forget the old state. */
  default void clear() {}

  /**
   * On the engine thread when an AOF rewrite without an RDB preamble starts ({@code aof-use-rdb-preamble no}): the
   * commands that rebuild the captured state, written at the start of the new base file, before any key (so replaying
   * them first, e.g. creating an index, lets the keys that follow be indexed as they load). The default writes none:
   * the state is then lost by such a rewrite, as Redis's module AUX data has no AOF form.
   */
  default void aofRewrite(AofEmitter out, T captured) {}
}
