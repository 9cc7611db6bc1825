package dev.cairn.core.util;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Seeded 32-bit hashing of byte strings for the engine's hash tables. The seed is random per process, so a client cannot
 * precompute keys that collide (Redis uses SipHash for the same reason); the mix reads eight bytes at a time.
 */
public final class Hashing {
  private Hashing() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long SEED = Urandom.nextLong() | 1;
  private static final long M1 = 0xa0761d6478bd642fL;
  private static final long M2 = 0xe7037ed1a0b428dbL;

  public static int hash(byte[] b) {
    return hash(b, 0, b.length);
  }

  public static int hash(byte[] b, int off, int len) {
    long h = SEED ^ (len * M1);
    int p = off;
    int end = off + len;
    while (end - p >= 8) {
      long k = (long) LONGS.get(b, p);
      h = mix(h ^ k, M2);
      p += 8;
    }
    long tail = 0;
    for (int shift = 0; p < end; p++, shift += 8) {
      tail |= (b[p] & 0xFFL) << shift;
    }
    return finish(h, tail);
  }

  /**
   * The same hash as {@link #hash(byte[], int, int)} of {@code len} bytes of a buffer from index {@code off}: a key
   * still in the socket's buffer, hashed before it is decoded (see the keyspace's prefetch).
   */
  public static int hash(ByteBuf b, int off, int len) {
    long h = SEED ^ (len * M1);
    int p = off;
    int end = off + len;
    while (end - p >= 8) {
      h = mix(h ^ b.getLongLE(p), M2);
      p += 8;
    }
    long tail = 0;
    for (int shift = 0; p < end; p++, shift += 8) {
      tail |= (b.getByte(p) & 0xFFL) << shift;
    }
    return finish(h, tail);
  }

  /**
   * The same hash of {@code len} bytes at a memory address (a direct buffer's, read without its accessors' checks: the
   * caller knows the bytes are there).
   */
  public static int hashAt(long address, int len) {
    long h = SEED ^ (len * M1);
    long p = address;
    long end = address + len;
    while (end - p >= 8) {
      long k = PlatformDependent.getLong(p);
      h = mix(h ^ (PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? Long.reverseBytes(k) : k), M2);
      p += 8;
    }
    long tail = 0;
    for (int shift = 0; p < end; p++, shift += 8) {
      tail |= (PlatformDependent.getByte(p) & 0xFFL) << shift;
    }
    return finish(h, tail);
  }

  /** The last steps of all forms of {@link #hash}: the tail's bytes mixed in, then the final mix and fold. */
  private static int finish(long h, long tail) {
    h = mix(h ^ tail, M1);
    h = mix(h, M2);
    return (int) (h ^ (h >>> 32));
  }

  private static long mix(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi ^ lo;
  }
}
