package dev.cairn.server;

import dev.cairn.core.log.Log;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * {@code syslog-enabled yes}: the server log's lines also go to the system's syslog socket, as redis-server's
 * {@code syslog(3)} calls send them: one datagram per line, {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message}, the
 * priority from {@code syslog-facility} and the line's level. The JDK has no Unix datagram sockets, so this uses
 * Netty's native epoll transport; where that is unavailable, {@link #open} fails and the caller logs it once.
 */
final class Syslog implements Log.SyslogSink, AutoCloseable {
  /** The socket syslog daemons listen on. */
  static final String DEFAULT_SOCKET = "/dev/log";
  /** Facilities by {@code syslog-facility} name, as syslog.h numbers them. */
  private static final List<String> LOCAL = List.of("local0", "local1", "local2", "local3", "local4", "local5",
      "local6", "local7");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

  private final EventLoopGroup group;
  private final Channel channel;
  private final String tag;
  private final int facility;

  private Syslog(EventLoopGroup group, Channel channel, String tag, int facility) {
    this.group = group;
    this.channel = channel;
    this.tag = tag;
    this.facility = facility;
  }

  /** Opens a sink writing to {@code socketPath}; throws when the socket cannot be reached from the JVM. */
  static Syslog open(String socketPath, String ident, String facilityName) throws Exception {
    if (!Epoll.isAvailable()) {
      throw new UnsupportedOperationException("no native epoll transport: " + Epoll.unavailabilityCause());
    }
    if (!java.nio.file.Files.exists(java.nio.file.Path.of(socketPath))) {
      throw new java.io.FileNotFoundException(socketPath + " does not exist");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "cairn-syslog");
      t.setDaemon(true);
      return t;
    }, EpollIoHandler.newFactory());
    try {
      // connected, as openlog(LOG_NDELAY) connects: each line is then one write of the line's bytes
      Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
          .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(socketPath)).sync().channel();
      Syslog sink = new Syslog(group, ch, ident + "[" + Log.pid() + "]: ", facility(facilityName));
      // lines are sent by the sink's own thread: the last ones ("ready to exit") must leave before the process does
      Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "cairn-syslog-close"));
      return sink;
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      throw e;
    }
  }

  /** syslog.h's facility code (already shifted) for a {@code syslog-facility} name. */
  static int facility(String name) {
    int local = LOCAL.indexOf(name.toLowerCase(Locale.ROOT));
    return (local >= 0 ? 16 + local : 1) << 3; // LOG_LOCALn, else LOG_USER
  }

  /** syslog.h's severity for a log level, as Redis maps them: debug, info, notice, warning. */
  static int severity(Log.Level level) {
    return switch (level) {
      case DEBUG -> 7;
      case VERBOSE -> 6;
      case NOTICE -> 5;
      default -> 4;
    };
  }

  @Override
  public void send(Log.Level level, String message) {
    String line = "<" + (facility | severity(level)) + ">" + STAMP.format(ZonedDateTime.now()) + " " + tag + message;
    // sent before the call returns, as syslog(3) does: a line logged just before exit ("ready to exit") must not be
    // left in a queue the exit discards; bounded, so a stalled socket cannot hold the server
    var written = channel.writeAndFlush(Unpooled.wrappedBuffer(line.getBytes(StandardCharsets.UTF_8)));
    if (!channel.eventLoop().inEventLoop()) { // a line logged by the socket's own thread cannot wait for itself
      written.awaitUninterruptibly(1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
