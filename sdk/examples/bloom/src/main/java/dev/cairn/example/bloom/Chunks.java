package dev.cairn.example.bloom;

import dev.cairn.api.reply.RedisException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BF.SCANDUMP / BF.LOADCHUNK chunks, also used by AOF rewrite: chunk 1 is the header (the chain without its bits),
 * chunk {@code i + 2} the bit array of sub-filter {@code i}. Cairn's own layout, not RedisBloom's.
 *
 * <pre>
 * header := u32(filters) u64(items) u32(expansion) u8(nonscaling) link-header{filters}      ; little-endian
 * link-header := u64(capacity) f64(error rate) u32(hashes) u64(bits) u64(items)
 * </pre>
 */
final class Chunks {
  private Chunks() {}

  static final RedisException BAD_HEADER = RedisException.err("received bad data");

  static byte[][] dump(ScalableBloom b) {
    byte[][] out = new byte[1 + b.links.size()][];
    ByteBuffer h = ByteBuffer.allocate(17 + 36 * b.links.size()).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(b.links.size()).putLong(b.size).putInt(b.expansion).put((byte) (b.nonScaling ? 1 : 0));
    for (BloomLink l : b.links) {
      h.putLong(l.capacity).putDouble(l.errorRate).putInt(l.hashes).putLong(l.bits).putLong(l.size);
    }
    out[0] = h.array();
    for (int i = 0; i < b.links.size(); i++) {
      out[i + 1] = BloomType.wordsToBytes(b.links.get(i).words);
    }
    return out;
  }

  /** A filter from a header chunk, its bit arrays zero until their chunks arrive. */
  static ScalableBloom fromHeader(byte[] header) {
    try {
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      int filters = h.getInt();
      long size = h.getLong();
      int expansion = h.getInt();
      byte nonScaling = h.get();
      if (filters < 1 || filters > 64 || expansion < 1 || nonScaling > 1 || header.length != 17 + 36 * filters) {
        throw BAD_HEADER;
      }
      ScalableBloom b = new ScalableBloom(expansion, nonScaling == 1, size);
      for (int i = 0; i < filters; i++) {
        long capacity = h.getLong();
        double error = h.getDouble();
        int hashes = h.getInt();
        long bits = h.getLong();
        long items = h.getLong();
        if (hashes < 1 || hashes > 64 || bits < 1 || bits > (1L << 36) || !(error > 0 && error < 1)) {
          throw BAD_HEADER;
        }
        b.links.add(new BloomLink(capacity, error, hashes, bits, items, new long[(int) ((bits + 63) >>> 6)]));
      }
      return b;
    } catch (java.nio.BufferUnderflowException e) {
      throw BAD_HEADER;
    }
  }

  /** Loads chunk {@code iter} (2 or more) into {@code b}. */
  static void load(ScalableBloom b, long iter, byte[] data) {
    int link = (int) (iter - 2);
    if (iter < 2 || link >= b.links.size()) {
      throw RedisException.err("invalid offset - no link found");
    }
    long[] words = b.links.get(link).words;
    if (data.length != words.length * 8) {
      throw RedisException.err("invalid chunk - Too big for current filter");
    }
    long[] loaded = BloomType.bytesToWords(data);
    System.arraycopy(loaded, 0, words, 0, words.length);
  }

  static byte[] chunk(ScalableBloom b, long iter) {
    byte[][] all = dump(b);
    return iter >= 1 && iter <= all.length ? all[(int) iter - 1] : null;
  }
}
