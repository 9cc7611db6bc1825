package dev.cairn.api;

/**
 * A module's subscription to keyspace events ({@link ModuleContext#subscribeKeyspaceEvents}), whose event classes it
 * can change at any time on the engine thread. A module that needs events only some of the time subscribes to none
 * while it needs none (the search module while it has no index), and the server's writes then pay nothing for it.
 */
public interface KeyspaceSubscription {
  /** The classes (bits of {@link dev.cairn.api.command.KeyspaceEvents}) the listener receives now; 0: none. */
  int types();

  /** Changes the classes the listener receives, from the next event on; 0 for none. */
  void setTypes(int types);
}
