package dev.cairn.core.rdb;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The DUMP/RESTORE serialization, byte-compatible with Redis: the value's RDB type byte and body, then the RDB version
 * as 2 bytes and a CRC64 of everything before it as 8 bytes, both little-endian.
 *
 * <p>The version a payload says is the lowest that holds the value (Redis 7.0's 10 unless the value needs newer, e.g.
 * a hash with field TTLs: 12), or {@code rdb-version} when configured higher, so that an older Redis restores what it
 * can read (Redis refuses any payload whose version is above its own).
 */
public final class DumpPayload {
  /**
   * The version payloads that need nothing newer say: Redis 7.0's, which every Redis 7 restores (FUNCTION DUMP's
   * libraries exist since 7.0 too).
   */
  public static final int RDB_VERSION = RdbFormat.MIN_WRITE_VERSION;

  private final RdbCodecs codecs;
  private final IntSupplier versionFloor;
  private final BooleanSupplier skipChecksum;

  public DumpPayload(RdbCodecs codecs) {
    this(codecs, () -> 0, () -> false);
  }

  /**
   * Payloads that say at least {@code versionFloor}'s version; {@code skipChecksum} is DEBUG
   * SET-SKIP-CHECKSUM-VALIDATION.
   */
  public DumpPayload(RdbCodecs codecs, IntSupplier versionFloor, BooleanSupplier skipChecksum) {
    this.codecs = codecs;
    this.versionFloor = versionFloor;
    this.skipChecksum = skipChecksum;
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
    int version = Math.min(RdbFormat.MAX_VERSION, Math.max(codec.minVersion(value), versionFloor.getAsInt()));
    RdbOutput out = new RdbOutput(64, true).version(version);
    out.writeByte(codec.typeByte(value, version));
    codec.write(out, value);
    return withTrailer(out, version);
  }

  /** Appends the version and CRC64 trailer to what {@code out} holds; returns the payload. */
  public static byte[] withTrailer(RdbOutput out, int version) {
    out.writeLongLE(version, 2);
    out.writeLongLE(Crc64.of(out.buffer(), 0, out.size()), 8);
    return out.toByteArray();
  }

  /** The RDB version a payload's trailer says, or -1 if it is too short to have one. */
  public static int version(byte[] p) {
    if (p.length < 10) {
      return -1;
    }
    int footer = p.length - 10;
    return (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
  }

  /** Checks the trailer (version and, unless DEBUG SET-SKIP-CHECKSUM-VALIDATION, checksum) of a payload. */
  public boolean checkTrailer(byte[] p) {
    return verify(p, skipChecksum.getAsBoolean());
  }

  /** Checks the trailer of a payload: a version Cairn reads, and the checksum. */
  public static boolean verify(byte[] p) {
    return verify(p, false);
  }

  private static boolean verify(byte[] p, boolean skipChecksum) {
    int version = version(p);
    if (version < 0 || version > RdbFormat.MAX_VERSION) {
      return false;
    }
    if (skipChecksum) {
      return true;
    }
    int footer = p.length - 10;
    long crc = 0;
    for (int i = 7; i >= 0; i--) {
      crc = (crc << 8) | (p[footer + 2 + i] & 0xff);
    }
    return crc == Crc64.of(p, 0, p.length - 8);
  }

  /** Decodes a payload into a value. */
  public Object restore(byte[] p) throws InvalidPayload {
    if (!checkTrailer(p)) {
      throw new InvalidPayload(Problem.VERSION_OR_CHECKSUM, "version or checksum");
    }
    RdbInput in = new RdbInput(p, 0, p.length - 10);
    try {
      int type = in.readByte();
      RdbValueCodec codec = codecs.reader(type);
      if (codec == null) {
        throw new RdbFormatException("Unknown RDB encoding type " + type);
      }
      return codec.read(in, type); // bytes after the value are ignored, as Redis does
    } catch (RdbFormatException e) {
      // Redis logs a refused payload at verbose level, with the offset where its loader stopped
      dev.cairn.core.log.LogMessage.RESTORE_BAD_PAYLOAD.log(in.offset(), e.getMessage());
      throw new InvalidPayload(Problem.BAD_FORMAT, e.getMessage());
    }
  }
}
