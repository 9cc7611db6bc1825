package dev.cairn.core.persistence;

import dev.cairn.api.command.Args;
import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.EngineLoop;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * An engine with one client and a hand-driven engine loop: tasks queued by the engine (a snapshot's walker, loading
 * slices, a background thread's hand-back) run when the test calls {@link #runTasks}, on the test's thread, which plays
 * the engine thread. The cron is not scheduled.
 */
final class TestEngine {
  final Engine engine;
  final Session session;
  final ManualLoop loop = new ManualLoop();
  private final ByteBuf out = Unpooled.buffer();

  TestEngine(Path dir, String... config) throws Exception {
    Config c = new Config();
    ServerParams params = new ServerParams(c);
    c.find("dir").set(dir.toString());
    c.find("save").set("");
    c.find("enable-debug-command").set("yes");
    for (int i = 0; i + 1 < config.length; i += 2) {
      c.find(config[i]).set(config[i + 1]);
    }
    engine = new Engine(c, params, CoreCommands.families());
    engine.start(loop);
    Connection none = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class},
        (p, m, a) -> m.getReturnType() == String.class ? "" : m.getReturnType() == boolean.class ? Boolean.FALSE
            : m.getReturnType() == int.class ? 0 : m.getReturnType() == long.class ? 0L : null);
    session = engine.connect(none, out);
  }

  /** Runs a command (arguments as ISO-8859-1 text) and returns the raw RESP reply. */
  String run(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    session.execute(new Args(argv, argv.length));
    String reply = out.toString(StandardCharsets.ISO_8859_1);
    out.clear();
    return reply;
  }

  /** Runs the queued engine tasks (those queued meanwhile too); returns how many ran. */
  int runTasks() {
    int n = 0;
    Runnable r;
    while ((r = loop.tasks.poll()) != null) {
      r.run();
      n++;
    }
    return n;
  }

  /** Runs engine tasks until {@code done} holds, or fails after 60 seconds. */
  void runUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (runTasks() == 0) {
        Thread.sleep(1);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting on the engine");
      }
    }
  }

  String digest() {
    return dev.cairn.core.server.DatasetDigest.hex(engine.digests().dataset(engine.keyspace()));
  }

  /** The engine thread as the test drives it: every task (scheduled ones at once) waits in a queue. */
  static final class ManualLoop implements EngineLoop {
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public boolean inLoop() {
      return true;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public AutoCloseable schedule(Runnable task, long delay, TimeUnit unit) {
      tasks.add(task);
      return () -> tasks.remove(task);
    }

    @Override
    public AutoCloseable scheduleAtFixedRate(Runnable task, long period, TimeUnit unit) {
      return () -> { }; // no cron: tests call what they need
    }
  }
}
