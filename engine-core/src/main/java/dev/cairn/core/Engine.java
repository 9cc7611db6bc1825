package dev.cairn.core;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.Flag;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandTable;
import dev.cairn.core.command.Dispatcher;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.ClientPauses;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.keyspace.ActiveExpiry;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.rdb.DumpPayload;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.resp.RespWriter;
import dev.cairn.core.server.ServerStats;
import dev.cairn.core.server.SlowLog;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's state and the services shared by all commands: keyspace, command table, configuration, clients,
 * statistics, the cron. Everything here is touched only on the engine thread.
 */
public final class Engine {
  /** Cairn's own version; INFO reports it beside the Redis version whose behaviour Cairn matches. */
  public static final String CAIRN_VERSION = "0.1.0";
  /** The Redis release whose behaviour Cairn matches; client libraries check features against it. */
  public static final String REDIS_VERSION = "7.2.4";

  private final Config config;
  private final ServerParams params;
  private final Keyspace keyspace;
  private final CommandTable commands = new CommandTable();
  private final Dispatcher dispatcher = new Dispatcher(this);
  private dev.cairn.core.acl.Acl acl;
  private final ServerStats stats = new ServerStats();
  private final SlowLog slowLog = new SlowLog();
  private final dev.cairn.core.server.LatencyMonitor latency = new dev.cairn.core.server.LatencyMonitor();
  private final KeyspaceEventsHub events = new KeyspaceEventsHub();
  private final Propagation propagation = new Propagation();
  private final ClientPauses pauses = new ClientPauses();
  private final dev.cairn.core.generic.MigrateSockets migrateSockets = new dev.cairn.core.generic.MigrateSockets();
  private final dev.cairn.core.server.EventLoopStats eventLoopStats = new dev.cairn.core.server.EventLoopStats();
  private final dev.cairn.core.connection.ReplyBuffers replyBuffers = new dev.cairn.core.connection.ReplyBuffers();
  private final dev.cairn.core.module.ModuleManager modules;
  private final ActiveExpiry activeExpiry;
  private final dev.cairn.core.type.hash.HashFieldExpiryCycle hashFieldExpiry;
  private final dev.cairn.core.blocking.Blocking blocking;
  private final dev.cairn.core.multi.Transactions transactions;
  private final dev.cairn.core.pubsub.PubSub pubsub = new dev.cairn.core.pubsub.PubSub();
  private final dev.cairn.core.tracking.Tracking tracking;
  /** Clients with output produced outside their own commands, flushed at the end of the event-loop batch. */
  private final List<Session> toFlush = new ArrayList<>();
  /** Clients the server closed in this batch, forgotten at its end (Redis's clients_to_close). */
  private final List<Session> toForget = new ArrayList<>();
  private boolean batchEndScheduled;
  private final dev.cairn.core.script.Scripting scripting;
  private final RdbCodecs rdbCodecs = RdbCodecs.withBuiltins();
  private final DumpPayload dumpPayload;
  private final dev.cairn.core.aof.Aof aof;
  private final dev.cairn.core.persistence.Persistence persistence;
  private final dev.cairn.core.replication.Replication replication;
  private final dev.cairn.core.server.DatasetDigest digests = new dev.cairn.core.server.DatasetDigest();
  private final Map<Long, Session> clients = new LinkedHashMap<>();
  private final List<Session> monitors = new ArrayList<>();
  private long nextClientId = 1;
  private EngineLoop loop;
  private Runnable shutdownHook = () -> { };
  private final dev.cairn.core.server.Shutdown shutdown = new dev.cairn.core.server.Shutdown(this);
  private final dev.cairn.core.server.OomScoreAdj oomScoreAdj;
  private final dev.cairn.core.memory.UsedMemory usedMemory;
  private final dev.cairn.core.memory.LazyFree lazyFree = new dev.cairn.core.memory.LazyFree();
  private final dev.cairn.core.memory.Eviction eviction;
  private final dev.cairn.core.memory.ClientEviction clientEviction;
  /** The cluster state with {@code cluster-enabled yes}, else null (see dev.cairn.core.cluster). */
  private final dev.cairn.core.cluster.Cluster cluster;
  private final dev.cairn.core.cluster.ClusterRouting clusterRouting;
  public final long runIdSeed = System.nanoTime();
  /** INFO multiplexing_api: the network transport the server runs on (epoll, nio). */
  public String transport = "nio";
  /** INFO tcp_port: the port actually listened on. */
  public int listeningPort;
  /** The TLS port listened on (0: none); a replica announces it to its master under tls-replication. */
  public volatile int tlsPort;
  /** TLS for outgoing connections, set by the server while TLS is configured (null: none). */
  public volatile dev.cairn.core.connection.TlsSockets tls;
  /** INFO run_id: 40 random hex characters, new each start. */
  public final String runId = randomHex(40);
  /** INFO master_replid; DEBUG CHANGE-REPL-ID draws a new one. */
  public String replId = randomHex(40);
  /** INFO master_replid2: the previous replication id, all zeros when none. */
  public String replId2 = "0".repeat(40);

  /** {@code n} random lower-case hex characters. */
  public static String randomHex(int n) {
    return dev.cairn.core.util.Urandom.hex(n);
  }

  public Engine(Config config, ServerParams params, CommandFamily... families) {
    this.config = config;
    this.params = params;
    this.modules = new dev.cairn.core.module.ModuleManager(this);
    this.keyspace = new Keyspace((int) params.databases.value);
    this.activeExpiry = new ActiveExpiry(keyspace);
    this.hashFieldExpiry = new dev.cairn.core.type.hash.HashFieldExpiryCycle(this);
    rdbCodecs.register(new dev.cairn.core.type.hash.HashRdbCodec(
        () -> (int) Math.min(Integer.MAX_VALUE, params.memory.hashMaxListpackEntries.value),
        () -> (int) Math.min(Integer.MAX_VALUE, params.memory.hashMaxListpackValue.value)),
        dev.cairn.core.type.hash.HashRdbCodec.TYPES);
    this.blocking = new dev.cairn.core.blocking.Blocking(this);
    // WATCH before tracking, as Redis's signalModifiedKey touches watched keys first
    this.transactions = new dev.cairn.core.multi.Transactions(this);
    this.tracking = new dev.cairn.core.tracking.Tracking(this);
    events.setNotifier(new dev.cairn.core.pubsub.KeyspaceNotifier(pubsub, params.notifyKeyspaceEvents));
    this.scripting = new dev.cairn.core.script.Scripting(this);
    this.oomScoreAdj = new dev.cairn.core.server.OomScoreAdj(params.memory,
        () -> replication() != null && replication().isReplica());
    this.usedMemory = new dev.cairn.core.memory.UsedMemory(this);
    this.eviction = new dev.cairn.core.memory.Eviction(this, usedMemory);
    this.clientEviction = new dev.cairn.core.memory.ClientEviction(this, usedMemory);
    params.memory.maxmemory.onApply(() -> {
      eviction.maxmemoryChanged();
      heapSoftMax();
    });
    this.aof = new dev.cairn.core.aof.Aof(this);
    keyspace.setExpiryListener(this::keyExpired);
    // a paused server deletes nothing (replicas must see no DEL meanwhile); a replica never does: its master decides
    keyspace.setExpiryPaused(this::expiryPaused);
    keyspace.setMissListener(new Keyspace.MissListener() {
      @Override
      public void missed(Db db, byte[] key) {
        events.notify(KeyspaceEvents.KEY_MISS, "keymiss", key, db.id());
      }

      @Override
      public boolean listening() {
        return events.wants(KeyspaceEvents.KEY_MISS);
      }
    });
    keyspace.setNewKeyListener((db, key) -> events.notify(KeyspaceEvents.NEW, "new", key, db.id()));
    params.memory.maxmemoryPolicy.listen(policy -> keyspace.setLfuPolicy(policy.endsWith("-lfu")));
    keyspace.setLfuSettings(() -> params.memory.lfuLogFactor.value, () -> params.memory.lfuDecayTime.value);
    commands.registerAll(families);
    for (String[] r : params.renameCommands) {
      try {
        commands.rename(r[0], r[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("*** FATAL CONFIG FILE ERROR ***\nrename-command " + r[0] + " " + r[1] + "\n"
            + e.getMessage());
      }
    }
    this.acl = new dev.cairn.core.acl.Acl(this);
    acl.loadAtStart(params.users);
    rdbCodecs.register(new dev.cairn.core.type.set.SetRdbCodec(
        () -> dev.cairn.core.type.set.SetCommands.limits(params)), dev.cairn.core.type.set.SetRdbCodec.typeBytes());
    rdbCodecs.register(new dev.cairn.core.type.zset.ZSetRdbCodec(
        () -> dev.cairn.core.type.zset.ZSetCommands.limits(params)), dev.cairn.core.type.zset.ZSetRdbCodec.typeBytes());
    rdbCodecs.register(new dev.cairn.core.type.stream.StreamRdbCodec(),
        dev.cairn.core.type.stream.StreamRdbCodec.TYPES);
    digests.register(new dev.cairn.core.type.stream.StreamDigest());
    rdbCodecs.register(new dev.cairn.core.module.ModuleRdbCodec(modules.types()),
        dev.cairn.core.rdb.RdbCodecs.TYPE_MODULE_2);
    rdbCodecs.registerSection(new dev.cairn.core.module.ModuleAuxSection(modules));
    // a hash with field TTLs needs Redis 7.4's encoding, so a file holding one says RDB version 12
    rdbCodecs.registerVersionProbe(ks -> {
      for (int i = 0; i < ks.databases(); i++) {
        if (ks.db(i).anyExpiringParts()) {
          return dev.cairn.core.rdb.RdbFormat.VERSION_7_4;
        }
      }
      return dev.cairn.core.rdb.RdbFormat.MIN_WRITE_VERSION;
    });
    this.persistence = new dev.cairn.core.persistence.Persistence(this);
    this.replication = new dev.cairn.core.replication.Replication(this);
    // a BGSAVE holds rewrites back; a rewrite is itself Persistence's job of type AOF
    aof.setOtherBackgroundJob(() -> persistence.activeJob() == dev.cairn.core.persistence.Persistence.JobType.RDB);
    aof.setRdbSupport(new dev.cairn.core.persistence.AofRdbSupport(this));
    this.dumpPayload = new DumpPayload(rdbCodecs, () -> (int) params.persistence.rdbVersion.value,
        () -> persistence.loader().skipChecksumValidation);
    if (params.cluster.enabled.value) {
      cluster = new dev.cairn.core.cluster.Cluster(this);
      clusterRouting = new dev.cairn.core.cluster.ClusterRouting(cluster);
      try {
        cluster.init();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    } else {
      cluster = null;
      clusterRouting = null;
    }
  }

  /** The cluster state, or null when cluster mode is off. */
  public dev.cairn.core.cluster.Cluster cluster() {
    return cluster;
  }

  /** The slot check of dispatch, or null when cluster mode is off. */
  public dev.cairn.core.cluster.ClusterRouting clusterRouting() {
    return clusterRouting;
  }

  /** DEBUG DIGEST and DIGEST-VALUE (a data type outside the core registers its digest here). */
  public dev.cairn.core.server.DatasetDigest digests() {
    return digests;
  }

  /** Both sides of replication: the stream to replicas, and the link to this server's master. */
  public dev.cairn.core.replication.Replication replication() {
    return replication;
  }

  /** SAVE, BGSAVE, save points, snapshots, loading. */
  public dev.cairn.core.persistence.Persistence persistence() {
    return persistence;
  }

  private static final byte[] DEL = {'D', 'E', 'L'};

  /**
   * A key removed because its time passed (on lookup or by the active cycle): the "expired" event, WATCH, and a DEL to
   * replicas and the AOF, which never expire keys themselves. Inside a command this runs before the command's own
   * effect is propagated, so the DEL comes first, as in Redis.
   */
  private void keyExpired(Db db, byte[] key) {
    events.notify(KeyspaceEvents.EXPIRED, "expired", key, db.id());
    events.keyModifiedByServer(db.id(), key);
    propagation.emit(db.id(), new byte[][] {DEL, key});
  }

  /** The codecs of every data type's RDB serialization. */
  public RdbCodecs rdbCodecs() {
    return rdbCodecs;
  }

  private boolean expiryPaused() {
    return pauses.active() || replication.isReplica();
  }

  /** DUMP/RESTORE payloads. */
  public DumpPayload dumpPayload() {
    return dumpPayload;
  }

  public Config config() {
    return config;
  }

  public ServerParams params() {
    return params;
  }

  public Keyspace keyspace() {
    return keyspace;
  }

  public CommandTable commands() {
    return commands;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public ServerStats stats() {
    return stats;
  }

  public SlowLog slowLog() {
    return slowLog;
  }

  public dev.cairn.core.server.LatencyMonitor latency() {
    return latency;
  }

  public KeyspaceEventsHub events() {
    return events;
  }

  public Propagation propagation() {
    return propagation;
  }

  /** The append only file. */
  public dev.cairn.core.aof.Aof aof() {
    return aof;
  }

  /**
   * The server listens but has not loaded its dataset yet: commands get LOADING, as during the load itself. Redis serves
   * no client before its load starts (one thread does both); here the event loop may read a socket between start-up
   * tasks, and an empty dataset must not answer for the one about to be loaded.
   */
  private volatile boolean startingUp;

  public boolean startingUp() {
    return startingUp;
  }

  public void setStartingUp(boolean on) {
    startingUp = on;
  }

  private Session loadingClient;

  /** The client with no connection that replays files at load time (Redis's fake client); not in CLIENT LIST. */
  public Session loadingClient() {
    if (loadingClient == null) {
      loadingClient = new Session(this, Long.MAX_VALUE, dev.cairn.core.connection.Connection.NONE,
          new RespWriter(io.netty.buffer.Unpooled.buffer()));
      loadingClient.mustObey = true;
    }
    loadingClient.select(0);
    return loadingClient;
  }

  // ---- replies wait for the AOF

  private final java.util.Set<dev.cairn.core.connection.Connection> deferredFlushes = new java.util.LinkedHashSet<>();
  private boolean flushTaskQueued;
  private boolean releasingFlushes;

  /**
   * Whether a connection must hold its replies until the AOF has written (and with appendfsync always, fsynced) the
   * effects of this event-loop round; if so the connection is flushed by a task that runs once after the round's
   * reads, as Redis writes the AOF in beforeSleep: one write and one fsync for every client served in the round.
   */
  public boolean deferFlush(dev.cairn.core.connection.Connection c) {
    if (releasingFlushes || loop == null || !aof.mustWriteBeforeReplies()) {
      return false;
    }
    deferredFlushes.add(c);
    if (!flushTaskQueued && loop != null) {
      flushTaskQueued = true;
      loop.execute(this::flushDeferred);
    }
    return true;
  }

  private void flushDeferred() {
    flushTaskQueued = false;
    aof.beforeReplies();
    List<dev.cairn.core.connection.Connection> list = new ArrayList<>(deferredFlushes);
    deferredFlushes.clear();
    // replies go out even if the write failed (then logged, and writes are refused with MISCONF), as in Redis
    releasingFlushes = true;
    try {
      for (dev.cairn.core.connection.Connection c : list) {
        c.flush();
      }
    } finally {
      releasingFlushes = false;
    }
  }

  /** Loaded modules, their types and hooks. */
  public dev.cairn.core.module.ModuleManager modules() {
    return modules;
  }

  /** Tells modules about a server event (flush, swapdb, shutdown). */
  public void serverEvent(dev.cairn.api.ServerEvent.Kind kind, int db, int otherDb) {
    modules.fireServerEvent(new dev.cairn.api.ServerEvent(kind, db, otherDb));
  }

  public ClientPauses pauses() {
    return pauses;
  }

  /** EVAL scripts, function libraries, and the script running now. */
  public dev.cairn.core.script.Scripting scripting() {
    return scripting;
  }

  public dev.cairn.core.blocking.Blocking blocking() {
    return blocking;
  }

  /**
   * Evicts what the maxmemory policy allows (see {@code memory.Eviction}); returns whether memory is still over
   * {@code maxmemory}, so that commands that may use more memory must be refused (noeviction, or nothing left to evict).
   */
  public boolean overMaxmemory() {
    return params.memory.maxmemory.value > 0 && eviction.perform() == dev.cairn.core.memory.Eviction.FAIL;
  }

  /** used_memory as Cairn accounts it (the keys, clients, replication buffers, scripts). */
  public dev.cairn.core.memory.UsedMemory usedMemory() {
    return usedMemory;
  }

  /** UNLINK's and asynchronous flushes' released objects, until the collector reclaims them (INFO's lazyfree fields). */
  public dev.cairn.core.memory.LazyFree lazyFree() {
    return lazyFree;
  }

  public dev.cairn.core.memory.Eviction eviction() {
    return eviction;
  }

  public dev.cairn.core.memory.ClientEviction clientEviction() {
    return clientEviction;
  }

  /** MULTI/EXEC and WATCH. */
  public dev.cairn.core.multi.Transactions transactions() {
    return transactions;
  }

  /** Pub/sub subscriptions and publishing (keyspace notifications publish through it too). */
  public dev.cairn.core.pubsub.PubSub pubsub() {
    return pubsub;
  }

  /** Client-side caching (CLIENT TRACKING). */
  public dev.cairn.core.tracking.Tracking tracking() {
    return tracking;
  }

  /**
   * Flushes {@code s}'s output at the end of the event-loop batch: messages published to it, invalidations. Many such
   * writes in one batch (a burst of PUBLISH) then leave in one socket write.
   */
  public void flushLater(Session s) {
    if (!s.flushQueued) {
      s.flushQueued = true;
      toFlush.add(s);
      scheduleBatchEnd();
    }
  }

  /**
   * Forgets {@code s}, whose connection the server is closing, at the end of this batch, as Redis frees a client closed
   * with freeClientAsync in beforeSleep: from the next batch on CLIENT LIST, INFO clients and maxmemory-clients no
   * longer see it, however long its channel takes to report itself closed (io_uring closes a channel only once the
   * kernel has cancelled its send, and a send to a client that does not read stays in flight until then).
   */
  public void disconnectLater(Session s) {
    toForget.add(s);
    scheduleBatchEnd();
  }

  /** Asks for {@link #batchEnd} to run once the engine thread has handled the I/O it is handling now. */
  public void scheduleBatchEnd() {
    if (!batchEndScheduled && loop != null) {
      batchEndScheduled = true;
      loop.execute(this::batchEnd);
    }
  }

  /** Runs {@link #batchEnd} now if one is scheduled (the queued task then finds nothing left to do). */
  public void batchEndNow() {
    if (batchEndScheduled) {
      batchEnd();
    }
  }

  /**
   * The end of an event-loop batch (Redis's beforeSleep): broadcasts the BCAST invalidations collected, then writes the
   * output of every client that got some outside its own commands. Tests without an event loop call it themselves.
   */
  public void batchEnd() {
    batchEndScheduled = false;
    tracking.broadcast();
    replication.sendPending(); // the replicas' stream of this batch, before the flushes below
    for (int i = 0; i < toFlush.size(); i++) {
      Session s = toFlush.get(i);
      s.flushQueued = false;
      if (!s.closing) {
        s.connection.flush();
      }
    }
    toFlush.clear();
    for (int i = 0; i < toForget.size(); i++) {
      Session s = toForget.get(i);
      if (clients.get(s.id) == s) {
        disconnect(s);
      }
    }
    toForget.clear();
  }

  public EngineLoop loop() {
    return loop;
  }

  /** The replica role began or ended: the OOM score follows it (oom-score-adj-values' second value for a replica). */
  public void roleChanged() {
    try {
      oomScoreAdj.apply();
    } catch (dev.cairn.core.config.ConfigException e) {
      // logged; the score stays as it was, as Redis's setOOMScoreAdj leaves it
    }
  }

  /** The JVM's heap follows maxmemory (memory.HeapSoftMax): at start and on CONFIG SET maxmemory. */
  private void heapSoftMax() {
    var soft = dev.cairn.core.memory.HeapSoftMax.get();
    if (soft != null) {
      soft.apply(params.memory.maxmemory.value);
    }
  }

  /** Attaches the engine thread and starts the cron ({@code hz} times a second). */
  public void start(EngineLoop engineLoop) {
    this.loop = engineLoop;
    stats.startupMemory = usedMemory.total();
    heapSoftMax();
    dev.cairn.core.memory.IdleCycle.watchThisJvm();
    try {
      oomScoreAdj.apply();
    } catch (dev.cairn.core.config.ConfigException e) {
      // logged; the server runs with the score it has, as Redis does
    }
    scheduleCron();
  }

  private AutoCloseable cronHandle;
  private int cronHz;

  private void scheduleCron() {
    cronHz = params.effectiveHz();
    cronHandle = loop.scheduleAtFixedRate(this::cron, 1000 / cronHz, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** DEBUG PAUSE-CRON: while set, the periodic work does not run (tests use it to hold expiry and rehashing). */
  public boolean cronPaused;

  /** MIGRATE's cached connections. */
  public dev.cairn.core.generic.MigrateSockets migrateSockets() {
    return migrateSockets;
  }

  /** The clients' reply buffer sizing (the cron's resizing, DEBUG REPLYBUFFER, INFO's counts). */
  public dev.cairn.core.connection.ReplyBuffers replyBuffers() {
    return replyBuffers;
  }

  /** INFO's eventloop_* figures. */
  public dev.cairn.core.server.EventLoopStats eventLoopStats() {
    return eventLoopStats;
  }

  /** Periodic work: active expiry, incremental rehashing, client timeouts and pauses. */
  void cron() {
    // a paused busy script keeps the dataset as it left it: no expiry until it ends, as Redis runs no cron meanwhile
    if (cronPaused || scripting.busy() || scripting.debugging() != null) {
      return;
    }
    long start = System.nanoTime();
    cronWork();
    eventLoopStats.cron(System.nanoTime() - start, System.currentTimeMillis());
  }

  private void cronWork() {
    shutdown.cron();
    long now = System.currentTimeMillis();
    keyspace.syncWallClock();
    keyspace.updateTime();
    int hz = params.effectiveHz();
    // a quarter of each tick at most goes to expiry (more at a higher active-expire-effort), as Redis's
    activeExpiry.run(hz, (int) params.memory.activeExpireEffort.value);
    hashFieldExpiry.run(250_000_000L / hz / 4); // hash fields with a TTL: a slice of the same budget
    for (int i = 0; i < keyspace.databases(); i++) {
      keyspace.db(i).rehash(100);
    }
    pauses.tick();
    // the table may be over a limit lowered by CONFIG SET while no command runs
    tracking.limitUsedSlots();
    migrateSockets.closeIdle(now);
    aof.cron();
    persistence.cron();
    replication.cron();
    if (cluster != null) {
      cluster.cron();
    }
    stats.instantaneous.track(now, stats.totalCommandsProcessed, stats.netInputBytes, stats.netOutputBytes);
    usedMemory.refreshClients();
    clientEviction.evict();
    stats.notePeakMemory(usedMemory.total());
    replyBuffers.cron(clients.values(), hz, now);
    long timeout = params.timeout.value;
    if (timeout > 0) {
      for (Session s : new ArrayList<>(clients.values())) {
        // as in Redis, monitors, subscribers and blocked or paused clients may idle for ever
        boolean exempt = s.monitor || s.suspended() || s.replica || s.master
            || s.type() == dev.cairn.core.connection.ClientType.PUBSUB;
        if (!exempt && now - s.lastInteractionMillis > timeout * 1000) {
          s.connection.closeNow();
        }
      }
    }
    enforceSoftOutputLimits();
    if (hz != cronHz) {
      try {
        cronHandle.close();
      } catch (Exception ignored) {
        // cancelling a scheduled task does not fail
      }
      scheduleCron();
    }
  }

  /**
   * A client over its soft output limit that nothing was written to since: its time runs out all the same (the limit is
   * otherwise checked as replies are added), as Redis checks it from its clients cron.
   */
  private void enforceSoftOutputLimits() {
    List<Session> over = null;
    for (Session s : clients.values()) {
      if (s.softLimitSinceMillis != 0) {
        (over == null ? over = new ArrayList<>() : over).add(s);
      }
    }
    if (over != null) {
      for (Session s : over) {
        s.connection.enforceOutputLimit();
      }
    }
  }

  // ---- clients

  public boolean authRequired() {
    return acl != null && acl.authRequired(); // the engine's own clients, made before the users, need none
  }

  /** The ACL users and the permission check. */
  public dev.cairn.core.acl.Acl acl() {
    return acl;
  }

  /** Registers a new client; the writer's buffer belongs to the connection. */
  public Session connect(Connection connection, ByteBuf outputBuffer) {
    stats.totalConnectionsReceived++;
    Session s = new Session(this, nextClientId++, connection, new RespWriter(outputBuffer));
    s.replyBufferPeak = connection.replyBufferSize();
    clients.put(s.id, s);
    return s;
  }

  /** Forgets a client whose connection closed. */
  public void disconnect(Session s) {
    s.closing = true;
    clients.remove(s.id);
    scripting.clientGone(s);
    monitors.remove(s);
    pauses.remove(s);
    blocking.disconnected(s);
    aof.forgetWaiter(s);
    replication.disconnected(s);
    releaseClientState(s);
  }

  /** Drops what a client holds in shared structures: its transaction and watched keys, subscriptions, tracking. */
  public void releaseClientState(Session s) {
    transactions.discard(s);
    pubsub.unsubscribeAll(s);
    tracking.disable(s);
  }

  public Collection<Session> clients() {
    return clients.values();
  }

  public Session client(long id) {
    return clients.get(id);
  }

  public void addMonitor(Session s) {
    s.monitor = true;
    monitors.add(s);
  }

  public void removeMonitor(Session s) {
    s.monitor = false;
    monitors.remove(s);
  }

  /** Slow log, MONITOR feed: bookkeeping after each command. */
  public void afterCommand(Session s, Command cmd, Args a, long nanos) {
    afterCommand(s, cmd, a, nanos, false, false);
  }

  /**
   * As {@link #afterCommand(Session, Command, Args, long)} for a blocking command: MONITOR sees it once, when first
   * sent (not when it runs again for a key that changed), and the slow log when it ends (not when it blocked), as Redis.
   */
  public void afterCommand(Session s, Command cmd, Args a, long nanos, boolean rerun, boolean blocked) {
    long micros = nanos / 1000;
    long threshold = params.slowlogLogSlowerThan.value;
    boolean slow = !blocked && threshold >= 0 && micros >= threshold && !cmd.spec.has(Flag.SKIP_SLOWLOG);
    boolean monitored = !rerun && !monitors.isEmpty() && !cmd.spec.has(Flag.SKIP_MONITOR)
        && !cmd.spec.has(Flag.ADMIN);
    latency.addIfNeeded(cmd.spec.has(Flag.FAST) ? "fast-command" : "command", micros / 1000,
        params.latencyMonitorThreshold.value);
    if (!slow && !monitored) {
      return;
    }
    byte[][] argv = a.array();
    if (s.redactedArgs() != 0) {
      argv = redacted(a, s.redactedArgs());
    }
    if (slow) {
      slowLog.add(argv, a.size(), micros, s.connection.remoteAddress(), s.name(), (int) params.slowlogMaxLen.value);
    }
    if (monitored) {
      feedMonitors(s, argv, a.size());
    }
  }

  private static final byte[] REDACTED = "(redacted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static byte[][] redacted(Args a, long mask) {
    byte[][] copy = a.toArray();
    for (int i = 0; i < copy.length; i++) {
      if ((mask & (1L << Math.min(i, 63))) != 0) {
        copy[i] = REDACTED;
      }
    }
    return copy;
  }

  /** Feeds a command to MONITOR clients now (EVAL does it itself, so that it shows before its script's commands). */
  public void feedMonitors(Session s, Args a) {
    if (monitors.isEmpty()) {
      return;
    }
    byte[][] argv = a.array();
    if (s.redactedArgs() != 0) {
      argv = redacted(a, s.redactedArgs());
    }
    feedMonitors(s, argv, a.size());
  }

  private void feedMonitors(Session s, byte[][] argv, int argc) {
    java.time.Instant t = java.time.Instant.now();
    byte[] line = MonitorLine.format(t.getEpochSecond() * 1_000_000 + t.getNano() / 1000, s.dbIndex(),
        s.connection.remoteAddress(), argv, argc);
    // by index: a monitor closed for its output-buffer limit may leave the list meanwhile
    for (int i = 0; i < monitors.size(); i++) {
      Session m = monitors.get(i);
      if (!m.closing) {
        m.writer.raw(line);
        m.connection.flush();
        m.connection.enforceOutputLimit();
      }
    }
  }

  /** CONFIG RESETSTAT: the INFO stats, commandstats and errorstats start again from zero (the slow log stays). */
  public void resetStats() {
    stats.reset();
    eventLoopStats.reset();
    keyspace.stats.reset();
    replication.resetStats();
    acl.resetStats();
    lazyFree.resetStats();
    for (Command c : commands.all()) {
      c.resetStats();
    }
  }

  /** What stops the server: it must close the listening sockets before it returns and may finish the rest later. */
  public void setShutdownHook(Runnable hook) {
    this.shutdownHook = hook;
  }

  /** The shutdown path (SHUTDOWN and the signals). */
  public dev.cairn.core.server.Shutdown shutdown() {
    return shutdown;
  }

  /**
   * Runs {@code task} on the engine thread when the server stops, before the hook set by {@link #setShutdownHook}: a
   * sentinel's loop ends there, so nothing is logged or sent after "ready to exit" while the process winds down.
   */
  public void beforeStop(Runnable task) {
    Runnable hook = shutdownHook;
    shutdownHook = () -> {
      task.run();
      hook.run();
    };
  }

  /** Stops the server; called once, by {@link dev.cairn.core.server.Shutdown} when a shutdown goes ahead. */
  public void stop() {
    if (cluster != null) {
      cluster.stop();
    }
    shutdownHook.run();
  }
}
