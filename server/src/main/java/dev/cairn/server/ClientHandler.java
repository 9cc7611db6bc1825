package dev.cairn.server;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.command.Dispatcher;
import dev.cairn.core.connection.ClientType;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.OutputBufferLimits;
import dev.cairn.core.connection.ReplyBuffers;
import dev.cairn.core.connection.Session;
import dev.cairn.server.resp.Lookahead;
import dev.cairn.server.resp.RespDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One client connection: decodes as many commands as the socket delivered, runs each on the spot (this handler runs on
 * the engine thread), and flushes the replies once per read batch.
 *
 * <p>Input is decoded straight from Netty's read buffer; only an incomplete tail is copied into the connection's own
 * query buffer. Replies go into one reply buffer of {@link #replySize} bytes (16 KB at first, then as the cron sizes
 * it, see {@link ReplyBuffers}) that is handed to the socket on flush and reused when the socket took it all at once
 * (the usual case under epoll and NIO), so a request/reply round trip allocates no buffers; under io_uring the send
 * completes after the flush, and a pooled buffer takes its place each time. A batch whose replies do not fit grows the
 * buffer for that batch only (the part past the size is what Redis keeps in its reply list): on flush it goes to the
 * socket and a buffer of the size takes its place.
 *
 * <p>A suspended session (paused or blocked) leaves its unread commands in the query buffer until it is resumed. When
 * the socket cannot take more replies, reading stops, so a client that pipelines without reading cannot make the
 * server buffer without bound; the output-buffer limits close such clients earlier if configured.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements Connection, RespDecoder.Limits {
  /** The carried-over input buffer's first size, and the most it keeps once emptied. */
  private static final int QBUF_INITIAL = 1024;
  private static final int QBUF_KEEP = 64 * 1024;
  private final Engine engine;
  private ChannelHandlerContext ctx;
  private Session session;
  /** Unparsed input carried over between reads. */
  private ByteBuf in;
  /** The buffer being decoded right now: Netty's read buffer, or {@link #in}. */
  private ByteBuf current;
  /**
   * Where this read batch started in {@link #current}: while its commands run, CLIENT LIST counts the whole batch in
   * qbuf=, as Redis trims its query buffer only after the batch.
   */
  private int commandStart;
  private ByteBuf out;
  /** The reply buffer's size (rbs=): its capacity whenever it holds no batch larger than that. */
  private int replySize = ReplyBuffers.INITIAL_SIZE;
  private RespDecoder decoder;
  /** Finds a read's complete commands, for the decoder, and their keys, for the keyspace to prefetch before they run. */
  private final Lookahead lookahead = new Lookahead((keys, n, members) -> session.db().prefetch(keys, n, members));
  private final Args args = new Args(new byte[0][], 0);
  private boolean pendingArgs;
  private boolean closed;
  /** Close once the replies written so far are flushed (QUIT, a protocol error, CLIENT KILL of oneself). */
  private boolean closeAfterFlush;
  /** Buffers queued with {@link #writeShared} wait for the channel's flush. */
  private boolean sharedQueued;
  private String remote;
  private String local;
  private final int fd;
  /** {@link Engine#disconnectLater} was called for this client: it is forgotten at the batch's end. */
  private boolean forgetting;
  /** Accepted on the TLS port. */
  private boolean tls;

  ClientHandler(Engine engine, int fd) {
    this.engine = engine;
    this.fd = fd;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    this.ctx = context;
    if (context.channel() instanceof io.netty.channel.socket.SocketChannel tcp) {
      Transport.keepAlive(tcp, (int) engine.params().process.tcpKeepalive.value); // a Unix socket has none
    }
    this.tls = context.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    this.remote = format(context.channel().remoteAddress());
    this.local = format(context.channel().localAddress());
    if (remote.equals(":0")) {
      remote = local; // a Unix socket peer has no name of its own
    }
    this.in = context.alloc().buffer(QBUF_INITIAL);
    this.current = in;
    this.out = context.alloc().directBuffer(replySize);
    this.decoder = new RespDecoder(this, context.alloc());
    this.session = engine.connect(this, out);
    context.channel().closeFuture().addListener(f -> channelClosed());
    if (engine.clients().size() > engine.params().maxclients.value) {
      engine.stats().rejectedConnections++;
      session.writer.error(RedisException.err("max number of clients reached"));
      closeAfterReply();
      flush();
    } else if (ProtectedMode.denies(engine, context.channel().remoteAddress())) {
      session.writer.error(ProtectedMode.DENIED);
      closeAfterReply();
      flush();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    ByteBuf data = (ByteBuf) msg;
    try {
      if (closed) {
        return;
      }
      engine.eventLoopStats().begin();
      int n = data.readableBytes();
      engine.stats().netInputBytes += n;
      session.netInputBytes += n;
      if (in.isReadable() || pendingArgs || session.suspended()) {
        append(data);
        process(in);
      } else {
        // nothing carried over: decode in place, keep only what is left
        in.clear();
        process(data);
        if (data.isReadable() && !closed) {
          in.writeBytes(data);
        }
        current = in;
      }
    } finally {
      data.release();
    }
    afterProcess();
  }

  /**
   * Adds what the socket delivered to the carried-over input, doubling the buffer when it must grow (Netty grows by
   * 4 MB steps past 4 MB, which copies a big input held while the session is paused quadratically).
   */
  private void append(ByteBuf data) {
    int need = data.readableBytes();
    if (in.writableBytes() < need) {
      in.capacity((int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * in.capacity(), (long) in.writerIndex() + need)));
    }
    in.writeBytes(data);
  }

  /** Decodes and runs commands until the buffer is exhausted, the session is suspended, or the connection closes. */
  private void process(ByteBuf buf) {
    current = buf;
    commandStart = buf.readerIndex();
    lookahead.clear();
    Dispatcher dispatcher = engine.dispatcher();
    dispatcher.openClockChain();
    try {
      while (!closed && !closeAfterFlush && !session.suspended()) {
        if (!pendingArgs) {
          RespDecoder.Result r = decoder.decode(buf, lookahead);
          if (r == RespDecoder.Result.NEED_MORE) {
            break;
          }
          if (r == RespDecoder.Result.EMPTY) {
            continue;
          }
          decoder.fill(args);
        }
        pendingArgs = !session.execute(args);
        if (session.closing) {
          break;
        }
        enforceOutputLimit();
      }
    } catch (RespDecoder.ProtocolException e) {
      protocolError(e.getMessage());
    } finally {
      dispatcher.closeClockChain();
    }
    commandStart = buf.readerIndex();
  }

  private void afterProcess() {
    if (closed) {
      return;
    }
    if (!closeAfterFlush && in.readableBytes() + decoder.partialBulkBytes()
        > engine.params().clientQueryBufferLimit.value) {
      engine.stats().clientQueryBufferLimitDisconnections++;
      closeNow();
      return;
    }
    if (!in.isReadable() && in.capacity() > QBUF_KEEP) {
      // all carried-over input is consumed: give back what a burst made it grow to
      in.release();
      in = ctx.alloc().buffer(QBUF_INITIAL);
      current = in;
      commandStart = 0;
    } else if (in.readerIndex() > 64 * 1024 && in.readerIndex() > in.capacity() / 2) {
      in.discardReadBytes();
      commandStart = in.readerIndex();
    }
  }

  private OutputBufferLimits limits() {
    return engine.params().clientOutputBufferLimit;
  }

  @Override
  public void enforceOutputLimit() {
    ClientType type = session.type();
    OutputBufferLimits l = limits();
    if (closed || !l.limited(type)) {
      return;
    }
    long used = pendingOutputBytes();
    long hard = l.hard(type);
    if (type == ClientType.REPLICA && hard > 0) {
      // a replica shares the backlog's blocks: a hard limit below repl-backlog-size counts as that size, as Redis's
      hard = Math.max(hard, engine.params().replication.replBacklogSize.value);
    }
    long soft = l.soft(type);
    boolean over = hard > 0 && used >= hard;
    if (!over && soft > 0 && used >= soft) {
      long now = System.currentTimeMillis();
      if (session.softLimitSinceMillis == 0) {
        session.softLimitSinceMillis = now;
      } else {
        over = now - session.softLimitSinceMillis > l.softSeconds(type) * 1000;
      }
    } else if (!over) {
      session.softLimitSinceMillis = 0;
    }
    if (over) {
      engine.stats().clientOutputBufferLimitDisconnections++;
      closeNow();
    }
  }

  private void protocolError(String message) {
    session.writer.error(RedisException.err("Protocol error: " + message));
    engine.stats().countError("ERR");
    closeAfterReply();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (!closed && engine.clientEviction().limit() > 0 && (queryBufferBytes() > 0 || partialArgvBytes() > 0 || pendingDeclaredBytes() > 0)) {
      // maxmemory-clients: input still arriving counts now, as Redis evicts after reads and not only before commands
      engine.clientEviction().evict();
    }
    flush();
    if (BATCH_END_PER_READ) {
      engine.batchEndNow();
    }
    engine.eventLoopStats().end();
  }

  /**
   * Under io_uring the event loop drains completions (a reply's send, the next request's read) in a row without running
   * its task queue in between, so a client that sends request after request kept the batch end's task (which flushes
   * pub/sub messages and invalidations written to other clients) from running: a subscriber's messages piled up in its
   * reply buffer unsent (omem=0, unit/obuf-limits). There each read batch ends the batch; under epoll the task runs
   * after each round of ready sockets, as Redis's beforeSleep.
   */
  private static final boolean BATCH_END_PER_READ = Transport.current() == Transport.IO_URING;

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    // reading stops while the socket is backed up, and resumes when it drains
    context.channel().config().setAutoRead(context.channel().isWritable());
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    closed = true;
    if (session != null && engine.client(session.id) == session) { // not forgotten at a batch end already
      engine.disconnect(session);
    }
    releaseBuffers();
  }

  /** A channel torn down with its event loop (server shutdown) may skip channelInactive: free the buffers here too. */
  @Override
  public void handlerRemoved(ChannelHandlerContext context) {
    releaseBuffers();
  }

  private void releaseBuffers() {
    if (decoder != null) {
      decoder.release();
    }
    if (in != null && in.refCnt() > 0) {
      in.release();
    }
    if (out != null && out.refCnt() > 0) {
      out.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    // a reset by the peer is ordinary; anything else closes this client only
    closeNow();
    if (BATCH_END_PER_READ) {
      engine.batchEndNow(); // forgotten now (after the read path, never inside a command), see channelClosed
    }
  }

  /**
   * The channel closed, and the client is not yet on its way out (the client closed its end or reset it, or a close
   * after a reply such as QUIT's completed): the client is forgotten at the batch's end rather than when the channel
   * reports itself inactive. Under io_uring that event is a task that can run after other clients' completions, so a
   * connection accepted right after was counted against maxclients with the client that had left, and CLIENT LIST, INFO
   * clients and blocked_clients still showed it; there the batch ends now, as Redis frees a client whose read returned
   * 0 before it serves the next event. A close under io_uring never completes inside a command (its writes only
   * submit), so ending the batch here is safe.
   */
  private void channelClosed() {
    if (forgetting || session == null) {
      return;
    }
    closed = true;
    forgetting = true;
    session.closing = true;
    engine.disconnectLater(session);
    if (BATCH_END_PER_READ) {
      engine.batchEndNow();
    }
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
    if (closed) {
      return;
    }
    if (engine.deferFlush(this)) {
      return; // the AOF writes this round's effects first; the engine flushes us right after
    }
    handOut(true);
    if (sharedQueued) {
      sharedQueued = false;
      ctx.flush();
    }
    if (closeAfterFlush && !closed) {
      closed = true;
      ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The reply buffer's bytes go to the channel (written out now, or with the next flush). */
  private void handOut(boolean flushNow) {
    if (out.isReadable()) {
      int n = out.readableBytes();
      engine.stats().netOutputBytes += n;
      session.netOutputBytes += n;
      // the buffer only fills between flushes: its fill now is this batch's peak (what overflowed is not in it)
      int fill = Math.min(n, replySize);
      if (fill > session.replyBufferPeak) {
        session.replyBufferPeak = fill;
      }
      ByteBuf sent = out;
      if (flushNow) {
        ctx.writeAndFlush(sent.retain(), ctx.voidPromise());
      } else {
        ctx.write(sent.retain(), ctx.voidPromise());
        sharedQueued = true;
      }
      if (sent.refCnt() == 1 && sent.capacity() == replySize) {
        sent.clear(); // the socket took it all and let go: reuse it
      } else {
        sent.release(); // still queued in the channel, which owns it now, or grown past the size by this batch
        out = ctx.alloc().directBuffer(replySize);
        session.writer.setBuffer(out);
      }
    }
  }

  @Override
  public void writeShared(ByteBuf buf) {
    if (closed) {
      buf.release();
      return;
    }
    handOut(false); // what was written before goes first
    int n = buf.readableBytes();
    engine.stats().netOutputBytes += n;
    session.netOutputBytes += n;
    ctx.write(buf, ctx.voidPromise());
    sharedQueued = true;
  }

  @Override
  public void closeAfterReply() {
    if (closed) {
      return;
    }
    session.closing = true;
    closeAfterFlush = true;
  }

  /**
   * Closes the connection, dropping what is not sent, and has the engine forget the client at the batch's end rather
   * than when the channel reports itself inactive: under io_uring that waits for the kernel to cancel a send still in
   * flight, and meanwhile CLIENT LIST showed the client with omem=0 (its outbound buffer already discarded).
   */
  @Override
  public void closeNow() {
    if (!forgetting) {
      closed = true;
      forgetting = true;
      session.closing = true;
      engine.disconnectLater(session);
    }
    ctx.close();
  }

  @Override
  public long pendingOutputBytes() {
    return pendingWriteBytes() + out.readableBytes();
  }

  @Override
  public long queryBufferBytes() {
    return current.writerIndex() - Math.min(commandStart, current.readerIndex()) + decoder.partialBulkBytes();
  }

  @Override
  public long pendingDeclaredBytes() {
    return decoder == null ? 0 : decoder.pendingDeclaredBytes();
  }

  @Override
  public boolean tls() {
    return tls;
  }

  @Override
  public long partialArgvBytes() {
    return decoder.partialArgvBytes();
  }

  @Override
  public long argumentArenaBytes(long argvCounted) {
    return decoder == null ? 0 : decoder.argumentArenaBytes(argvCounted);
  }

  @Override
  public long queryBufferFree() {
    return in.writableBytes() + decoder.partialBulkFree();
  }

  @Override
  public long replyBufferBytes() {
    return out.readableBytes();
  }

  @Override
  public long replyBufferSize() {
    return replySize;
  }

  /** A new buffer of {@code size} bytes takes what the old one holds (the cron's target is above its fill). */
  @Override
  public void resizeReplyBuffer(int size) {
    if (closed || size == replySize) {
      return;
    }
    replySize = size;
    ByteBuf old = out;
    out = ctx.alloc().directBuffer(Math.max(size, old.readableBytes()));
    out.writeBytes(old);
    old.release();
    session.writer.setBuffer(out);
  }

  @Override
  public int pendingWrites() {
    ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
    return ob == null ? 0 : ob.size();
  }

  @Override
  public long pendingWriteBytes() {
    ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
    return ob == null ? 0 : ob.totalPendingWriteBytes();
  }

  @Override
  public boolean reading() {
    return ctx.channel().config().isAutoRead();
  }

  @Override
  public void resumeProcessing() {
    if (closed) {
      return;
    }
    ctx.executor().execute(() -> {
      if (closed) {
        return;
      }
      process(in);
      afterProcess();
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

  /** {@code ip:port}, an IPv6 address in brackets and in its shortest form ({@code [::1]:6379}), as Redis shows them. */
  static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      if (i.getAddress() instanceof Inet6Address v6) {
        return "[" + shortIpv6(v6.getAddress()) + "]:" + i.getPort();
      }
      String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
      return host + ":" + i.getPort();
    }
    if (a instanceof io.netty.channel.unix.DomainSocketAddress d) {
      return d.path() + ":0"; // Redis shows a Unix socket client as path:0
    }
    return a == null ? "" : a.toString();
  }

  /** RFC 5952 text, as inet_ntop writes it: lower-case hex, the longest run of two or more zero groups as "::". */
  static String shortIpv6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
