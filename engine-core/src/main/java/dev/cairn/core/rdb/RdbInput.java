package dev.cairn.core.rdb;

/** Reads the RDB encoding written by {@link RdbOutput} (or Redis) from a byte range; every read is bounds checked. */
public final class RdbInput {
  private final byte[] buf;
  private int pos;
  private final int end;

  public RdbInput(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  public int remaining() {
    return end - pos;
  }

  public int readByte() throws RdbFormatException {
    need(1);
    return buf[pos++] & 0xff;
  }

  public byte[] readBytes(int n) throws RdbFormatException {
    need(n);
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  public long readLongLE(int bytes) throws RdbFormatException {
    need(bytes);
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (buf[pos++] & 0xffL) << (8 * i);
    }
    return v;
  }

  private long readBigEndian(int bytes) throws RdbFormatException {
    need(bytes);
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (buf[pos++] & 0xff);
    }
    return v;
  }

  private void need(int n) throws RdbFormatException {
    if (n < 0 || end - pos < n) {
      throw new RdbFormatException("unexpected end of data");
    }
  }

  /** A plain length (no special encoding allowed). */
  public long readLength() throws RdbFormatException {
    long len = readLengthOrEncoding();
    if (len < 0) {
      throw new RdbFormatException("unexpected encoded value where a length was expected");
    }
    return len;
  }

  /** A length as an unsigned 64-bit number (module type ids and fields): the 9-byte form may have its top bit set. */
  public long readLengthUnsigned() throws RdbFormatException {
    if (end - pos >= 9 && (buf[pos] & 0xff) == 0x81) {
      pos++;
      return readBigEndian(8);
    }
    return readLength();
  }

  /** A length, or {@code -1 - encoding} for a special string encoding (0xC0 | enc). */
  private long readLengthOrEncoding() throws RdbFormatException {
    int first = readByte();
    switch (first >>> 6) {
      case 0 -> {
        return first & 0x3f;
      }
      case 1 -> {
        return ((first & 0x3f) << 8) | readByte();
      }
      case 2 -> {
        if (first == 0x80) {
          return readBigEndian(4);
        }
        if (first == 0x81) {
          long v = readBigEndian(8);
          if (v < 0) {
            throw new RdbFormatException("length out of range");
          }
          return v;
        }
        throw new RdbFormatException("unknown length encoding " + first);
      }
      default -> {
        return -1 - (first & 0x3f);
      }
    }
  }

  /** A string in any of its encodings. */
  public byte[] readString() throws RdbFormatException {
    long len = readLengthOrEncoding();
    if (len >= 0) {
      return readBytes(checkedInt(len));
    }
    int enc = (int) (-1 - len);
    return switch (enc) {
      case RdbOutput.ENC_INT8 -> ascii((byte) readByte());
      case RdbOutput.ENC_INT16 -> ascii((short) readLongLE(2));
      case RdbOutput.ENC_INT32 -> ascii((int) readLongLE(4));
      case RdbOutput.ENC_LZF -> {
        int clen = checkedInt(readLength());
        int ulen = checkedInt(readLength());
        byte[] c = readBytes(clen);
        byte[] out = Lzf.decompress(c, ulen);
        if (out == null) {
          throw new RdbFormatException("invalid LZF data");
        }
        yield out;
      }
      default -> throw new RdbFormatException("unknown string encoding " + enc);
    };
  }

  private int checkedInt(long len) throws RdbFormatException {
    if (len > Integer.MAX_VALUE - 16) {
      throw new RdbFormatException("length out of range");
    }
    return (int) len;
  }

  private static byte[] ascii(long v) {
    return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
