package dev.cairn.search;

import dev.cairn.api.ModuleServer;
import dev.cairn.api.reply.RedisException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * FT.AGGREGATE's cursors: a paused pipeline per id, read on with FT.CURSOR READ. A cursor idle past its MAXIDLE is
 * gone: a read checks it, and a sweep every second (a module thread hands it to the engine thread) frees the memory
 * of cursors nobody reads again. Each index may hold INDEX_CURSOR_LIMIT cursors, as RediSearch's per-index capacity.
 */
final class Cursors {
  /** One cursor. */
  static final class Cursor {
    final long id;
    final String indexName;
    final SearchIndex index;
    final AggregatePipeline pipeline;
    final long chunk;
    final long maxIdleMs;
    long lastUse;

    Cursor(long id, String indexName, SearchIndex index, AggregatePipeline pipeline, long chunk, long maxIdleMs) {
      this.id = id;
      this.indexName = indexName;
      this.index = index;
      this.pipeline = pipeline;
      this.chunk = chunk;
      this.maxIdleMs = maxIdleMs;
      this.lastUse = System.currentTimeMillis();
    }

    boolean expired(long now) {
      return now - lastUse > maxIdleMs;
    }
  }

  private final Map<Long, Cursor> byId = new HashMap<>();
  private final ModuleServer server;
  private ScheduledExecutorService sweeper;

  Cursors(ModuleServer server) {
    this.server = server;
  }

  /** Registers a new cursor; refused past the index's capacity (idle ones past their time are freed first). */
  Cursor open(String indexName, SearchIndex index, AggregatePipeline pipeline, long chunk, long maxIdleMs,
      long capacity) {
    if (countFor(index) >= capacity) {
      sweep();
      if (countFor(index) >= capacity) {
        throw RedisException.line("Too many cursors allocated for index");
      }
    }
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    } while (byId.containsKey(id));
    Cursor c = new Cursor(id, indexName, index, pipeline, chunk, maxIdleMs);
    byId.put(id, c);
    startSweeper();
    return c;
  }

  /** The cursor with this id, unless it is unknown or idle past its time (then it is freed). */
  Cursor get(long id) {
    Cursor c = byId.get(id);
    if (c != null && c.expired(System.currentTimeMillis())) {
      byId.remove(id);
      return null;
    }
    return c;
  }

  boolean remove(long id) {
    return byId.remove(id) != null;
  }

  /** Frees the cursors idle past their time; returns how many. */
  int sweep() {
    long now = System.currentTimeMillis();
    int n = 0;
    for (Iterator<Cursor> it = byId.values().iterator(); it.hasNext(); ) {
      if (it.next().expired(now)) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  int total() {
    return byId.size();
  }

  int countFor(SearchIndex index) {
    int n = 0;
    for (Cursor c : byId.values()) {
      if (c.index == index) {
        n++;
      }
    }
    return n;
  }

  private void startSweeper() {
    if (sweeper != null) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "search-cursors");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(() -> server.execute(access -> {
      if (!byId.isEmpty()) {
        sweep();
      }
    }), 1, 1, TimeUnit.SECONDS);
  }

  void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }
}
