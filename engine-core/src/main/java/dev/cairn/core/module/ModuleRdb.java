package dev.cairn.core.module;

import dev.cairn.api.type.DataType;
import dev.cairn.api.type.ModuleValue;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Module values in Redis's RDB encoding (RDB_TYPE_MODULE_2), so that a value's bytes in an RDB file or a DUMP payload
 * are laid out as Redis lays out a module value.
 *
 * <pre>
 * module-value := length(module-type-id) field* length(0)          ; 0 is RDB_MODULE_OPCODE_EOF
 * field        := length(1) length(v)                              ; signed, as its two's complement
 *               | length(2) length(v)                              ; unsigned
 *               | length(3) float32-little-endian
 *               | length(4) float64-little-endian
 *               | length(5) string
 * length       := 00xxxxxx | 01xxxxxx xxxxxxxx | 0x80 u32-be | 0x81 u64-be
 * string       := length(n) n bytes | 11000000 i8 | 11000001 i16-le | 11000010 i32-le   ; 11000011 (LZF) not read
 * </pre>
 */
public final class ModuleRdb {
  private ModuleRdb() {}

  /** Redis's RDB value type for module values with field opcodes. */
  public static final int RDB_TYPE_MODULE_2 = 7;
  static final int OP_EOF = 0;
  static final int OP_SINT = 1;
  static final int OP_UINT = 2;
  static final int OP_FLOAT = 3;
  static final int OP_DOUBLE = 4;
  static final int OP_STRING = 5;

  /** Writes {@code v} (without the RDB type byte) to {@code out}. */
  @SuppressWarnings("unchecked")
  public static <V> void write(ByteArrayOutputStream out, ModuleValue v) throws IOException {
    DataType<V> type = (DataType<V>) v.type();
    writeLength(out, type.id().moduleTypeId());
    type.rdbSave(new Writer(out), (V) v.value());
    writeLength(out, OP_EOF);
  }

  /** A module value's bytes (without the RDB type byte). */
  public static byte[] encode(ModuleValue v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, v);
    return out.toByteArray();
  }

  /** Reads a module value at {@code in}'s position, resolving its type in {@code types}. */
  public static ModuleValue read(Reader in, ModuleTypes types) throws IOException {
    long moduleId = in.readLength();
    TypeId id = TypeId.fromModuleTypeId(moduleId);
    DataType<?> type = types.byName(id.name());
    if (type == null) {
      throw new RdbFormatException("The RDB file contains module data I can't load: no matching module type '"
          + id.name() + "'");
    }
    if (id.encver() > type.id().encver()) {
      throw new RdbFormatException("type " + id.name() + " encoding version " + id.encver()
          + " is newer than the loaded module's (" + type.id().encver() + ")");
    }
    return load(type, in, id.encver());
  }

  /** Decodes the whole of {@code bytes} as one module value. */
  public static ModuleValue decode(byte[] bytes, ModuleTypes types) throws IOException {
    Reader r = new Reader(bytes, 0, bytes.length);
    ModuleValue v = read(r, types);
    if (r.position() != bytes.length) {
      throw new RdbFormatException("trailing bytes after a module value");
    }
    return v;
  }

  /**
   * Decodes {@code bytes} as a value of {@code type} (written with any encoding version up to the type's current
   * one); for tests of a type without a server.
   */
  public static <V> V decode(byte[] bytes, DataType<V> type) throws IOException {
    Reader r = new Reader(bytes, 0, bytes.length);
    TypeId id = TypeId.fromModuleTypeId(r.readLength());
    if (!id.name().equals(type.id().name())) {
      throw new RdbFormatException("value of type " + id.name() + ", not " + type.id().name());
    }
    if (id.encver() > type.id().encver()) {
      throw new RdbFormatException("encoding version " + id.encver() + " is newer than " + type.id().encver());
    }
    ModuleValue v = load(type, r, id.encver());
    if (r.position() != bytes.length) {
      throw new RdbFormatException("trailing bytes after a module value");
    }
    return type.valueClass().cast(v.value());
  }

  /** Encodes {@code value} of {@code type} in the type's current encoding version. */
  public static <V> byte[] encode(DataType<V> type, V value) throws IOException {
    return encode(new ModuleValue(type, value));
  }

  /** Encodes {@code value} with a chosen type id (a test that writes what an older version would have). */
  public static <V> byte[] encodeAs(TypeId id, DataType<V> type, V value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeLength(out, id.moduleTypeId());
    type.rdbSave(new Writer(out), value);
    writeLength(out, OP_EOF);
    return out.toByteArray();
  }

  private static <V> ModuleValue load(DataType<V> type, Reader in, int encver) throws IOException {
    V value = type.rdbLoad(in, encver);
    if (value == null) {
      throw new RdbFormatException("type " + type.id().name() + " returned no value");
    }
    long op = in.readLength();
    if (op != OP_EOF) {
      throw new RdbFormatException("type " + type.id().name() + " did not read all of the value's fields");
    }
    return new ModuleValue(type, value);
  }

  static void writeLength(ByteArrayOutputStream out, long len) {
    if (len >= 0 && len < (1 << 6)) {
      out.write((int) len);
    } else if (len >= 0 && len < (1 << 14)) {
      out.write(0x40 | (int) (len >>> 8));
      out.write((int) len & 0xff);
    } else if (len >= 0 && len <= 0xffffffffL) {
      out.write(0x80);
      for (int s = 24; s >= 0; s -= 8) {
        out.write((int) (len >>> s) & 0xff);
      }
    } else {
      out.write(0x81);
      for (int s = 56; s >= 0; s -= 8) {
        out.write((int) (len >>> s) & 0xff);
      }
    }
  }

  /** Writes fields with their opcodes. */
  static final class Writer implements RdbOutput {
    private final ByteArrayOutputStream out;

    Writer(ByteArrayOutputStream out) {
      this.out = out;
    }

    @Override
    public void writeUnsigned(long value) {
      writeLength(out, OP_UINT);
      writeLength(out, value);
    }

    @Override
    public void writeSigned(long value) {
      writeLength(out, OP_SINT);
      writeLength(out, value);
    }

    @Override
    public void writeDouble(double value) {
      writeLength(out, OP_DOUBLE);
      long bits = Double.doubleToRawLongBits(value);
      for (int s = 0; s < 64; s += 8) {
        out.write((int) (bits >>> s) & 0xff);
      }
    }

    @Override
    public void writeFloat(float value) {
      writeLength(out, OP_FLOAT);
      int bits = Float.floatToRawIntBits(value);
      for (int s = 0; s < 32; s += 8) {
        out.write((bits >>> s) & 0xff);
      }
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) {
      writeLength(out, OP_STRING);
      writeLength(out, length);
      out.write(value, offset, length);
    }
  }

  /** Reads fields, checking each one's opcode. */
  public static final class Reader implements RdbInput {
    private final byte[] buf;
    private int pos;
    private final int end;

    public Reader(byte[] buf, int offset, int end) {
      this.buf = buf;
      this.pos = offset;
      this.end = end;
    }

    public int position() {
      return pos;
    }

    private int u8() throws RdbFormatException {
      if (pos >= end) {
        throw new RdbFormatException("module value truncated");
      }
      return buf[pos++] & 0xff;
    }

    long readLength() throws RdbFormatException {
      int b = u8();
      switch (b >>> 6) {
        case 0:
          return b & 0x3f;
        case 1:
          return ((long) (b & 0x3f) << 8) | u8();
        case 2:
          if (b == 0x80) {
            long v = 0;
            for (int i = 0; i < 4; i++) {
              v = (v << 8) | u8();
            }
            return v;
          }
          if (b == 0x81) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
              v = (v << 8) | u8();
            }
            return v;
          }
          throw new RdbFormatException("unknown length encoding 0x" + Integer.toHexString(b));
        default:
          throw new RdbFormatException("an encoded string where a length was expected");
      }
    }

    private void expect(int op, String what) throws RdbFormatException {
      long got = readLength();
      if (got != op) {
        throw new RdbFormatException("expected " + what + " (opcode " + op + ") but found opcode " + got);
      }
    }

    @Override
    public long readUnsigned() throws IOException {
      expect(OP_UINT, "an unsigned integer");
      return readLength();
    }

    @Override
    public long readSigned() throws IOException {
      expect(OP_SINT, "a signed integer");
      return readLength();
    }

    @Override
    public double readDouble() throws IOException {
      expect(OP_DOUBLE, "a double");
      long bits = 0;
      for (int s = 0; s < 64; s += 8) {
        bits |= (long) u8() << s;
      }
      return Double.longBitsToDouble(bits);
    }

    @Override
    public float readFloat() throws IOException {
      expect(OP_FLOAT, "a float");
      int bits = 0;
      for (int s = 0; s < 32; s += 8) {
        bits |= u8() << s;
      }
      return Float.intBitsToFloat(bits);
    }

    @Override
    public byte[] readBytes() throws IOException {
      expect(OP_STRING, "a string");
      int b = buf.length > pos && pos < end ? buf[pos] & 0xff : -1;
      if (b >= 0 && (b >>> 6) == 3) {
        pos++;
        long v;
        switch (b & 0x3f) {
          case 0 -> v = (byte) u8();
          case 1 -> v = (short) (u8() | (u8() << 8));
          case 2 -> v = u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24);
          default -> throw new RdbFormatException("LZF-compressed strings in module values are not supported");
        }
        if ((b & 0x3f) == 2) {
          v = (int) v;
        }
        return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
      long len = readLength();
      if (len > end - pos) {
        throw new RdbFormatException("module value truncated");
      }
      byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + (int) len);
      pos += (int) len;
      return out;
    }
  }
}
