package dev.cairn.server.sentinel;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Handler;
import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.log.Log;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cairn-server sentinel.conf --sentinel}: the same server process with Sentinel's command table (the commands
 * Redis flags SENTINEL, plus SENTINEL itself; INFO, ROLE and PUBLISH answer as a sentinel's do), port 26379 by default,
 * the {@code sentinel} configuration lines, and the monitoring loop ({@link Sentinel}) on the engine thread.
 */
public final class SentinelMode {
  public static final int DEFAULT_PORT = 26379;

  /** The commands a sentinel has (Redis 7.2's SENTINEL-flagged commands), by container|name. */
  private static final Set<String> KEPT = Set.of("auth", "hello", "info", "ping", "psubscribe", "publish",
      "punsubscribe", "role", "shutdown", "subscribe", "unsubscribe", "acl", "client", "command",
      "client|caching", "client|getname", "client|getredir", "client|help", "client|id", "client|info",
      "client|kill", "client|list", "client|no-evict", "client|pause", "client|reply", "client|setinfo",
      "client|setname", "client|tracking", "client|trackinginfo", "client|unblock", "client|unpause",
      "command|count", "command|docs", "command|getkeys", "command|getkeysandflags", "command|help", "command|info",
      "command|list", "acl|cat", "acl|deluser", "acl|dryrun", "acl|genpass", "acl|getuser", "acl|help", "acl|list",
      "acl|load", "acl|log", "acl|save", "acl|setuser", "acl|users", "acl|whoami");

  private final SentinelCommands commands = new SentinelCommands();
  private final SentinelConfig sentinelConfig;
  private Sentinel sentinel;

  private SentinelMode(SentinelConfig sentinelConfig) {
    this.sentinelConfig = sentinelConfig;
  }

  /** True when the command line asks for sentinel mode ({@code --sentinel} anywhere, as redis-server checks). */
  public static boolean requested(String[] argv) {
    for (String a : argv) {
      if (a.equals("--sentinel")) {
        return true;
      }
    }
    return false;
  }

  /** The command line without {@code --sentinel}, a pseudo option with no value. */
  public static String[] withoutFlag(String[] argv) {
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      if (!a.equals("--sentinel")) {
        out.add(a);
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * Before the configuration is read: the {@code sentinel} directive (refused outside sentinel mode, as redis-server
   * refuses it) and, in sentinel mode, Sentinel's default port. Returns the mode's state in sentinel mode, else null.
   */
  public static SentinelMode prepare(Config config, boolean sentinelMode) {
    SentinelConfig sc = SentinelConfig.register(config, sentinelMode);
    if (!sentinelMode) {
      return null;
    }
    try {
      config.find("port").setFromFile(List.of(Integer.toString(DEFAULT_PORT)));
    } catch (dev.cairn.core.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
    return new SentinelMode(sc);
  }

  /** After the configuration is read: applies its {@code sentinel} lines (a bad one stops the start-up). */
  public void loadConfig() throws dev.cairn.core.config.ConfigFile.StartupError {
    sentinel = sentinelConfig.load();
    commands.bind(sentinel);
  }

  /** After the configuration is read: the file sentinel mode needs to save its state in; null when fine. */
  public String checkConfigFile(Config config) {
    if (config.configFile == null) {
      return "Sentinel needs config file on disk to save state. Exiting...";
    }
    if (!Files.isWritable(config.configFile)) {
      return "Sentinel config file " + config.configFile + " is not writable: Permission denied. Exiting...";
    }
    return null;
  }

  /** The command families of sentinel mode: the core's sentinel commands and SENTINEL. */
  public CommandFamily[] families() {
    CommandFamily[] core = CoreCommands.families();
    CommandFamily filtered = registry -> {
      boolean[] hasRole = {false};
      CommandRegistry filter = new CommandRegistry() {
        @Override
        public void add(CommandSpec spec, Handler handler) {
          String name = spec.container() == null ? spec.name() : spec.container() + "|" + spec.name();
          if (!KEPT.contains(name)) {
            return;
          }
          hasRole[0] |= name.equals("role");
          Handler h = switch (name) {
            case "info" -> commands::info;
            case "role" -> commands::role;
            case "publish" -> commands::publish;
            default -> handler;
          };
          registry.add(spec, h);
        }

        @Override
        public void addContainer(CommandSpec spec) {
          if (KEPT.contains(spec.name())) {
            registry.addContainer(spec);
          }
        }
      };
      for (CommandFamily f : core) {
        f.register(filter);
      }
      if (!hasRole[0]) {
        registry.add(SentinelCommands.ROLE, commands::role);
      }
    };
    return new CommandFamily[] {filtered, commands};
  }

  /**
   * Starts the sentinel on the engine thread, once the server listens: applies the {@code sentinel} lines, picks an
   * id if the file has none and saves it, logs the id and a +monitor event per master, starts the loop.
   */
  public void start(Engine engine, EventLoop loop) {
    if (sentinel == null) {
      throw new IllegalStateException("sentinel configuration not loaded");
    }
    sentinel.engine = engine;
    engine.shutdown().neverSave(); // SIGTERM and SHUTDOWN never write an RDB file in sentinel mode
    engine.beforeStop(sentinel::stop); // no event, hello or vote after "ready to exit"
    if (sentinel.myId == null) {
      sentinel.myId = Engine.randomHex(40); // kept across restarts from now on: the file is saved below
    }
    sentinelConfig.flush();
    Log.log(Log.Level.NOTICE, "Sentinel ID is " + sentinel.myId);
    for (Instance m : sentinel.masters.values()) {
      sentinel.event(Log.Level.WARNING, "+monitor", m, "%@ quorum " + m.quorum);
    }
    sentinel.start(engine, loop);
  }

  /** Ends the sentinel's loop and links: a shutdown does it itself, a server closed without one (tests) does not. */
  public void stop() {
    if (sentinel != null) {
      sentinel.stop();
    }
  }

  /** An address SENTINEL MONITOR accepts: an IP, or with resolve-hostnames a name that resolves; null otherwise. */
  static String validateHost(String host, boolean resolveHostnames) {
    boolean literal = host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.indexOf(':') >= 0;
    if (!literal && !resolveHostnames) {
      return null;
    }
    try {
      InetAddress a = InetAddress.getByName(host);
      return literal ? a.getHostAddress() : host;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
