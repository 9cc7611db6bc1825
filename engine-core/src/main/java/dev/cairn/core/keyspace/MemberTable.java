package dev.cairn.core.keyspace;

/**
 * A value whose members may sit in a table (a hash, set or sorted set in its table encoding: a {@link ByteDict}, a
 * set's {@link ByteSet}): the command batch's prefetch ({@link Db#prefetch}) reads ahead in that table for the member
 * a command names.
 */
public interface MemberTable {
  /** The table of members, or null while the value has a compact encoding. */
  PrefetchTable memberTable();
}
