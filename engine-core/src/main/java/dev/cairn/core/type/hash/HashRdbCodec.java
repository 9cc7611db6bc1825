package dev.cairn.core.type.hash;

import dev.cairn.core.rdb.PackedLists;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormat;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Hashes in RDB. Written as RDB_TYPE_HASH (4), which every Redis loads:
 *
 * <pre>
 *   hash          = count:length (field:string value:string)*
 *   hash-metadata = min-ttl:u64le count:length (ttl:length field:string value:string)*     ; type 24, RDB 12
 * </pre>
 *
 * A hash with field TTLs is written as Redis 7.4's RDB_TYPE_HASH_METADATA (24), where a field's ttl is 0 for none,
 * else its expiry minus the hash's earliest plus one; such a value needs RDB version 12. Read from every form Redis
 * ever wrote: 4, 24 and its release-candidate form 22 (absolute TTLs), and the packed blobs 9 (zipmap), 13 (ziplist),
 * 16 (listpack), 25 and 23 (listpack of field, value, ttl triples, 25 after the earliest TTL as a u64le). Loaded
 * hashes get the encoding the current limits give.
 */
public final class HashRdbCodec implements RdbValueCodec {
  /** The type bytes this codec reads. */
  public static final int[] TYPES = {RdbCodecs.TYPE_HASH, RdbCodecs.TYPE_HASH_ZIPMAP, RdbCodecs.TYPE_HASH_ZIPLIST,
      RdbCodecs.TYPE_HASH_LISTPACK, RdbCodecs.TYPE_HASH_METADATA_PRE_GA, RdbCodecs.TYPE_HASH_LISTPACK_EX_PRE_GA,
      RdbCodecs.TYPE_HASH_METADATA, RdbCodecs.TYPE_HASH_LISTPACK_EX};

  /** Redis's largest field expiry (EB_EXPIRE_TIME_MAX: 48 bits of milliseconds). */
  static final long MAX_EXPIRE = (1L << 48) - 1;

  private final java.util.function.IntSupplier maxEntries;
  private final java.util.function.IntSupplier maxValue;

  /** Loaded hashes get the encoding the current limits give. */
  public HashRdbCodec(java.util.function.IntSupplier maxEntries, java.util.function.IntSupplier maxValue) {
    this.maxEntries = maxEntries;
    this.maxValue = maxValue;
  }

  @Override
  public boolean handles(Object value) {
    return value instanceof HashValue;
  }

  @Override
  public int typeByte(Object value) {
    return ((HashValue) value).hasExpiringParts() ? RdbCodecs.TYPE_HASH_METADATA : RdbCodecs.TYPE_HASH;
  }

  @Override
  public int minVersion(Object value) {
    return ((HashValue) value).hasExpiringParts() ? RdbFormat.VERSION_7_4 : RdbFormat.MIN_WRITE_VERSION;
  }

  @Override
  public boolean writesConcurrently() {
    return true; // HashValue's reads change nothing (its table does not rehash on lookups)
  }

  @Override
  public void write(RdbOutput out, Object value) {
    HashValue h = (HashValue) value;
    long min = h.hasExpiringParts() ? h.minExpireAt() : 0;
    if (min != 0) {
      out.writeLongLE(min, 8);
    }
    out.writeLength(h.size());
    h.forEachWithTtl((fb, fo, fl, vb, vo, vl, t) -> {
      if (min != 0) {
        out.writeLength(t == 0 ? 0 : t - min + 1);
      }
      out.writeString(Arrays.copyOfRange(fb, fo, fo + fl));
      out.writeString(Arrays.copyOfRange(vb, vo, vo + vl));
    });
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    HashValue h = new HashValue();
    int entries = maxEntries.getAsInt();
    int value = maxValue.getAsInt();
    switch (typeByte) {
      case RdbCodecs.TYPE_HASH -> readPairs(in, h, entries, value, false, 0);
      case RdbCodecs.TYPE_HASH_METADATA -> {
        long min = in.readLongLE(8);
        if (min < 0 || min > MAX_EXPIRE) {
          throw new RdbFormatException("Hash read invalid minExpire value");
        }
        readPairs(in, h, entries, value, true, min - 1);
      }
      case RdbCodecs.TYPE_HASH_METADATA_PRE_GA -> readPairs(in, h, entries, value, true, 0);
      case RdbCodecs.TYPE_HASH_ZIPMAP, RdbCodecs.TYPE_HASH_ZIPLIST, RdbCodecs.TYPE_HASH_LISTPACK,
          RdbCodecs.TYPE_HASH_LISTPACK_EX, RdbCodecs.TYPE_HASH_LISTPACK_EX_PRE_GA -> {
        if (typeByte == RdbCodecs.TYPE_HASH_LISTPACK_EX) {
          in.readLongLE(8); // the earliest TTL, kept by Redis for later use; the triples say it all
        }
        byte[] blob = in.readString();
        String what = typeByte == RdbCodecs.TYPE_HASH_ZIPMAP ? "Zipmap"
            : typeByte == RdbCodecs.TYPE_HASH_ZIPLIST ? "Hash ziplist" : "Hash listpack";
        try {
          List<byte[]> items = typeByte == RdbCodecs.TYPE_HASH_ZIPMAP ? PackedLists.zipmap(blob)
              : typeByte == RdbCodecs.TYPE_HASH_ZIPLIST ? PackedLists.ziplist(blob) : PackedLists.listpack(blob);
          boolean triples = typeByte == RdbCodecs.TYPE_HASH_LISTPACK_EX
              || typeByte == RdbCodecs.TYPE_HASH_LISTPACK_EX_PRE_GA;
          fromPairs(items, h, entries, value, triples);
        } catch (RdbFormatException e) {
          throw PackedLists.integrity(what, e); // duplicates in a packed hash count as a failed integrity check
        }
      }
      default -> throw new RdbFormatException("hash RDB type " + typeByte + " is not supported");
    }
    if (h.size() == 0) {
      throw RdbFormatException.emptyKey("hash");
    }
    return h;
  }

  /**
   * {@code count (field value)*}, with a ttl before each pair when {@code ttls}: 0 for none, else the expiry minus
   * {@code base} (the earliest expiry minus one; 0 in the release-candidate form, whose TTLs are absolute).
   */
  private static void readPairs(RdbInput in, HashValue h, int entries, int value, boolean ttls, long base)
      throws RdbFormatException {
    long n = in.readLength();
    h.prepareFor((int) Math.min(Integer.MAX_VALUE, n), entries);
    for (long i = 0; i < n; i++) {
      long at = 0;
      if (ttls) {
        long ttl = in.readLength();
        at = ttl == 0 ? 0 : ttl + base;
        if (at < 0 || at > MAX_EXPIRE) {
          throw new RdbFormatException("invalid expireAt time: " + at);
        }
      }
      byte[] f = in.readString();
      byte[] v = in.readString();
      add(h, f, v, at, entries, value);
    }
  }

  /** Pairs (or field, value, ttl triples) decoded from a packed blob. */
  private static void fromPairs(List<byte[]> items, HashValue h, int entries, int value, boolean triples)
      throws RdbFormatException {
    int step = triples ? 3 : 2;
    if (items.size() % step != 0) {
      throw new RdbFormatException("uneven number of entries");
    }
    h.prepareFor(items.size() / step, entries);
    for (int i = 0; i < items.size(); i += step) {
      long at = triples ? ttl(items.get(i + 2)) : 0;
      add(h, items.get(i), items.get(i + 1), at, entries, value);
    }
  }

  private static long ttl(byte[] text) throws RdbFormatException {
    long at;
    try {
      at = Long.parseLong(new String(text, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new RdbFormatException("a field's TTL is not an integer");
    }
    if (at < 0 || at > MAX_EXPIRE) {
      throw new RdbFormatException("invalid expireAt time: " + at);
    }
    return at;
  }

  private static void add(HashValue h, byte[] f, byte[] v, long at, int entries, int value)
      throws RdbFormatException {
    if (!h.set(f, v, false, entries, value)) {
      throw new RdbFormatException("Duplicate hash fields detected");
    }
    if (at != 0) {
      h.setExpireAt(f, at);
    }
  }
}
