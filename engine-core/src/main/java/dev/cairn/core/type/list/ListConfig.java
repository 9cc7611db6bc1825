package dev.cairn.core.type.list;

import dev.cairn.core.config.Params;

/**
 * The list parameters the list code reads: {@code list-max-listpack-size} and {@code list-compress-depth}, bound to the
 * server's parameters when they are created ({@code ServerParams}); process-wide, as a server has one engine. Unbound
 * (the structure alone, in unit tests) they read Redis's defaults.
 */
public final class ListConfig {
  private ListConfig() {}

  private static volatile Params.Num fill;
  private static volatile Params.Num compressDepth;

  /** Reads the parameters from now on. */
  public static void bind(Params.Num listMaxListpackSize, Params.Num listCompressDepth) {
    fill = listMaxListpackSize;
    compressDepth = listCompressDepth;
  }

  /** {@code list-max-listpack-size}: negative, a node's byte limit (-1 4k .. -5 64k); positive, its entry limit. */
  public static int fill() {
    Params.Num p = fill;
    return p == null ? -2 : (int) p.value;
  }

  /**
   * {@code list-compress-depth}: accepted and reported, but Cairn does not compress inner nodes (Redis's LZF on
   * quicklist nodes); lists always take their uncompressed size.
   */
  public static int compressDepth() {
    Params.Num p = compressDepth;
    return p == null ? 0 : (int) p.value;
  }

  /** Redis's default packed threshold: elements this big or bigger always get a node of their own. */
  static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;
  private static volatile long packedThreshold = DEFAULT_PACKED_THRESHOLD;

  /** DEBUG QUICKLIST-PACKED-THRESHOLD: 0 restores the default; false if out of range (up to 4gb - 1mb). */
  public static boolean setPackedThreshold(long sz) {
    if (sz < 0 || sz > (1L << 32) - (1 << 20)) {
      return false;
    }
    packedThreshold = sz == 0 ? DEFAULT_PACKED_THRESHOLD : sz;
    return true;
  }

  static long packedThreshold() {
    return packedThreshold;
  }
}
