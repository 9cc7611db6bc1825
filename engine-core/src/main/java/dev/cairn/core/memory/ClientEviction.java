package dev.cairn.core.memory;

import dev.cairn.core.Engine;
import dev.cairn.core.connection.ClientInfo;
import dev.cairn.core.connection.ClientType;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.LogMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code maxmemory-clients}: when the clients together hold more than the limit (bytes, or a percentage of maxmemory),
 * the ones holding most are closed until the rest fit, as Redis's client eviction. Clients with CLIENT NO-EVICT on, the
 * master link and replicas are never evicted. Runs from the cron, on the memory figures CLIENT LIST shows (tot-mem).
 */
public final class ClientEviction {
  private final Engine engine;
  private final UsedMemory used;

  public ClientEviction(Engine engine, UsedMemory used) {
    this.engine = engine;
    this.used = used;
  }

  /** The limit in bytes, or 0 for none. */
  public long limit() {
    long v = engine.params().memory.maxmemoryClients.value;
    if (v >= 0) {
      return v;
    }
    return engine.params().memory.maxmemory.value * -v / 100;
  }

  /** Whether a client may be evicted for memory. */
  static boolean evictable(Session s) {
    return !s.noEvict && !s.replica && !s.master
        && (s.type() == ClientType.NORMAL || s.type() == ClientType.PUBSUB);
  }

  /**
   * Before a client's command runs (only while maxmemory-clients is set, as it walks the clients): the command's
   * arguments count as the client's, so a client whose command would take it over the limit is evicted instead of
   * running it. Returns whether {@code s} was evicted.
   */
  public boolean evictBeforeCommand(Session s, dev.cairn.api.command.Args a) {
    if (limit() <= 0 || s.closing) {
      return false;
    }
    long argv = 0;
    for (int i = 0; i < a.size(); i++) {
      argv += a.length(i);
    }
    evict(s, argv);
    return s.closing;
  }

  /** Closes the biggest evictable clients while they hold more than the limit; returns how many were closed. */
  public int evict() {
    return evict(null, 0);
  }

  private int evict(Session running, long runningExtra) {
    long limit = limit();
    if (limit <= 0) {
      return 0;
    }
    List<Session> candidates = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    long total = 0;
    for (Session s : engine.clients()) {
      if (evictable(s)) {
        long m = ClientInfo.totalMemory(s) + (s == running ? runningExtra : 0);
        candidates.add(s);
        sizes.add(m);
        total += m;
      }
    }
    int closed = 0;
    while (total > limit && !candidates.isEmpty()) {
      int best = 0;
      for (int i = 1; i < sizes.size(); i++) {
        if (sizes.get(i) > sizes.get(best)) {
          best = i;
        }
      }
      Session s = candidates.remove(best);
      total -= sizes.remove(best);
      StringBuilder sb = new StringBuilder();
      ClientInfo.append(sb, s, engine.keyspace().now());
      LogMessage.CLIENT_EVICTED.log(sb.toString());
      engine.keyspace().stats.evictedClients++;
      s.connection.closeNow();
      engine.disconnect(s); // gone at once, as Redis frees it: CLIENT LIST no longer shows it, its memory is freed
      closed++;
    }
    if (closed > 0) {
      used.refreshClients();
    }
    return closed;
  }
}
