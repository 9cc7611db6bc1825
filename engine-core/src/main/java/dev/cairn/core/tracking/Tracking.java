package dev.cairn.core.tracking;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.Flag;
import dev.cairn.core.Engine;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.blocking.ByteKey;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandKeys;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.multi.Transactions;
import dev.cairn.core.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Server-assisted client-side caching (CLIENT TRACKING), as Redis 6+ does it.
 *
 * <p>Default mode: after a read-only command, the keys it read are remembered with the ids of the tracking clients
 * (the table is by key name, not database, as in Redis). When such a key changes (the keyspace event stream's
 * modified keys: writes, expiry, eviction, flushes), each remembered client gets one invalidation and the key is
 * forgotten until read again. Broadcast mode (BCAST): clients subscribe to key prefixes, every modified key matching
 * one is collected, and at the end of the event-loop batch each prefix's keys go to its clients in one message.
 *
 * <p>Invalidations are RESP3 push messages ({@code >2 invalidate [keys]}), or, for a RESP2 client redirecting to a
 * subscribed connection, messages on {@code __redis__:invalidate}. An invalidation meant for the client whose command
 * is running waits until that command's reply is written. A flush invalidates everything with a null key list.
 * {@code tracking-table-max-keys} bounds the table: before each command, keys are evicted (and invalidated) at random
 * until it fits, with more effort each time it does not.
 */
public final class Tracking implements KeyspaceEventsHub.ModifiedKeyListener, KeyspaceEventsHub.DatabaseListener {
  /** A tracked key and the ids of the clients that may cache it. */
  static final class TrackedKey extends ByteDict.Node<TrackedKey> {
    long[] ids = new long[2];
    int count;

    TrackedKey(byte[] key) {
      super(key);
    }

    boolean add(long id) {
      for (int i = 0; i < count; i++) {
        if (ids[i] == id) {
          return false;
        }
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = id;
      return true;
    }
  }

  /** A BCAST prefix: its clients, and the keys modified since the last broadcast with who modified them last. */
  static final class Prefix {
    final byte[] prefix;
    final Set<Session> clients = new LinkedHashSet<>();
    final Map<ByteKey, Session> keys = new LinkedHashMap<>();

    Prefix(byte[] prefix) {
      this.prefix = prefix;
    }
  }

  private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

  private final Engine engine;
  private final ByteDict<TrackedKey> table = new ByteDict<>();
  private long totalItems;
  private final Map<ByteKey, Prefix> prefixes = new LinkedHashMap<>();
  private int clients;
  /** Modified keys are checked only while a client tracks, or a key read by one is remembered. */
  private final KeyspaceEventsHub.Subscription modifiedKeys;
  /** Invalidations for the client whose command is running, sent after its reply; a null element is a flush. */
  private final List<byte[]> pendingForExecuting = new ArrayList<>();
  /** Rounds in a row the table stayed over its limit (each round tries harder). */
  private int overLimitRounds;

  public Tracking(Engine engine) {
    this.engine = engine;
    modifiedKeys = engine.events().addModifiedKeyListener(this);
    engine.events().addDatabaseListener(this);
  }

  // ---- CLIENT TRACKING

  /** Turns tracking on (or changes its options) for {@code s}. */
  void enable(Session s, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
      List<byte[]> newPrefixes) {
    ClientTracking t = s.tracking;
    if (t == null) {
      t = new ClientTracking();
      s.tracking = t;
      clients++;
      modifiedKeys.setActive(true);
    }
    t.bcast = bcast;
    t.optin = optin;
    t.optout = optout;
    t.noloop = noloop;
    t.brokenRedirect = false;
    t.redirect = redirect;
    if (bcast) {
      if (newPrefixes.isEmpty()) {
        addPrefix(s, new byte[0]);
      }
      for (byte[] p : newPrefixes) {
        addPrefix(s, p);
      }
    }
  }

  private void addPrefix(Session s, byte[] p) {
    ByteKey k = new ByteKey(p);
    Prefix prefix = prefixes.computeIfAbsent(k, x -> new Prefix(p));
    if (prefix.clients.add(s)) {
      s.tracking.prefixes.add(k);
    }
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Keys it read stay in the table until they change (as in Redis). */
  public void disable(Session s) {
    ClientTracking t = s.tracking;
    if (t == null) {
      return;
    }
    for (ByteKey k : t.prefixes) {
      Prefix p = prefixes.get(k);
      if (p != null) {
        p.clients.remove(s);
        if (p.clients.isEmpty()) {
          prefixes.remove(k);
        }
      }
    }
    s.tracking = null;
    clients--;
    followModifiedKeys();
  }

  /** Keys stay remembered after their readers stop tracking (as in Redis): they are forgotten when they change. */
  private void followModifiedKeys() {
    modifiedKeys.setActive(clients > 0 || table.size() > 0);
  }

  /** Clients with tracking on (INFO tracking_clients). */
  public int clients() {
    return clients;
  }

  /** Keys in the tracking table (INFO tracking_total_keys). */
  public long totalKeys() {
    return table.size();
  }

  /** Client ids across all tracked keys (INFO tracking_total_items). */
  public long totalItems() {
    return totalItems;
  }

  /** BCAST prefixes in use (INFO tracking_total_prefixes). */
  public int totalPrefixes() {
    return prefixes.size();
  }

  // ---- remembering keys

  /**
   * After a read-only command run for {@code tracker}'s unit (its own command, EXEC, a script): remembers the keys the
   * command read, unless OPTIN/OPTOUT says this one is not to be cached.
   */
  public void rememberKeys(Session tracker, Command cmd, Args a) {
    ClientTracking t = tracker.tracking;
    if (t == null || t.bcast || (t.optin && !t.caching) || (t.optout && t.caching) || cmd.spec.has(Flag.PUBSUB)) {
      return;
    }
    if (cmd.spec.group() == dev.cairn.api.command.Group.SCRIPTING) {
      return; // EVAL_RO and friends: only the keys the script's own commands read are tracked, as Redis
    }
    byte[][] argv = a.array();
    long id = tracker.id;
    CommandKeys.forEach(cmd.spec, argv, a.size(), (flags, pos) -> {
      byte[] key = argv[pos];
      TrackedKey tk = table.get(key);
      if (tk == null) {
        tk = new TrackedKey(key);
        table.addNew(tk);
      }
      if (tk.add(id)) {
        totalItems++;
      }
    });
  }

  /**
   * After each command of a client (run, queued or refused): its own keys' invalidations follow its reply, and a
   * CLIENT CACHING answer lasts for one command, or one transaction.
   */
  public void afterCommand(Session s, Command cmd) {
    if (!pendingForExecuting.isEmpty()) {
      List<byte[]> keys = new ArrayList<>(pendingForExecuting);
      pendingForExecuting.clear();
      if (s.tracking != null && !s.closing) {
        for (byte[] k : keys) {
          send(s, k == null ? null : List.of(k), k == null);
        }
      }
    }
    ClientTracking t = s.tracking;
    if (t != null && t.caching && !Transactions.inMulti(s)
        && (cmd == null || !"client".equals((cmd.parent == null ? cmd : cmd.parent).spec.name()))) {
      t.caching = false;
    }
  }

  // ---- invalidating

  @Override
  public void onModified(int dbIndex, byte[] key) {
    invalidate(key, engine.dispatcher().executing(), true);
  }

  @Override
  public void onModifiedByServer(int dbIndex, byte[] key) {
    invalidate(key, null, true);
  }

  /**
   * {@code key} changed, by {@code writer}'s command (null: by the server, e.g. expiry): tells the clients that read
   * it, and collects it for the BCAST prefixes it matches.
   */
  void invalidate(byte[] key, Session writer, boolean bcast) {
    if (bcast && !prefixes.isEmpty()) {
      for (Prefix p : prefixes.values()) {
        if (startsWith(key, p.prefix)) {
          p.keys.put(new ByteKey(key), writer);
        }
      }
      engine.scheduleBatchEnd();
    }
    if (table.size() == 0) {
      return;
    }
    TrackedKey tk = table.get(key);
    if (tk == null) {
      return;
    }
    Session executing = engine.dispatcher().executing();
    for (int i = 0; i < tk.count; i++) {
      Session target = engine.client(tk.ids[i]);
      // a client that switched to BCAST does not get the invalidations of keys it read before
      if (target == null || target.tracking == null || target.tracking.bcast) {
        continue;
      }
      if (target.tracking.noloop && target == executing) {
        continue;
      }
      if (target == executing) {
        pendingForExecuting.add(key); // after its reply
      } else {
        send(target, List.of(key), false);
      }
    }
    totalItems -= tk.count;
    table.remove(key);
    followModifiedKeys();
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public void beforeFlush(int dbIndex) {
    if (clients > 0) {
      Session executing = engine.dispatcher().executing();
      for (Session c : new ArrayList<>(engine.clients())) {
        if (c.tracking == null) {
          continue;
        }
        if (c == executing) {
          pendingForExecuting.add(null);
        } else {
          send(c, null, true);
        }
      }
    }
    table.clear();
    totalItems = 0;
    followModifiedKeys();
  }

  @Override
  public void beforeSwap(int a, int b) {
    // Redis does not invalidate on SWAPDB: the tracking table knows keys by name only
  }

  /**
   * Sends one invalidation for {@code c}'s tracking: {@code keys} null is a flush (a null in {@code c}'s protocol). Goes
   * to the redirect target if there is one (a RESP3 one, or a RESP2 one that subscribed, which gets it as a message on
   * {@code __redis__:invalidate}); a redirect target that is gone is reported to {@code c} if it speaks RESP3.
   */
  private void send(Session c, List<byte[]> keys, boolean flush) {
    Session dest = c;
    boolean redirected = false;
    long redirect = c.tracking.redirect;
    if (redirect != 0) {
      Session r = engine.client(redirect);
      if (r == null || r.closing) {
        c.tracking.brokenRedirect = true;
        if (c.protocol() == 3 && !c.closing) {
          RespWriter w = c.startPush();
          w.push(2);
          w.bulk(REDIR_BROKEN);
          w.integer(redirect);
          c.endPush();
        }
        return;
      }
      dest = r;
      redirected = true;
    }
    if (dest.closing) {
      return;
    }
    boolean resp3 = dest.protocol() == 3;
    if (!resp3 && !(redirected && dest.subscriptions() > 0)) {
      return; // RESP2 has no push messages on the client's own connection
    }
    RespWriter w = dest.startPush();
    if (resp3) {
      w.push(2);
      w.bulk(INVALIDATE);
    } else {
      w.array(3);
      w.bulk(MESSAGE);
      w.bulk(CHANNEL);
    }
    if (flush) {
      w.raw(c.protocol() == 3 ? NULL3 : NULL2);
    } else {
      w.array(keys.size());
      for (byte[] k : keys) {
        w.bulk(k);
      }
    }
    dest.endPush();
  }

  private static final byte[] NULL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

  /** At the end of the event-loop batch: each BCAST prefix's modified keys to its clients (NOLOOP ones without their own). */
  public void broadcast() {
    if (prefixes.isEmpty()) {
      return;
    }
    for (Prefix p : prefixes.values()) {
      if (p.keys.isEmpty()) {
        continue;
      }
      List<byte[]> all = new ArrayList<>(p.keys.size());
      for (ByteKey k : p.keys.keySet()) {
        all.add(k.bytes());
      }
      for (Session c : new ArrayList<>(p.clients)) {
        if (c.closing || c.tracking == null) {
          continue;
        }
        if (c.tracking.noloop) {
          List<byte[]> others = new ArrayList<>();
          for (Map.Entry<ByteKey, Session> en : p.keys.entrySet()) {
            if (en.getValue() != c) {
              others.add(en.getKey().bytes());
            }
          }
          if (!others.isEmpty()) {
            send(c, others, false);
          }
        } else {
          send(c, all, false);
        }
      }
      p.keys.clear();
    }
  }

  /**
   * Keeps the table within {@code tracking-table-max-keys} (0: no limit): invalidates random keys, 100 more each round
   * the table stays over the limit, as Redis does before each command and from the cron.
   */
  public void limitUsedSlots() {
    long max = engine.params().process.trackingTableMaxKeys.value;
    if (table.size() == 0 || max == 0 || table.size() <= max) {
      overLimitRounds = 0;
      return;
    }
    int effort = 100 * (overLimitRounds + 1);
    while (effort-- > 0 && table.size() > 0) {
      TrackedKey k = table.random();
      invalidate(k.key, null, false);
      if (table.size() <= max) {
        overLimitRounds = 0;
        return;
      }
    }
    overLimitRounds++;
  }
}
