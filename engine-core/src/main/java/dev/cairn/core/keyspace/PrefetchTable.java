package dev.cairn.core.keyspace;

/**
 * A table of members that {@link Db#prefetch} can read ahead in: both reads change nothing and return a number made of
 * what they read, for the caller to keep (see {@link ByteDict#prefetchBucket}).
 */
public interface PrefetchTable {
  /** Reads the bucket where a member of this hash would be. */
  int prefetchBucket(int hash);

  /** Reads the first member of that bucket. */
  int prefetch(int hash);
}
