package dev.cairn.api.type;

import java.io.IOException;

/** A serialized value that cannot be read: unknown encoding version, wrong field kind, truncated, bad checksum. */
public final class RdbFormatException extends IOException {
  public RdbFormatException(String message) {
    super(message);
  }

  /** The type has no reader for {@code encver}. */
  public static RdbFormatException unsupported(TypeId id, int encver) {
    return new RdbFormatException("type " + id.name() + " cannot load encoding version " + encver
        + " (current is " + id.encver() + ")");
  }
}
