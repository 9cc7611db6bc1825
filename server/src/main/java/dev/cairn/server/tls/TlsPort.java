package dev.cairn.server.tls;

import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.log.Log;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The TLS side of the server: {@code tls-port}'s listening sockets (on the {@code bind} addresses, beside the plain
 * port), whose connections get an {@link io.netty.handler.ssl.SslHandler} in front of the same client handler as the
 * plain port's, and the contexts of {@link TlsContexts}. A CONFIG SET of a {@code tls-*} parameter builds the contexts
 * again (new certificates and keys are read from their files then), and new connections use them; connections already
 * open keep theirs. A configuration that cannot be used fails the CONFIG SET with Redis's message and changes nothing.
 */
public final class TlsPort {
  /** The parameters whose change rebuilds the contexts (tls-port also rebinds). */
  private static final String[] CONTEXT_PARAMS = {"tls-cert-file", "tls-key-file", "tls-key-file-pass",
      "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
      "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites",
      "tls-prefer-server-ciphers", "tls-session-caching", "tls-session-cache-size", "tls-session-cache-timeout",
      "tls-auth-clients", "tls-replication", "tls-cluster"};

  private final Engine engine;
  private final ServerBootstrap bootstrap;
  private final List<Channel> listeners = new ArrayList<>();
  private volatile TlsContexts contexts;

  /** {@code base}: the plain port's bootstrap, whose options the TLS port shares; {@code client}: its handler. */
  public TlsPort(Engine engine, ServerBootstrap base, Supplier<ChannelHandler> client) {
    this.engine = engine;
    this.bootstrap = base.clone().childHandler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("tls", contexts.newHandler(ch.alloc())).addLast(client.get());
      }
    });
  }

  /** Whether TLS must be configured: a TLS port, or outgoing TLS (replication, cluster). */
  private boolean wanted() {
    Config c = engine.config();
    return tlsPort() != 0 || c.find("tls-replication").get().equals("yes")
        || c.find("tls-cluster").get().equals("yes");
  }

  private int tlsPort() {
    return Integer.parseInt(engine.config().find("tls-port").get());
  }

  /**
   * At start-up: builds the contexts if TLS is wanted and listens on the TLS port. Throws with Redis's message when the
   * configuration is unusable (the reason is logged first).
   */
  public void start() {
    if (wanted()) {
      try {
        configure();
      } catch (TlsContexts.Invalid e) {
        Log.log(Log.Level.WARNING, e.getMessage());
        throw new IllegalStateException("Failed to configure TLS. Check logs for more info.");
      }
    }
    int port = tlsPort();
    if (port != 0) {
      String failure = bindAll(port);
      if (failure != null) {
        close();
        throw new IllegalStateException(failure);
      }
    }
    Config c = engine.config();
    for (String name : CONTEXT_PARAMS) {
      c.find(name).onApply(this::reconfigure);
    }
    c.find("tls-port").onApply(this::changePort);
  }

  private void configure() throws TlsContexts.Invalid {
    TlsContexts t = TlsContexts.build(engine.config());
    contexts = t;
    engine.tls = t;
  }

  /** CONFIG SET of a context parameter: Redis's applyTlsCfg. */
  private void reconfigure() throws ConfigException {
    if (!wanted()) {
      return;
    }
    try {
      configure();
    } catch (TlsContexts.Invalid e) {
      Log.log(Log.Level.WARNING, e.getMessage());
      throw new ConfigException("Unable to update TLS configuration. Check server logs.");
    }
  }

  /** CONFIG SET tls-port: the contexts (if TLS was off), then the new port; the old sockets close once it listens. */
  private void changePort() throws ConfigException {
    reconfigure();
    List<Channel> old = new ArrayList<>(listeners);
    listeners.clear();
    int port = tlsPort();
    if (port != 0) {
      String failure = bindAll(port);
      if (failure != null) {
        listeners.forEach(Channel::close);
        listeners.clear();
        listeners.addAll(old);
        Log.log(Log.Level.WARNING, failure);
        throw new ConfigException("Unable to listen on this port. Check server logs.");
      }
    }
    old.forEach(dev.cairn.server.Transport::stopListening);
    engine.tlsPort = port;
  }

  /** Called after CONFIG SET bind changed the addresses: the TLS port follows them. */
  public void rebind() throws ConfigException {
    if (tlsPort() != 0) {
      changePort();
    }
  }

  /** Listens on {@code port} at every {@code bind} address; null, or what failed. */
  private String bindAll(int port) {
    for (String addr : engine.params().bind.value.trim().split("\\s+")) {
      if (addr.isEmpty()) {
        continue;
      }
      boolean optional = addr.startsWith("-");
      String host = optional ? addr.substring(1) : addr;
      InetSocketAddress a = new InetSocketAddress(dev.cairn.server.CairnServer.anyAddress(host), port);
      ChannelFuture f;
      if (bootstrap.config().group().next().inEventLoop()) {
        // CONFIG SET runs on the engine thread, which is the event loop: Netty registers and binds inline there
        ChannelFuture reg = bootstrap.register();
        f = reg.isSuccess() ? reg.channel().bind(a) : reg;
      } else {
        f = bootstrap.bind(a).awaitUninterruptibly();
      }
      if (!f.isDone()) {
        listeners.add(f.channel()); // not expected on the event loop; it listens as soon as the bind completes
      } else if (f.isSuccess()) {
        listeners.add(f.channel());
      } else {
        f.channel().close();
        if (optional) {
          continue;
        }
        return "Failed listening on port " + port + " (tls), aborting: " + f.cause().getMessage();
      }
    }
    engine.tlsPort = port;
    return null;
  }

  /** The TLS port's listening sockets close. */
  public void close() {
    for (Channel ch : listeners) {
      ch.close().syncUninterruptibly();
    }
    listeners.clear();
  }

  /** Closes the listening sockets now, without waiting (the shutdown path on the engine thread). */
  public void closeNow() {
    listeners.forEach(dev.cairn.server.Transport::stopListening);
  }
}
