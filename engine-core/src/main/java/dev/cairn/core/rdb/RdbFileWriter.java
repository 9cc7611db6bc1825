package dev.cairn.core.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an RDB file (layout in {@link RdbFormat}) to a stream: the header, AUX fields, sections, databases and keys,
 * then EOF and the CRC64. Records are assembled in a buffer that goes to the stream every 64 KB, with the checksum kept
 * on the way. Not thread-safe: one writer per file, on one thread.
 */
public final class RdbFileWriter {
  private static final int FLUSH_AT = 64 * 1024;

  private final OutputStream out;
  private final RdbOutput buf;
  private final RdbCodecs codecs;
  private final boolean checksum;
  private long crc;
  private long written;
  private int currentDb = -1;

  /**
   * A writer of an RDB file of {@code version} ({@link RdbFormat#MIN_WRITE_VERSION} to {@link RdbFormat#MAX_VERSION}).
   * {@code compress} is {@code rdbcompression} (LZF for strings over 20 bytes), {@code checksum} is
   * {@code rdbchecksum} (without it the trailer is 0, which loaders accept unchecked).
   */
  public RdbFileWriter(OutputStream out, RdbCodecs codecs, int version, boolean compress, boolean checksum) {
    this.out = out;
    this.codecs = codecs;
    this.checksum = checksum;
    this.buf = new RdbOutput(FLUSH_AT + 1024, compress).version(version);
  }

  public int version() {
    return buf.version();
  }

  /** Bytes written to the stream so far (what is still buffered excluded). */
  public long bytesWritten() {
    return written;
  }

  /** The "REDIS0010" magic. */
  public void header() throws IOException {
    byte[] h = RdbFormat.header(buf.version());
    buf.writeBytes(h, 0, h.length);
    maybeFlush();
  }

  /** An AUX field (a string pair loaders skip when they do not know it). */
  public void aux(String key, String value) throws IOException {
    buf.writeByte(RdbFormat.OPCODE_AUX);
    buf.writeString(key.getBytes(StandardCharsets.UTF_8));
    buf.writeString(value.getBytes(StandardCharsets.UTF_8));
    maybeFlush();
  }

  /** An AUX field with an integer value (written integer-encoded when it fits, as Redis does). */
  public void aux(String key, long value) throws IOException {
    buf.writeByte(RdbFormat.OPCODE_AUX);
    buf.writeString(key.getBytes(StandardCharsets.UTF_8));
    buf.writeString(value);
    maybeFlush();
  }

  /** The fields Redis writes after the header: server version, word size, creation time, memory in use, AOF base. */
  public void standardAux(String redisVersion, long usedMemory, boolean aofBase) throws IOException {
    aux("redis-ver", redisVersion);
    aux("redis-bits", 64);
    aux("ctime", System.currentTimeMillis() / 1000);
    aux("used-mem", usedMemory);
    aux("aof-base", aofBase ? 1 : 0);
  }

  /** Direct access for a section's records ({@link RdbSection#write}); call {@link #maybeFlush()} after. */
  public RdbOutput output() {
    return buf;
  }

  /** Switches to database {@code db} (SELECTDB) unless it is the current one. */
  public void selectDb(int db) throws IOException {
    if (db != currentDb) {
      buf.writeByte(RdbFormat.OPCODE_SELECTDB);
      buf.writeLength(db);
      currentDb = db;
    }
  }

  /** The size hint of the current database (RESIZEDB). */
  public void resizeDb(long size, long expires) throws IOException {
    buf.writeByte(RdbFormat.OPCODE_RESIZEDB);
    buf.writeLength(size);
    buf.writeLength(expires);
    maybeFlush();
  }

  /**
   * One key of the current database: {@code expireAt} ms since the epoch or -1, {@code idleSeconds} (LRU) or -1,
   * {@code lfuFreq} (LFU counter) or -1. Throws if no codec writes the value's type.
   */
  public void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq) throws IOException {
    RdbValueCodec codec = codecs.writer(value);
    if (codec == null) {
      throw new IOException("no RDB codec for values of " + value.getClass().getName());
    }
    keyPrefix(expireAt, idleSeconds, lfuFreq);
    buf.writeByte(codec.typeByte(value, buf.version()));
    buf.writeString(key);
    codec.write(buf, value);
    maybeFlush();
  }

  /** One string key whose value is {@code len} bytes of {@code s} from {@code off} (a string arena's slot, in place). */
  public void keyString(byte[] key, byte[] s, int off, int len, long expireAt, long idleSeconds, int lfuFreq)
      throws IOException {
    keyPrefix(expireAt, idleSeconds, lfuFreq);
    buf.writeByte(RdbCodecs.TYPE_STRING);
    buf.writeString(key);
    buf.writeString(s, off, len);
    maybeFlush();
  }

  /** One key whose value was serialized already ({@link #encodeValue}: its type byte, then its body). */
  public void keyEncoded(byte[] key, byte[] typeAndBody, long expireAt, long idleSeconds, int lfuFreq)
      throws IOException {
    keyPrefix(expireAt, idleSeconds, lfuFreq);
    buf.writeByte(typeAndBody[0] & 0xff);
    buf.writeString(key);
    buf.writeBytes(typeAndBody, 1, typeAndBody.length - 1);
    maybeFlush();
  }

  private void keyPrefix(long expireAt, long idleSeconds, int lfuFreq) {
    if (expireAt >= 0) {
      buf.writeByte(RdbFormat.OPCODE_EXPIRETIME_MS);
      buf.writeLongLE(expireAt, 8);
    }
    if (idleSeconds >= 0) {
      buf.writeByte(RdbFormat.OPCODE_IDLE);
      buf.writeLength(idleSeconds);
    }
    if (lfuFreq >= 0) {
      buf.writeByte(RdbFormat.OPCODE_FREQ);
      buf.writeByte(lfuFreq);
    }
  }

  /** A value's type byte and body, as {@link #keyEncoded} takes them; null if no codec writes it. */
  public static byte[] encodeValue(RdbCodecs codecs, Object value, int version, boolean compress) {
    RdbValueCodec codec = codecs.writer(value);
    if (codec == null) {
      return null;
    }
    RdbOutput o = new RdbOutput(64, compress).version(version);
    o.writeByte(codec.typeByte(value, version));
    codec.write(o, value);
    return o.toByteArray();
  }

  /** EOF and the checksum; flushes the stream (closing it is the caller's). */
  public void end() throws IOException {
    buf.writeByte(RdbFormat.OPCODE_EOF);
    drain();
    byte[] trailer = new byte[8];
    long c = checksum ? crc : 0;
    for (int i = 0; i < 8; i++) {
      trailer[i] = (byte) (c >>> (8 * i));
    }
    out.write(trailer);
    written += 8;
    out.flush();
  }

  /** Sends the buffer to the stream once it holds enough. */
  public void maybeFlush() throws IOException {
    if (buf.size() >= FLUSH_AT) {
      drain();
    }
  }

  private void drain() throws IOException {
    int n = buf.size();
    if (n == 0) {
      return;
    }
    if (checksum) {
      crc = Crc64.update(crc, buf.buffer(), 0, n);
    }
    out.write(buf.buffer(), 0, n);
    written += n;
    buf.reset();
  }
}
