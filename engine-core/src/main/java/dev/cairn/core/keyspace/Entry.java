package dev.cairn.core.keyspace;

/** A key in the keyspace: the key bytes, its value, its expiry and its access clock. */
public class Entry extends ByteDict.Node<Entry> {
  /**
   * A {@code byte[]} (a string), a {@link dev.cairn.api.keyspace.RedisValue}, or the table's {@link StringArena} when
   * the value is a string held there at {@link #handle}.
   */
  Object value;
  /** The slot of a string held in the arena ({@link #value} is the arena). */
  int handle;
  /**
   * The expiry, or null for a key without one. Kept in an object of its own, which only the keys with an expiry pay
   * for, so that an entry is 40 bytes rather than 48 (with compact headers; the time is a long and the slot an int).
   */
  Expiry expiry;
  /**
   * The low 24 bits: LRU clock (seconds) of the last access, or LFU data (see {@link LruClock}, {@link Lfu}); the high 8
   * bits: the snapshot mark, the epoch of the last point-in-time snapshot that has this entry's value (see
   * {@link SnapshotGuard}). Packed so that an entry costs no more memory for being snapshottable.
   */
  int lru;
  /**
   * The bytes this key was last measured to hold ({@link EntrySize}), counted in its database's dataset size; the
   * complement ({@code ~bytes}, negative) while the value may have changed in place and waits to be measured again.
   * Sized to fit in the object's alignment padding with 12-byte headers; a value over 2 GB counts as 2 GB.
   */
  int mem;

  static final int ACCESS_MASK = 0xFFFFFF;

  Entry(byte[] key, Object value) {
    super(key);
    this.value = value;
  }

  /** The value; a string held in the arena comes out as a new {@code byte[]} (hot paths read the slot instead). */
  public Object value() {
    Object v = value;
    return v instanceof StringArena a ? a.copyOut(handle) : v;
  }

  /** The arena holding this entry's string, or null if the value is an object of its own. */
  public StringArena arena() {
    return value instanceof StringArena a ? a : null;
  }

  /** The slot of the string in {@link #arena()}. */
  public int handle() {
    return handle;
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
