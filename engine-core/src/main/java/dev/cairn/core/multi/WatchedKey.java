package dev.cairn.core.multi;

import dev.cairn.core.connection.Session;

/** A key one client watches, in the database it was watched in. */
final class WatchedKey {
  final Session session;
  final int db;
  final byte[] key;
  /**
   * The key was already logically expired (present but past its time) when watched: its later removal by expiry is
   * no change, as in Redis, where WATCH of a stale key must not fail EXEC.
   */
  boolean expired;

  WatchedKey(Session session, int db, byte[] key, boolean expired) {
    this.session = session;
    this.db = db;
    this.key = key;
    this.expired = expired;
  }
}
