package com.example.hello;

/** A counter value: how often it was bumped and its total. */
public final class Counter {
  long total;
  long bumps;

  public Counter(long total, long bumps) {
    this.total = total;
    this.bumps = bumps;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counter c && c.total == total && c.bumps == bumps;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(total) * 31 + Long.hashCode(bumps);
  }
}
