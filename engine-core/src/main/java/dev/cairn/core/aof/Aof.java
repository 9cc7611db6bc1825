package dev.cairn.core.aof;

import dev.cairn.core.Engine;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.PersistenceParams;
import dev.cairn.core.log.Log;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.persistence.Persistence;
import dev.cairn.core.persistence.Snapshot;
import dev.cairn.core.persistence.SnapshotInfo;
import dev.cairn.core.persistence.SnapshotSink;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The append only file, Redis 7's multi-part layout: {@code <dir>/<appenddirname>/} holds a base file, incr files and a
 * manifest naming them. The AOF subscribes to the propagation stream; each effect is appended to the current incr file
 * before the replies of the same event-loop round are sent ({@link #beforeReplies}). A rewrite (BGREWRITEAOF,
 * automatic growth, or turning the AOF on) opens a new incr file for the writes that follow, writes a snapshot of the
 * dataset as a new base on a background thread, then records base and incr files in the manifest; the files they
 * replace become history and are deleted in the background.
 *
 * <p>States as Redis's: off; on; and waiting for the first rewrite after CONFIG SET appendonly yes, when effects go to
 * a temporary incr file that becomes the first incr file once the base exists.
 */
public final class Aof implements dev.cairn.core.Propagation.Listener {
  /** Redis's aof_state. */
  public enum State { OFF, ON, WAIT_REWRITE }

  /** After this many failed rewrites in a row, automatic ones back off (1, 2, 4 ... 60 minutes), as Redis. */
  private static final int REWRITE_LIMIT_THRESHOLD = 3;
  private static final int REWRITE_LIMIT_MAX_MINUTES = 60;
  /** The SIGUSR1 a killed rewrite child reports in Redis; a rewrite Cairn cancels logs it the same way. */
  private static final int SIGUSR1 = 10;

  final Engine engine;
  private final PersistenceParams params;
  private final AofWriter writer = new AofWriter();
  private final ExecutorService unlinker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cairn-aof-unlink");
    t.setDaemon(true);
    return t;
  });
  private State state = State.OFF;
  private AofManifest manifest = new AofManifest();
  private AofRewrite rewrite;
  private boolean rewriteScheduled;
  private long rewriteSerial;
  private RdbSupport rdbSupport;
  private BooleanSupplier otherBackgroundJob = () -> false;
  /** How the process ends on an AOF error Redis treats as fatal (tests replace it). */
  private Runnable fatalExit = () -> System.exit(1);

  // INFO persistence
  private boolean lastRewriteOk = true;
  private long rewrites;
  private long consecutiveFailures;
  private long lastRewriteSeconds = -1;
  private long lastCowBytes;
  private long baseSize;
  private long sizeAtOpen;
  private int limitDelayMinutes;
  private long limitNextAllowedMillis;
  // loading, for INFO and the progress log
  private boolean loading;
  private long loadingStartMillis;
  private long loadingTotalBytes;
  private long loadingDoneBytes;
  private long loadingFileBase;
  private long lastProgressLogMillis;

  public Aof(Engine engine) {
    this.engine = engine;
    this.params = engine.params().persistence;
    params.appendonly.onApply(this::appendonlyChanged);
    params.aofDisableAutoGc.onApply(() -> {
      if (!params.aofDisableAutoGc.value) {
        deleteHistoryFiles();
      }
    });
    params.aofTimestampEnabled.onApply(() -> writer.timestamps = params.aofTimestampEnabled.value);
    writer.timestamps = params.aofTimestampEnabled.value;
    writer.afterBackgroundFsync = () -> {
      if (engine.loop() != null) {
        engine.loop().execute(this::releaseWaiters);
      }
    };
  }

  // ---- WAITAOF

  /** A client blocked in WAITAOF until the fsync passes its last write. */
  private record Waiter(dev.cairn.core.connection.Session session, long offset) { }

  private final java.util.List<Waiter> waiters = new java.util.ArrayList<>();

  /** The AOF stream's offset: bytes of effects encoded since start. */
  public long offset() {
    return writer.encoded;
  }

  /**
   * Whether everything up to {@code offset} is fsynced: never while the AOF is off, nor while it waits for its first
   * base (Redis's fsynced offset becomes valid only when that rewrite ends; the temporary incr file is not yet an AOF).
   */
  public boolean fsyncedUpTo(long offset) {
    return state == State.ON && writer.fsyncedOffset >= offset;
  }

  /** WAITAOF with numlocal: waits until the client's last write is fsynced (the blocking is the caller's). */
  public void waitForFsync(dev.cairn.core.connection.Session s) {
    waiters.add(new Waiter(s, s.aofOffset));
  }

  /** A WAITAOF that ended otherwise (timeout, disconnect, CLIENT UNBLOCK) no longer waits. */
  public void forgetWaiter(dev.cairn.core.connection.Session s) {
    waiters.removeIf(w -> w.session == s);
  }

  private void releaseWaiters() {
    engine.replication().checkWaits(); // WAITAOF's wait for replicas and the local fsync together
    if (waiters.isEmpty()) {
      return;
    }
    for (Waiter w : new java.util.ArrayList<>(waiters)) {
      if (fsyncedUpTo(w.offset)) {
        waiters.remove(w);
        engine.blocking().release(w.session, false, r -> {
          r.array(2);
          r.integer(1);
          r.integer(0);
        });
      }
    }
  }

  /** The AOF was turned off: waiting clients get the error a new WAITAOF would. */
  private void failWaiters() {
    for (Waiter w : new java.util.ArrayList<>(waiters)) {
      engine.blocking().release(w.session, true, r -> r.error(WAITAOF_AOF_OFF));
    }
    waiters.clear();
  }

  public static final dev.cairn.api.reply.RedisException WAITAOF_AOF_OFF = dev.cairn.api.reply.RedisException.err(
      "WAITAOF cannot be used when numlocal is set but appendonly is disabled.");

  PersistenceParams params() {
    return params;
  }

  RdbSupport rdbSupport() {
    return rdbSupport;
  }

  /** Plugs in the RDB format: base files are then written as RDB when aof-use-rdb-preamble is yes. */
  public void setRdbSupport(RdbSupport rdb) {
    this.rdbSupport = rdb;
  }

  /** Tells the AOF whether another background job (BGSAVE) runs, during which rewrites wait, as in Redis. */
  public void setOtherBackgroundJob(BooleanSupplier running) {
    this.otherBackgroundJob = running;
  }

  public void setFatalExit(Runnable exit) {
    this.fatalExit = exit;
  }

  public State state() {
    return state;
  }

  public boolean rewriteInProgress() {
    return rewrite != null;
  }

  public boolean rewriteScheduled() {
    return rewriteScheduled;
  }

  /** The files of the AOF as the manifest has them (tests, DEBUG). */
  public AofManifest manifest() {
    return manifest;
  }

  Path dir() {
    return engine.params().dir.value;
  }

  Path aofDir() {
    return dir().resolve(params.appenddirname.value);
  }

  private String prefix() {
    return params.appendfilename.value;
  }

  private Path manifestPath() {
    return aofDir().resolve(prefix() + ".manifest");
  }

  private Path tempIncrPath() {
    return aofDir().resolve("temp-" + prefix() + ".incr");
  }

  // ---- the propagation stream

  /** The AOF takes what is meant for it: not PUBLISH (replicas only), nor what a script kept from it. */
  @Override
  public int targets() {
    return dev.cairn.core.Propagation.TARGET_AOF;
  }

  @Override
  public void effect(int dbIndex, byte[][] command) {
    if (writer.isOpen()) {
      writer.append(dbIndex, command);
    }
  }

  /**
   * Called before replies go to sockets: writes what this round appended, and fsyncs it first with appendfsync always.
   * Returns false when nothing was pending (the caller may send replies at once).
   */
  public boolean mustWriteBeforeReplies() {
    return writer.buffered() > 0;
  }

  public void beforeReplies() {
    writer.write(policy(), false);
    releaseWaiters();
  }

  private AofWriter.Fsync policy() {
    if (rewrite != null && params.noAppendfsyncOnRewrite.value) {
      return AofWriter.Fsync.NO;
    }
    return switch (params.appendfsync.value) {
      case "always" -> AofWriter.Fsync.ALWAYS;
      case "no" -> AofWriter.Fsync.NO;
      default -> AofWriter.Fsync.EVERYSEC;
    };
  }

  /**
   * The error that refuses write commands, or null: after a failed write to the AOF, writes get Redis's MISCONF
   * error until a write succeeds again.
   */
  public String writeError() {
    String err = writer.writeError;
    return state == State.OFF || err == null ? null : err;
  }

  /** DEBUG AOF-FLUSH-SLEEP. */
  public void setFlushSleepMicros(long micros) {
    writer.flushSleepMicros = micros;
  }

  // ---- start-up

  /** A failure that stops the server; the reason has been logged with Redis's wording. */
  public static final class StartupFailure extends Exception {
    public StartupFailure(String message) {
      super(message);
    }
  }

  /**
   * Loads the dataset from the AOF at start-up when appendonly is yes (else returns false and the caller loads the
   * RDB file, as Redis prefers the AOF), then opens the incr file to append to, creating a base first when there is
   * none.
   */
  public boolean loadAtStartup() throws StartupFailure {
    if (!params.appendonly.value) {
      return false;
    }
    long start = System.nanoTime();
    loadManifestFromDisk();
    AofLoader.Result r = loadFiles();
    if (r == AofLoader.Result.FAILED) {
      throw new StartupFailure("AOF loading failed");
    }
    if (r != AofLoader.Result.NOT_EXIST) {
      LogMessage.AOF_LOADED.log((System.nanoTime() - start) / 1e9);
    }
    state = State.ON;
    openOnServerStart();
    deleteHistoryFiles();
    engine.propagation().addListener(this);
    return true;
  }

  private void loadManifestFromDisk() throws StartupFailure {
    Path m = manifestPath();
    if (!Files.isDirectory(aofDir()) || !Files.exists(m)) {
      manifest = new AofManifest();
      return;
    }
    byte[] content;
    try {
      content = Files.readAllBytes(m);
    } catch (IOException e) {
      LogMessage.AOF_MANIFEST_OPEN_FAILED.log(m, e.getMessage());
      throw new StartupFailure("manifest");
    }
    try {
      manifest = AofManifest.parse(content);
    } catch (AofManifest.ManifestException e) {
      LogMessage.AOF_MANIFEST_FATAL.log();
      if (e.line != null) {
        LogMessage.AOF_MANIFEST_AT_LINE.log(e.lineNumber);
        LogMessage.AOF_MANIFEST_LINE_TEXT.log(e.line);
      }
      LogMessage.AOF_MANIFEST_ERROR.log(e.getMessage());
      throw new StartupFailure(e.getMessage());
    }
  }

  /**
   * An AOF written by Redis before 7 is one file, {@code <dir>/<appendfilename>}: it becomes the base of a new
   * manifest and moves into the AOF directory (also when an earlier start stopped half-way through that).
   */
  private void upgradeOldStyleIfNeeded() throws StartupFailure {
    Path old = dir().resolve(prefix());
    if (!Files.isRegularFile(old)) {
      return;
    }
    boolean upgrade = !Files.isDirectory(aofDir()) || manifest.isEmpty()
        || manifest.base != null && manifest.incrs.isEmpty() && manifest.base.name().equals(prefix())
        && !Files.exists(aofDir().resolve(prefix()));
    if (!upgrade) {
      return;
    }
    ensureAofDir();
    AofManifest m = new AofManifest();
    m.base = new AofManifest.FileInfo(prefix(), 1, AofManifest.Type.BASE);
    m.baseSeq = 1;
    if (!persistManifest(m)) {
      throw new StartupFailure("manifest");
    }
    try {
      Files.move(old, aofDir().resolve(prefix()), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LogMessage.AOF_MIGRATE_FAILED.log(prefix(), params.appenddirname.value, e.getMessage());
      throw new StartupFailure("migrate");
    }
    manifest = m;
    LogMessage.AOF_MIGRATED.log(prefix(), params.appenddirname.value);
  }

  /** Loads base and incr files in order; the dataset must be empty. */
  private AofLoader.Result loadFiles() throws StartupFailure {
    upgradeOldStyleIfNeeded();
    if (manifest.isEmpty()) {
      return AofLoader.Result.NOT_EXIST;
    }
    long total = 0;
    long base = 0;
    java.util.List<AofManifest.FileInfo> files = new java.util.ArrayList<>();
    if (manifest.base != null) {
      files.add(manifest.base);
    }
    files.addAll(manifest.incrs);
    for (AofManifest.FileInfo f : files) {
      try {
        long sz = Files.size(aofDir().resolve(f.name()));
        total += sz;
        if (f.type() == AofManifest.Type.BASE) {
          base = sz;
        }
      } catch (IOException e) {
        LogMessage.AOF_FILE_SIZE_FAILED.log(f.name(),
            e instanceof NoSuchFileException ? "No such file or directory" : e.getMessage());
        return AofLoader.Result.FAILED;
      }
    }
    if (total == 0) {
      return AofLoader.Result.EMPTY;
    }
    AofLoader loader = new AofLoader(engine, this);
    startLoading(total);
    AofLoader.Result result = AofLoader.Result.OK;
    try {
      for (int i = 0; i < files.size(); i++) {
        AofManifest.FileInfo f = files.get(i);
        boolean last = i == files.size() - 1;
        long t0 = System.nanoTime();
        AofLoader.Result r = loader.load(aofDir().resolve(f.name()), f.name(), last,
            f.type() == AofManifest.Type.BASE);
        loadingFileBase += sizeOrZero(aofDir().resolve(f.name()));
        if (r == AofLoader.Result.NOT_EXIST || r == AofLoader.Result.FAILED) {
          return AofLoader.Result.FAILED;
        }
        if (r == AofLoader.Result.OK || r == AofLoader.Result.TRUNCATED) {
          (f.type() == AofManifest.Type.BASE ? LogMessage.AOF_LOADED_BASE : LogMessage.AOF_LOADED_INCR)
              .log(f.name(), (System.nanoTime() - t0) / 1e9);
        }
        if (r == AofLoader.Result.TRUNCATED) {
          result = r;
        }
      }
    } finally {
      stopLoading();
    }
    baseSize = base;
    sizeAtOpen = total;
    return result;
  }

  private void startLoading(long totalBytes) {
    loading = true;
    loadingStartMillis = System.currentTimeMillis();
    lastProgressLogMillis = loadingStartMillis;
    loadingTotalBytes = totalBytes;
    loadingDoneBytes = 0;
    loadingFileBase = 0;
    engine.propagation().suppress();
    engine.keyspace().setLoading(true);
    engine.keyspace().setExpiryEnabled(false);
  }

  private void stopLoading() {
    loading = false;
    engine.propagation().resume();
    engine.keyspace().setLoading(false);
    engine.keyspace().setExpiryEnabled(true);
    engine.stats().dirty = 0;
  }

  /** Progress of the current file (bytes read so far in it); logs every few seconds on a long load. */
  void loadedBytes(long inFile) {
    loadingDoneBytes = loadingFileBase + inFile;
    long now = System.currentTimeMillis();
    if (now - lastProgressLogMillis >= 2000) {
      lastProgressLogMillis = now;
      long keys = engine.keyspace().totalKeys();
      double secs = Math.max(0.001, (now - loadingStartMillis) / 1000.0);
      LogMessage.AOF_LOAD_PROGRESS.log(100.0 * loadingDoneBytes / Math.max(1, loadingTotalBytes),
          loadingDoneBytes, loadingTotalBytes, keys, (long) (keys / secs));
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private void openOnServerStart() throws StartupFailure {
    if (!ensureAofDir()) {
      throw new StartupFailure("dir");
    }
    boolean dirty = false;
    if (manifest.base == null && manifest.incrs.isEmpty()) {
      boolean rdb = useRdbBase();
      AofManifest.FileInfo base = manifest.newBase(prefix(), rdb);
      LogMessage.AOF_CREATING_BASE_ON_START.log(base.name());
      Path tmp = dir().resolve("temp-rewriteaof-" + Log.pid() + ".aof");
      // as Redis, in the foreground: the dataset is empty (the AOF was loaded, and there was none)
      SnapshotInfo info = engine.persistence().snapshotInfo();
      try {
        engine.persistence().writeNow(baseSink(tmp, dir().resolve("temp-" + Log.pid() + ".aof"), rdb, info), info, 0);
      } catch (IOException | RuntimeException e) {
        LogMessage.AOF_REWRITE_WRITE_ERROR.log(String.valueOf(e.getMessage()));
        throw new StartupFailure("base");
      }
      if (!rename(tmp, aofDir().resolve(base.name()), "base")) {
        throw new StartupFailure("base");
      }
      baseSize = sizeOrZero(aofDir().resolve(base.name()));
      sizeAtOpen = baseSize;
      dirty = true;
    }
    AofManifest.FileInfo incr;
    if (!manifest.incrs.isEmpty()) {
      incr = manifest.incrs.get(manifest.incrs.size() - 1);
      LogMessage.AOF_OPENING_INCR_ON_START.log(incr.name());
    } else {
      incr = manifest.newIncr(prefix());
      LogMessage.AOF_CREATING_INCR_ON_START.log(incr.name());
      dirty = true;
    }
    try {
      writer.open(aofDir().resolve(incr.name()));
    } catch (IOException e) {
      LogMessage.AOF_CANT_OPEN.log(incr.name(), e.getMessage());
      throw new StartupFailure("open");
    }
    writer.appended = 0;
    if (dirty && !persistManifest(manifest)) {
      throw new StartupFailure("manifest");
    }
  }

  private boolean useRdbBase() {
    return params.aofUseRdbPreamble.value && rdbSupport != null;
  }

  private boolean ensureAofDir() {
    try {
      Files.createDirectories(aofDir());
      return true;
    } catch (IOException e) {
      LogMessage.AOF_DIR_FAILED.log(params.appenddirname.value, e.getMessage());
      return false;
    }
  }

  /** Writes the manifest to a temporary file, fsyncs it and renames it over the manifest, then fsyncs the dir. */
  private boolean persistManifest(AofManifest m) {
    Path tmp = aofDir().resolve("temp-" + prefix() + ".manifest");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(m.format());
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        ch.force(true);
      }
    } catch (IOException e) {
      LogMessage.AOF_MANIFEST_WRITE_FAILED.log(tmp.getFileName(), e.getMessage());
      return false;
    }
    return rename(tmp, manifestPath(), "manifest");
  }

  private boolean rename(Path from, Path to, String what) {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
      dev.cairn.core.util.Durability.syncDirectory(to.getParent());
      return true;
    } catch (IOException e) {
      LogMessage.AOF_RENAME_FAILED.log(what, from.getFileName(), to.getFileName(), e.getMessage());
      return false;
    }
  }

  /** Deletes history files in the background and drops them from the manifest (unless aof-disable-auto-gc). */
  void deleteHistoryFiles() {
    if (params.aofDisableAutoGc.value || manifest.history.isEmpty()) {
      return;
    }
    AofManifest m = manifest.copy();
    java.util.List<AofManifest.FileInfo> gone = new java.util.ArrayList<>(m.history);
    m.history.clear();
    if (!persistManifest(m)) {
      return;
    }
    manifest = m;
    for (AofManifest.FileInfo f : gone) {
      LogMessage.AOF_REMOVING_HISTORY.log(f.name());
      Path p = aofDir().resolve(f.name());
      unlinker.execute(() -> deleteQuietly(p));
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a file that cannot be removed stays; it is no longer in the manifest
    }
  }

  // ---- turning the AOF on and off at run time

  private void appendonlyChanged() throws ConfigException {
    if (params.appendonly.value && state == State.OFF) {
      if (!startAppendOnly()) {
        throw new ConfigException("Failed to enable AOF. Check the server logs for more information.");
      }
    } else if (!params.appendonly.value && state != State.OFF) {
      stopAppendOnly();
    }
  }

  /** CONFIG SET appendonly yes: a rewrite creates the base; effects go to a temporary incr file until it is done. */
  private boolean startAppendOnly() {
    state = State.WAIT_REWRITE;
    engine.propagation().addListener(this);
    if (otherBackgroundJob.getAsBoolean() || inExec()) {
      rewriteScheduled = true;
      LogMessage.AOF_ENABLE_SCHEDULED.log();
      return true;
    }
    if (rewrite != null) {
      LogMessage.AOF_ENABLE_RESTART.log();
      killRewrite();
    }
    if (!startRewrite()) {
      LogMessage.AOF_ENABLE_FAILED.log();
      state = State.OFF;
      engine.propagation().removeListener(this);
      return false;
    }
    return true;
  }

  /** The AOF was stopped for a replica's full sync and starts again once the new dataset is loaded. */
  private boolean restartAfterSync;

  /**
   * A replica's full sync is about to replace the dataset: the AOF stops (what is buffered is fsynced, a running
   * rewrite is killed rather than left to copy a dataset that is going away), as Redis stops it before loading.
   * WAITAOF clients keep waiting: appendonly stays yes.
   */
  public void stopForSync() {
    if (state == State.OFF) {
      return;
    }
    stopAppendOnly(false);
    restartAfterSync = true;
  }

  /**
   * After the full sync's load: the AOF starts again with a rewrite of the new dataset, so its fsynced offset (FACK,
   * WAITAOF) counts nothing until that base exists. Retried by the cron when it cannot start yet.
   */
  public void restartAfterSync() {
    if (!restartAfterSync) {
      return;
    }
    if (state != State.OFF || !params.appendonly.value) {
      restartAfterSync = false; // CONFIG SET appendonly meanwhile decided
      return;
    }
    if (startAppendOnly()) {
      restartAfterSync = false;
    } else {
      LogMessage.AOF_RESTART_AFTER_SYNC_FAILED.log();
    }
  }

  /** CONFIG SET appendonly no: what is buffered is written and fsynced, and a running rewrite is stopped. */
  private void stopAppendOnly() {
    stopAppendOnly(true);
  }

  private void stopAppendOnly(boolean failWaiting) {
    boolean waiting = state == State.WAIT_REWRITE;
    writer.close();
    engine.propagation().removeListener(this);
    if (rewrite != null) {
      LogMessage.AOF_KILLING_CHILD.log(Log.pid());
      killRewrite();
    }
    if (waiting) {
      removeTempIncr();
    }
    state = State.OFF;
    rewriteScheduled = false;
    restartAfterSync = false;
    if (failWaiting) {
      failWaiters();
    }
  }

  private void killRewrite() {
    AofRewrite r = rewrite;
    rewrite = null;
    r.kill();
  }

  private void removeTempIncr() {
    Path p = tempIncrPath();
    if (Files.exists(p)) {
      LogMessage.AOF_REMOVING_TEMP_INCR.log(p.getFileName());
      unlinker.execute(() -> deleteQuietly(p));
    }
  }

  // ---- rewriting

  /** BGREWRITEAOF's outcome. */
  public enum RewriteRequest { STARTED, SCHEDULED, ALREADY_RUNNING, FAILED }

  /** The command running now is inside EXEC (BGREWRITEAOF or CONFIG SET appendonly in a transaction). */
  private boolean inExec() {
    dev.cairn.core.connection.Session s = engine.dispatcher().executing();
    return s != null && s.inExec;
  }

  public RewriteRequest requestRewrite() {
    if (rewrite != null) {
      return RewriteRequest.ALREADY_RUNNING;
    }
    // inside EXEC the rewrite waits for the cron, as Redis forks no child in the middle of a transaction
    if (otherBackgroundJob.getAsBoolean() || inExec()) {
      rewriteScheduled = true;
      consecutiveFailures = 0; // a manual request is not held back by the failure limit
      return RewriteRequest.SCHEDULED;
    }
    return startRewrite() ? RewriteRequest.STARTED : RewriteRequest.FAILED;
  }

  /** Starts a background rewrite (engine thread). */
  private boolean startRewrite() {
    if (!ensureAofDir()) {
      return false;
    }
    if (engine.persistence().activeJob() != Persistence.JobType.NONE) {
      rewriteScheduled = true; // a killed rewrite is still winding down: the cron starts this one
      return true;
    }
    try {
      if (state == State.WAIT_REWRITE) {
        writer.discardBuffer();
        Files.deleteIfExists(tempIncrPath());
        writer.open(tempIncrPath());
      } else if (state == State.ON) {
        writer.write(policy(), true);
        AofManifest m = manifest.copy();
        AofManifest.FileInfo incr = m.newIncr(prefix());
        writer.open(aofDir().resolve(incr.name()));
        if (!persistManifest(m)) {
          return false;
        }
        manifest = m;
        LogMessage.AOF_CREATING_INCR_ON_REWRITE.log(incr.name());
      }
    } catch (IOException e) {
      LogMessage.AOF_CANT_OPEN.log(e.getMessage(), e.getMessage());
      return false;
    }
    boolean rdb = useRdbBase();
    // a name per rewrite: a cancelled one may still be cleaning up its file while the next one writes
    long serial = ++rewriteSerial;
    Path tmp = dir().resolve("temp-rewriteaof-bg-" + Log.pid() + "-" + serial + ".aof");
    SnapshotInfo info = engine.persistence().snapshotInfo();
    AofRewrite job = new AofRewrite(tmp, rdb);
    SnapshotSink sink = baseSink(tmp, dir().resolve("temp-rewriteaof-" + Log.pid() + "-" + serial + ".aof"), rdb, info);
    job.snapshot = engine.persistence().startSnapshot(Persistence.JobType.AOF, sink, info,
        (outcome, failure) -> rewriteDone(job, outcome, failure));
    rewrite = job;
    rewriteScheduled = false;
    rewrites++;
    engine.stats().totalForks++;
    LogMessage.AOF_REWRITE_STARTED.log(Log.pid());
    return true;
  }

  /**
   * The sink that writes a base file to {@code file}: an RDB image (through {@code rdbTemp}, renamed to {@code file}
   * when complete), or AOF commands.
   */
  private SnapshotSink baseSink(Path file, Path rdbTemp, boolean rdb, SnapshotInfo info) {
    if (rdb) {
      return rdbSupport.baseSink(file, rdbTemp, info);
    }
    AofBaseWriter w = new AofBaseWriter(file, engine.rdbCodecs(), engine.dumpPayload(),
        engine.scripting().functions().codes(), params.aofTimestampEnabled.value,
        params.aofRewriteIncrementalFsync.value);
    w.moduleCommands(engine.modules().auxCommands()); // modules' AUX data, which has no place in commands otherwise
    return w;
  }

  /** The rewrite's snapshot ended (engine thread). A rewrite that was killed meanwhile only cleans up. */
  private void rewriteDone(AofRewrite job, Snapshot.Outcome outcome, Throwable failure) {
    boolean current = job == rewrite;
    if (current) {
      rewrite = null;
    }
    lastRewriteSeconds = (System.currentTimeMillis() - job.startMillis) / 1000;
    lastCowBytes = job.snapshot == null ? 0 : job.snapshot.cowPeak();
    if (!current || outcome == Snapshot.Outcome.ABORTED) {
      deleteQuietly(job.tempFile);
      LogMessage.AOF_REWRITE_KILLED.log(SIGUSR1);
      return;
    }
    if (outcome == Snapshot.Outcome.FAILED) {
      LogMessage.AOF_REWRITE_WRITE_ERROR.log(failure == null ? "unknown error" : String.valueOf(failure.getMessage()));
    } else {
      LogMessage.AOF_REWRITE_CREATED_TEMP.log(job.tempFile.getFileName());
    }
    if (outcome != Snapshot.Outcome.DONE || !installRewrite(job)) {
      lastRewriteOk = false;
      consecutiveFailures++;
      LogMessage.AOF_REWRITE_ERROR.log();
      deleteQuietly(job.tempFile);
      if (state == State.WAIT_REWRITE) {
        writer.close();
        removeTempIncr();
        rewriteScheduled = true; // the AOF is still waiting for its first base: try again
      }
      return;
    }
    lastRewriteOk = true;
    consecutiveFailures = 0;
    deleteHistoryFiles();
    LogMessage.AOF_REWRITE_FINISHED.log();
    releaseWaiters(); // a WAITAOF made while the AOF waited for its first base may be answered now
  }

  /** Moves the new base (and the temporary incr file, when waiting for the first base) into the manifest. */
  private boolean installRewrite(AofRewrite job) {
    LogMessage.AOF_REWRITE_OK.log();
    AofManifest m = manifest.copy();
    AofManifest.FileInfo base = m.newBase(prefix(), job.rdb);
    Path basePath = aofDir().resolve(base.name());
    if (!rename(job.tempFile, basePath, "base")) {
      return false;
    }
    LogMessage.AOF_RENAMED_BASE.log(job.tempFile.getFileName(), base.name());
    if (state == State.WAIT_REWRITE) {
      writer.write(policy(), true);
      AofManifest.FileInfo incr = m.newIncr(prefix());
      if (!rename(tempIncrPath(), aofDir().resolve(incr.name()), "incr")) {
        deleteQuietly(basePath);
        return false;
      }
      writer.renamed(aofDir().resolve(incr.name()));
      LogMessage.AOF_RENAMED_INCR.log(tempIncrPath().getFileName(), incr.name());
    }
    m.markIncrsAsHistory(writer.isOpen());
    if (!persistManifest(m)) {
      deleteQuietly(basePath);
      return false;
    }
    manifest = m;
    if (state == State.WAIT_REWRITE) {
      state = State.ON;
    }
    baseSize = sizeOrZero(basePath);
    sizeAtOpen = baseSize + writer.fileSize;
    writer.appended = 0;
    return true;
  }

  // ---- cron

  /** Scheduled and automatic rewrites; writes what is buffered and starts the everysec fsync. */
  public void cron() {
    if (loading) {
      return; // a sliced DEBUG LOADAOF is between slices: no rewrite may start from a half-loaded dataset
    }
    if (restartAfterSync) {
      restartAfterSync();
    }
    if (rewrite == null && rewriteScheduled && !otherBackgroundJob.getAsBoolean() && !rewriteLimited()) {
      startRewrite();
    }
    if (state == State.ON && rewrite == null && !otherBackgroundJob.getAsBoolean()) {
      long pct = params.autoAofRewritePercentage.value;
      long size = currentSize();
      if (pct > 0 && size > params.autoAofRewriteMinSize.value) {
        long base = baseSize > 0 ? baseSize : 1;
        long growth = size * 100 / base - 100;
        if (growth >= pct && !rewriteLimited()) {
          LogMessage.AOF_AUTO_REWRITE.log(growth);
          startRewrite();
        }
      }
    }
    if (writer.isOpen()) {
      writer.write(policy(), false);
    }
    releaseWaiters();
  }

  /** Whether automatic rewrites are held back after repeated failures; logs when a new back-off starts. */
  private boolean rewriteLimited() {
    if (consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
      limitDelayMinutes = 0;
      limitNextAllowedMillis = 0;
      return false;
    }
    long now = System.currentTimeMillis();
    if (limitNextAllowedMillis != 0) {
      if (now < limitNextAllowedMillis) {
        return true;
      }
      limitNextAllowedMillis = 0;
      return false;
    }
    limitDelayMinutes = limitDelayMinutes == 0 ? 1 : Math.min(limitDelayMinutes * 2, REWRITE_LIMIT_MAX_MINUTES);
    limitNextAllowedMillis = now + limitDelayMinutes * 60_000L;
    LogMessage.AOF_REWRITE_LIMIT.log(limitDelayMinutes);
    return true;
  }

  private long currentSize() {
    return sizeAtOpen + writer.appended;
  }

  // ---- DEBUG LOADAOF

  /**
   * Empties the dataset and loads it again from the AOF files on disk (what is buffered is written first). A file
   * that cannot be loaded ends the process, as in Redis.
   */
  public void debugLoadAof() {
    if (state == State.ON) {
      writer.write(policy(), true);
    }
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      engine.keyspace().db(i).flush();
    }
    engine.scripting().functions().flush(); // the base loads them again (Redis's emptyData)
    try {
      loadManifestFromDisk();
      deleteHistoryFiles();
      AofLoader.Result r = loadFiles();
      if (r == AofLoader.Result.FAILED) {
        fatalExit.run();
      }
    } catch (StartupFailure e) {
      fatalExit.run();
    }
    engine.stats().dirty = 0;
  }

  /** While DEBUG LOADAOF runs sliced: when the current slice began (nanos), or -1 when not sliced. */
  private long sliceStartNanos = -1;
  /** Longest the engine thread stays in one slice of a load before serving other clients (with LOADING). */
  private static final long LOAD_SLICE_NANOS = 50_000_000;

  /**
   * DEBUG LOADAOF as Redis runs it: the load may pause between commands (and inside a slow script it replays) so the
   * engine thread can answer other clients, with LOADING, meanwhile; {@code caller} is suspended and gets +OK once it
   * is done.
   */
  public void debugLoadAofSliced(dev.cairn.core.connection.Session caller) {
    boolean finished = runSliced(this::debugLoadAof, caller, () -> {
      caller.writer.simple("OK");
      engine.dispatcher().finishSuspended(false);
      caller.resume();
      if (!caller.closing) {
        caller.connection.flush();
      }
    }, () -> { });
    if (finished) {
      caller.writer.simple("OK");
    } else {
      caller.suspend();
      engine.dispatcher().suspendRunningCommand();
    }
  }

  /**
   * {@link #loadAtStartup} in slices, as DEBUG LOADAOF runs: clients that connect meanwhile are answered (LOADING).
   * {@code done} completes on the engine thread with loadAtStartup's result, or exceptionally with its failure.
   */
  public void loadAtStartupSliced(java.util.concurrent.CompletableFuture<Boolean> done) {
    runSliced(() -> {
      try {
        done.complete(loadAtStartup());
      } catch (StartupFailure | RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, null, () -> { }, () -> done.completeExceptionally(new StartupFailure("shut down while loading")));
  }

  /**
   * Runs {@code load} inside a continuation that {@link #yieldIfDue} pauses every slice; each further slice is a
   * scheduled task, so the event loop reads its sockets in between (a task that queued itself again with execute would
   * run slice after slice until the loop's time budget for tasks ran out, which Netty checks only every 64 tasks). Later
   * slices run as {@code client}'s command when there is one. Returns true if the load finished
   * in the first slice; otherwise {@code afterLastSlice} runs on the engine thread once it has, or {@code abandoned} if
   * the server shuts down first. Without the JDK's continuations the load runs in one go.
   */
  private boolean runSliced(Runnable load, dev.cairn.core.connection.Session client, Runnable afterLastSlice,
      Runnable abandoned) {
    if (!dev.cairn.core.script.engine.Continuations.available() || engine.loop() == null) {
      load.run();
      return true;
    }
    Object cont = dev.cairn.core.script.engine.Continuations.create(load);
    sliceStartNanos = System.nanoTime();
    if (dev.cairn.core.script.engine.Continuations.run(cont)) {
      sliceStartNanos = -1;
      return true;
    }
    engine.loop().schedule(new Runnable() {
      @Override
      public void run() {
        if (engine.shutdown().stopping()) {
          sliceStartNanos = -1;
          abandoned.run(); // shutting down mid-load
          return;
        }
        sliceStartNanos = System.nanoTime();
        java.util.function.BooleanSupplier slice = () -> dev.cairn.core.script.engine.Continuations.run(cont);
        if (!(client == null ? slice.getAsBoolean() : engine.dispatcher().resumeFor(client, slice))) {
          engine.loop().schedule(this, 0, java.util.concurrent.TimeUnit.NANOSECONDS);
          return;
        }
        sliceStartNanos = -1;
        afterLastSlice.run();
      }
    }, 0, java.util.concurrent.TimeUnit.NANOSECONDS);
    return false;
  }

  /**
   * From the loader between commands, and from a slow script it replays: pauses a sliced load whose slice has run long
   * enough, so that other clients are answered; returns when the load is resumed. Does nothing otherwise.
   */
  public void yieldIfDue() {
    if (sliceStartNanos >= 0 && System.nanoTime() - sliceStartNanos >= LOAD_SLICE_NANOS) {
      dev.cairn.core.script.engine.Continuations.yieldNow();
    }
  }

  /** Ends the AOF at shutdown: buffered effects are written and fsynced. */
  public void shutdown() {
    if (rewrite != null) {
      killRewrite();
    }
    if (writer.isOpen()) {
      writer.close();
    }
  }

  // ---- INFO persistence

  public boolean loading() {
    return loading;
  }

  /** The aof_* lines of INFO persistence, as name/value pairs in Redis's order. */
  public void info(java.util.function.BiConsumer<String, Object> field) {
    field.accept("aof_enabled", state != State.OFF ? 1 : 0);
    field.accept("aof_rewrite_in_progress", rewrite != null ? 1 : 0);
    field.accept("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
    field.accept("aof_last_rewrite_time_sec", lastRewriteSeconds);
    field.accept("aof_current_rewrite_time_sec",
        rewrite != null ? (System.currentTimeMillis() - rewrite.startMillis) / 1000 : -1);
    field.accept("aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
    field.accept("aof_rewrites", rewrites);
    field.accept("aof_rewrites_consecutive_failures", consecutiveFailures);
    field.accept("aof_last_write_status", writer.writeError == null ? "ok" : "err");
    field.accept("aof_last_cow_size", lastCowBytes);
  }

  /** The lines Redis adds when the AOF is on. */
  public void infoWhenOn(java.util.function.BiConsumer<String, Object> field) {
    if (state == State.OFF) {
      return;
    }
    field.accept("aof_current_size", currentSize());
    field.accept("aof_base_size", baseSize);
    field.accept("aof_pending_rewrite", rewriteScheduled ? 1 : 0);
    field.accept("aof_buffer_length", writer.buffered());
    field.accept("aof_pending_bio_fsync", writer.fsyncInProgress() ? 1 : 0);
    field.accept("aof_delayed_fsync", writer.delayedFsyncs);
  }

  /** The loading_* lines while loading. */
  public void infoLoading(java.util.function.BiConsumer<String, Object> field) {
    if (!loading) {
      return;
    }
    long elapsed = Math.max(1, System.currentTimeMillis() - loadingStartMillis);
    double perc = 100.0 * loadingDoneBytes / Math.max(1, loadingTotalBytes);
    long eta = loadingDoneBytes == 0 ? 1 : (loadingTotalBytes - loadingDoneBytes) * elapsed / loadingDoneBytes / 1000;
    field.accept("loading_start_time", loadingStartMillis / 1000);
    field.accept("loading_total_bytes", loadingTotalBytes);
    field.accept("loading_rdb_used_mem", 0);
    field.accept("loading_loaded_bytes", loadingDoneBytes);
    field.accept("loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f", perc));
    field.accept("loading_eta_seconds", eta);
  }
}
