package dev.cairn.core.server;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Keyspace;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * MEMORY STATS and MEMORY DOCTOR from Cairn's own accounting (see docs/ARCHITECTURE.md, "Memory accounting"): the same
 * numbers as INFO memory, in Redis's field names. Where Redis reports its allocator (jemalloc's allocated, active and
 * resident bytes), Cairn reports the JVM heap: allocated is the heap in use, active the heap committed, resident the
 * process's RSS, so the ratios say how much the JVM holds beyond the dataset.
 */
final class MemoryReport {
  private MemoryReport() {}

  private static final String[] TIPS = {"nondeterministic_output", "request_policy:all_shards",
      "response_policy:special"};

  static final CommandSpec STATS = CommandSpec.subcommand("memory", "stats", 2).group(Group.SERVER).since("4.0.0")
      .tips(TIPS).summary("Returns details about memory usage.").complexity("O(1)").build();
  static final CommandSpec DOCTOR = CommandSpec.subcommand("memory", "doctor", 2).group(Group.SERVER).since("4.0.0")
      .tips(TIPS).summary("Outputs a memory problems report.").complexity("O(1)").build();

  /** The numbers both commands read. */
  private record Numbers(long used, long peak, long startup, long backlog, long replicas, long normal, long aof,
      long lua, long functions, long overhead, long keys, long dataset, long heapUsed, long heapCommitted, long rss) {
    static Numbers of(Engine e) {
      var um = e.usedMemory();
      um.refreshClients();
      long used = um.total();
      e.stats().notePeakMemory(used);
      long keys = 0;
      Keyspace ks = e.keyspace();
      for (int i = 0; i < ks.databases(); i++) {
        keys += ks.db(i).size();
      }
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      long dataset = um.dataset();
      return new Numbers(used, e.stats().peakMemory, e.stats().startupMemory, e.replication().backlogMemory(),
          e.replication().replicaOutputMemory(), um.normalClients(), 0, e.scripting().cache().memory(),
          e.scripting().functions().memory(), used - dataset, keys, dataset, heap.getUsed(), heap.getCommitted(),
          ServerInfo.residentSetSize());
    }
  }

  /** MEMORY STATS: a map (RESP3) or flat array (RESP2) of Redis's fields, databases with keys as nested maps. */
  static void stats(CommandContext c, Engine e) {
    Numbers n = Numbers.of(e);
    List<Object[]> f = new ArrayList<>();
    f.add(new Object[] {"peak.allocated", n.peak});
    f.add(new Object[] {"total.allocated", n.used});
    f.add(new Object[] {"startup.allocated", n.startup});
    f.add(new Object[] {"replication.backlog", n.backlog});
    f.add(new Object[] {"clients.slaves", n.replicas});
    f.add(new Object[] {"clients.normal", n.normal});
    f.add(new Object[] {"cluster.links", 0L});
    f.add(new Object[] {"aof.buffer", n.aof});
    f.add(new Object[] {"lua.caches", n.lua});
    f.add(new Object[] {"functions.caches", n.functions});
    f.add(new Object[] {"overhead.total", n.overhead});
    f.add(new Object[] {"keys.count", n.keys});
    f.add(new Object[] {"keys.bytes-per-key", n.keys == 0 ? 0L : (n.used - n.startup) / n.keys});
    f.add(new Object[] {"dataset.bytes", n.dataset});
    f.add(new Object[] {"dataset.percentage", n.used - n.startup <= 0 ? 0.0 : n.dataset * 100.0 / (n.used - n.startup)});
    f.add(new Object[] {"peak.percentage", n.peak == 0 ? 0.0 : n.used * 100.0 / n.peak});
    f.add(new Object[] {"allocator.allocated", n.heapUsed});
    f.add(new Object[] {"allocator.active", n.heapCommitted});
    f.add(new Object[] {"allocator.resident", n.rss});
    f.add(new Object[] {"allocator-fragmentation.ratio", ratio(n.heapCommitted, n.heapUsed)});
    f.add(new Object[] {"allocator-fragmentation.bytes", n.heapCommitted - n.heapUsed});
    f.add(new Object[] {"allocator.rss-ratio", ratio(n.rss, n.heapCommitted)});
    f.add(new Object[] {"allocator.rss-bytes", n.rss - n.heapCommitted});
    f.add(new Object[] {"rss-overhead.ratio", ratio(n.rss, n.used)});
    f.add(new Object[] {"rss-overhead.bytes", n.rss - n.used});
    f.add(new Object[] {"fragmentation", ratio(n.rss, n.used)});
    f.add(new Object[] {"fragmentation.bytes", n.rss - n.used});
    Keyspace ks = e.keyspace();
    List<Integer> dbs = new ArrayList<>();
    for (int i = 0; i < ks.databases(); i++) {
      if (ks.db(i).size() > 0) {
        dbs.add(i);
      }
    }
    Reply r = c.reply();
    r.map(f.size() + dbs.size());
    for (Object[] kv : f) {
      r.bulk((String) kv[0]);
      if (kv[1] instanceof Double d) {
        r.doubleValue(d);
      } else {
        r.integer((Long) kv[1]);
      }
    }
    for (int i : dbs) {
      var db = ks.db(i);
      r.bulk("db." + i);
      r.map(2);
      r.bulk("overhead.hashtable.main");
      r.integer(db.size() * 16L); // a bucket slot and the chain pointer per key (Entry's share of the table)
      r.bulk("overhead.hashtable.expires");
      r.integer(db.expiresSize() * 8L);
    }
  }

  private static double ratio(long a, long b) {
    return b <= 0 ? 0.0 : (double) a / b;
  }

  /** MEMORY DOCTOR: Redis's report, its checks made on Cairn's numbers. */
  static void doctor(CommandContext c, Engine e) {
    Numbers n = Numbers.of(e);
    c.reply().verbatim("txt", report(n, e.params().memory.maxmemory.value));
  }

  static String report(Numbers n, long maxmemory) {
    if (n.used < 5 << 20) {
      return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
          + "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I "
          + "will be back to our programming as soon as I finished rebooting.";
    }
    List<String> issues = new ArrayList<>();
    if (n.peak > 0 && (double) n.peak / n.used > 1.5) {
      issues.add(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. "
          + "The JVM keeps heap it grew into until a collection lets it shrink: MEMORY PURGE runs one.");
    }
    if (ratio(n.rss, n.used) > 1.4 && n.rss - n.used > 10 << 20) {
      issues.add(" * High process RSS overhead: This instance has non-allocator RSS overhead of "
          + String.format(java.util.Locale.ROOT, "%.2f", ratio(n.rss, n.used)) + " (" + ServerInfo.human(n.rss - n.used)
          + " bytes): the JVM's heap, code and threads beyond the dataset. A smaller maximum heap (-Xmx) bounds it.");
    }
    if (n.normal > 200 << 10 && n.normal > n.used / 4) {
      issues.add(" * Big client buffers: The clients output buffers are in general big (clients.normal "
          + ServerInfo.human(n.normal) + "). Check CLIENT LIST: a client that does not read its replies, or a big "
          + "MULTI queue, holds memory.");
    }
    if (n.replicas > 10 << 20) {
      issues.add(" * Big replica buffers: The replica output buffers are large (" + ServerInfo.human(n.replicas)
          + "): a replica is slow to read the replication stream.");
    }
    if (maxmemory > 0 && n.used > maxmemory) {
      issues.add(" * Over maxmemory: used memory " + ServerInfo.human(n.used) + " is above maxmemory "
          + ServerInfo.human(maxmemory) + ": keys are being evicted, or write commands refused with OOM.");
    }
    if (issues.isEmpty()) {
      return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
    }
    return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + String.join("\n\n", issues)
        + "\n\nI'm here to keep you safe, Sam. I want to help you.\n";
  }
}
