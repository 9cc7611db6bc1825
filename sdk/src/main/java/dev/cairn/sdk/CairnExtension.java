package dev.cairn.sdk;

import dev.cairn.api.Module;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import redis.clients.jedis.Jedis;

/**
 * Starts an embedded Cairn on a free port for a test class, with the modules its {@link WithCairn} names loaded, and
 * injects {@link Jedis} clients (one per parameter, closed after the test) and the {@link EmbeddedCairn} itself into
 * test methods, constructors and lifecycle methods.
 *
 * <pre>{@code
 * @ExtendWith(CairnExtension.class)
 * @WithCairn(modules = BloomModule.class)
 * class BloomTest {
 *   @Test void adds(Jedis jedis) { ... }
 * }
 * }</pre>
 */
public final class CairnExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CairnExtension.class);

  /** Closes the server when the class's store is closed (after all its tests). */
  private record Server(EmbeddedCairn cairn, Path dataDir) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      cairn.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** The clients a test was given, closed after it. */
  private record Clients(List<Jedis> list) implements AutoCloseable {
    @Override
    public void close() {
      list.forEach(Jedis::close);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server(context);
  }

  private static EmbeddedCairn server(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext.getStore(NS).getOrComputeIfAbsent("server", k -> start(testClass), Server.class)
        .cairn();
  }

  /** Starts the server {@code testClass}'s {@link WithCairn} describes (none: a plain server). */
  private static Server start(Class<?> testClass) {
    // its own data directory: a dump.rdb the server writes never lands in the project nor loads into the next run
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("cairn-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Server(start(testClass, dataDir), dataDir);
  }

  /**
   * The injected clients' socket timeout: long, so that a test on a loaded machine (a CI runner, a laptop building
   * something else) waits for a slow reply instead of failing with "Read timed out"; a hung server still fails it.
   */
  static final int CLIENT_TIMEOUT_MILLIS = 60_000;

  static EmbeddedCairn start(Class<?> testClass, Path dataDir) {
    WithCairn w = testClass.getAnnotation(WithCairn.class);
    // warnings only: a test run's output shows the tests, not every server's start, module load and shutdown save
    // (a config pair in @WithCairn may set loglevel again)
    EmbeddedCairn.Builder b = EmbeddedCairn.builder().port(0).config("loglevel", "warning");
    boolean dirGiven = false;
    if (w != null) {
      String[] cfg = w.config();
      if (cfg.length % 2 != 0) {
        throw new IllegalArgumentException("@WithCairn config takes name/value pairs");
      }
      for (int i = 0; i < cfg.length; i += 2) {
        dirGiven |= cfg[i].equalsIgnoreCase("dir");
      }
    }
    if (!dirGiven) {
      b.dataDir(dataDir);
    }
    if (w != null) {
      String[] cfg = w.config();
      for (int i = 0; i < cfg.length; i += 2) {
        b.config(cfg[i], cfg[i + 1]);
      }
      for (String jar : w.jars()) {
        b.module(jarPath(jar), w.args());
      }
      for (Class<? extends Module> m : w.modules()) {
        try {
          b.module(m.getConstructor().newInstance(), w.args());
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot create " + m.getName() + ": " + e, e);
        }
      }
    }
    return b.start();
  }

  /** A {@link WithCairn#jars()} entry: a path, or {@code ${property}} naming a system property that holds one. */
  static Path jarPath(String jar) {
    String path = jar;
    if (jar.startsWith("${") && jar.endsWith("}")) {
      String property = jar.substring(2, jar.length() - 1);
      path = System.getProperty(property);
      if (path == null) {
        throw new IllegalStateException("@WithCairn jars: system property " + property + " is not set (set it in"
            + " failsafe's systemPropertyVariables to ${project.build.directory}/${project.build.finalName}.jar)");
      }
    }
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("@WithCairn jars: " + p.toAbsolutePath() + " does not exist; a test that loads"
          + " the module's own jar must run after `package`: name it *IT and run it with failsafe (mvn verify)");
    }
    return p.toAbsolutePath(); // "dir" moves the server's working directory
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    WithCairn w = context.getRequiredTestClass().getAnnotation(WithCairn.class);
    if (w == null || w.flushBeforeEach()) {
      EmbeddedCairn cairn = server(context);
      try (Jedis j = new Jedis(cairn.host(), cairn.port(), CLIENT_TIMEOUT_MILLIS)) {
        j.flushAll();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    return t == Jedis.class || t == EmbeddedCairn.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) throws ParameterResolutionException {
    EmbeddedCairn cairn = server(ec);
    if (pc.getParameter().getType() == EmbeddedCairn.class) {
      return cairn;
    }
    Jedis j = new Jedis(cairn.host(), cairn.port(), CLIENT_TIMEOUT_MILLIS);
    ec.getStore(NS).getOrComputeIfAbsent("clients", k -> new Clients(new ArrayList<>()), Clients.class).list().add(j);
    return j;
  }
}
