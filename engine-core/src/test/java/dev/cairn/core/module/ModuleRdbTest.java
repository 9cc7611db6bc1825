package dev.cairn.core.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module value encoding (RDB_TYPE_MODULE_2 layout) and the 64-bit type id, without a server. */
class ModuleRdbTest {
  /** Every field kind, with edge values. */
  record Fields(long unsigned, long signed, double d, float f, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Fields x && x.unsigned == unsigned && x.signed == signed
          && Double.compare(x.d, d) == 0 && Float.compare(x.f, f) == 0 && Arrays.equals(x.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(unsigned);
    }
  }

  static class FieldsType implements DataType<Fields> {
    final TypeId id;
    boolean readWrongKind;

    FieldsType(String name) {
      this.id = TypeId.of(name, 2);
    }

    @Override
    public TypeId id() {
      return id;
    }

    @Override
    public Class<Fields> valueClass() {
      return Fields.class;
    }

    @Override
    public void rdbSave(RdbOutput out, Fields v) throws IOException {
      out.writeUnsigned(v.unsigned());
      out.writeSigned(v.signed());
      out.writeDouble(v.d());
      out.writeFloat(v.f());
      out.writeBytes(v.bytes());
    }

    @Override
    public Fields rdbLoad(RdbInput in, int encver) throws IOException {
      if (encver == 1) { // version 1 had no float and no bytes
        return new Fields(in.readUnsigned(), in.readSigned(), in.readDouble(), 0f, new byte[0]);
      }
      if (encver != 2) {
        throw RdbFormatException.unsupported(id, encver);
      }
      if (readWrongKind) {
        in.readSigned();
      }
      return new Fields(in.readUnsigned(), in.readSigned(), in.readDouble(), in.readFloat(), in.readBytes());
    }

    @Override
    public void aofRewrite(AofEmitter out, byte[] key, Fields v) {
      out.emit("X".getBytes(), key);
    }

    @Override
    public long memoryUsage(Fields v) {
      return 1;
    }

    @Override
    public void digest(Digest d, Fields v) {
      d.add(v.unsigned());
    }

    @Override
    public Fields copy(Fields v) {
      return new Fields(v.unsigned(), v.signed(), v.d(), v.f(), v.bytes().clone());
    }
  }

  @Test
  void typeIdPacksAsRedisDoes() {
    assertEquals(0L, TypeId.of("AAAAAAAAA", 0).moduleTypeId());
    assertEquals((1L << 10) | 1, TypeId.of("AAAAAAAAB", 1).moduleTypeId());
    assertEquals(-1L, TypeId.of("_________", 1023).moduleTypeId(), "all 64 bits set");
    TypeId t = TypeId.of("MBbloom--", 4);
    assertEquals(t, TypeId.fromModuleTypeId(t.moduleTypeId()));
    assertThrows(IllegalArgumentException.class, () -> TypeId.of("short", 1));
    assertThrows(IllegalArgumentException.class, () -> TypeId.of("bad.char!", 1));
    assertThrows(IllegalArgumentException.class, () -> TypeId.of("okname123", 1024));
  }

  @Test
  void everyFieldKindRoundTripsWithEdgeValues() throws IOException {
    // a name starting with 'z' makes the id's top bit set: it must travel as an unsigned 64-bit length
    FieldsType type = new FieldsType("zzFields1");
    assertTrue(type.id().moduleTypeId() < 0);
    byte[] compressible = "abc".repeat(200).getBytes();
    for (Fields f : new Fields[] {
        new Fields(0, 0, 0.0, 0f, new byte[0]),
        new Fields(-1L, Long.MIN_VALUE, Double.NaN, Float.NEGATIVE_INFINITY, "12345".getBytes()),
        new Fields(1L << 63, -1, -0.0, Float.MIN_VALUE, compressible),
        new Fields(63, 64, 1e308, 3.5f, new byte[] {0, -1, 10, 13})}) {
      byte[] bytes = ModuleRdb.encode(type, f);
      assertEquals(f, ModuleRdb.decode(bytes, type));
    }
    assertTrue(ModuleRdb.encode(type, new Fields(0, 0, 0, 0, compressible)).length < compressible.length,
        "long strings are LZF-compressed as Redis does");
  }

  @Test
  void olderEncodingVersionsStillLoadNewerAreRefused() throws IOException {
    FieldsType type = new FieldsType("Fields-v2");
    DataType<Fields> v1Writer = new FieldsType("Fields-v2") {
      @Override
      public void rdbSave(RdbOutput out, Fields v) throws IOException {
        out.writeUnsigned(v.unsigned());
        out.writeSigned(v.signed());
        out.writeDouble(v.d());
      }
    };
    byte[] v1 = ModuleRdb.encodeAs(type.id().withEncver(1), v1Writer, new Fields(5, -5, 2.5, 0f, new byte[0]));
    assertEquals(new Fields(5, -5, 2.5, 0f, new byte[0]), ModuleRdb.decode(v1, type));
    byte[] v3 = ModuleRdb.encodeAs(type.id().withEncver(3), type, new Fields(1, 1, 1, 1, new byte[0]));
    assertTrue(assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(v3, type)).getMessage()
        .contains("newer"));
  }

  @Test
  void signedFieldsAreWrittenAsRedisWritesThemAndTheOldOpcodeStillLoads() throws IOException {
    FieldsType type = new FieldsType("Fields-sg");
    Fields f = new Fields(1, 5, 0, 0, new byte[0]);
    byte[] bytes = ModuleRdb.encode(type, f);
    // after the type id: unsigned 1 (opcode 2, value 1), then signed 5 with opcode 2, as RM_SaveSigned writes it
    // (RM_LoadSigned in Redis accepts nothing else)
    int at = 9;
    assertEquals(List.of(2, 1, 2, 5), List.of((int) bytes[at], (int) bytes[at + 1], (int) bytes[at + 2],
        (int) bytes[at + 3]));
    bytes[at + 2] = 1; // RDB_MODULE_OPCODE_SINT, which Cairn wrote before
    assertEquals(f, ModuleRdb.decode(bytes, type));
  }

  @Test
  void malformedValuesAreRefused() throws IOException {
    FieldsType type = new FieldsType("Fields-ab");
    byte[] ok = ModuleRdb.encode(type, new Fields(1, 2, 3, 4, "x".getBytes()));
    assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(Arrays.copyOf(ok, ok.length - 3), type));
    byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
    assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(trailing, type));
    type.readWrongKind = true;
    String msg = assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(ok, type)).getMessage();
    assertTrue(msg.contains("expected a signed integer"), msg);
    assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(ok, new FieldsType("OtherName")));
    ModuleTypes none = new ModuleTypes();
    assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(ok, none));
  }

  @Test
  void digestOfSequencesIgnoresTheirOrderNotTheirContent() {
    ValueDigest a = new ValueDigest();
    a.add("x".getBytes());
    a.endSequence();
    a.add("y".getBytes());
    a.endSequence();
    ValueDigest b = new ValueDigest();
    b.add("y".getBytes());
    b.endSequence();
    b.add("x".getBytes());
    b.endSequence();
    assertEquals(a.hex(), b.hex());
    ValueDigest c = new ValueDigest();
    c.add("xy".getBytes());
    ValueDigest d = new ValueDigest();
    d.add("x".getBytes());
    d.add("y".getBytes());
    assertTrue(!c.hex().equals(d.hex()));
  }
}
