package dev.cairn.json;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import dev.cairn.api.reply.RedisException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON document type, persisted as RedisJSON 2.x persists it: module type {@code ReJSON-RL}, encoding version 3,
 * the value one string field holding the document as compact JSON text (RedisJSON 2.0 to 2.8 write exactly this, so
 * RDB files and DUMP payloads with JSON keys move between Redis Stack 7.x and Cairn). Version 2 (the same string
 * followed by an unsigned count and, when non-zero, two strings of RediSearch data) and ReJSON 1.x's version 0 (a
 * tree of typed nodes, which RedisJSON 2.x still loads) are read too. RedisJSON 8's version 4 is not read.
 *
 * <pre>
 * encver 3 := string(json text)
 * encver 2 := string(json text) unsigned(n) [string string if n &gt; 0]
 * encver 0 := node; node := unsigned(type) ...: 0x1 null | 0x2 string(s) | 0x4 double | 0x8 unsigned(i64 bits)
 *             | 0x10 string("1" or "0") | 0x20 unsigned(n) (unsigned(0x80) string(name) node)*n
 *             | 0x40 unsigned(n) node*n
 * </pre>
 */
final class JsonType implements DataType<JsonDoc> {
  static final TypeId ID = TypeId.of("ReJSON-RL", 3);
  static final JsonType INSTANCE = new JsonType();
  private static final byte[] JSON_SET = "JSON.SET".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ROOT = {'$'};

  private JsonType() {}

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public Class<JsonDoc> valueClass() {
    return JsonDoc.class;
  }

  @Override
  public void rdbSave(RdbOutput out, JsonDoc doc) throws IOException {
    out.writeBytes(JsonWriter.toBytes(doc.root));
  }

  @Override
  public JsonDoc rdbLoad(RdbInput in, int encver) throws IOException {
    if (encver != 0 && encver != 2 && encver != 3) {
      throw RdbFormatException.unsupported(ID, encver);
    }
    if (encver == 0) {
      Object tree = loadNode(in);
      byte[] packed = Tape.encodeWithin(tree);
      return new JsonDoc(packed != null ? packed : tree);
    }
    byte[] text = in.readBytes();
    if (encver == 2 && in.readUnsigned() > 0) {
      in.readBytes();
      in.readBytes();
    }
    try {
      return new JsonDoc(JsonReader.parseDoc(text, false));
    } catch (RedisException e) {
      throw new RdbFormatException("bad JSON document: " + e.getMessage());
    }
  }

  /** One node of ReJSON 1.x's encoding (signed integers are saved as unsigned, as Redis's RM_SaveSigned does). */
  private static Object loadNode(RdbInput in) throws IOException {
    long type = in.readUnsigned();
    if (type == 0x1) {
      return Json.NULL;
    } else if (type == 0x2) {
      return new String(in.readBytes(), StandardCharsets.UTF_8);
    } else if (type == 0x4) {
      double d = in.readDouble();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new RdbFormatException("Can't load as float");
      }
      return d;
    } else if (type == 0x8) {
      return in.readUnsigned();
    } else if (type == 0x10) {
      byte[] b = in.readBytes();
      return b.length > 0 && b[0] == '1';
    } else if (type == 0x20) {
      long n = in.readUnsigned();
      JObject o = new JObject();
      for (long i = 0; i < n; i++) {
        if (in.readUnsigned() != 0x80) {
          throw new RdbFormatException("Can't load old RedisJSON RDB");
        }
        String name = new String(in.readBytes(), StandardCharsets.UTF_8);
        o.put(name, loadNode(in));
      }
      o.trim();
      return o;
    } else if (type == 0x40) {
      long n = in.readUnsigned();
      JArray a = new JArray();
      for (long i = 0; i < n; i++) {
        a.add(loadNode(in));
      }
      a.trim();
      return a;
    }
    throw new RdbFormatException("Can't load old RedisJSON RDB");
  }

  @Override
  public void aofRewrite(AofEmitter out, byte[] key, JsonDoc doc) {
    out.emit(JSON_SET, key, ROOT, JsonWriter.toBytes(doc.root));
  }

  @Override
  public long memoryUsage(JsonDoc doc) {
    return 16 + Json.memory(doc.root);
  }

  @Override
  public void digest(Digest d, JsonDoc doc) {
    d.add(JsonWriter.toBytes(doc.root));
    d.endSequence();
  }

  @Override
  public JsonDoc copy(JsonDoc doc) {
    return new JsonDoc(Json.copy(doc.root));
  }
}
