package dev.cairn.core.rdb;

/**
 * The RDB file layout: versions and opcodes, as Redis defines them (rdb.h). A file is
 *
 * <pre>
 *   file    = "REDIS" version:4-ascii-digits record* EOF checksum
 *   record  = AUX key:string value:string                       ; redis-ver, ctime, used-mem, aof-base, ...
 *           | MODULE_AUX ...  | FUNCTION2 library-code:string     ; sections ({@link RdbSection})
 *           | SELECTDB db:length | RESIZEDB size:length expires:length
 *           | [EXPIRETIME_MS ms:u64le | EXPIRETIME s:u32le] [IDLE seconds:length | FREQ counter:u8]
 *             type:u8 key:string value                          ; value as the type's {@link RdbValueCodec} writes it
 *   checksum = CRC64 of everything before it, u64le (0 when rdbchecksum is off); absent before version 5
 * </pre>
 */
public final class RdbFormat {
  private RdbFormat() {}

  /** The newest version read: Redis 7.4's (hash field TTLs). */
  public static final int MAX_VERSION = 12;
  /** The oldest version Cairn writes: Redis 7.0's, which Redis 7.0 reads (7.0 refuses anything newer). */
  public static final int MIN_WRITE_VERSION = 10;
  /** Redis 7.2's version (sets as listpacks, streams with consumer active times). */
  public static final int VERSION_7_2 = 11;
  /** Redis 7.4's version: hashes with field TTLs (types 24 and 25). */
  public static final int VERSION_7_4 = 12;

  public static final int OPCODE_SLOT_INFO = 244;
  public static final int OPCODE_FUNCTION2 = 245;
  public static final int OPCODE_FUNCTION_PRE_GA = 246;
  public static final int OPCODE_MODULE_AUX = 247;
  public static final int OPCODE_IDLE = 248;
  public static final int OPCODE_FREQ = 249;
  public static final int OPCODE_AUX = 250;
  public static final int OPCODE_RESIZEDB = 251;
  public static final int OPCODE_EXPIRETIME_MS = 252;
  public static final int OPCODE_EXPIRETIME = 253;
  public static final int OPCODE_SELECTDB = 254;
  public static final int OPCODE_EOF = 255;

  /** The 9-byte header of a file of {@code version}: "REDIS0010". */
  public static byte[] header(int version) {
    return String.format(java.util.Locale.ROOT, "REDIS%04d", version)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
