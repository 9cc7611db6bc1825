package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import dev.cairn.core.module.ModuleRdb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ReJSON 1.x's RDB encoding (version 0), which RedisJSON 2.x still loads and so does Cairn. */
class JsonLegacyRdbTest {
  /**
   * A ReJSON 1.x value as Redis writes it (module id of ReJSON-RL with encoding version 0, then module opcodes: 2
   * unsigned, 4 double, 5 string, 0 end; strings that look like integers int-encoded, {@code c0 01}): the document
   * {@code {"a":1,"b":"1","c":true,"d":[],"e":{},"f":null}}, laid out as RedisJSON's own backward-compatibility RDB
   * file holds it.
   */
  private static final String SIMPLE = "8145e25238df912c00" + "0220" + "0206"
      + "024080" + "050161" + "0208" + "0201"
      + "024080" + "050162" + "0202" + "05c001"
      + "024080" + "050163" + "0210" + "05c001"
      + "024080" + "050164" + "024040" + "0200"
      + "024080" + "050165" + "0220" + "0200"
      + "024080" + "050166" + "0201"
      + "00";

  @Test
  void loadsReJson1Values() throws IOException {
    JsonDoc d = ModuleRdb.decode(HexFormat.of().parseHex(SIMPLE), JsonType.INSTANCE);
    assertEquals("{\"a\":1,\"b\":\"1\",\"c\":true,\"d\":[],\"e\":{},\"f\":null}", JsonWriter.toText(d.root));
  }

  /** Writes a tree in version 0's node format, to check every node type and nesting against the loader. */
  private static final class Version0 implements DataType<Object> {
    @Override
    public TypeId id() {
      return TypeId.of("ReJSON-RL", 0);
    }

    @Override
    public Class<Object> valueClass() {
      return Object.class;
    }

    @Override
    public void rdbSave(RdbOutput out, Object v) throws IOException {
      if (v == Json.NULL) {
        out.writeUnsigned(0x1);
      } else if (v instanceof String s) {
        out.writeUnsigned(0x2);
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else if (v instanceof Double x) {
        out.writeUnsigned(0x4);
        out.writeDouble(x);
      } else if (v instanceof Long l) {
        out.writeUnsigned(0x8);
        out.writeUnsigned(l); // RM_SaveSigned is RM_SaveUnsigned of the same bits
      } else if (v instanceof Boolean b) {
        out.writeUnsigned(0x10);
        out.writeBytes(new byte[] {(byte) (b ? '1' : '0')});
      } else if (v instanceof JObject o) {
        out.writeUnsigned(0x20);
        out.writeUnsigned(o.size);
        for (int i = 0; i < o.size; i++) {
          out.writeUnsigned(0x80);
          out.writeBytes(o.keys[i].getBytes(StandardCharsets.UTF_8));
          rdbSave(out, o.values[i]);
        }
      } else {
        JArray a = (JArray) v;
        out.writeUnsigned(0x40);
        out.writeUnsigned(a.size);
        for (int i = 0; i < a.size; i++) {
          rdbSave(out, a.items[i]);
        }
      }
    }

    @Override
    public Object rdbLoad(RdbInput in, int encver) {
      throw new UnsupportedOperationException("writer only");
    }

    @Override
    public void aofRewrite(AofEmitter out, byte[] key, Object value) {}

    @Override
    public long memoryUsage(Object value) {
      return 0;
    }

    @Override
    public void digest(Digest digest, Object value) {}

    @Override
    public Object copy(Object value) {
      return value;
    }
  }

  @Test
  void everyNodeTypeNestedLoads() throws IOException {
    String text = "{\"s\":\"żółw\",\"n\":-5,\"big\":-9223372036854775808,\"d\":1.5e-7,\"t\":true,\"f\":false,"
        + "\"z\":null,\"o\":{\"a\":[1,[2,{\"b\":[]}],{}]},\"e\":[]}";
    Object tree = JsonReader.parse(text.getBytes(StandardCharsets.UTF_8));
    byte[] bytes = ModuleRdb.encodeAs(TypeId.of("ReJSON-RL", 0), new Version0(), tree);
    JsonDoc d = ModuleRdb.decode(bytes, JsonType.INSTANCE);
    assertEquals(text, JsonWriter.toText(d.root));
  }

  @Test
  void badNodeTypesAreRefused() {
    // a dictionary member that is not a key/value node, and an unknown node type
    String notKeyVal = "8145e25238df912c00" + "0220" + "0201" + "0201" + "00";
    String unknown = "8145e25238df912c00" + "0203" + "00";
    for (String hex : new String[] {notKeyVal, unknown}) {
      assertEquals("Can't load old RedisJSON RDB", assertThrows(RdbFormatException.class,
          () -> ModuleRdb.decode(HexFormat.of().parseHex(hex), JsonType.INSTANCE)).getMessage());
    }
  }
}
