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
 * followed by an unsigned count and, when non-zero, two strings of RediSearch data) is read too. RedisJSON 8's
 * version 4 (a binary encoding) and 1.x's version 0 are not read.
 *
 * <pre>
 * encver 3 := string(json text)
 * encver 2 := string(json text) unsigned(n) [string string if n &gt; 0]
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
    if (encver != 2 && encver != 3) {
      throw RdbFormatException.unsupported(ID, encver);
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
