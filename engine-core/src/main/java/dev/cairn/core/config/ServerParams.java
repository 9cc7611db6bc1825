package dev.cairn.core.config;

import dev.cairn.core.type.list.ListConfig;

/**
 * The core's configuration parameters, with Redis's names, defaults and bounds. Each is a typed field the engine reads
 * directly; CONFIG GET/SET and the config file go through {@link Config}.
 */
public final class ServerParams {
  public final Params.Num port;
  public final Params.Text bind;
  public final Params.Num databases;
  public final Params.Text requirepass;
  public final Params.Num hz;
  public final Params.Num protoMaxBulkLen;
  public final Params.Num clientQueryBufferLimit;
  public final Params.Num maxclients;
  public final Params.Num timeout;
  public final Params.Num slowlogLogSlowerThan;
  public final Params.Num slowlogMaxLen;
  public final Params.Num latencyMonitorThreshold;
  public final Params.Text dir;
  public final Params.Num listMaxListpackSize;
  public final Params.Num listCompressDepth;

  public ServerParams(Config c) {
    port = c.register(new Params.Num("port", 6379, 0, 65535, false, null));
    port.immutableAtRuntime();
    bind = c.register(new Params.Text("bind", "127.0.0.1 -::1", null));
    bind.immutableAtRuntime();
    databases = c.register(new Params.Num("databases", 16, 1, Integer.MAX_VALUE, false, null));
    databases.immutableAtRuntime();
    requirepass = c.register(new Params.Text("requirepass", "", null));
    requirepass.markSensitive();
    hz = c.register(new Params.Num("hz", 10, 0, Integer.MAX_VALUE, false, null));
    protoMaxBulkLen = c.register(new Params.Num("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE,
        true, null));
    clientQueryBufferLimit = c.register(new Params.Num("client-query-buffer-limit", 1024L * 1024 * 1024,
        1024 * 1024, Long.MAX_VALUE, true, null));
    maxclients = c.register(new Params.Num("maxclients", 10000, 1, Integer.MAX_VALUE, false, null));
    timeout = c.register(new Params.Num("timeout", 0, 0, Integer.MAX_VALUE, false, null));
    slowlogLogSlowerThan = c.register(new Params.Num("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, false,
        null));
    slowlogMaxLen = c.register(new Params.Num("slowlog-max-len", 128, 0, Long.MAX_VALUE, false, null));
    latencyMonitorThreshold = c.register(new Params.Num("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, false,
        null));
    dir = c.register(new Params.Text("dir", System.getProperty("user.dir"), null));
    listMaxListpackSize = c.register(new Params.Num("list-max-listpack-size", -2, Integer.MIN_VALUE,
        Integer.MAX_VALUE, false, v -> ListConfig.fill = (int) (long) v, "list-max-ziplist-size"));
    listCompressDepth = c.register(new Params.Num("list-compress-depth", 0, 0, Integer.MAX_VALUE, false,
        v -> ListConfig.compressDepth = (int) (long) v));
    ListConfig.fill = -2; // a new server starts from the defaults
    ListConfig.compressDepth = 0;
  }

  /** The effective hz: Redis clamps it to 1..500. */
  public int effectiveHz() {
    return (int) Math.max(1, Math.min(500, hz.value));
  }
}
