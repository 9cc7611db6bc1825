package dev.cairn.core.rdb;

/**
 * CRC-64 with the Jones polynomial (0xad93d23594c935a9), reflected input and output, initial value 0 and no final xor:
 * the checksum Redis puts at the end of DUMP payloads and RDB files. Check value: "123456789" gives 0xe9c6d914c4b8d9ca.
 * Eight bytes at a time through eight tables ("slicing-by-8"): an RDB file is checksummed whole, so the byte-at-a-time
 * loop would cost a snapshot thread more than the file write.
 */
public final class Crc64 {
  private Crc64() {}

  /** The polynomial bit-reversed, for the reflected (LSB-first) algorithm. */
  private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
  /** TABLES[k][b]: the CRC of byte b followed by k zero bytes. */
  private static final long[][] TABLES = new long[8][256];

  static {
    long[] t0 = TABLES[0];
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
      }
      t0[i] = crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int i = 0; i < 256; i++) {
        long prev = TABLES[k - 1][i];
        TABLES[k][i] = (prev >>> 8) ^ t0[(int) (prev & 0xff)];
      }
    }
  }

  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
  public static long update(long crc, byte[] b, int off, int len) {
    long[] t0 = TABLES[0];
    int i = off;
    int end = off + len;
    long[] t1 = TABLES[1];
    long[] t2 = TABLES[2];
    long[] t3 = TABLES[3];
    long[] t4 = TABLES[4];
    long[] t5 = TABLES[5];
    long[] t6 = TABLES[6];
    long[] t7 = TABLES[7];
    for (; i + 8 <= end; i += 8) {
      crc ^= (long) LONG_LE.get(b, i);
      crc = t7[(int) (crc & 0xff)] ^ t6[(int) ((crc >>> 8) & 0xff)] ^ t5[(int) ((crc >>> 16) & 0xff)]
          ^ t4[(int) ((crc >>> 24) & 0xff)] ^ t3[(int) ((crc >>> 32) & 0xff)] ^ t2[(int) ((crc >>> 40) & 0xff)]
          ^ t1[(int) ((crc >>> 48) & 0xff)] ^ t0[(int) (crc >>> 56)];
    }
    for (; i < end; i++) {
      crc = t0[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }

  public static long of(byte[] b, int off, int len) {
    return update(0, b, off, len);
  }
}
