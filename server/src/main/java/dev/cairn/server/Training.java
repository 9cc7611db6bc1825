package dev.cairn.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Training DIR}: the run the launcher records its class-data archive from (JDK 24+: an AOT cache with linked
 * classes, lambda forms and profiles; older JDKs: a static CDS archive). It starts the real server through
 * {@link Main} with a configuration like the test suite's, in DIR, on a free port; talks to it as clients do (the
 * commands of the usual test and benchmark start: config, keys of every type, EVAL, FUNCTION, INFO, CLIENT, a
 * pipelined burst of SET/GET); and ends it with SHUTDOWN NOSAVE, so what a real start loads is what gets archived.
 */
public final class Training {
  private static final long GIVE_UP_MILLIS = 120_000;

  private Training() {}

  public static void main(String[] argv) throws Exception {
    boolean sentinel = argv.length > 0 && argv[0].equals("--sentinel");
    Path dir = Path.of(argv.length > (sentinel ? 1 : 0) ? argv[sentinel ? 1 : 0] : ".").toAbsolutePath();
    Files.createDirectories(dir);
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    if (sentinel) {
      sentinel(dir, port);
      return;
    }
    Path conf = dir.resolve("training.conf");
    Files.writeString(conf, """
        always-show-logo yes
        notify-keyspace-events KEA
        loglevel verbose
        logfile ''
        databases 16
        latency-monitor-threshold 1
        save ''
        appendonly no
        enable-debug-command yes
        enable-module-command yes
        """);
    Thread client = new Thread(() -> drive(port), "cairn-training");
    client.setDaemon(true);
    client.start();
    Main.main(new String[] {conf.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString()});
  }

  /**
   * The sentinel mode's archive (a start loads its own classes: the links' client pipeline, SENTINEL's handlers): a
   * sentinel that monitors itself, so that its links connect, send PING, INFO and hellos and parse the replies, while
   * the client asks what the test suite's sentinels are asked; then SHUTDOWN.
   */
  private static void sentinel(Path dir, int port) throws Exception {
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port " + port + "\nlogfile ''\nsentinel monitor training 127.0.0.1 " + port + " 1\n"
        + "sentinel down-after-milliseconds training 2000\n");
    Thread client = new Thread(() -> drive(port, SENTINEL_SCRIPT, 1500), "cairn-training");
    client.setDaemon(true);
    client.start();
    Main.main(new String[] {conf.toString(), "--bind", "127.0.0.1", "--dir", dir.toString(), "--sentinel"});
  }

  private static void drive(int port) {
    drive(port, SCRIPT, 0);
  }

  /** Sends the script, then (a server) a pipelined SET/GET burst, or (a sentinel) waits for its links to work. */
  private static void drive(int port, List<String[]> script, long settleMillis) {
    long deadline = System.currentTimeMillis() + GIVE_UP_MILLIS;
    try (Socket s = connect(port, deadline)) {
      s.setSoTimeout((int) GIVE_UP_MILLIS);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      if (settleMillis > 0) {
        Thread.sleep(settleMillis);
      }
      for (String[] cmd : script) {
        send(out, cmd);
        skipReply(in);
      }
      for (int round = 0; round < (settleMillis > 0 ? 0 : 20); round++) {
        for (int i = 0; i < 100; i++) {
          send(out, new String[] {"SET", "key:" + i, "value-" + i});
          send(out, new String[] {"GET", "key:" + i});
        }
        for (int i = 0; i < 200; i++) {
          skipReply(in);
        }
      }
      send(out, new String[] {"SHUTDOWN", "NOSAVE"});
      in.read(); // the server closes the connection as it exits
    } catch (IOException | RuntimeException | InterruptedException e) {
      System.err.println("training client: " + e);
      System.exit(1);
    }
    // the server exits the JVM itself; if it has not within the limit, the training failed
    try {
      Thread.sleep(GIVE_UP_MILLIS);
    } catch (InterruptedException ignored) {
      // exiting anyway
    }
    System.err.println("training: the server did not exit");
    System.exit(1);
  }

  private static final List<String[]> SCRIPT = commands("""
      PING
      SELECT 9
      FLUSHALL
      FUNCTION FLUSH
      CONFIG SET appendonly no
      CONFIG GET save
      CLIENT SETNAME training
      CLIENT LIST
      CLIENT INFO
      INFO
      INFO commandstats
      DEBUG SET-ACTIVE-EXPIRE 1
      SET s 1
      INCR s
      APPEND s x
      GETRANGE s 0 -1
      MSET a 1 b 2
      MGET a b
      SET e v EX 100
      TTL e
      EXPIRE s 100
      PERSIST s
      HSET h f v g w
      HGETALL h
      LPUSH l a b c
      RPUSH l d
      LRANGE l 0 -1
      LPOP l
      SADD set a b c
      SMEMBERS set
      SISMEMBER set a
      ZADD z 1 a 2 b
      ZRANGE z 0 -1 WITHSCORES
      ZSCORE z a
      XADD st * f v
      XRANGE st - +
      TYPE z
      OBJECT ENCODING h
      EXISTS a b
      SCAN 0
      KEYS *
      DEBUG OBJECT s
      MULTI
      INCR s
      EXEC
      COMMAND COUNT
      DBSIZE
      DEL a b s h l set z st e
      FLUSHALL
      """);

  private static final List<String[]> SENTINEL_SCRIPT = commands("""
      PING
      INFO
      ROLE
      CLIENT SETNAME training
      CLIENT LIST
      SENTINEL MASTERS
      SENTINEL MASTER training
      SENTINEL REPLICAS training
      SENTINEL SENTINELS training
      SENTINEL GET-MASTER-ADDR-BY-NAME training
      SENTINEL CKQUORUM training
      SENTINEL SET training down-after-milliseconds 3000
      SENTINEL CONFIG GET *
      SENTINEL DEBUG
      SENTINEL INFO-CACHE training
      SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 0 *
      SENTINEL FLUSHCONFIG
      SENTINEL REMOVE training
      SENTINEL MONITOR training 127.0.0.1 1 1
      SENTINEL RESET *
      ACL WHOAMI
      """);

  /** One command per line, words split on spaces except inside double quotes (where \\n is a newline). */
  private static List<String[]> commands(String text) {
    List<String[]> all = new ArrayList<>();
    for (String line : text.strip().split("\n")) {
      List<String> words = new ArrayList<>();
      StringBuilder w = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '\\' && quoted && i + 1 < line.length() && line.charAt(i + 1) == 'n') {
          w.append('\n');
          i++;
        } else if (c == ' ' && !quoted) {
          words.add(w.toString());
          w.setLength(0);
        } else {
          w.append(c);
        }
      }
      words.add(w.toString());
      all.add(words.toArray(String[]::new));
    }
    return all;
  }

  private static Socket connect(int port, long deadline) throws IOException {
    while (true) {
      try {
        return new Socket("127.0.0.1", port);
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          throw new IOException(ie);
        }
      }
    }
  }

  private static void send(OutputStream out, String[] cmd) throws IOException {
    StringBuilder b = new StringBuilder().append('*').append(cmd.length).append("\r\n");
    for (String word : cmd) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      b.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
    }
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads one RESP2 reply; an error reply is fine (the run only needs the server to do the work). */
  private static void skipReply(InputStream in) throws IOException {
    int type = in.read();
    String line = readLine(in);
    switch (type) {
      case '+', '-', ':' -> { }
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n >= 0) {
          in.readNBytes(n + 2);
        }
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        for (int i = 0; i < n; i++) {
          skipReply(in);
        }
      }
      default -> throw new IOException("unexpected reply type " + type);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.append((char) c);
    }
    in.read();
    return b.toString();
  }
}
