package dev.cairn.server;

import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ProcessParams;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.log.Log;
import dev.cairn.core.log.LogBridges;
import dev.cairn.core.log.LogMessage;
import dev.cairn.core.server.Shutdown;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code cairn-server [/path/to/cairn.conf] [-] [--port 7000 --save "" ...]}: starts Cairn as redis-server would,
 * with its command line ({@code -v}, {@code --help}, configuration from standard input), start-up sequence and log
 * lines (Redis's test suite and tooling wait for them), pid file, {@code daemonize} and signals.
 */
public final class Main {
  /** System property naming the syslog socket (tests point it at their own). */
  static final String SYSLOG_SOCKET_PROPERTY = "cairn.syslog.socket";

  private Main() {}

  /**
   * The distribution's bundled modules: the {@code modules} directory beside the server's jar (the build puts the
   * module jars the distribution ships there); none when the server does not run from a jar.
   */
  static java.nio.file.Path bundledModulesDir() {
    try {
      var source = Main.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      java.nio.file.Path self = java.nio.file.Path.of(source.getLocation().toURI());
      return self.toString().endsWith(".jar") ? self.resolveSibling("modules") : null;
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  public static void main(String[] argv) throws Exception {
    StartupTimer.start();
    nettyChannelIds();
    if (argv.length > 0) {
      Integer status = specialOption(argv, System.out, System.err);
      if (status != null) {
        System.exit(status);
        return;
      }
    }
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    params.bundledModulesDir = bundledModulesDir();
    String[] stdinText = new String[1];
    // sentinel mode: --sentinel anywhere, a pseudo option with no value
    dev.cairn.server.sentinel.SentinelMode sentinel =
        dev.cairn.server.sentinel.SentinelMode.prepare(config, dev.cairn.server.sentinel.SentinelMode.requested(argv));
    String[] configArgv = sentinel == null ? argv : dev.cairn.server.sentinel.SentinelMode.withoutFlag(argv);
    try {
      ConfigFile.load(config, configArgv, () -> stdinText[0] = new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
      if (sentinel != null) {
        sentinel.loadConfig();
      }
    } catch (ConfigFile.StartupError e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    ProcessParams process = params.process;
    if (process.daemonize.value && !Daemon.isDetachedServer()) {
      System.exit(Daemon.detach(argv, stdinText[0], Shutdown.resolve(params.dir.value, process.effectivePidfile())));
      return;
    }
    try {
      String logfile = process.logfile.value;
      Log.configure(config.find("loglevel").get(),
          logfile.isEmpty() ? "" : Shutdown.resolve(params.dir.value, logfile).toString());
    } catch (IOException e) {
      System.err.println("Can't open the log file: " + e.getMessage());
      System.exit(1);
      return;
    }
    Signals signals = Signals.catchShutdownSignals(); // before anything listens or waits on the engine's loop
    StartupTimer.step("configuration");
    LogBridges.captureJavaLogging();
    process.loglevel.listen(Log::setLevel);
    if (process.syslogEnabled.value) {
      openSyslog(process);
    }

    LogMessage.STARTING.log();
    LogMessage.VERSION.log(Engine.REDIS_VERSION, Log.pid(), Engine.CAIRN_VERSION, Runtime.version().feature());
    if (config.configFromStdin) {
      LogMessage.READING_CONFIG_FROM_STDIN.log();
    }
    if (argv.length == 0) {
      LogMessage.NO_CONFIG_FILE.log("cairn-server");
    } else {
      LogMessage.CONFIG_LOADED.log();
    }
    if (sentinel != null && sentinel.checkConfigFile(config) != null) {
      Log.log(Log.Level.WARNING, sentinel.checkConfigFile(config));
      System.exit(1);
      return;
    }
    String mode = sentinel != null ? "sentinel" : params.cluster.enabled.value ? "cluster" : "standalone";

    StartupTimer.step("log set-up");
    CairnServer server;
    try {
      server = CairnServer.start(config, params, java.util.List.of(), initialized -> {
        int port = initialized.port();
        StartupTimer.step("modules");
        String pidfile = process.effectivePidfile();
        if (pidfile != null) {
          writePidfile(Shutdown.resolve(params.dir.value, pidfile));
        }
        Log.setRole(() -> sentinel == null ? 'M' : 'X');
        boolean showLogo = process.alwaysShowLogo.value
            || process.logfile.value.isEmpty() && !process.syslogEnabled.value && stdoutIsTerminal();
        if (showLogo) {
          Log.raw(Log.Level.NOTICE, Logo.text(mode, port, Log.pid()));
        } else {
          LogMessage.RUNNING_MODE.log(mode, port);
        }
        Transport.logChoice();
        if (sentinel == null) {
          LogMessage.SERVER_INITIALIZED.log();
          signals.deliverTo(initialized.engine().shutdown()); // a signal during the dataset's load stops the server
        }
      }, sentinel == null ? null : sentinel.families());
    } catch (CairnServer.LoadFailure e) {
      System.exit(1); // the loader logged why, last, as Redis does
      return;
    } catch (CairnServer.StoppedWhileLoading e) {
      System.exit(0); // a signal's shutdown during the load, logged
      return;
    } catch (CairnServer.ListenFailure e) {
      LogMessage.LISTEN_SOCKET_FAILED.log(e.host, e.port, e.getMessage());
      LogMessage.FAILED_LISTENING.log(e.port, "tcp");
      System.exit(1);
      return;
    } catch (IllegalStateException e) {
      Log.log(Log.Level.WARNING, e.getMessage());
      System.exit(1);
      return;
    }
    StartupTimer.step("dataset load");
    CairnServer running = server;
    if (sentinel != null) {
      running.eventLoop().submit(() -> sentinel.start(running.engine(), running.eventLoop())).sync();
      signals.deliverTo(running.engine().shutdown()); // once the sentinel has made its shutdown one that never saves
      StartupTimer.step("sentinel");
    } else {
      Log.setRole(() -> running.engine().replication().isReplica() ? 'S' : 'M'); // log lines say S on a replica
    }
    if (running.port() != 0) {
      LogMessage.READY.log("tcp");
    }
    if (running.engine().tlsPort != 0) {
      LogMessage.READY.log("tls");
    }
    if (!config.find("unixsocket").get().isEmpty()) {
      LogMessage.READY.log("unix");
    }
    StartupTimer.log();
    server.awaitStop();
    System.exit(0);
  }

  /**
   * Netty's channel ids hold the process id, which it finds by reflection, and a machine id, which it derives from a
   * network interface's address after listing them all: milliseconds of every start for ids Cairn never shows. Both
   * are given here, the machine id random, as Netty makes it where it finds no address.
   */
  private static void nettyChannelIds() {
    if (System.getProperty("io.netty.processId") == null) {
      System.setProperty("io.netty.processId", Long.toString(ProcessHandle.current().pid() & Integer.MAX_VALUE));
    }
    if (System.getProperty("io.netty.machineId") == null) {
      long r = java.util.concurrent.ThreadLocalRandom.current().nextLong();
      StringBuilder id = new StringBuilder(23);
      for (int i = 0; i < 8; i++) {
        int b = (int) (r >>> (8 * i)) & 0xFF;
        if (i > 0) {
          id.append(':');
        }
        id.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
      }
      System.setProperty("io.netty.machineId", id.toString());
    }
  }

  /**
   * The options that do something other than run the server, handled as redis-server does when they come first:
   * {@code -v}/{@code --version}, {@code -h}/{@code --help}, {@code --test-memory}. Returns the exit status, or null
   * to start the server.
   */
  static Integer specialOption(String[] argv, PrintStream out, PrintStream err) {
    switch (argv[0]) {
      case "-v", "--version" -> {
        out.printf("Redis server v=%s sha=00000000:0 malloc=jvm bits=64 build=0 cairn=%s java=%d%n",
            Engine.REDIS_VERSION, Engine.CAIRN_VERSION, Runtime.version().feature());
        return 0;
      }
      case "-h", "--help" -> {
        err.print(USAGE);
        return 1;
      }
      case "--test-memory" -> {
        if (argv.length != 2) {
          err.print("Please specify the amount of memory to test in megabytes.\n"
              + "Example: ./redis-server --test-memory 4096\n\n");
        } else {
          // a JVM cannot pin and walk physical pages, so Redis's memory test has no meaning here
          err.print("--test-memory is not supported by Cairn: the JVM cannot test physical memory.\n"
              + "Please if you are still in doubt use the following two tools:\n"
              + "1) memtest86: http://www.memtest86.com/\n"
              + "2) memtester: http://pyropus.ca/software/memtester/\n");
        }
        return 1;
      }
      default -> {
        return null;
      }
    }
  }

  private static final String USAGE = """
      Usage: ./cairn-server [/path/to/redis.conf] [options] [-]
             ./cairn-server - (read config from stdin)
             ./cairn-server -v or --version
             ./cairn-server -h or --help
             ./cairn-server --test-memory <megabytes> (not supported: refused)

      Examples:
             ./cairn-server (run the server with default conf)
             echo 'maxmemory 128mb' | ./cairn-server -
             ./cairn-server /etc/redis/6379.conf
             ./cairn-server --port 7777
             ./cairn-server /etc/myredis.conf --loglevel verbose -
             ./cairn-server /etc/myredis.conf --loglevel verbose
      """;

  /**
   * Whether standard output is a terminal, Redis's isatty(stdout) for the logo. Read from /proc where there is one:
   * System.console() looks up console providers (JLine's among them), which cost a start tens of milliseconds, and
   * asks about standard input too.
   */
  static boolean stdoutIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  /** The server's pid, as redis-server writes it; a failure is logged and the server goes on. */
  static void writePidfile(Path file) {
    try {
      Files.writeString(file, Log.pid() + "\n");
    } catch (IOException e) {
      LogMessage.PIDFILE_FAILED.log(e.getMessage());
    }
  }

  /** Lines go to syslog too where the JVM can reach it; otherwise that is said once and the log file goes on. */
  private static void openSyslog(ProcessParams process) {
    String socket = System.getProperty(SYSLOG_SOCKET_PROPERTY, Syslog.DEFAULT_SOCKET);
    try {
      Log.setSyslog(Syslog.open(socket, process.syslogIdent.value, process.syslogFacility.value));
    } catch (Exception | LinkageError e) {
      LogMessage.SYSLOG_UNAVAILABLE.log(e.getMessage());
    }
  }

}
