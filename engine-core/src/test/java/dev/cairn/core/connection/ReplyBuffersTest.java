package dev.cairn.core.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cairn.core.EngineClients;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyBuffersTest {
  /** A connection whose reply buffer is a real buffer: the size is its capacity, a resize gives it a new one. */
  private static final Connection NEUTRAL = EngineClients.noConnection();

  private static final class Buffered {
    ByteBuf buf = Unpooled.buffer(ReplyBuffers.INITIAL_SIZE, ReplyBuffers.INITIAL_SIZE);
    final Connection connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "replyBufferBytes" -> {
              return (long) buf.readableBytes();
            }
            case "replyBufferSize" -> {
              return (long) buf.capacity();
            }
            case "resizeReplyBuffer" -> {
              ByteBuf next = Unpooled.buffer((int) args[0], (int) args[0]);
              next.writeBytes(buf);
              buf = next;
              return null;
            }
            default -> {
              return method.invoke(NEUTRAL, args);
            }
          }
        });

    /** A batch of {@code n} reply bytes, as the connection writes and flushes them (the peak noted at the flush). */
    void reply(Session s, int n) {
      buf.writeBytes(new byte[n]);
      s.replyBufferPeak = Math.max(s.replyBufferPeak, ReplyBuffers.peak(s));
      buf.clear();
    }
  }

  private final EngineClients clients = new EngineClients();

  private Session connect(Buffered b) {
    return clients.engine.connect(b.connection, b.buf);
  }

  @Test
  void targetShrinksBelowHalfAndGrowsWhenFull() {
    assertEquals(1024, ReplyBuffers.target(16384, 0), "an idle client's shrinks to the least");
    assertEquals(5001, ReplyBuffers.target(16384, 5000), "to one byte more than the peak");
    assertEquals(0, ReplyBuffers.target(16384, 8192), "half full: stays");
    assertEquals(0, ReplyBuffers.target(16384, 16384), "full at the most: stays");
    assertEquals(0, ReplyBuffers.target(1024, 0), "the least: stays");
    assertEquals(0, ReplyBuffers.target(1500, 10), "half of it under the least: stays");
    assertEquals(2048, ReplyBuffers.target(1024, 1024), "full: doubles");
    assertEquals(16384, ReplyBuffers.target(10000, 10000), "doubles up to the most");
    assertEquals(0, ReplyBuffers.target(4096, 4095), "not quite full: stays");
  }

  @Test
  void idleClientShrinksThenGrowsBackByDoublingWhenItsRepliesFillIt() {
    ReplyBuffers rb = clients.engine.replyBuffers();
    rb.peakResetMillis = 100;
    Buffered b = new Buffered();
    Session s = connect(b);
    assertEquals(16384, s.replyBufferPeak, "a new client's peak is its size: no shrink before the first reset");
    rb.cron(List.of(s), 10, 1_000);
    assertEquals(16384, b.buf.capacity(), "the first look restarts the peak, from what the buffer holds");
    assertEquals(0, s.replyBufferPeak);
    rb.cron(List.of(s), 10, 1_050);
    assertEquals(1024, b.buf.capacity(), "nothing written: the least");
    assertEquals(1, rb.shrinks);

    rb.peakResetMillis = -1; // never: each size sees the peak the previous one reached
    int[] sizes = {2048, 4096, 8192, 16384, 16384};
    long t = 2_000;
    for (int expected : sizes) {
      int size = b.buf.capacity();
      b.reply(s, size); // a reply bigger than the buffer fills it (the rest goes out beyond it)
      rb.cron(List.of(s), 10, t += 100);
      assertEquals(expected, b.buf.capacity());
    }
    assertEquals(4, rb.expands);
    assertEquals(1, rb.shrinks);
  }

  @Test
  void peakRestartsFromTheFillEveryResetTime() {
    ReplyBuffers rb = clients.engine.replyBuffers();
    rb.peakResetMillis = 1000;
    Buffered b = new Buffered();
    Session s = connect(b);
    rb.cron(List.of(s), 10, 10_000); // first look: the peak restarts
    b.reply(s, 3000);
    rb.cron(List.of(s), 10, 10_500);
    assertEquals(3001, b.buf.capacity(), "shrunk to just over the peak");
    assertEquals(3000, s.replyBufferPeak, "not yet time to restart the peak");
    b.buf.writeBytes(new byte[700]); // replies not yet flushed when the cron looks
    rb.cron(List.of(s), 10, 11_000);
    assertEquals(3001, b.buf.capacity(), "peak 3000 is not under half of 3001: stays");
    assertEquals(700, s.replyBufferPeak, "restarted from what the buffer holds");
    assertEquals(700, b.buf.readableBytes());
    rb.cron(List.of(s), 10, 11_100);
    assertEquals(1024, b.buf.capacity(), "the least, with its content kept");
    assertEquals(700, b.buf.readableBytes());
  }

  @Test
  void resizingOffLeavesSizesAndPeaks() {
    ReplyBuffers rb = clients.engine.replyBuffers();
    rb.resizing = false;
    Buffered b = new Buffered();
    Session s = connect(b);
    ByteBuf before = b.buf;
    rb.cron(List.of(s), 10, 1_000);
    rb.cron(List.of(s), 10, 10_000);
    assertSame(before, b.buf);
    assertEquals(16384, s.replyBufferPeak);
    assertEquals(0, rb.shrinks + rb.expands);
  }

  @Test
  void eachTickTakesItsShareOfClientsInTurn() {
    ReplyBuffers rb = clients.engine.replyBuffers();
    List<Buffered> bs = new ArrayList<>();
    List<Session> ss = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Buffered b = new Buffered();
      bs.add(b);
      ss.add(connect(b));
    }
    // hz 2: 10 clients a tick; the first look at each restarts its peak, the second shrinks it
    long t = 1_000_000;
    rb.cron(ss, 2, t);
    rb.cron(ss, 2, t += 10);
    assertEquals(0, rb.shrinks, "each client seen once so far");
    rb.cron(ss, 2, t += 10);
    assertEquals(10, rb.shrinks, "the first ten, seen again");
    for (int i = 0; i < 20; i++) {
      assertEquals(i < 10 ? 1024 : 16384, bs.get(i).buf.capacity(), "client " + i);
    }
    rb.cron(ss, 2, t += 10);
    assertEquals(20, rb.shrinks);
    // few clients: all of them each tick (at least five, Redis's least)
    ReplyBuffers few = new ReplyBuffers();
    List<Buffered> fb = new ArrayList<>();
    List<Session> fs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Buffered b = new Buffered();
      fb.add(b);
      fs.add(connect(b));
    }
    few.cron(fs, 10, 5_000_000);
    few.cron(fs, 10, 5_000_010);
    assertEquals(3, few.shrinks);
  }

  @Test
  void debugReplyBufferSetsResetTimeAndResizing() {
    int c = clients.connect();
    ReplyBuffers rb = clients.engine.replyBuffers();
    assertEquals("+OK\r\n", clients.run(c, "DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"));
    assertEquals(100, rb.peakResetMillis);
    assertEquals("+OK\r\n", clients.run(c, "debug", "replybuffer", "peak-reset-time", "NEVER"));
    assertEquals(-1, rb.peakResetMillis);
    assertEquals("+OK\r\n", clients.run(c, "DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset"));
    assertEquals(ReplyBuffers.DEFAULT_PEAK_RESET_MILLIS, rb.peakResetMillis);
    assertEquals("-ERR value is not an integer or out of range\r\n",
        clients.run(c, "DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "soon"));
    assertEquals("+OK\r\n", clients.run(c, "DEBUG", "REPLYBUFFER", "RESIZING", "0"));
    assertEquals(false, rb.resizing);
    assertEquals("+OK\r\n", clients.run(c, "DEBUG", "REPLYBUFFER", "RESIZING", "1"));
    assertEquals(true, rb.resizing);
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'REPLYBUFFER'. Try DEBUG HELP.\r\n",
        clients.run(c, "DEBUG", "REPLYBUFFER", "SIZE", "1"));
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'replybuffer'. Try DEBUG HELP.\r\n",
        clients.run(c, "DEBUG", "replybuffer", "resizing"));
    String info = clients.run(c, "INFO", "stats");
    assertEquals(true, info.contains("reply_buffer_shrinks:0\r\n") && info.contains("reply_buffer_expands:0\r\n"),
        info);
  }
}
