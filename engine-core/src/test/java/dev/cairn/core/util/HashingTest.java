package dev.cairn.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A key hashed in the socket's buffer (through it or at its address) must land where the same key as an array does. */
class HashingTest {
  @Test
  void aBufferSliceHashesAsTheArray() {
    long seed = System.nanoTime();
    System.out.println("HashingTest seed " + seed);
    Random r = new Random(seed);
    boolean addressed = false;
    for (int len = 0; len <= 40; len++) {
      for (int round = 0; round < 20; round++) {
        byte[] key = new byte[len];
        r.nextBytes(key);
        int pad = r.nextInt(9);
        byte[] padded = new byte[pad + len + r.nextInt(9)];
        r.nextBytes(padded);
        System.arraycopy(key, 0, padded, pad, len);
        for (ByteBuf b : new ByteBuf[] {Unpooled.wrappedBuffer(padded), Unpooled.directBuffer(padded.length)}) {
          b.setBytes(0, padded);
          assertEquals(Hashing.hash(key), Hashing.hash(b, pad, len), "length " + len + " at " + pad);
          assertEquals(Hashing.hash(padded, pad, len), Hashing.hash(b, pad, len));
          if (b.hasMemoryAddress()) {
            assertEquals(Hashing.hash(key), Hashing.hashAt(b.memoryAddress() + pad, len), "at an address, " + len);
            addressed = true;
          }
          b.release();
        }
      }
    }
    assertEquals(PlatformDependent.hasUnsafe(), addressed, "the address form was tested where there is one");
  }
}
