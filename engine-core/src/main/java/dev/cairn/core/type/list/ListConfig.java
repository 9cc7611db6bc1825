package dev.cairn.core.type.list;

/**
 * The list parameters the list commands read: {@code list-max-listpack-size} and {@code list-compress-depth}. Set by
 * their config parameters ({@code ServerParams}); process-wide, as a server has one engine.
 */
public final class ListConfig {
  private ListConfig() {}

  /** {@code list-max-listpack-size}: negative, a node's byte limit (-1 4k .. -5 64k); positive, its entry limit. */
  public static volatile int fill = -2;
  /**
   * {@code list-compress-depth}: accepted and reported, but Cairn does not compress inner nodes (Redis's LZF on
   * quicklist nodes); lists always take their uncompressed size.
   */
  public static volatile int compressDepth = 0;
}
