package dev.cairn.core.persistence;

import java.util.List;

/**
 * What a snapshot holds, as of its start: the RDB version its data needs, the per-database key and expiry counts
 * (RESIZEDB hints), the access-data policy, and the captured sections (function libraries, ...).
 *
 * @param version the lowest RDB version that can hold every value, or the configured {@code rdb-version} if higher
 * @param dbSizes keys per database (0 for an empty one)
 * @param expireSizes keys with an expiry per database
 * @param lru whether the maxmemory policy is an LRU one (keys are saved with their idle time)
 * @param lfu whether it is an LFU one (keys are saved with their access frequency)
 * @param lruClockMillis the time the idle times are measured against
 * @param sections what each registered {@link dev.cairn.core.rdb.RdbSection} captured, in registration order
 */
public record SnapshotInfo(int version, long[] dbSizes, long[] expireSizes, boolean lru, boolean lfu,
    long lruClockMillis, List<Captured<?>> sections) {

  /** A section and what it captured. */
  public record Captured<T>(dev.cairn.core.rdb.RdbSection<T> section, T state) {
    /** Writes the captured state through its section. */
    public void write(dev.cairn.core.rdb.RdbOutput out) {
      section.write(out, state);
    }
  }

  /** Keys in all databases. */
  public long totalKeys() {
    long n = 0;
    for (long s : dbSizes) {
      n += s;
    }
    return n;
  }
}
