package dev.cairn.server;

import dev.cairn.core.log.LogMessage;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.EngineLoop;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.log.LogMessage;
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
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running Cairn: the engine plus its listening sockets, all served by one Netty event loop which is also the engine
 * thread (see docs/ARCHITECTURE.md for why one thread). Native epoll where available, NIO elsewhere; io_uring on request
 * ({@link Transport}).
 */
public final class CairnServer implements AutoCloseable {
  private final Engine engine;
  private final EventLoopGroup group;
  private final EventLoop engineThread;
  private final List<Channel> listeners = new ArrayList<>();
  /** The {@code unixsocket} listener, if any; CONFIG SET port/bind leave it alone. */
  private Channel unixListener;
  /** Completes once the server has closed (a shutdown, or a test's close). */
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicInteger fds = new AtomicInteger(10);
  private int boundPort;
  private boolean closed;
  private ServerBootstrap bootstrap;
  /** A {@code bind} address as a socket address's host: {@code *} is every IPv4 address, {@code ::*} every IPv6 one. */
  public static String anyAddress(String host) {
    return host.equals("*") ? "0.0.0.0" : host.equals("::*") ? "::" : host;
  }

  /** The TLS contexts for the cluster bus while tls-cluster is on, else null. */
  private dev.cairn.server.tls.TlsContexts clusterTls() {
    return engine.config().find("tls-cluster").get().equals("yes")
        && engine.tls instanceof dev.cairn.server.tls.TlsContexts t ? t : null;
  }

  /** {@code tls-port} and the TLS contexts. */
  private dev.cairn.server.tls.TlsPort tls;

  private CairnServer(Config config, ServerParams params) {
    this(config, params, CoreCommands.families());
  }

  private CairnServer(Config config, ServerParams params, dev.cairn.api.command.CommandFamily[] families) {
    IoHandlerFactory handlers = Transport.current().handlers();
    this.group = new MultiThreadIoEventLoopGroup(1, r -> {
      // a FastThreadLocalThread, as Netty's own factory makes: on any other thread Netty's Recycler pools nothing (a
      // new ChannelOutboundBuffer entry per write, ~60 bytes a reply batch) and its allocator takes shared, locked
      // magazines instead of the thread's own
      Thread t = new FastThreadLocalThread(r, "cairn-engine");
      t.setDaemon(false);
      return t;
    }, handlers);
    this.engineThread = group.next();
    StartupTimer.step("event loop");
    this.engine = new Engine(config, params, families);
    StartupTimer.step("engine");
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
    return start(config, params, modules, started -> { });
  }

  /**
   * As {@link #start(Config, ServerParams, List)}, calling {@code initialized} with the server once it is set up
   * and before the dataset is loaded (redis-server logs "Server initialized" at that point, and tools wait for it).
   */
  public static CairnServer start(Config config, ServerParams params, List<ModuleInstance> modules,
      java.util.function.Consumer<CairnServer> initialized) throws InterruptedException {
    return start(config, params, modules, initialized, null);
  }

  /**
   * As {@link #start(Config, ServerParams, List, java.util.function.Consumer)} with another command table
   * ({@code families}; null: the core's): sentinel mode, which has no dataset to load.
   */
  public static CairnServer start(Config config, ServerParams params, List<ModuleInstance> modules,
      java.util.function.Consumer<CairnServer> initialized, dev.cairn.api.command.CommandFamily[] families)
      throws InterruptedException {
    CairnServer s = families == null ? new CairnServer(config, params) : new CairnServer(config, params, families);
    s.engine.setStartingUp(families == null); // LOADING until the dataset is in (a sentinel loads none)
    s.bind();
    if (s.engine.cluster() != null) {
      try {
        // the cluster bus on the bus port, on the engine's event loop (see dev.cairn.core.cluster.Gossip)
        dev.cairn.server.cluster.NettyBus.start(s.group, s.engine.cluster(),
            s.engine.params().bind.value.trim().split("\\s+"), s::clusterTls);
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }
    if (families != null) {
      StartupTimer.step("listening socket");
      initialized.accept(s);
      return s;
    }
    StartupTimer.step("listening socket");
    try {
      s.engineThread.submit(() -> s.loadStartupModules(modules)).sync();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    initialized.accept(s);
    try {
      // the AOF wins when it is on, as in Redis; otherwise the RDB file; both load in slices (clients get LOADING)
      CompletableFuture<Boolean> aofLoad = new CompletableFuture<>();
      // the RDB's load starts on the engine thread in the task that found no AOF, so no client is served in between
      // (one would have seen INFO's loading:0 before the load), as Redis serves none before its load has begun
      var persistence = s.engine.persistence();
      CompletableFuture<Boolean> rdbLoad = aofLoad.thenCompose(fromAof -> fromAof
          ? CompletableFuture.completedFuture(true)
          : persistence.loader().loadAtStartup(persistence.rdbFile()));
      s.engineThread.execute(() -> s.engine.aof().loadAtStartupSliced(aofLoad));
      try {
        s.awaitLoad(aofLoad);
      } catch (ExecutionException e) {
        throw new LoadFailure(e.getCause() instanceof Exception x ? x : e);
      }
      if (!s.awaitLoad(rdbLoad)) {
        LogMessage.FATAL_LOADING.log();
        throw new LoadFailure(new IllegalStateException("RDB loading failed"));
      }
    } catch (LoadFailure e) {
      s.close();
      throw e;
    } catch (ExecutionException e) {
      s.close();
      throw new LoadFailure(e);
    }
    // with the dataset (and the replication state its RDB carried) loaded: the replicaof directive's link starts
    s.engineThread.submit(() -> {
      s.engine.replication().startAfterLoad();
      s.engine.setStartingUp(false);
    }).syncUninterruptibly();
    return s;
  }

  /**
   * Waits for a start-up load, which a shutdown (SIGTERM during the load) may end first: then the server is closed and
   * the process is to exit, as Redis exits from a shutdown while loading.
   */
  private <T> T awaitLoad(CompletableFuture<T> load) throws InterruptedException, ExecutionException {
    CompletableFuture.anyOf(load, stopped).get();
    if (!load.isDone()) {
      throw new StoppedWhileLoading();
    }
    return load.get();
  }

  /** A shutdown stopped the server while it loaded its dataset at start-up (it logged so). */
  public static final class StoppedWhileLoading extends RuntimeException {
    StoppedWhileLoading() {
      super("stopped while loading");
    }
  }

  /** The dataset could not be loaded at start-up; the reason is in the log, in Redis's words. */
  public static final class LoadFailure extends RuntimeException {
    LoadFailure(Exception cause) {
      super(cause.getMessage(), cause);
    }
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
    loadBundledModules(manager);
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

  /**
   * The distribution's bundled modules ({@code bundled-modules yes}, the default): every jar in the bundled directory,
   * in name order, through the same jar loading as {@code loadmodule} and MODULE LOAD. A module already loaded by a
   * {@code loadmodule} line is not loaded twice.
   */
  private void loadBundledModules(dev.cairn.core.module.ModuleManager manager) {
    java.nio.file.Path dir = engine.params().bundledModulesDir;
    if (!engine.params().bundledModules || dir == null || !java.nio.file.Files.isDirectory(dir)) {
      return;
    }
    java.util.List<java.nio.file.Path> jars;
    try (var files = java.nio.file.Files.list(dir)) {
      jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Bundled modules in " + dir + " cannot be listed: " + e.getMessage(), e);
    }
    for (java.nio.file.Path jar : jars) {
      try {
        manager.loadBundledJar(jar);
      } catch (dev.cairn.core.module.ModuleLoadException e) {
        throw new IllegalStateException("Module " + jar + " failed to load: " + e.getMessage(), e);
      }
    }
  }

  private void bind() throws InterruptedException {
    Class<? extends ServerChannel> channelType = Transport.current().serverSocket();
    int backlog = (int) engine.params().process.tcpBacklog.value;
    warnIfBacklogCapped(backlog);
    ServerBootstrap b = bootstrap = new ServerBootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, backlog)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 16 << 20))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ClientHandler(engine, fds.incrementAndGet()));
          }
        });
    int port = (int) engine.params().port.value;
    String[] addresses = engine.params().bind.value.trim().split("\\s+");
    tls = new dev.cairn.server.tls.TlsPort(engine, b, () -> new ClientHandler(engine, fds.incrementAndGet()));
    try {
      tls.start();
    } catch (IllegalStateException e) {
      close();
      throw e;
    }
    if (port == 0 && engine.tlsPort != 0) {
      addresses = new String[0]; // port 0 beside a TLS port: no plain TCP port, as in Redis
    }
    for (String addr : addresses) {
      if (addr.isEmpty()) {
        continue; // bind "": no TCP listener at all (the unix socket or the TLS port serves), as at CONFIG SET
      }
      boolean optional = addr.startsWith("-");
      String host = optional ? addr.substring(1) : addr;
      host = anyAddress(host);
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
    boolean noTcp = engine.params().bind.value.isBlank();
    if (listeners.isEmpty() && engine.tlsPort == 0 && !noTcp) {
      close();
      throw new IllegalStateException("Could not bind any address of '" + engine.params().bind.value + "'");
    }
    bindUnixSocket();
    if (listeners.isEmpty() && engine.tlsPort == 0 && unixListener == null) {
      close();
      throw new IllegalStateException("Configured to not listen anywhere, exiting.");
    }
    engine.params().port.onApply(() -> changeListeners("Unable to listen on this port. Check server logs."));
    engine.params().bind.onApply(() -> {
      changeListeners("Failed to bind to specified addresses.");
      tls.rebind();
    });
    engine.transport = Transport.current().apiName;
    engine.listeningPort = boundPort != 0 ? boundPort : (int) engine.params().port.value; // (bind "": the configured one)
    engine.setShutdownHook(() -> {
      // the listening sockets close now (on the engine thread Netty closes inline), so a new server can take the port
      // as soon as "ready to exit" is logged; the rest stops off the engine thread, which it waits for
      listeners.forEach(Transport::stopListening);
      tls.closeNow();
      if (unixListener != null) {
        Transport.stopListening(unixListener);
      }
      new Thread(this::close, "cairn-shutdown").start();
    });
    engineThread.submit(() -> engine.start(new NettyLoop(engineThread))).sync();
  }

  /** Redis's start-up warning when the kernel caps the listen queue below {@code tcp-backlog}. */
  private static void warnIfBacklogCapped(int backlog) {
    java.nio.file.Path somaxconn = java.nio.file.Path.of("/proc/sys/net/core/somaxconn");
    try {
      int cap = Integer.parseInt(java.nio.file.Files.readString(somaxconn).strip());
      if (cap < backlog) {
        dev.cairn.core.log.LogMessage.TCP_BACKLOG_NOT_ENFORCED.log(backlog, somaxconn, cap);
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux, or not readable: nothing to compare with, as Redis says nothing then
    }
  }

  /**
   * {@code unixsocket}: also listens on a Unix domain socket (native epoll or io_uring only), serving the same clients; the file is
   * replaced if it exists and given {@code unixsocketperm}, as redis-server does.
   */
  private void bindUnixSocket() {
    String path = engine.config().find("unixsocket").get();
    if (path.isEmpty()) {
      return;
    }
    Class<? extends ServerChannel> domainSocket = Transport.current().serverDomainSocket();
    if (domainSocket == null) {
      close();
      throw new IllegalStateException("unixsocket needs native epoll or io_uring, which is not available here");
    }
    try {
      java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(path));
      Channel ch = new ServerBootstrap().group(group)
          .channel(domainSocket)
          .option(ChannelOption.SO_BACKLOG, (int) engine.params().process.tcpBacklog.value)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 16 << 20))
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
              c.pipeline().addLast(new ClientHandler(engine, fds.incrementAndGet()));
            }
          })
          .bind(new io.netty.channel.unix.DomainSocketAddress(path)).sync().channel();
      unixListener = ch;
      int perm = Integer.parseInt(engine.config().find("unixsocketperm").get(), 8);
      if (perm != 0) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> set = new java.util.HashSet<>();
        java.nio.file.attribute.PosixFilePermission[] all = java.nio.file.attribute.PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
          if ((perm & (1 << (8 - i))) != 0) {
            set.add(all[i]);
          }
        }
        java.nio.file.Files.setPosixFilePermissions(java.nio.file.Path.of(path), set);
      }
    } catch (Exception e) {
      close();
      throw new IllegalStateException("Failed opening Unix socket: " + e.getMessage(), e);
    }
  }

  /**
   * CONFIG SET port / bind: listens on the new port and addresses, then stops listening on the old ones; if any
   * address fails, the new sockets are closed and the old ones stay, and CONFIG SET fails with Redis's message. This
   * runs on the engine thread, which is the event loop, where Netty registers and binds a channel inline, so the new
   * sockets listen before the reply is sent (a client may connect to the new port as soon as it reads OK).
   */
  private void changeListeners(String failure) throws dev.cairn.core.config.ConfigException {
    int port = (int) engine.params().port.value;
    List<Channel> opened = new ArrayList<>();
    for (String addr : engine.params().bind.value.trim().split("\\s+")) {
      if (addr.isEmpty() || (port == 0 && engine.tlsPort != 0)) { // port 0 beside a TLS port: no plain port
        continue; // bind "": no TCP listener at all
      }
      boolean optional = addr.startsWith("-");
      String host = optional ? addr.substring(1) : addr;
      InetSocketAddress a = new InetSocketAddress(anyAddress(host), port);
      io.netty.channel.ChannelFuture reg = bootstrap.register();
      io.netty.channel.ChannelFuture bound = reg.isSuccess() ? reg.channel().bind(a) : reg;
      if (bound.isDone() && bound.isSuccess()) {
        opened.add(bound.channel());
        continue;
      }
      if (!bound.isDone()) {
        bound.addListener((io.netty.channel.ChannelFutureListener) f -> {
          if (f.isSuccess()) {
            listeners.add(f.channel());
          }
        });
        continue; // not expected on the event loop; it listens as soon as the bind completes
      }
      bound.channel().close();
      if (optional) {
        continue; // an optional address that cannot be had is skipped, as at startup
      }
      dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.WARNING,
          "Failed listening on port " + port + " (" + host + "), aborting: " + bound.cause().getMessage());
      opened.forEach(Channel::close);
      throw new dev.cairn.core.config.ConfigException(failure);
    }
    List<Channel> old = new ArrayList<>(listeners);
    listeners.clear();
    listeners.addAll(opened);
    old.forEach(Transport::stopListening);
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
    try {
      stopped.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never: it completes normally
    }
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
        Runnable stop = () -> {
          engine.modules().stop();
          engine.replication().beforeShutdown(); // the link to our master (if any) stops reconnecting
          engine.aof().shutdown(); // what is buffered reaches the file and is fsynced
          // clients are disconnected now, as a process's exit would: one held by a script abandoned at shutdown too
          for (dev.cairn.core.connection.Session client : new java.util.ArrayList<>(engine.clients())) {
            client.connection.closeNow();
          }
          engine.replication().releaseBacklog();
          if (engine.cluster() != null) {
            engine.cluster().stop(); // the bus closes and nodes.conf is unlocked
          }
        };
        if (engineThread.inEventLoop()) {
          stop.run();
        } else {
          engineThread.submit(stop).await(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Channel ch : listeners) {
      ch.close().syncUninterruptibly();
    }
    if (tls != null) {
      tls.close();
    }
    if (unixListener != null) {
      unixListener.close().syncUninterruptibly();
    }
    String unix = engine.config().find("unixsocket").get();
    if (!unix.isEmpty()) {
      try {
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(unix)); // as redis-server removes it on exit
      } catch (java.io.IOException ignored) {
        // nothing more to do on the way out
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    stopped.complete(null);
  }

  /** The engine thread, for connections the server makes itself (Sentinel's links). */
  public EventLoop eventLoop() {
    return engineThread;
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
