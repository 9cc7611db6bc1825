package dev.cairn.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop RESP load generator: requests go out at a fixed rate whatever the server does, spread round-robin over
 * the connections, and each latency is measured from the moment its request was <em>due</em>, not from when it was
 * written. A server that stalls for 100 ms therefore shows 100 ms of growing latencies for every request due in that
 * time (no coordinated omission), where a closed-loop tool such as redis-benchmark sends nothing while it waits.
 *
 * <p>usage: {@code java -jar cairn-loadgen.jar --port P [--host H] [--tests set,get] [--rate 20000] [--seconds 10]
 * [--warmup 2] [--connections 50] [--keyspace 100000] [--size 3] [--max-outstanding 10000]}. One CSV line per test:
 * {@code test,rate,achieved,p50,p90,p99,p99.9,max} (milliseconds). Tests: ping, set, get, incr, mset (ten keys),
 * lpush, lpop, sadd, hset, zadd, lrange_100 (LRANGE mylist 0 99). Keys are {@code key:%012d} over the keyspace, as
 * redis-benchmark's {@code -r} names them.
 */
public final class OpenLoop {
  private final String host;
  private final int port;
  private final double rate;
  private final int seconds;
  private final int warmup;
  private final int connections;
  private final int keyspace;
  private final int maxOutstanding;
  private final byte[] value;

  private OpenLoop(String host, int port, double rate, int seconds, int warmup, int connections, int keyspace,
      int size, int maxOutstanding) {
    this.host = host;
    this.port = port;
    this.rate = rate;
    this.seconds = seconds;
    this.warmup = warmup;
    this.connections = connections;
    this.keyspace = keyspace;
    this.maxOutstanding = maxOutstanding;
    this.value = "x".repeat(size).getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 6379;
    String tests = "set,get";
    double rate = 20_000;
    int seconds = 10;
    int warmup = 2;
    int connections = 50;
    int keyspace = 100_000;
    int size = 3;
    int maxOutstanding = 10_000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        usage("missing value for " + a);
      }
      switch (a) {
        case "--host" -> host = v;
        case "--port" -> port = Integer.parseInt(v);
        case "--tests" -> tests = v;
        case "--rate" -> rate = Double.parseDouble(v);
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--connections" -> connections = Integer.parseInt(v);
        case "--keyspace" -> keyspace = Integer.parseInt(v);
        case "--size" -> size = Integer.parseInt(v);
        case "--max-outstanding" -> maxOutstanding = Integer.parseInt(v);
        default -> usage("unknown option " + a);
      }
      i++;
    }
    OpenLoop run = new OpenLoop(host, port, rate, seconds, warmup, connections, keyspace, size, maxOutstanding);
    System.out.println("test,rate,achieved,p50,p90,p99,p99.9,max");
    for (String test : tests.split(",")) {
      System.out.println(run.run(test.trim().toLowerCase(Locale.ROOT)));
    }
  }

  private static void usage(String why) {
    System.err.println("OpenLoop: " + why);
    System.err.println("usage: --port P [--host H] [--tests set,get] [--rate R] [--seconds S] [--warmup S]"
        + " [--connections C] [--keyspace N] [--size BYTES] [--max-outstanding N]");
    System.exit(2);
  }

  /** One test: warm-up at the rate, then the measured period; returns its CSV line. */
  private String run(String test) throws Exception {
    IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
    try {
      Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      List<Conn> conns = new ArrayList<>();
      Bootstrap b = new Bootstrap().group(group)
          .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true);
      for (int i = 0; i < connections; i++) {
        Conn c = new Conn(maxOutstanding, histogram);
        Channel ch = b.handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            channel.pipeline().addLast(c);
          }
        }).connect(host, port).sync().channel();
        c.channel = ch;
        conns.add(c);
      }
      Sender sender = new Sender(test, conns);
      CountDownLatch done = new CountDownLatch(1);
      group.next().execute(() -> sender.start(done));
      done.await();
      // replies still in flight count too: wait for them, a bounded while
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && conns.stream().anyMatch(c -> c.outstanding() > 0)) {
        Thread.sleep(10);
      }
      // the event loop records; read the figures on it too
      long lost = group.next().submit(() -> conns.stream().mapToLong(Conn::outstanding).sum()).get();
      String line = group.next().submit(() -> String.format(Locale.ROOT, "%s,%.0f,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f",
          test, rate, histogram.getTotalCount() / (double) seconds,
          ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
          ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
          ms(histogram.getMaxValue()))).get();
      for (Conn c : conns) {
        c.channel.close().sync();
      }
      if (lost > 0 || sender.skipped > 0) {
        System.err.printf("%s: %d replies missing at the end, %d requests not sent (a connection had %d outstanding)%n",
            test, lost, sender.skipped, maxOutstanding);
      }
      return line;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /**
   * Sends, on the event loop, every request that has come due since its last tick: request k is due at
   * {@code start + k / rate}, and that time is what its latency counts from, however late the tick runs.
   */
  private final class Sender {
    private final String test;
    private final List<Conn> conns;
    private final SplittableRandom random = new SplittableRandom(42);
    /** key:%012d, rewritten in place for each request (its bytes are copied into the request). */
    private final byte[] key = bytes("key:000000000000");
    private long start;
    private long measureFrom;
    private long end;
    private long sent;
    private long skipped;
    private ScheduledFuture<?> tick;
    private CountDownLatch done;

    Sender(String test, List<Conn> conns) {
      this.test = test;
      this.conns = conns;
    }

    void start(CountDownLatch done) {
      this.done = done;
      start = System.nanoTime();
      measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
      end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      for (Conn c : conns) {
        c.measureFrom = measureFrom;
      }
      tick = conns.get(0).channel.eventLoop().scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MICROSECONDS);
    }

    private void tick() {
      long now = System.nanoTime();
      long dueCount = (long) ((Math.min(now, end) - start) * rate / 1e9);
      ByteBufAllocator alloc = conns.get(0).channel.alloc();
      while (sent < dueCount) {
        long due = start + (long) (sent * 1e9 / rate);
        Conn c = conns.get((int) (sent % conns.size()));
        if (c.full()) {
          skipped++;
        } else {
          ByteBuf buf = alloc.buffer(64 + value.length);
          encode(buf);
          c.send(buf, due);
        }
        sent++;
      }
      for (Conn c : conns) {
        if (c.unflushed) {
          c.unflushed = false;
          c.channel.flush();
        }
      }
      if (now >= end) {
        tick.cancel(false);
        done.countDown();
      }
    }

    /** Points {@link #key} at a random key of the keyspace. */
    private byte[] randomKey() {
      byte[] key = this.key;
      int n = random.nextInt(keyspace);
      for (int i = key.length - 1; i >= 4; i--, n /= 10) {
        key[i] = (byte) ('0' + n % 10);
      }
      return key;
    }

    private void encode(ByteBuf buf) {
      byte[] key = randomKey();
      switch (test) {
        case "ping" -> command(buf, "PING".getBytes(StandardCharsets.US_ASCII));
        case "set" -> command(buf, bytes("SET"), key, value);
        case "get" -> command(buf, bytes("GET"), key);
        case "incr" -> command(buf, bytes("INCR"), key);
        case "lpush" -> command(buf, bytes("LPUSH"), bytes("mylist"), value);
        case "lpop" -> command(buf, bytes("LPOP"), bytes("mylist"));
        case "lrange_100" -> command(buf, bytes("LRANGE"), bytes("mylist"), bytes("0"), bytes("99"));
        case "mset" -> { // ten random keys, as redis-benchmark's MSET
          header(buf, 21);
          bulk(buf, bytes("MSET"));
          for (int i = 0; i < 10; i++) {
            bulk(buf, i == 0 ? key : randomKey());
            bulk(buf, value);
          }
        }
        case "sadd" -> command(buf, bytes("SADD"), bytes("myset"), key);
        case "hset" -> command(buf, bytes("HSET"), bytes("myhash"), key, value);
        case "zadd" -> command(buf, bytes("ZADD"), bytes("myzset"), bytes(Integer.toString(random.nextInt(keyspace))),
            key);
        default -> throw new IllegalArgumentException("unknown test " + test);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void command(ByteBuf buf, byte[]... args) {
    header(buf, args.length);
    for (byte[] a : args) {
      bulk(buf, a);
    }
  }

  private static void header(ByteBuf buf, int args) {
    buf.writeByte('*').writeBytes(bytes(Integer.toString(args))).writeByte('\r').writeByte('\n');
  }

  private static void bulk(ByteBuf buf, byte[] a) {
    buf.writeByte('$').writeBytes(bytes(Integer.toString(a.length))).writeByte('\r').writeByte('\n');
    buf.writeBytes(a).writeByte('\r').writeByte('\n');
  }

  /** A connection: the due times of its requests in flight, in order, and a reader that counts whole replies. */
  private static final class Conn extends ChannelInboundHandlerAdapter {
    private final long[] dueTimes;
    private final Histogram histogram;
    private int head;
    private int tail;
    private int count;
    private ByteBuf pending;
    Channel channel;
    long measureFrom;
    boolean unflushed;

    Conn(int maxOutstanding, Histogram histogram) {
      this.dueTimes = new long[maxOutstanding];
      this.histogram = histogram;
    }

    boolean full() {
      return count == dueTimes.length;
    }

    int outstanding() {
      return count;
    }

    void send(ByteBuf buf, long due) {
      dueTimes[tail] = due;
      tail = (tail + 1) % dueTimes.length;
      count++;
      channel.write(buf, channel.voidPromise());
      unflushed = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (pending != null) {
        pending.writeBytes(in);
        in.release();
        in = pending;
        pending = null;
      }
      long now = System.nanoTime();
      int end;
      while ((end = Resp.skip(in, in.readerIndex())) >= 0) {
        in.readerIndex(end);
        if (count == 0) {
          throw new IllegalStateException("a reply with no request");
        }
        long due = dueTimes[head];
        head = (head + 1) % dueTimes.length;
        count--;
        if (due >= measureFrom) {
          histogram.recordValue(Math.max(0, now - due));
        }
      }
      if (in.isReadable()) {
        pending = ctx.alloc().buffer(Math.max(256, in.readableBytes() * 2));
        pending.writeBytes(in);
      }
      in.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (pending != null) {
        pending.release();
        pending = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("OpenLoop: " + cause);
      ctx.close();
    }
  }

  /** Just enough RESP2/RESP3 to find where a reply ends. */
  static final class Resp {
    /** The index after the whole reply starting at {@code at}, or -1 if it has not all arrived. */
    static int skip(ByteBuf b, int at) {
      if (at >= b.writerIndex()) {
        return -1;
      }
      byte type = b.getByte(at);
      int eol = lineEnd(b, at + 1);
      if (eol < 0) {
        return -1;
      }
      switch (type) {
        case '+', '-', ':', ',', '_', '#', '(' -> {
          return eol + 2;
        }
        case '$', '=', '!' -> {
          long len = number(b, at + 1, eol);
          if (len < 0) {
            return eol + 2;
          }
          long end = eol + 2 + len + 2;
          return end <= b.writerIndex() ? (int) end : -1;
        }
        case '*', '~', '>', '%', '|' -> {
          long n = number(b, at + 1, eol);
          if (type == '%' || type == '|') {
            n *= 2;
          }
          int p = eol + 2;
          for (long i = 0; i < n; i++) {
            p = skip(b, p);
            if (p < 0) {
              return -1;
            }
          }
          return p;
        }
        default -> throw new IllegalStateException("not RESP: byte " + type);
      }
    }

    private static int lineEnd(ByteBuf b, int from) {
      for (int i = from; i + 1 < b.writerIndex(); i++) {
        if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static long number(ByteBuf b, int from, int to) {
      boolean negative = b.getByte(from) == '-';
      long n = 0;
      for (int i = negative ? from + 1 : from; i < to; i++) {
        n = n * 10 + (b.getByte(i) - '0');
      }
      return negative ? -n : n;
    }
  }
}
