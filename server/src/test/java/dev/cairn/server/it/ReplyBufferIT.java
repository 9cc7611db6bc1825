package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.connection.Session;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The reply buffer resizing of Redis 7 (unit/replybufsize): an idle client's buffer shrinks to 1 KB, a client whose
 * replies fill it gets it doubled up to 16 KB. CLIENT LIST's rbs= and rbp= are checked against the buffer the client's
 * replies are really written into.
 */
class ReplyBufferIT extends ServerTestBase {
  private static final Pattern RBS = Pattern.compile(" rbs=(\\d+) rbp=(\\d+) ");

  @AfterEach
  void restoreDefaults() {
    jedis.sendCommand(() -> "DEBUG".getBytes(), "REPLYBUFFER", "PEAK-RESET-TIME", "RESET");
    jedis.sendCommand(() -> "DEBUG".getBytes(), "REPLYBUFFER", "RESIZING", "1");
  }

  private void debug(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "REPLYBUFFER";
    System.arraycopy(args, 0, all, 1, args.length);
    assertEquals("OK", new String((byte[]) jedis.sendCommand(() -> "DEBUG".getBytes(), all)));
  }

  /** {rbs, rbp} of the client named {@code name}, from CLIENT LIST. */
  private long[] listed(String name) {
    for (String line : jedis.clientList().split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        Matcher m = RBS.matcher(line);
        assertTrue(m.find(), line);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
      }
    }
    throw new AssertionError("no client " + name);
  }

  /** The capacity of the buffer the named client's replies are written into, read on the engine thread. */
  private int realCapacity(String name) throws Exception {
    return onEngine(() -> {
      for (Session s : server.engine().clients()) {
        if (name.equals(s.name())) {
          return s.writer.buffer().capacity();
        }
      }
      throw new AssertionError("no client " + name);
    });
  }

  private long stat(String field) {
    for (String line : jedis.info("stats").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("no " + field);
  }

  /** Waits up to 2 s for the named client's rbs to be {@code size}. */
  private void awaitSize(String name, long size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (listed(name)[0] != size && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(size, listed(name)[0], "rbs of " + name);
  }

  @Test
  void newClientHas16KbAndItsPeakIsTheSize() throws Exception {
    debug("RESIZING", "0");
    Jedis tc = newJedis();
    tc.clientSetname("fresh");
    assertEquals(16384, listed("fresh")[0]);
    assertEquals(16384, listed("fresh")[1]);
    assertEquals(16384, realCapacity("fresh"));
  }

  @Test
  void idleClientShrinksAndBusyOneGrowsBackByDoubling() throws Exception {
    long shrinks = stat("reply_buffer_shrinks");
    long expands = stat("reply_buffer_expands");
    debug("PEAK-RESET-TIME", "100");
    Jedis tc = newJedis();
    tc.clientSetname("tc");
    awaitSize("tc", 1024);
    assertEquals(1024, realCapacity("tc"), "the buffer itself shrank");
    assertTrue(stat("reply_buffer_shrinks") > shrinks);

    String big = "x".repeat(32768);
    jedis.set("bigval", big);
    debug("PEAK-RESET-TIME", "NEVER");
    for (long size = 2048; size <= 16384; size *= 2) {
      assertEquals(big, tc.get("bigval")); // a reply bigger than the buffer fills it
      assertEquals(size / 2, listed("tc")[1], "rbp: the buffer was full");
      awaitSize("tc", size);
      assertEquals(size, realCapacity("tc"));
    }
    assertEquals(big, tc.get("bigval"));
    Thread.sleep(300); // a few cron ticks: 16 KB is the most
    assertEquals(16384, listed("tc")[0]);
    assertEquals(16384, listed("tc")[1]);
    assertEquals(16384, realCapacity("tc"), "grown for the 32 KB reply only, then back to the size");
    assertTrue(stat("reply_buffer_expands") >= expands + 4); // other clients' buffers may have grown too
  }

  @Test
  void onePeakDoublesTheBufferOnce() throws Exception {
    debug("PEAK-RESET-TIME", "NEVER");
    jedis.set("v", "y".repeat(3000));
    Jedis tc = newJedis();
    tc.clientSetname("mid");
    // the first look restarts a new client's peak; with NEVER that never happens, so restart it by hand: reset time
    // 100, wait for the restart (the size then shrinks to the least), then never again
    debug("PEAK-RESET-TIME", "100");
    awaitSize("mid", 1024);
    debug("RESIZING", "0");
    debug("PEAK-RESET-TIME", "NEVER");
    tc.get("v");
    assertEquals(1024, listed("mid")[1], "a 3 KB reply fills a 1 KB buffer");
    assertEquals(1024, realCapacity("mid"));
    debug("RESIZING", "1");
    awaitSize("mid", 2048);
    Thread.sleep(300);
    tc.ping();
    assertEquals(2048, listed("mid")[0], "the 1 KB peak is half the new size: neither shrink nor grow");
    assertEquals(1024, listed("mid")[1], "the peak is never restarted");
    assertEquals(2048, realCapacity("mid"));
  }

  @Test
  void resizingOffKeepsAnIdleClientsBuffer() throws Exception {
    debug("RESIZING", "0");
    debug("PEAK-RESET-TIME", "100");
    Jedis tc = newJedis();
    tc.clientSetname("still");
    Thread.sleep(500);
    assertEquals(16384, listed("still")[0]);
    assertEquals(16384, realCapacity("still"));
  }

  @Test
  void pipelineBiggerThanTheBufferGoesOutWhole() throws Exception {
    debug("PEAK-RESET-TIME", "100");
    Jedis tc = newJedis();
    tc.clientSetname("pipe");
    awaitSize("pipe", 1024);
    jedis.set("k", "z".repeat(500));
    RawClient r = raw();
    r.command("CLIENT", "SETNAME", "pipe2").readReply();
    awaitSize("pipe2", 1024);
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      batch.append("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
    r.send(batch.toString());
    String expected = "$500\r\n" + "z".repeat(500) + "\r\n";
    for (int i = 0; i < 100; i++) {
      assertEquals(expected, r.readReply(), "reply " + i);
    }
    assertEquals(1024, listed("pipe2")[1], "50 KB of replies filled the 1 KB buffer");
    assertEquals(true, realCapacity("pipe2") <= 2048, "and it did not keep the size the batch grew it to");
  }
}
