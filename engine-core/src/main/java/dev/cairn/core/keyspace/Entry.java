package dev.cairn.core.keyspace;

/** A key in the keyspace: the key bytes, its value, its expiry and its access clock. */
public final class Entry extends ByteDict.Node<Entry> {
  /** A {@code byte[]} (a string) or a {@link dev.cairn.api.keyspace.RedisValue}. */
  Object value;
  /** Expiry in milliseconds since the epoch, or -1. */
  long expireAt = -1;
  /** Index in the database's {@link ExpireIndex} while {@code expireAt >= 0}. */
  int expireSlot = -1;
  /** LRU clock (seconds) of the last access, or LFU data; see {@link LruClock}. */
  int lru;

  Entry(byte[] key, Object value) {
    super(key);
    this.value = value;
  }

  public Object value() {
    return value;
  }

  public long expireAt() {
    return expireAt;
  }

  public int lru() {
    return lru;
  }

  /** Sets the access clock (or LFU data): RESTORE IDLETIME/FREQ, and moves that keep a value's history. */
  public void setLru(int lru) {
    this.lru = lru;
  }
}
