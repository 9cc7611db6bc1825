package dev.cairn.core.replication;

import dev.cairn.api.command.Args;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.Log;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The replica side: the link to this server's master. A thread of its own connects, does the handshake (PING, AUTH,
 * REPLCONF listening-port / ip-address / capa eof psync2, PSYNC), receives the RDB of a full sync (disk-based or with
 * the EOF marker; to a file, or kept in memory with {@code repl-diskless-load}), and then reads the command stream and
 * parses it into commands. Everything that touches the dataset runs on the engine thread: the load, and the commands,
 * which the master client ({@link #client}) runs through the dispatcher in batches; each applied command's bytes are
 * then passed on to this server's backlog and replicas, so its offset is the master's.
 */
final class MasterLink {
  /** Redis's repl_state, with the names ROLE uses. */
  enum State {
    CONNECT("connect"), CONNECTING("connecting"), HANDSHAKE("handshake"), TRANSFER("sync"), CONNECTED("connected");

    final String role;

    State(String role) {
      this.role = role;
    }
  }

  private final Replication repl;
  private final Engine engine;
  final String host;
  final int port;
  volatile State state = State.CONNECT;
  private volatile boolean stopped;
  private volatile Socket socket;
  private OutputStream out;
  private Thread thread;
  /** Increases with each connection: batches of a connection that has gone are dropped. */
  private volatile int generation;
  /** Engine thread: the master client, and the offset of the last byte it applied. */
  private Session client;
  /** The connection (generation) the master client belongs to. */
  private int clientGeneration;
  private int clientDb;
  /** When the master last sent anything (ms), and since when the link is down. */
  volatile long lastIoMillis = System.currentTimeMillis();
  long downSinceMillis = System.currentTimeMillis();
  /** Bytes read of the stream (slave_read_repl_offset), maintained by the link thread. */
  volatile long readOffset;
  volatile long transferSize = -1;
  volatile long transferRead;
  volatile long transferLastIoMillis;
  private final Semaphore inFlight = new Semaphore(64);

  MasterLink(Replication repl, String host, int port) {
    this.repl = repl;
    this.engine = repl.engine;
    this.host = host;
    this.port = port;
  }

  Session client() {
    return client;
  }

  Engine engine() {
    return engine;
  }

  /** The current connection's number (it changes when the link drops, is stopped or replaced). */
  int generation() {
    return generation;
  }

  /** The master client's database, also while it is gone (it comes back there after a partial resync). */
  int clientDb() {
    return client != null ? client.dbIndex() : clientDb;
  }

  void setClientDb(int db) {
    clientDb = db;
  }

  boolean linkUp() {
    return state == State.CONNECTED && client != null;
  }

  /** The offset applied (slave_repl_offset). */
  long appliedOffset() {
    return repl.offset();
  }

  void start() {
    thread = new Thread(this::run, "cairn-master-link");
    thread.setDaemon(true);
    thread.start();
  }

  /** Ends the link for good (REPLICAOF NO ONE, another master, shutdown). */
  void stop() {
    stopped = true;
    generation++;
    repl.loadState = 0; // a diskless load in progress is abandoned (DisklessLoad ends it when the link thread stops)
    closeSocket();
    if (thread != null) {
      thread.interrupt();
    }
    dropClient();
  }

  private void closeSocket() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void run() {
    while (!stopped) {
      int gen = ++generation;
      try {
        connectAndSync(gen);
      } catch (IOException | RuntimeException e) {
        if (!stopped) {
          Log.log(Log.Level.WARNING, "Master link error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
      } catch (InterruptedException e) {
        break;
      }
      closeSocket();
      if (stopped) {
        break;
      }
      engine.loop().execute(() -> linkDown(gen));
      try {
        Thread.sleep(1000); // Redis retries from its once-a-second replication cron
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  // ---- the handshake

  /** {@code tls-replication yes}: the link to the master is a TLS connection, as Redis's. */
  private boolean tlsReplication() {
    return engine.config().find("tls-replication").get().equals("yes");
  }

  private void connectAndSync(int gen) throws IOException, InterruptedException {
    state = State.CONNECTING;
    lastIoMillis = System.currentTimeMillis();
    Log.log(Log.Level.NOTICE, "Connecting to MASTER " + host + ":" + port);
    Socket s = new Socket();
    socket = s;
    int timeout = (int) Math.min(Integer.MAX_VALUE, repl.params().timeout.value * 1000);
    String source = engine.config().find("bind-source-addr").get();
    if (!source.isEmpty()) {
      s.bind(new InetSocketAddress(source, 0)); // the address the master sees this replica connect from
    }
    s.connect(new InetSocketAddress(host, port), timeout);
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeout);
    if (tlsReplication()) {
      var tls = engine.tls;
      if (tls == null) {
        throw new IOException("TLS replication is on but TLS is not configured");
      }
      s = tls.wrapClient(s, host, port);
      socket = s;
    }
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync started");
    InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
    out = s.getOutputStream();
    state = State.HANDSHAKE;
    send("PING");
    String pong = readLine(in);
    if (pong.startsWith("-") && !pong.startsWith("-NOAUTH") && !pong.startsWith("-NOPERM")
        && !pong.startsWith("-ERR operation not permitted")) {
      throw new IOException("Error reply to PING from master: '" + pong + "'");
    }
    Log.log(Log.Level.NOTICE, "Master replied to PING, replication can continue...");
    String auth = repl.params().masterauth.value;
    if (!auth.isEmpty()) {
      String user = repl.params().masteruser.value;
      if (user.isEmpty()) {
        send("AUTH", auth);
      } else {
        send("AUTH", user, auth);
      }
      String r = readLine(in);
      if (r.startsWith("-")) {
        throw new IOException("Unable to AUTH to MASTER: " + r);
      }
    }
    long announcePort = repl.params().announcePort.value;
    send("REPLCONF", "listening-port", Long.toString(announcePort != 0 ? announcePort
        : tlsReplication() ? engine.tlsPort : engine.listeningPort));
    readLine(in); // an old master that knows no REPLCONF answers with an error: not fatal
    String announceIp = repl.params().announceIp.value;
    if (!announceIp.isEmpty()) {
      send("REPLCONF", "ip-address", announceIp);
      readLine(in);
    }
    send("REPLCONF", "capa", "eof", "capa", "psync2");
    readLine(in);
    CompletableFuture<String[]> ids = new CompletableFuture<>();
    engine.loop().execute(() -> ids.complete(repl.hasBacklog()
        ? new String[] {engine.replId, Long.toString(repl.offset() + 1), repl.failover.inProgress() ? "1" : ""}
        : new String[] {"?", "-1", ""}));
    String[] psync = get(ids);
    // repl-diskless-load: the RDB is parsed from memory (swapdb always, on-empty-db when there is no key), else the
    // received file replaces the RDB file and is loaded from disk
    String loadMode = repl.params().disklessLoad.value;
    CompletableFuture<Boolean> emptyDb = new CompletableFuture<>();
    engine.loop().execute(() -> emptyDb.complete(engine.keyspace().totalKeys() == 0));
    boolean diskless = loadMode.equals("swapdb") || loadMode.equals("on-empty-db") && get(emptyDb);
    if (!psync[0].equals("?")) {
      Log.log(Log.Level.NOTICE, "Trying a partial resynchronization (request " + psync[0] + ":" + psync[1] + ").");
    }
    boolean failover = !psync[2].isEmpty();
    if (failover) {
      send("PSYNC", psync[0], psync[1], "FAILOVER"); // the target becomes a master that continues our history
    } else {
      send("PSYNC", psync[0], psync[1]);
    }
    String reply = readLine(in);
    while (reply.isEmpty()) {
      lastIoMillis = System.currentTimeMillis(); // the master's keepalive newlines while it prepares the sync
      reply = readLine(in);
    }
    lastIoMillis = System.currentTimeMillis();
    if (failover) {
      boolean accepted = reply.startsWith("+FULLRESYNC") || reply.startsWith("+CONTINUE");
      engine.loop().execute(() -> repl.failover.pSyncAnswered(accepted));
    }
    if (reply.startsWith("+FULLRESYNC")) {
      String[] w = reply.split(" ");
      String replId = w.length > 1 ? w[1] : Engine.randomHex(40);
      long offset = w.length > 2 ? Long.parseLong(w[2]) : 0;
      Log.log(Log.Level.NOTICE, "Full resync from master: " + replId + ":" + offset);
      state = State.TRANSFER;
      if (diskless) {
        receiveAndLoad(in, gen, replId, offset, loadMode.equals("swapdb"));
      } else {
        RdbPayload payload = RdbPayload.receive(this, in,
            engine.params().dir.resolve("temp-" + System.currentTimeMillis() + "." + Log.pid() + ".rdb"));
        CompletableFuture<Boolean> loaded = new CompletableFuture<>();
        engine.loop().execute(() -> loaded.complete(gen == generation && load(payload, replId, offset)));
        if (!get(loaded)) {
          throw new IOException("Failed trying to load the MASTER synchronization DB from disk");
        }
      }
    } else if (reply.startsWith("+CONTINUE")) {
      String newId = reply.length() > 10 ? reply.substring(10).trim() : "";
      Log.log(Log.Level.NOTICE, "Successful partial resynchronization with master.");
      CompletableFuture<Boolean> ok = new CompletableFuture<>();
      engine.loop().execute(() -> ok.complete(gen == generation && continued(newId)));
      if (!get(ok)) {
        return;
      }
    } else if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
      Log.log(Log.Level.NOTICE, "Master is currently unable to PSYNC but should be in the future: " + reply);
      return;
    } else {
      throw new IOException("Unexpected reply to PSYNC from master: " + reply);
    }
    CompletableFuture<Long> start = new CompletableFuture<>();
    engine.loop().execute(() -> start.complete(repl.offset()));
    readOffset = get(start);
    s.setSoTimeout(0); // the stream may be idle; repl-timeout is checked by the cron from lastIoMillis
    stream(in, gen);
  }

  private static <T> T get(CompletableFuture<T> f) throws InterruptedException, IOException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /**
   * repl-diskless-load: the payload is parsed while it arrives ({@link DisklessLoad}); swapdb for the same history (our
   * id is the master's) is async loading: the old data serves reads meanwhile.
   */
  private void receiveAndLoad(InputStream in, int gen, String replId, long offset, boolean swapdb)
      throws IOException, InterruptedException {
    RdbPayload.Header h = RdbPayload.readHeader(this, in, null);
    CompletableFuture<Boolean> sameHistory = new CompletableFuture<>();
    engine.loop().execute(() -> sameHistory.complete(replId.equalsIgnoreCase(engine.replId)));
    RdbPipe pipe = new RdbPipe(Math.max(1000, repl.params().timeout.value * 1000));
    DisklessLoad dl = new DisklessLoad(this, gen, pipe, replId, offset, h.length(), swapdb && get(sameHistory));
    engine.loop().execute(dl::begin);
    try {
      RdbPayload.copy(this, in, h, (b, n) -> {
        pipe.offer(b, 0, n);
        dl.kick();
      });
      pipe.finish();
    } catch (IOException | RuntimeException | InterruptedException e) {
      pipe.fail(e instanceof IOException io ? io : new IOException(e.toString()));
      throw e;
    } finally {
      dl.kick();
    }
    if (!get(dl.done)) {
      throw new IOException("Failed trying to load the MASTER synchronization DB from socket");
    }
    engine.loop().execute(this::sendAck); // a diskless master starts the stream on this first ACK
  }

  void send(String... args) throws IOException {
    io.netty.buffer.ByteBuf b = Unpooled.buffer();
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    Replication.encode(b, argv);
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    synchronized (this) {
      out.write(bytes);
      out.flush();
    }
  }

  /** A line of the handshake, without its CRLF (an empty line is the master's keepalive newline). */
  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed by master");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  // ---- on the engine thread

  /** The full sync's RDB: the old data goes, the new is loaded, and this server's history becomes the master's. */
  private boolean load(RdbPayload payload, String replId, long offset) {
    // the AOF stops and starts again with a rewrite of the new dataset, as Redis restarts it around the load
    engine.aof().stopForSync();
    try {
      return loadFlushed(payload, replId, offset);
    } finally {
      engine.aof().restartAfterSync(); // (done already unless the load threw)
    }
  }

  private boolean loadFlushed(RdbPayload payload, String replId, long offset) {
    prepareForLoad();
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Flushing old data");
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      engine.lazyFree().flush(engine.keyspace().db(i), repl.params().lazyFlush.value);
    }
    engine.scripting().functions().flush();
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Loading DB in memory");
    engine.propagation().suppress();
    boolean ok = false;
    try {
      ok = payload.load(engine);
    } finally {
      engine.propagation().resume();
    }
    engine.aof().restartAfterSync();
    if (ok) {
      engine.persistence().removeSyncFileIfUnpersisted(
          "Removing the RDB file obtained from the master. This replica has persistence disabled");
    }
    return ok && synced(replId, offset, true);
  }

  /** Before a full sync's load: the master client goes, and our replicas, whose history has just ended. */
  void prepareForLoad() {
    // the AOF stops and starts again with a rewrite of the new dataset, as Redis restarts it around the load
    engine.aof().stopForSync();
    dropClient();
    repl.disconnectReplicas();
  }

  /** A full sync's data loaded: this server's history becomes the master's, and the master client starts. */
  boolean synced(String replId, long offset, boolean ack) {
    repl.resetHistory(replId, offset);
    // a new history: FACK covers nothing of it until the restarted AOF's base (which holds the sync's data) is written
    aofMarks.clear();
    fsyncedReplOffset = 0;
    if (engine.aof().state() != dev.cairn.core.aof.Aof.State.OFF) {
      aofMarks.addLast(new long[] {engine.aof().offset(), repl.offset()});
    }
    newClient(0);
    state = State.CONNECTED;
    transferSize = -1;
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Finished with success");
    if (ack) {
      sendAck(); // a diskless master starts the stream on this first ACK
    }
    return true;
  }

  /** +CONTINUE: the history goes on; a new id (the master was promoted) makes ours the old one's successor. */
  private boolean continued(String newId) {
    if (!newId.isEmpty() && !newId.equals(engine.replId)) {
      engine.replId2 = engine.replId;
      repl.secondReplOffset = repl.offset() + 1;
      engine.replId = newId;
      Log.log(Log.Level.NOTICE, "Master replication ID changed to " + newId);
      repl.disconnectReplicas(); // they must learn the new id
    }
    dropClient(); // (none left unless a lost connection's client outlived it: its database is the one to continue in)
    newClient(clientDb);
    state = State.CONNECTED;
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    return true;
  }

  private void newClient(int db) {
    client = engine.connect(new MasterConnection(), Unpooled.buffer(256));
    clientGeneration = generation;
    client.master = true;
    client.mustObey = true;
    client.authenticated = true;
    client.select(db);
    lastIoMillis = System.currentTimeMillis();
  }

  private void dropClient() {
    pending.clear();
    txHeld.clear(); // the client's transaction is discarded with it: the master sends it again
    pendingIndex = 0;
    pendingFrom = 0;
    if (client != null) {
      Session c = client;
      clientDb = c.dbIndex();
      client = null;
      engine.disconnect(c);
    }
  }

  /** The master client was closed (CLIENT KILL TYPE master): the link drops and reconnects with PSYNC. */
  void clientClosed() {
    if (client != null && client.closing) {
      clientDb = client.dbIndex();
      client = null;
      closeSocket();
    }
  }

  private void linkDown(int gen) {
    if (gen != generation && !stopped) {
      // the link thread is already on its next connection (this task waited behind a long command, e.g. DEBUG SLEEP):
      // the master client of the connection that went down still goes, keeping its database for a partial resync
      if (client != null && clientGeneration == gen) {
        dropClient();
      }
      return;
    }
    if (state == State.CONNECTED) {
      Log.log(Log.Level.NOTICE, "Connection with master lost.");
      downSinceMillis = System.currentTimeMillis();
    }
    dropClient();
    if (!stopped) {
      state = State.CONNECT;
    }
  }

  /** Batches received and not yet applied (the master client may be paused: CLIENT PAUSE WRITE on the replica). */
  private final java.util.ArrayDeque<Batch> pending = new java.util.ArrayDeque<>();
  /** In the first pending batch: the next command, and where its bytes start. */
  private int pendingIndex;
  private int pendingFrom;
  private final Args args = new Args(new byte[0][], 0);
  /** The bytes of a transaction being received (MULTI up to EXEC), passed on when it is applied. */
  private final io.netty.buffer.ByteBuf txHeld = Unpooled.buffer(256);

  /** Queues a batch of the master's commands and applies what may run (engine thread). */
  private void apply(Batch b) {
    inFlight.release();
    if (b.generation != generation || client == null) {
      return;
    }
    pending.addLast(b);
    drain();
    if (engine.aof().state() != dev.cairn.core.aof.Aof.State.OFF) { // fsynced only once the AOF is on (FACK)
      if (aofMarks.size() > 1024) {
        aofMarks.pollFirst();
      }
      aofMarks.addLast(new long[] {engine.aof().offset(), repl.offset()});
    }
  }

  /** Applies pending commands in order until done or the master client is paused; each one's bytes then go on. */
  private void drain() {
    engine.keyspace().setLoading(true); // the master's commands see keys the master has not expired yet
    try {
      // while a script is busy the master's commands wait (Redis accumulates the stream rather than answer -BUSY to
      // its master); the cron drains them once it is over
      while (!pending.isEmpty() && client != null && !client.closing && !client.suspended()
          && !engine.scripting().busy()) {
        Batch b = pending.peekFirst();
        if (b.generation != generation) {
          pending.pollFirst();
          pendingIndex = 0;
          pendingFrom = 0;
          continue;
        }
        byte[][] argv = b.argv[pendingIndex];
        if (argv != null) {
          args.reset(argv, argv.length);
          boolean ran = client.execute(args);
          if (ran && client.writer.buffer().isReadable() && client.writer.buffer().getByte(0) == '-') {
            errorReply(client.writer.buffer());
          }
          client.writer.buffer().clear(); // the master gets no replies
          if (!ran) {
            return; // paused: this command runs again when the pause ends
          }
        }
        int len = b.ends[pendingIndex] - pendingFrom;
        if (dev.cairn.core.multi.Transactions.inMulti(client)) {
          // inside MULTI nothing is applied yet: the offset moves (and the bytes go on) at EXEC, as in Redis, so that
          // a link lost mid-transaction resumes from its MULTI
          txHeld.writeBytes(b.raw, pendingFrom, len);
        } else if (txHeld.isReadable()) {
          txHeld.writeBytes(b.raw, pendingFrom, len);
          repl.feed(txHeld, txHeld.readerIndex(), txHeld.readableBytes());
          txHeld.clear();
        } else {
          repl.feedFromMaster(b.raw, pendingFrom, len);
        }
        pendingFrom = b.ends[pendingIndex];
        if (++pendingIndex == b.count) {
          pending.pollFirst();
          pendingIndex = 0;
          pendingFrom = 0;
        }
      }
    } finally {
      engine.keyspace().setLoading(false);
    }
  }

  /**
   * A command of the master's stream failed here: the data may have diverged, which Redis logs as critical (and
   * counts); under {@code propagation-error-behavior panic} (or panic-on-replicas) a read-only replica stops.
   */
  private void errorReply(io.netty.buffer.ByteBuf reply) {
    int end = reply.indexOf(reply.readerIndex(), reply.writerIndex(), (byte) '\r');
    int len = Math.min(4096, (end < 0 ? reply.writerIndex() : end) - reply.readerIndex() - 1);
    String err = reply.toString(reply.readerIndex() + 1, Math.max(0, len), StandardCharsets.UTF_8);
    String cmd = client.lastCommand == null || client.lastCommand.equals("NULL") ? "<unknown>" : client.lastCommand;
    Log.log(Log.Level.WARNING, "== CRITICAL == This replica is sending an error to its master: '" + err
        + "' after processing the command '" + cmd + "'");
    engine.stats().unexpectedErrorReplies++;
    String behavior = repl.params().propagationErrorBehavior.value;
    if (repl.params().readOnly.value && !behavior.equals("ignore")) {
      Log.log(Log.Level.WARNING, "Guru Meditation: This replica panicked sending an error to its master after "
          + "processing the command '" + cmd + "'");
      Runtime.getRuntime().halt(1);
    }
  }

  /** REPLCONF ACK with the applied offset (the cron, once a second; REPLCONF GETACK from the master). */
  void sendAck() {
    if (client == null || out == null) {
      return;
    }
    long off = repl.offset();
    try {
      if (engine.aof().state() == dev.cairn.core.aof.Aof.State.ON) {
        send("REPLCONF", "ACK", Long.toString(off), "FACK", Long.toString(fsyncedOffset()));
      } else {
        send("REPLCONF", "ACK", Long.toString(off));
      }
    } catch (IOException e) {
      closeSocket();
    }
  }

  /** (AOF offset, replication offset) after applied batches, until the AOF is fsynced past them. */
  private final java.util.ArrayDeque<long[]> aofMarks = new java.util.ArrayDeque<>();
  private long fsyncedReplOffset;

  /** The replication offset whose effects this replica's AOF has fsynced (FACK). */
  private long fsyncedOffset() {
    dev.cairn.core.aof.Aof aof = engine.aof();
    while (!aofMarks.isEmpty() && aof.fsyncedUpTo(aofMarks.peekFirst()[0])) {
      fsyncedReplOffset = aofMarks.pollFirst()[1];
    }
    return fsyncedReplOffset;
  }

  /** Once per cron tick: ACK every second, and the master's timeout. */
  private long lastAckMillis;

  void cron(long now) {
    long timeout = repl.params().timeout.value * 1000;
    if ((state == State.CONNECTING || state == State.HANDSHAKE) && now - lastIoMillis > timeout) {
      Log.log(Log.Level.WARNING, "Timeout connecting to the MASTER...");
      lastIoMillis = now;
      closeSocket();
    } else if (state == State.TRANSFER && now - lastIoMillis > timeout) {
      Log.log(Log.Level.WARNING, "Timeout receiving bulk data from MASTER... If the problem persists try to set the "
          + "'repl-timeout' parameter in redis.conf to a larger value.");
      lastIoMillis = now;
      closeSocket();
    }
    if (state == State.CONNECTED && client != null) {
      if (now - lastAckMillis >= 1000) {
        lastAckMillis = now;
        sendAck();
      }
      if (now - lastIoMillis > repl.params().timeout.value * 1000) {
        Log.log(Log.Level.WARNING, "MASTER timeout: no data nor PING received...");
        closeSocket();
      }
      if (!pending.isEmpty()) {
        drain(); // what waited for a busy script to end
      }
    }
  }

  // ---- the stream

  /** Commands parsed from one read of the stream, with their raw bytes. */
  private static final class Batch {
    final int generation;
    byte[][][] argv = new byte[16][][];
    int[] ends = new int[16];
    int count;
    byte[] raw;

    Batch(int generation) {
      this.generation = generation;
    }

    void add(byte[][] a, int end) {
      if (count == ends.length) {
        argv = java.util.Arrays.copyOf(argv, count * 2);
        ends = java.util.Arrays.copyOf(ends, count * 2);
      }
      argv[count] = a;
      ends[count++] = end;
    }
  }

  private void stream(InputStream in, int gen) throws IOException, InterruptedException {
    StreamParser p = new StreamParser();
    byte[] buf = new byte[1 << 16];
    while (!stopped && gen == generation) {
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("connection closed by master");
      }
      lastIoMillis = System.currentTimeMillis();
      readOffset += n;
      p.add(buf, n);
      Batch b = new Batch(gen);
      int start = p.consumedMark();
      byte[][] cmd;
      while ((cmd = p.next()) != null) {
        b.add(cmd == StreamParser.BLANK ? null : cmd, p.consumedMark() - start);
      }
      if (b.count > 0) {
        b.raw = p.takeConsumed(start);
        inFlight.acquire();
        engine.loop().execute(() -> apply(b));
      }
    }
  }

  /** The master client's connection: its socket is the link's; killing it drops the link. */
  private final class MasterConnection extends Connection.Detached {
    MasterConnection() {
      super(host + ":" + port);
    }

    @Override
    public void closeNow() {
      closeSocket();
    }

    @Override
    public void closeAfterReply() {
      closeSocket();
    }

    @Override
    public void resumeProcessing() {
      drain(); // a pause ended: the master's commands held meanwhile run now, in order
    }
  }
}
