package dev.cairn.server.cluster;

import dev.cairn.core.cluster.BusLink;
import dev.cairn.core.cluster.BusTransport;
import dev.cairn.core.cluster.Cluster;
import dev.cairn.core.cluster.Gossip;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import dev.cairn.server.tls.TlsContexts;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster bus's sockets on the engine's event loop: a listener on the bus port and the outbound links, each
 * framed by the message header's length (bytes 4-7, which count the whole message). Messages and link events go to
 * {@link Gossip} on the engine thread, so the cluster state needs no locks. Under {@code tls-cluster} every link is
 * TLS: accepted ones with the server's certificate and the peer's required, opened ones with the client certificate
 * (the contexts in force when the link starts, as CONFIG SET of tls-* reloads them).
 */
public final class NettyBus implements BusTransport {
  private final EventLoopGroup group;
  /** The TLS contexts while tls-cluster is on, else null. */
  private final Supplier<TlsContexts> tls;
  private final List<Channel> listeners = new ArrayList<>();
  private Gossip gossip;

  private NettyBus(EventLoopGroup group, Supplier<TlsContexts> tls) {
    this.group = group;
    this.tls = tls;
  }

  /** Binds the bus port on the addresses the client port uses and attaches the protocol to the cluster. */
  public static NettyBus start(EventLoopGroup group, Cluster cluster, String[] addresses) throws InterruptedException {
    return start(group, cluster, addresses, () -> null);
  }

  /** As {@link #start(EventLoopGroup, Cluster, String[])}; {@code tls} gives the contexts while tls-cluster is on. */
  public static NettyBus start(EventLoopGroup group, Cluster cluster, String[] addresses, Supplier<TlsContexts> tls)
      throws InterruptedException {
    NettyBus bus = new NettyBus(group, tls);
    bus.gossip = new Gossip(cluster, bus);
    Class<? extends ServerChannel> type = dev.cairn.server.Transport.current().serverSocket();
    ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NettyLink link = new NettyLink(true, ch);
            TlsContexts t = bus.tls.get();
            if (t != null) {
              ch.pipeline().addLast("tls", t.newBusHandler(ch.alloc()));
            }
            bus.pipeline(ch, link);
            bus.gossip.accepted(link);
          }
        });
    int port = cluster.busPort();
    for (String addr : addresses) {
      String host = dev.cairn.server.CairnServer.anyAddress(addr.startsWith("-") ? addr.substring(1) : addr);
      try {
        bus.listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
      } catch (Exception e) {
        if (!addr.startsWith("-")) {
          bus.close();
          throw new IllegalStateException("Could not bind the cluster bus port " + port + " on " + host + ": "
              + e.getMessage(), e);
        }
      }
    }
    cluster.attachBus(bus.gossip);
    return bus;
  }

  private void pipeline(Channel ch, NettyLink link) {
    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 30, 4, 4, -8, 0));
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf m = (ByteBuf) msg;
        if (m.readableBytes() < 8 || m.getByte(0) != 'R' || m.getByte(1) != 'C' || m.getByte(2) != 'm'
            || m.getByte(3) != 'b') {
          m.release();
          ctx.close();
          return;
        }
        gossip.received(link, m);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        gossip.closed(link);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.VERBOSE, "Cluster bus link error: " + cause);
        ctx.close();
      }
    });
  }

  @Override
  public BusLink connect(String ip, int port) {
    Class<? extends Channel> type = dev.cairn.server.Transport.current().socket();
    NettyLink link = new NettyLink(false, null);
    Bootstrap b = new Bootstrap().group(group).channel(type)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            TlsContexts t = tls.get();
            if (t != null) {
              ch.pipeline().addLast("tls", t.newClientHandler(ip, port));
            }
            pipeline(ch, link);
          }
        });
    ChannelFuture f = b.connect(ip, port);
    link.channel = f.channel();
    f.addListener(done -> {
      io.netty.handler.ssl.SslHandler ssl = f.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class);
      if (done.isSuccess() && ssl != null) {
        // usable once the TLS handshake is done (a failed one closes the channel: closed() follows)
        ssl.handshakeFuture().addListener(h -> {
          if (h.isSuccess()) {
            gossip.connected(link);
          }
        });
      } else if (done.isSuccess()) {
        gossip.connected(link);
      } else {
        dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.DEBUG, "Cluster bus connect to " + ip + ":" + port
            + " failed: " + done.cause());
        gossip.closed(link);
      }
    });
    return link;
  }

  @Override
  public void close() {
    for (Channel ch : listeners) {
      ch.close();
    }
    listeners.clear();
  }

  /** A bus connection over a Netty channel. */
  static final class NettyLink extends BusLink {
    Channel channel;

    NettyLink(boolean inbound, Channel channel) {
      super(inbound);
      this.channel = channel;
    }

    private boolean flushScheduled;

    /**
     * Queues the message and flushes once the engine thread is done with its current work, as Redis writes a link's
     * queue from its event loop: messages sent by one command go out together, and until then they count in the
     * link's send queue (CLUSTER LINKS, mem_cluster_links, cluster-link-sendbuf-limit).
     */
    @Override
    public void send(ByteBuf message) {
      if (!channel.isActive()) {
        message.release();
        return;
      }
      channel.write(message, channel.voidPromise());
      if (!flushScheduled) {
        flushScheduled = true;
        channel.eventLoop().execute(() -> {
          flushScheduled = false;
          channel.flush();
        });
      }
    }

    @Override
    public void close() {
      channel.close();
    }

    @Override
    public boolean connected() {
      return channel.isActive();
    }

    @Override
    public String localIp() {
      return channel.localAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }

    @Override
    public String remoteIp() {
      return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
    }

    @Override
    public long pendingBytes() {
      return channel.unsafe().outboundBuffer() == null ? 0 : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }
  }
}
