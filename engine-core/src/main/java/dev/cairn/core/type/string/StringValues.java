package dev.cairn.core.type.string;

/** How code outside the string family recognises and reads a string value, whatever its representation. */
public final class StringValues {
  private StringValues() {}

  /** The bytes of a string value, or null if {@code value} is not a string. */
  public static byte[] bytes(Object value) {
    return value instanceof byte[] b ? b : null;
  }

  /** Whether {@code value} is a string. */
  public static boolean isString(Object value) {
    return value instanceof byte[];
  }
}
