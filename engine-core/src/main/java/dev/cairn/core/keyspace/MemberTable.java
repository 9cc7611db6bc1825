package dev.cairn.core.keyspace;

/**
 * A value whose members sit in a {@link ByteDict} (a hash, set or sorted set in its table encoding): it can bring a
 * member's slot into the cache ahead of the command that will look it up ({@link Db#prefetch}).
 */
public interface MemberTable {
  /** Prefetches the slot of a member with this hash, if the value is held as a table; see {@link ByteDict#prefetch}. */
  int prefetchMember(int hash);
}
