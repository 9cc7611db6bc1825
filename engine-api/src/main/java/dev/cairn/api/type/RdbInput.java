package dev.cairn.api.type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads back what {@link RdbOutput} wrote, in the same order. Asking for another kind of field than the one stored, or
 * reading past the value's end, throws {@link RdbFormatException}.
 */
public interface RdbInput {
  long readUnsigned() throws IOException;

  long readSigned() throws IOException;

  double readDouble() throws IOException;

  float readFloat() throws IOException;

  byte[] readBytes() throws IOException;

  default String readString() throws IOException {
    return new String(readBytes(), StandardCharsets.UTF_8);
  }
}
