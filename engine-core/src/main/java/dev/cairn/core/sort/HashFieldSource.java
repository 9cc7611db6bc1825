package dev.cairn.core.sort;

/** A hash, for SORT's {@code BY/GET pattern->field}: the value of a field. Hash types implement this. */
public interface HashFieldSource {
  /** The value of {@code field}, or null. */
  byte[] sortField(byte[] field);
}
