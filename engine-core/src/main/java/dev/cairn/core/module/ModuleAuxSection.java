package dev.cairn.core.module;

import dev.cairn.api.type.AuxData;
import dev.cairn.api.type.TypeId;
import dev.cairn.core.rdb.RdbFormat;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules' AUX data in RDB files, in Redis's layout: per registration with something to save, RDB_OPCODE_MODULE_AUX,
 * the 64-bit module type id of its {@link TypeId}, the "when" field (before the keys), the module's fields (the layout of
 * module values, see {@link ModuleRdb}), EOF. A load hands each record to the loaded module that registered its name.
 */
public final class ModuleAuxSection implements RdbSection<List<ModuleAuxSection.Captured<?>>> {
  private final ModuleManager modules;

  public ModuleAuxSection(ModuleManager modules) {
    this.modules = modules;
  }

  /** One registration's captured state. */
  public record Captured<T>(AuxData<T> aux, T state) { }

  /** What {@link #read} returned for one record. */
  private record Loaded(AuxData<?> aux, Object value) { }

  @Override
  public int opcode() {
    return RdbFormat.OPCODE_MODULE_AUX;
  }

  @Override
  public List<Captured<?>> capture() {
    List<Captured<?>> out = new ArrayList<>();
    for (AuxData<?> a : modules.auxData()) {
      capture(a, out);
    }
    return out.isEmpty() ? null : out;
  }

  private static <T> void capture(AuxData<T> a, List<Captured<?>> out) {
    T state = a.capture();
    if (state != null) {
      out.add(new Captured<>(a, state));
    }
  }

  @Override
  public void write(RdbOutput out, List<Captured<?>> captured) {
    for (Captured<?> c : captured) {
      writeOne(out, c);
    }
  }

  private static <T> void writeOne(RdbOutput out, Captured<T> c) {
    out.writeByte(RdbFormat.OPCODE_MODULE_AUX);
    out.writeLengthUnsigned(c.aux().id().moduleTypeId());
    out.writeLength(ModuleRdb.OP_UINT);
    out.writeLength(AuxData.BEFORE_KEYS);
    try {
      c.aux().save(new ModuleRdb.Writer(out), c.state());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.writeLength(ModuleRdb.OP_EOF);
  }

  @Override
  public Object read(RdbInput in, int rdbVersion) throws RdbFormatException {
    TypeId id = TypeId.fromModuleTypeId(in.readLengthUnsigned());
    AuxData<?> aux = modules.auxData(id.name());
    if (aux == null) {
      throw new RdbFormatException("The RDB file contains AUX module data I can't load: no matching module '"
          + id.name() + "'");
    }
    if (id.encver() > aux.id().encver()) {
      throw new RdbFormatException("AUX data " + id.name() + " encoding version " + id.encver()
          + " is newer than the loaded module's (" + aux.id().encver() + ")");
    }
    if (in.readLength() != ModuleRdb.OP_UINT) {
      throw new RdbFormatException("bad AUX record of " + id.name() + ": no 'when' field");
    }
    in.readLength(); // when: Cairn applies every record after the load, whichever side of the keys it came from
    Object value;
    try {
      value = aux.load(new ModuleRdb.Reader(in), id.encver());
    } catch (IOException e) {
      throw new RdbFormatException("AUX data " + id.name() + ": " + e.getMessage());
    }
    if (in.readLength() != ModuleRdb.OP_EOF) {
      throw new RdbFormatException("AUX data " + id.name() + " did not read all of its fields");
    }
    return new Loaded(aux, value);
  }

  @Override
  public void apply(Object read) throws RdbFormatException {
    apply(read, false);
  }

  @Override
  public void apply(Object read, boolean replace) throws RdbFormatException {
    Loaded l = (Loaded) read;
    try {
      l.aux().apply(l.value(), replace);
    } catch (RuntimeException e) {
      throw new RdbFormatException("AUX data " + l.aux().id().name() + " failed to apply: " + e.getMessage());
    }
  }
}
