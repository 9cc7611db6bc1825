package dev.cairn.core.type.string;

import dev.cairn.api.keyspace.RedisValue;
import java.nio.charset.StandardCharsets;

/**
 * A string that INCR and its kin keep as a number, Redis's {@code int} encoding: they change it in place, so a counter
 * bumped in a loop costs one lookup and no allocation, and its bytes are written out only when someone reads it.
 */
public final class IntString implements RedisValue {
  long value;

  IntString(long value) {
    this.value = value;
  }

  public long value() {
    return value;
  }

  /** The decimal form, freshly allocated. */
  byte[] toBytes() {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  /** The length of the decimal form. */
  int length() {
    return dev.cairn.core.resp.RespWriter.decimalLength(value);
  }

  @Override
  public String typeName() {
    return "string";
  }

  @Override
  public String encoding() {
    return "int";
  }

  @Override
  public IntString copy() {
    return new IntString(value);
  }

  @Override
  public long estimatedBytes(int samples) {
    return 24;
  }
}
