package dev.cairn.core.blocking;

import java.util.Arrays;

/** A byte string usable as a map key (value equality), for the few maps keyed by Redis keys off the hot path. */
public record ByteKey(byte[] bytes) {
  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
