package dev.cairn.server;

import dev.cairn.api.command.Args;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.server.resp.RespDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One client connection: accumulates what the socket delivers, decodes as many commands as are complete, runs each on
 * the spot (this handler runs on the engine thread), and flushes the replies once per read batch.
 *
 * <p>A suspended session (paused or blocked) leaves its unread commands in the buffer until it is resumed. When the
 * socket cannot take more replies, reading stops, so a client that pipelines without reading cannot make the server
 * buffer without bound.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements Connection, RespDecoder.Limits {
  private final Engine engine;
  private ChannelHandlerContext ctx;
  private Session session;
  private ByteBuf in;
  private ByteBuf out;
  private RespDecoder decoder;
  private final Args args = new Args(new byte[0][], 0);
  private boolean pendingArgs;
  private boolean closed;
  private String remote;
  private String local;
  private final int fd;

  ClientHandler(Engine engine, int fd) {
    this.engine = engine;
    this.fd = fd;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    this.ctx = context;
    this.remote = format(context.channel().remoteAddress());
    this.local = format(context.channel().localAddress());
    this.in = context.alloc().buffer(1024);
    this.out = context.alloc().directBuffer(1024);
    this.decoder = new RespDecoder(this);
    this.session = engine.connect(this, out);
    if (engine.clients().size() > engine.params().maxclients.value) {
      engine.stats().rejectedConnections++;
      session.writer.error(dev.cairn.api.reply.RedisException.err("max number of clients reached"));
      closeAfterReply();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    ByteBuf data = (ByteBuf) msg;
    try {
      if (closed) {
        return;
      }
      int n = data.readableBytes();
      engine.stats().netInputBytes += n;
      session.netInputBytes += n;
      if (in.readableBytes() == 0) {
        in.clear();
      }
      in.writeBytes(data);
    } finally {
      data.release();
    }
    process();
  }

  /** Decodes and runs commands until the buffer is exhausted, the session is suspended, or the connection closes. */
  private void process() {
    try {
      while (!closed && !session.suspended()) {
        if (!pendingArgs) {
          RespDecoder.Result r = decoder.decode(in);
          if (r == RespDecoder.Result.NEED_MORE) {
            break;
          }
          if (r == RespDecoder.Result.EMPTY) {
            continue;
          }
          args.reset(decoder.argv(), decoder.argc());
        }
        pendingArgs = !session.execute(args);
        if (session.closing) {
          break;
        }
      }
    } catch (RespDecoder.ProtocolException e) {
      protocolError(e.getMessage());
      return;
    }
    if (in.readableBytes() > engine.params().clientQueryBufferLimit.value) {
      engine.stats().clientQueryBufferLimitDisconnections++;
      closeNow();
      return;
    }
    if (in.readerIndex() > 64 * 1024 && in.readerIndex() > in.capacity() / 2) {
      in.discardReadBytes();
    }
  }

  private void protocolError(String message) {
    session.writer.error(dev.cairn.api.reply.RedisException.err("Protocol error: " + message));
    engine.stats().countError("ERR");
    closeAfterReply();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    // reading stops while the socket is backed up, and resumes when it drains
    context.channel().config().setAutoRead(context.channel().isWritable());
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    closed = true;
    engine.disconnect(session);
    in.release();
    if (out.refCnt() > 0) {
      out.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    // a reset by the peer is ordinary; anything else closes this client only
    closeNow();
  }

  // ---- Connection

  @Override
  public String remoteAddress() {
    return remote;
  }

  @Override
  public String localAddress() {
    return local;
  }

  @Override
  public int fd() {
    return fd;
  }

  @Override
  public void flush() {
    if (closed || !out.isReadable()) {
      return;
    }
    int n = out.readableBytes();
    engine.stats().netOutputBytes += n;
    session.netOutputBytes += n;
    ByteBuf toSend = out;
    out = ctx.alloc().directBuffer(Math.max(1024, Math.min(n, 64 * 1024)));
    session.writer.setBuffer(out);
    ctx.writeAndFlush(toSend, ctx.voidPromise());
  }

  @Override
  public void closeAfterReply() {
    if (closed) {
      return;
    }
    session.closing = true;
    ByteBuf toSend = out;
    out = ctx.alloc().directBuffer(16);
    session.writer.setBuffer(out);
    closed = true;
    ctx.writeAndFlush(toSend).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void closeNow() {
    if (!closed) {
      closed = true;
      session.closing = true;
    }
    ctx.close();
  }

  @Override
  public long pendingOutputBytes() {
    ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
    return (ob == null ? 0 : ob.totalPendingWriteBytes()) + out.readableBytes();
  }

  @Override
  public long queryBufferBytes() {
    return in.readableBytes();
  }

  @Override
  public void resumeProcessing() {
    if (closed) {
      return;
    }
    ctx.executor().execute(() -> {
      process();
      flush();
    });
  }

  // ---- RespDecoder.Limits

  @Override
  public long maxBulkLength() {
    return engine.params().protoMaxBulkLen.value;
  }

  @Override
  public boolean authenticated() {
    return session.authenticated;
  }

  private static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
      return host + ":" + i.getPort();
    }
    return a == null ? "" : new String(a.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
