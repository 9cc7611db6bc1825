package dev.cairn.core.server;

import dev.cairn.core.Engine;
import dev.cairn.core.command.Command;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.KeyspaceStats;
import dev.cairn.core.keyspace.LruClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text of INFO: Redis's sections and field names. Fields whose subsystem Cairn does not have yet (forks, AOF,
 * replicas) report that state truthfully (0, "ok", -1 as an idle Redis does); memory figures come from the JVM and the
 * OS (docs/INFO.md says what each measures). Fields Cairn cannot measure are left out rather than invented.
 */
public final class ServerInfo {
  static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
  /** "all": the default sections plus these; "everything" adds module-generated sections, of which there are none. */
  static final List<String> ALL_EXTRA = List.of("commandstats", "latencystats");

  private final Engine engine;

  public ServerInfo(Engine engine) {
    this.engine = engine;
  }

  /** Marks an INFO that named "modules": the default INFO has the module list but not the modules' sections. */
  private static final String MODULE_SECTIONS = "\0module-sections";

  /** The sections an INFO call with these arguments asks for, in output order. */
  public static Set<String> sections(List<String> args) {
    Set<String> wanted = new LinkedHashSet<>();
    boolean all = false;
    for (String a : args) {
      String s = a.toLowerCase(Locale.ROOT);
      switch (s) {
        case "default" -> wanted.addAll(DEFAULT_SECTIONS);
        case "all" -> all = true;
        case "everything" -> {
          all = true;
          wanted.add(s); // and every module's sections
        }
        case "modules" -> {
          wanted.add(s);
          wanted.add(MODULE_SECTIONS); // asked for by name (not by default): the modules' own sections too
        }
        default -> wanted.add(s);
      }
    }
    if (args.isEmpty()) {
      wanted.addAll(DEFAULT_SECTIONS);
    }
    if (all) {
      Set<String> ordered = new LinkedHashSet<>(DEFAULT_SECTIONS);
      ordered.addAll(ALL_EXTRA);
      ordered.addAll(wanted);
      return ordered;
    }
    return wanted;
  }

  /** The INFO text for these sections (unknown ones give nothing). */
  public String render(Set<String> sections) {
    StringBuilder out = new StringBuilder();
    String[] order = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
        "commandstats", "errorstats", "latencystats", "cluster", "keyspace", "debug"};
    for (String s : order) {
      if (!sections.contains(s)) {
        continue;
      }
      Lines l = new Lines(out);
      switch (s) {
        case "server" -> server(l.title("Server"));
        case "clients" -> clients(l.title("Clients"));
        case "memory" -> memory(l.title("Memory"));
        case "persistence" -> persistence(l.title("Persistence"));
        case "stats" -> stats(l.title("Stats"));
        case "replication" -> replication(l.title("Replication"));
        case "cpu" -> cpu(l.title("CPU"));
        case "modules" -> modules(l.title("Modules"));
        case "commandstats" -> commandstats(l.title("Commandstats"));
        case "errorstats" -> errorstats(l.title("Errorstats"));
        case "latencystats" -> latencystats(l.title("Latencystats"));
        case "debug" -> debug(l.title("Debug"));
        case "cluster" -> l.title("Cluster").field("cluster_enabled", engine.cluster() != null ? 1 : 0);
        case "keyspace" -> keyspace(l.title("Keyspace"));
        default -> { }
      }
    }
    moduleSections(out, sections);
    return out.toString();
  }

  /** One line per loaded module, as Redis writes them. */
  private void modules(Lines l) {
    for (dev.cairn.core.module.LoadedModule m : engine.modules().list()) {
      l.field("module", "name=" + m.info.name() + ",ver=" + m.info.version()
          + ",api=1,filters=0,usedby=" + engine.modules().sharedApiUsers(m, true)
          + ",using=" + engine.modules().sharedApiUsers(m, false) + ",options=[]");
    }
  }

  /**
   * Sections modules added: all of them for "everything" and an INFO that names "modules", a module's for its name,
   * one for its full name ({@code <module>_<section>}). Field names get the module's name as prefix, as
   * RedisModule_InfoAddField does.
   */
  private void moduleSections(StringBuilder out, Set<String> sections) {
    // INFO modules asks for them too, as Redis 7 answers it with the modules' own sections
    boolean everything = sections.contains("everything") || sections.contains(MODULE_SECTIONS);
    for (dev.cairn.core.module.LoadedModule m : engine.modules().list()) {
      String prefix = m.info.name().toLowerCase(Locale.ROOT);
      for (Map.Entry<String, java.util.function.Supplier<Map<String, Object>>> e : m.infoSections().entrySet()) {
        String name = e.getKey();
        if (!everything && !sections.contains(prefix) && !sections.contains(name.toLowerCase(Locale.ROOT))) {
          continue;
        }
        Lines l = new Lines(out).title(name);
        Map<String, Object> fields;
        try {
          fields = e.getValue().get();
        } catch (RuntimeException ex) {
          dev.cairn.core.log.LogBridges.logger("dev.cairn.modules", "").log(System.Logger.Level.WARNING,
              "module '" + m.info.name() + "' INFO section " + name + " failed", ex);
          continue;
        }
        for (Map.Entry<String, Object> f : fields.entrySet()) {
          l.field(m.info.name() + "_" + f.getKey(), f.getValue());
        }
      }
    }
  }

  /** Appends {@code name:value\r\n} lines; a blank line separates sections. */
  static final class Lines {
    private final StringBuilder sb;

    Lines(StringBuilder sb) {
      this.sb = sb;
    }

    Lines title(String t) {
      if (sb.length() > 0) {
        sb.append("\r\n");
      }
      sb.append("# ").append(t).append("\r\n");
      return this;
    }

    Lines field(String name, Object value) {
      sb.append(name).append(':').append(value).append("\r\n");
      return this;
    }
  }

  private void server(Lines l) {
    ServerParams p = engine.params();
    ServerStats st = engine.stats();
    long uptime = (System.currentTimeMillis() - st.startMillis) / 1000;
    l.field("redis_version", Engine.REDIS_VERSION)
        .field("cairn_version", Engine.CAIRN_VERSION)
        .field("redis_git_sha1", "00000000")
        .field("redis_git_dirty", 0)
        .field("redis_mode", "standalone")
        .field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        .field("arch_bits", "64".equals(System.getProperty("sun.arch.data.model")) ? 64 : 32)
        .field("monotonic_clock", "System.nanoTime")
        .field("multiplexing_api", engine.transport)
        .field("java_version", System.getProperty("java.version"))
        .field("process_id", ProcessHandle.current().pid())
        .field("process_supervised", "no")
        .field("run_id", engine.runId)
        .field("tcp_port", engine.listeningPort)
        .field("server_time_usec", System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000)
        .field("uptime_in_seconds", uptime)
        .field("uptime_in_days", uptime / 86400)
        .field("hz", p.effectiveHz())
        .field("configured_hz", p.hz.value)
        .field("lru_clock", LruClock.now(System.currentTimeMillis()))
        .field("executable", ProcessHandle.current().info().command().orElse(""))
        .field("config_file", engine.config().configFile == null ? "" : engine.config().configFile)
        .field("io_threads_active", 0);
    if (engine.shutdown().waitingForReplicas()) {
      l.field("shutdown_in_milliseconds", engine.shutdown().remainingMillis());
    }
  }

  private void clients(Lines l) {
    l.field("connected_clients", engine.clients().size() - engine.replication().replicaLinkCount()) // replicas apart, as Redis
        .field("cluster_connections", 0)
        .field("maxclients", engine.params().maxclients.value)
        // Redis counts clients held by CLIENT PAUSE among the blocked ones
        .field("blocked_clients", engine.blocking().blockedClients() + engine.pauses().waitingCount())
        .field("tracking_clients", engine.tracking().clients())
        .field("clients_in_timeout_table", engine.blocking().clientsWithTimeout())
        .field("total_blocking_keys", engine.blocking().blockingKeys())
        .field("total_blocking_keys_on_nokey", engine.blocking().blockingKeysOnNoKey());
  }

  private void memory(Lines l) {
    ServerStats st = engine.stats();
    var um = engine.usedMemory();
    um.refreshClients();
    long dataset = um.dataset();
    long used = um.total();
    st.notePeakMemory(used);
    long rss = residentSetSize();
    long total = totalSystemMemory();
    long max = engine.params().memory.maxmemory.value;
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    var softMax = dev.cairn.core.memory.HeapSoftMax.get();
    l.field("used_memory", used)
        .field("used_memory_human", human(used))
        .field("used_memory_rss", rss)
        .field("used_memory_rss_human", human(rss))
        .field("used_memory_peak", st.peakMemory)
        .field("used_memory_peak_human", human(st.peakMemory))
        .field("used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%",
            st.peakMemory == 0 ? 0 : used * 100.0 / st.peakMemory))
        .field("used_memory_overhead", used - dataset)
        .field("used_memory_startup", st.startupMemory)
        .field("used_memory_dataset", dataset)
        .field("used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%",
            used - st.startupMemory <= 0 ? 0 : dataset * 100.0 / (used - st.startupMemory)))
        .field("total_system_memory", total)
        .field("total_system_memory_human", human(total))
        .field("maxmemory", max)
        .field("maxmemory_human", human(max))
        .field("maxmemory_policy", engine.params().memory.maxmemoryPolicy.value)
        .field("used_memory_lua", engine.scripting().cache().memory())
        .field("used_memory_vm_eval", engine.scripting().cache().memory())
        .field("used_memory_scripts_eval", engine.scripting().cache().memory())
        .field("number_of_cached_scripts", engine.scripting().cache().size())
        .field("number_of_functions", engine.scripting().functions().functionCount())
        .field("number_of_libraries", engine.scripting().functions().libraries().size())
        .field("used_memory_vm_functions", engine.scripting().functions().memory())
        .field("used_memory_functions", engine.scripting().functions().memory())
        .field("mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0 : (double) rss / used))
        .field("mem_fragmentation_bytes", rss - used)
        .field("mem_not_counted_for_evict", um.notCountedForEviction())
        .field("mem_replication_backlog", engine.replication().backlogMemory())
        .field("mem_total_replication_buffers", engine.replication().backlogMemory()) // shared by the replicas
        .field("mem_clients_slaves", engine.replication().replicaOutputMemory())
        .field("mem_clients_normal", um.normalClients())
        .field("mem_cluster_links", engine.cluster() == null ? 0 : engine.cluster().linksMemory())
        .field("mem_allocator", "jvm")
        .field("jvm_heap_used", heap.getUsed())
        .field("jvm_heap_committed", heap.getCommitted())
        .field("jvm_heap_max", heap.getMax())
        .field("jvm_heap_soft_max", softMax == null ? 0 : softMax.softMax())
        .field("jvm_heap_collections_requested", softMax == null ? 0 : softMax.requests())
        .field("jvm_heap_write_wait_ms", softMax == null ? 0 : softMax.stallMillis())
        .field("lazyfree_pending_objects", engine.lazyFree().pending())
        .field("lazyfreed_objects", engine.lazyFree().freed());
  }

  private void persistence(Lines l) {
    dev.cairn.core.aof.Aof aof = engine.aof();
    var p = engine.persistence();
    var loader = p.loader();
    var snapshot = p.runningSnapshot();
    long now = System.currentTimeMillis();
    boolean rdbJob = p.activeJob() == dev.cairn.core.persistence.Persistence.JobType.RDB;
    long total = snapshot == null ? 0 : snapshot.info().totalKeys();
    long done = snapshot == null ? 0 : snapshot.keysWritten();
    // starting up: a client served before the load has begun (Redis serves none) gets LOADING, and loading:1 here
    l.field("loading", engine.startingUp() || loader.loading() || aof.loading() || engine.replication().syncLoading()
            ? 1 : 0)
        .field("async_loading", engine.replication().asyncLoading() ? 1 : 0)
        // fork-less snapshots: "copy-on-write" is what the snapshot copied or kept alive of the values changed
        .field("current_cow_peak", snapshot == null ? 0 : snapshot.cowPeak())
        .field("current_cow_size", snapshot == null ? 0 : snapshot.cowBytes())
        .field("current_cow_size_age", 0)
        .field("current_fork_perc", String.format(Locale.ROOT, "%.2f", total == 0 ? 0.0 : done * 100.0 / total))
        .field("current_save_keys_processed", done)
        .field("current_save_keys_total", total)
        .field("rdb_changes_since_last_save", p.changesSinceLastSave())
        .field("rdb_bgsave_in_progress", rdbJob ? 1 : 0)
        .field("rdb_last_save_time", p.lastSaveMillis() / 1000)
        .field("rdb_last_bgsave_status", p.lastBgsaveOk() ? "ok" : "err")
        .field("rdb_last_bgsave_time_sec", p.lastBgsaveSeconds())
        .field("rdb_current_bgsave_time_sec", rdbJob ? (now - snapshot.startMillis()) / 1000 : -1)
        .field("rdb_saves", p.rdbSaves())
        .field("rdb_last_cow_size", p.lastCowBytes())
        .field("rdb_last_load_keys_expired", loader.lastKeysExpired())
        .field("rdb_last_load_keys_loaded", loader.lastKeysLoaded());
    aof.info(l::field);
    l.field("module_fork_in_progress", 0)
        .field("module_fork_last_cow_size", 0);
    aof.infoWhenOn(l::field);
    long[] progress = loader.progress();
    if (progress == null) {
      aof.infoLoading(l::field);
    } else {
      long start = progress[0];
      long totalBytes = progress[1];
      long usedMem = progress[2];
      long loaded = progress[3];
      double perc = 0;
      long remaining = 1;
      if (totalBytes > 0) {
        perc = loaded * 100.0 / totalBytes;
        remaining = totalBytes - loaded;
      } else if (usedMem > 0) {
        perc = Math.min(99.99, loaded * 100.0 / usedMem);
        remaining = Math.max(1, usedMem - loaded);
      }
      long elapsed = now / 1000 - start;
      long eta = elapsed == 0 ? 1 : elapsed * remaining / (loaded + 1);
      l.field("loading_start_time", start)
          .field("loading_total_bytes", Math.max(0, totalBytes))
          .field("loading_rdb_used_mem", usedMem)
          .field("loading_loaded_bytes", loaded)
          .field("loading_loaded_perc", String.format(Locale.ROOT, "%.2f", perc))
          .field("loading_eta_seconds", eta);
    }
  }

  private void stats(Lines l) {
    ServerStats st = engine.stats();
    KeyspaceStats ks = engine.keyspace().stats;
    InstantaneousMetrics im = st.instantaneous;
    l.field("total_connections_received", st.totalConnectionsReceived)
        .field("total_commands_processed", st.totalCommandsProcessed)
        .field("instantaneous_ops_per_sec", im.perSecond(InstantaneousMetrics.Metric.COMMANDS))
        .field("total_net_input_bytes", st.netInputBytes)
        .field("total_net_output_bytes", st.netOutputBytes)
        .field("total_net_repl_input_bytes", 0)
        .field("total_net_repl_output_bytes", 0)
        .field("instantaneous_input_kbps", kbps(im.perSecond(InstantaneousMetrics.Metric.NET_INPUT)))
        .field("instantaneous_output_kbps", kbps(im.perSecond(InstantaneousMetrics.Metric.NET_OUTPUT)))
        .field("instantaneous_input_repl_kbps", "0.00")
        .field("instantaneous_output_repl_kbps", "0.00")
        .field("rejected_connections", st.rejectedConnections)
        .field("sync_full", engine.replication().syncFull())
        .field("sync_partial_ok", engine.replication().syncPartialOk())
        .field("sync_partial_err", engine.replication().syncPartialErr())
        .field("expired_subkeys", ks.expiredSubkeys)
        .field("expired_keys", ks.expiredKeys)
        .field("expired_time_cap_reached_count", ks.expiredTimeCapReachedCount)
        .field("evicted_keys", ks.evictedKeys)
        .field("evicted_clients", ks.evictedClients)
        .field("total_eviction_exceeded_time", ks.evictionExceededMillis + engine.eviction().currentExceededMillis())
        .field("current_eviction_exceeded_time", engine.eviction().currentExceededMillis())
        .field("keyspace_hits", ks.keyspaceHits)
        .field("keyspace_misses", ks.keyspaceMisses)
        .field("pubsub_channels", engine.pubsub().channelCount())
        .field("pubsub_patterns", engine.pubsub().patternCount())
        .field("pubsubshard_channels", engine.pubsub().shardChannelCount())
        .field("latest_fork_usec", 0)
        .field("total_forks", st.totalForks)
        .field("tracking_total_keys", engine.tracking().totalKeys())
        .field("tracking_total_items", engine.tracking().totalItems())
        .field("tracking_total_prefixes", engine.tracking().totalPrefixes())
        .field("unexpected_error_replies", st.unexpectedErrorReplies)
        .field("total_error_replies", st.totalErrorReplies)
        .field("client_query_buffer_limit_disconnections", st.clientQueryBufferLimitDisconnections)
        .field("client_output_buffer_limit_disconnections", st.clientOutputBufferLimitDisconnections);
    l.field("migrate_cached_sockets", engine.migrateSockets().size())
        .field("reply_buffer_shrinks", engine.replyBuffers().shrinks)
        .field("reply_buffer_expands", engine.replyBuffers().expands);
    EventLoopStats el = engine.eventLoopStats();
    l.field("eventloop_cycles", el.cycles())
        .field("eventloop_duration_sum", el.durationSumMicros())
        .field("eventloop_duration_cmd_sum", el.commandSumMicros())
        .field("instantaneous_eventloop_cycles_per_sec", el.instantaneousCyclesPerSec())
        .field("instantaneous_eventloop_duration_usec", el.instantaneousDurationMicros());
    engine.acl().info(l::field);
  }

  /** INFO debug (only when named): Redis's event loop breakdown; Cairn has no AOF, so its share is 0. */
  private void debug(Lines l) {
    EventLoopStats el = engine.eventLoopStats();
    l.field("eventloop_duration_aof_sum", 0)
        .field("eventloop_duration_cron_sum", el.cronSumMicros())
        .field("eventloop_duration_max", el.durationMaxMicros())
        .field("eventloop_cmd_per_cycle_max", el.commandsPerCycleMax());
  }

  /** INFO latencystats: each command's latency percentiles (latency-tracking-info-percentiles) in microseconds. */
  private void latencystats(Lines l) {
    String[] percentiles = engine.params().process.latencyTrackingInfoPercentiles.value.trim().split("\\s+");
    for (Command c : engine.commands().all()) {
      latencystat(l, c, percentiles);
    }
  }

  private static void latencystat(Lines l, Command c, String[] percentiles) {
    if (c.latency != null && c.latency.total() > 0) {
      StringBuilder sb = new StringBuilder();
      for (String p : percentiles) {
        if (p.isEmpty()) {
          continue;
        }
        double pct = Double.parseDouble(p);
        sb.append(sb.isEmpty() ? "" : ",").append('p').append(dev.cairn.core.config.ProcessParams.shortDouble(p))
            .append('=')
            .append(String.format(Locale.ROOT, "%.3f", c.latency.valueAtPercentile(pct) / 1000.0));
      }
      l.field("latency_percentiles_usec_" + c.fullName(), sb.toString());
    }
    for (Command sub : c.subcommands.values()) {
      latencystat(l, sub, percentiles);
    }
  }



  private void replication(Lines l) {
    engine.replication().info(l::field);
  }

  private void cpu(Lines l) {
    double[] userSys = processCpuSeconds();
    var threads = ManagementFactory.getThreadMXBean();
    // INFO runs on the engine thread, so "current thread" is the main thread
    double mainTotal = threads.getCurrentThreadCpuTime() / 1e9;
    double mainUser = threads.getCurrentThreadUserTime() / 1e9;
    l.field("used_cpu_sys", seconds(userSys[1]))
        .field("used_cpu_user", seconds(userSys[0]))
        .field("used_cpu_sys_children", "0.000000")
        .field("used_cpu_user_children", "0.000000")
        .field("used_cpu_sys_main_thread", seconds(Math.max(0, mainTotal - mainUser)))
        .field("used_cpu_user_main_thread", seconds(mainUser));
  }

  private void commandstats(Lines l) {
    for (Command c : engine.commands().all()) {
      commandstat(l, c);
    }
  }

  private static void commandstat(Lines l, Command c) {
    if (c.calls > 0 || c.failedCalls > 0 || c.rejectedCalls > 0) {
      l.field("cmdstat_" + c.fullName(), "calls=" + c.calls + ",usec=" + c.microseconds + ",usec_per_call="
          + String.format(Locale.ROOT, "%.2f", c.calls == 0 ? 0.0 : (float) c.microseconds / c.calls)
          + ",rejected_calls=" + c.rejectedCalls + ",failed_calls=" + c.failedCalls);
    }
    for (Command sub : c.subcommands.values()) {
      commandstat(l, sub);
    }
  }

  private void errorstats(Lines l) {
    for (Map.Entry<String, Long> e : engine.stats().errorCounts.entrySet()) {
      l.field("errorstat_" + e.getKey(), "count=" + e.getValue());
    }
  }

  private void keyspace(Lines l) {
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      Db db = engine.keyspace().db(i);
      if (db.size() > 0) {
        l.field("db" + i, "keys=" + db.size() + ",expires=" + db.expiresSize() + ",avg_ttl=" + averageTtl(db)
            + ",subexpiry=" + db.expiringPartsSize());
      }
    }
  }

  /** An estimate of the mean time to live of keys with one, from a sample (Redis estimates it by sampling too). */
  private long averageTtl(Db db) {
    if (db.expiresSize() == 0) {
      return 0;
    }
    long now = engine.keyspace().now();
    long sum = 0;
    int n = 0;
    for (int i = 0; i < 32; i++) {
      Entry e = db.randomVolatile();
      if (e != null && e.expireAt() > now) {
        sum += e.expireAt() - now;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  // ---- measurements

  /** Bytes of Java heap in use: what the engine's data and buffers occupy, garbage not yet collected included. */
  public static long usedMemory() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Resident set size from /proc (Linux); elsewhere the committed heap and non-heap. */
  static long residentSetSize() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // not Linux: fall back to what the JVM has committed
    }
    var mem = ManagementFactory.getMemoryMXBean();
    return mem.getHeapMemoryUsage().getCommitted() + mem.getNonHeapMemoryUsage().getCommitted();
  }

  static long totalSystemMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  /** User and system CPU seconds of the process: from /proc on Linux, else the total counted as user time. */
  static double[] processCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double ticks = 100.0; // USER_HZ, 100 on every Linux the JVM supports
      return new double[] {Long.parseLong(f[11]) / ticks, Long.parseLong(f[12]) / ticks};
    } catch (Exception e) {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        return new double[] {os.getProcessCpuTime() / 1e9, 0};
      }
      return new double[] {0, 0};
    }
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.6f", s);
  }

  private static String kbps(long bytesPerSecond) {
    return String.format(Locale.ROOT, "%.2f", bytesPerSecond / 1024.0);
  }

  /** Redis's bytesToHuman: 512B, 1.50K, 2.00M, ... */
  public static String human(long n) {
    double d = n;
    if (n < 1024) {
      return n + "B";
    }
    String[] units = {"K", "M", "G", "T", "P", "E"};
    int u = -1;
    while (d >= 1024 && u < units.length - 1) {
      d /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", d, units[u]);
  }
}
