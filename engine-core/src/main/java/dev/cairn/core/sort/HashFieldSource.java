package dev.cairn.core.sort;

/** A hash, for SORT's {@code BY/GET pattern->field}: the value of a field. Hash types implement this. */
public interface HashFieldSource {
  /** The value of {@code field}, or null (also when the field's time to live has passed at {@code now}, in ms). */
  byte[] sortField(byte[] field, long now);
}
