package dev.cairn.json;

import dev.cairn.api.reply.RedisException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * JSON.SET / JSON.MERGE {@code FORMAT BSON}, as RedisJSON 2.8 reads it: the argument is a BSON document, and the value
 * stored is its first element's value (JSON null for an empty document) converted to relaxed extended JSON (numbers
 * as numbers, ObjectId as {@code {"$oid": ...}}, dates as {@code {"$date": ...}}, ...), then parsed as JSON text with
 * the usual nesting limit. Like every RedisJSON argument, the bytes must also be valid UTF-8.
 */
final class BsonInput {
  private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
  private static final String PREFIX = "{\"v\": ";

  private BsonInput() {}

  /** The JSON value the BSON document stands for, as a tree. */
  static Object parse(byte[] bson) {
    BsonDocument doc;
    try (BsonBinaryReader reader = new BsonBinaryReader(ByteBuffer.wrap(bson))) {
      doc = new BsonDocumentCodec().decode(reader, DecoderContext.builder().build());
    } catch (RuntimeException e) {
      throw RedisException.line("bad BSON document: " + e.getMessage());
    }
    if (doc.isEmpty()) {
      return Json.NULL;
    }
    BsonValue first = doc.values().iterator().next();
    // the value's own text: the one-member document's text without its frame, so the depth limit counts the value
    String text = new BsonDocument("v", first).toJson(RELAXED);
    if (!text.startsWith(PREFIX) || !text.endsWith("}")) {
      throw new IllegalStateException("unexpected extended JSON: " + text);
    }
    return JsonReader.parse(text.substring(PREFIX.length(), text.length() - 1).getBytes(StandardCharsets.UTF_8));
  }
}
