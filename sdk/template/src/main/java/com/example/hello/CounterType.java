package com.example.hello;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;

/**
 * The counter type. Layout, encver 1: total (signed), bumps (unsigned). The name (9 characters of A-Z a-z 0-9 - _)
 * and every encoding version's layout are frozen once released: bump the version to change the layout and keep
 * reading the old ones.
 */
public final class CounterType implements DataType<Counter> {
  public static final TypeId ID = TypeId.of("HelloCntr", 1);
  public static final CounterType INSTANCE = new CounterType();

  private CounterType() {}

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public Class<Counter> valueClass() {
    return Counter.class;
  }

  @Override
  public void rdbSave(RdbOutput out, Counter c) throws IOException {
    out.writeSigned(c.total);
    out.writeUnsigned(c.bumps);
  }

  @Override
  public Counter rdbLoad(RdbInput in, int encver) throws IOException {
    if (encver != 1) {
      throw RdbFormatException.unsupported(ID, encver);
    }
    return new Counter(in.readSigned(), in.readUnsigned());
  }

  @Override
  public void aofRewrite(AofEmitter out, byte[] key, Counter c) {
    out.emit("HELLO.SET".getBytes(), key, Long.toString(c.total).getBytes(), Long.toString(c.bumps).getBytes());
  }

  @Override
  public long memoryUsage(Counter c) {
    return 32;
  }

  @Override
  public void digest(Digest d, Counter c) {
    d.add(c.total);
    d.add(c.bumps);
  }

  @Override
  public Counter copy(Counter c) {
    return new Counter(c.total, c.bumps);
  }
}
