package dev.cairn.core.rdb;

import dev.cairn.api.command.Args;
import java.util.Arrays;

/**
 * Writes the RDB encoding: lengths in 1, 2, 5 or 9 bytes, strings as integers when they are canonical small numbers,
 * LZF-compressed when long and compressible, plain otherwise (the choices Redis makes, so payloads stay compact).
 */
public final class RdbOutput {
  static final int ENC_INT8 = 0;
  static final int ENC_INT16 = 1;
  static final int ENC_INT32 = 2;
  static final int ENC_LZF = 3;

  private byte[] buf;
  private int pos;
  private final boolean compress;
  private int version = RdbFormat.MIN_WRITE_VERSION;

  /** A writer; {@code compress} as the {@code rdbcompression} setting (LZF for strings over 20 bytes). */
  public RdbOutput(int initialCapacity, boolean compress) {
    this.buf = new byte[Math.max(16, initialCapacity)];
    this.compress = compress;
  }

  /**
   * The RDB version of the file or payload being written: a codec whose values have forms of several versions picks the
   * one this version can express (see {@link RdbValueCodec#minVersion}).
   */
  public int version() {
    return version;
  }

  public RdbOutput version(int v) {
    this.version = v;
    return this;
  }

  public int size() {
    return pos;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** The internal buffer (valid up to {@link #size()}). */
  public byte[] buffer() {
    return buf;
  }

  /** Empties the buffer (keeping its capacity) once its bytes were written out. */
  public void reset() {
    pos = 0;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  public void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  /** Little-endian, as RDB stores fixed-width integers (the DUMP trailer, ziplist-free numeric fields). */
  public void writeLongLE(long v, int bytes) {
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  /** A length: 6 bits in one byte, 14 bits in two, else a marker and 32 or 64 bits big-endian. */
  public void writeLength(long len) {
    if (len < (1 << 6)) {
      writeByte((int) len);
    } else if (len < (1 << 14)) {
      writeByte((int) ((len >>> 8) | 0x40));
      writeByte((int) len);
    } else if (len <= 0xffffffffL) {
      writeByte(0x80);
      ensure(4);
      for (int i = 3; i >= 0; i--) {
        buf[pos++] = (byte) (len >>> (8 * i));
      }
    } else {
      writeByte(0x81);
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[pos++] = (byte) (len >>> (8 * i));
      }
    }
  }

  /**
   * A length read as an unsigned 64-bit number, as Redis's rdbSaveLen takes a uint64 (module type ids, module
   * unsigned fields): values with the top bit set take the 9-byte form.
   */
  public void writeLengthUnsigned(long len) {
    if (len < 0) {
      writeByte(0x81);
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[pos++] = (byte) (len >>> (8 * i));
      }
    } else {
      writeLength(len);
    }
  }

  /** An 8-byte little-endian double (ZSET_2 scores). */
  public void writeDouble(double d) {
    writeLongLE(Double.doubleToRawLongBits(d), 8);
  }

  /** A string written as it is (length and bytes), never integer-encoded or compressed (listpack and ziplist blobs). */
  public void writeRawString(byte[] s, int off, int len) {
    if (compress && len > 20 && writeLzf(s, off, len)) {
      return;
    }
    writeLength(len);
    writeBytes(s, off, len);
  }

  /** A string, choosing the integer, LZF or plain encoding. */
  public void writeString(byte[] s) {
    writeString(s, 0, s.length);
  }

  /** {@code len} bytes of {@code s} from {@code off} as a string, choosing the integer, LZF or plain encoding. */
  public void writeString(byte[] s, int off, int len) {
    if (len <= 11 && writeIntEncoded(s, off, len)) {
      return;
    }
    if (compress && len > 20 && writeLzf(s, off, len)) {
      return;
    }
    writeLength(len);
    writeBytes(s, off, len);
  }

  /** A string known to hold {@code v} in decimal. */
  public void writeString(long v) {
    if (!writeInt(v)) {
      byte[] s = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      writeLength(s.length);
      writeBytes(s, 0, s.length);
    }
  }

  /** Up to 11 bytes: the integer encoding if they are a canonical decimal that fits 32 bits. */
  private boolean writeIntEncoded(byte[] s, int off, int len) {
    long v = Args.parseLongOrMin(s, off, len);
    if (v == Long.MIN_VALUE) {
      return false; // not canonical ("007", "+1"): the integer form would not give the same bytes back
    }
    return writeInt(v);
  }

  private boolean writeInt(long v) {
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      writeByte(0xC0 | ENC_INT8);
      writeByte((int) v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      writeByte(0xC0 | ENC_INT16);
      writeLongLE(v, 2);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      writeByte(0xC0 | ENC_INT32);
      writeLongLE(v, 4);
    } else {
      return false;
    }
    return true;
  }

  /** LZF into the buffer itself (no temporary arrays): compressed after room for the header, then moved up to it. */
  private boolean writeLzf(byte[] s, int off, int len) {
    int maxLen = len - 4; // worth it only if it saves at least 4 bytes, as Redis requires
    if (maxLen <= 0) {
      return false;
    }
    ensure(11 + maxLen);
    int dataAt = pos + 11; // the header takes at most 1 + 5 + 5 bytes
    int clen = Lzf.compress(s, off, len, buf, dataAt, maxLen);
    if (clen < 0) {
      return false;
    }
    writeByte(0xC0 | ENC_LZF);
    writeLength(clen);
    writeLength(len);
    System.arraycopy(buf, dataAt, buf, pos, clen);
    pos += clen;
    return true;
  }
}
