package dev.cairn.core.persistence;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.config.PersistenceParams;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.log.Log;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.rdb.RdbSection;
import dev.cairn.core.server.ServerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * RDB persistence: SAVE and BGSAVE, the save points the cron checks, the final save at shutdown, and the state INFO
 * persistence shows. One background job runs at a time, as one fork child does in Redis ({@link #activeJob}):
 * BGSAVE, or BGREWRITEAOF, which takes its snapshot through {@link #startSnapshot} too. Loading lives in
 * {@link RdbLoader}.
 *
 * <p>The change counter: {@code ServerStats.dirty} only grows (the dispatcher compares it around each command to
 * decide propagation); the changes since the last save are its distance from {@link #dirtyAtLastSave}.
 */
public final class Persistence {
  /** Redis's child types: what the one background job is. */
  public enum JobType { NONE, RDB, AOF }

  /** After a failed BGSAVE, save points wait this long before trying again (CONFIG_BGSAVE_RETRY_DELAY). */
  static final long RETRY_DELAY_MILLIS = 5000;

  private final Engine engine;
  private final RdbLoader loader;
  private Snapshot job;
  private JobType jobType = JobType.NONE;
  private long dirtyBeforeBgsave;
  private long dirtyAtLastSave;
  private long lastSaveMillis = System.currentTimeMillis();
  private long lastBgsaveTryMillis;
  private boolean lastBgsaveOk = true;
  private long lastBgsaveSeconds = -1;
  private long rdbSaves;
  private long lastCowBytes;
  private boolean bgsaveScheduled;

  public Persistence(Engine engine) {
    this.engine = engine;
    this.loader = new RdbLoader(engine);
  }

  public RdbLoader loader() {
    return loader;
  }

  private PersistenceParams params() {
    return engine.params().persistence;
  }

  /** The RDB file: {@code dbfilename} in {@code dir}. */
  public Path rdbFile() {
    return engine.params().dir.resolve(params().dbfilename.value);
  }

  /**
   * rdb-del-sync-files: an RDB file made or received only to sync a replica is removed once used, when nothing else
   * persists (no save points, the AOF off), as Redis's; the reason is logged with Redis's words.
   */
  public void removeSyncFileIfUnpersisted(String why) {
    if (!params().rdbDelSyncFiles.value || params().save.rules.length != 0
        || engine.aof().state() != dev.cairn.core.aof.Aof.State.OFF) {
      return;
    }
    Log.log(Log.Level.NOTICE, why);
    try {
      java.nio.file.Files.deleteIfExists(rdbFile());
    } catch (java.io.IOException e) {
      Log.log(Log.Level.WARNING, "Unable to remove " + rdbFile().getFileName() + ": " + e.getMessage());
    }
  }

  /** The temporary file a save writes before renaming it over the RDB file ("temp-PID.rdb", as Redis names it). */
  private Path tempFile() {
    return engine.params().dir.resolve("temp-" + Log.pid() + ".rdb");
  }

  /**
   * Deletes the temporary file of a save in progress (a second SIGINT exits at once, and Redis removes its temp file
   * first); safe from any thread, errors ignored.
   */
  public void removeTempFileForExit() {
    try {
      java.nio.file.Files.deleteIfExists(tempFile());
    } catch (IOException | RuntimeException ignored) {
      // exiting anyway
    }
  }

  // ---- what INFO shows

  public long changesSinceLastSave() {
    return engine.stats().dirty - dirtyAtLastSave;
  }

  public long lastSaveMillis() {
    return lastSaveMillis;
  }

  public JobType activeJob() {
    return jobType;
  }

  /** The running background snapshot, or null. */
  public Snapshot runningSnapshot() {
    return job;
  }

  public boolean lastBgsaveOk() {
    return lastBgsaveOk;
  }

  public long lastBgsaveSeconds() {
    return lastBgsaveSeconds;
  }

  public long rdbSaves() {
    return rdbSaves;
  }

  /** Bytes of values the last snapshot copied or kept alive, at its peak (rdb_last_cow_size). */
  public long lastCowBytes() {
    return lastCowBytes;
  }

  public boolean bgsaveScheduled() {
    return bgsaveScheduled;
  }

  // ---- snapshots (BGSAVE, and BGREWRITEAOF's base)

  /**
   * What a snapshot starting now holds: the RDB version its values need (at least {@code rdb-version}), database sizes,
   * the access-data policy, and each registered section's captured state.
   */
  public SnapshotInfo snapshotInfo() {
    Keyspace ks = engine.keyspace();
    int n = ks.databases();
    long[] sizes = new long[n];
    long[] expires = new long[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = ks.db(i).size();
      expires[i] = ks.db(i).expiresSize();
    }
    String policy = engine.params().memory.maxmemoryPolicy.value;
    List<SnapshotInfo.Captured<?>> sections = new ArrayList<>();
    for (RdbSection<?> s : engine.rdbCodecs().sections()) {
      capture(s, sections);
    }
    int version = engine.rdbCodecs().versionFor(ks, (int) params().rdbVersion.value);
    return new SnapshotInfo(version, sizes, expires, policy.endsWith("-lru"), policy.endsWith("-lfu"),
        System.currentTimeMillis(), sections);
  }

  private static <T> void capture(RdbSection<T> s, List<SnapshotInfo.Captured<?>> out) {
    T state = s.capture();
    if (state != null) {
      out.add(new SnapshotInfo.Captured<>(s, state));
    }
  }

  /** How an RDB file of {@code info} is written ({@code aofBase} for an AOF's base file). */
  public RdbSnapshotSink.Options rdbOptions(SnapshotInfo info, boolean aofBase) {
    return new RdbSnapshotSink.Options(info.version(), params().rdbcompression.value, params().rdbchecksum.value,
        aofBase, Engine.REDIS_VERSION, ServerInfo.usedMemory(), engine.params().memory.lfuDecayTime.value);
  }

  /**
   * Starts a background snapshot of the keyspace as it is now into {@code sink} (see {@link Snapshot}), as job
   * {@code type}; {@code onDone} runs on the engine thread when it ends. Throws {@link IllegalStateException} when a
   * job is running already: check {@link #activeJob()} first.
   */
  public Snapshot startSnapshot(JobType type, SnapshotSink sink, SnapshotInfo info,
      BiConsumer<Snapshot.Outcome, Throwable> onDone) {
    if (jobType != JobType.NONE) {
      throw new IllegalStateException("a " + jobType + " background job is running");
    }
    jobType = type;
    long keyDelay = params().rdbKeySaveDelay.value; // as Redis's child, the job keeps the value it started with
    job = Snapshot.start(engine.keyspace(), engine.loop(), sink, info, () -> keyDelay,
        () -> engine.stats().totalCommandsProcessed,
        type == JobType.RDB ? "cairn-bgsave" : "cairn-aof-rewrite", (outcome, failure) -> {
          if (type == JobType.RDB) {
            lastCowBytes = job.cowPeak(); // an AOF rewrite's is aof_last_cow_size
          }
          job = null;
          jobType = JobType.NONE;
          onDone.accept(outcome, failure);
        });
    return job;
  }

  /** Whether a snapshot or an AOF rewrite runs: one background job at a time, as Redis has one child. */
  private boolean backgroundJobRunning() {
    return jobType != JobType.NONE || engine.aof().rewriteInProgress();
  }

  /** Stops the running background job, if any, discarding its output (FLUSHALL, SHUTDOWN). */
  public void killJob(JobType type) {
    if (job != null && jobType == type) {
      job.abort();
    }
  }

  // ---- SAVE

  /**
   * Writes the RDB file now, on the engine thread (SAVE, SHUTDOWN, DEBUG RELOAD, FLUSHALL with save points); returns
   * whether it succeeded. Errors are logged, as Redis logs them.
   */
  public boolean save() {
    SnapshotInfo info = snapshotInfo();
    Path temp = tempFile();
    RdbSnapshotSink sink = new RdbSnapshotSink(engine.rdbCodecs(), rdbFile(), temp, rdbOptions(info, false));
    try {
      sink.open();
    } catch (IOException e) {
      LogMessage.RDB_TEMP_OPEN_FAILED.log(temp.getFileName(), engine.params().dir.get(), reason(e));
      return false;
    }
    try {
      writeNow(sink, info, params().rdbKeySaveDelay.value);
    } catch (IOException | RuntimeException e) {
      LogMessage.RDB_WRITE_ERROR.log(reason(e));
      return false;
    }
    LogMessage.DB_SAVED.log();
    dirtyAtLastSave = engine.stats().dirty;
    lastSaveMillis = System.currentTimeMillis();
    lastBgsaveOk = true;
    return true;
  }

  /**
   * Writes the keyspace into {@code sink} at once, on the engine thread (SAVE, and the AOF base Redis writes in the
   * foreground at start-up): begin, every key (values the sink cannot take as they are go through its
   * {@code prepare}, as in a background snapshot), finish; on a failure the sink's output is discarded and the
   * failure thrown. {@code delayMicros} is slept after each key (rdb-key-save-delay).
   */
  public void writeNow(SnapshotSink sink, SnapshotInfo info, long delayMicros) throws IOException {
    try {
      sink.begin(info);
      Keyspace ks = engine.keyspace();
      IOException[] failure = {null};
      for (int i = 0; i < ks.databases() && failure[0] == null; i++) {
        int db = i;
        ks.db(i).forEach(e -> {
          if (failure[0] != null) {
            return;
          }
          try {
            Object v = e.value();
            boolean prepared = !sink.concurrent(v);
            sink.write(db, e.key, prepared ? sink.prepare(db, e.key, v) : v, prepared, e.expireAt(), e.lru());
            if (delayMicros != 0) {
              sleepMicros(delayMicros);
            }
          } catch (IOException ex) {
            failure[0] = ex;
          }
        });
      }
      if (failure[0] != null) {
        throw failure[0];
      }
      sink.finish();
    } catch (IOException | RuntimeException e) {
      sink.discard();
      throw e;
    }
  }

  /** SAVE: refused while a BGSAVE runs; counts in rdb_saves. */
  public void saveCommand() {
    if (jobType == JobType.RDB) {
      throw BGSAVE_IN_PROGRESS;
    }
    rdbSaves++;
    if (!save()) {
      throw PLAIN_ERR;
    }
  }

  /** Redis's bare "-ERR" (shared.err): a save failed, the log says why. */
  static final RedisException PLAIN_ERR = RedisException.line("ERR");
  static final RedisException BGSAVE_IN_PROGRESS = RedisException.err("Background save already in progress");
  static final RedisException OTHER_JOB = RedisException.err("Another child process is active (AOF?): can't BGSAVE "
      + "right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");

  // ---- BGSAVE

  /** BGSAVE [SCHEDULE]: the status reply, or throws Redis's error. */
  public String bgsaveCommand(boolean schedule, boolean inExec) {
    if (jobType == JobType.RDB) {
      throw BGSAVE_IN_PROGRESS;
    }
    if (backgroundJobRunning() || inExec) {
      if (schedule || inExec) {
        bgsaveScheduled = true;
        return "Background saving scheduled";
      }
      throw OTHER_JOB;
    }
    if (!bgsave()) {
      throw PLAIN_ERR;
    }
    return "Background saving started";
  }

  /** Starts a BGSAVE if no background job runs; returns whether it started. */
  public boolean bgsave() {
    if (backgroundJobRunning()) {
      return false;
    }
    rdbSaves++;
    engine.stats().totalForks++;
    dirtyBeforeBgsave = engine.stats().dirty;
    lastBgsaveTryMillis = System.currentTimeMillis();
    SnapshotInfo info = snapshotInfo();
    // the file is opened by the snapshot thread, so a failure to open it is a failed BGSAVE, as in Redis's child
    Path temp = engine.params().dir.resolve("temp-bgsave-" + Log.pid() + ".rdb");
    RdbSnapshotSink sink = new RdbSnapshotSink(engine.rdbCodecs(), rdbFile(), temp, rdbOptions(info, false));
    startSnapshot(JobType.RDB, sink, info, this::bgsaveDone);
    LogMessage.BGSAVE_STARTED.log(Log.pid());
    return true;
  }

  private void bgsaveDone(Snapshot.Outcome outcome, Throwable failure) {
    long seconds = (System.currentTimeMillis() - lastBgsaveTryMillis) / 1000;
    switch (outcome) {
      case DONE -> {
        LogMessage.DB_SAVED.log();
        LogMessage.BGSAVE_DONE.log();
        dirtyAtLastSave = dirtyBeforeBgsave;
        lastSaveMillis = System.currentTimeMillis();
        lastBgsaveOk = true;
      }
      case FAILED -> {
        if (failure instanceof RdbSnapshotSink.OpenFailed) {
          LogMessage.RDB_TEMP_OPEN_FAILED.log(((RdbSnapshotSink.OpenFailed) failure).file.getFileName(),
              engine.params().dir.get(), reason(failure));
        } else {
          LogMessage.RDB_WRITE_ERROR.log(reason(failure));
        }
        LogMessage.BGSAVE_ERROR.log();
        lastBgsaveOk = false;
      }
      case ABORTED -> LogMessage.BGSAVE_STOPPED.log(); // a deliberate stop: the last status stays as it was
    }
    lastBgsaveSeconds = seconds;
  }

  // ---- the cron

  /** Save points and a scheduled BGSAVE, once per cron tick (as Redis's serverCron). */
  public void cron() {
    if (backgroundJobRunning() || loader.loading() || engine.aof().loading()) {
      return;
    }
    long now = System.currentTimeMillis();
    boolean retryOk = lastBgsaveOk || now - lastBgsaveTryMillis > RETRY_DELAY_MILLIS;
    long[] rules = params().save.rules;
    long changes = changesSinceLastSave();
    for (int i = 0; i + 1 < rules.length; i += 2) {
      if (changes >= rules[i + 1] && now - lastSaveMillis > rules[i] * 1000 && retryOk) {
        LogMessage.SAVE_POINT.log(rules[i + 1], rules[i]);
        bgsave();
        return;
      }
    }
    if (bgsaveScheduled && retryOk && bgsave()) {
      bgsaveScheduled = false;
    }
  }

  // ---- shutdown

  /**
   * The first step of a shutdown, whether it saves or not: a running BGSAVE is stopped and its temporary file removed
   * (as Redis kills its child and unlinks the child's file).
   */
  public void stopForShutdown() {
    if (jobType == JobType.RDB) {
      LogMessage.KILLING_BGSAVE.log();
      Snapshot s = job;
      s.abort();
      s.join(5000);
    }
  }

  /** The final save of a shutdown: the RDB file written on the spot; false when it failed (logged with the reason). */
  public boolean finalSave() {
    return save();
  }

  // ---- FLUSHALL

  /** FLUSHALL: stops a running BGSAVE first (its snapshot is of data that is gone), as Redis kills its child. */
  public void beforeFlushAll() {
    killJob(JobType.RDB);
  }

  /** FLUSHALL, after the flush: saves the now empty dataset when save points are configured, as Redis does. */
  public void afterFlushAll() {
    if (params().save.rules.length > 0) {
      save();
    }
  }

  // ---- writes refused after a failed BGSAVE

  static final RedisException MISCONF = RedisException.of("MISCONF", "Redis is configured to save RDB snapshots, "
      + "but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because "
      + "this instance is configured to report errors during writes if RDB snapshotting fails "
      + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.");

  /** The error write commands get while the last BGSAVE failed (stop-writes-on-bgsave-error), or null. */
  public RedisException writesDenied() {
    if (params().stopWritesOnBgsaveError.value && params().save.rules.length > 0 && !lastBgsaveOk) {
      return MISCONF;
    }
    return null;
  }

  static String reason(Throwable e) {
    if (e instanceof RdbSnapshotSink.OpenFailed) {
      e = e.getCause();
    }
    if (e == null) {
      return "unknown error";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "Permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static void sleepMicros(long micros) {
    if (micros < 0) {
      micros = java.util.concurrent.ThreadLocalRandom.current().nextLong(-micros) == 0 ? 1 : 0;
    }
    if (micros > 0) {
      try {
        java.util.concurrent.TimeUnit.MICROSECONDS.sleep(micros);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
