package dev.cairn.core.config;

import dev.cairn.core.connection.OutputBufferLimits;
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
  public final PersistenceParams.Dir dir;
  /** {@code rename-command from to} directives, in order (applied once the commands are registered). */
  public final java.util.List<String[]> renameCommands = new java.util.ArrayList<>();
  /** {@code loadmodule path [args ...]} directives, in order: path first, then the module's arguments. */
  public final java.util.List<java.util.List<String>> loadModules = new java.util.ArrayList<>();
  /** {@code user name rules...} directives, in order (ACL users defined in the config file). */
  public final java.util.List<java.util.List<String>> users = new java.util.ArrayList<>();
  /**
   * {@code bundled-modules yes|no}: whether the server distribution's bundled module jars
   * ({@link #bundledModulesDir}) are loaded at start-up. A directive, not a parameter: it is read once.
   */
  public boolean bundledModules = true;
  /** Where the distribution keeps its bundled module jars; null when there is none (embedded servers). */
  public java.nio.file.Path bundledModulesDir;
  public final SpecialParams.NotifyEvents notifyKeyspaceEvents;
  public final dev.cairn.core.connection.OutputBufferLimits clientOutputBufferLimit;
  public final PersistenceParams persistence;
  public final ReplicationParams replication;
  public final ClusterParams cluster;
  public final MemoryParams memory;
  public final ProcessParams process;

  public ServerParams(Config c) {
    port = c.register(new Params.Num("port", 6379, 0, 65535, false, null));
    bind = c.register(new Params.Text("bind", "* -::*", null)); // Redis's built-in default (redis.conf narrows it)
    bind.markMultiArg();
    databases = c.register(new Params.Num("databases", 16, 1, Integer.MAX_VALUE, false, null));
    databases.immutableAtRuntime();
    requirepass = c.register(new Params.Text("requirepass", "", null));
    requirepass.markSensitive();
    hz = c.register(new Params.Num("hz", 10, 0, Integer.MAX_VALUE, false, v -> clampHz()));
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
    dir = c.register(new PersistenceParams.Dir());
    dir.markDenyLoading();
    dir.markProtected();
    notifyKeyspaceEvents = c.register(new SpecialParams.NotifyEvents());
    clientOutputBufferLimit = c.register(new dev.cairn.core.connection.OutputBufferLimits());
    persistence = new PersistenceParams(c);
    replication = new ReplicationParams(c);
    cluster = new ClusterParams(c);
    memory = new MemoryParams(c);
    ListConfig.bind(memory.listMaxListpackSize, memory.listCompressDepth);
    process = new ProcessParams(c);
    c.registerDirective("rename-command", args -> {
      if (args.size() != 2) {
        throw new ConfigException("Bad directive or wrong number of arguments");
      }
      renameCommands.add(new String[] {args.get(0), args.get(1)});
    });
    c.registerDirective("user", args -> {
      if (args.isEmpty()) {
        throw new ConfigException("Bad directive or wrong number of arguments");
      }
      users.add(java.util.List.copyOf(args));
    });
    c.registerDirective("loadmodule", args -> {
      if (args.isEmpty()) {
        throw new ConfigException("Bad directive or wrong number of arguments");
      }
      loadModules.add(java.util.List.copyOf(args));
    });
    c.registerDirective("bundled-modules", args -> {
      if (args.size() != 1) {
        throw new ConfigException("wrong number of arguments");
      }
      switch (args.get(0).toLowerCase(java.util.Locale.ROOT)) {
        case "yes" -> bundledModules = true;
        case "no" -> bundledModules = false;
        default -> throw new ConfigException("argument must be 'yes' or 'no'");
      }
    });
  }

  /** Redis keeps hz within 1..500 and CONFIG GET shows the clamped value. */
  private void clampHz() {
    if (hz.value < 1) {
      hz.value = 1;
    } else if (hz.value > 500) {
      hz.value = 500;
    }
  }

  /** The effective hz: Redis clamps it to 1..500. */
  public int effectiveHz() {
    return (int) Math.max(1, Math.min(500, hz.value));
  }
}
