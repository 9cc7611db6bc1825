package dev.cairn.core.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads the RDB encoding written by {@link RdbOutput} (or Redis), from a byte range (a DUMP payload) or streamed from a
 * file. Every read is bounds checked: running out of data is an {@link RdbFormatException}, never an index error.
 * A streamed input knows the file offset of the next byte ({@link #offset()}, for error messages) and keeps the CRC64
 * of the bytes consumed ({@link #crc()}), which the file's trailer is checked against.
 */
public final class RdbInput {
  private static final int CHUNK = 64 * 1024;

  private byte[] buf;
  private int pos;
  private int end;
  private final InputStream source;
  /** File offset of {@code buf[0]}. */
  private long base;
  /** CRC64 of the bytes before {@code buf[crcFrom]}. */
  private long crc;
  private int crcFrom;
  private boolean eof;
  /** The source's total size when known (-1 if not): lengths past it are refused before anything is allocated. */
  private final long size;

  public RdbInput(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
    this.source = null;
    this.base = -off;
    this.crcFrom = off;
    this.size = len;
  }

  /**
   * An input streamed from {@code source} (read in 64 KB chunks; not closed here) of {@code size} bytes, -1 if
   * unknown.
   */
  public RdbInput(InputStream source, long size) {
    this.buf = new byte[CHUNK];
    this.source = source;
    this.size = size;
  }

  /** The total size given when the input was made (-1 if unknown). */
  public long size() {
    return size;
  }

  /** Bytes left in a range input; for a streamed one, the bytes buffered so far. */
  public int remaining() {
    return end - pos;
  }

  /** The offset of the next byte to read, from the start of the payload or file. */
  public long offset() {
    return base + pos;
  }

  /** The CRC64 of every byte read so far. */
  public long crc() {
    return Crc64.update(crc, buf, crcFrom, pos - crcFrom);
  }

  /**
   * The bytes read ahead from the stream but not consumed: what follows the RDB in the stream starts with these (an AOF
   * with an RDB preamble goes on with commands after the RDB's checksum).
   */
  public byte[] unread() {
    return Arrays.copyOfRange(buf, pos, end);
  }

  /** Whether the data ends here (no more bytes buffered or in the stream). */
  public boolean atEnd() throws RdbFormatException {
    return end == pos && !fill(1);
  }

  public int readByte() throws RdbFormatException {
    need(1);
    return buf[pos++] & 0xff;
  }

  public byte[] readBytes(int n) throws RdbFormatException {
    if (n < 0) {
      throw new RdbFormatException("negative length");
    }
    if (n <= end - pos || source == null || n <= CHUNK) {
      need(n);
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }
    // a large string: what is buffered, then straight from the stream into the result
    if (size >= 0 && offset() + n > size) {
      throw truncated(); // a corrupt length must not allocate more than the file holds
    }
    byte[] b = new byte[n];
    int have = end - pos;
    System.arraycopy(buf, pos, b, 0, have);
    pos = end;
    crc = crc();
    base += end;
    pos = 0;
    end = 0;
    crcFrom = 0;
    int got = have;
    try {
      while (got < n) {
        int r = source.read(b, got, n - got);
        if (r < 0) {
          throw truncated();
        }
        got += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    crc = Crc64.update(crc, b, have, n - have);
    base += n - have;
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
    if (n < 0 || end - pos < n && !fill(n)) {
      throw truncated();
    }
  }

  private RdbFormatException truncated() {
    return new RdbFormatException("unexpected end of data");
  }

  /** Reads from the stream until {@code n} bytes are buffered; false at the end of the stream. */
  private boolean fill(int n) throws RdbFormatException {
    if (source == null || eof) {
      return false;
    }
    if (buf.length - pos < n || pos > buf.length / 2) {
      // slide the unread bytes to the front (counting the consumed ones into the CRC first)
      crc = crc();
      int unread = end - pos;
      byte[] target = buf.length < n ? new byte[Math.max(n, buf.length * 2)] : buf;
      System.arraycopy(buf, pos, target, 0, unread);
      buf = target;
      base += pos;
      pos = 0;
      end = unread;
      crcFrom = 0;
    }
    try {
      while (end - pos < n) {
        int r = source.read(buf, end, buf.length - end);
        if (r < 0) {
          eof = true;
          return false;
        }
        end += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
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
    need(1);
    if ((buf[pos] & 0xff) == 0x81) {
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
        if ((long) ulen > clen * 300L + 64) {
          throw new RdbFormatException("invalid LZF compressed string"); // more than LZF can expand to
        }
        byte[] c = readBytes(clen);
        byte[] out = Lzf.decompress(c, ulen);
        if (out == null) {
          throw new RdbFormatException("invalid LZF compressed string");
        }
        yield out;
      }
      default -> throw new RdbFormatException("unknown RDB string encoding type " + enc);
    };
  }

  /** An 8-byte little-endian double (ZSET_2 scores, module doubles). */
  public double readDouble() throws RdbFormatException {
    return Double.longBitsToDouble(readLongLE(8));
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
