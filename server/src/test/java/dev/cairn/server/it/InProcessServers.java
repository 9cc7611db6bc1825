package dev.cairn.server.it;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * Cairn servers in this JVM for replication tests, each on a port and in a directory of its own (no save points, no
 * diskless-sync delay), each with a Jedis client; closed together.
 */
final class InProcessServers implements AutoCloseable, AfterEachCallback {
  final List<CairnServer> servers = new ArrayList<>();
  final List<Jedis> clients = new ArrayList<>();
  private final Map<Jedis, Integer> ports = new HashMap<>();
  private final Path dir;
  private final boolean ownsDir;
  private int n;

  /** Servers whose directories are below {@code dir}, which the caller owns. */
  InProcessServers(Path dir) {
    this.dir = dir;
    this.ownsDir = false;
  }

  /**
   * For a test class's {@code @RegisterExtension} field: servers in a temporary directory of their own, all closed
   * and the directory removed after each test.
   */
  InProcessServers() {
    try {
      this.dir = Files.createTempDirectory("cairn-servers");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.ownsDir = true;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
    if (ownsDir && Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** How many servers were started so far: the index the next one gets. */
  int started() {
    return n;
  }

  /** The directory of the {@code index}-th server started. */
  Path dirOf(int index) {
    return dir.resolve("s" + index);
  }

  /** A new server with {@code extra} arguments after the defaults, and a client of it. */
  Jedis start(String... extra) throws Exception {
    return startIn(n++, extra);
  }

  /**
   * A server in this JVM started as Main starts one from {@code argv} (a config file and/or {@code --name value}
   * pairs): it has loaded its directory's RDB or AOF before this returns (and throws when they do not load).
   */
  static CairnServer launch(String... argv) throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, argv);
    return CairnServer.start(config, params);
  }

  /**
   * A server on a free loopback port with DEBUG enabled, working in {@code dir}, with {@code extra} arguments after
   * those (later arguments win).
   */
  static CairnServer launchIn(Path dir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes", "--dir", dir.toString()));
    args.addAll(List.of(extra));
    return launch(args.toArray(new String[0]));
  }

  /** A server in the directory of the {@code index}-th one started (a restart of a stopped server keeps its files). */
  Jedis startIn(int index, String... extra) throws Exception {
    CairnServer s = serverIn(index, extra);
    Jedis j = new Jedis("127.0.0.1", s.port(), 10_000);
    clients.add(j);
    ports.put(j, s.port());
    return j;
  }

  /** A new server with no client of its own: one with no plain port (port 0 beside a tls-port) takes TLS clients. */
  CairnServer server(String... extra) throws Exception {
    return serverIn(n++, extra);
  }

  private CairnServer serverIn(int index, String... extra) throws Exception {
    Path d = dirOf(index);
    Files.createDirectories(d);
    List<String> args = new ArrayList<>(List.of("--save", "", "--repl-diskless-sync-delay", "0"));
    args.addAll(List.of(extra));
    CairnServer s = launchIn(d, args.toArray(new String[0]));
    servers.add(s);
    return s;
  }

  /** The port of the server {@code j} talks to. */
  int port(Jedis j) {
    return ports.get(j);
  }

  @Override
  public void close() {
    clients.forEach(Jedis::close);
    servers.forEach(CairnServer::close);
    clients.clear();
    servers.clear();
    ports.clear();
  }
}
