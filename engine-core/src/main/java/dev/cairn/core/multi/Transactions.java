package dev.cairn.core.multi;

import dev.cairn.core.Engine;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.blocking.ByteKey;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.script.ScriptCache;
import dev.cairn.core.script.Scripting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MULTI/EXEC and WATCH across clients: queues commands for clients in MULTI, and keeps the index of watched keys that
 * the keyspace event stream touches. Any modified key (a write, a lazy or active expiry, an eviction, a key a script
 * wrote) marks its watchers dirty, so their EXEC fails; FLUSHDB, FLUSHALL and SWAPDB touch every watched key that
 * existed (or, for SWAPDB, exists in the other database), as Redis's touchAllWatchedKeysInDb.
 *
 * <p>Queueing happens in the dispatcher after its checks (a rejected command flags the transaction, so EXEC aborts);
 * EXEC ({@link MultiCommands}) runs the queue as one execution unit through {@code Dispatcher.call}.
 */
public final class Transactions implements KeyspaceEventsHub.ModifiedKeyListener, KeyspaceEventsHub.DatabaseListener {
  private final Engine engine;
  /** Per database: watched key -> the watchers, in WATCH order. */
  private final List<Map<ByteKey, List<WatchedKey>>> watchedByDb = new ArrayList<>();
  private int watchedKeys;
  /** Modified keys are checked only while some key is watched. */
  private final KeyspaceEventsHub.Subscription modifiedKeys;

  public Transactions(Engine engine) {
    this.engine = engine;
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      watchedByDb.add(new HashMap<>());
    }
    modifiedKeys = engine.events().addModifiedKeyListener(this);
    engine.events().addDatabaseListener(this);
  }

  /** The client's transaction state, created on first use. */
  public static Transaction of(Session s) {
    if (s.transaction == null) {
      s.transaction = new Transaction();
    }
    return s.transaction;
  }

  /** Whether {@code s} is between MULTI and the end of EXEC/DISCARD. */
  public static boolean inMulti(Session s) {
    return s.transaction != null && s.transaction.active;
  }

  /** Queues a command that passed the dispatcher's checks (the arguments are kept as they are). */
  public void queue(Session s, Command cmd, byte[][] argv) {
    Transaction tx = s.transaction;
    // an aborted transaction will not run: no point keeping more of it (Redis does the same)
    if (tx.dirtyCas || tx.dirtyExec) {
      return;
    }
    String name = cmd.spec.name();
    tx.queue(cmd, argv, Scripting.runsScript(name)
        ? engine.scripting().declaredCommandFlags(name, dev.cairn.api.command.Args.ofBytes(argv)) : -1);
  }

  /** A command was rejected while queueing: EXEC will abort. */
  public static void flag(Session s) {
    if (inMulti(s)) {
      s.transaction.dirtyExec = true;
    }
  }

  /** DISCARD, a failed or finished EXEC, RESET, disconnect: leaves MULTI and unwatches everything. */
  public void discard(Session s) {
    Transaction tx = s.transaction;
    if (tx == null) {
      return;
    }
    tx.clear();
    unwatchAll(s);
  }

  // ---- WATCH

  /** WATCH key: remembers the key in the client's current database (once). */
  public void watch(Session s, byte[] key) {
    Transaction tx = of(s);
    int db = s.dbIndex();
    for (WatchedKey wk : tx.watched) {
      if (wk.db == db && java.util.Arrays.equals(wk.key, key)) {
        return;
      }
    }
    WatchedKey wk = new WatchedKey(s, db, key, isStale(engine.keyspace().db(db), key));
    tx.watched.add(wk);
    watchedByDb.get(db).computeIfAbsent(new ByteKey(key), k -> new ArrayList<>(2)).add(wk);
    watchedKeys++;
    modifiedKeys.setActive(true);
  }

  /** UNWATCH (and the end of every transaction): forgets the client's watched keys; the dirty flag stays for the caller. */
  public void unwatchAll(Session s) {
    Transaction tx = s.transaction;
    if (tx == null || tx.watched.isEmpty()) {
      return;
    }
    for (WatchedKey wk : tx.watched) {
      Map<ByteKey, List<WatchedKey>> index = watchedByDb.get(wk.db);
      ByteKey k = new ByteKey(wk.key);
      List<WatchedKey> watchers = index.get(k);
      if (watchers != null) {
        watchers.remove(wk);
        if (watchers.isEmpty()) {
          index.remove(k);
        }
      }
      watchedKeys--;
    }
    tx.watched.clear();
    modifiedKeys.setActive(watchedKeys > 0);
  }

  /** UNWATCH: also clears the dirty flag, so a later EXEC runs. */
  public void unwatch(Session s) {
    unwatchAll(s);
    if (s.transaction != null) {
      s.transaction.dirtyCas = false;
    }
  }

  /** Keys watched by any client, counted once per watcher. */
  public int watchedKeys() {
    return watchedKeys;
  }

  /**
   * Whether a key the client watched (and that was live then) has expired since, without having been removed yet:
   * EXEC fails then, as Redis's isWatchedKeyExpired.
   */
  public boolean watchedKeyExpired(Session s) {
    Transaction tx = s.transaction;
    if (tx == null) {
      return false;
    }
    for (WatchedKey wk : tx.watched) {
      if (!wk.expired && isStale(engine.keyspace().db(wk.db), wk.key)) {
        return true;
      }
    }
    return false;
  }

  /** Present in the table but past its time (a lookup would remove it). */
  private static boolean isStale(Db db, byte[] key) {
    Entry e = db.dict().get(key);
    return e != null && db.isExpired(e);
  }

  // ---- the keyspace event stream

  @Override
  public void onModified(int dbIndex, byte[] key) {
    if (watchedKeys == 0) {
      return;
    }
    Map<ByteKey, List<WatchedKey>> index = watchedByDb.get(dbIndex);
    if (index.isEmpty()) {
      return;
    }
    List<WatchedKey> watchers = index.get(new ByteKey(key));
    if (watchers == null) {
      return;
    }
    Db db = engine.keyspace().db(dbIndex);
    List<Session> dirtied = null;
    for (WatchedKey wk : watchers) {
      if (wk.expired && db.dict().get(key) == null) {
        // a key that was stale when watched is gone now: logically nothing changed
        wk.expired = false;
        continue;
      }
      if (dirtied == null) {
        dirtied = new ArrayList<>(watchers.size());
      }
      dirtied.add(wk.session);
    }
    if (dirtied != null) {
      for (Session s : dirtied) {
        s.transaction.dirtyCas = true;
        unwatchAll(s); // nothing more can change the outcome: stop paying for its keys
      }
    }
  }

  @Override
  public void beforeFlush(int dbIndex) {
    if (watchedKeys == 0) {
      return;
    }
    if (dbIndex >= 0) {
      touchAll(dbIndex, -1);
    } else {
      for (int i = 0; i < watchedByDb.size(); i++) {
        touchAll(i, -1);
      }
    }
  }

  @Override
  public void beforeSwap(int a, int b) {
    if (watchedKeys == 0) {
      return;
    }
    touchAll(a, b);
    touchAll(b, a);
  }

  /**
   * Database {@code emptied} loses its contents, replaced by those of {@code replacedWith} (-1: by nothing). A watched
   * key is touched if it exists now, or will exist after; stale keys follow Redis's rules (a stale key deleted, or
   * replaced by another stale key, or a missing key replaced by a stale one, is no change).
   */
  private void touchAll(int emptied, int replacedWith) {
    Map<ByteKey, List<WatchedKey>> index = watchedByDb.get(emptied);
    if (index.isEmpty()) {
      return;
    }
    Db from = engine.keyspace().db(emptied);
    Db to = replacedWith < 0 ? null : engine.keyspace().db(replacedWith);
    for (Map.Entry<ByteKey, List<WatchedKey>> en : index.entrySet()) {
      byte[] key = en.getKey().bytes();
      boolean existsInEmptied = from.dict().get(key) != null;
      boolean existsInOther = to != null && to.dict().get(key) != null;
      if (!existsInEmptied && !existsInOther) {
        continue;
      }
      for (WatchedKey wk : en.getValue()) {
        if (wk.expired) {
          if (!existsInOther) {
            wk.expired = false; // the stale key is deleted: no logical change
            continue;
          } else if (isStale(to, key)) {
            continue; // a stale key replaced by a stale key
          }
        } else if (!existsInEmptied && isStale(to, key)) {
          wk.expired = true; // a missing key replaced by a stale one
          continue;
        }
        wk.session.transaction.dirtyCas = true;
      }
    }
  }
}
