package dev.cairn.core.replication;

import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.log.Log;
import dev.cairn.core.persistence.Persistence;
import dev.cairn.core.persistence.RdbLoader;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.script.function.Functions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A full sync's RDB loaded while it arrives ({@code repl-diskless-load swapdb|on-empty-db}), as Redis's replica parses
 * the master's socket: the link thread puts the bytes into an {@link RdbPipe}, and the engine thread parses them in
 * slices of {@code loading-process-events-interval-bytes}, serving clients in between (LOADING, or the old dataset
 * under async loading). With {@code swapdb} the new dataset loads into spare databases and replaces the old one in one
 * engine-thread step once complete (the function libraries with it); a failed transfer drops the half-loaded data
 * and the old dataset stays. With {@code on-empty-db} (or while a snapshot walks the tables, which a swap would pull
 * away from under it) the old data is flushed first and a failure leaves the databases empty, as in Redis.
 */
final class DisklessLoad {
  private final MasterLink link;
  private final Engine engine;
  private final Replication repl;
  private final int generation;
  final RdbPipe pipe;
  private final String replId;
  private final long offset;
  private final long totalBytes;
  private final boolean async;
  /** Completes (true when loaded) on the engine thread once the load ended. */
  final CompletableFuture<Boolean> done = new CompletableFuture<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile long trigger = RdbPipe.CAPACITY / 2;
  private Db[] spare;
  private RdbInput input;
  private RdbLoader.Incremental load;
  private boolean ended;

  DisklessLoad(MasterLink link, int generation, RdbPipe pipe, String replId, long offset, long totalBytes,
      boolean async) {
    this.link = link;
    this.engine = link.engine();
    this.repl = engine.replication();
    this.generation = generation;
    this.pipe = pipe;
    this.replId = replId;
    this.offset = offset;
    this.totalBytes = totalBytes;
    this.async = async;
  }

  /** Engine thread: the old dataset is set aside (swapdb) or flushed, and the load starts. */
  void begin() {
    if (generation != link.generation()) {
      end(false);
      return;
    }
    repl.loadState = async ? 2 : 1;
    trigger = engine.params().persistence.loadingProcessEventsIntervalBytes.value;
    link.prepareForLoad();
    // a snapshot of this server must not save the data being replaced (Redis kills its RDB child here)
    engine.persistence().killJob(Persistence.JobType.RDB);
    Keyspace ks = engine.keyspace();
    boolean swap = repl.params().disklessLoad.value.equals("swapdb") && ks.snapshotGuard() == null;
    if (swap) {
      spare = new Db[ks.databases()];
      for (int i = 0; i < spare.length; i++) {
        spare[i] = ks.spareDb(i);
      }
    } else {
      Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Flushing old data");
      flushAll();
      engine.scripting().functions().flush();
    }
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Loading DB in memory");
    input = new RdbInput(pipe, totalBytes);
    load = engine.persistence().loader().incremental(input, "the master's stream",
        totalBytes, swap ? i -> spare[i] : null, swap);
    kick();
  }

  /** Either thread: bytes arrived (or the payload ended or failed): the engine thread parses what is there. */
  void kick() {
    if (pipe.ready(trigger) && scheduled.compareAndSet(false, true)) {
      engine.loop().execute(this::pump);
    }
  }

  private void pump() {
    if (ended || load == null) {
      scheduled.set(false);
      return;
    }
    if (generation != link.generation()) {
      load.abandon();
      end(false); // the link was stopped or replaced
      return;
    }
    // what the parser has: the pipe's bytes and those its input read ahead. A slice parses about half of it, so that
    // the engine thread rarely waits for a record's rest (it would while the master pauses within one)
    long avail = pipe.buffered() + input.remaining();
    boolean complete = pipe.ended();
    if (!complete && avail < Math.min(trigger, RdbPipe.CAPACITY / 2)) {
      scheduled.set(false);
      kick(); // (bytes that came meanwhile)
      return;
    }
    RdbLoader.Result r;
    engine.propagation().suppress();
    try {
      r = load.step(complete ? trigger : Math.min(trigger, Math.max(1, avail / 2)));
    } finally {
      engine.propagation().resume();
    }
    link.lastIoMillis = System.currentTimeMillis(); // loading is progress: not a silent master (Redis does the same)
    if (r == null) {
      engine.loop().schedule(this::pump, 0, TimeUnit.NANOSECONDS); // clients are served between slices
      return;
    }
    end(r.status() == RdbLoader.Status.OK);
  }

  private void end(boolean ok) {
    if (ended) {
      return;
    }
    ended = true;
    boolean current = generation == link.generation();
    if (current) {
      repl.loadState = 0;
    }
    if (ok && current && spare != null) {
      ok = swapIn();
    }
    if (!ok || !current) {
      pipe.fail(new IOException("the load from the master's stream was abandoned"));
      if (spare != null) {
        flushSpare();
        if (load != null) {
          Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Discarding the half-loaded data");
        }
      } else if (load != null) {
        flushAll(); // the old data went before the load: what loaded of the new goes too
      }
      if (load != null && current) {
        Log.log(Log.Level.WARNING, "Failed trying to load the MASTER synchronization DB from socket, check server logs.");
      }
    }
    if (load != null) {
      engine.aof().restartAfterSync();
    }
    done.complete(ok && current && link.synced(replId, offset, false));
  }

  /** The new dataset replaces the old one (then released as a flush releases it); false if its functions failed. */
  private boolean swapIn() {
    Functions f = engine.scripting().functions();
    byte[] oldFunctions = f.dump();
    f.flush();
    try {
      load.applySections();
    } catch (RdbFormatException | RuntimeException e) {
      Log.log(Log.Level.WARNING, "Failed loading the master's function libraries: " + e.getMessage());
      f.flush();
      f.restore(oldFunctions, Functions.Policy.FLUSH);
      return false;
    }
    Keyspace ks = engine.keyspace();
    for (int i = 0; i < spare.length; i++) {
      ks.db(i).swapWith(spare[i]);
    }
    flushSpare();
    return true;
  }

  private void flushSpare() {
    boolean lazy = repl.params().lazyFlush.value;
    for (Db d : spare) {
      engine.lazyFree().flush(d, lazy);
    }
  }

  private void flushAll() {
    Keyspace ks = engine.keyspace();
    for (int i = 0; i < ks.databases(); i++) {
      engine.lazyFree().flush(ks.db(i), repl.params().lazyFlush.value);
    }
  }
}
