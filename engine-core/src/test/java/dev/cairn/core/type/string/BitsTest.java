package dev.cairn.core.type.string;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bit counting, searching and BITOP against a bit-by-bit model, with random strings (the seed is printed). */
class BitsTest {
  private static boolean bit(byte[] b, long i) {
    return (b[(int) (i >>> 3)] & (0x80 >>> (int) (i & 7))) != 0;
  }

  @Test
  void countAndPositionMatchAModel() {
    long seed = System.nanoTime();
    System.out.println("BitsTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[1 + rnd.nextInt(40)];
      int style = rnd.nextInt(3);
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (style == 0 ? rnd.nextInt(256) : style == 1 ? (rnd.nextInt(10) == 0 ? rnd.nextInt(256) : 0)
            : (rnd.nextInt(10) == 0 ? rnd.nextInt(256) : 0xff));
      }
      long bits = b.length * 8L;
      long from = rnd.nextInt((int) bits);
      long to = from + rnd.nextInt((int) (bits - from));
      long count = 0;
      long first1 = -1;
      long first0 = -1;
      for (long i = from; i <= to; i++) {
        if (bit(b, i)) {
          count++;
          first1 = first1 < 0 ? i : first1;
        } else {
          first0 = first0 < 0 ? i : first0;
        }
      }
      String what = "seed " + seed + " round " + round + " range " + from + ".." + to;
      assertEquals(count, Bits.count(b, from, to), what);
      assertEquals(first1, Bits.position(b, from, to, 1), what);
      assertEquals(first0, Bits.position(b, from, to, 0), what);
    }
  }

  @Test
  void emptyRanges() {
    byte[] b = {(byte) 0xff};
    assertEquals(0, Bits.count(b, 5, 4));
    assertEquals(-1, Bits.position(b, 5, 4, 1));
  }

  @Test
  void opsPadShorterSourcesWithZeros() {
    byte[] a = {(byte) 0xf0, 0x0f, (byte) 0xff};
    byte[] b = {(byte) 0xcc};
    byte[][] src = {a, b};
    int[] len = {3, 1};
    assertArrayEquals(new byte[] {(byte) 0xc0, 0, 0}, Bits.op(Bits.Op.AND, src, len, 2));
    assertArrayEquals(new byte[] {(byte) 0xfc, 0x0f, (byte) 0xff}, Bits.op(Bits.Op.OR, src, len, 2));
    assertArrayEquals(new byte[] {0x3c, 0x0f, (byte) 0xff}, Bits.op(Bits.Op.XOR, src, len, 2));
    assertArrayEquals(new byte[] {0x0f, (byte) 0xf0, 0}, Bits.op(Bits.Op.NOT, new byte[][] {a}, new int[] {3}, 1));
  }

  @Test
  void wordPathsAgreeWithBytePaths() {
    Random rnd = new Random(42);
    byte[][] src = new byte[3][];
    int[] len = new int[3];
    for (int k = 0; k < 3; k++) {
      len[k] = 20 + rnd.nextInt(50);
      src[k] = new byte[len[k] + 7]; // spare room past the length, as a RawString has
      rnd.nextBytes(src[k]);
    }
    int max = Math.max(len[0], Math.max(len[1], len[2]));
    for (Bits.Op op : new Bits.Op[] {Bits.Op.AND, Bits.Op.OR, Bits.Op.XOR}) {
      byte[] expect = new byte[max];
      for (int i = 0; i < max; i++) {
        int v = i < len[0] ? src[0][i] & 0xff : 0;
        for (int k = 1; k < 3; k++) {
          int w = i < len[k] ? src[k][i] & 0xff : 0;
          v = op == Bits.Op.AND ? v & w : op == Bits.Op.OR ? v | w : v ^ w;
        }
        expect[i] = (byte) v;
      }
      assertArrayEquals(expect, Bits.op(op, src, len, 3), op.name());
    }
  }
}
