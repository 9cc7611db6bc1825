package dev.cairn.core.rdb;

import dev.cairn.core.type.string.StringValues;

/** Strings: RDB type 0, the value one RDB string (integer, LZF or plain encoded). */
final class StringRdbCodec implements RdbValueCodec {
  @Override
  public boolean handles(Object value) {
    return StringValues.isString(value);
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_STRING;
  }

  @Override
  public boolean writesConcurrently() {
    return true; // byte[] strings are immutable; the in-place forms are copied before they change
  }

  @Override
  public void write(RdbOutput out, Object value) {
    out.writeString(StringValues.bytes(value));
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    return in.readString();
  }
}
