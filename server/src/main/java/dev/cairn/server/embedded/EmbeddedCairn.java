package dev.cairn.server.embedded;

import dev.cairn.api.Module;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cairn inside a Java process: a real server on a TCP port, for tests and applications that want one in-process.
 *
 * <pre>{@code
 * try (EmbeddedCairn cairn = EmbeddedCairn.builder().port(0).module(Path.of("cairn-bloom.jar")).start()) {
 *   Jedis jedis = new Jedis(cairn.host(), cairn.port());
 * }
 * }</pre>
 *
 * Only this class and its builder are the API: the Netty server behind it is not.
 */
public final class EmbeddedCairn implements AutoCloseable {
  private final CairnServer server;

  private EmbeddedCairn(CairnServer server) {
    this.server = server;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the one chosen when the builder asked for port 0). */
  public int port() {
    return server.port();
  }

  /** The address it listens on. */
  public String host() {
    return "127.0.0.1";
  }

  /** Stops the server: modules get SHUTDOWN and are unloaded, connections close. */
  @Override
  public void close() {
    server.close();
  }

  /** What to start. */
  public static final class Builder {
    private int port;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<List<String>> jars = new ArrayList<>();
    private final List<CairnServer.ModuleInstance> instances = new ArrayList<>();
    private Path dataDir;

    private Builder() {}

    /** The TCP port; 0 (the default) picks a free one. */
    public Builder port(int p) {
      this.port = p;
      return this;
    }

    /** A config parameter, as in a config file ({@code "maxclients", "100"}); module parameters too. */
    public Builder config(String name, String value) {
      config.put(name, value);
      return this;
    }

    /** A module jar to load at startup, with its load arguments. */
    public Builder module(Path jar, String... args) {
      List<String> l = new ArrayList<>();
      l.add(jar.toAbsolutePath().normalize().toString());
      l.addAll(List.of(args));
      jars.add(l);
      return this;
    }

    /** A module on the class path, given as an instance, with its load arguments. */
    public Builder module(Module module, String... args) {
      instances.add(new CairnServer.ModuleInstance(module, List.of(args)));
      return this;
    }

    /** The data directory ({@code dir}); the working directory when not set. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /**
     * Starts the server and returns once it accepts connections; throws {@link IllegalStateException} when it cannot
     * (bad config, port taken, a module that fails to load).
     */
    public EmbeddedCairn start() {
      Config c = new Config();
      ServerParams params = new ServerParams(c);
      try {
        c.set("port", Integer.toString(port));
        c.set("bind", "127.0.0.1");
        if (dataDir != null) {
          c.set("dir", dataDir.toAbsolutePath().toString());
        }
        for (Map.Entry<String, String> e : config.entrySet()) {
          if (c.find(e.getKey()) == null && e.getKey().indexOf('.') > 0) {
            c.pendingModuleConfigs().put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
          } else {
            c.set(e.getKey(), e.getValue());
          }
        }
      } catch (ConfigException e) {
        throw new IllegalStateException("bad config: " + e.getMessage(), e);
      }
      params.loadModules.addAll(jars);
      if (config.containsKey("loglevel")) {
        // the log is the process's (the one a Main would configure): an embedded server given a level sets it
        dev.cairn.core.log.Log.setLevel(c.find("loglevel").get());
      }
      try {
        return new EmbeddedCairn(CairnServer.start(c, params, instances));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting", e);
      }
    }
  }
}
