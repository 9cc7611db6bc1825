package dev.cairn.core.keyspace;

/**
 * Told by the keyspace before it changes an entry while a point-in-time snapshot is being taken, so that the snapshot
 * can keep the entry as it was (copy-on-write per entry). {@link Db} calls it from every write path: {@code lookupWrite}
 * (the value is about to change in place), {@code set} (replaced), {@code remove}/{@code detach} (leaves the key),
 * expiry changes, and {@code flush} (a whole table is dropped). The implementation is
 * {@code dev.cairn.core.persistence.Snapshot}; the keyspace only calls it.
 *
 * <p>Entries carry the epoch of the last snapshot that has their value ({@link Entry#mark()}): an entry whose mark is
 * not the running snapshot's epoch has not been taken yet. Entries created while a snapshot runs get its epoch at
 * once (they are not part of it).
 */
public interface SnapshotGuard {
  /** What is about to happen to an entry. */
  enum Change {
    /** The value will be changed in place (a write lookup). */
    IN_PLACE,
    /** The value will be replaced by another; the old one leaves the keyspace. */
    REPLACE,
    /** The entry will be deleted (or expired); its value leaves the keyspace. */
    REMOVE,
    /** The entry will be removed but its value lives on under another key or database (RENAME, MOVE). */
    MOVE,
    /** The expiry will change; the value stays as it is. */
    EXPIRY
  }

  /** The epoch new entries get while this snapshot runs. */
  int epoch();

  /** Called before {@code e} of {@code db} changes. */
  void beforeChange(Db db, Entry e, Change change);

  /** Called before {@code db} drops its table {@code dict} whole (FLUSHDB, FLUSHALL) for a new empty one. */
  void beforeFlush(Db db, ByteDict<Entry> dict);
}
