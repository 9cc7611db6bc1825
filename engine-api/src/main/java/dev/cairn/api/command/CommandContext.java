package dev.cairn.api.command;

import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Reply;

/**
 * What a running command sees: the client's selected database, its reply writer, the command's clock, and the hooks
 * through which effects leave the command (keyspace events, modified-key signals, propagation).
 *
 * <p>Commands run one at a time on the engine thread, so a handler sees and leaves the keyspace consistent without
 * locking.
 */
public interface CommandContext {
  /** The database the client has selected. */
  Database db();

  /** Database {@code index} (0-based); throws "DB index is out of range" when there is none. */
  Database db(int index);

  /** How many databases there are ({@code databases} config). */
  int databases();

  Reply reply();

  /** The client running the command. */
  ClientHandle client();

  /**
   * The command's time in milliseconds since the epoch, fixed for the whole command (and a whole MULTI or script), so
   * that a key cannot expire half-way through it.
   */
  long now();

  /**
   * Publishes a keyspace event: {@code type} is one of {@link KeyspaceEvents}' class bits, {@code event} the event name
   * ({@code "set"}, {@code "expire"}, ...).
   */
  void notifyKeyspaceEvent(int type, String event, byte[] key, int dbIndex);

  /** Tells WATCH and client tracking that {@code key} in database {@code dbIndex} changed. */
  void signalModifiedKey(int dbIndex, byte[] key);

  /** Counts changes to the dataset (INFO's rdb_changes_since_last_save; a write that changed nothing adds 0). */
  void addDirty(long changes);

  /**
   * Replaces the command's verbatim propagation (to the AOF and replicas) with these commands, in order; e.g. EXPIRE
   * propagates as PEXPIREAT so that replicas agree on the instant. Call once per replacement command.
   */
  void propagate(byte[]... command);

  /**
   * Whether anything consumes propagated commands (the AOF, replicas): a command need not build a replacement that
   * nobody would read (what it would propagate verbatim goes nowhere either).
   */
  default boolean propagates() {
    return true;
  }

  /** Stops the command from being propagated at all (e.g. a write that changed nothing). */
  void preventPropagation();

  /**
   * Blocks the client until one of {@code keys} (in the current database) changes, then runs this same command again
   * for it, first come first served per key; if that run calls {@code block} again the client keeps waiting in its
   * place. {@code timeoutMillis} 0 waits for ever; when it runs out, {@code onTimeout} writes the reply. The handler
   * writes no reply when it blocks.
   *
   * @return false when the client may not block here (inside MULTI or a script): the handler must then reply as the
   *     non-blocking form would when there is nothing to serve
   */
  boolean block(byte[][] keys, long timeoutMillis, java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout);

  /**
   * Like {@link #block(byte[][], long, java.util.function.Consumer)}, but the command runs again only when a key it
   * waits on holds a {@code waitsFor} value after the change (as Redis wakes list waiters only for a list): a key
   * deleted or overwritten with another type leaves the client waiting.
   */
  default boolean block(byte[][] keys, long timeoutMillis, Class<?> waitsFor,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout) {
    return block(keys, timeoutMillis, onTimeout);
  }

  /**
   * Blocks the client until the returned handle's {@link BlockedClient#reply} is called (from any thread, typically
   * when background work finishes) or {@code timeoutMillis} passes ({@code 0}: no timeout), when {@code onTimeout}
   * writes the reply. {@code onTimeout} may be null: then there is no timeout and CLIENT UNBLOCK cannot end the wait,
   * as for a Redis module client blocked without a timeout callback. The handler writes no reply itself. The client's
   * later commands wait meanwhile, as for any blocked client; MODULE UNLOAD waits for the module's blocked clients.
   */
  BlockedClient blockClient(long timeoutMillis, java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout);

  /**
   * Whether this command may block its client ({@link #block}, {@link #blockClient}): false inside MULTI/EXEC and
   * scripts, as Redis's {@code REDISMODULE_CTX_FLAGS_DENY_BLOCKING}. A command that would hand its work to another
   * thread does it in place when this is false.
   */
  default boolean mayBlock() {
    return true;
  }
}
