package dev.cairn.core.persistence;

import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.keyspace.Lfu;
import dev.cairn.core.keyspace.LruClock;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.rdb.RdbFileReader;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbSection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Loads an RDB file into the keyspace, on the engine thread: at startup in slices of
 * {@code loading-process-events-interval-bytes}, between which clients are served (they get LOADING errors, INFO
 * shows the progress), and all at once for DEBUG RELOAD. Logs Redis's loading lines; a malformed file fails the load
 * with the file, the offset and what was wrong, never with a partial dataset left to serve.
 */
public final class RdbLoader {
  /** How a load ended. */
  public enum Status { OK, NOT_FOUND, FAILED }

  /** The outcome of a load: status, keys loaded and skipped as expired, the error when it failed. */
  public record Result(Status status, long keysLoaded, long keysExpired, String error) { }

  private final Engine engine;
  private Load current;
  /** A replica's load fed from its master's socket (INFO shows its progress; LOADING is the replication's to say). */
  private Load incremental;
  private long lastKeysLoaded;
  private long lastKeysExpired;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION. */
  public boolean skipChecksumValidation;

  RdbLoader(Engine engine) {
    this.engine = engine;
  }

  /** Whether a load is under way (INFO loading:1, commands without the loading flag get LOADING). */
  public boolean loading() {
    return current != null;
  }

  public long lastKeysLoaded() {
    return lastKeysLoaded;
  }

  public long lastKeysExpired() {
    return lastKeysExpired;
  }

  /** INFO's loading_* fields while loading: start (s), total bytes, used-mem of the file's creator, loaded bytes. */
  public long[] progress() {
    Load l = current != null ? current : incremental;
    return l == null ? null : new long[] {l.startMillis / 1000, l.totalBytes, l.usedMem, l.reader.offset()};
  }

  /**
   * Loads the RDB file at startup, in slices on the engine thread (started at once when called there); the future
   * completes (on that thread) once it is done, true if the server may go on (loaded, or no file). Failures are
   * logged.
   */
  public CompletableFuture<Boolean> loadAtStartup(Path file) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Runnable start = () -> {
      Load l;
      try {
        l = open(file, false, false);
      } catch (NoSuchFileException e) {
        done.complete(true);
        return;
      } catch (IOException | RdbFormatException | UncheckedIOException e) {
        failOpen(file, e);
        done.complete(false);
        return;
      }
      current = l;
      slice(l, done);
    };
    if (engine.loop().inLoop()) {
      start.run(); // INFO says loading:1 from here on
    } else {
      engine.loop().execute(start);
    }
    return done;
  }

  private void slice(Load l, CompletableFuture<Boolean> done) {
    Result r = l.step(engine.params().persistence.loadingProcessEventsIntervalBytes.value);
    if (r == null) {
      engine.loop().schedule(() -> slice(l, done), 0, TimeUnit.NANOSECONDS); // clients get served in between
      return;
    }
    current = null;
    if (r.status() == Status.FAILED) {
      LogMessage.TERMINATING_AFTER_RDB_FAILURE.log();
    }
    done.complete(r.status() == Status.OK);
  }

  /**
   * Loads {@code file} all at once (DEBUG RELOAD); {@code merge} lets a key of the file replace one already present,
   * where otherwise a duplicate fails the load.
   */
  public Result loadNow(Path file, boolean merge) {
    Load l;
    try {
      l = open(file, merge, false);
    } catch (NoSuchFileException e) {
      return new Result(Status.NOT_FOUND, 0, 0, null);
    } catch (IOException | RdbFormatException | UncheckedIOException e) {
      failOpen(file, e);
      return new Result(Status.FAILED, 0, 0, Persistence.reason(e));
    }
    current = l;
    try {
      Result r;
      do {
        r = l.step(Long.MAX_VALUE);
      } while (r == null);
      return r;
    } finally {
      current = null;
    }
  }

  /**
   * Loads an RDB from {@code in} at once (the RDB preamble of an AOF, or its RDB base file): with {@code aofPreamble},
   * keys whose time has passed are loaded too (the AOF's commands after them assume them), as Redis does. The input is
   * left just after the RDB's checksum ({@link RdbInput#unread()} holds what was read ahead).
   */
  public Result load(RdbInput in, String name, boolean aofPreamble) {
    Load l;
    try {
      l = new Load(in, name, -1, false, aofPreamble);
    } catch (RdbFormatException e) {
      return failed(name, in.offset(), e.getMessage());
    }
    Result r;
    do {
      r = l.step(Long.MAX_VALUE);
    } while (r == null);
    return r;
  }

  /**
   * A load that goes on as its bytes arrive (a replica's {@code repl-diskless-load}): {@code in} streams from a source
   * filled by another thread; {@link Incremental#step} parses up to a budget of bytes on the engine thread between
   * which clients are served. Keys go into {@code target}'s databases; with {@code deferSections} the records that are
   * not keys (function libraries, module AUX data) wait for {@link Incremental#applySections}, so that the dataset in
   * use keeps its own until the new one replaces it. Keys whose time passed are kept (the master's DELs follow).
   */
  public Incremental incremental(RdbInput in, String name, long totalBytes, java.util.function.IntFunction<Db> target,
      boolean deferSections) {
    return new Incremental(in, name, totalBytes, target, deferSections);
  }

  /** See {@link #incremental}. */
  public final class Incremental {
    private final RdbInput in;
    private final String name;
    private final long totalBytes;
    private final java.util.function.IntFunction<Db> target;
    private final boolean deferSections;
    private Load load;

    private Incremental(RdbInput in, String name, long totalBytes, java.util.function.IntFunction<Db> target,
        boolean deferSections) {
      this.in = in;
      this.name = name;
      this.totalBytes = totalBytes;
      this.target = target;
      this.deferSections = deferSections;
    }

    /** Parses up to {@code budget} more bytes; the result once the payload ended or failed, else null. */
    public Result step(long budget) {
      if (load == null) {
        try {
          load = new Load(in, name, totalBytes, false, true, null, target, deferSections);
        } catch (RdbFormatException e) {
          return failed(name, in.offset(), e.getMessage());
        } catch (UncheckedIOException e) {
          return failed(name, in.offset(), Persistence.reason(e.getCause()));
        }
        incremental = load;
      }
      Result r = load.step(budget);
      if (r != null) {
        incremental = null;
      }
      return r;
    }

    /** Applies the deferred non-key records, once the new dataset is the one in use. */
    @SuppressWarnings("unchecked")
    public void applySections() throws RdbFormatException {
      if (load != null && load.deferred != null) {
        for (Object[] d : load.deferred) {
          ((RdbSection<Object>) d[0]).apply(d[1], false);
        }
        load.deferred.clear();
      }
    }

    /** The load was abandoned before its end. */
    public void abandon() {
      if (incremental == load) {
        incremental = null;
      }
    }
  }

  private Result failed(String name, long offset, String msg) {
    LogMessage.RDB_READ_ERROR.log(offset, msg);
    LogMessage.RDB_LOAD_FAILED.log(name, offset, msg);
    return new Result(Status.FAILED, 0, 0, msg);
  }

  private Load open(Path file, boolean merge, boolean aofPreamble) throws IOException, RdbFormatException {
    InputStream stream = Files.newInputStream(file);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = -1;
    }
    try {
      return new Load(new RdbInput(stream, size), file.toString(), size, merge, aofPreamble, stream);
    } catch (RdbFormatException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  private void failOpen(Path file, Exception e) {
    if (e instanceof RdbFormatException) {
      LogMessage.RDB_READ_ERROR.log(0, e.getMessage());
      LogMessage.RDB_LOAD_FAILED.log(file, 0, e.getMessage());
    } else {
      LogMessage.RDB_OPEN_FAILED.log(file, Persistence.reason(e));
    }
  }

  /** One load in progress: the reader and what it has put into the keyspace. */
  private final class Load implements RdbFileReader.Handler {
    final RdbFileReader reader;
    final RdbInput in;
    final String name;
    final long totalBytes;
    final boolean merge;
    final boolean aofPreamble;
    final InputStream stream;
    final long startMillis = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    final long now = System.currentTimeMillis();
    final Keyspace ks = engine.keyspace();
    final boolean lru;
    final boolean lfu;
    final java.util.function.IntFunction<Db> target;
    /** Non-key records waiting for the swap (section, what it read), or null to apply them as they come. */
    final java.util.List<Object[]> deferred;
    Db db;
    long loaded;
    long expired;
    long emptyKeys;
    long usedMem;

    Load(RdbInput in, String name, long totalBytes, boolean merge, boolean aofPreamble) throws RdbFormatException {
      this(in, name, totalBytes, merge, aofPreamble, null);
    }

    Load(RdbInput in, String name, long totalBytes, boolean merge, boolean aofPreamble, InputStream stream)
        throws RdbFormatException {
      this(in, name, totalBytes, merge, aofPreamble, stream, null, false);
    }

    Load(RdbInput in, String name, long totalBytes, boolean merge, boolean aofPreamble, InputStream stream,
        java.util.function.IntFunction<Db> target, boolean deferSections) throws RdbFormatException {
      this.target = target != null ? target : ks::db;
      this.deferred = deferSections ? new java.util.ArrayList<>() : null;
      this.in = in;
      this.name = name;
      this.totalBytes = totalBytes;
      this.merge = merge;
      this.aofPreamble = aofPreamble;
      this.stream = stream;
      this.reader = new RdbFileReader(in, engine.rdbCodecs());
      this.db = this.target.apply(0);
      String policy = engine.params().memory.maxmemoryPolicy.value;
      this.lru = policy.endsWith("-lru");
      this.lfu = policy.endsWith("-lfu");
      if (in.size() == 0) {
        throw new RdbFormatException("Unexpected EOF reading RDB file"); // an empty file is a short read in Redis
      }
      reader.readHeader();
    }

    /** Reads up to {@code budget} bytes of records; the result once the file ended (or failed), else null. */
    Result step(long budget) {
      boolean finished;
      try {
        finished = reader.read(this, budget, engine.params().persistence.rdbchecksum.value && !skipChecksumValidation);
      } catch (RdbFormatException e) {
        return fail(e.getMessage());
      } catch (UncheckedIOException e) {
        return fail(Persistence.reason(e.getCause()));
      } catch (RuntimeException e) {
        return fail(e.toString()); // a codec's bug must not take the server down: it fails the load
      }
      if (!finished) {
        logProgress();
        return null;
      }
      close();
      if (emptyKeys > 0) {
        LogMessage.DONE_LOADING_EMPTY_KEYS.log(loaded, expired, emptyKeys);
      } else {
        LogMessage.DONE_LOADING.log(loaded, expired);
      }
      if (!aofPreamble) {
        LogMessage.DB_LOADED.log((System.nanoTime() - startNanos) / 1e9); // the AOF logs its own line per file
      }
      lastKeysLoaded = loaded;
      lastKeysExpired = expired;
      return new Result(Status.OK, loaded, expired, null);
    }

    private long lastProgressMillis = System.currentTimeMillis();

    /** Every few seconds of a long load (sliced at start-up), where it is and how fast keys come. */
    private void logProgress() {
      long nowMillis = System.currentTimeMillis();
      if (nowMillis - lastProgressMillis < 2000) {
        return;
      }
      lastProgressMillis = nowMillis;
      long done = reader.offset();
      double secs = Math.max(0.001, (nowMillis - startMillis) / 1000.0);
      LogMessage.RDB_LOAD_PROGRESS.log(100.0 * done / Math.max(1, totalBytes), done, totalBytes, loaded,
          (long) (loaded / secs));
    }

    private Result fail(String msg) {
      close();
      if (msg.startsWith("unexpected end of data")) {
        LogMessage.RDB_SHORT_READ.log();
        msg = "Unexpected EOF reading RDB file";
      }
      return failed(name, reader.offset(), msg);
    }

    private void close() {
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException e) {
          // read-only: nothing was lost
        }
      }
    }

    @Override
    public void aux(byte[] key, byte[] value) {
      String k = new String(key, StandardCharsets.UTF_8);
      String v = new String(value, StandardCharsets.UTF_8);
      if (k.startsWith("%")) {
        LogMessage.RDB_INFO_FIELD.log(k, v);
        return;
      }
      switch (k.toLowerCase(java.util.Locale.ROOT)) {
        case "redis-ver" -> LogMessage.LOADING_RDB_VERSION.log(v);
        case "ctime" -> LogMessage.RDB_AGE.log(Math.max(0, System.currentTimeMillis() / 1000 - parse(v)));
        case "used-mem" -> {
          usedMem = parse(v);
          LogMessage.RDB_USED_MEM.log(usedMem / (1024.0 * 1024));
        }
        case "aof-preamble" -> {
          if (parse(v) != 0) {
            LogMessage.RDB_AOF_TAIL.log();
          }
        }
        case "aof-base" -> {
          if (parse(v) != 0) {
            LogMessage.RDB_AOF_BASE.log();
          }
        }
        default -> engine.replication().rdbAux(k, v); // repl-id, repl-offset, repl-stream-db; others are skipped
      }
    }

    private long parse(String v) {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public void selectDb(long index) throws RdbFormatException {
      if (index >= ks.databases()) {
        throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to handle more "
            + "than " + ks.databases() + " databases. Exiting");
      }
      db = target.apply((int) index);
    }

    @Override
    public void resizeDb(long size, long expires) {
      // a hint; the tables grow as keys come
    }

    @Override
    @SuppressWarnings("unchecked")
    public void section(RdbSection<?> section, Object read) throws RdbFormatException {
      if (deferred != null) {
        deferred.add(new Object[] {section, read});
        return;
      }
      ((RdbSection<Object>) section).apply(read, merge);
    }

    @Override
    public void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq)
        throws RdbFormatException {
      long delay = engine.params().persistence.keyLoadDelay.value;
      if (delay != 0) {
        Persistence.sleepMicros(delay);
      }
      if (!aofPreamble && expireAt != -1 && expireAt < now) {
        expired++; // a master drops keys that expired while the file was on disk
        engine.replication().expiredOnLoad(db.id(), key); // and its backlog gets their DEL, as Redis's does
        return;
      }
      Entry old = db.dict().get(key);
      if (old != null) {
        if (!merge) {
          throw new RdbFormatException("RDB has duplicated key '" + new String(key, StandardCharsets.UTF_8)
              + "' in DB " + db.id());
        }
        db.remove(old);
      }
      Entry e = db.add(key, value, expireAt);
      if (lfu && lfuFreq >= 0) {
        e.setLru(Lfu.withCounter(now, lfuFreq));
      } else if (lru && idleSeconds >= 0) {
        e.setLru((int) ((LruClock.now(now) - idleSeconds) & LruClock.MAX));
      }
      loaded++;
    }

    @Override
    public void emptyKey(byte[] key) {
      if (emptyKeys++ < 10) {
        LogMessage.RDB_EMPTY_KEY.log(new String(key, StandardCharsets.UTF_8));
      }
    }
  }
}
