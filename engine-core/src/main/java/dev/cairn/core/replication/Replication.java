package dev.cairn.core.replication;

import dev.cairn.core.Engine;
import dev.cairn.core.Propagation;
import dev.cairn.core.config.ReplicationParams;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication, both sides. As a master: the replication stream (the propagation stream's effects to replicas, encoded
 * as RESP with SELECTs, plus the master's PINGs) goes into the {@link Backlog} and to each online replica; replicas
 * attach with SYNC/PSYNC and get a full sync ({@link FullSync}) or the backlog from their offset. As a replica
 * ({@link MasterLink}): the master's stream is applied by the master client and passed on, byte for byte, to this
 * server's own backlog and replicas (chained replication), so offsets agree along the chain.
 *
 * <p>Two replication ids, as Redis's PSYNC2: {@code replId} names the current history, {@code replId2} the one this
 * server followed before a promotion, valid up to {@code secondReplOffset}, so that replicas of the old master can
 * continue partially with the promoted one.
 */
public final class Replication {
  final Engine engine;
  private Backlog backlog;
  /** master_repl_offset while there is no backlog (it stays where it was). */
  private long offset;
  /** second_repl_offset: the last offset (plus one) of replId2's history; -1 when none. */
  long secondReplOffset = -1;
  /** The database the stream last selected (Redis's slaveseldb); -1 forces a SELECT before the next effect. */
  private int selectedDb = -1;
  final List<ReplicaLink> replicas = new ArrayList<>();
  private final ByteBuf encoded = Unpooled.buffer(1024);
  private long noReplicasSinceMillis = System.currentTimeMillis();
  /** The master PINGs its replicas every repl-ping-replica-period counted from its start, as Redis's cron does. */
  private long lastPingMillis = System.currentTimeMillis();
  /** The replica side: the link to our master, null while this server is a master. */
  MasterLink master;
  /** The full sync being streamed, or null. */
  FullSync sync;
  final Waits waits = new Waits(this);
  final Failover failover = new Failover(this);

  public Replication(Engine engine) {
    this.engine = engine;
    engine.rdbCodecs().registerSection(new ReplicationRdbInfo(this));
    engine.propagation().addListener(new Propagation.Listener() {
      @Override
      public void effect(int dbIndex, byte[][] command) {
        feedEffect(dbIndex, command);
      }

      @Override
      public int targets() {
        return Propagation.TARGET_REPLICAS;
      }

      @Override
      public boolean wantsEffects() {
        return master == null && backlog != null; // as feedEffect
      }
    });
  }

  ReplicationParams params() {
    return engine.params().replication;
  }

  private int backlogSize() {
    return (int) Math.min(Integer.MAX_VALUE - 64, params().replBacklogSize.value);
  }

  // ---- what other parts of the server ask

  /** Whether this server is a replica (REPLICAOF host port). */
  public boolean isReplica() {
    return master != null;
  }

  /** master_repl_offset. */
  public long offset() {
    return backlog != null ? backlog.offset() : offset;
  }

  /**
   * A replica receiving its full sync's RDB with {@code repl-diskless-load} (on-empty-db, or swapdb for another
   * history): INFO loading:1 and commands without the loading flag get LOADING, as while Redis parses the socket.
   */
  public boolean syncLoading() {
    return loadState == 1;
  }

  /**
   * {@code repl-diskless-load swapdb} for a full sync of the same history (the master's id is ours): the old dataset
   * serves reads until the new one replaces it (INFO async_loading:1; commands flagged no-async-loading get LOADING).
   */
  public boolean asyncLoading() {
    return loadState == 2;
  }

  /** 0: no diskless load; 1: loading; 2: async loading (set on the engine thread by the link). */
  int loadState;

  /** Whether the replica's link to its master is up. */
  public boolean masterLinkUp() {
    return master != null && master.linkUp();
  }

  /** The client applying the master's stream, or null (it sees logically expired keys, as Redis's master client). */
  public Session masterClient() {
    return master == null ? null : master.client();
  }

  /** Replicas whose last ACK is within min-replicas-max-lag (Redis's repl_good_slaves_count). */
  public int goodReplicas() {
    long now = System.currentTimeMillis();
    long maxLag = params().minReplicasMaxLag.value * 1000;
    int n = 0;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE && now - r.ackMillis <= maxLag) {
        n++;
      }
    }
    return n;
  }

  /** Online replicas whose AOF holds (fsynced) the stream up to {@code offset} (WAITAOF's numreplicas). */
  public int replicasAofAcked(long offset) {
    int n = 0;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE && r.aofAckOffset >= offset) {
        n++;
      }
    }
    return n;
  }

  /** Blocks {@code s} (already blocked by the caller) until {@code ready}; then {@code reply} answers it. */
  public void waitFor(Session s, java.util.function.BooleanSupplier ready,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> reply) {
    waits.add(new Waits.Waiter(s, ready, reply));
  }

  /** A waiting client's condition may hold now (an ACK, an AOF fsync). */
  public void checkWaits() {
    waits.acked();
  }

  /** A blocked WAIT/WAITAOF that ended otherwise (timeout). */
  public void forgetWait(Session s) {
    waits.forget(s);
  }

  /** Online replicas whose acknowledged offset reached {@code offset} (WAIT). */
  int replicasAcked(long offset) {
    int n = 0;
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.ONLINE && r.ackOffset >= offset) {
        n++;
      }
    }
    return n;
  }

  ReplicaLink link(Session s) {
    for (ReplicaLink r : replicas) {
      if (r.session == s) {
        return r;
      }
    }
    return null;
  }

  /** Whether {@code s} is a replica of this server (CLIENT LIST flag S, client type slave). */
  public boolean isReplicaClient(Session s) {
    return s.replica;
  }

  static final dev.cairn.api.reply.RedisException READONLY = dev.cairn.api.reply.RedisException.of("READONLY",
      "You can't write against a read only replica.");
  static final dev.cairn.api.reply.RedisException MASTERDOWN = dev.cairn.api.reply.RedisException.of("MASTERDOWN",
      "Link with MASTER is down and replica-serve-stale-data is set to 'no'.");

  /**
   * Why a client's command is refused on a replica, or null: writes on a read-only replica, and, with
   * replica-serve-stale-data no while the link is down, anything not flagged stale.
   */
  public dev.cairn.api.reply.RedisException refuse(boolean notStale, boolean isWrite) {
    if (master == null) {
      return null;
    }
    if (isWrite && params().readOnly.value) {
      return READONLY;
    }
    if (!params().serveStaleData.value && !master.linkUp() && notStale) {
      return MASTERDOWN;
    }
    return null;
  }

  // ---- the stream

  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

  /** An effect of this server's own commands: into the stream when it is a master with replicas or a backlog. */
  void feedEffect(int dbIndex, byte[][] command) {
    if (master != null || backlog == null) {
      return; // a replica's stream is its master's; a master without a backlog has nobody to tell
    }
    encoded.clear();
    if (dbIndex >= 0 && dbIndex != selectedDb) {
      encode(encoded, SELECT, Integer.toString(dbIndex).getBytes(StandardCharsets.US_ASCII));
      selectedDb = dbIndex;
    }
    encode(encoded, command);
    feed(encoded, encoded.readerIndex(), encoded.readableBytes());
    Session writer = engine.dispatcher().executing();
    if (writer != null) {
      writer.replOffset = offset();
    }
  }

  /**
   * Stream bytes: into the shared replication buffer, once. Online replicas get their slices of it at the end of the
   * batch ({@link #sendPending}); those waiting for their RDB keep their place in it.
   */
  void feed(ByteBuf src, int from, int len) {
    if (backlog == null) {
      createBacklog();
    }
    backlog.append(src, from, len);
    for (int i = 0; i < replicas.size(); i++) {
      ReplicaLink r = replicas.get(i);
      if (r.waitingForRdb) {
        long hard = engine.params().clientOutputBufferLimit.hard(dev.cairn.core.connection.ClientType.REPLICA);
        if (hard > 0 && !r.session.closing
            && backlog.bytesFrom(r.sendFrom) > Math.max(hard, params().replBacklogSize.value)) {
          // what waits for the end of its sync counts against the replica's limit, as Redis's output buffer does
          // (a limit below repl-backlog-size counts as that size: the replica shares the backlog's blocks)
          Log.log(Log.Level.WARNING, "Client for replica " + r.ip() + ":" + r.listeningPort
              + " scheduled to be closed ASAP for overcoming of output buffer limits.");
          engine.stats().clientOutputBufferLimitDisconnections++;
          r.session.connection.closeNow();
        }
      } else if (r.state == ReplicaLink.State.ONLINE && !streamPending) {
        streamPending = true;
        engine.scheduleBatchEnd();
      }
    }
  }

  /** Online replicas have stream bytes not yet queued on their sockets. */
  private boolean streamPending;

  /**
   * At the end of a batch (before replies are flushed): each online replica gets the stream it has not had yet, as
   * slices of the shared blocks, and the client-output-buffer-limit is checked on what its socket holds.
   */
  public void sendPending() {
    if (!streamPending) {
      return;
    }
    streamPending = false;
    for (int i = 0; i < replicas.size(); i++) {
      ReplicaLink r = replicas.get(i);
      if (r.state == ReplicaLink.State.ONLINE && !r.waitingForRdb) {
        startStream(r);
      }
    }
    trimBacklog();
  }

  /** Queues the stream from the replica's place to the end on its socket. */
  void startStream(ReplicaLink r) {
    if (r.session.closing || backlog == null || r.sendFrom > backlog.offset()) {
      return;
    }
    backlog.sendFrom(r.sendFrom, r.session.connection);
    r.sendFrom = backlog.offset() + 1;
    engine.flushLater(r.session);
    r.session.connection.enforceOutputLimit(); // client-output-buffer-limit replica: a stuck replica is dropped
  }

  /** Drops what the backlog need not keep: beyond its size and wanted by no replica (nor by a sync's late joiners). */
  void trimBacklog() {
    if (backlog == null) {
      return;
    }
    long keep = sync != null ? sync.offset() + 1 : Long.MAX_VALUE;
    for (int i = 0; i < replicas.size(); i++) {
      ReplicaLink r = replicas.get(i);
      if (r.waitingForRdb || r.state == ReplicaLink.State.ONLINE) {
        keep = Math.min(keep, r.sendFrom);
      }
    }
    backlog.trim(keep);
  }

  /** The stream this server's master sent (applied already): passed on unchanged. */
  void feedFromMaster(byte[] raw, int from, int len) {
    feed(Unpooled.wrappedBuffer(raw, from, len), 0, len);
  }

  static void encode(ByteBuf out, byte[]... args) {
    out.writeByte('*');
    writeNumber(out, args.length);
    for (byte[] a : args) {
      out.writeByte('$');
      writeNumber(out, a.length);
      out.writeBytes(a);
      out.writeByte('\r').writeByte('\n');
    }
  }

  private static void writeNumber(ByteBuf out, long n) {
    out.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
  }

  /** A new replication history starts here (first replica of a master with no backlog, FLUSHALL is not one). */
  void createBacklog() {
    newBacklog(offset());
  }

  /** The backlog starts again after {@code at} (the old one's blocks are freed once no socket holds them). */
  private void newBacklog(long at) {
    if (backlog != null) {
      backlog.release();
    }
    backlog = new Backlog(backlogSize(), at);
  }

  boolean hasBacklog() {
    return backlog != null;
  }

  Backlog backlog() {
    return backlog;
  }

  /** The next effect is preceded by a SELECT (a full sync starts: the replica's database is 0 after its load). */
  void forceSelect() {
    selectedDb = -1;
  }

  /** A replica after a full sync: its history is the master's from {@code masterOffset} on. */
  void resetHistory(String replId, long masterOffset) {
    engine.replId = replId;
    engine.replId2 = "0".repeat(40);
    secondReplOffset = -1;
    offset = masterOffset;
    newBacklog(masterOffset);
  }

  /**
   * Starts a new history (a promotion, or a master that takes a new one): the old id becomes replId2, valid up to the
   * current offset, so replicas that followed it can continue (PSYNC2).
   */
  void shiftReplicationId() {
    engine.replId2 = engine.replId;
    secondReplOffset = offset() + 1;
    engine.replId = Engine.randomHex(40);
    Log.log(Log.Level.NOTICE, "Setting secondary replication ID to " + engine.replId2 + ", valid up to offset: " + secondReplOffset
        + ". New replication ID is " + engine.replId);
  }

  /** A new id with no past (DEBUG CHANGE-REPL-ID, a first backlog). */
  void changeReplicationId() {
    engine.replId = Engine.randomHex(40);
    engine.replId2 = "0".repeat(40);
    secondReplOffset = -1;
  }

  // ---- replicas coming and going

  /** How many replicas are connected (INFO's connected_clients leaves them out, as Redis does). */
  public int replicaLinkCount() {
    return replicas.size();
  }

  /** Replicas (all states), for INFO. */
  List<ReplicaLink> replicaLinks() {
    return replicas;
  }

  /** A replica's connection closed (or was closed). */
  public void disconnected(Session s) {
    if (s.replica) {
      ReplicaLink r = link(s);
      if (r != null) {
        replicas.remove(r);
        if (sync != null) {
          sync.replicaGone(r);
        }
        trimBacklog();
        Log.log(Log.Level.NOTICE, "Connection with replica " + r.ip() + ":" + r.listeningPort + " lost.");
        if (replicas.isEmpty()) {
          noReplicasSinceMillis = System.currentTimeMillis();
        }
      }
    }
    if (master != null && s == master.client()) {
      master.clientClosed();
    }
    waits.forget(s);
  }

  void added(ReplicaLink r) {
    replicas.add(r);
  }

  /** Closes every replica's connection (they reconnect and resync: a new history, a full sync of ours). */
  void disconnectReplicas() {
    for (ReplicaLink r : new ArrayList<>(replicas)) {
      r.session.connection.closeNow();
    }
  }

  // ---- a replica attaches (SYNC, PSYNC, REPLCONF)

  /** Links of clients between their first REPLCONF and their SYNC/PSYNC, by client id. */
  private final java.util.Map<Long, ReplicaLink> handshakes = new java.util.HashMap<>();
  long syncFull;
  long syncPartialOk;
  long syncPartialErr;

  /** CONFIG RESETSTAT: the sync counters start again from zero. */
  public void resetStats() {
    syncFull = 0;
    syncPartialOk = 0;
    syncPartialErr = 0;
  }

  /** INFO stats: full syncs served, partial resyncs accepted and refused. */
  public long syncFull() {
    return syncFull;
  }

  public long syncPartialOk() {
    return syncPartialOk;
  }

  public long syncPartialErr() {
    return syncPartialErr;
  }

  /** The link of a client that is handshaking or replicating. */
  ReplicaLink handshake(Session s) {
    ReplicaLink r = link(s);
    if (r == null) {
      r = handshakes.computeIfAbsent(s.id, id -> new ReplicaLink(s));
    }
    return r;
  }

  private void becomeReplica(ReplicaLink r) {
    handshakes.remove(r.session.id);
    r.session.replica = true;
    added(r);
  }

  /**
   * PSYNC replid offset: +CONTINUE and the backlog from {@code psyncOffset} when this server's history (its id, or the
   * id it had before a promotion, up to where that history ended) holds that offset; otherwise false (a full sync).
   */
  boolean tryPartial(ReplicaLink r, String replId, long psyncOffset) {
    boolean known = replId.equalsIgnoreCase(engine.replId)
        || replId.equalsIgnoreCase(engine.replId2) && psyncOffset <= secondReplOffset;
    if (!known || backlog == null || !backlog.covers(psyncOffset)) {
      if (!replId.equals("?")) {
        syncPartialErr++;
        if (!known) {
          Log.log(Log.Level.NOTICE, "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '" + replId
              + "', my replication IDs are '" + engine.replId + "' and '" + engine.replId2 + "')");
        } else {
          Log.log(Log.Level.NOTICE, "Unable to partial resync with replica " + r.ip() + ":" + r.listeningPort
              + " for lack of backlog (Replica request was: " + psyncOffset + ").");
        }
      } else {
        Log.log(Log.Level.NOTICE, "Full resync requested by replica " + r.ip() + ":" + r.listeningPort);
      }
      return false;
    }
    becomeReplica(r);
    r.state = ReplicaLink.State.ONLINE;
    r.ackMillis = System.currentTimeMillis();
    r.ackOffset = psyncOffset - 1;
    ByteBuf out = r.session.writer.buffer();
    out.writeCharSequence(r.capaPsync2 ? "+CONTINUE " + engine.replId + "\r\n" : "+CONTINUE\r\n",
        StandardCharsets.US_ASCII);
    long n = backlog.bytesFrom(psyncOffset);
    r.sendFrom = psyncOffset;
    engine.flushLater(r.session);
    startStream(r);
    syncPartialOk++;
    Log.log(Log.Level.NOTICE, "Partial resynchronization request from " + r.ip() + ":" + r.listeningPort + " accepted. Sending " + n
        + " bytes of backlog starting from offset " + psyncOffset + ".");
    return true;
  }

  /** A full sync for {@code r}: it waits for the next snapshot (see {@link FullSync}). */
  void fullSync(ReplicaLink r) {
    syncFull++;
    becomeReplica(r);
    r.state = ReplicaLink.State.WAIT_BGSAVE_START;
    if (backlog == null && master == null) {
      changeReplicationId(); // a new history: nothing before it can be continued
      createBacklog();
      Log.log(Log.Level.NOTICE, "Replication backlog created, my new replication IDs are '" + engine.replId + "' and '"
          + engine.replId2 + "'");
    }
    FullSync.maybeStart(this, System.currentTimeMillis());
  }

  /** REPLCONF ACK offset from a replica. */
  void ack(Session s, long ackOffset, long aofOffset) {
    ReplicaLink r = link(s);
    if (r == null) {
      return;
    }
    if (ackOffset > r.ackOffset) {
      r.ackOffset = ackOffset;
    }
    if (aofOffset > r.aofAckOffset) {
      r.aofAckOffset = aofOffset;
    }
    r.ackMillis = System.currentTimeMillis();
    if (r.waitingForRdb && r.state == ReplicaLink.State.ONLINE) {
      // a diskless replica loaded its RDB: the stream held since the snapshot follows now, as Redis starts it on ACK
      r.waitingForRdb = false;
      startStream(r);
    }
    waits.acked();
    failover.update(System.currentTimeMillis());
  }

  // ---- REPLICAOF

  /** REPLICAOF host port: drops the current master if any and connects to this one. */
  public void replicaOf(String host, int port, Session by) {
    replicaOf(host, port, by, by == null ? "config" : null);
  }

  /** As {@link #replicaOf(String, int, Session)}; {@code reason} names who asked when no client did. */
  void replicaOf(String host, int port, Session by, String reason) {
    boolean wasMaster = master == null;
    // the stream's database goes on with a partial resync, from the next master too (Redis's cached master keeps it)
    int streamDb = streamDb();
    if (master != null) {
      master.stop();
      streamDb = master.clientDb();
    }
    if (wasMaster && (by != null || "failover".equals(reason))) {
      // our own history is what a partial resync with the new master could continue (not at start-up: nothing yet)
      Log.log(Log.Level.NOTICE, "Before turning into a replica, using my own master parameters to synthesize a cached "
          + "master: I may be able to synchronize with the new master with just a partial transfer.");
      if (backlog == null) {
        createBacklog();
      }
    }
    unblockForRoleChange();
    params().replicaof.value = host + " " + port; // CONFIG GET and CONFIG REWRITE show the current master
    master = new MasterLink(this, host, port);
    master.setClientDb(streamDb);
    params().replicaof.value = host + " " + port; // CONFIG REWRITE writes the master there, as Redis does
    forceSelect();
    Log.log(Log.Level.NOTICE, "Connecting to MASTER " + host + ":" + port);
    Log.log(Log.Level.NOTICE, "REPLICAOF " + host + ":" + port + " enabled (user request from '"
        + (by == null ? reason : "id=" + by.id + " addr=" + by.connection.remoteAddress()) + "')");
    master.start();
    if (wasMaster) {
      engine.roleChanged();
    }
  }

  private static final dev.cairn.api.reply.RedisException UNBLOCKED = dev.cairn.api.reply.RedisException.of(
      "UNBLOCKED", "force unblock from blocking operation, instance state changed (master -> replica?)");

  /** Clients blocked on keys or WAIT get an error when this server becomes a replica (paused ones wait on). */
  private void unblockForRoleChange() {
    for (Session s : new ArrayList<>(engine.clients())) {
      if (engine.blocking().isBlocked(s)) {
        waits.forget(s);
        engine.blocking().release(s, true, r -> r.error(UNBLOCKED));
      }
    }
  }

  /** REPLICAOF NO ONE: this server becomes a master, with a new history that continues the old one. */
  public void replicaOfNoOne(Session by) {
    replicaOfNoOne(by, by == null ? "failover" : "user request from 'id=" + by.id + " addr="
        + by.connection.remoteAddress() + "'");
  }

  /** As {@link #replicaOfNoOne(Session)}, logging {@code why}. */
  void replicaOfNoOne(Session by, String why) {
    if (master == null) {
      return;
    }
    params().replicaof.value = "";
    master.stop();
    master = null;
    params().replicaof.value = "";
    shiftReplicationId();
    disconnectReplicas(); // they must learn the new id; they continue partially with it
    forceSelect();
    noReplicasSinceMillis = System.currentTimeMillis();
    Log.log(Log.Level.NOTICE, "MASTER MODE enabled (" + why + ")");
    engine.roleChanged();
  }

  /**
   * Once the dataset is loaded at start-up: the replication state the RDB file carried is taken up (a replica continues
   * its master's history from there; a master keeps it as its previous id, so its replicas continue partially), then
   * the {@code replicaof} directive's link starts.
   */
  public void startAfterLoad() {
    String v = params().replicaof.value;
    String[] w = v == null || v.isBlank() ? new String[0] : v.trim().split("\\s+");
    boolean replicaOfConfigured = w.length == 2;
    starting = false;
    if (rdbReplId != null && rdbOffset >= 0 && rdbStreamDb >= 0 && replicaOfConfigured) {
      engine.replId = rdbReplId;
      offset = rdbOffset;
      newBacklog(rdbOffset);
    }
    if (replicaOfConfigured) {
      replicaOf(w[0], Integer.parseInt(w[1]), null);
      if (rdbStreamDb >= 0) {
        master.setClientDb(rdbStreamDb);
      }
    }
    rdbReplId = null;
  }

  private String rdbReplId;
  private long rdbOffset = -1;
  private int rdbStreamDb = -1;
  /** Until the start-up load is done. */
  private boolean starting = true;

  /** An AUX field of an RDB being loaded: the replication state (repl-id, repl-offset, repl-stream-db) is kept. */
  public void rdbAux(String key, String value) {
    try {
      switch (key) {
        case "repl-id" -> rdbReplId = value;
        case "repl-offset" -> rdbOffset = Long.parseLong(value.trim());
        case "repl-stream-db" -> rdbStreamDb = Integer.parseInt(value.trim());
        default -> { }
      }
    } catch (NumberFormatException e) {
      // an unusable value: no partial resync from it
    }
    String conf = params().replicaof.value;
    if (starting && backlog == null && rdbReplId != null && rdbOffset >= 0 && rdbStreamDb >= 0
        && (conf == null || conf.isBlank())) {
      // a master restarting: its old history becomes the previous id, and the backlog starts where it ended, before
      // the keys load (those that expired meanwhile go into it as DELs), so its replicas continue partially
      engine.replId2 = rdbReplId;
      secondReplOffset = rdbOffset + 1;
      offset = rdbOffset;
      newBacklog(rdbOffset);
      noReplicasSinceMillis = System.currentTimeMillis();
    }
  }

  private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);

  /** A key the start-up load dropped as expired: its DEL goes into the backlog of a restarting master. */
  public void expiredOnLoad(int db, byte[] key) {
    if (starting && backlog != null && master == null) {
      feedEffect(db, new byte[][] {engine.params().memory.lazyfreeLazyExpire.value ? UNLINK : DEL, key});
    }
  }

  /** The database the stream is in (repl-stream-db): the master client's, or the last one this master selected. */
  int streamDb() {
    if (master != null) {
      return master.clientDb();
    }
    return Math.max(0, selectedDb);
  }

  // ---- ROLE and INFO

  void role(dev.cairn.api.reply.Reply r) {
    if (master == null) {
      r.array(3);
      r.bulk("master");
      r.integer(offset());
      r.array(replicas.size());
      for (ReplicaLink l : replicas) {
        r.array(3);
        r.bulk(l.ip());
        r.bulk(Integer.toString(l.listeningPort));
        r.bulk(Long.toString(l.ackOffset));
      }
      return;
    }
    r.array(5);
    r.bulk("slave");
    r.bulk(master.host);
    r.integer(master.port);
    r.bulk(master.state.role);
    r.integer(master.client() != null ? offset() : -1);
  }

  /** INFO replication, in Redis's order. */
  public void info(java.util.function.BiConsumer<String, Object> f) {
    long now = System.currentTimeMillis();
    if (master == null) {
      f.accept("role", "master");
    } else {
      f.accept("role", "slave");
      f.accept("master_host", master.host);
      f.accept("master_port", master.port);
      boolean up = master.linkUp();
      f.accept("master_link_status", up ? "up" : "down");
      f.accept("master_last_io_seconds_ago", master.client() != null ? (now - master.lastIoMillis) / 1000 : -1);
      boolean syncing = master.state == MasterLink.State.TRANSFER;
      f.accept("master_sync_in_progress", syncing ? 1 : 0);
      f.accept("slave_read_repl_offset", Math.max(master.readOffset, offset()));
      f.accept("slave_repl_offset", offset());
      if (syncing) {
        long total = master.transferSize;
        long read = master.transferRead;
        f.accept("master_sync_total_bytes", total);
        f.accept("master_sync_read_bytes", read);
        f.accept("master_sync_left_bytes", total < 0 ? -1 : total - read);
        f.accept("master_sync_perc", total <= 0 ? "0.00" : String.format(java.util.Locale.ROOT, "%.2f",
            read * 100.0 / total));
        f.accept("master_sync_last_io_seconds_ago", (now - master.transferLastIoMillis) / 1000);
      }
      if (!up) {
        f.accept("master_link_down_since_seconds", (now - master.downSinceMillis) / 1000);
      }
      f.accept("slave_priority", params().priority.value);
      f.accept("slave_read_only", params().readOnly.value ? 1 : 0);
      f.accept("replica_announced", params().announced.value ? 1 : 0);
    }
    f.accept("connected_slaves", replicas.size());
    if (master == null && params().minReplicasToWrite.value > 0 && params().minReplicasMaxLag.value > 0) {
      f.accept("min_slaves_good_slaves", goodReplicas());
    }
    int i = 0;
    for (ReplicaLink l : replicas) {
      f.accept("slave" + i++, "ip=" + l.ip() + ",port=" + l.listeningPort + ",state=" + l.state.info + ",offset="
          + l.ackOffset + ",lag=" + (now - l.ackMillis) / 1000);
    }
    f.accept("master_failover_state", failover.state.info);
    f.accept("master_replid", engine.replId);
    f.accept("master_replid2", engine.replId2);
    f.accept("master_repl_offset", offset());
    f.accept("second_repl_offset", secondReplOffset);
    f.accept("repl_backlog_active", backlog != null ? 1 : 0);
    f.accept("repl_backlog_size", params().replBacklogSize.value);
    f.accept("repl_backlog_first_byte_offset", backlog != null ? backlog.firstByteOffset() : 0);
    f.accept("repl_backlog_histlen", backlog != null ? backlog.histlen() : 0);
  }

  // ---- keys written on a writable replica

  /** Keys with a TTL that clients wrote on this (writable) replica, as "db:key": they expire here, not by the master. */
  private final java.util.Set<String> replicaKeysWithExpire = new java.util.HashSet<>();

  /** After a client's write on a replica: its keys that now have a TTL are remembered (Redis's slaveKeysWithExpire). */
  public void rememberReplicaKeys(Session s, dev.cairn.api.command.CommandSpec spec, dev.cairn.api.command.Args a) {
    byte[][] argv = a.array();
    int db = s.dbIndex();
    dev.cairn.core.command.CommandKeys.forEach(spec, argv, a.size(), (flags, pos) -> {
      dev.cairn.core.keyspace.Entry en = engine.keyspace().db(db).stored(argv[pos]);
      if (en != null && en.expireAt() >= 0) {
        replicaKeysWithExpire.add(db + ":" + new String(argv[pos], StandardCharsets.ISO_8859_1));
      }
    });
  }

  /** Deletes the remembered keys whose time has passed. */
  private void expireReplicaKeys(long now) {
    if (replicaKeysWithExpire.isEmpty()) {
      return;
    }
    for (java.util.Iterator<String> it = replicaKeysWithExpire.iterator(); it.hasNext(); ) {
      String k = it.next();
      int colon = k.indexOf(':');
      dev.cairn.core.keyspace.Db db = engine.keyspace().db(Integer.parseInt(k.substring(0, colon)));
      byte[] key = k.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1);
      dev.cairn.core.keyspace.Entry en = db.stored(key);
      if (en == null || en.expireAt() < 0) {
        it.remove();
      } else if (en.expireAt() < now) {
        db.remove(en);
        engine.events().notify(dev.cairn.api.command.KeyspaceEvents.EXPIRED, "expired", key, db.id());
        engine.keyspace().stats.expiredKeys++;
        it.remove();
      }
    }
  }

  // ---- the cron

  /** Once per cron tick: the master's PINGs, timeouts, the backlog's TTL, full syncs to start, the replica's link. */
  public void cron() {
    long now = System.currentTimeMillis();
    if (backlog != null) {
      backlog.resize(backlogSize()); // CONFIG SET repl-backlog-size
      trimBacklog();
    }
    if (master != null) {
      master.cron(now);
      expireReplicaKeys(now);
    } else {
      replicaKeysWithExpire.clear();
    }
    // the period runs whether or not there are replicas, as Redis's cron counts its loops: a replica that has just
    // connected gets its first PING at the next multiple, not at once (a shutdown finds a new replica in sync with
    // offset 0 and does not wait for its full sync, whose RDB the replica then never loads)
    if (now - lastPingMillis >= params().pingPeriod.value * 1000) {
      lastPingMillis = now;
      if (backlog != null && master == null && !replicas.isEmpty() && !engine.pauses().active()) {
        feedEffect(-1, new byte[][] {PING});
      }
    }
    // replicas waiting for an RDB get newlines, which they skip, so that they do not time out meanwhile
    for (ReplicaLink r : replicas) {
      if (r.state == ReplicaLink.State.WAIT_BGSAVE_START || r.state == ReplicaLink.State.WAIT_BGSAVE_END
          && !(sync != null && sync.diskless())) {
        if (now - r.ackMillis >= 1000 && r.session.writer.buffer().writerIndex() == 0) {
          r.session.writer.buffer().writeByte('\n');
          engine.flushLater(r.session);
        }
      }
    }
    long timeout = params().timeout.value * 1000;
    if (sync != null) {
      sync.cron(now, timeout);
    }
    for (ReplicaLink r : new ArrayList<>(replicas)) {
      if (r.state == ReplicaLink.State.ONLINE && !r.oldSync && now - r.ackMillis > timeout) {
        Log.log(Log.Level.WARNING, "Disconnecting timedout replica (streaming sync): " + r.ip() + ":" + r.listeningPort);
        r.session.connection.closeNow();
      }
    }
    long ttl = params().backlogTtl.value;
    if (backlog != null && master == null && replicas.isEmpty() && ttl > 0
        && now - noReplicasSinceMillis > ttl * 1000) {
      changeReplicationId();
      backlog.release();
      backlog = null;
      Log.log(Log.Level.NOTICE, "Replication backlog freed after " + ttl + " seconds without connected replicas.");
    }
    FullSync.maybeStart(this, now);
    waits.cron();
    failover.update(now);
  }

  static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REPLCONF = "REPLCONF".getBytes(StandardCharsets.US_ASCII);
  static final byte[] GETACK = "GETACK".getBytes(StandardCharsets.US_ASCII);
  static final byte[] STAR = {'*'};

  /** REPLCONF GETACK * into the stream: replicas answer with their offset at once (WAIT, FAILOVER). */
  public void requestAcks() {
    if (backlog != null && master == null && !replicas.isEmpty()) {
      feedEffect(-1, new byte[][] {REPLCONF, GETACK, STAR});
    }
  }

  /** Whether a replica has not acknowledged the whole stream (a shutdown waits for it, up to shutdown-timeout). */
  public boolean replicasLagging() {
    long off = offset();
    for (ReplicaLink r : replicas) {
      if (r.ackOffset != off) {
        return true;
      }
    }
    return false;
  }

  /** At shutdown: which replicas are in sync, as Redis logs it. */
  public void logShutdownSync() {
    if (replicas.isEmpty()) {
      return;
    }
    long off = offset();
    int lagging = 0;
    long now = System.currentTimeMillis();
    for (ReplicaLink r : replicas) {
      if (r.ackOffset != off) {
        lagging++;
        long lag = r.state == ReplicaLink.State.ONLINE ? (now - r.ackMillis) / 1000 : 0;
        Log.log(Log.Level.NOTICE, "Lagging replica " + r.ip() + ":" + r.listeningPort + " reported offset "
            + (off - r.ackOffset) + " behind master, lag=" + lag + ", state=" + r.state.info + ".");
      }
    }
    Log.log(Log.Level.NOTICE, (replicas.size() - lagging) + " of " + replicas.size()
        + " replicas are in sync when shutting down.");
  }

  /** INFO memory: the shared replication buffer's blocks (the backlog and every replica's pending stream). */
  public long backlogMemory() {
    return backlog == null ? 0 : backlog.memory();
  }

  /** INFO memory: what replicas' connections hold unsent (slices of the shared blocks included). */
  public long replicaOutputMemory() {
    long n = 0;
    for (ReplicaLink r : replicas) {
      n += r.session.connection.pendingOutputBytes();
    }
    return n;
  }

  /** Shutdown: replicas get what is buffered for them (Redis waits up to shutdown-timeout for their ACKs). */
  public void beforeShutdown() {
    if (master != null) {
      master.stop();
    }
  }

  /**
   * The server is closing and its clients are gone: the backlog's blocks are freed (direct memory, which only a
   * release returns; an embedding JVM may start and close many servers).
   */
  public void releaseBacklog() {
    if (backlog != null) {
      offset = backlog.offset();
      backlog.release();
      backlog = null;
    }
  }
}
