package dev.cairn.core.module;

import dev.cairn.api.ModuleServer;
import dev.cairn.api.ModuleTimer;
import dev.cairn.api.ServerAccess;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.core.Engine;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One module's way back to the engine thread: engine tasks, timers, its {@link ServerAccess} (whose calls are known to
 * be the module's, for command filters registered with NOSELF) and the lookup of other modules' shared APIs.
 */
final class ModuleServerImpl implements ModuleServer {
  private static final System.Logger LOG = dev.cairn.core.log.LogBridges.logger("dev.cairn.modules", "");

  private final Engine engine;
  private final LoadedModule lm;
  private final SharedApis sharedApis;
  private final Access access = new Access();

  ModuleServerImpl(Engine engine, LoadedModule lm, SharedApis sharedApis) {
    this.engine = engine;
    this.lm = lm;
    this.sharedApis = sharedApis;
  }

  @Override
  public void execute(Consumer<ServerAccess> task) {
    if (!lm.live || engine.loop() == null) {
      return;
    }
    engine.loop().execute(() -> runTask(task, "engine task"));
  }

  /**
   * Runs a module's task on the engine thread: the clock read once, its effects one execution unit (replicas and the
   * AOF get them as one transaction), then the blocked clients whose keys it changed are served.
   */
  private void runTask(Consumer<ServerAccess> task, String what) {
    if (!lm.live) {
      return;
    }
    engine.keyspace().updateTime();
    engine.propagation().enterUnit();
    try {
      task.accept(access);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "module '" + lm.info.name() + "' " + what + " failed", e);
    } finally {
      engine.propagation().exitUnit();
    }
    engine.blocking().serveReadyKeys();
  }

  @Override
  public ModuleTimer createTimer(long delayMillis, Consumer<ServerAccess> callback) {
    return startTimer(delayMillis, callback, false);
  }

  @Override
  public ModuleTimer createRepeatingTimer(long periodMillis, Consumer<ServerAccess> callback) {
    if (periodMillis <= 0) {
      throw new IllegalArgumentException("a repeating timer needs a period > 0");
    }
    return startTimer(periodMillis, callback, true);
  }

  private ModuleTimer startTimer(long millis, Consumer<ServerAccess> callback, boolean repeating) {
    if (engine.loop() == null) {
      throw new IllegalStateException("no engine loop: timers need a running server");
    }
    Timer t = new Timer(callback, repeating, Math.max(0, millis));
    if (lm.live) {
      lm.timers.add(t);
      t.schedule();
    } else {
      t.stopped = true; // the module is gone (or its load failed): nothing runs
    }
    return t;
  }

  /** A module timer: a task on the engine loop, rescheduled after each run while it repeats. */
  private final class Timer implements ModuleTimer {
    private final Consumer<ServerAccess> callback;
    private final boolean repeating;
    private final long millis;
    private volatile long dueNanos;
    private volatile boolean stopped;
    private volatile AutoCloseable scheduled;

    Timer(Consumer<ServerAccess> callback, boolean repeating, long millis) {
      this.callback = callback;
      this.repeating = repeating;
      this.millis = millis;
    }

    void schedule() {
      dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      scheduled = engine.loop().schedule(this::fire, millis, TimeUnit.MILLISECONDS);
    }

    private void fire() {
      if (stopped) {
        return;
      }
      if (!repeating) {
        stopped = true;
        lm.timers.remove(this);
      }
      runTask(callback, "timer");
      if (repeating && !stopped && lm.live) {
        schedule(); // from the end of this run, so a slow callback never piles up runs
      }
    }

    @Override
    public boolean stop() {
      if (stopped) {
        return false;
      }
      stopped = true;
      lm.timers.remove(this);
      AutoCloseable s = scheduled;
      if (s != null) {
        try {
          s.close();
        } catch (Exception ignored) {
          // cancelling a scheduled task does not fail
        }
      }
      return true;
    }

    @Override
    public long remainingMillis() {
      if (stopped) {
        return -1;
      }
      return Math.max(0, TimeUnit.NANOSECONDS.toMillis(dueNanos - System.nanoTime()));
    }
  }

  @Override
  public <T> T sharedApi(String name, Class<T> type) {
    return sharedApis.lookup(lm, name, type);
  }

  @Override
  public boolean inEngineThread() {
    return engine.loop() != null && engine.loop().inLoop();
  }

  @Override
  public ServerAccess access() {
    if (engine.loop() != null && !engine.loop().inLoop()) {
      throw new IllegalStateException("ModuleServer.access() outside the engine thread");
    }
    return access;
  }

  /** The keyspace as this module's tasks, listeners and timers see it. */
  private final class Access implements ServerAccess {
    @Override
    public Database db(int index) {
      checkDb(index);
      return engine.keyspace().db(index);
    }

    @Override
    public int databases() {
      return engine.keyspace().databases();
    }

    @Override
    public long now() {
      return engine.keyspace().now();
    }

    @Override
    public void notifyKeyspaceEvent(int type, String event, byte[] key, int dbIndex) {
      engine.events().notify(type, event, key, dbIndex);
    }

    @Override
    public void signalModifiedKey(int dbIndex, byte[] key) {
      engine.events().keyModified(dbIndex, key);
    }

    @Override
    public void addDirty(long changes) {
      engine.stats().dirty += changes;
    }

    @Override
    public void propagate(int dbIndex, byte[]... command) {
      if (engine.propagation().hasListeners()) {
        engine.propagation().emit(dbIndex, command);
      }
    }

    @Override
    public Object call(int dbIndex, byte[]... argv) {
      checkDb(dbIndex);
      lm.inCall++; // command filters registered with NOSELF by this module skip what it runs
      try {
        return engine.modules().moduleCall().call(dbIndex, argv);
      } finally {
        lm.inCall--;
      }
    }

    private void checkDb(int dbIndex) {
      if (dbIndex < 0 || dbIndex >= engine.keyspace().databases()) {
        throw Errors.DB_INDEX_OUT_OF_RANGE;
      }
    }
  }
}
