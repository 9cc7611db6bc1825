package dev.cairn.core.type.hash;

import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hashes in the RDB format of Redis 7.2. Written as RDB_TYPE_HASH (4): a length, then field and value strings, which
 * every Redis version loads. Read from type 4 and from RDB_TYPE_HASH_LISTPACK (16), the listpack blob Redis 7 dumps
 * small hashes as:
 *
 * <pre>
 *   listpack = total-bytes:u32le count:u16le entry* 0xFF
 *   entry    = encoding data backlen           (backlen: 1..5 bytes, skipped)
 *   encoding = 0xxxxxxx (7-bit uint) | 10xxxxxx (6-bit string length) | 110xxxxx + 1 byte (13-bit int)
 *            | 1110xxxx + 1 byte (12-bit string length) | 0xF0 + u32le (string length)
 *            | 0xF1 / 0xF2 / 0xF3 / 0xF4 (16/24/32/64-bit little-endian int)
 * </pre>
 *
 * A hash with a field TTL has no Redis 7.2 form (7.4 added new type bytes), so this codec declines it and DUMP says so
 * rather than drop the TTLs.
 */
public final class HashRdbCodec implements RdbValueCodec {
  /** The type bytes this codec reads. */
  public static final int[] TYPES = {RdbCodecs.TYPE_HASH, RdbCodecs.TYPE_HASH_LISTPACK};

  private final java.util.function.IntSupplier maxEntries;
  private final java.util.function.IntSupplier maxValue;

  /** Loaded hashes get the encoding the current limits give. */
  public HashRdbCodec(java.util.function.IntSupplier maxEntries, java.util.function.IntSupplier maxValue) {
    this.maxEntries = maxEntries;
    this.maxValue = maxValue;
  }

  @Override
  public boolean handles(Object value) {
    return value instanceof HashValue h && !h.hasExpiringParts();
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_HASH;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    HashValue h = (HashValue) value;
    out.writeLength(h.size());
    h.forEach(-1, (fb, fo, fl, vb, vo, vl) -> {
      out.writeString(Arrays.copyOfRange(fb, fo, fo + fl));
      out.writeString(Arrays.copyOfRange(vb, vo, vo + vl));
    });
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    HashValue h = new HashValue();
    int entries = maxEntries.getAsInt();
    int value = maxValue.getAsInt();
    if (typeByte == RdbCodecs.TYPE_HASH) {
      long n = in.readLength();
      if (n == 0) {
        throw new RdbFormatException("empty hash");
      }
      h.prepareFor((int) Math.min(Integer.MAX_VALUE, n), entries);
      for (long i = 0; i < n; i++) {
        byte[] f = in.readString();
        byte[] v = in.readString();
        if (!h.set(f, v, false, entries, value)) {
          throw new RdbFormatException("duplicate hash field");
        }
      }
      return h;
    }
    readListpack(in.readString(), h, entries, value);
    return h;
  }

  private static void readListpack(byte[] lp, HashValue h, int entries, int value) throws RdbFormatException {
    if (lp.length < 7 || (lp[lp.length - 1] & 0xff) != 0xFF
        || (int) littleEndian(lp, 0, 4) != lp.length) {
      throw new RdbFormatException("bad listpack");
    }
    int p = 6;
    byte[] field = null;
    int[] next = new int[1];
    while ((lp[p] & 0xff) != 0xFF) {
      byte[] s = entry(lp, p, next);
      p = next[0];
      if (field == null) {
        field = s;
      } else {
        if (!h.set(field, s, false, entries, value)) {
          throw new RdbFormatException("duplicate hash field");
        }
        field = null;
      }
      if (p >= lp.length) {
        throw new RdbFormatException("bad listpack");
      }
    }
    if (field != null || h.size() == 0) {
      throw new RdbFormatException("bad listpack pairs");
    }
  }

  /** Decodes the entry at {@code p} as a string (integers as their decimal text); sets next[0] past its backlen. */
  private static byte[] entry(byte[] lp, int p, int[] next) throws RdbFormatException {
    int b = lp[p] & 0xff;
    int strLen = -1;
    long num = 0;
    int encLen;
    if ((b & 0x80) == 0) {
      num = b & 0x7f;
      encLen = 1;
    } else if ((b & 0xC0) == 0x80) {
      strLen = b & 0x3f;
      encLen = 1 + strLen;
    } else if ((b & 0xE0) == 0xC0) {
      num = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
      num = (num << 51) >> 51; // 13-bit two's complement
      encLen = 2;
    } else if ((b & 0xF0) == 0xE0) {
      strLen = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
      encLen = 2 + strLen;
    } else if (b == 0xF0) {
      strLen = (int) littleEndian(lp, p + 1, 4);
      encLen = 5 + strLen;
    } else if (b >= 0xF1 && b <= 0xF4) {
      int bytes = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
      num = littleEndian(lp, p + 1, bytes);
      num = (num << (64 - 8 * bytes)) >> (64 - 8 * bytes);
      encLen = 1 + bytes;
    } else {
      throw new RdbFormatException("bad listpack entry encoding");
    }
    int backlen = encLen < 128 ? 1 : encLen < 16384 ? 2 : encLen < 2097152 ? 3 : encLen < 268435456 ? 4 : 5;
    next[0] = p + encLen + backlen;
    if (strLen < 0) {
      return Long.toString(num).getBytes(StandardCharsets.US_ASCII);
    }
    int dataStart = p + encLen - strLen;
    if (dataStart + strLen > lp.length) {
      throw new RdbFormatException("bad listpack string");
    }
    return Arrays.copyOfRange(lp, dataStart, dataStart + strLen);
  }

  private static long littleEndian(byte[] b, int p, int n) throws RdbFormatException {
    if (p + n > b.length) {
      throw new RdbFormatException("truncated listpack");
    }
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[p + i] & 0xff);
    }
    return v;
  }
}
