package dev.cairn.api;

/** Receives keyspace events: {@code type} is one class bit of {@link dev.cairn.api.command.KeyspaceEvents}. */
@FunctionalInterface
public interface KeyspaceListener {
  void onEvent(int type, String event, byte[] key, int dbIndex);
}
