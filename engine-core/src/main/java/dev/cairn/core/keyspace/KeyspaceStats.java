package dev.cairn.core.keyspace;

/** Counters INFO reports from the keyspace (stats section). */
public final class KeyspaceStats {
  public long keyspaceHits;
  public long keyspaceMisses;
  public long expiredKeys;
  /** Hash fields reclaimed because their TTL passed (INFO expired_subkeys, Redis 7.4). */
  public long expiredSubkeys;
  public long expiredStaleKeys;
  public long expiredTimeCapReachedCount;
  /** Keys and clients removed to stay under maxmemory / maxmemory-clients (INFO evicted_keys, evicted_clients). */
  public long evictedKeys;
  public long evictedClients;
  /** Milliseconds spent over maxmemory, ended spells (INFO total_eviction_exceeded_time). */
  public long evictionExceededMillis;

  public void reset() {
    keyspaceHits = 0;
    keyspaceMisses = 0;
    expiredKeys = 0;
    expiredSubkeys = 0;
    expiredStaleKeys = 0;
    expiredTimeCapReachedCount = 0;
    evictedKeys = 0;
    evictedClients = 0;
    evictionExceededMillis = 0;
  }
}
