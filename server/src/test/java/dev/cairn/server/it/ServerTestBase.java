package dev.cairn.server.it;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Integration-test base: one real server per test class on a free port, a Jedis client per test (FLUSHALL before
 * each), and raw sockets for protocol cases. Subclasses may override {@link #serverArgs()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerTestBase {
  protected CairnServer server;
  protected Jedis jedis;
  /** The server's {@code dir}, a fresh temporary directory. */
  protected java.nio.file.Path dataDir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** Extra {@code --name value} startup arguments. */
  protected String[] serverArgs() {
    return new String[0];
  }

  @BeforeAll
  void startServer() throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    // no save points and a directory of its own: a test server writes no RDB file unless a test asks for one
    dataDir = java.nio.file.Files.createTempDirectory("cairn-it");
    List<String> argv = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes", "--save", "", "--dir",
        dataDir.toString()));
    argv.addAll(List.of(serverArgs()));
    ConfigFile.load(config, argv.toArray(new String[0]));
    server = CairnServer.start(config, params);
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    jedis = newJedis();
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() throws Exception {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already closed by the test
      }
    }
    toClose.clear();
  }

  protected int port() {
    return server.port();
  }

  /** Closes {@code c} after the test. */
  protected void closeAfter(AutoCloseable c) {
    toClose.add(c);
  }

  /** Another client, closed after the test. */
  protected Jedis newJedis() {
    Jedis j = new Jedis("127.0.0.1", port(), 10_000);
    toClose.add(j);
    return j;
  }

  /** A raw socket speaking bytes, closed after the test. */
  protected RawClient raw() throws Exception {
    RawClient r = new RawClient("127.0.0.1", port());
    toClose.add(r);
    return r;
  }

  /**
   * Runs {@code task} on the engine thread (the engine's state belongs to it) and returns its result once it has run
   * (up to 10 s): a task handed over and not waited for may run after commands the test sends next.
   */
  protected <T> T onEngine(Callable<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    server.engine().loop().execute(() -> {
      try {
        f.complete(task.call());
      } catch (Throwable t) { // an assertion failing there too, or the caller would only see the timeout
        f.completeExceptionally(t);
      }
    });
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err; // an AssertionError reads as the test's failure, not as an error around it
      }
      throw e;
    }
  }

  /** Waits (up to 5 s) until INFO reports {@code n} blocked clients. */
  protected void awaitBlockedClients(int n) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (jedis.info("clients").contains("blocked_clients:" + n + "\r\n")) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("never saw " + n + " blocked clients: " + jedis.info("clients"));
  }
}
