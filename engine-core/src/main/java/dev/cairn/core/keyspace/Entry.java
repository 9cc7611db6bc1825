package dev.cairn.core.keyspace;

/**
 * A key in the keyspace: the key bytes, its value, its expiry and its access clock. 32 bytes with compact object
 * headers: the key's hash is not cached (a {@link ByteDict.Link}: the keyspace compares keys in a chain and hashes
 * them again when it resizes, as Redis's dict does), the expiry is an object only keys with one have, and one field
 * holds either an arena string's slot or another value's measured size.
 */
public class Entry extends ByteDict.Link<Entry> {
  /**
   * A {@code byte[]} (a string), a {@link dev.cairn.api.keyspace.RedisValue}, or the table's {@link StringArena} when
   * the value is a string held there at {@link #handleOrSize}.
   */
  Object value;
  /**
   * For a string held in the arena ({@link #value} is the arena): its slot, never negative. For any other value: the
   * bytes this key was last measured to hold ({@link EntrySize}), counted in its database's dataset size; the
   * complement ({@code ~bytes}, negative) while the value may have changed in place and waits to be measured again (a
   * value over 2 GB counts as 2 GB). An arena string is measured from its slot when it is counted or uncounted, so it
   * needs no size of its own.
   */
  int handleOrSize;
  /**
   * The expiry, or null for a key without one. Kept in an object of its own, which only the keys with an expiry pay
   * for (the time is a long and its index slot an int).
   */
  Expiry expiry;
  /**
   * The low 24 bits: LRU clock (seconds) of the last access, or LFU data (see {@link LruClock}, {@link Lfu}); the high 8
   * bits: the snapshot mark, the epoch of the last point-in-time snapshot that has this entry's value (see
   * {@link SnapshotGuard}). Packed so that an entry costs no more memory for being snapshottable.
   */
  int lru;

  static final int ACCESS_MASK = 0xFFFFFF;

  Entry(byte[] key, Object value) {
    super(key);
    this.value = value;
  }

  /** The value; a string held in the arena comes out as a new {@code byte[]} (hot paths read the slot instead). */
  public Object value() {
    Object v = value;
    return v instanceof StringArena a ? a.copyOut(handleOrSize) : v;
  }

  /** The arena holding this entry's string, or null if the value is an object of its own. */
  public StringArena arena() {
    return value instanceof StringArena a ? a : null;
  }

  /** The slot of the string in {@link #arena()}. */
  public int handle() {
    return handleOrSize;
  }

  /** The value if it is an object of its own, else null (a string in the arena): no copy made. */
  public Object valueObject() {
    Object v = value;
    return v instanceof StringArena ? null : v;
  }

  /** Expiry in milliseconds since the epoch, or -1. */
  public long expireAt() {
    Expiry x = expiry;
    return x == null ? -1 : x.at;
  }

  /** An entry's expiry time and its place in the database's {@link ExpireIndex}. */
  static final class Expiry {
    /** Milliseconds since the epoch. */
    long at;
    /** Index in the database's {@link ExpireIndex}. */
    int slot = -1;

    Expiry(long at) {
      this.at = at;
    }
  }

  /** The access clock, or LFU data (24 bits). */
  public int lru() {
    return lru & ACCESS_MASK;
  }

  /** Sets the access clock (or LFU data): RESTORE IDLETIME/FREQ, and moves that keep a value's history. */
  public void setLru(int access) {
    this.lru = (lru & ~ACCESS_MASK) | (access & ACCESS_MASK);
  }

  /** The snapshot mark (0..255): the epoch of the last snapshot that has this entry's value. */
  public int mark() {
    return lru >>> 24;
  }

  /** Sets the snapshot mark, keeping the access data. */
  public void setMark(int mark) {
    this.lru = (mark << 24) | (lru & ACCESS_MASK);
  }
}
