package dev.cairn.core.config;

/**
 * Memory limits, eviction, lazy freeing, defragmentation and the small-encoding thresholds of the data types. Eviction
 * and defragmentation do not exist in Cairn yet: their parameters are accepted and stored (docs/CONFIG.md); the
 * encoding thresholds are read by the types that have compact encodings.
 */
public final class MemoryParams extends ParamSet {
  public final Params.Num maxmemory;
  public final Params.Choice oomScoreAdj;
  public final SpecialParams.Words oomScoreAdjValues;
  public final Params.Choice maxmemoryPolicy;
  public final Params.Num maxmemorySamples;
  public final Params.Num maxmemoryEvictionTenacity;
  public final SpecialParams.MemoryOrPercent maxmemoryClients;
  public final Params.Num lfuLogFactor;
  public final Params.Num lfuDecayTime;
  public final Params.Bool lazyfreeLazyEviction;
  public final Params.Bool lazyfreeLazyExpire;
  public final Params.Bool lazyfreeLazyServerDel;
  public final Params.Bool lazyfreeLazyUserDel;
  public final Params.Bool lazyfreeLazyUserFlush;
  public final Params.Num activeExpireEffort;
  public final Params.Bool activerehashing;
  public final Params.Num hashMaxListpackEntries;
  public final Params.Num hashMaxListpackValue;
  public final Params.Num listMaxListpackSize;
  public final Params.Num listCompressDepth;
  public final Params.Num setMaxIntsetEntries;
  public final Params.Num setMaxListpackEntries;
  public final Params.Num setMaxListpackValue;
  public final Params.Num zsetMaxListpackEntries;
  public final Params.Num zsetMaxListpackValue;
  public final Params.Num streamNodeMaxBytes;
  public final Params.Num streamNodeMaxEntries;
  public final Params.Num hllSparseMaxBytes;

  MemoryParams(Config c) {
    super(c);
    maxmemory = mem("maxmemory", 0, 0, LONG_MAX);
    maxmemoryPolicy = choice("maxmemory-policy", "noeviction", new String[] {"volatile-lru", "volatile-lfu",
        "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"});
    maxmemorySamples = num("maxmemory-samples", 5, 1, INT_MAX);
    maxmemoryEvictionTenacity = num("maxmemory-eviction-tenacity", 10, 0, 100);
    maxmemoryClients = add(new SpecialParams.MemoryOrPercent("maxmemory-clients"));
    lfuLogFactor = num("lfu-log-factor", 10, 0, INT_MAX);
    lfuDecayTime = num("lfu-decay-time", 1, 0, INT_MAX);
    lazyfreeLazyEviction = bool("lazyfree-lazy-eviction", false);
    lazyfreeLazyExpire = bool("lazyfree-lazy-expire", false);
    lazyfreeLazyServerDel = bool("lazyfree-lazy-server-del", false);
    lazyfreeLazyUserDel = bool("lazyfree-lazy-user-del", false);
    lazyfreeLazyUserFlush = bool("lazyfree-lazy-user-flush", false);
    activeExpireEffort = num("active-expire-effort", 1, 1, 10);
    activerehashing = bool("activerehashing", true);
    bool("activedefrag", false);
    num("active-defrag-cycle-min", 1, 1, 99);
    num("active-defrag-cycle-max", 25, 1, 99);
    num("active-defrag-threshold-lower", 10, 0, 1000);
    num("active-defrag-threshold-upper", 100, 0, 1000);
    mem("active-defrag-ignore-bytes", 100L << 20, 1, LONG_MAX);
    num("active-defrag-max-scan-fields", 1000, 1, LONG_MAX);
    bool("jemalloc-bg-thread", true);
    hashMaxListpackEntries = num("hash-max-listpack-entries", 512, 0, LONG_MAX, "hash-max-ziplist-entries");
    hashMaxListpackValue = mem("hash-max-listpack-value", 64, 0, LONG_MAX, "hash-max-ziplist-value");
    listMaxListpackSize = num("list-max-listpack-size", -2, INT_MIN, INT_MAX, "list-max-ziplist-size");
    listCompressDepth = num("list-compress-depth", 0, 0, INT_MAX);
    setMaxIntsetEntries = num("set-max-intset-entries", 512, 0, LONG_MAX);
    setMaxListpackEntries = num("set-max-listpack-entries", 128, 0, LONG_MAX);
    setMaxListpackValue = num("set-max-listpack-value", 64, 0, LONG_MAX);
    zsetMaxListpackEntries = num("zset-max-listpack-entries", 128, 0, LONG_MAX, "zset-max-ziplist-entries");
    zsetMaxListpackValue = mem("zset-max-listpack-value", 64, 0, LONG_MAX, "zset-max-ziplist-value");
    streamNodeMaxBytes = mem("stream-node-max-bytes", 4096, 0, LONG_MAX);
    streamNodeMaxEntries = num("stream-node-max-entries", 100, 0, LONG_MAX);
    hllSparseMaxBytes = mem("hll-sparse-max-bytes", 3000, 0, LONG_MAX);
    oomScoreAdj = choice("oom-score-adj", "no", new String[] {"no", "yes", "relative", "absolute"});
    oomScoreAdjValues = add(new SpecialParams.Words("oom-score-adj-values", "0 200 800", MemoryParams::validOomValues,
        "Invalid oom-score-adj-values, elements must be between -2000 and 2000."));
  }

  private static boolean validOomValues(String[] w) {
    if (w.length != 3) {
      return false;
    }
    for (String s : w) {
      try {
        int v = Integer.parseInt(s);
        if (v < -2000 || v > 2000) {
          return false;
        }
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }
}
