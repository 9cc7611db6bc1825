package dev.cairn.api.type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where a data type writes a value, field by field, as Redis's module RDB API does: each field is stored with its kind,
 * so a reader that asks for another kind fails instead of misreading.
 */
public interface RdbOutput {
  /** An unsigned 64-bit integer (RedisModule_SaveUnsigned). */
  void writeUnsigned(long value) throws IOException;

  /** A signed 64-bit integer (RedisModule_SaveSigned). */
  void writeSigned(long value) throws IOException;

  /** A double, stored as its 8 IEEE 754 bytes (RedisModule_SaveDouble). */
  void writeDouble(double value) throws IOException;

  /** A float, stored as its 4 IEEE 754 bytes (RedisModule_SaveFloat). */
  void writeFloat(float value) throws IOException;

  /** A binary string (RedisModule_SaveStringBuffer). */
  void writeBytes(byte[] value, int offset, int length) throws IOException;

  default void writeBytes(byte[] value) throws IOException {
    writeBytes(value, 0, value.length);
  }

  /** A string as its UTF-8 bytes. */
  default void writeString(String value) throws IOException {
    writeBytes(value.getBytes(StandardCharsets.UTF_8));
  }
}
