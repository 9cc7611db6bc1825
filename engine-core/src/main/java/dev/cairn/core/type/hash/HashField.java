package dev.cairn.core.type.hash;

import dev.cairn.core.keyspace.ByteDict;

/** A field of a hashtable-encoded hash: its name (the node key), value and expiry (0 = none). */
final class HashField extends ByteDict.Node<HashField> {
  byte[] value;
  /** Milliseconds since the epoch, or 0 when the field has no TTL. */
  long expireAt;
  /** Index in the hash's volatile-field array while {@code expireAt != 0}. */
  int slot = -1;

  HashField(byte[] name, byte[] value) {
    super(name);
    this.value = value;
  }
}
