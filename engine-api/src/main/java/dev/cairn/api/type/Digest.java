package dev.cairn.api.type;

/**
 * Accumulates a value's content for DEBUG DIGEST-VALUE, as RedisModuleDigest does: elements added in order form a
 * sequence; {@link #endSequence()} closes one, so an unordered collection can add each member as its own sequence.
 */
public interface Digest {
  void add(byte[] bytes);

  void add(long value);

  void endSequence();
}
