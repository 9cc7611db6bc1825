package dev.cairn.core.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzfTest {
  @Test
  void decompressesWhatRedisCompressed() {
    // the LZF part of redis-server's DUMP of "abcdefghij" x 20 (200 bytes, 18 compressed)
    byte[] c = HexFormat.of().parseHex("0a6162636465666768696a61e0b20901696a");
    byte[] out = Lzf.decompress(c, 200);
    assertArrayEquals("abcdefghij".repeat(20).getBytes(StandardCharsets.US_ASCII), out);
  }

  @Test
  void roundTripsRandomInputsOfEveryShape() {
    long seed = System.nanoTime();
    System.out.println("LzfTest seed " + seed);
    Random r = new Random(seed);
    for (int round = 0; round < 2000; round++) {
      int len = r.nextInt(round < 1000 ? 100 : 20000);
      byte[] in = new byte[len];
      int alphabet = 1 + r.nextInt(r.nextBoolean() ? 4 : 256);
      for (int i = 0; i < len; i++) {
        // mixes runs, repeats from far back and noise so that every kind of back reference appears
        int mode = r.nextInt(10);
        if (mode == 0 && i > 300) {
          in[i] = in[i - 1 - r.nextInt(300)];
        } else if (mode < 4 && i > 0) {
          in[i] = in[i - 1];
        } else {
          in[i] = (byte) r.nextInt(alphabet);
        }
      }
      byte[] c = Lzf.compress(in, len + len / 16 + 64);
      assertNotNull(c, "seed " + seed + " round " + round);
      assertArrayEquals(in, Lzf.decompress(c, len), "seed " + seed + " round " + round);
    }
  }

  @Test
  void compressesRepetitiveDataAndGivesUpOnNoise() {
    byte[] rep = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    byte[] c = Lzf.compress(rep, rep.length - 4);
    assertNotNull(c);
    assertTrue(c.length < 40, "length " + c.length);
    byte[] noise = new byte[1000];
    new Random(1).nextBytes(noise);
    assertNull(Lzf.compress(noise, noise.length - 4));
  }

  @Test
  void rejectsMalformedStreams() {
    assertNull(Lzf.decompress(new byte[] {0x05, 'a'}, 6), "literal run past the input");
    assertNull(Lzf.decompress(new byte[] {0x00, 'a', (byte) 0x20, 0x05}, 4), "reference before the start");
    assertNull(Lzf.decompress(new byte[] {0x00, 'a'}, 2), "too short an output");
    assertNull(Lzf.decompress(new byte[] {0x01, 'a', 'b'}, 1), "too long an output");
    assertNull(Lzf.decompress(new byte[] {0x00, 'a', (byte) 0xe0}, 10), "truncated reference");
  }
}
