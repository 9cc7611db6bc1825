package dev.cairn.core.keyspace;

import java.io.IOException;

/**
 * The dataset as it was at one instant, readable from a background thread while the engine goes on writing: the one
 * way background savers (AOF rewrite, later RDB saves and full resyncs) see the keyspace. Taken on the engine thread
 * with {@link Provider#take}; {@link #forEach} runs on the saver's thread; {@link #close} releases it (any thread).
 */
public interface KeyspaceSnapshot extends AutoCloseable {
  /** Receives a snapshot's content, database by database (only those with keys), entries in any order. */
  interface Visitor {
    void database(int index, long keys, long keysWithExpiry) throws IOException;

    /** One entry; {@code expireAt} is milliseconds since the epoch, -1 for none. */
    void entry(byte[] key, Object value, long expireAt) throws IOException;
  }

  /** Takes snapshots of an engine's keyspace. */
  interface Provider {
    KeyspaceSnapshot take(Keyspace keyspace);
  }

  /** Visits the snapshot's content; returns early (false) when {@code cancelled} says so between entries. */
  boolean forEach(Visitor v, java.util.function.BooleanSupplier cancelled) throws IOException;

  @Override
  void close();
}
