package dev.cairn.core.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.connection.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shared replication buffer against a plain copy of the whole stream (randomized; the seed is printed). */
class BacklogTest {
  /** A connection that keeps the slices it is given, as a socket's queue does until they are written. */
  private static final class Queue extends Connection.Detached {
    final List<ByteBuf> queued = new ArrayList<>();

    Queue() {
      super("test");
    }

    @Override
    public void writeShared(ByteBuf buf) {
      queued.add(buf);
    }

    byte[] drain() {
      ByteBuf all = Unpooled.buffer();
      for (ByteBuf b : queued) {
        all.writeBytes(b);
        b.release();
      }
      queued.clear();
      byte[] got = new byte[all.readableBytes()];
      all.readBytes(got);
      return got;
    }
  }

  @Test
  void keepsAtLeastItsSizeWithTheirOffsets() {
    long seed = System.nanoTime();
    System.out.println("BacklogTest seed " + seed);
    Random rnd = new Random(seed);
    int size = 16 * 1024;
    Backlog b = new Backlog(size, 100);
    byte[] all = new byte[0];
    for (int i = 0; i < 500; i++) {
      byte[] chunk = new byte[rnd.nextInt(i % 50 == 0 ? 40_000 : 3000)];
      rnd.nextBytes(chunk);
      b.append(Unpooled.wrappedBuffer(chunk), 0, chunk.length);
      b.trim(Long.MAX_VALUE);
      all = concat(all, chunk);
      assertEquals(100 + all.length, b.offset());
      assertTrue(b.histlen() >= Math.min(size, all.length), "history shorter than the backlog's size");
      assertTrue(b.histlen() <= size + 16 * 1024, "trimming kept more than a block beyond the size");
      assertEquals(b.offset() - b.histlen() + 1, b.firstByteOffset());
      long from = b.firstByteOffset() + (b.histlen() == 0 ? 0 : rnd.nextInt((int) b.histlen()));
      assertTrue(b.covers(from));
      int start = (int) (from - 101);
      ByteBuf out = Unpooled.buffer();
      b.copyFrom(from, out);
      byte[] copied = new byte[out.readableBytes()];
      out.readBytes(copied);
      assertArrayEquals(Arrays.copyOfRange(all, start, all.length), copied);
      Queue q = new Queue();
      b.sendFrom(from, q);
      assertArrayEquals(Arrays.copyOfRange(all, start, all.length), q.drain());
    }
    assertTrue(b.covers(b.offset() + 1)); // a replica that has everything continues with nothing to send
    assertFalse(b.covers(b.offset() + 2));
    assertFalse(b.covers(b.firstByteOffset() - 1));
  }

  @Test
  void aReplicaHoldingBlocksMakesTheBacklogOutgrowItsSize() {
    Backlog b = new Backlog(16 * 1024, 0);
    byte[] data = new byte[1000];
    Queue slow = new Queue();
    b.append(Unpooled.wrappedBuffer(data), 0, data.length);
    b.sendFrom(1, slow); // a replica's socket holds a slice of the first block
    for (int i = 0; i < 200; i++) {
      b.append(Unpooled.wrappedBuffer(data), 0, data.length);
    }
    b.trim(Long.MAX_VALUE);
    assertEquals(201_000, b.histlen());
    assertTrue(b.covers(1));
    long memory = b.memory();
    slow.drain(); // written: the replica no longer refers to it
    b.trim(Long.MAX_VALUE);
    assertTrue(b.histlen() < 40_000, "histlen " + b.histlen());
    assertTrue(b.memory() < memory);
    // a replica waiting for its RDB keeps its place the same way
    long keep = b.offset() + 1;
    for (int i = 0; i < 200; i++) {
      b.append(Unpooled.wrappedBuffer(data), 0, data.length);
    }
    b.trim(keep);
    assertTrue(b.covers(keep));
    b.trim(Long.MAX_VALUE);
    assertFalse(b.covers(keep));
  }

  @Test
  void bigWritesAreSplitIntoBlocksTheTrimmingCanDrop() {
    Backlog b = new Backlog(16 * 1024, 0);
    byte[] big = new byte[256 * 1024];
    b.append(Unpooled.wrappedBuffer(big), 0, big.length);
    b.append(Unpooled.wrappedBuffer(new byte[10]), 0, 10);
    b.trim(Long.MAX_VALUE);
    assertTrue(b.histlen() < 48 * 1024, "histlen " + b.histlen());
    assertTrue(b.memory() < 64 * 1024, "memory " + b.memory());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
