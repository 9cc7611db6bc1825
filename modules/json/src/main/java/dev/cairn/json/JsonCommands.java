package dev.cairn.json;

import static dev.cairn.json.JsonSupport.existing;
import static dev.cairn.json.JsonSupport.expected;
import static dev.cairn.json.JsonSupport.pathMissing;
import static dev.cairn.json.JsonSupport.pathMissingOr;
import static dev.cairn.json.JsonSupport.pathOrDefault;
import static dev.cairn.json.JsonSupport.read;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RedisJSON 2.x's commands: their specs (from RedisJSON's command table), and the read commands. Write commands are
 * in {@link JsonWrites}. Reply shapes and errors follow RedisJSON 2.8: a JSONPath gives one entry per match (null
 * where the match has the wrong type), a legacy path the first match's value or an error.
 */
public final class JsonCommands implements CommandFamily {
  static CommandSpec.Builder cmd(String name, int arity, String since, String summary, boolean write) {
    CommandSpec.Builder b = CommandSpec.command(name, arity).group(Group.MODULE).since(since).summary(summary);
    if (write) {
      b.flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE));
    } else {
      b.flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS));
    }
    return b;
  }

  static final Arg KEY = Arg.key("key", 0);
  static final Arg PATH = Arg.string("path");
  static final Arg OPT_PATH = Arg.string("path").optional();

  static final CommandSpec GET = cmd("json.get", -2, "1.0.0", "Gets the value at one or more paths in JSON serialized form", false)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, Arg.string("indent").withToken("INDENT").optional(),
          Arg.string("newline").withToken("NEWLINE").optional(), Arg.string("space").withToken("SPACE").optional(),
          Arg.string("path").optional().multiple()).build();
  static final CommandSpec MGET = CommandSpec.command("json.mget", -3).group(Group.MODULE).since("1.0.0")
      .summary("Returns the values at a path from one or more keys").flags(Flag.READONLY)
      .key(KeySpec.index(1).range(-2, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .complexity("O(M*N) when path is evaluated to a single value where M is the number of keys and N is the size of the value, O(N1+N2+...+Nm) when path is evaluated to multiple values where m is the number of keys and Ni is the size of the i-th key")
      .args(Arg.key("key", 0).multiple(), PATH).build();
  static final CommandSpec TYPE = cmd("json.type", -2, "1.0.0", "Returns the type of the JSON value at path", false)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec STRLEN = cmd("json.strlen", -2, "1.0.0", "Returns the length of the JSON String at path in key", false)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec ARRLEN = cmd("json.arrlen", -2, "1.0.0", "Returns the length of the array at path", false)
      .complexity("O(1) where path is evaluated to a single value, O(N) where path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec ARRINDEX = cmd("json.arrindex", -4, "1.0.0", "Returns the index of the first occurrence of a JSON scalar value in the array at path", false)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the array, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.string("value"), Arg.block("range", Arg.integer("start"), Arg.integer("stop").optional()).optional())
      .build();
  static final CommandSpec OBJKEYS = cmd("json.objkeys", -2, "1.0.0", "Returns the JSON keys of the object at path", false)
      .complexity("O(N) when path is evaluated to a single value, where N is the number of keys in the object, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec OBJLEN = cmd("json.objlen", -2, "1.0.0", "Returns the number of keys of the object at path", false)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec RESP = cmd("json.resp", -2, "1.0.0", "Returns the JSON value at path in Redis Serialization Protocol (RESP)", false)
      .complexity("O(N) when path is evaluated to a single value, where N is the size of the value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec DEBUG = CommandSpec.command("json.debug", -2).group(Group.MODULE).since("1.0.0")
      .summary("Debugging container command").flags(Flag.READONLY)
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO))
      .complexity("N/A")
      .args(Arg.oneOf("subcommand", Arg.block("memory", Arg.token("MEMORY"), Arg.key("key", 0), OPT_PATH),
          Arg.token("DEFRAG_INFO"), Arg.token("HELP"))).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(GET, JsonCommands::get);
    r.add(MGET, JsonCommands::mget);
    r.add(TYPE, JsonCommands::type);
    r.add(STRLEN, JsonCommands::strlen);
    r.add(ARRLEN, JsonCommands::arrlen);
    r.add(ARRINDEX, JsonCommands::arrindex);
    r.add(OBJKEYS, JsonCommands::objkeys);
    r.add(OBJLEN, JsonCommands::objlen);
    r.add(RESP, JsonCommands::resp);
    r.add(DEBUG, JsonCommands::debug);
    JsonWrites.register(r);
  }

  enum Format { STRING, STRINGS, EXPAND1, EXPAND }

  /** RedisJSON's FORMAT words (exact case); anything else is "wrong reply format". */
  static Format format(String word) {
    return switch (word) {
      case "STRING" -> Format.STRING;
      case "STRINGS" -> Format.STRINGS;
      case "EXPAND1" -> Format.EXPAND1;
      case "EXPAND" -> Format.EXPAND;
      default -> throw RedisException.err("wrong reply format");
    };
  }

  /** JSON.GET key [INDENT s] [NEWLINE s] [SPACE s] [FORMAT f] [path ...] */
  static void get(CommandContext c, Args a) {
    byte[] key = a.get(1);
    List<JsonPath> paths = new ArrayList<>(1);
    byte[] indent = null;
    byte[] newline = null;
    byte[] space = null;
    Format format = Format.STRING;
    boolean resp3 = c.reply().protocol() == 3;
    for (int i = 2; i < a.size(); i++) {
      byte[] arg = a.get(i);
      // as RedisJSON: anything longer than the longest option word is a path
      if (arg.length <= 8 && a.is(i, "format")) {
        if (!resp3 && paths.isEmpty()) {
          throw RedisException.err("FORMAT argument is not supported on RESP2");
        }
        if (++i >= a.size()) {
          throw Errors.arity("json.get");
        }
        String f = a.string(i);
        if (f.equals("STRINGS")) {
          throw RedisException.err("wrong reply format");
        }
        format = format(f);
      } else if (arg.length <= 8 && (a.is(i, "indent") || a.is(i, "newline") || a.is(i, "space"))) {
        if (i + 1 >= a.size()) {
          throw Errors.arity("json.get");
        }
        byte[] v = a.get(i + 1);
        if (a.is(i, "indent")) {
          indent = v;
        } else if (a.is(i, "newline")) {
          newline = v;
        } else {
          space = v;
        }
        i++;
      } else if (arg.length <= 8 && a.is(i, "noescape")) {
        continue; // accepted and ignored, as RedisJSON does (a ReJSON 1.0 option)
      } else {
        paths.add(JsonPath.of(JsonSupport.text(arg)));
      }
    }
    if (paths.isEmpty()) {
      paths.add(JsonPath.of(JsonPath.DEFAULT));
    }
    JsonDoc doc = read(c, key);
    Reply r = c.reply();
    if (doc == null) {
      r.nullBulk();
      return;
    }
    if (resp3 && (format == Format.EXPAND || format == Format.EXPAND1)) {
      r.array(paths.size());
      for (JsonPath p : paths) {
        List<Object> values = doc.select(p);
        r.array(values.size());
        for (Object v : values) {
          if (format == Format.EXPAND) {
            JsonSupport.expand(r, v, true);
          } else {
            JsonSupport.expand1(r, v);
          }
        }
      }
      return;
    }
    JsonWriter w = new JsonWriter(indent, newline, space);
    if (paths.size() == 1) {
      JsonPath p = paths.get(0);
      List<Object> values = printable(p, doc);
      if (p.legacy) {
        if (values.isEmpty()) {
          throw pathMissing(p.text);
        }
        w.value(values.get(0));
      } else {
        JsonSupport.writeArray(w, values);
      }
      r.bulk(w.toByteArray());
      return;
    }
    // several paths: an object from each path as given to its value (legacy: all paths legacy) or its matches;
    // a path that does not compile is left out, as RedisJSON does
    boolean allLegacy = paths.stream().allMatch(p -> p.legacy);
    w.beginObject();
    boolean first = true;
    List<String> seen = new ArrayList<>();
    for (JsonPath p : paths) {
      if (seen.contains(p.original)) {
        continue;
      }
      seen.add(p.original);
      List<Object> values = printable(p, doc);
      if (allLegacy && values.isEmpty()) {
        throw pathMissing(p.original);
      }
      w.key(p.original, first);
      first = false;
      if (allLegacy) {
        w.value(values.get(0));
      } else {
        JsonSupport.writeArray(w, values);
      }
      w.endValue();
    }
    w.endObject();
    r.bulk(w.toByteArray());
  }

  /**
   * The values a path selects, to be printed as JSON: the root as stored (the writer prints a packed document
   * straight from its bytes), other paths' matches as trees.
   */
  static List<Object> printable(JsonPath p, JsonDoc doc) {
    return p.isRoot() ? List.of(doc.root) : doc.select(p);
  }

  /** JSON.MGET key [key ...] path: per key its value(s), null for a missing key, another type, or no match. */
  static void mget(CommandContext c, Args a) {
    JsonPath p;
    String text = JsonSupport.text(a.get(a.size() - 1));
    try {
      p = JsonPath.of(text).compile();
    } catch (RedisException e) {
      p = null; // RedisJSON answers null for every key then
    }
    int n = a.size() - 2;
    Reply r = c.reply();
    r.array(n);
    for (int i = 1; i <= n; i++) {
      Object stored = c.db().get(a.get(i));
      if (p == null || !(stored instanceof dev.cairn.api.type.ModuleValue mv)
          || mv.valueIf(JsonType.INSTANCE) == null) {
        r.nullBulk();
        continue;
      }
      JsonDoc doc = mv.valueIf(JsonType.INSTANCE);
      List<Object> values = printable(p, doc);
      if (p.legacy) {
        if (values.isEmpty()) {
          r.nullBulk();
        } else {
          JsonSupport.json(r, values.get(0));
        }
      } else {
        JsonSupport.jsonArray(r, values);
      }
    }
  }

  /** JSON.TYPE key [path] */
  static void type(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    boolean resp3 = r.protocol() == 3;
    if (resp3) {
      r.array(1);
    }
    if (doc == null) {
      r.nullBulk();
      return;
    }
    List<Object> values = doc.select(p);
    if (p.legacy) {
      if (values.isEmpty()) {
        r.nullBulk();
      } else {
        r.bulk(Json.typeName(values.get(0)));
      }
      return;
    }
    r.array(values.size());
    for (Object v : values) {
      r.bulk(Json.typeName(v));
    }
  }

  /** JSON.STRLEN key [path]: lengths in UTF-8 bytes. */
  static void strlen(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    if (p.legacy) {
      if (doc == null) {
        r.nullBulk();
        return;
      }
      Object v = first(p, doc);
      if (!(v instanceof String s)) {
        throw expected("string", Json.typeName(v));
      }
      r.integer(Json.utf8Length(s));
      return;
    }
    List<Object> values = existing(doc).select(p);
    Long[] out = new Long[values.size()];
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof String s) {
        out[i] = Json.utf8Length(s);
      }
    }
    JsonSupport.integers(r, out);
  }

  /** The first match of a legacy path, or RedisJSON's "Path ... does not exist". */
  static Object first(JsonPath p, JsonDoc doc) {
    List<Object> values = doc.select(p);
    if (values.isEmpty()) {
      throw pathMissing(p.text);
    }
    return values.get(0);
  }

  /** JSON.ARRLEN key [path] */
  static void arrlen(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    if (doc == null) {
      if (p.legacy) {
        r.nullBulk();
        return;
      }
      throw JsonSupport.NO_KEY;
    }
    List<Object> values = doc.select(p);
    if (p.legacy) {
      if (values.isEmpty()) {
        throw pathMissing(p.original);
      }
      if (!(values.get(0) instanceof JArray arr)) {
        throw pathMissingOr(p.original, "not an array");
      }
      r.integer(arr.size);
      return;
    }
    Long[] out = new Long[values.size()];
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof JArray arr) {
        out[i] = (long) arr.size;
      }
    }
    JsonSupport.integers(r, out);
  }

  /** JSON.ARRINDEX key path value [start [stop]] */
  static void arrindex(CommandContext c, Args a) {
    if (a.size() > 6) {
      throw Errors.arity("json.arrindex");
    }
    JsonPath p = JsonSupport.path(a, 2);
    JsonSupport.checkUtf8(a.get(3));
    long start = a.size() > 4 ? JsonSupport.integerArg(a, 4) : 0;
    long stop = a.size() > 5 ? JsonSupport.integerArg(a, 5) : 0;
    JsonDoc doc = read(c, a.get(1));
    Object needle = JsonReader.parse(a.get(3), false);
    if (doc == null) {
      throw pathMissing(p.original);
    }
    Reply r = c.reply();
    if (p.legacy) {
      Object v = first(p, doc);
      if (!(v instanceof JArray arr)) {
        throw expected("array", Json.typeName(v));
      }
      r.integer(indexOf(arr, needle, start, stop));
      return;
    }
    List<Object> values = doc.select(p);
    Long[] out = new Long[values.size()];
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof JArray arr) {
        out[i] = indexOf(arr, needle, start, stop);
      }
    }
    JsonSupport.integers(r, out);
  }

  /** RedisJSON's search: start clamps into the array, stop 0 means the end, negative ones count from the end. */
  static long indexOf(JArray arr, Object needle, long start, long stop) {
    long len = arr.size;
    if (len == 0) {
      return -1;
    }
    long from = start < 0 ? Math.max(0, len + start) : Math.min(start, len - 1);
    long to = stop == 0 ? len : stop < 0 ? Math.max(0, len + stop) : Math.min(stop, len);
    for (long i = from; i < to; i++) {
      if (Json.equal(arr.items[(int) i], needle)) {
        return i;
      }
    }
    return -1;
  }

  /** JSON.OBJKEYS key [path] */
  static void objkeys(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    if (p.legacy) {
      if (doc == null) {
        r.nullBulk();
        return;
      }
      List<Object> values = doc.select(p);
      if (values.isEmpty()) {
        r.nullBulk();
      } else if (values.get(0) instanceof JObject o) {
        keys(r, o);
      } else {
        throw pathMissingOr(p.text, "not an object");
      }
      return;
    }
    List<Object> values = existing(doc).select(p);
    r.array(values.size());
    for (Object v : values) {
      if (v instanceof JObject o) {
        keys(r, o);
      } else {
        r.nullBulk();
      }
    }
  }

  private static void keys(Reply r, JObject o) {
    r.array(o.size);
    for (int i = 0; i < o.size; i++) {
      r.bulk(o.keys[i]);
    }
  }

  /** JSON.OBJLEN key [path] */
  static void objlen(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    if (p.legacy) {
      if (doc == null) {
        r.nullBulk();
        return;
      }
      List<Object> values = doc.select(p);
      if (values.isEmpty()) {
        r.nullBulk();
      } else if (values.get(0) instanceof JObject o) {
        r.integer(o.size);
      } else {
        throw expected("object", Json.typeName(values.get(0)));
      }
      return;
    }
    if (doc == null) {
      throw pathMissingOr(p.text, "not an object");
    }
    List<Object> values = doc.select(p);
    Long[] out = new Long[values.size()];
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof JObject o) {
        out[i] = (long) o.size;
      }
    }
    JsonSupport.integers(r, out);
  }

  /** JSON.RESP key [path]: the value as RESP (arrays start with "[", objects with "{" then name/value pairs). */
  static void resp(CommandContext c, Args a) {
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = read(c, a.get(1));
    Reply r = c.reply();
    if (doc == null) {
      r.nullBulk();
      return;
    }
    if (p.legacy) {
      JsonSupport.expand(r, first(p, doc), false);
      return;
    }
    List<Object> values = doc.select(p);
    r.array(values.size());
    for (Object v : values) {
      JsonSupport.expand(r, v, false);
    }
  }

  /** Bytes a value takes in its document: inside a packed document, the bytes of its packed form. */
  private static long memory(JsonDoc doc, Object v) {
    return doc.root instanceof byte[] && !(v instanceof byte[]) ? Tape.encode(v).length : Json.memory(v);
  }

  /** JSON.DEBUG MEMORY key [path] | DEFRAG_INFO | HELP */
  static void debug(CommandContext c, Args a) {
    Reply r = c.reply();
    if (a.is(1, "memory")) {
      if (a.size() < 3) {
        throw Errors.arity("json.debug");
      }
      JsonPath p = pathOrDefault(a, 3);
      JsonDoc doc = read(c, a.get(2));
      // what the document holds: the root as stored (packed or a tree), other paths as trees
      if (p.legacy) {
        if (doc == null) {
          r.integer(0);
          return;
        }
        List<Object> values = printable(p, doc);
        if (values.isEmpty()) {
          throw pathMissing(p.text);
        }
        r.integer(memory(doc, values.get(0)));
        return;
      }
      if (doc == null) {
        r.array(0);
        return;
      }
      List<Object> values = printable(p, doc);
      r.array(values.size());
      for (Object v : values) {
        r.integer(memory(doc, v));
      }
    } else if (a.is(1, "defrag_info")) {
      // RedisJSON's counters of its active-defrag callbacks; Cairn's collector compacts the heap itself and never
      // runs a module defrag cycle, so they stay 0
      r.map(3);
      r.bulk("defrag_started");
      r.integer(0);
      r.bulk("defrag_ended");
      r.integer(0);
      r.bulk("keys_defrag");
      r.integer(0);
    } else if (a.is(1, "help")) {
      r.array(2);
      r.bulk("MEMORY <key> [path] - reports memory usage");
      r.bulk("HELP                - this message");
    } else {
      throw RedisException.err("unknown subcommand - try `JSON.DEBUG HELP`");
    }
  }
}
