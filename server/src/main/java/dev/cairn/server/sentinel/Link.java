package dev.cairn.server.sentinel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One outgoing connection of the sentinel to an instance (Redis's instanceLink has two: commands and pub/sub; a
 * {@code Link} is one of them). It lives on the engine thread's event loop, so its callbacks touch the sentinel's state
 * without locks. Replies come back in order, so each sent command's callback waits in a queue; the RESP2 replies are
 * decoded by Netty's Redis codec and handed over as plain Java values ({@link Reply}).
 */
final class Link {
  /** A decoded reply: {@code String} for status and bulk, {@code Long}, {@code List<Reply>}, an error, or null. */
  record Reply(Object value, boolean error) {
    String text() {
      return value instanceof String s ? s : null;
    }

    long integer() {
      return value instanceof Long l ? l : value instanceof String s ? Long.parseLong(s) : 0;
    }

    @SuppressWarnings("unchecked")
    List<Reply> list() {
      return value instanceof List<?> l ? (List<Reply>) l : List.of();
    }
  }

  private final EventLoop loop;
  private final String host;
  private final int port;
  private Channel channel;
  private final ArrayDeque<Consumer<Reply>> pending = new ArrayDeque<>();
  /** Messages of a pub/sub link. */
  private Consumer<List<Reply>> onPush;
  private Runnable onClose = () -> { };
  boolean connected;
  boolean connecting;
  /** When the connection attempt started, for the connect timeout. */
  long connectStarted;
  /** The local address of the connection (a sentinel announces it in its hellos). */
  String localIp;

  private final Class<? extends Channel> channelClass;
  /** The TLS contexts when the link is TLS (tls-replication, as Redis's sentinel decides), else null. */
  private final dev.cairn.server.tls.TlsContexts tls;

  Link(EventLoop loop, String host, int port) {
    this(loop, host, port, null);
  }

  Link(EventLoop loop, String host, int port, dev.cairn.server.tls.TlsContexts tls) {
    this.tls = tls;
    this.loop = loop;
    this.channelClass = dev.cairn.server.Transport.current().socket(); // the event loop's own kind

    this.host = host;
    this.port = port;
  }

  /** Connects; {@code onUp} runs once connected (commands sent before are queued by Netty's channel order). */
  void connect(Runnable onUp, Runnable onClose) {
    this.onClose = onClose;
    connecting = true;
    connectStarted = System.currentTimeMillis();
    Bootstrap b = new Bootstrap().group(loop)
        .channel(channelClass)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.newClientHandler(host, port));
            }
            ch.pipeline().addLast(new RedisDecoder(), new RedisBulkStringAggregator(), new RedisArrayAggregator(),
                new Handler());
          }
        });
    b.connect(host, port).addListener(f -> {
      if (!f.isSuccess()) {
        close();
        return;
      }
      connecting = false;
      channel = ((io.netty.channel.ChannelFuture) f).channel();
      connected = true;
      if (channel.localAddress() instanceof InetSocketAddress a) {
        localIp = a.getAddress().getHostAddress();
      }
      channel.closeFuture().addListener(c -> close());
      onUp.run();
    });
  }

  void onPush(Consumer<List<Reply>> handler) {
    this.onPush = handler;
  }

  int pendingCommands() {
    return pending.size();
  }

  /** Sends a command; {@code callback} gets its reply (or an error reply "link closed" if the link drops). */
  void send(Consumer<Reply> callback, String... args) {
    if (!connected || channel == null) {
      return;
    }
    ByteBuf buf = channel.alloc().buffer();
    buf.writeByte('*').writeBytes(Integer.toString(args.length).getBytes(StandardCharsets.US_ASCII))
        .writeByte('\r').writeByte('\n');
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      buf.writeByte('$').writeBytes(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII))
          .writeByte('\r').writeByte('\n').writeBytes(b).writeByte('\r').writeByte('\n');
    }
    pending.add(callback == null ? r -> { } : callback);
    channel.writeAndFlush(buf, channel.voidPromise());
  }

  /** Closes the connection; pending callbacks are dropped (their replies will never come). */
  void close() {
    boolean was = connected || connecting;
    connected = false;
    connecting = false;
    pending.clear();
    if (channel != null) {
      Channel c = channel;
      channel = null;
      c.close();
    }
    if (was) {
      onClose.run();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<RedisMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RedisMessage msg) {
      Reply r = convert(msg);
      if (onPush != null && r.value instanceof List<?> && isPushKind(r)) {
        onPush.accept(r.list());
        return;
      }
      Consumer<Reply> cb = pending.poll();
      if (cb != null) {
        cb.accept(r);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static boolean isPushKind(Reply r) {
    List<Reply> l = r.list();
    return !l.isEmpty() && "message".equals(l.get(0).text());
  }

  private static Reply convert(RedisMessage m) {
    if (m instanceof SimpleStringRedisMessage s) {
      return new Reply(s.content(), false);
    }
    if (m instanceof ErrorRedisMessage e) {
      return new Reply(e.content(), true);
    }
    if (m instanceof IntegerRedisMessage i) {
      return new Reply(i.value(), false);
    }
    if (m instanceof FullBulkStringRedisMessage b) {
      return new Reply(b.isNull() ? null : b.content().toString(StandardCharsets.UTF_8), false);
    }
    if (m instanceof ArrayRedisMessage a) {
      if (a.isNull()) {
        return new Reply(null, false);
      }
      List<Reply> out = new ArrayList<>(a.children().size());
      for (RedisMessage c : a.children()) {
        out.add(convert(c));
      }
      return new Reply(out, false);
    }
    return new Reply(null, false);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
