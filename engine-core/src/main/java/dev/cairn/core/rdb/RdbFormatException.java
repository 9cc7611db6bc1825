package dev.cairn.core.rdb;

/** Serialized data that cannot be decoded (truncated, an unknown type or encoding, a bad length). */
public final class RdbFormatException extends Exception {
  public RdbFormatException(String message) {
    super(message, null, false, false);
  }
}
