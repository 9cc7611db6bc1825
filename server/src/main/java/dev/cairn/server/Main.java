package dev.cairn.server;

import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.log.Log;
import dev.cairn.core.log.LogBridges;
import dev.cairn.core.log.LogMessage;
import java.io.IOException;

/**
 * {@code cairn-server [/path/to/cairn.conf] [--port 7000 --save "" ...]}: starts Cairn as redis-server would, with its
 * start-up sequence and log lines (Redis's test suite and tooling wait for them).
 */
public final class Main {
  private Main() {}

  public static void main(String[] argv) throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    try {
      ConfigFile.load(config, argv);
    } catch (ConfigFile.StartupError e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    try {
      Log.configure(config.find("loglevel").get(), params.process.logfile.value);
    } catch (IOException e) {
      System.err.println("Can't open the log file: " + e.getMessage());
      System.exit(1);
      return;
    }
    LogBridges.captureJavaLogging();
    params.process.loglevel.listen(Log::setLevel);

    LogMessage.STARTING.log();
    LogMessage.VERSION.log(Engine.REDIS_VERSION, Log.pid(), Engine.CAIRN_VERSION, Runtime.version().feature());
    if (argv.length == 0) {
      LogMessage.NO_CONFIG_FILE.log("cairn-server");
    } else {
      LogMessage.CONFIG_LOADED.log();
    }

    CairnServer server;
    try {
      server = CairnServer.start(config, params);
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
    Log.setRole(() -> 'M');
    boolean showLogo = params.process.alwaysShowLogo.value
        || params.process.logfile.value.isEmpty() && !params.process.syslogEnabled.value && System.console() != null;
    if (showLogo) {
      Log.raw(Log.Level.NOTICE, Logo.text("standalone", server.port(), Log.pid()));
    } else {
      LogMessage.RUNNING_MODE.log("standalone", server.port());
    }
    LogMessage.SERVER_INITIALIZED.log();
    if (!loadDataFromDisk(server)) {
      LogMessage.FATAL_LOADING.log();
      System.exit(1);
      return;
    }
    LogMessage.READY.log("tcp");
    onSignal("TERM", server);
    onSignal("INT", server);
    server.awaitStop();
    LogMessage.READY_TO_EXIT.log("Redis");
    System.exit(0);
  }

  /**
   * Loads the dataset before the server is declared ready: the RDB file (the engine thread loads it in slices and
   * answers clients with LOADING meanwhile). Returns false when the file exists but cannot be loaded.
   */
  private static boolean loadDataFromDisk(CairnServer server) throws InterruptedException {
    var persistence = server.engine().persistence();
    try {
      return persistence.loader().loadAtStartup(persistence.rdbFile()).get();
    } catch (java.util.concurrent.ExecutionException e) {
      Log.log(Log.Level.WARNING, "Loading failed: " + e.getCause());
      return false;
    }
  }

  private static volatile boolean shutdownRequested;

  /**
   * SIGTERM and SIGINT shut the server down from the engine thread, as Redis does from its cron; a second SIGINT while
   * that is under way exits at once.
   */
  @SuppressWarnings("sunapi")
  private static void onSignal(String name, CairnServer server) {
    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
      if (shutdownRequested && name.equals("INT")) {
        Log.fromSignalHandler(LogMessage.SIGNAL_INSIST.format());
        Runtime.getRuntime().halt(1);
      }
      shutdownRequested = true;
      Log.fromSignalHandler(LogMessage.SIGNAL_SHUTDOWN.format("SIG" + name));
      server.engine().loop().execute(() -> {
        LogMessage.USER_REQUESTED_SHUTDOWN.log();
        // the same final save as SHUTDOWN without arguments: when save points are configured
        if (!server.engine().persistence().shutdownSave(false, false, false)) {
          LogMessage.SIGTERM_SHUTDOWN_FAILED.log();
          shutdownRequested = false;
          return;
        }
        server.engine().shutdown();
      });
    });
  }
}
