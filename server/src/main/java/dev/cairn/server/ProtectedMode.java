package dev.cairn.server;

import dev.cairn.core.Engine;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * protected-mode: while the default user has no password, only clients on the loopback interface (or the Unix socket)
 * are served; others get Redis's DENIED explanation and are disconnected.
 */
final class ProtectedMode {
  private ProtectedMode() {}

  static final dev.cairn.api.reply.RedisException DENIED = dev.cairn.api.reply.RedisException.of("DENIED",
      "Redis is running in protected mode because protected mode is enabled and no password is set f"
      + "or the default user. In this mode connections are only accepted from the loopback interface. If you "
      + "want to connect from external computers to Redis you may adopt one of the following solutions: 1) Ju"
      + "st disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback inter"
      + "face by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not"
      + " publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2"
      + ") Alternatively you can just disable the protected mode by editing the Redis configuration file, and"
      + " setting the protected mode option to 'no', and then restarting the server. 3) If you started the se"
      + "rver manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an auth"
      + "entication password for the default user. NOTE: You only need to do one of the above things in order"
      + " for the server to start accepting connections from the outside.");

  /** Whether a new client from {@code remote} must be refused. */
  static boolean denies(Engine engine, SocketAddress remote) {
    if (!engine.params().process.protectedMode.value || !engine.acl().defaultUser().nopass()) {
      return false;
    }
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        && !inet.getAddress().isLoopbackAddress();
  }
}
