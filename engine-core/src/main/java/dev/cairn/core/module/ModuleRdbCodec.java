package dev.cairn.core.module;

import dev.cairn.api.type.ModuleValue;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Module values in DUMP/RESTORE (and later RDB files): RDB type 7 (module 2), the layout of {@link ModuleRdb}. */
public final class ModuleRdbCodec implements RdbValueCodec {
  private final ModuleTypes types;

  public ModuleRdbCodec(ModuleTypes types) {
    this.types = types;
  }

  @Override
  public boolean handles(Object value) {
    return value instanceof ModuleValue;
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_MODULE_2;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    try {
      ModuleRdb.write(out, (ModuleValue) value);
    } catch (IOException e) {
      throw new UncheckedIOException("type " + ((ModuleValue) value).typeName() + " failed to save a value", e);
    }
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    try {
      return ModuleRdb.read(in, types);
    } catch (IOException | RuntimeException e) {
      throw new RdbFormatException(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}
