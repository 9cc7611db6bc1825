package dev.cairn.core.cluster;

/**
 * The hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the key, or of its hash tag (the bytes
 * between the first '{' and the next '}' when there is at least one byte between them), modulo 16384.
 */
public final class KeySlot {
  private KeySlot() {}

  public static final int SLOTS = 16384;

  private static final char[] TABLE = new char[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = (char) (crc & 0xFFFF);
    }
  }

  /** CRC16-XMODEM of {@code len} bytes from {@code off}. */
  public static int crc16(byte[] b, int off, int len) {
    int crc = 0;
    for (int i = off; i < off + len; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }

  public static int of(byte[] key) {
    return of(key, 0, key.length);
  }

  public static int of(byte[] key, int off, int len) {
    int end = off + len;
    int open = -1;
    for (int i = off; i < end; i++) {
      if (key[i] == '{') {
        open = i;
        break;
      }
    }
    if (open >= 0) {
      for (int i = open + 1; i < end; i++) {
        if (key[i] == '}') {
          if (i > open + 1) {
            return crc16(key, open + 1, i - open - 1) & (SLOTS - 1);
          }
          break;
        }
      }
    }
    return crc16(key, off, len) & (SLOTS - 1);
  }
}
