package dev.cairn.example.bloom;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The scalable Bloom filter as a Cairn data type. Its own persisted name, not RedisBloom's {@code MBbloom--}: the
 * layout below is Cairn's, so an RDB written by RedisBloom is not readable here (and the reverse).
 *
 * <pre>
 * encver 1 := unsigned(filters) unsigned(items) unsigned(expansion) unsigned(nonscaling: 0|1)
 *             link{filters}
 * link     := unsigned(capacity) double(error rate) unsigned(hashes) unsigned(bits) unsigned(items)
 *             string(bit array: 64-bit words, little-endian)
 * </pre>
 */
public final class BloomType implements DataType<ScalableBloom> {
  public static final TypeId ID = TypeId.of("CairnBlom", 1); // 9 characters, frozen for ever
  public static final BloomType INSTANCE = new BloomType();

  private BloomType() {}

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public Class<ScalableBloom> valueClass() {
    return ScalableBloom.class;
  }

  @Override
  public void rdbSave(RdbOutput out, ScalableBloom b) throws IOException {
    out.writeUnsigned(b.links.size());
    out.writeUnsigned(b.size);
    out.writeUnsigned(b.expansion);
    out.writeUnsigned(b.nonScaling ? 1 : 0);
    for (BloomLink l : b.links) {
      out.writeUnsigned(l.capacity);
      out.writeDouble(l.errorRate);
      out.writeUnsigned(l.hashes);
      out.writeUnsigned(l.bits);
      out.writeUnsigned(l.size);
      out.writeBytes(wordsToBytes(l.words));
    }
  }

  @Override
  public ScalableBloom rdbLoad(RdbInput in, int encver) throws IOException {
    if (encver != 1) {
      throw RdbFormatException.unsupported(ID, encver);
    }
    long filters = in.readUnsigned();
    long size = in.readUnsigned();
    long expansion = in.readUnsigned();
    long nonScaling = in.readUnsigned();
    if (filters < 1 || filters > 64 || expansion < 1 || expansion > Integer.MAX_VALUE || nonScaling > 1) {
      throw new RdbFormatException("bad bloom filter header");
    }
    ScalableBloom b = new ScalableBloom((int) expansion, nonScaling == 1, size);
    for (int i = 0; i < filters; i++) {
      long capacity = in.readUnsigned();
      double error = in.readDouble();
      long hashes = in.readUnsigned();
      long bits = in.readUnsigned();
      long items = in.readUnsigned();
      byte[] raw = in.readBytes();
      if (hashes < 1 || hashes > 64 || bits < 1 || raw.length != ((bits + 63) >>> 6) * 8 || !(error > 0 && error < 1)) {
        throw new RdbFormatException("bad bloom sub-filter");
      }
      b.links.add(new BloomLink(capacity, error, (int) hashes, bits, items, bytesToWords(raw)));
    }
    return b;
  }

  @Override
  public void aofRewrite(AofEmitter out, byte[] key, ScalableBloom b) {
    byte[][] chunks = Chunks.dump(b);
    for (int i = 0; i < chunks.length; i++) {
      out.emit("BF.LOADCHUNK".getBytes(), key, Long.toString(i + 1).getBytes(), chunks[i]);
    }
  }

  @Override
  public long memoryUsage(ScalableBloom b) {
    return b.memoryUsage();
  }

  @Override
  public void digest(Digest d, ScalableBloom b) {
    d.add(b.expansion);
    d.add(b.nonScaling ? 1 : 0);
    d.add(b.size);
    for (BloomLink l : b.links) {
      d.add(l.capacity);
      d.add(Double.doubleToLongBits(l.errorRate));
      d.add(l.size);
      d.add(wordsToBytes(l.words));
    }
    d.endSequence();
  }

  @Override
  public ScalableBloom copy(ScalableBloom b) {
    return b.copy();
  }

  static byte[] wordsToBytes(long[] words) {
    ByteBuffer buf = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(words);
    return buf.array();
  }

  static long[] bytesToWords(byte[] bytes) {
    long[] w = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(w);
    return w;
  }
}
