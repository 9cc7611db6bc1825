package dev.cairn.core.type.hash;

import dev.cairn.core.keyspace.ByteDict;

/**
 * A field of a hash in table form: its name (the node key) and value. A field with a TTL is a {@link Volatile}, so that
 * the others carry no TTL state (24 bytes a field instead of 40 with compact headers).
 */
class HashField extends ByteDict.Node<HashField> {
  byte[] value;

  HashField(byte[] name, byte[] value) {
    super(name);
    this.value = value;
  }

  /** Milliseconds since the epoch, or 0 when the field has no TTL. */
  long expireAt() {
    return 0;
  }

  /** A field with a TTL; it goes back to a plain {@link HashField} when the TTL is removed. */
  static final class Volatile extends HashField {
    long expireAt;
    /** Index in the hash's volatile-field array. */
    int slot = -1;

    Volatile(byte[] name, byte[] value, long expireAt) {
      super(name, value);
      this.expireAt = expireAt;
    }

    @Override
    long expireAt() {
      return expireAt;
    }
  }
}
