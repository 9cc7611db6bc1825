package dev.cairn.core.rdb;

/**
 * The DUMP/RESTORE serialization, byte-compatible with Redis: the value's RDB type byte and body, then the RDB version
 * as 2 bytes and a CRC64 of everything before it as 8 bytes, both little-endian.
 */
public final class DumpPayload {
  /** The RDB format version of Redis 7.2; payloads from newer versions are refused, older ones read. */
  public static final int RDB_VERSION = 11;

  private final RdbCodecs codecs;

  public DumpPayload(RdbCodecs codecs) {
    this.codecs = codecs;
  }

  /** What went wrong with a payload: Redis tells the two apart in its error replies. */
  public enum Problem { VERSION_OR_CHECKSUM, BAD_FORMAT }

  /** A payload RESTORE refuses. */
  public static final class InvalidPayload extends Exception {
    public final Problem problem;

    InvalidPayload(Problem problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }
  }

  /** Serializes {@code value}; null if its type has no codec. */
  public byte[] create(Object value) {
    RdbValueCodec codec = codecs.writer(value);
    if (codec == null) {
      return null;
    }
    RdbOutput out = new RdbOutput(64, true);
    out.writeByte(codec.typeByte(value));
    codec.write(out, value);
    out.writeLongLE(codec.rdbVersion(value), 2);
    out.writeLongLE(Crc64.of(out.buffer(), 0, out.size()), 8);
    return out.toByteArray();
  }

  /** Checks the trailer (version and checksum) of a payload. */
  public static boolean verify(byte[] p) {
    if (p.length < 10) {
      return false;
    }
    int footer = p.length - 10;
    int version = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
    if (version > RDB_VERSION) {
      return false;
    }
    long crc = 0;
    for (int i = 7; i >= 0; i--) {
      crc = (crc << 8) | (p[footer + 2 + i] & 0xff);
    }
    return crc == Crc64.of(p, 0, p.length - 8);
  }

  /** Decodes a payload into a value. */
  public Object restore(byte[] p) throws InvalidPayload {
    if (!verify(p)) {
      throw new InvalidPayload(Problem.VERSION_OR_CHECKSUM, "version or checksum");
    }
    RdbInput in = new RdbInput(p, 0, p.length - 10);
    try {
      int type = in.readByte();
      RdbValueCodec codec = codecs.reader(type);
      if (codec == null) {
        throw new RdbFormatException("no codec for RDB type " + type);
      }
      return codec.read(in, type); // bytes after the value are ignored, as Redis does
    } catch (RdbFormatException e) {
      throw new InvalidPayload(Problem.BAD_FORMAT, e.getMessage());
    }
  }
}
