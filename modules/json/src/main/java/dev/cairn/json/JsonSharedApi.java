package dev.cairn.json;

import dev.cairn.api.ModuleContext;
import dev.cairn.api.type.ModuleValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Read access to JSON documents for other modules (the search module indexes them), exported with
 * {@link ModuleContext#exportSharedApi} under JDK types only, since each module has its own class loader:
 * <ul>
 *   <li>{@value #PATHS}: {@code Function<String, Function<Object, List<Object>>>}: compiles a path (JSONPath or legacy;
 *       a bad one throws a {@code RuntimeException} with RedisJSON's message) into a selector; the selector, given what
 *       {@code Database.peekValue} returned for a key, gives the values the path selects (opaque nodes, in RedisJSON's
 *       order), or null when the key holds no JSON document;
 *   <li>{@value #TO_JAVA}: {@code Function<Object, Object>}: a node as plain Java: {@code String}, {@code Long},
 *       {@code Double}, {@code Boolean}, null for JSON null, {@code List<Object>}, {@code Map<String, Object>} (in
 *       member order);
 *   <li>{@value #TO_JSON}: {@code Function<Object, String>}: a node as JSON text, as JSON.GET prints it.
 * </ul>
 * Nodes are valid until the engine thread runs the next command; use them on the engine thread only.
 */
final class JsonSharedApi {
  static final String PATHS = "ReJSON.paths.v1";
  static final String TO_JAVA = "ReJSON.tojava.v1";
  static final String TO_JSON = "ReJSON.tojson.v1";

  private JsonSharedApi() {}

  static void export(ModuleContext ctx) {
    Function<String, Function<Object, List<Object>>> paths = text -> {
      JsonPath p = JsonPath.of(text).compile();
      // through the document, which selects from a packed document without decoding all of it
      return stored -> stored instanceof ModuleValue mv && mv.valueIf(JsonType.INSTANCE) instanceof JsonDoc d
          ? d.select(p) : null;
    };
    ctx.exportSharedApi(PATHS, paths);
    ctx.exportSharedApi(TO_JAVA, (Function<Object, Object>) JsonSharedApi::toJava);
    ctx.exportSharedApi(TO_JSON, (Function<Object, String>) JsonWriter::toText);
  }

  static Object toJava(Object v) {
    if (v == Json.NULL) {
      return null;
    }
    if (v instanceof JArray a) {
      List<Object> out = new ArrayList<>(a.size);
      for (int i = 0; i < a.size; i++) {
        out.add(toJava(a.items[i]));
      }
      return out;
    }
    if (v instanceof JObject o) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < o.size; i++) {
        out.put(o.keys[i], toJava(o.values[i]));
      }
      return out;
    }
    return v;
  }
}
