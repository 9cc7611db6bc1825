package dev.cairn.core.module;

import dev.cairn.api.type.DataType;
import dev.cairn.api.type.ModuleValue;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.TypeId;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import java.io.IOException;

/**
 * Module values in Redis's RDB encoding (RDB_TYPE_MODULE_2), so that a value's bytes in a DUMP payload (and later an
 * RDB file) are laid out as Redis lays out a module value.
 *
 * <pre>
 * module-value := ulength(module-type-id) field* length(0)          ; 0 is RDB_MODULE_OPCODE_EOF
 * field        := length(2) ulength(v)                              ; unsigned, and signed as its two's complement
 *               | length(1) ulength(v)                              ; signed: read, never written (Redis's
 *                                                                   ; RM_SaveSigned writes opcode 2 and its
 *                                                                   ; RM_LoadSigned accepts only 2)
 *               | length(3) float32-little-endian
 *               | length(4) float64-little-endian
 *               | length(5) rdb-string                              ; plain, integer or LZF encoded
 * ulength      := an RDB length read as unsigned 64 bits (0x81 + 8 bytes big-endian when large)
 * </pre>
 */
public final class ModuleRdb {
  private ModuleRdb() {}

  static final int OP_EOF = 0;
  static final int OP_SINT = 1;
  static final int OP_UINT = 2;
  static final int OP_FLOAT = 3;
  static final int OP_DOUBLE = 4;
  static final int OP_STRING = 5;

  /** Writes {@code v} (without the RDB type byte). */
  public static void write(RdbOutput out, ModuleValue v) throws IOException {
    writeAs(out, v.type().id(), v.type(), v.value());
  }

  @SuppressWarnings("unchecked")
  private static <V> void writeAs(RdbOutput out, TypeId id, DataType<V> type, Object value) throws IOException {
    out.writeLengthUnsigned(id.moduleTypeId());
    type.rdbSave(new Writer(out), (V) value);
    out.writeLength(OP_EOF);
  }

  /** Reads a module value (after its RDB type byte), resolving its type in {@code types}. */
  public static ModuleValue read(RdbInput in, ModuleTypes types) throws IOException {
    TypeId id = TypeId.fromModuleTypeId(core(in::readLengthUnsigned));
    DataType<?> type = types.byName(id.name());
    if (type == null) {
      throw new RdbFormatException("no loaded module has data type '" + id.name() + "'");
    }
    return load(type, in, id);
  }

  private static <V> ModuleValue load(DataType<V> type, RdbInput in, TypeId id) throws IOException {
    if (id.encver() > type.id().encver()) {
      throw new RdbFormatException("type " + id.name() + " encoding version " + id.encver()
          + " is newer than the loaded module's (" + type.id().encver() + ")");
    }
    V value = type.rdbLoad(new Reader(in), id.encver());
    if (value == null) {
      throw new RdbFormatException("type " + id.name() + " returned no value");
    }
    if (core(in::readLength) != OP_EOF) {
      throw new RdbFormatException("type " + id.name() + " did not read all of the value's fields");
    }
    return new ModuleValue(type, value);
  }

  /** A module value's bytes, without the RDB type byte. */
  public static byte[] encode(ModuleValue v) throws IOException {
    RdbOutput out = new RdbOutput(64, true);
    write(out, v);
    return out.toByteArray();
  }

  /** Encodes {@code value} of {@code type} in the type's current encoding version. */
  public static <V> byte[] encode(DataType<V> type, V value) throws IOException {
    return encode(new ModuleValue(type, value));
  }

  /** Encodes {@code value} under a chosen type id (a test that writes what another version would have). */
  public static <V> byte[] encodeAs(TypeId id, DataType<V> type, V value) throws IOException {
    RdbOutput out = new RdbOutput(64, true);
    writeAs(out, id, type, value);
    return out.toByteArray();
  }

  /** Decodes the whole of {@code bytes} as one module value of a type in {@code types}. */
  public static ModuleValue decode(byte[] bytes, ModuleTypes types) throws IOException {
    RdbInput in = new RdbInput(bytes, 0, bytes.length);
    ModuleValue v = read(in, types);
    requireEnd(in);
    return v;
  }

  /** Decodes {@code bytes} as a value of {@code type} (any encoding version up to the current); no server needed. */
  public static <V> V decode(byte[] bytes, DataType<V> type) throws IOException {
    RdbInput in = new RdbInput(bytes, 0, bytes.length);
    TypeId id = TypeId.fromModuleTypeId(core(in::readLengthUnsigned));
    if (!id.name().equals(type.id().name())) {
      throw new RdbFormatException("value of type " + id.name() + ", not " + type.id().name());
    }
    ModuleValue v = load(type, in, id);
    requireEnd(in);
    return type.valueClass().cast(v.value());
  }

  private static void requireEnd(RdbInput in) throws RdbFormatException {
    if (in.remaining() != 0) {
      throw new RdbFormatException("trailing bytes after a module value");
    }
  }

  /** A read of the core RDB reader, its format error turned into the API's. */
  @FunctionalInterface
  private interface CoreRead<T> {
    T read() throws dev.cairn.core.rdb.RdbFormatException;
  }

  private static <T> T core(CoreRead<T> r) throws RdbFormatException {
    try {
      return r.read();
    } catch (dev.cairn.core.rdb.RdbFormatException e) {
      throw new RdbFormatException(e.getMessage());
    }
  }

  /** Writes fields with their opcodes. */
  static final class Writer implements dev.cairn.api.type.RdbOutput {
    private final RdbOutput out;

    Writer(RdbOutput out) {
      this.out = out;
    }

    @Override
    public void writeUnsigned(long value) {
      out.writeLength(OP_UINT);
      out.writeLengthUnsigned(value);
    }

    @Override
    public void writeSigned(long value) {
      out.writeLength(OP_UINT); // as RM_SaveSigned: a module loading it in Redis reads it with RM_LoadSigned
      out.writeLengthUnsigned(value);
    }

    @Override
    public void writeDouble(double value) {
      out.writeLength(OP_DOUBLE);
      out.writeLongLE(Double.doubleToRawLongBits(value), 8);
    }

    @Override
    public void writeFloat(float value) {
      out.writeLength(OP_FLOAT);
      out.writeLongLE(Float.floatToRawIntBits(value) & 0xffffffffL, 4);
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) {
      out.writeLength(OP_STRING);
      byte[] s = offset == 0 && length == value.length ? value : java.util.Arrays.copyOfRange(value, offset,
          offset + length);
      out.writeString(s);
    }
  }

  /** Reads fields, checking each one's opcode. */
  static final class Reader implements dev.cairn.api.type.RdbInput {
    private final RdbInput in;

    Reader(RdbInput in) {
      this.in = in;
    }

    private void expect(int op, String what) throws RdbFormatException {
      long got = core(in::readLength);
      if (got != op) {
        throw new RdbFormatException("expected " + what + " (module opcode " + op + ") but found opcode " + got);
      }
    }

    @Override
    public long readUnsigned() throws IOException {
      expect(OP_UINT, "an unsigned integer");
      return core(in::readLengthUnsigned);
    }

    @Override
    public long readSigned() throws IOException {
      long got = core(in::readLength);
      if (got != OP_UINT && got != OP_SINT) { // opcode 1: files Cairn wrote before it wrote signed values as Redis
        throw new RdbFormatException("expected a signed integer (module opcode 2) but found opcode " + got);
      }
      return core(in::readLengthUnsigned);
    }

    @Override
    public double readDouble() throws IOException {
      expect(OP_DOUBLE, "a double");
      return Double.longBitsToDouble(core(() -> in.readLongLE(8)));
    }

    @Override
    public float readFloat() throws IOException {
      expect(OP_FLOAT, "a float");
      return Float.intBitsToFloat((int) (long) core(() -> in.readLongLE(4)));
    }

    @Override
    public byte[] readBytes() throws IOException {
      expect(OP_STRING, "a string");
      return core(in::readString);
    }
  }
}
