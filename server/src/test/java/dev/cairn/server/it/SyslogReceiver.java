package dev.cairn.server.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Unix datagram socket standing in for the system's /dev/log: collects the datagrams sent to it. */
final class SyslogReceiver implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Channel channel;

  SyslogReceiver(Path socket) throws InterruptedException {
    channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
            lines.add(p.content().toString(StandardCharsets.UTF_8));
          }
        }).bind(new DomainSocketAddress(socket.toString())).sync().channel();
  }

  /** The first line received (from now on) that contains {@code text}. */
  String await(String text, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.contains(text)) {
        return l;
      }
    }
    throw new AssertionError("no syslog line with '" + text + "'");
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
