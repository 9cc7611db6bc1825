package dev.cairn.example.jobs;

import dev.cairn.api.ApiVersion;
import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module; // import it by name: java.lang.Module makes "dev.cairn.api.*" ambiguous
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.ServerEvent;
import dev.cairn.api.command.KeyspaceEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Job queues: the module API's patterns in one module, each section with its test in {@code JobsModuleTest}. See
 * {@link JobCommands} for the commands (blocking, background work, calls, timers) and {@link LegacyNames} for the
 * command filter.
 */
public final class JobsModule implements Module {
  private ExecutorService workers;

  @Override
  public ModuleInfo info() {
    return new ModuleInfo("jobs", 1, ApiVersion.MAJOR, ApiVersion.MINOR);
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    // --- config parameters: CONFIG GET/SET jobs.max-length, MODULE LOADEX ... CONFIG jobs.max-length 10
    ConfigValue<Long> maxLength = ctx.numericConfig("max-length", 10_000, 1, Integer.MAX_VALUE, null);
    ConfigValue<Boolean> legacyNames = ctx.boolConfig("legacy-names", true, null);

    // --- background work: a thread pool of the module's own (stopped in onUnload); results come back to the
    //     keyspace through ctx.server().execute (see JobCommands.checksum)
    workers = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "jobs-worker");
      t.setDaemon(true);
      return t;
    });

    JobStats stats = new JobStats();
    ctx.registerType(JobQueueType.INSTANCE);

    // --- an ACL category of the module's own: ACL SETUSER worker on >pw -@all +@jobs
    ctx.addAclCategory("jobs");
    ctx.registerCommands(new JobCommands(ctx.server(), workers, maxLength, stats));

    // --- a command filter: old clients' QUEUE.ADD / QUEUE.GET become JOB.PUSH / JOB.POP, from clients, MULTI and
    //     scripts alike (while jobs.legacy-names is yes)
    ctx.registerCommandFilter(new LegacyNames(legacyNames, stats), false);

    // --- a keyspace listener: runs on the engine thread right after a change, whatever notify-keyspace-events says;
    //     it may read (ctx.server().access()) but must not write
    ctx.onKeyspaceEvent(KeyspaceEvents.GENERIC | KeyspaceEvents.EXPIRED, (type, event, key, db) -> {
      if (event.equals("del") || event.equals("expired")) {
        stats.keysRemoved++;
      }
    });

    // --- a server-event listener: FLUSHDB/FLUSHALL, SWAPDB, shutdown, other modules loading
    ctx.onServerEvent(e -> {
      if (e.kind() == ServerEvent.Kind.FLUSH_END) {
        stats.flushes++;
      }
    });

    // --- an INFO section: INFO jobs_stats (fields prefixed jobs_), also in INFO jobs and INFO everything
    ctx.addInfoSection("stats", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pushed", stats.pushed);
      m.put("taken", stats.taken);
      m.put("checksums", stats.checksums);
      m.put("timers_fired", stats.timersFired);
      m.put("keys_removed", stats.keysRemoved);
      m.put("flushes", stats.flushes);
      m.put("legacy_rewrites", stats.legacyRewrites);
      return m;
    });
  }

  @Override
  public void onUnload() {
    if (workers != null) {
      workers.shutdownNow();
    }
  }
}
