package dev.cairn.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The network transport of the engine's event loop, and so of every channel registered on it (client and Unix socket
 * listeners, the cluster bus, sentinel links): a channel must be of its event loop's kind.
 *
 * <p>Chosen once per process with {@code -Dcairn.transport=io_uring|epoll|nio} (default io_uring: {@link #DEFAULT});
 * a transport the kernel or the platform does not offer (io_uring missing, or disabled by the kernel's
 * io_uring_disabled setting or a container's seccomp filter) falls back to the next: io_uring, then epoll, then NIO.
 * The start logs the choice once and INFO's multiplexing_api names it. io_uring submits a loop iteration's reads and
 * writes in one {@code io_uring_enter}: under redis-benchmark GET at pipelining 1 the server made 0.1 system calls a
 * request where epoll makes 2 (a recvfrom and a sendto each). Over the standard set of bench/redis-compare.sh in the
 * same interleaved rounds (3 rounds, load 7-12), io_uring's server CPU per request over epoll's: at pipelining 16
 * 0.77-0.94 for 9 of 11 tests, 1.05 for HSET and 1.03 for LRANGE 0-99; at pipelining 1 0.87-1.01.
 *
 * <p>What io_uring changes for the rest of the server: a channel's close completes only once the kernel has
 * cancelled its reads and sends in flight, and its inactive event is a task that may run after other clients'
 * completions, so the server does not wait for it to forget a client. A client the server closes is forgotten at the
 * batch's end ({@code Engine.disconnectLater}, as Redis frees a client closed asynchronously in beforeSleep); a client
 * whose channel closes otherwise (it closed or reset its end, QUIT's close completed) is forgotten from the channel's
 * close future, at once under io_uring ({@code ClientHandler.channelClosed}). Before these, unit/obuf-limits failed 3
 * of 9 under io_uring (a closed subscriber still listed with omem=0), a connection accepted after a client left was
 * counted against maxclients with it (ClientLimitsIT), and a blocked client that left still counted in
 * blocked_clients. A listening socket is shut down before its close ({@link #stopListening}). Netty's io_uring write
 * keeps a send's bytes in the channel's outbound buffer until the kernel completes it, so omem counts what a client
 * that does not read has not taken, as under epoll. The loop drains completions back to back without running its task
 * queue, so each read batch ends the engine's batch there ({@code ClientHandler.BATCH_END_PER_READ}).
 *
 * <p>Where the CPU goes at pipelining 1 (bench/cpu-split.sh: redis-benchmark GET and SET, 50 clients, load 2-5): the
 * engine thread is 94-99% of the process after the warm-up, 5.4-5.5 us a request, 29-34% of it user time and 66-71% the
 * kernel's; the GC threads take 0.01-0.12 us and the JIT 0.06-0.3 (still recompiling hot methods that each run's new
 * connections trap out of). Redis's main thread takes 5.3-6.1 us, 23-30% user. The kernel's share is the same work for
 * both: a reply's send is 52-53% of the engine thread's samples, Redis's 50% (most of it the loopback delivering the
 * reply to the client in softirq and waking it, charged to the sender), the receive about 10% for both, io_uring's own
 * submission, task work and poll arming 5-7% (Redis's epoll_wait and system call entries 14%), 0.02 context switches a
 * request for both. So at one request per round trip no transport setting reaches much below Redis's CPU. Tried and not
 * kept: multishot receives from a provided buffer ring (incremental 16 KB buffers, armed once per connection), which
 * made one submission and two completions a request where one-shot receives make two and three: server CPU per request
 * 0.96-1.03 of one-shot receives at pipelining 1 and 0.95-1.20 at 16 (a read may get only the rest of a ring buffer),
 * and the server held 140-152 MB after a 100 MB SET, 40-50 MB of it direct memory left in the pooled allocator
 * (HostileClientIT allows 116).
 *
 * <p>Measured when io_uring became the default (bench/redis-compare.sh, io_uring against -Dcairn.transport=epoll in
 * the same 3 interleaved rounds, load 0.4-1.9): server CPU per request io_uring/epoll at pipelining 16 GET 0.82, INCR
 * 0.80, LPUSH 0.89, PING 0.97, SET 0.78; at pipelining 1 0.97-1.01.
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

  /**
   * What is asked for when nothing is: io_uring (epoll where the kernel does not offer it, NIO where neither is). The
   * two project tests that failed under io_uring only were start-up races that its quicker accept hit (INFO answered
   * loading:0 before the load had begun; a sentinel SIGTERMed before its signal handler was installed exited 143),
   * fixed for both transports; the server module and Redis's transport-sensitive suite files pass under it as under
   * epoll. {@code -Dcairn.transport=epoll} or {@code CAIRN_TRANSPORT=epoll} picks epoll.
   */
  static final String DEFAULT = "io_uring";
  /**
   * The system property, else the environment variable CAIRN_TRANSPORT (which reaches every process a test or script
   * spawns without a JVM option: the JVM's "Picked up JDK_JAVA_OPTIONS" line would change what they print), else the
   * default.
   */
  private static final String WANTED = System.getProperty("cairn.transport",
      java.util.Objects.requireNonNullElse(System.getenv("CAIRN_TRANSPORT"), DEFAULT));
  private static final Transport CURRENT = choose(WANTED);

  /** The transport of this process. */
  public static Transport current() {
    return CURRENT;
  }

  /** Logs the transport once at start, and what was asked for when the kernel or the platform did not offer it. */
  static void logChoice() {
    String asked = CURRENT.apiName.equals(canonical(WANTED)) ? "" : " (" + WANTED + " is not available here)";
    dev.cairn.core.log.LogMessage.TRANSPORT.log(CURRENT.apiName, asked);
  }

  private static String canonical(String wanted) {
    String w = wanted.toLowerCase(Locale.ROOT);
    return w.equals("iouring") ? "io_uring" : w;
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

  /**
   * Closes a listening socket, which stops accepting before this returns: under io_uring a channel's close completes
   * only once the kernel has cancelled the accept in flight, and until then connections were still accepted (CONFIG
   * SET port 0 answered OK while the old port still took connections). Shutting the socket down first makes the kernel
   * stop listening at once, as Redis's close does.
   */
  public static void stopListening(Channel listener) {
    if (listener instanceof UnixChannel u && u.fd() instanceof Socket s && listener.isOpen()) {
      try {
        s.shutdown();
      } catch (java.io.IOException e) {
        // not listening any more: the close below is all there is to do
      }
    }
    listener.close();
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

  /**
   * TCP keepalive on a client's connection as Redis sets it for {@code tcp-keepalive} {@code seconds} (0: off): the
   * first probe after that much idle time, then one every third of it (at least 1 s), the peer dropped after 3
   * unanswered probes.
   */
  public static void keepAlive(SocketChannel ch, int seconds) {
    ChannelConfig c = ch.config();
    c.setOption(ChannelOption.SO_KEEPALIVE, seconds > 0);
    if (seconds <= 0) {
      return;
    }
    KeepAliveOptions o = switch (ch) {
      case IoUringSocketChannel u -> new KeepAliveOptions(IoUringChannelOption.TCP_KEEPIDLE,
          IoUringChannelOption.TCP_KEEPINTVL, IoUringChannelOption.TCP_KEEPCNT);
      case EpollSocketChannel e -> new KeepAliveOptions(EpollChannelOption.TCP_KEEPIDLE,
          EpollChannelOption.TCP_KEEPINTVL, EpollChannelOption.TCP_KEEPCNT);
      default -> new KeepAliveOptions(NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE),
          NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL),
          NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT));
    };
    try {
      c.setOption(o.idle(), seconds);
      c.setOption(o.interval(), Math.max(1, seconds / 3));
      c.setOption(o.count(), 3);
    } catch (io.netty.channel.ChannelException e) {
      // beyond what the kernel takes (32767 s): keepalive stays on at its own times, as Redis ignores the failure
    }
  }

  /** A transport's names for the kernel's TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT. */
  private record KeepAliveOptions(ChannelOption<Integer> idle, ChannelOption<Integer> interval,
      ChannelOption<Integer> count) { }

  /** The Unix domain socket listener, or null under NIO (which has none here). */
  public Class<? extends ServerChannel> serverDomainSocket() {
    return switch (this) {
      case IO_URING -> IoUringServerDomainSocketChannel.class;
      case EPOLL -> EpollServerDomainSocketChannel.class;
      case NIO -> null;
    };
  }
}
