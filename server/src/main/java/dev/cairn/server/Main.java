package dev.cairn.server;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;

/** {@code cairn-server [/path/to/cairn.conf] [--port 7000 --save "" ...]}: starts Cairn as redis-server would. */
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
    CairnServer server;
    try {
      server = CairnServer.start(config, params);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println("Cairn " + dev.cairn.core.Engine.CAIRN_VERSION + " (Redis " + dev.cairn.core.Engine.REDIS_VERSION
        + " compatible) ready to accept connections on port " + server.port());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cairn-signal"));
    server.awaitStop();
  }
}
