package dev.cairn.core.memory;

import dev.cairn.core.Engine;
import dev.cairn.core.connection.ClientInfo;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Keyspace;

/**
 * INFO's {@code used_memory} and what maxmemory compares with, from Cairn's own accounting rather than the JVM heap's
 * (which holds garbage until a collection and so says little about the dataset): the keys (each measured when written,
 * the sum kept per database), the clients' buffers, the replication buffers and the scripts. The JVM's own fixed share
 * (classes, code, the heap it keeps free) is not in it and is reported apart (INFO's {@code jvm_*} fields).
 *
 * <p>Clients are summed from their connections in the cron ({@link #refreshClients}), not per command: the keys'
 * share, which is what eviction can act on, is exact at every command.
 */
public final class UsedMemory {
  private final Engine engine;
  private long normalClients;
  private long clientsCountedAt;
  private boolean clientsCounted;

  public UsedMemory(Engine engine) {
    this.engine = engine;
  }

  /** The keys of every database. */
  public long dataset() {
    Keyspace ks = engine.keyspace();
    long n = 0;
    for (int i = 0; i < ks.databases(); i++) {
      n += ks.db(i).usedBytes();
    }
    return n;
  }

  /**
   * An empty database's own objects (the database, its key table with 4 buckets, its expiry index with 16 slots, its
   * table of keys with expiring parts): the server's fixed share of used_memory, so that it is never 0 (as Redis's
   * never is) and maxmemory 1 means "always over", as there.
   */
  static final long EMPTY_DB = 304;

  /** What the server holds besides the keys: the databases' fixed part, clients, replication buffers, scripts. */
  public long overhead() {
    return EMPTY_DB * engine.keyspace().databases() + normalClients() + notCountedForEviction()
        + engine.scripting().cache().memory()
        + engine.scripting().functions().memory();
  }

  /** used_memory. */
  public long total() {
    return dataset() + overhead();
  }

  /** The replication backlog and the replicas' output: used, but left out when deciding to evict (as Redis does). */
  public long notCountedForEviction() {
    return engine.replication().backlogMemory() + engine.replication().replicaOutputMemory();
  }

  /** What clients other than replicas hold (mem_clients_normal), as of the last refresh. */
  public long normalClients() {
    if (!clientsCounted) {
      refreshClients();
    }
    return normalClients;
  }

  /**
   * Sums the clients' memory again unless done within the last millisecond: eviction's check when memory looks over the
   * limit, so that clients gone since the cron's sum (and the buffers they held) do not cause evictions.
   */
  public void refreshClientsIfStale() {
    refreshClientsIfOlder(1_000_000);
  }

  /**
   * Before each command while maxmemory is set: the clients' sum is renewed every millisecond, or every microsecond per
   * client where there are more than a thousand, so that a walk over them never takes more than a few percent of the
   * time, yet buffers that grow during a long batch of commands (the cron waits for it) are seen.
   */
  public void refreshClientsPeriodically() {
    refreshClientsIfOlder(Math.max(1_000_000, 1_000L * engine.clients().size()));
  }

  private void refreshClientsIfOlder(long nanos) {
    if (!clientsCounted || System.nanoTime() - clientsCountedAt > nanos) {
      refreshClients();
    }
  }

  /** Sums the clients' memory again (the cron, INFO, CONFIG SET maxmemory). */
  public void refreshClients() {
    long n = 0;
    for (Session s : engine.clients()) {
      if (!s.replica) {
        n += ClientInfo.memory(s);
      }
    }
    normalClients = n;
    clientsCountedAt = System.nanoTime();
    clientsCounted = true;
  }
}
