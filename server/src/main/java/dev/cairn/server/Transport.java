package dev.cairn.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The network transport of the engine's event loop, and so of every channel registered on it (client and Unix socket
 * listeners, the cluster bus, sentinel links): a channel must be of its event loop's kind.
 *
 * <p>Chosen once per process with {@code -Dcairn.transport=io_uring|epoll|nio} (default epoll); a transport the
 * kernel or the platform does not offer falls back to the next (io_uring, then epoll, then NIO). io_uring submits a
 * loop iteration's reads and writes in one {@code io_uring_enter}: under redis-benchmark GET at pipelining 1 the server
 * made 0.1 system calls a request where epoll makes 2 (a recvfrom and a sendto each). Its server CPU per request
 * (bench/redis-compare.sh, GET/SET/INCR, 50 clients) was a fifth lower at pipelining 16 (0.83-0.94 us against
 * 1.06-1.22 us with epoll) and the same at pipelining 1 (5.6-5.9 us, the kernel's TCP work either way). Over the
 * whole standard set in the same interleaved rounds (3 rounds, load 7-12), io_uring's CPU per request over epoll's:
 * at pipelining 16 0.77-0.94 for 9 of 11 tests, 1.05 for HSET and 1.03 for LRANGE 0-99; at pipelining 1 0.87-1.01.
 *
 * <p>The output-buffer limits hold under io_uring as under epoll. Netty's io_uring write keeps a send's bytes in the
 * channel's outbound buffer until the kernel completes it, so omem counts what a client that does not read has not
 * taken. Redis's unit/obuf-limits was 6/3 under io_uring, 7/2 once the batch end ran per read batch (see
 * {@code ClientHandler.BATCH_END_PER_READ}: the loop's task queue starved while one client sent request after request,
 * so a subscriber's messages stayed in its reply buffer), and is 9/0 since a client the server closes is forgotten at
 * the batch's end ({@code Engine.disconnectLater}): io_uring closes a channel only once the kernel has cancelled the
 * send still in flight, and until then CLIENT LIST showed the client with omem=0 (its outbound buffer discarded), which
 * the tests read as the last omem before the close. Epoll stays the default until the project's tests and Redis's
 * suite have run whole under io_uring.
 */
public enum Transport {
  IO_URING("io_uring"),
  EPOLL("epoll"),
  NIO("nio");

  /** INFO's multiplexing_api. */
  public final String apiName;

  Transport(String apiName) {
    this.apiName = apiName;
  }

  private static final Transport CURRENT = choose(System.getProperty("cairn.transport", "epoll"));

  /** The transport of this process. */
  public static Transport current() {
    return CURRENT;
  }

  static Transport choose(String wanted) {
    Transport t = switch (wanted.toLowerCase(Locale.ROOT)) {
      case "io_uring", "iouring" -> IO_URING;
      case "nio" -> NIO;
      default -> EPOLL;
    };
    if (t == IO_URING && !ioUringAvailable()) {
      t = EPOLL;
    }
    if (t == EPOLL && !Epoll.isAvailable()) {
      t = NIO;
    }
    return t;
  }

  /** Whether io_uring can be used: its classes and library load, and the kernel lets this process set up a ring. */
  private static boolean ioUringAvailable() {
    try {
      return IoUring.isAvailable();
    } catch (LinkageError e) {
      return false;
    }
  }

  public IoHandlerFactory handlers() {
    return switch (this) {
      case IO_URING -> IoUringIoHandler.newFactory();
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  public Class<? extends ServerChannel> serverSocket() {
    return switch (this) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  public Class<? extends SocketChannel> socket() {
    return switch (this) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  /** The Unix domain socket listener, or null under NIO (which has none here). */
  public Class<? extends ServerChannel> serverDomainSocket() {
    return switch (this) {
      case IO_URING -> IoUringServerDomainSocketChannel.class;
      case EPOLL -> EpollServerDomainSocketChannel.class;
      case NIO -> null;
    };
  }
}
