package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.args.BitCountOption;
import redis.clients.jedis.args.BitOP;
import redis.clients.jedis.params.BitPosParams;

/** SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP over the network. */
class BitmapIT extends ServerTestBase {
  @Test
  void setbitAndGetbit() throws Exception {
    assertFalse(jedis.setbit("b", 7, true));
    assertTrue(jedis.setbit("b", 7, true));
    assertTrue(jedis.getbit("b", 7));
    assertFalse(jedis.getbit("b", 8));
    assertFalse(jedis.getbit("nokey", 100));
    assertArrayEquals(new byte[] {1}, jedis.get("b".getBytes()));
    jedis.setbit("b", 23, true);
    assertArrayEquals(new byte[] {1, 0, 1}, jedis.get("b".getBytes()));
    jedis.set("n", "1"); // '1' is 0x31
    assertTrue(jedis.getbit("n", 2));
    assertTrue(jedis.getbit("n", 7));

    RawClient r = raw();
    assertEquals("-ERR bit offset is not an integer or out of range\r\n",
        r.command("SETBIT", "b", "-1", "1").readReply());
    assertEquals("-ERR bit offset is not an integer or out of range\r\n",
        r.command("SETBIT", "b", "4294967296", "1").readReply());
    assertEquals("-ERR bit offset is not an integer or out of range\r\n",
        r.command("GETBIT", "b", "#1").readReply());
    assertEquals("-ERR bit is not an integer or out of range\r\n", r.command("SETBIT", "b", "0", "2").readReply());
    assertEquals("-ERR bit is not an integer or out of range\r\n", r.command("SETBIT", "b", "0", "x").readReply());
  }

  @Test
  void bitcountRanges() throws Exception {
    jedis.set("s", "foobar");
    assertEquals(26, jedis.bitcount("s"));
    assertEquals(4, jedis.bitcount("s", 0, 0));
    assertEquals(6, jedis.bitcount("s", 1, 1));
    assertEquals(17, jedis.bitcount("s", 5, 30, BitCountOption.BIT));
    assertEquals(0, jedis.bitcount("nokey"));
    RawClient r = raw();
    assertEquals("-ERR syntax error\r\n", r.command("BITCOUNT", "s", "0").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("BITCOUNT", "s", "0", "1", "WORD").readReply());
    assertEquals(":0\r\n", r.command("BITCOUNT", "nokey", "0").readReply()); // a missing key answers first
    assertEquals(":0\r\n", r.command("BITCOUNT", "s", "-1", "-2", "WORD").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n",
        r.command("BITCOUNT", "s", "a", "b").readReply());
  }

  @Test
  @DisplayName("BITCOUNT and BITPOS agree with a model on random bitmaps")
  void randomBitmaps() {
    long seed = System.nanoTime();
    System.out.println("BitmapIT seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 30; round++) {
      int len = 1 + rnd.nextInt(64);
      byte[] bytes = new byte[len];
      rnd.nextBytes(bytes);
      jedis.set("r".getBytes(), bytes);
      BitSet model = new BitSet();
      for (int i = 0; i < len * 8; i++) {
        if ((bytes[i >> 3] & (0x80 >>> (i & 7))) != 0) {
          model.set(i);
        }
      }
      int start = rnd.nextInt(len * 8);
      int end = start + rnd.nextInt(len * 8 - start);
      String what = "seed " + seed + " round " + round;
      assertEquals(model.get(start, end + 1).cardinality(), jedis.bitcount("r", start, end, BitCountOption.BIT),
          what);
      int first1 = model.nextSetBit(start);
      assertEquals(first1 < 0 || first1 > end ? -1 : first1,
          jedis.bitpos("r", true, new BitPosParams(start, end).modifier(BitCountOption.BIT)), what);
      int first0 = model.nextClearBit(start);
      assertEquals(first0 > end ? -1 : first0,
          jedis.bitpos("r", false, new BitPosParams(start, end).modifier(BitCountOption.BIT)), what);
    }
  }

  @Test
  void bitposEdges() throws Exception {
    jedis.set("ff".getBytes(), new byte[] {(byte) 0xff, (byte) 0xff});
    assertEquals(16, jedis.bitpos("ff", false)); // no end given: the string reads as padded with zeros
    assertEquals(-1, jedis.bitpos("ff", false, new BitPosParams(0, -1)));
    assertEquals(0, jedis.bitpos("nokey", false));
    assertEquals(-1, jedis.bitpos("nokey", true));
    jedis.set("e", "");
    assertEquals(-1, jedis.bitpos("e", false));
    RawClient r = raw();
    assertEquals("-ERR The bit argument must be 1 or 0.\r\n", r.command("BITPOS", "ff", "2").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("BITPOS", "ff", "0", "0", "1", "BITS").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("BITPOS", "ff", "0", "0", "1", "BIT", "x").readReply());
  }

  @Test
  void bitop() throws Exception {
    jedis.set("a", "foobar");
    jedis.set("b", "abcdef");
    assertEquals(6, jedis.bitop(BitOP.AND, "d", "a", "b"));
    assertEquals("`bc`ab", jedis.get("d"));
    assertEquals(6, jedis.bitop(BitOP.OR, "d", "a", "b"));
    assertEquals("goofev", jedis.get("d"));
    assertEquals(6, jedis.bitop(BitOP.XOR, "d", "a", "b", "nokey"));
    assertArrayEquals(new byte[] {7, 13, 12, 6, 4, 20}, jedis.get("d".getBytes()));
    jedis.set("s".getBytes(), new byte[] {0x0f});
    assertEquals(1, jedis.bitop(BitOP.NOT, "d", "s"));
    assertArrayEquals(new byte[] {(byte) 0xf0}, jedis.get("d".getBytes()));
    assertEquals(0, jedis.bitop(BitOP.AND, "d", "nokey1", "nokey2"));
    assertFalse(jedis.exists("d")); // an empty result deletes the destination
    RawClient r = raw();
    assertEquals("-ERR BITOP NOT must be called with a single source key.\r\n",
        r.command("BITOP", "NOT", "d", "a", "b").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("BITOP", "NAND", "d", "a").readReply());
  }
}
