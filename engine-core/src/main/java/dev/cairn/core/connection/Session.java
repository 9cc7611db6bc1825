package dev.cairn.core.connection;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.ClientHandle;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.resp.RespWriter;

/**
 * One client's state on the engine side: selected database, protocol, name, authentication, reply mode, and the
 * {@link CommandContext} its commands run with. Lives on the engine thread.
 */
public final class Session implements CommandContext, ClientHandle {
  /** CLIENT REPLY modes. */
  public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

  public final Engine engine;
  public final long id;
  public final Connection connection;
  public final RespWriter writer;
  public final long createdMillis;

  private Db db;
  private String name;
  public String libName;
  public String libVersion;
  public boolean authenticated;
  public String user = "default";
  /** Time a blocked command ran so far (counted in INFO commandstats when it ends). */
  public long blockedMicros;
  /** The ACL user the client authenticated as; null for the default user. */
  public dev.cairn.core.acl.AclUser aclUser;
  public ReplyMode replyMode = ReplyMode.ON;
  public boolean noEvict;
  public boolean noTouch;
  public boolean monitor;
  public boolean closing;
  /** Pub/sub subscriptions, or null when there are none (a subscribed client is of the pubsub class). */
  public dev.cairn.core.pubsub.Subscriptions subscriptions;
  /**
   * Whether the client's commands are effects to apply, not requests to check (the AOF's loading client; a master's
   * link later): Redis's mustObeyClient, under which some argument checks are relaxed.
   */
  public boolean mustObey;
  /** Cluster: ASKING was sent (one command may then use an importing slot); READONLY reads from a replica. */
  public boolean clusterAsking;
  public boolean clusterReadonly;
  /** A replica of this server (it sent SYNC or PSYNC); its connection carries the replication stream. */
  public boolean replica;
  /** The client that applies this server's master's stream. */
  public boolean master;
  /** The replication offset just after this client's last write (WAIT waits for replicas to reach it). */
  public long replOffset;
  /** MULTI/WATCH state, or null for a client that never used them. */
  public dev.cairn.core.multi.Transaction transaction;
  /** CLIENT TRACKING state, or null while tracking is off. */
  public dev.cairn.core.tracking.ClientTracking tracking;
  /**
   * Non-zero while the client's commands may not block (EXEC runs its queue, a script runs): a blocking command then
   * answers as its non-blocking form would, as Redis's CLIENT_DENY_BLOCKING.
   */
  public int denyBlocking;
  /** Set while EXEC runs this client's queued commands. */
  public boolean inExec;
  /** Push messages for this client produced while its own command ran: they follow the command's reply. */
  private io.netty.buffer.ByteBuf heldPushes;
  private io.netty.buffer.ByteBuf pushSavedBuffer;
  /** Queued for a flush at the end of the event-loop batch (output produced outside its own commands). */
  public boolean flushQueued;
  /**
   * The most the reply buffer held since the peak last restarted (CLIENT LIST rbp=); a new client's starts at its
   * buffer's size, so the cron does not shrink it before its first restart (see {@link ReplyBuffers}).
   */
  public long replyBufferPeak;
  /** When the peak last restarted; 0 makes the cron's first look at the client restart it, as in Redis. */
  public long replyBufferPeakResetMillis;
  /** Bit i set: argument i of the running command shows as "(redacted)" in MONITOR and the slow log. */
  long redactedArgs;
  /** When the reply backlog first went over the soft output-buffer limit (0: it is not over). */
  public long softLimitSinceMillis;
  public long lastInteractionMillis;
  /** The full name of the last command run (CLIENT LIST cmd=). */
  public String lastCommand = "NULL";
  /** Commands run by this client (CLIENT LIST tot-cmds, 7.4). */
  public long commandsProcessed;
  public long netInputBytes;
  public long netOutputBytes;
  /** Where this client's last write ends in the AOF stream (WAITAOF waits for the fsync to pass it). */
  public long aofOffset;
  /** The arguments of the command running now (a blocking command keeps a copy to run again). */
  public Args currentArgs;
  /** The client that runs scripts' commands (some commands refuse options there, as XREAD's BLOCK). */
  public boolean scriptClient;
  /** The command filters' output for a command that was paused: offered again, it is not filtered twice. */
  public byte[][] filteredArgv;
  /** Set while the client may not run commands (blocked or paused); the connection stops feeding it. */
  private boolean suspended;
  /** SCRIPT DEBUG SYNC: the client's next EVAL is debugged; null when off. */
  public dev.cairn.core.script.debug.LuaDebugger luaDebugger;

  public Session(Engine engine, long id, Connection connection, RespWriter writer) {
    this.engine = engine;
    this.id = id;
    this.connection = connection;
    this.writer = writer;
    this.createdMillis = System.currentTimeMillis();
    this.lastInteractionMillis = createdMillis;
    this.db = engine.keyspace().db(0);
    this.authenticated = !engine.authRequired();
  }

  /**
   * Runs one command (the dispatcher replies, counts and propagates). Returns false if the client must wait (paused) and
   * offer the same command again once resumed.
   */
  public boolean execute(Args args) {
    if (luaDebugger != null && luaDebugger.stopped()) {
      engine.scripting().debugCommand(args); // its script is stopped: the command is the debugger's
      return true;
    }
    return engine.dispatcher().dispatch(this, args);
  }

  /**
   * Hides argument {@code i} of the running command (a password) from MONITOR and the slow log; bit 63 stands for
   * argument 63 and every one after it, so that nothing past the mask's width shows.
   */
  public void redact(int i) {
    redactedArgs |= 1L << Math.min(i, 63);
  }

  public long redactedArgs() {
    return redactedArgs;
  }

  public void clearRedactions() {
    redactedArgs = 0;
  }

  /** Restores the redactions of an outer command after a nested one (EXEC's queued commands) ran. */
  public void restoreRedactions(long mask) {
    redactedArgs = mask;
  }

  /** The class CLIENT LIST/KILL TYPE and the output-buffer limits go by (a MONITOR client is a normal one). */
  public ClientType type() {
    if (replica) {
      return ClientType.REPLICA;
    }
    if (master) {
      return ClientType.MASTER;
    }
    return subscriptions != null && subscriptions.total() > 0 ? ClientType.PUBSUB : ClientType.NORMAL;
  }

  /** Channels, patterns and shard channels subscribed to (a RESP2 client with any is in subscribed mode). */
  public int subscriptions() {
    return subscriptions == null ? 0 : subscriptions.total();
  }

  /**
   * Starts a push message to this client (a published message, an invalidation) and returns the writer to write it
   * with; {@link #endPush} must follow. A push for the client whose command is running is held until that command's
   * reply is written (as Redis does, so a message a client publishes to itself inside MULTI follows EXEC's reply).
   */
  public RespWriter startPush() {
    if (engine.dispatcher().executing() == this) {
      if (heldPushes == null) {
        heldPushes = io.netty.buffer.Unpooled.buffer(256);
      }
      pushSavedBuffer = writer.buffer();
      writer.setBuffer(heldPushes);
    }
    return writer;
  }

  /**
   * For a command whose reply has no bound but its count (HRANDFIELD, SRANDMEMBER, ZRANDMEMBER with a negative count):
   * every 1024 elements ({@code written}), the output limits are enforced now, not after the command; true once this
   * client is being closed, and the command stops, as Redis stops such a reply for a client past its limit.
   */
  public static boolean stopLongReply(dev.cairn.api.command.CommandContext c, long written) {
    if ((written & 1023) != 0 || !(c instanceof Session s)) {
      return false;
    }
    s.connection.enforceOutputLimit();
    return s.closing;
  }

  /** Ends a push: a held one stays held; otherwise it goes out at the end of the batch, within the output limits. */
  public void endPush() {
    if (pushSavedBuffer != null) {
      writer.setBuffer(pushSavedBuffer);
      pushSavedBuffer = null;
      return;
    }
    engine.flushLater(this);
    connection.enforceOutputLimit();
  }

  /** Appends the pushes held while this client's command ran, after its reply. */
  public void appendHeldPushes() {
    if (heldPushes != null && heldPushes.isReadable()) {
      writer.buffer().writeBytes(heldPushes);
      heldPushes.clear();
      if (heldPushes.capacity() > 64 * 1024) {
        heldPushes = null; // a burst: do not keep its buffer
      }
      connection.enforceOutputLimit();
    }
  }

  /**
   * RESET: back to a fresh connection's state (RESP2, database 0, no name, replies on, no monitor, no-evict or
   * no-touch, no transaction or watched keys, no subscriptions, tracking off, unauthenticated when a password is
   * required).
   */
  public void reset() {
    engine.releaseClientState(this);
    writer.setProtocol(2);
    db = engine.keyspace().db(0);
    name = null;
    // a RESET whose own reply is being skipped stays silent, as Redis only clears OFF and a pending SKIP
    replyMode = replyMode == ReplyMode.SKIP ? ReplyMode.SKIP : ReplyMode.ON;
    noEvict = false;
    noTouch = false;
    clusterAsking = false;
    clusterReadonly = false;
    if (monitor) {
      engine.removeMonitor(this);
    }
    user = "default";
    aclUser = null;
    authenticated = !engine.authRequired();
  }

  public boolean suspended() {
    return suspended;
  }

  public void suspend() {
    suspended = true;
  }

  /** Lets the client run commands again and asks the connection to carry on with what it has read. */
  public void resume() {
    if (suspended) {
      suspended = false;
      connection.resumeProcessing();
    }
  }

  // ---- CommandContext

  @Override
  public Db db() {
    return db;
  }

  @Override
  public Database db(int index) {
    if (index < 0 || index >= engine.keyspace().databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    return engine.keyspace().db(index);
  }

  @Override
  public int databases() {
    return engine.keyspace().databases();
  }

  public void select(int index) {
    if (index < 0 || index >= engine.keyspace().databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    db = engine.keyspace().db(index);
  }

  @Override
  public Reply reply() {
    return writer;
  }

  @Override
  public ClientHandle client() {
    return this;
  }

  @Override
  public long now() {
    return engine.keyspace().now();
  }

  @Override
  public void notifyKeyspaceEvent(int type, String event, byte[] key, int dbIndex) {
    engine.events().notify(type, event, key, dbIndex);
  }

  @Override
  public void signalModifiedKey(int dbIndex, byte[] key) {
    engine.events().keyModified(dbIndex, key);
  }

  @Override
  public void addDirty(long changes) {
    engine.stats().dirty += changes;
  }

  @Override
  public void propagate(byte[]... command) {
    engine.dispatcher().replacePropagation(command);
  }

  @Override
  public boolean propagates() {
    return engine.propagation().hasListeners();
  }

  @Override
  public void preventPropagation() {
    engine.dispatcher().preventPropagation();
  }

  @Override
  public boolean block(byte[][] keys, long timeoutMillis,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout) {
    return block(keys, timeoutMillis, null, onTimeout);
  }

  @Override
  public boolean block(byte[][] keys, long timeoutMillis, Class<?> waitsFor,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout) {
    if (denyBlocking > 0) {
      return false; // inside EXEC or a script: the command answers as if it timed out at once
    }
    engine.blocking().block(this, db.id(), keys, timeoutMillis, waitsFor, currentArgs, onTimeout);
    return true;
  }

  @Override
  public boolean mayBlock() {
    // the master's stream and the AOF are applied in order: their commands never wait (Redis's DENY_BLOCKING)
    return denyBlocking == 0 && !mustObey && !master;
  }

  @Override
  public dev.cairn.api.command.BlockedClient blockClient(long timeoutMillis,
      java.util.function.Consumer<dev.cairn.api.reply.Reply> onTimeout) {
    if (denyBlocking > 0) {
      // as Redis: an error now, and a handle whose later reply goes nowhere
      writer.error(dev.cairn.api.reply.RedisException.err(inExec
          ? "Blocking module command called from transaction" : "Blocking module command called from Lua script"));
      engine.stats().countError("ERR");
      return dev.cairn.core.blocking.HandleBlock.aborted(this);
    }
    return dev.cairn.core.blocking.HandleBlock.block(engine, this, timeoutMillis, onTimeout);
  }

  // ---- ClientHandle

  @Override
  public long id() {
    return id;
  }

  @Override
  public String name() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public int protocol() {
    return writer.protocol();
  }

  @Override
  public int dbIndex() {
    return db.id();
  }
}
