package dev.cairn.core.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backlog ring against a plain copy of the whole stream (randomized; the seed is printed). */
class BacklogTest {
  @Test
  void keepsTheLastBytesWithTheirOffsets() {
    long seed = System.nanoTime();
    System.out.println("BacklogTest seed " + seed);
    Random rnd = new Random(seed);
    int size = 16 * 1024;
    Backlog b = new Backlog(size, 100);
    byte[] all = new byte[0];
    for (int i = 0; i < 500; i++) {
      byte[] chunk = new byte[rnd.nextInt(i % 50 == 0 ? 40_000 : 3000)];
      rnd.nextBytes(chunk);
      ByteBuf src = Unpooled.wrappedBuffer(chunk);
      b.append(src, 0, chunk.length);
      all = concat(all, chunk);
      assertEquals(100 + all.length, b.offset());
      assertEquals(Math.min(size, all.length), b.histlen());
      assertEquals(b.offset() - b.histlen() + 1, b.firstByteOffset());
      long from = b.firstByteOffset() + (b.histlen() == 0 ? 0 : rnd.nextInt((int) b.histlen()));
      assertTrue(b.covers(from));
      ByteBuf out = Unpooled.buffer();
      b.copyFrom(from, out);
      byte[] got = new byte[out.readableBytes()];
      out.readBytes(got);
      int start = (int) (from - 101);
      assertArrayEquals(Arrays.copyOfRange(all, start, all.length), got);
    }
    assertTrue(b.covers(b.offset() + 1)); // a replica that has everything continues with nothing to send
    assertFalse(b.covers(b.offset() + 2));
    assertFalse(b.covers(b.firstByteOffset() - 1));
  }

  @Test
  void resizeKeepsTheNewestBytes() {
    Backlog b = new Backlog(32 * 1024, 0);
    byte[] data = new byte[30_000];
    new Random(1).nextBytes(data);
    b.append(Unpooled.wrappedBuffer(data), 0, data.length);
    b.resize(16 * 1024);
    assertEquals(16 * 1024, b.histlen());
    ByteBuf out = Unpooled.buffer();
    b.copyFrom(b.firstByteOffset(), out);
    byte[] got = new byte[out.readableBytes()];
    out.readBytes(got);
    assertArrayEquals(Arrays.copyOfRange(data, data.length - 16 * 1024, data.length), got);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
