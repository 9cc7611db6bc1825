package dev.cairn.core.command;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.Propagation;
import dev.cairn.core.connection.Session;
import dev.cairn.core.multi.Transactions;
import dev.cairn.core.resp.RespWriter;
import dev.cairn.core.script.ScriptCache;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs commands: looks the name up, does the checks every command shares once (arity, authentication, MULTI rules,
 * the RESP2 subscribed mode, pauses), queues the command if its client is in MULTI, or calls the handler, turns a
 * thrown {@link RedisException} into an error reply, and then does the bookkeeping every command shares (statistics,
 * slow log, MONITOR feed, client tracking, propagation of writes). Handlers do only their own work.
 *
 * <p>A command sent by a client runs as one <b>execution unit</b>: the clock is read once, its effects are propagated
 * together (see {@link dev.cairn.core.Propagation}), and push messages meant for the client itself (a message it
 * published to itself, an invalidation of a key it wrote) wait until its reply is written. EXEC and scripts run more
 * commands inside their unit through {@link #call}, which repeats the per-command bookkeeping but not the unit's.
 */
public final class Dispatcher {
  private final Engine engine;
  /** Propagation overrides of the running calls, innermost last; each call owns those from its start index on. */
  private byte[][][] replacement = new byte[4][][];
  private int replacementCount;
  private boolean propagationPrevented;
  /** The running call propagates even if it changed nothing (PUBLISH, which replicas' subscribers need). */
  private boolean propagationForced;
  /** The client whose execution unit is running (its command, EXEC, script); null between units. */
  private Session executing;
  /** The client and arguments of the innermost running call (CLIENT LIST argv-mem=). */
  private Session running;
  private Args runningArgs;
  /** Set by a subscribe-family command: its reply is made of push messages, which CLIENT REPLY OFF does not silence. */
  private boolean replyIsPush;
  private Command exec;
  private Command discard;
  private Command multi;
  private Command watch;
  private Command quit;
  private Command reset;
  private Command scan;
  private Command randomkey;

  /**
   * One clock reading serves as a command's end and the next command's start while a connection runs the commands of
   * one read in a row (Redis reads the clock at both ends of every command; those readings were 7-10% of the engine
   * thread at pipelining 16). A command's duration then also holds its own decoding and the previous command's
   * after-reply bookkeeping, tens of nanoseconds. The chain is kept only while nothing but execution units ran since the
   * last one ended ({@link #callCount} unchanged), and only for the outermost connection loop.
   */
  private int clockChainDepth;
  private long clockChainEnd;
  private long clockChainCalls = -1;
  /** Calls started so far (every command run, nested ones too). */
  private long callCount;
  /** When the last call that finished its bookkeeping ended, and whether it did (a suspended one has not). */
  private long lastCallEnd;
  private boolean lastCallEnded;

  /** Modules' command filters, run before a command is looked up. */
  private final CommandFilters filters = new CommandFilters();

  public Dispatcher(Engine engine) {
    this.engine = engine;
  }

  public CommandFilters filters() {
    return filters;
  }

  /**
   * Runs one command for {@code s}. Returns false when the command could not run yet (the client is paused) and must
   * be offered again after {@link Session#resume()}; the arguments then belong to the caller still.
   */
  public boolean dispatch(Session s, Args a) {
    RespWriter w = s.writer;
    int mark = w.buffer().writerIndex();
    replyIsPush = false;
    if (s.filteredArgv != null) { // a paused command offered again: it was filtered the first time
      a.reset(s.filteredArgv, s.filteredArgv.length);
      s.filteredArgv = null;
    } else if (filters.active()) {
      filters.apply(s.id, a);
    }
    if (engine.clientEviction().evictBeforeCommand(s, a)) {
      return true; // maxmemory-clients: this client was the one to go
    }
    boolean replica = s.replica;
    Command cmd = run(s, a);
    if (cmd == PAUSED) {
      if (filters.active()) {
        s.filteredArgv = a.toArray();
      }
      return false;
    }
    finishUnit(s, cmd, w, mark);
    if (replica) {
      dev.cairn.core.replication.ReplicaMisuse.afterCommand(s, cmd, w.buffer(), mark); // no replies on its link
    }
    // not while a script is paused (an allow-busy command ran meanwhile): its writes are served when it ends, as Redis
    if (engine.scripting().current() == null) {
      engine.blocking().serveReadyKeys();
    }
    return true;
  }

  /**
   * A connection starts running the commands of one read: each command's end time may serve as the next one's start
   * (see {@link #clockChainDepth}). Each call is paired with {@link #closeClockChain()}.
   */
  public void openClockChain() {
    clockChainDepth++;
    clockChainCalls = -1;
  }

  /** The connection's run of commands ended (or was interrupted): the next command reads the clock. */
  public void closeClockChain() {
    clockChainDepth--;
    clockChainCalls = -1;
  }

  /** The client whose command (or EXEC, or script) is running, or null between commands. */
  public Session executing() {
    return executing;
  }

  /** The running command's argument bytes if {@code s} is running it, else 0 (CLIENT LIST argv-mem=). */
  public long runningArgvBytes(Session s) {
    if (s != running || runningArgs == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < runningArgs.size(); i++) {
      n += runningArgs.length(i);
    }
    return n;
  }

  /** Marks the running command's reply as push messages (SUBSCRIBE and friends): CLIENT REPLY OFF keeps it. */
  public void replyIsPush() {
    replyIsPush = true;
  }

  /** A marker for "the client must wait"; never run. */
  private static final Command PAUSED = new Command(null, null, null);

  /**
   * Looks up, checks and runs (or queues) one command sent by the client; returns the command (null when unknown),
   * or {@link #PAUSED} when the client must wait.
   */
  private Command run(Session s, Args a) {
    // a container, or a command that also has subcommands (COMMAND), takes its second argument as a subcommand
    Command cmd = engine.commands().resolve(a);
    if (cmd == null) {
      s.lastCommand = "NULL";
      Command base = engine.commands().lookup(a.get(0));
      if (base == null) {
        reject(s, null, a, unknownCommand(a));
        return null;
      }
      reject(s, base, a, RedisException.err("unknown subcommand '" + truncate(a.string(1), 128) + "'. Try "
          + base.fullName().toUpperCase(Locale.ROOT) + " HELP."));
      return base;
    }
    s.lastCommand = cmd.fullName();
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && a.size() != arity) || a.size() < -arity) {
      reject(s, cmd, a, Errors.arity(cmd.fullName()));
      return cmd;
    }
    RedisException notAllowed = ProtectedActions.check(engine.params().process, s, cmd);
    if (notAllowed != null) {
      reject(s, cmd, a, notAllowed);
      return cmd;
    }
    if (!s.authenticated && !cmd.spec.has(Flag.NO_AUTH)) {
      reject(s, cmd, a, Errors.NOAUTH);
      return cmd;
    }
    RedisException denied = engine.acl().check(s, cmd, a, Transactions.inMulti(s) ? "multi" : "toplevel");
    if (denied != null) {
      reject(s, cmd, a, denied);
      return cmd;
    }
    if (engine.clusterRouting() != null && !s.mustObey && !clusterServes(s, cmd, a)) {
      return cmd;
    }
    if ((engine.startingUp() || engine.persistence().loader().loading() || engine.aof().loading()
        || engine.replication().syncLoading()) && !cmd.spec.has(Flag.LOADING)
        || engine.replication().asyncLoading() && cmd.spec.has(Flag.NO_ASYNC_LOADING)) {
      reject(s, cmd, a, LOADING);
      return cmd;
    }
    boolean inMulti = Transactions.inMulti(s);
    if (inMulti && cmd.spec.has(Flag.NO_MULTI)) {
      reject(s, cmd, a, NOT_IN_TRANSACTION);
      return cmd;
    }
    resolveControlCommands();
    boolean isExec = cmd == exec;
    boolean obey = s.mustObey; // the master's stream: it is applied whatever this server thinks (Redis's obey_client)
    oomAtStart = engine.params().memory.maxmemory.value > 0 && !engine.scripting().busy() && engine.overMaxmemory();
    if (oomAtStart && !obey && outOfMemory(s, cmd, inMulti)) {
      reject(s, cmd, a, OOM);
      return cmd;
    }
    if (!obey && HEAP != null && cmd.spec.has(Flag.DENYOOM) && engine.params().memory.maxmemory.value > 0) {
      HEAP.awaitCollection(); // the heap outgrew what maxmemory allows: the collector catches up first
    }
    engine.tracking().limitUsedSlots();
    boolean isWrite = cmd.spec.has(Flag.WRITE) || (isExec && inMulti && s.transaction.writes());
    RedisException diskError = obey ? null : diskWriteError();
    if (diskError != null && (isWrite || cmd.spec.name().equals("ping"))) {
      reject(s, cmd, a, diskError); // PING too, as in Redis, so that a health check sees it
      return cmd;
    }
    if (isWrite && !obey && !enoughGoodReplicas()) {
      reject(s, cmd, a, NOREPLICAS);
      return cmd;
    }
    RedisException misuse = dev.cairn.core.replication.ReplicaMisuse.refuse(s, cmd);
    if (misuse != null) {
      reject(s, cmd, a, misuse);
      return cmd;
    }
    // a script that declares flags counts with them instead of its command's write, stale and may-replicate flags
    int declared = cmd.spec.has(Flag.NOSCRIPT) ? engine.scripting().declaredCommandFlags(cmd.spec.name(), a) : -1;
    RedisException replicaError = obey || !engine.replication().isReplica() ? null : engine.replication().refuse(
        declared >= 0 ? (declared & ScriptCache.CMD_STALE) == 0
            : !cmd.spec.has(Flag.STALE) || isExec && inMulti && s.transaction.notStale(),
        isWrite || declared >= 0 && (declared & ScriptCache.CMD_WRITE) != 0);
    if (replicaError != null) {
      reject(s, cmd, a, replicaError);
      return cmd;
    }
    // a RESP2 connection that subscribed can only take (un)subscriptions, PING, QUIT and RESET: anything else would
    // have its reply mixed with the messages
    if (s.protocol() == 2 && s.subscriptions() > 0 && !allowedWhileSubscribed(cmd)) {
      reject(s, cmd, a, RedisException.err("Can't execute '" + cmd.fullName()
          + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
      return cmd;
    }
    // a script past busy-reply-threshold is paused between slices: only commands flagged allow-busy may run
    if (engine.scripting().busy() && !cmd.spec.has(Flag.ALLOW_BUSY)) {
      reject(s, cmd, a, engine.scripting().busyError());
      return cmd;
    }
    boolean mayReplicate = declared >= 0 ? (declared & ScriptCache.CMD_WRITE) != 0
        : cmd.spec.has(Flag.WRITE) || cmd.spec.has(Flag.MAY_REPLICATE)
            || (isExec && inMulti && s.transaction.mayReplicate());
    // the master client is paused too (a paused replica applies no writes), as in Redis 7.2
    if (engine.pauses().mustWait(s, mayReplicate)) {
      return PAUSED;
    }
    if (inMulti && !isExec && cmd != discard && cmd != multi && cmd != watch && cmd != quit && cmd != reset) {
      engine.transactions().queue(s, cmd, a.toArray());
      s.writer.simple("QUEUED");
      return cmd;
    }
    unit(s, cmd, a);
    return cmd;
  }

  /**
   * Cluster mode: whether this node serves the command's keys; if not, the redirect or error is the reply (for EXEC
   * too: the transaction stays open, as Redis leaves it), and ASKING lasts one command (a whole MULTI).
   */
  private boolean clusterServes(Session s, Command cmd, Args a) {
    resolveControlCommands();
    boolean isExec = cmd == exec;
    if (!isExec && !dev.cairn.core.cluster.ClusterRouting.hasKeys(cmd.spec)) {
      clearAsking(s, cmd);
      return true;
    }
    if (!engine.scripting().busy()) {
      // the routing's look at a migrating slot's keys expires by this command's time, not the previous command's:
      // Redis sets its command clock when the event loop wakes, before processCommand routes
      engine.keyspace().updateTime();
    }
    RedisException err = engine.clusterRouting().check(s, cmd, a, isExec);
    clearAsking(s, cmd);
    if (err == null) {
      return true;
    }
    engine.stats().countError(err.code());
    cmd.rejectedCalls++;
    Transactions.flag(s);
    s.writer.error(err);
    return false;
  }

  private static void clearAsking(Session s, Command cmd) {
    if (!Transactions.inMulti(s) || cmd.spec.name().equals("exec")) {
      s.clusterAsking = false;
    }
  }

  static final RedisException OOM = RedisException.of("OOM", "command not allowed when used memory > 'maxmemory'.");

  /**
   * Why writes are refused for the disk, or null: the last BGSAVE failed under stop-writes-on-bgsave-error (checked
   * first, as Redis does), or the AOF cannot be written. Scripts ask too, before their first write.
   */
  public RedisException diskWriteError() {
    RedisException rdb = engine.persistence().writesDenied();
    if (rdb != null) {
      return rdb;
    }
    String aof = engine.aof().writeError();
    return aof == null ? null : RedisException.of("MISCONF", "Errors writing to the AOF file: " + aof);
  }

  public static final RedisException NOREPLICAS = RedisException.of("NOREPLICAS", "Not enough good replicas to write.");

  /**
   * Whether writes may run under {@code min-replicas-to-write}: off (0, or a max lag of 0), or at least that many
   * replicas acknowledged within {@code min-replicas-max-lag} seconds. A replica does not apply the rule (its writes
   * are its master's).
   */
  public boolean enoughGoodReplicas() {
    var r = engine.params().replication;
    return r.minReplicasToWrite.value == 0 || r.minReplicasMaxLag.value == 0 || engine.replication().isReplica()
        || engine.replication().goodReplicas() >= r.minReplicasToWrite.value;
  }

  /** Whether memory was over maxmemory when the running client command started (Redis's pre_command_oom_state). */
  private boolean oomAtStart;
  private static final dev.cairn.core.memory.HeapSoftMax HEAP = dev.cairn.core.memory.HeapSoftMax.get();

  /**
   * Whether memory was over {@code maxmemory} (under noeviction) when the running command was sent: a script may then
   * not start its first write (unless allow-oom), as Redis decides at the script's start, not mid-way.
   */
  public boolean outOfMemoryAtStart() {
    return oomAtStart;
  }

  /**
   * Whether {@code cmd} must be refused for memory: over maxmemory, a deny-oom command (or an EXEC whose queue holds
   * one) may not run, and a client in MULTI may queue nothing (the queue itself takes memory) but may still EXEC,
   * DISCARD, QUIT or RESET, as Redis does under noeviction (see {@link Engine#overMaxmemory}).
   */
  private boolean outOfMemory(Session s, Command cmd, boolean inMulti) {
    return cmd.spec.has(Flag.DENYOOM)
        || (inMulti && (cmd == exec ? s.transaction.denyOom() : cmd != discard && cmd != quit && cmd != reset));
  }

  private static final RedisException NOT_IN_TRANSACTION = RedisException.err("Command not allowed inside a transaction");

  private void resolveControlCommands() {
    if (exec == null) {
      CommandTable t = engine.commands();
      exec = t.lookup("exec");
      discard = t.lookup("discard");
      multi = t.lookup("multi");
      watch = t.lookup("watch");
      quit = t.lookup("quit");
      reset = t.lookup("reset");
      scan = t.lookup("scan");
      randomkey = t.lookup("randomkey");
    }
  }

  private static boolean allowedWhileSubscribed(Command cmd) {
    return switch (cmd.spec.name()) {
      case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit",
          "reset" -> cmd.parent == null;
      default -> false;
    };
  }

  /** Runs {@code cmd} as an execution unit of its own for {@code s}. */
  private void unit(Session s, Command cmd, Args a) {
    Session outer = executing;
    executing = s;
    boolean chained = clockChainDepth == 1 && outer == null;
    // the command clock's time and the start of the command's duration
    long start = chained && clockChainCalls == callCount ? clockChainEnd : System.nanoTime();
    if (!engine.scripting().busy()) {
      engine.keyspace().updateTime(start); // a paused busy script keeps its clock while others get BUSY replies
    }
    engine.propagation().enterUnit();
    if (cmd == scan || cmd == randomkey) {
      // they may expire any number of keys: run on their own, each DEL goes out alone (Redis's touches-arbitrary-keys)
      engine.propagation().doNotWrap();
    }
    long aofBefore = engine.aof().offset();
    lastCallEnded = false;
    try {
      call(s, cmd, a, start);
    } finally {
      engine.propagation().exitUnit();
      executing = outer;
    }
    if (chained && lastCallEnded) {
      clockChainEnd = lastCallEnd;
      clockChainCalls = callCount;
    }
    // where the client's last write ends in the AOF, once the unit's effects are out (WAITAOF waits for it)
    long aofAfter = engine.aof().offset();
    if (aofAfter != aofBefore) {
      s.aofOffset = aofAfter;
    }
  }

  /**
   * After a client's command (run, queued or rejected): the reply mode, then the push messages held for the client
   * while it ran and its own keys' invalidations, which follow the reply as in Redis.
   */
  private void finishUnit(Session s, Command cmd, RespWriter w, int mark) {
    applyReplyMode(s, w, mark, replyIsPush);
    replyIsPush = false;
    s.appendHeldPushes();
    engine.tracking().afterCommand(s, cmd);
  }

  public static final RedisException LOADING = RedisException.of("LOADING",
      "Redis is loading the dataset in memory");

  /**
   * Runs a blocked client's command again (its key changed): the checks passed when it was first sent, so only the
   * execution is repeated, in the database it blocked in, as a unit of its own.
   */
  public void rerun(Session s, int db, Args a) {
    Command cmd = engine.commands().resolve(a);
    int selected = s.dbIndex();
    s.select(db);
    int mark = s.writer.buffer().writerIndex();
    // permissions may have changed while it waited: Redis checks them again before running it
    RedisException denied = engine.acl().check(s, cmd, a, "toplevel");
    if (denied != null) {
      s.select(selected);
      s.blockedMicros = 0;
      engine.stats().countError(denied.code());
      cmd.rejectedCalls++;
      s.writer.error(denied);
      return;
    }
    try {
      unit(s, cmd, a);
      finishUnit(s, cmd, s.writer, mark);
    } finally {
      s.select(selected);
    }
  }

  /**
   * The command a persistence file names (AOF loading), subcommand resolved, or null when there is none of that name
   * or the arity is wrong (the loader then stops, as Redis's does).
   */
  public Command lookupForLoading(Args a) {
    Command cmd = engine.commands().resolve(a);
    if (cmd == null) {
      return null;
    }
    int arity = cmd.spec.arity();
    if (cmd.isContainer() || (arity > 0 && a.size() != arity) || a.size() < -arity) {
      return null;
    }
    return cmd;
  }

  /**
   * Runs a command read from a persistence file: only the handler, without statistics, slow log, MONITOR or pauses;
   * an error is the command's reply and is ignored, as Redis's loader ignores replies.
   */
  public void runLoaded(Session s, Command cmd, Args a) {
    // DEBUG LOADAOF loads from inside a command: its own propagation state is put back afterwards
    Session outer = running;
    Args outerArgs = runningArgs;
    int outerReplacements = replacementCount;
    boolean outerPrevented = propagationPrevented;
    engine.keyspace().updateTime();
    propagationPrevented = false;
    running = s;
    runningArgs = a;
    s.currentArgs = a;
    try {
      cmd.handler.handle(s, a);
    } catch (RedisException ignored) {
      // the loader, like Redis's, does not look at replies
    } finally {
      running = outer;
      runningArgs = outerArgs;
      for (int i = outerReplacements; i < replacementCount; i++) {
        replacement[i] = null;
      }
      replacementCount = outerReplacements;
      propagationPrevented = outerPrevented;
    }
  }

  /**
   * Calls one command for {@code s} inside the running execution unit (EXEC's queued commands, a script's
   * {@code redis.call}) without the dispatcher's checks: the handler, statistics, slow log, MONITOR feed, client
   * tracking of the keys read, and propagation of its effect if it changed the dataset.
   */
  public void call(Session s, Command cmd, Args a) {
    call(s, cmd, a, System.nanoTime());
  }

  /** {@link #call(Session, Command, Args)} of a command whose duration starts at {@code start} (System.nanoTime). */
  private void call(Session s, Command cmd, Args a, long start) {
    callCount++;
    RespWriter w = s.writer;
    Engine e = engine;
    boolean touchBefore = e.keyspace().noTouch;
    e.keyspace().noTouch = s.noTouch && !"touch".equals(cmd.spec.name());
    long dirtyBefore = e.stats().dirty;
    int replacementBase = replacementCount;
    boolean preventedBefore = propagationPrevented;
    boolean forcedBefore = propagationForced;
    boolean failBefore = failRequested;
    propagationPrevented = false;
    propagationForced = false;
    failRequested = false;
    long redactionsBefore = s.redactedArgs();
    s.clearRedactions();
    Session runningBefore = running;
    Args runningArgsBefore = runningArgs;
    Args currentBefore = s.currentArgs;
    running = s;
    runningArgs = a;
    s.currentArgs = a;
    boolean failed = false;
    try {
      cmd.handler.handle(s, a);
    } catch (RedisException err) {
      w.error(err);
      e.stats().countError(err.code());
      failed = true;
    } finally {
      running = runningBefore;
      runningArgs = runningArgsBefore;
    }
    e.keyspace().noTouch = touchBefore;
    failed |= failRequested;
    if (suspendRequested) {
      // the handler paused (a script past busy-reply-threshold): the bookkeeping waits for it to finish
      suspendRequested = false;
      suspended = new Suspended(s, cmd, a.toArray(), start, dirtyBefore, engine.aof().offset());
    } else {
      long end = System.nanoTime();
      finish(s, cmd, a, end - start, failed, dirtyBefore, replacementBase);
      lastCallEnd = end;
      lastCallEnded = true;
    }
    for (int i = replacementBase; i < replacementCount; i++) {
      replacement[i] = null;
    }
    replacementCount = replacementBase;
    propagationPrevented = preventedBefore;
    propagationForced = forcedBefore;
    failRequested = failBefore;
    s.restoreRedactions(redactionsBefore);
    s.currentArgs = currentBefore;
  }

  /** A script's {@code redis.call}: the script engine made its checks; see {@link #call}. */
  public void callFromScript(Session client, Command cmd, Args a) {
    call(client, cmd, a);
  }

  /** Statistics, slow log, MONITOR, tracking and propagation once a command is done. */
  private void finish(Session s, Command cmd, Args a, long nanos, boolean failed, long dirtyBefore,
      int replacementBase) {
    Engine e = engine;
    e.eventLoopStats().command(nanos);
    // a command that blocked is counted once, when it is served, times out or is unblocked (as Redis does)
    boolean waiting = e.blocking().waitsAfterRun(s);
    // a blocked command's time is counted when it ends, and not at all if it is then rejected (as Redis's duration)
    if (!waiting) {
      cmd.calls++;
      cmd.microseconds += nanos / 1000 + s.blockedMicros;
      s.blockedMicros = 0;
    } else {
      s.blockedMicros += nanos / 1000;
    }
    if (e.params().process.latencyTracking.value) {
      if (cmd.latency == null) {
        cmd.latency = new LatencyHistogram();
      }
      cmd.latency.record(nanos);
    }
    if (failed) {
      cmd.failedCalls++;
    }
    e.stats().totalCommandsProcessed++;
    s.commandsProcessed++;
    s.lastInteractionMillis = e.keyspace().now();
    e.afterCommand(s, cmd, a, nanos, e.blocking().isRerunning(s), waiting);
    if (executing != null && executing.tracking != null && cmd.spec.has(Flag.READONLY)) {
      e.tracking().rememberKeys(executing, cmd, a);
    }
    if ((e.stats().dirty != dirtyBefore || propagationForced) && !propagationPrevented) {
      propagate(s, a, replacementBase, propagationForced && e.stats().dirty == dirtyBefore);
    }
    if (e.stats().dirty != dirtyBefore && !s.master && e.replication().isReplica()) {
      e.replication().rememberReplicaKeys(s, cmd.spec, a); // a writable replica's own keys expire here
    }
  }

  /** A command whose handler returned before it was done; see {@link #suspendRunningCommand()}. */
  private record Suspended(Session session, Command cmd, byte[][] argv, long startNanos, long dirtyBefore,
      long aofBefore) { }

  private Suspended suspended;
  private boolean suspendRequested;
  private boolean failRequested;

  /**
   * Called by a handler that returns before its command is done (a script paused past busy-reply-threshold, to be
   * resumed on the engine thread): statistics, the slow log, MONITOR and propagation wait for
   * {@link #finishSuspended(boolean)}. The handler suspends its client, so the client's next commands wait too.
   */
  public void suspendRunningCommand() {
    suspendRequested = true;
  }

  /**
   * Ends the suspended command: its reply is written; now its bookkeeping, as any command's, and what follows a
   * client's command (the pushes held for it, its own keys' invalidations).
   */
  public void finishSuspended(boolean failed) {
    Suspended p = suspended;
    suspended = null;
    if (p == null) {
      return;
    }
    propagationPrevented = true; // a script propagates its effects, never itself
    finish(p.session, p.cmd, Args.ofBytes(p.argv), System.nanoTime() - p.startNanos, failed, p.dirtyBefore,
        replacementCount);
    propagationPrevented = false;
    if (engine.aof().offset() != p.aofBefore) {
      p.session.aofOffset = engine.aof().offset();
    }
    p.session.appendHeldPushes();
    engine.tracking().afterCommand(p.session, p.cmd);
  }

  /**
   * Runs a slice of a suspended command (a busy script resumed) as its client's: pushes for the client are held for
   * after its reply, and tracking sees the client as the one running.
   */
  public boolean resumeFor(Session s, java.util.function.BooleanSupplier slice) {
    Session outer = executing;
    executing = s;
    try {
      return slice.getAsBoolean();
    } finally {
      executing = outer;
    }
  }

  /** Counts the running command as failed although its handler wrote the error reply itself (scripts do). */
  public void markFailed() {
    failRequested = true;
  }

  private void propagate(Session s, Args a, int base, boolean replicasOnly) {
    if (!engine.propagation().hasListeners()) {
      return;
    }
    int db = s.dbIndex();
    int to = replicasOnly ? Propagation.TARGET_REPLICAS : Propagation.TARGET_ALL;
    if (replacementCount == base) {
      engine.propagation().emit(db, a.toArray(), to);
    } else {
      for (int i = base; i < replacementCount; i++) {
        engine.propagation().emit(db, replacement[i], to);
      }
    }
  }

  /** Replaces the running command's propagation (see {@code CommandContext.propagate}). */
  public void replacePropagation(byte[][] command) {
    if (replacementCount == replacement.length) {
      replacement = java.util.Arrays.copyOf(replacement, replacementCount * 2);
    }
    replacement[replacementCount++] = command;
  }

  public void preventPropagation() {
    propagationPrevented = true;
  }

  /** The running command propagates to replicas even though it changed nothing (PUBLISH, SPUBLISH). */
  public void forceReplicaPropagation() {
    propagationForced = true;
  }

  /**
   * CLIENT REPLY OFF/SKIP: the reply (an error too) was written; drop it, unless it is made of push messages (the
   * subscribe family), which Redis sends whatever the reply mode. CLIENT REPLY SKIP leaves SKIP_NEXT, which becomes
   * SKIP once that command is done, so the command after it is the one skipped.
   */
  private static void applyReplyMode(Session s, RespWriter w, int mark, boolean push) {
    switch (s.replyMode) {
      case ON -> { }
      case OFF -> {
        if (!push) {
          w.buffer().writerIndex(mark);
        }
      }
      case SKIP -> {
        if (!push) {
          w.buffer().writerIndex(mark);
        }
        s.replyMode = Session.ReplyMode.ON;
      }
      case SKIP_NEXT -> s.replyMode = Session.ReplyMode.SKIP; // set by CLIENT REPLY SKIP for the next command
    }
  }

  /**
   * A command refused by the checks: the error, counted as a rejected call; in MULTI it also dooms the transaction,
   * and a refused EXEC discards it with EXECABORT (MONITOR then sees the EXEC that closes the MULTI it saw).
   */
  private void reject(Session s, Command cmd, Args a, RedisException err) {
    engine.stats().countError(err.code());
    if (cmd != null) {
      cmd.rejectedCalls++;
    }
    resolveControlCommands();
    if (cmd == exec && Transactions.inMulti(s)) {
      engine.transactions().discard(s);
      s.writer.error(RedisException.of("EXECABORT", "Transaction discarded because of: "
          + (err.code().equals("ERR") ? "" : err.code() + " ") + err.getMessage().substring(err.code().length() + 1)));
      engine.stats().countError("EXECABORT");
      engine.afterCommand(s, cmd, a, 0);
      return;
    }
    Transactions.flag(s);
    s.writer.error(err);
  }

  /** {@code ERR unknown command 'foo', with args beginning with: 'a' 'b' }, truncated as Redis does. */
  static RedisException unknownCommand(Args a) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < a.size() && args.length() < 128; i++) {
      args.append('\'').append(truncate(new String(a.get(i), StandardCharsets.UTF_8), 128 - args.length()))
          .append("' ");
    }
    return RedisException.err("unknown command '" + truncate(a.string(0), 128) + "', with args beginning with: "
        + args);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(0, max));
  }
}
