package dev.cairn.api;

import dev.cairn.api.keyspace.Database;

/** The keyspace and effect streams, for a task running on the engine thread outside any client's command. */
public interface ServerAccess {
  /** Database {@code index}; throws "DB index is out of range" when there is none. */
  Database db(int index);

  int databases();

  /** The engine's clock, milliseconds since the epoch. */
  long now();

  /** Publishes a keyspace event, as {@link dev.cairn.api.command.CommandContext#notifyKeyspaceEvent} does. */
  void notifyKeyspaceEvent(int type, String event, byte[] key, int dbIndex);

  /** Tells WATCH, client tracking and blocked clients that {@code key} changed. */
  void signalModifiedKey(int dbIndex, byte[] key);

  /** Counts changes to the dataset. */
  void addDirty(long changes);

  /** Sends a command to the AOF and replicas, as the effect of this task, in database {@code dbIndex}. */
  void propagate(int dbIndex, byte[]... command);

  /**
   * Runs a command in database {@code dbIndex} as Redis's {@code RedisModule_Call} does (FT.ADD writes its hash with
   * HSET): unknown commands and wrong arity are refused first, the command cannot block, and its effects are
   * propagated as the command's own inside the running execution unit (so a module command that calls writes should
   * {@code preventPropagation()} of itself). The RESP2 reply comes back as Java values: {@code String} (status),
   * {@code byte[]} (bulk), {@code Long}, null, {@code List<Object>} (array; an error inside it is a
   * {@code RedisException} element). An error reply is thrown as a {@code RedisException}.
   */
  Object call(int dbIndex, byte[]... argv);
}
