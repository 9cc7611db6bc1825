package dev.cairn.api.keyspace;

/**
 * A value stored under a key, other than a plain string (those are {@code byte[]}): TYPE and OBJECT ENCODING read it.
 */
public interface RedisValue {
  /** The TYPE reply: {@code list}, {@code hash}, or a module type's name. */
  String typeName();

  /** The OBJECT ENCODING reply: {@code listpack}, {@code quicklist}, {@code hashtable}, ... */
  String encoding();

  /**
   * Whether parts of the value expire on their own (hash fields with a TTL): the database then tracks the key for the
   * active expiry of those parts.
   */
  default boolean hasExpiringParts() {
    return false;
  }

  /**
   * MEMORY USAGE: an estimate of the bytes this value holds on the JVM heap, looking at no more than {@code samples}
   * nested elements and extrapolating; -1 while a type does not estimate itself (MEMORY USAGE then says so).
   */
  default long estimatedBytes(int samples) {
    return -1;
  }

  /** An independent copy with the same contents and encoding (COPY, RESTORE of a duplicate). */
  RedisValue copy();

  /**
   * The work of freeing the value, counted as Redis counts it (allocations: a hash table's or skip list's elements, a
   * quicklist's nodes; 1 for a compact encoding): a lazy delete (UNLINK) tracks a value above 64 as a lazy free.
   */
  default long freeEffort() {
    return 1;
  }

  /**
   * What a lazy free watches for this value once it is dropped: an object unreachable exactly when the value is. A
   * value with a hash table answers a new object only that table references, since a young reference to an old value
   * is not enqueued by G1's concurrent cycles until the reference itself is tenured (see the engine's ByteDict).
   */
  default Object releaseToken() {
    return this;
  }
}
