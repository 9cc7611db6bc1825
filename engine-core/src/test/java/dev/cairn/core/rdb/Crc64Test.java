package dev.cairn.core.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc64Test {
  @Test
  void checkValueOfTheJonesCrc() {
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(b, 0, b.length));
  }

  @Test
  void emptyInputIsZero() {
    assertEquals(0L, Crc64.of(new byte[0], 0, 0));
  }

  @Test
  void updateContinuesAcrossChunks() {
    byte[] b = "This is a test of the emergency broadcast system.".getBytes(StandardCharsets.US_ASCII);
    long whole = Crc64.of(b, 0, b.length);
    long parts = Crc64.update(Crc64.of(b, 0, 10), b, 10, b.length - 10);
    assertEquals(whole, parts);
  }

  @Test
  void matchesTheChecksumOfARealRedisDumpPayload() {
    // DUMP of the string "hello" from redis-server: body, version 10, then the CRC64 little-endian
    byte[] p = {0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0x0a, 0x00, 0x63, 0x72, (byte) 0xdf, 0x76, 0x65, 0x34, 0x20, 0x0a};
    long crc = 0;
    for (int i = 16; i >= 9; i--) {
      crc = (crc << 8) | (p[i] & 0xff);
    }
    assertEquals(crc, Crc64.of(p, 0, 9));
  }

  @Test
  void eightBytesAtATimeEqualsByteAtATime() {
    java.util.Random rnd = new java.util.Random(42);
    for (int len = 0; len < 300; len++) {
      byte[] b = new byte[len + 7];
      rnd.nextBytes(b);
      int off = rnd.nextInt(8);
      int n = Math.min(len, b.length - off);
      long slow = 0;
      for (int i = off; i < off + n; i++) {
        slow = Crc64.update(slow, b, i, 1); // one byte at a time takes the simple path
      }
      assertEquals(slow, Crc64.of(b, off, n), "length " + n);
    }
  }
}
