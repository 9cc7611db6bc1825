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
import dev.cairn.core.keyspace.ActiveExpiry;
import dev.cairn.core.keyspace.Keyspace;
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
  private final ServerStats stats = new ServerStats();
  private final SlowLog slowLog = new SlowLog();
  private final KeyspaceEventsHub events = new KeyspaceEventsHub();
  private final Propagation propagation = new Propagation();
  private final ClientPauses pauses = new ClientPauses();
  private final dev.cairn.core.module.ModuleManager modules = new dev.cairn.core.module.ModuleManager(this);
  private final ActiveExpiry activeExpiry;
  private final dev.cairn.core.blocking.Blocking blocking;
  private final Map<Long, Session> clients = new LinkedHashMap<>();
  private final List<Session> monitors = new ArrayList<>();
  private long nextClientId = 1;
  private EngineLoop loop;
  private Runnable shutdownHook = () -> { };
  public final long runIdSeed = System.nanoTime();

  public Engine(Config config, ServerParams params, CommandFamily... families) {
    this.config = config;
    this.params = params;
    this.keyspace = new Keyspace((int) params.databases.value);
    this.activeExpiry = new ActiveExpiry(keyspace);
    this.blocking = new dev.cairn.core.blocking.Blocking(this);
    commands.registerAll(families);
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

  public KeyspaceEventsHub events() {
    return events;
  }

  public Propagation propagation() {
    return propagation;
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

  public dev.cairn.core.blocking.Blocking blocking() {
    return blocking;
  }

  public EngineLoop loop() {
    return loop;
  }

  /** Attaches the engine thread and starts the cron ({@code hz} times a second). */
  public void start(EngineLoop engineLoop) {
    this.loop = engineLoop;
    scheduleCron();
  }

  private AutoCloseable cronHandle;
  private int cronHz;

  private void scheduleCron() {
    cronHz = params.effectiveHz();
    cronHandle = loop.scheduleAtFixedRate(this::cron, 1000 / cronHz, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Periodic work: active expiry, incremental rehashing, client timeouts and pauses. */
  void cron() {
    long now = System.currentTimeMillis();
    keyspace.updateTime();
    int hz = params.effectiveHz();
    // a quarter of each tick at most goes to expiry, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC
    activeExpiry.run(250_000_000L / hz);
    for (int i = 0; i < keyspace.databases(); i++) {
      keyspace.db(i).rehash(100);
    }
    pauses.tick(now);
    long timeout = params.timeout.value;
    if (timeout > 0) {
      for (Session s : new ArrayList<>(clients.values())) {
        if (!s.monitor && now - s.lastInteractionMillis > timeout * 1000) {
          s.connection.closeNow();
        }
      }
    }
    if (hz != cronHz) {
      try {
        cronHandle.close();
      } catch (Exception ignored) {
        // cancelling a scheduled task does not fail
      }
      scheduleCron();
    }
  }

  // ---- clients

  public boolean authRequired() {
    return !params.requirepass.value.isEmpty();
  }

  /** Registers a new client; the writer's buffer belongs to the connection. */
  public Session connect(Connection connection, ByteBuf outputBuffer) {
    stats.totalConnectionsReceived++;
    Session s = new Session(this, nextClientId++, connection, new RespWriter(outputBuffer));
    clients.put(s.id, s);
    return s;
  }

  /** Forgets a client whose connection closed. */
  public void disconnect(Session s) {
    s.closing = true;
    clients.remove(s.id);
    monitors.remove(s);
    pauses.remove(s);
    blocking.disconnected(s);
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

  /** Slow log, MONITOR feed: bookkeeping after each command. */
  public void afterCommand(Session s, Command cmd, Args a, long nanos) {
    long micros = nanos / 1000;
    long threshold = params.slowlogLogSlowerThan.value;
    if (threshold >= 0 && micros >= threshold && !cmd.spec.has(Flag.SKIP_SLOWLOG)) {
      slowLog.add(a.array(), a.size(), micros, s.connection.remoteAddress(), s.name(),
          (int) params.slowlogMaxLen.value);
    }
    if (!monitors.isEmpty() && !cmd.spec.has(Flag.SKIP_MONITOR) && !cmd.spec.has(Flag.ADMIN)) {
      feedMonitors(s, a);
    }
  }

  private void feedMonitors(Session s, Args a) {
    byte[] line = MonitorLine.format(System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000,
        s.dbIndex(), s.connection.remoteAddress(), a);
    for (Session m : monitors) {
      if (m != s && !m.closing) {
        m.writer.raw(line);
        m.connection.flush();
      }
    }
  }

  public void setShutdownHook(Runnable hook) {
    this.shutdownHook = hook;
  }

  /** Stops the server (SHUTDOWN). */
  public void shutdown() {
    shutdownHook.run();
  }
}
