package dev.cairn.core.rdb;

/** Serialized data that cannot be decoded (truncated, an unknown type or encoding, a bad length). */
public class RdbFormatException extends Exception {
  private final boolean emptyKey;

  public RdbFormatException(String message) {
    this(message, false);
  }

  private RdbFormatException(String message, boolean emptyKey) {
    super(message, null, false, false);
    this.emptyKey = emptyKey;
  }

  /**
   * A well-formed value with no elements: RESTORE refuses it, a file load skips the key with a notice (Redis wrote such
   * keys by mistake in some versions, see its issue 8453).
   */
  public static RdbFormatException emptyKey(String what) {
    return new RdbFormatException("empty " + what, true);
  }

  public boolean isEmptyKey() {
    return emptyKey;
  }
}
