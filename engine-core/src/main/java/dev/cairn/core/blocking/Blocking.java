package dev.cairn.core.blocking;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.connection.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one blocking mechanism for lists, sorted sets, streams and module commands.
 *
 * <p>A command that finds nothing to serve calls {@code CommandContext.block(keys, timeout, onTimeout)}: the client is
 * suspended (its connection holds its later commands) and queued on each key, first come first served. Any change to
 * a key with waiters (every write reports its keys through {@code signalModifiedKey}) marks the key ready; after the
 * running command the dispatcher calls {@link #serveReadyKeys}, which runs each waiting client's command again, in
 * arrival order, exactly as if the client had just sent it (Redis 7 does the same). A command that still finds nothing
 * blocks again, keeping its place and deadline. Timeouts, CLIENT UNBLOCK and disconnects end the wait.
 */
public final class Blocking {
  /** What a blocked client waits with. */
  static final class Waiter {
    final Session session;
    final int db;
    final byte[][] keys;
    final byte[][] command;
    final Consumer<Reply> onTimeout;
    /** The value type a key must hold for the command to run again; null: any change. */
    final Class<?> waitsFor;
    AutoCloseable timer;

    Waiter(Session session, int db, byte[][] keys, byte[][] command, Class<?> waitsFor, Consumer<Reply> onTimeout) {
      this.session = session;
      this.db = db;
      this.keys = keys;
      this.command = command;
      this.waitsFor = waitsFor;
      this.onTimeout = onTimeout;
    }
  }

  /** A database and a key, as a map key. */
  private record DbKey(int db, ByteKey key) { }

  private final Engine engine;
  private final Map<DbKey, ArrayDeque<Waiter>> waitersByKey = new HashMap<>();
  /** Modified keys are checked only while a client waits on some key. */
  private final KeyspaceEventsHub.Subscription modifiedKeys;
  private final Map<Session, Waiter> waiterBySession = new HashMap<>();
  private final Set<DbKey> readyKeys = new LinkedHashSet<>();
  /** The waiter whose command is being run again, if any: a block() call from it keeps its place. */
  private Waiter reprocessing;
  private boolean blockedAgain;
  private boolean serving;

  public Blocking(Engine engine) {
    this.engine = engine;
    modifiedKeys = engine.events().addModifiedKeyListener(this::keyModified);
  }

  /** Clients blocked until someone answers them (module commands), not on keys. */
  private final Map<Session, HandleBlock> handles = new HashMap<>();

  void addHandle(Session s, HandleBlock b) {
    handles.put(s, b);
  }

  void removeHandle(Session s, HandleBlock b) {
    handles.remove(s, b);
  }

  /** The number of blocked clients (INFO blocked_clients). */
  public int blockedClients() {
    return waiterBySession.size() + handles.size();
  }

  /** The number of blocked clients with a deadline (INFO clients_in_timeout_table). */
  public int clientsWithTimeout() {
    int n = 0;
    for (Waiter w : waiterBySession.values()) {
      if (w.timer != null) {
        n++;
      }
    }
    return n;
  }

  /** The number of keys with waiters (INFO total_blocking_keys). */
  public int blockingKeys() {
    return waitersByKey.size();
  }

  /**
   * The number of keys with a waiter that wakes when the key is deleted (INFO total_blocking_keys_on_nokey): those
   * that wait for any change rather than for a type, as XREADGROUP does.
   */
  public int blockingKeysOnNoKey() {
    int n = 0;
    for (ArrayDeque<Waiter> q : waitersByKey.values()) {
      for (Waiter w : q) {
        if (w.waitsFor == null) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  public boolean isBlocked(Session s) {
    return waiterBySession.containsKey(s) || handles.containsKey(s);
  }

  /** Whether {@code s}'s command is being run again because a key it waits on changed. */
  public boolean isRerunning(Session s) {
    return reprocessing != null && reprocessing.session == s;
  }

  /** Whether the command {@code s} just ran left it waiting (it blocked, or blocked again when run again). */
  public boolean waitsAfterRun(Session s) {
    Waiter w = waiterBySession.get(s);
    if (w == null) {
      return false;
    }
    return reprocessing != w || blockedAgain;
  }

  /**
   * Blocks {@code s} on {@code keys} of database {@code db}; {@code timeoutMillis} 0 waits for ever. The command in
   * {@code args} runs again when a key changes (and then holds a {@code waitsFor} value, unless that is null);
   * {@code onTimeout} writes the reply if time runs out first.
   */
  public void block(Session s, int db, byte[][] keys, long timeoutMillis, Class<?> waitsFor, Args args,
      Consumer<Reply> onTimeout) {
    if (reprocessing != null && reprocessing.session == s) {
      blockedAgain = true; // still nothing to serve: stay queued where it was
      return;
    }
    Waiter w = new Waiter(s, db, keys.clone(), args.toArray(), waitsFor, onTimeout);
    waiterBySession.put(s, w);
    for (byte[] k : w.keys) {
      ArrayDeque<Waiter> q = waitersByKey.computeIfAbsent(new DbKey(db, new ByteKey(k)), x -> new ArrayDeque<>());
      if (!q.contains(w)) {
        q.addLast(w);
      }
    }
    modifiedKeys.setActive(!waitersByKey.isEmpty());
    if (timeoutMillis > 0) {
      w.timer = engine.loop().schedule(() -> timeout(w), timeoutMillis, TimeUnit.MILLISECONDS);
    }
    s.suspend();
  }

  private void keyModified(int db, byte[] key) {
    if (!waitersByKey.isEmpty()) {
      DbKey k = new DbKey(db, new ByteKey(key));
      if (waitersByKey.containsKey(k)) {
        readyKeys.add(k);
      }
    }
  }

  /**
   * Marks a key ready without it having changed as WATCH sees it: XGROUP DESTROY wakes the group's readers (to answer
   * NOGROUP), as Redis's signalKeyAsReady does.
   */
  public void signalReady(int db, byte[] key) {
    keyModified(db, key);
  }

  /**
   * FLUSHDB/FLUSHALL: every waited-on key of the database is gone; the waiters that wake on a deleted key (those that
   * wait for any change, as XREADGROUP does) run again after the command, the others keep waiting.
   */
  public void databaseFlushed(int db) {
    for (DbKey k : waitersByKey.keySet()) {
      if (k.db() == db) {
        readyKeys.add(k);
      }
    }
  }

  /**
   * SWAPDB: every waited-on key of either database may hold something else now; the ones that hold what their waiters
   * wait for are served after the command.
   */
  public void databasesSwapped(int a, int b) {
    for (DbKey k : waitersByKey.keySet()) {
      if (k.db() == a || k.db() == b) {
        readyKeys.add(k);
      }
    }
  }

  /**
   * Serves the clients waiting on keys that changed, until no key is ready (a served command may make other keys
   * ready, as BLMOVE does). Called by the dispatcher after each command, and after EXEC and scripts.
   */
  public void serveReadyKeys() {
    if (readyKeys.isEmpty() || serving) {
      return;
    }
    serving = true;
    try {
      while (!readyKeys.isEmpty()) {
        DbKey k = readyKeys.iterator().next();
        readyKeys.remove(k);
        ArrayDeque<Waiter> q = waitersByKey.get(k);
        if (q == null) {
          continue;
        }
        // each waiter present now gets one try, in arrival order
        List<Waiter> snapshot = new ArrayList<>(q);
        for (Waiter w : snapshot) {
          if (waiterBySession.get(w.session) != w || !holdsWaitedType(w, k)) {
            continue;
          }
          rerun(w);
        }
      }
    } finally {
      serving = false;
    }
  }

  /**
   * Redis wakes a list waiter only if the key now holds a list (not when it was deleted, became a string or its time
   * has passed). An expired key is only looked at, not deleted: its DEL goes into the replication stream where the
   * next command that reads it puts it, as Redis's lookup without effects leaves it (SWAPDB or EXEC bringing an
   * expired list to a waiter).
   */
  private boolean holdsWaitedType(Waiter w, DbKey k) {
    if (w.waitsFor == null) {
      return true;
    }
    dev.cairn.core.keyspace.Db db = engine.keyspace().db(k.db());
    dev.cairn.core.keyspace.Entry e = db.stored(k.key().bytes());
    if (e == null || db.isExpired(e)) {
      return false;
    }
    // a module's value is stored wrapped with its type: a module waits for its own value class
    Object v = e.value() instanceof dev.cairn.api.type.ModuleValue mv ? mv.value() : e.value();
    return w.waitsFor.isInstance(v);
  }

  private void rerun(Waiter w) {
    reprocessing = w;
    blockedAgain = false;
    try {
      engine.dispatcher().rerun(w.session, w.db, Args.ofBytes(w.command));
    } finally {
      reprocessing = null;
    }
    if (!blockedAgain) {
      unblock(w);
      w.session.connection.flush();
      w.session.resume();
    }
  }

  private void timeout(Waiter w) {
    if (waiterBySession.get(w.session) != w) {
      return;
    }
    unblock(w);
    countCall(w, false);
    // a module's timeout reply may fail: the client gets an error, never half a reply, and is resumed regardless
    dev.cairn.core.connection.ReplyGuard.write(w.session, w.onTimeout, "the timeout callback");
    w.session.connection.flush();
    w.session.resume();
  }

  /**
   * CLIENT UNBLOCK: ends the wait of {@code s} as a timeout, or with the UNBLOCKED error. Returns false if it was not
   * blocked.
   */
  public boolean unblockByRequest(Session s, boolean withError) {
    Waiter w = waiterBySession.get(s);
    if (w == null) {
      HandleBlock h = handles.get(s);
      return h != null && h.unblockByRequest(withError);
    }
    if (withError) {
      unblock(w);
      countCall(w, true);
      s.writer.error(RedisException.of("UNBLOCKED", "client unblocked via CLIENT UNBLOCK"));
      engine.stats().countError("UNBLOCKED");
      s.connection.flush();
      s.resume();
    } else {
      timeout(w);
    }
    return true;
  }

  /**
   * Ends the wait of {@code s} with the reply {@code reply} writes (a wait whose condition is not a key, such as
   * WAITAOF's fsync); {@code failed} counts the call as failed. Returns false if it was not blocked.
   */
  public boolean release(Session s, boolean failed, Consumer<Reply> reply) {
    Waiter w = waiterBySession.get(s);
    if (w == null) {
      return false;
    }
    unblock(w);
    countCall(w, failed);
    reply.accept(s.reply());
    s.connection.flush();
    s.resume();
    return true;
  }

  /** Counts the call of a blocked command that ends without being served (the dispatcher did not count it). */
  private void countCall(Waiter w, boolean failed) {
    dev.cairn.core.command.Command cmd = engine.commands().resolve(w.command, w.command.length);
    if (cmd != null) {
      cmd.calls++;
      cmd.microseconds += w.session.blockedMicros;
      w.session.blockedMicros = 0;
      if (failed) {
        cmd.failedCalls++;
      }
    }
  }

  /**
   * Ends the wait of every module client blocked without keys ({@code blockClient}) with {@code error}, as Redis ends
   * them when the cluster goes down (the module's later reply goes nowhere); returns how many.
   */
  public int failHandles(RedisException error) {
    int n = 0;
    for (HandleBlock h : new ArrayList<>(handles.values())) {
      h.fail(error);
      n++;
    }
    return n;
  }

  /** A client blocked on keys: its first key (a cluster keeps a command's keys in one slot) and its command. */
  public record KeyWait(Session session, byte[] firstKey, byte[][] command) { }

  /** The clients blocked on keys now (the cluster's cron redirects those whose slot went elsewhere). */
  public java.util.List<KeyWait> keyWaits() {
    java.util.List<KeyWait> out = new java.util.ArrayList<>();
    for (Waiter w : waiterBySession.values()) {
      if (w.keys.length > 0) {
        out.add(new KeyWait(w.session, w.keys[0], w.command));
      }
    }
    return out;
  }

  /** Forgets a client that disconnected while blocked. */
  public void disconnected(Session s) {
    HandleBlock h = handles.get(s);
    if (h != null) {
      h.disconnected(); // nobody to answer: the module's later reply is dropped, and UNLOAD need not wait for it
    }
    Waiter w = waiterBySession.get(s);
    if (w != null) {
      unblock(w);
    }
  }

  private void unblock(Waiter w) {
    waiterBySession.remove(w.session);
    for (byte[] k : w.keys) {
      DbKey dk = new DbKey(w.db, new ByteKey(k));
      ArrayDeque<Waiter> q = waitersByKey.get(dk);
      if (q != null) {
        q.remove(w);
        if (q.isEmpty()) {
          waitersByKey.remove(dk);
        }
      }
    }
    modifiedKeys.setActive(!waitersByKey.isEmpty());
    if (w.timer != null) {
      try {
        w.timer.close();
      } catch (Exception ignored) {
        // cancelling a timer does not fail
      }
    }
  }
}
