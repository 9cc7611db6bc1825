package dev.cairn.core.type.zset;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.rdb.PackedLists;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sorted sets in RDB: written as type 5 (a length, then member as an RDB string and score as a binary double, from the
 * highest score down, as Redis writes it); read from types 3 (scores as length-prefixed text), 5 and 17 (a listpack of
 * member, score pairs), the encoding chosen afresh from the current config.
 */
public final class ZSetRdbCodec implements RdbValueCodec {
  private final Supplier<ZSetValue.Limits> limits;

  public ZSetRdbCodec(Supplier<ZSetValue.Limits> limits) {
    this.limits = limits;
  }

  /** The RDB type bytes this codec reads. */
  public static int[] typeBytes() {
    return new int[] {RdbCodecs.TYPE_ZSET, RdbCodecs.TYPE_ZSET_2, RdbCodecs.TYPE_ZSET_ZIPLIST,
        RdbCodecs.TYPE_ZSET_LISTPACK};
  }

  @Override
  public boolean handles(Object value) {
    return value instanceof ZSetValue;
  }

  @Override
  public boolean writesConcurrently() {
    return true; // ZSetValue's reads change nothing (its tree keeps no cursor; its table does not rehash on lookups)
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_ZSET_2;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    ZSetValue z = (ZSetValue) value;
    out.writeLength(z.size());
    for (ZTree.Leaf l = z.tree.last(); l != null; l = l.prev) {
      for (int i = l.n - 1; i >= 0; i--) {
        out.writeString(l.members[i]);
        out.writeLongLE(Double.doubleToRawLongBits(l.scores[i]), 8);
      }
    }
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    ZSetValue.Limits l = limits.get();
    if (typeByte == RdbCodecs.TYPE_ZSET_LISTPACK || typeByte == RdbCodecs.TYPE_ZSET_ZIPLIST) {
      byte[] blob = in.readString();
      try {
        List<byte[]> items = typeByte == RdbCodecs.TYPE_ZSET_LISTPACK ? PackedLists.listpack(blob)
            : PackedLists.ziplist(blob);
        if (items.isEmpty()) {
          throw RdbFormatException.emptyKey("sorted set");
        }
        if (items.size() % 2 != 0) {
          throw new RdbFormatException("uneven number of entries");
        }
        ZSetValue z = ZSetValue.create(items.size() / 2, 0, l);
        for (int i = 0; i < items.size(); i += 2) {
          add(z, items.get(i), parseScore(items.get(i + 1)), l);
        }
        return z;
      } catch (RdbFormatException e) {
        // duplicates in a packed sorted set count as a failed integrity check, as in Redis
        throw PackedLists.integrity(typeByte == RdbCodecs.TYPE_ZSET_LISTPACK ? "Zset listpack" : "Zset ziplist", e);
      }
    }
    long n = in.readLength();
    if (n == 0) {
      throw RdbFormatException.emptyKey("sorted set");
    }
    ZSetValue z = ZSetValue.create(n, 0, l);
    for (long i = 0; i < n; i++) {
      byte[] m = in.readString();
      double s = typeByte == RdbCodecs.TYPE_ZSET_2 ? Double.longBitsToDouble(in.readLongLE(8)) : textScore(in);
      if (Double.isNaN(s)) {
        throw new RdbFormatException("Zset with NAN score detected");
      }
      add(z, m, s, l);
    }
    return z;
  }

  private static void add(ZSetValue z, byte[] m, double s, ZSetValue.Limits l) throws RdbFormatException {
    if (!Double.isNaN(z.score(m))) {
      throw new RdbFormatException("Duplicate zset fields detected");
    }
    z.insert(m, s, l);
  }

  /** Type 3 scores: a length byte (253 NaN, 254 +inf, 255 -inf) then that many characters. */
  private static double textScore(RdbInput in) throws RdbFormatException {
    int len = in.readByte();
    return switch (len) {
      case 253 -> Double.NaN;
      case 254 -> Double.POSITIVE_INFINITY;
      case 255 -> Double.NEGATIVE_INFINITY;
      default -> parseScore(in.readBytes(len));
    };
  }

  private static double parseScore(byte[] text) throws RdbFormatException {
    try {
      return Args.parseDouble(text, BAD_SCORE);
    } catch (RedisException e) {
      throw new RdbFormatException("bad score");
    }
  }

  private static final RedisException BAD_SCORE = Errors.err("bad score");
}
