package dev.cairn.core.sort;

import java.util.function.Consumer;

/**
 * A value SORT can sort (a list, a set, a sorted set): its members in the value's own order. Set and sorted set types
 * implement this to plug into SORT.
 */
public interface SortSource {
  /** The number of members. */
  long sortSize();

  /** Each member, in the value's own order (list order, set iteration order, sorted set rank order). */
  void forEachMember(Consumer<byte[]> action);

  /**
   * For {@code BY nosort}: the members with ranks {@code start..end} (inclusive, in range) in the value's own order,
   * or in reverse order when {@code reverse} (ranks then count from the other end), as Redis returns a list's or
   * sorted set's native order under DESC. A set has no order to reverse and may ignore {@code reverse}.
   */
  void forEachInRange(long start, long end, boolean reverse, Consumer<byte[]> action);
}
