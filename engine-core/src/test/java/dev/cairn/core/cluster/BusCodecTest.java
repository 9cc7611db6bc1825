package dev.cairn.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The slot bitmaps of bus messages: Redis's layout (slot j is bit j % 8 of byte j / 8), written and read back. */
class BusCodecTest {
  @Test
  void slotBitmapsHaveRedisLayout() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int round = 0; round < 50; round++) {
      BitSet slots = new BitSet(KeySlot.SLOTS);
      int n = rnd.nextInt(3) == 0 ? KeySlot.SLOTS : rnd.nextInt(200);
      for (int i = 0; i < n; i++) {
        slots.set(n == KeySlot.SLOTS ? i : rnd.nextInt(KeySlot.SLOTS));
      }
      ByteBuf b = Unpooled.buffer(8 + BusCodec.SLOTS_BYTES);
      b.writeZero(8 + BusCodec.SLOTS_BYTES);
      BusCodec.slots(b, 8, slots);
      for (int j = 0; j < KeySlot.SLOTS; j++) {
        boolean bit = (b.getByte(8 + j / 8) & (1 << (j % 8))) != 0;
        assertEquals(slots.get(j), bit, "seed " + seed + " slot " + j);
      }
      assertEquals(slots, BusCodec.slotSet(b, 8), "seed " + seed);
    }
  }
}
