package dev.cairn.core.rdb;

/**
 * CRC-64 with the Jones polynomial (0xad93d23594c935a9), reflected input and output, initial value 0 and no final xor:
 * the checksum Redis puts at the end of DUMP payloads and RDB files. Check value: "123456789" gives 0xe9c6d914c4b8d9ca.
 */
public final class Crc64 {
  private Crc64() {}

  /** The polynomial bit-reversed, for the reflected (LSB-first) algorithm. */
  private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
  private static final long[] TABLE = new long[256];

  static {
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
  public static long update(long crc, byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }

  public static long of(byte[] b, int off, int len) {
    return update(0, b, off, len);
  }
}
