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

  private void connectAndSync(int gen) throws IOException, InterruptedException {
    state = State.CONNECTING;
    Log.log(Log.Level.NOTICE, "Connecting to MASTER " + host + ":" + port);
    Socket s = new Socket();
    socket = s;
    int timeout = (int) Math.min(Integer.MAX_VALUE, repl.params().timeout.value * 1000);
    s.connect(new InetSocketAddress(host, port), timeout);
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeout);
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
    send("REPLCONF", "listening-port", Long.toString(announcePort != 0 ? announcePort : engine.listeningPort));
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
      reply = readLine(in);
    }
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
      RdbPayload payload = RdbPayload.receive(this, in, repl.params().disklessLoad.value.equals("disabled")
          ? engine.params().dir.resolve("temp-" + System.currentTimeMillis() + "." + Log.pid() + ".rdb") : null);
      CompletableFuture<Boolean> loaded = new CompletableFuture<>();
      engine.loop().execute(() -> loaded.complete(gen == generation && load(payload, replId, offset)));
      if (!get(loaded)) {
        throw new IOException("Failed trying to load the MASTER synchronization DB from disk");
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
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Flushing old data");
    dropClient();
    repl.disconnectReplicas(); // they follow a history that has just ended
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      engine.keyspace().db(i).flush();
    }
    engine.scripting().functions().flush();
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Loading DB in memory");
    engine.propagation().suppress();
    boolean ok;
    try {
      ok = payload.load(engine);
    } finally {
      engine.propagation().resume();
    }
    if (!ok) {
      return false;
    }
    repl.resetHistory(replId, offset);
    newClient(0);
    state = State.CONNECTED;
    transferSize = -1;
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Finished with success");
    sendAck(); // a diskless master starts the stream on this first ACK
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
    newClient(clientDb);
    state = State.CONNECTED;
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    return true;
  }

  private void newClient(int db) {
    client = engine.connect(new MasterConnection(), Unpooled.buffer(256));
    client.master = true;
    client.mustObey = true;
    client.authenticated = true;
    client.select(db);
    lastIoMillis = System.currentTimeMillis();
  }

  private void dropClient() {
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

  /** Applies a batch of the master's commands, then passes their bytes on (engine thread). */
  private void apply(Batch b) {
    inFlight.release();
    if (b.generation != generation || client == null) {
      return;
    }
    Args args = new Args(new byte[0][], 0);
    int from = 0;
    engine.keyspace().setLoading(true); // the master's commands see keys the master has not expired yet
    try {
      for (int i = 0; i < b.count; i++) {
        byte[][] argv = b.argv[i];
        if (argv != null) {
          args.reset(argv, argv.length);
          client.execute(args);
          client.writer.buffer().clear(); // the master gets no replies
        }
        repl.feedFromMaster(b.raw, from, b.ends[i] - from);
        from = b.ends[i];
        if (client == null || client.closing) {
          return;
        }
      }
    } finally {
      engine.keyspace().setLoading(false);
    }
  }

  /** REPLCONF ACK with the applied offset (the cron, once a second; REPLCONF GETACK from the master). */
  void sendAck() {
    if (client == null || out == null) {
      return;
    }
    long off = repl.offset();
    try {
      send("REPLCONF", "ACK", Long.toString(off));
    } catch (IOException e) {
      closeSocket();
    }
  }

  /** Once per cron tick: ACK every second, and the master's timeout. */
  private long lastAckMillis;

  void cron(long now) {
    if (state == State.CONNECTED && client != null) {
      if (now - lastAckMillis >= 1000) {
        lastAckMillis = now;
        sendAck();
      }
      if (now - lastIoMillis > repl.params().timeout.value * 1000) {
        Log.log(Log.Level.WARNING, "MASTER timeout: no data nor PING received...");
        closeSocket();
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
  }
}
