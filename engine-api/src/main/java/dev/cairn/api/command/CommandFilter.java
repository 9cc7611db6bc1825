package dev.cairn.api.command;

/**
 * Sees, and may rewrite, the arguments of every command before it is looked up (Redis's
 * {@code RedisModule_RegisterCommandFilter}): commands clients send (queued in MULTI included, filtered when queued),
 * commands scripts run with {@code redis.call}, commands modules run with {@code ServerAccess.call}, and the commands a
 * replica receives from its master. A blocked command that runs again when its key changes is not filtered again.
 *
 * <p>It runs on the engine thread for every command, so it must be cheap: look at {@code args.get(0)} and return. It
 * may not run commands or touch the keyspace. An exception it throws is logged and the command runs as it stands.
 */
@FunctionalInterface
public interface CommandFilter {
  /** Looks at, and may change, one command's arguments ({@code args.get(0)} is the command name). */
  void filter(FilterArgs args);

  /** A registered filter. */
  interface Handle {
    /**
     * Removes the filter (Redis's {@code RedisModule_UnregisterCommandFilter}); from the engine thread. Returns false
     * when it was removed already. Filters are removed when their module unloads.
     */
    boolean unregister();
  }

  /** The arguments of the command being filtered; valid only during {@link CommandFilter#filter}. */
  interface FilterArgs {
    /** How many arguments, the command name included. */
    int size();

    /** Argument {@code i} (0 is the command name). Keeping the array after the call is fine; changing it is not. */
    byte[] get(int i);

    /** Replaces argument {@code i}. */
    void set(int i, byte[] arg);

    /** Inserts {@code arg} at {@code i} ({@code 0 <= i <= size()}), moving the arguments from {@code i} on. */
    void insert(int i, byte[] arg);

    /** Removes argument {@code i}. */
    void delete(int i);

    /** The id of the client the command runs for (CLIENT ID; a script's or a module call's own client inside them). */
    long clientId();
  }
}
