package dev.cairn.core.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads an RDB file of any version Redis wrote (1 to {@link RdbFormat#MAX_VERSION}; layout in {@link RdbFormat}) and
 * hands what it finds to a {@link Handler}: AUX fields, databases, sections, keys with their expiry and access data.
 * Reading can go in slices ({@link #read} with a byte budget) so that the engine can serve clients between them while a
 * large file loads. A malformed file stops the reading with an {@link RdbFormatException} whose
 * {@link #offset()} tells where.
 */
public final class RdbFileReader {
  /** Receives what the file holds, in file order. */
  public interface Handler {
    /** An AUX field (unknown ones must be ignored). */
    void aux(byte[] key, byte[] value);

    /** Keys that follow belong to database {@code db}; throws if this server has no such database. */
    void selectDb(long db) throws RdbFormatException;

    /** The size hint of the current database. */
    void resizeDb(long size, long expires);

    /** A record of a registered section (functions, module AUX data), as its {@link RdbSection#read} returned it. */
    void section(RdbSection<?> section, Object read) throws RdbFormatException;

    /**
     * A key of the current database: {@code expireAt} in ms since the epoch or -1, {@code idleSeconds} (LRU) or -1,
     * {@code lfuFreq} or -1.
     */
    void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq) throws RdbFormatException;

    /** A key whose value is empty, which Redis skips when loading (with a notice). */
    void emptyKey(byte[] key);
  }

  private final RdbInput in;
  private final RdbCodecs codecs;
  private int version;
  private boolean done;

  public RdbFileReader(RdbInput in, RdbCodecs codecs) {
    this.in = in;
    this.codecs = codecs;
  }

  /** The offset of the next byte to read (where an error was found, after a failure). */
  public long offset() {
    return in.offset();
  }

  public int version() {
    return version;
  }

  /** Whether the EOF marker and the checksum were read. */
  public boolean done() {
    return done;
  }

  /** Reads the "REDIS0011" magic; returns the version. */
  public int readHeader() throws RdbFormatException {
    byte[] magic = in.readBytes(9);
    String s = new String(magic, StandardCharsets.US_ASCII);
    if (!s.startsWith("REDIS")) {
      throw new RdbFormatException("Wrong signature trying to load DB from file");
    }
    int v;
    try {
      v = Integer.parseInt(s.substring(5));
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < 1 || v > RdbFormat.MAX_VERSION) {
      throw new RdbFormatException("Can't handle RDB format version " + s.substring(5));
    }
    version = v;
    return v;
  }

  /**
   * Reads records until the end of the file, or until {@code budget} more bytes were consumed (then returns false; call
   * again to go on). At the end, checks the CRC64 trailer (versions 5 and up) unless {@code verifyChecksum} is off or
   * the trailer is 0 (a file saved without checksum), and returns true.
   */
  public boolean read(Handler h, long budget, boolean verifyChecksum) throws RdbFormatException {
    long stop = budget > Long.MAX_VALUE - in.offset() ? Long.MAX_VALUE : in.offset() + budget;
    long expireAt = -1;
    long idle = -1;
    int freq = -1;
    while (true) {
      int type = in.readByte();
      switch (type) {
        case RdbFormat.OPCODE_EXPIRETIME_MS -> {
          expireAt = in.readLongLE(8);
          continue;
        }
        case RdbFormat.OPCODE_EXPIRETIME -> {
          expireAt = in.readLongLE(4) * 1000;
          continue;
        }
        case RdbFormat.OPCODE_FREQ -> {
          freq = in.readByte();
          continue;
        }
        case RdbFormat.OPCODE_IDLE -> {
          idle = in.readLength();
          continue;
        }
        case RdbFormat.OPCODE_EOF -> {
          readTrailer(verifyChecksum);
          done = true;
          return true;
        }
        case RdbFormat.OPCODE_SELECTDB -> h.selectDb(in.readLength());
        case RdbFormat.OPCODE_RESIZEDB -> h.resizeDb(in.readLength(), in.readLength());
        case RdbFormat.OPCODE_AUX -> h.aux(in.readString(), in.readString());
        case RdbFormat.OPCODE_SLOT_INFO -> {
          in.readLength(); // slot, its size, its expires' size: a cluster's hint, not needed here
          in.readLength();
          in.readLength();
        }
        case RdbFormat.OPCODE_FUNCTION_PRE_GA ->
            throw new RdbFormatException("Pre-release function format not supported.");
        case RdbFormat.OPCODE_FUNCTION2, RdbFormat.OPCODE_MODULE_AUX -> {
          RdbSection<?> section = codecs.section(type);
          if (section == null) {
            throw new RdbFormatException(type == RdbFormat.OPCODE_FUNCTION2
                ? "The RDB file contains function libraries, which this server cannot load"
                : "The RDB file contains AUX module data I can't load: no module reads it");
          }
          h.section(section, section.read(in, version));
        }
        default -> {
          readKey(h, type, expireAt, idle, freq);
          expireAt = -1;
          idle = -1;
          freq = -1;
          if (in.offset() >= stop) {
            return false;
          }
        }
      }
    }
  }

  private void readKey(Handler h, int type, long expireAt, long idle, int freq) throws RdbFormatException {
    RdbValueCodec codec = codecs.reader(type);
    if (codec == null) {
      if (type == RdbCodecs.TYPE_MODULE_PRE_GA) {
        throw new RdbFormatException("Pre-release module format not supported");
      }
      throw new RdbFormatException("Unknown RDB encoding type " + type);
    }
    byte[] key = in.readString();
    Object value;
    try {
      value = codec.read(in, type);
    } catch (RdbFormatException e) {
      if (e.isEmptyKey()) {
        h.emptyKey(key);
        return;
      }
      throw e;
    }
    h.key(key, value, expireAt, idle, freq);
  }

  private void readTrailer(boolean verify) throws RdbFormatException {
    if (version < 5) {
      return;
    }
    long expected = in.crc();
    long stored = in.readLongLE(8);
    if (verify && stored != 0 && stored != expected) {
      throw new RdbFormatException(String.format(Locale.ROOT,
          "Wrong RDB checksum expected: (%x) but got (%x). Aborting now. RDB CRC error", expected, stored));
    }
  }
}
