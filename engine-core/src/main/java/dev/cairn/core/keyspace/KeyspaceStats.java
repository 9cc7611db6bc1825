package dev.cairn.core.keyspace;

/** Counters INFO reports from the keyspace (stats section). */
public final class KeyspaceStats {
  public long keyspaceHits;
  public long keyspaceMisses;
  public long expiredKeys;
  public long expiredStaleKeys;
  public long expiredTimeCapReachedCount;

  public void reset() {
    keyspaceHits = 0;
    keyspaceMisses = 0;
    expiredKeys = 0;
    expiredStaleKeys = 0;
    expiredTimeCapReachedCount = 0;
  }
}
