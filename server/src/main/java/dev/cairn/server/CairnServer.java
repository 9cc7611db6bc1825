package dev.cairn.server;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.EngineLoop;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running Cairn: the engine plus its listening sockets, all served by one Netty event loop which is also the engine
 * thread (see docs/ARCHITECTURE.md for why one thread). Native epoll where available, NIO elsewhere.
 */
public final class CairnServer implements AutoCloseable {
  private final Engine engine;
  private final EventLoopGroup group;
  private final EventLoop engineThread;
  private final List<Channel> listeners = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicInteger fds = new AtomicInteger(10);
  private int boundPort;
  private boolean closed;
  private ServerBootstrap bootstrap;

  private CairnServer(Config config, ServerParams params) {
    IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "cairn-engine");
      t.setDaemon(false);
      return t;
    }, io);
    this.engineThread = group.next();
    this.engine = new Engine(config, params, CoreCommands.families());
  }

  /** Starts a server with this configuration; returns once it listens. */
  public static CairnServer start(Config config, ServerParams params) throws InterruptedException {
    return start(config, params, List.of());
  }

  /** A listening socket could not be opened (the port is taken, or the address is not this host's). */
  public static final class ListenFailure extends IllegalStateException {
    public final int port;

    public final String host;

    ListenFailure(int port, String host, Exception cause) {
      super(cause.getMessage(), cause);
      this.port = port;
      this.host = host;
    }
  }

  /** A module given as an instance, with its load arguments. */
  public record ModuleInstance(dev.cairn.api.Module module, List<String> args) { }

  /**
   * Starts a server that also loads {@code modules} (instances on the class path, as an embedded server gives them)
   * after the {@code loadmodule} directives' jars; a module that fails to load stops the startup.
   */
  public static CairnServer start(Config config, ServerParams params, List<ModuleInstance> modules)
      throws InterruptedException {
    CairnServer s = new CairnServer(config, params);
    s.bind();
    try {
      s.engineThread.submit(() -> s.loadStartupModules(modules)).sync();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** {@code loadmodule} jars, then the given instances; leftover module config lines stop the server, as in Redis. */
  private void loadStartupModules(List<ModuleInstance> instances) {
    var manager = engine.modules();
    for (List<String> lm : engine.params().loadModules) {
      java.nio.file.Path path = java.nio.file.Path.of(lm.get(0));
      try {
        manager.loadJar(path, lm.subList(1, lm.size()), java.util.Map.of());
      } catch (dev.cairn.core.module.ModuleLoadException e) {
        throw new IllegalStateException("Module " + path + " failed to load: " + e.getMessage(), e);
      }
    }
    for (ModuleInstance m : instances) {
      try {
        manager.loadInstance(m.module(), m.args(), java.util.Map.of());
      } catch (dev.cairn.core.module.ModuleLoadException e) {
        throw new IllegalStateException("Module " + m.module().getClass().getName() + " failed to load: "
            + e.getMessage(), e);
      }
    }
    if (!engine.config().pendingModuleConfigs().isEmpty()) {
      throw new IllegalStateException("Module Configuration detected without loadmodule directive or no ApplyConfig "
          + "call: aborting (" + String.join(", ", engine.config().pendingModuleConfigs().keySet()) + ")");
    }
  }

  private void bind() throws InterruptedException {
    Class<? extends ServerChannel> channelType =
        Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b = bootstrap = new ServerBootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 511)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 8 << 20))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ClientHandler(engine, fds.incrementAndGet()));
          }
        });
    int port = (int) engine.params().port.value;
    String[] addresses = engine.params().bind.value.trim().split("\\s+");
    for (String addr : addresses) {
      boolean optional = addr.startsWith("-");
      String host = optional ? addr.substring(1) : addr;
      if (host.equals("*")) {
        host = "0.0.0.0";
      }
      try {
        Channel ch = b.bind(new InetSocketAddress(host, port)).sync().channel();
        listeners.add(ch);
        if (boundPort == 0) {
          boundPort = ((InetSocketAddress) ch.localAddress()).getPort();
          port = boundPort; // port 0: every address gets the port the first one was given
        }
      } catch (Exception e) {
        if (!optional) {
          close();
          throw new ListenFailure(port, host, e);
        }
      }
    }
    if (listeners.isEmpty()) {
      close();
      throw new IllegalStateException("Could not bind any address of '" + engine.params().bind.value + "'");
    }
    engine.params().port.onApply(this::changePort);
    engine.params().bind.onApply(this::changePort);
    engine.transport = Epoll.isAvailable() ? "epoll" : "nio";
    engine.listeningPort = boundPort;
    engine.setShutdownHook(() -> new Thread(this::close, "cairn-shutdown").start());
    engineThread.submit(() -> engine.start(new NettyLoop(engineThread))).sync();
  }

  /**
   * CONFIG SET port / bind: listens on the new port and addresses, then stops listening on the old one. Runs on the
   * engine thread, which is also the event loop, so it cannot wait for Netty's bind: each address is first tried with a
   * plain socket, which fails the same way (address in use, no permission) without side effects.
   */
  private void changePort() throws dev.cairn.core.config.ConfigException {
    int port = (int) engine.params().port.value;
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String addr : engine.params().bind.value.trim().split("\\s+")) {
      String host = addr.startsWith("-") ? addr.substring(1) : addr;
      InetSocketAddress a = new InetSocketAddress(host.equals("*") ? "0.0.0.0" : host, port);
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(a);
      } catch (java.io.IOException e) {
        if (addr.startsWith("-")) {
          continue; // optional address, as at startup
        }
        dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.WARNING,
            "Failed listening on port " + port + " (" + host + "): " + e.getMessage());
        throw new dev.cairn.core.config.ConfigException("Unable to listen on this port. Check server logs.");
      }
      addresses.add(a);
    }
    List<Channel> old = new ArrayList<>(listeners);
    listeners.clear();
    for (InetSocketAddress a : addresses) {
      bootstrap.bind(a).addListener((io.netty.channel.ChannelFutureListener) f -> {
        if (f.isSuccess()) {
          listeners.add(f.channel());
        }
      });
    }
    old.forEach(Channel::close);
    boundPort = port;
    engine.listeningPort = port;
  }

  public Engine engine() {
    return engine;
  }

  /** The port the server listens on (the chosen one when configured with port 0). */
  public int port() {
    return boundPort;
  }

  /** Blocks until the server has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!group.isShuttingDown()) {
      // modules hear SHUTDOWN and unload on the engine thread, before it stops
      try {
        if (engineThread.inEventLoop()) {
          engine.modules().stop();
        } else {
          engineThread.submit(() -> engine.modules().stop()).await(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Channel ch : listeners) {
      ch.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    stopped.countDown();
  }

  /** The engine thread as a Netty event loop. */
  private record NettyLoop(EventLoop loop) implements EngineLoop {
    @Override
    public boolean inLoop() {
      return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
      loop.execute(task);
    }

    @Override
    public AutoCloseable schedule(Runnable task, long delay, TimeUnit unit) {
      ScheduledFuture<?> f = loop.schedule(task, delay, unit);
      return () -> f.cancel(false);
    }

    @Override
    public AutoCloseable scheduleAtFixedRate(Runnable task, long period, TimeUnit unit) {
      ScheduledFuture<?> f = loop.scheduleAtFixedRate(task, period, period, unit);
      return () -> f.cancel(false);
    }
  }
}
