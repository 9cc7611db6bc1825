package dev.cairn.graph;

import dev.cairn.api.ModuleServer;
import dev.cairn.api.ServerAccess;
import dev.cairn.api.command.BlockedClient;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.RedisException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a GRAPH.QUERY runs when it does not run in its command (docs/ARCHITECTURE.md, "The graph module's queries"):
 * reads on a pool of reader threads (THREAD_COUNT of them, as RedisGraph's), writes that must wait for a graph's
 * readers later on the engine thread, each with its client blocked meanwhile. A reader renders its result set where
 * it ran ({@link RecordedReply}), so what the reply says is the graph the query saw; the engine thread plays it to the
 * client. A read preempted {@link #MAX_PREEMPTIONS} times (writes that cannot wait keep coming) runs on a private
 * copy of its graph, taken on the engine thread between two writes, which no write can preempt.
 */
final class QueryScheduler {
  static final int MAX_PREEMPTIONS = 2;
  /**
   * Executor steps a read may take on the engine thread before it is handed to a reader instead (0: every read goes
   * to a reader); see {@code GraphCommands.inlineRead}. A property for measurements (bench/graph-social.py).
   */
  static final long INLINE_STEPS = Long.getLong("cairn.graph.inlineSteps", 2048);

  private final ModuleServer server;
  private final int threads;
  private ExecutorService pool;
  /** Reads run on a reader, reads preempted, writes queued (tests, INFO). */
  final AtomicInteger offloaded = new AtomicInteger();
  final AtomicInteger preempted = new AtomicInteger();
  final AtomicInteger deferred = new AtomicInteger();
  final AtomicInteger copied = new AtomicInteger();
  /** Reads that ran inline, on the engine thread, within their budget. */
  final AtomicInteger inline = new AtomicInteger();

  QueryScheduler(ModuleServer server, int threads) {
    this.server = server;
    this.threads = Math.max(1, threads);
  }

  /** One query, compiled on the engine thread, with what its reply and its slow log entry need. */
  record Query(Graph graph, Plan.Query plan, Map<String, Object> params, long timeoutMillis, int protocol,
      boolean compact, long maxRows, long startNanos, String command, String text) {}

  /** A write and where it goes: key, database and the command to propagate. */
  record Write(Query query, int dbIndex, byte[] key, byte[][] argv) {}

  // ---- reads

  /** Engine thread: runs a read on a reader, after the writes queued on its graph. */
  void read(BlockedClient client, Query q, long now) {
    read(client, q, now, 0);
  }

  private void read(BlockedClient client, Query q, long now, int attempt) {
    ReadGate gate = q.graph().gate;
    if (gate.writesWaiting()) {
      if (gate.enqueue(new ReadGate.Queued() {
        @Override
        public boolean write() {
          return false;
        }

        @Override
        public void run() {
          submit(client, q, now, attempt);
        }
      })) {
        server.execute(a -> gate.drain());
      }
      return;
    }
    submit(client, q, now, attempt);
  }

  private void submit(BlockedClient client, Query q, long now, int attempt) {
    if (attempt >= MAX_PREEMPTIONS) {
      Graph copy = q.graph().copy(); // no write reaches it: the read cannot be preempted again
      copied.incrementAndGet();
      copy.gate.reserve();
      pool().execute(() -> runRead(client, q, copy, now, attempt));
      return;
    }
    q.graph().gate.reserve();
    offloaded.incrementAndGet();
    pool().execute(() -> runRead(client, q, q.graph(), now, attempt));
  }

  /** Runs {@code q} on {@code g}: its graph, or a copy of it. */
  private void runRead(BlockedClient client, Query q, Graph g, long now, int attempt) {
    RecordedReply out = new RecordedReply(q.protocol());
    boolean again = false;
    try {
      g.gate.check();
      long deadline = q.timeoutMillis() > 0 ? q.startNanos() + q.timeoutMillis() * 1_000_000L : Long.MAX_VALUE;
      Executor.Result res = Executor.run(g, q.plan(), new Ctx(g, q.params(), deadline, g.gate), q.startNanos());
      ResultWriter.write(out, new Ctx(g, q.params(), Long.MAX_VALUE, g.gate), res, q.compact(), q.maxRows());
      client.reply(r -> {
        out.replay(r);
        q.graph().slowlog(now, q.command(), q.text(), res.millis());
      });
    } catch (ReadGate.Preempted p) {
      preempted.incrementAndGet();
      again = true;
    } catch (CypherException e) {
      client.reply(r -> r.error(RedisException.line(e.getMessage())));
    } catch (RuntimeException | StackOverflowError e) {
      client.reply(r -> r.error(RedisException.err("graph reader failed: " + e)));
    } finally {
      if (g.gate.release()) {
        server.execute(a -> g.gate.drain());
      }
    }
    if (again) {
      server.execute(a -> read(client, q, now, attempt + 1));
    }
  }

  // ---- writes that wait for readers

  /** Engine thread: queues a write behind its graph's readers; it runs when they have left. */
  void write(BlockedClient client, Write w) {
    deferred.incrementAndGet();
    ReadGate gate = w.query().graph().gate;
    if (gate.enqueue(new ReadGate.Queued() {
      @Override
      public boolean write() {
        return true;
      }

      @Override
      public void run() {
        runWrite(client, w);
      }
    })) {
      server.execute(a -> gate.drain());
    }
  }

  /** Engine thread, the graph's readers gone: runs a queued write on what the key holds now. */
  private void runWrite(BlockedClient client, Write w) {
    ServerAccess a = server.access();
    Database db = a.db(w.dbIndex());
    Query q = w.query();
    Graph g;
    try {
      g = db.getForWrite(w.key(), GraphType.INSTANCE);
    } catch (RedisException e) {
      client.reply(r -> r.error(e)); // the key was overwritten with another type meanwhile
      return;
    }
    boolean created = g == null;
    if (created) {
      g = new Graph();
    } else if (g != q.graph() && g.gate.busy()) {
      // the key holds another graph now, which has readers of its own
      write(client, new Write(new Query(g, q.plan(), q.params(), q.timeoutMillis(), q.protocol(), q.compact(),
          q.maxRows(), q.startNanos(), q.command(), q.text()), w.dbIndex(), w.key(), w.argv()));
      return;
    }
    long now = a.now();
    long t0 = System.nanoTime();
    Executor.Result res;
    try {
      res = Executor.run(g, q.plan(), new Ctx(g, q.params(), q.timeoutMillis()), t0);
    } catch (CypherException e) {
      client.reply(r -> r.error(RedisException.line(e.getMessage()))); // undone: nothing to store or propagate
      return;
    }
    if (res.stats().wrote()) {
      if (created) {
        db.set(w.key(), GraphType.INSTANCE, g);
      }
      a.signalModifiedKey(w.dbIndex(), w.key());
      a.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "graph.query", w.key(), w.dbIndex());
      a.addDirty(1);
      a.propagate(w.dbIndex(), w.argv());
    }
    g.slowlog(now, q.command(), q.text(), res.millis());
    RecordedReply out = new RecordedReply(q.protocol());
    ResultWriter.write(out, new Ctx(g, q.params(), 0), res, q.compact(), q.maxRows());
    client.reply(out::replay);
  }

  private ExecutorService pool() {
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "graph-reader-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
