package dev.cairn.api.keyspace;

import dev.cairn.api.reply.Errors;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.ModuleValue;

/**
 * One numbered database of the keyspace. Keys and strings are bytes. A value is a {@code byte[]} (a string) or a
 * {@link RedisValue}.
 *
 * <p>Read lookups expire a key whose time has passed (as Redis's lookupKeyRead does) and count as an access; write
 * lookups ({@code ...ForWrite}) must be used before changing a value in place: they are where point-in-time snapshots
 * and other observers of change hook in.
 */
public interface Database {
  /** This database's index. */
  int id();

  /** The number of keys, including keys whose time has passed but that have not yet been removed. */
  long size();

  /** The value at {@code key}, or null. */
  Object get(byte[] key);

  /** The value at {@code key} if of {@code type}, null if absent; throws WRONGTYPE if another type. */
  <T> T get(byte[] key, Class<T> type);

  /** The value at {@code key} for changing it in place, or null. */
  Object getForWrite(byte[] key);

  /** Like {@link #get(byte[], Class)}, for changing the value in place. */
  <T> T getForWrite(byte[] key, Class<T> type);

  /** Stores {@code value} at {@code key}, replacing any value and removing any time to live (as SET does). */
  void set(byte[] key, Object value);

  /** Stores {@code value} at {@code key}, replacing any value; keeps the time to live if {@code keepTtl}. */
  void set(byte[] key, Object value, boolean keepTtl);

  /** Deletes {@code key}; returns whether it existed. */
  boolean delete(byte[] key);

  /** Whether {@code key} exists (a read lookup: an expired key is removed and does not exist). */
  boolean exists(byte[] key);

  /**
   * Whether {@code key} exists, as a write lookup that leaves the value alone: for commands that replace the value
   * whole if a condition on its existence holds (SET NX|XX, MSETNX), so that the check neither copies the value nor
   * counts a keyspace hit or miss.
   */
  default boolean existsForWrite(byte[] key) {
    return getForWrite(key) != null;
  }

  /** The key's expiry as milliseconds since the epoch; -1 if it has none, -2 if the key does not exist. */
  long expireAt(byte[] key);

  /** Sets the key's expiry (milliseconds since the epoch); the key must exist. */
  void setExpireAt(byte[] key, long atMillis);

  /** Removes the key's expiry; returns whether it had one. */
  boolean persist(byte[] key);

  /**
   * Visits every key and its value (keys whose time has passed included, as KEYS sees them before the lookup), on
   * the engine thread; the visitor must not change the keyspace. For module commands that list their own values
   * (GRAPH.LIST).
   */
  void forEachKey(java.util.function.BiConsumer<byte[], Object> visitor);

  /** The value at {@code key} if it is of module type {@code type}, null if absent; throws WRONGTYPE otherwise. */
  default <V> V get(byte[] key, DataType<V> type) {
    return moduleValue(get(key), type);
  }

  /** Like {@link #get(byte[], DataType)}, for changing the value in place. */
  default <V> V getForWrite(byte[] key, DataType<V> type) {
    return moduleValue(getForWrite(key), type);
  }

  /** Stores a module type's value at {@code key}, replacing any value and removing any time to live. */
  default <V> void set(byte[] key, DataType<V> type, V value) {
    set(key, new ModuleValue(type, value));
  }

  /** Stores a module type's value at {@code key}; keeps the time to live if {@code keepTtl}. */
  default <V> void set(byte[] key, DataType<V> type, V value, boolean keepTtl) {
    set(key, new ModuleValue(type, value), keepTtl);
  }

  // ---- for observers of the keyspace (indexers): reads that change nothing, not even the access clock

  /**
   * The value at {@code key} without expiring it, touching it or reporting a miss (so safe inside a keyspace listener):
   * null if absent or if its time has passed.
   */
  Object peekValue(byte[] key);

  /**
   * Visits the live fields of the hash at {@code key} (name, value), as {@link #peekValue} reads: nothing is touched
   * or expired. Returns false, visiting nothing, when {@code key} holds no hash. The arrays may be reused after each
   * call: copy what you keep.
   */
  boolean forEachHashField(byte[] key, java.util.function.BiConsumer<byte[], byte[]> visitor);

  /**
   * One step of a SCAN over the keys, with Redis's cursor guarantee (a key present for the whole scan is visited at
   * least once, even while the table resizes); keys whose time has passed are skipped. Returns the next cursor, 0 when
   * the scan is complete. The visitor must not change the keyspace.
   */
  long scanKeys(long cursor, java.util.function.Consumer<byte[]> visitor);

  private static <V> V moduleValue(Object stored, DataType<V> type) {
    if (stored == null) {
      return null;
    }
    if (stored instanceof ModuleValue mv) {
      V v = mv.valueIf(type);
      if (v != null) {
        return v;
      }
    }
    throw Errors.WRONGTYPE;
  }
}
