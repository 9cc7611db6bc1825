package dev.cairn.core.type.string;

import dev.cairn.api.keyspace.RedisValue;
import java.util.Arrays;

/**
 * A string changed in place: what APPEND, SETRANGE, SETBIT, BITFIELD and BITOP leave behind, Redis's {@code raw}
 * encoding. The buffer has spare room so that a loop of APPENDs costs amortized O(1) per byte, as an sds string does;
 * bytes past {@link #length()} are always zero, so growing the string only moves the length.
 *
 * <p>Read it through {@link StringValues}, never by keeping {@link #array()}: a later append may replace the buffer.
 */
public final class RawString implements RedisValue {
  /** Past this size the buffer grows by a fixed step rather than doubling (sds's SDS_MAX_PREALLOC). */
  private static final int MAX_PREALLOC = 1024 * 1024;
  /** The largest array the JVM hands out. */
  static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

  private byte[] buf;
  private int len;

  private RawString(byte[] buf, int len) {
    this.buf = buf;
    this.len = len;
  }

  /** A string of exactly these bytes, no spare room (BITOP's result, a new HyperLogLog); the array is taken. */
  public static RawString wrap(byte[] exact) {
    return new RawString(exact, exact.length);
  }

  /** A copy of {@code length} bytes of {@code src}, zero-padded to at least {@code minLength}. */
  static RawString copyOf(byte[] src, int length, int minLength) {
    RawString r = new RawString(Arrays.copyOf(src, Math.max(length, minLength)), length);
    r.growZero(minLength);
    return r;
  }

  /** {@code n} zero bytes. */
  static RawString zeros(int n) {
    return new RawString(new byte[n], n);
  }

  public int length() {
    return len;
  }

  /** The buffer; only the first {@link #length()} bytes belong to the string. */
  public byte[] array() {
    return buf;
  }

  /**
   * Takes {@code newBuf} as the buffer holding the first {@code newLen} bytes, for writers that edit the bytes in place
   * themselves (HyperLogLog's sparse encoding grows and shrinks by a byte or two). Every byte of {@code newBuf} past
   * {@code newLen} must be zero.
   */
  public void replace(byte[] newBuf, int newLen) {
    buf = newBuf;
    len = newLen;
  }

  /** Appends bytes, growing the buffer with room to spare. */
  void append(byte[] b, int off, int n) {
    int newLen = len + n;
    ensureCapacity(newLen);
    System.arraycopy(b, off, buf, len, n);
    len = newLen;
  }

  /** Extends the string with zero bytes to at least {@code newLen}; returns whether it grew. */
  boolean growZero(int newLen) {
    if (newLen <= len) {
      return false;
    }
    ensureCapacity(newLen);
    len = newLen; // the bytes past the old length are zero already
    return true;
  }

  private void ensureCapacity(int needed) {
    if (needed <= buf.length) {
      return;
    }
    long cap = needed < MAX_PREALLOC ? (long) needed * 2 : (long) needed + MAX_PREALLOC;
    buf = Arrays.copyOf(buf, (int) Math.min(cap, MAX_LENGTH));
  }

  /** A copy of the string's bytes, exactly sized. */
  byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  /** An independent copy (COPY) that keeps the raw encoding. */
  @Override
  public RawString copy() {
    return new RawString(toBytes(), len);
  }

  /** The buffer, spare room included, and the object and array headers. */
  @Override
  public long estimatedBytes(int samples) {
    return 16 + 16 + buf.length;
  }

  @Override
  public String typeName() {
    return "string";
  }

  @Override
  public String encoding() {
    return "raw";
  }
}
