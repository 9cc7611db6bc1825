package dev.cairn.json;

import static dev.cairn.json.JsonCommands.KEY;
import static dev.cairn.json.JsonCommands.OPT_PATH;
import static dev.cairn.json.JsonCommands.PATH;
import static dev.cairn.json.JsonCommands.cmd;
import static dev.cairn.json.JsonSupport.changed;
import static dev.cairn.json.JsonSupport.existing;
import static dev.cairn.json.JsonSupport.pathMissingOr;
import static dev.cairn.json.JsonSupport.pathOrDefault;
import static dev.cairn.json.JsonSupport.write;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Handler;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * RedisJSON's write commands. Each reports its own keyspace event ({@code json.set}, {@code json.del}, ...: class
 * MODULE, as RedisJSON's) and counts a change only when it changed the document, so a write that changed nothing is
 * not propagated; writes propagate verbatim (their results depend only on their arguments and the document).
 */
final class JsonWrites {
  private JsonWrites() {}

  static final CommandSpec SET = cmd("json.set", -4, "1.0.0", "Sets or updates the JSON value at a path", true)
      .complexity("O(M+N) when path is evaluated to a single value where M is the size of the original value (if it exists) and N is the size of the new value, O(M+N) when path is evaluated to multiple values where M is the size of the key and N is the size of the new value * the number of original values in the key")
      .args(KEY, PATH, Arg.string("value"), Arg.oneOf("condition", Arg.token("NX"), Arg.token("XX")).optional())
      .build();
  static final CommandSpec MSET = CommandSpec.command("json.mset", -4).group(Group.MODULE).since("2.6.0")
      .summary("Sets or updates the JSON value of one or more keys").flags(Flag.WRITE, Flag.DENYOOM)
      .key(KeySpec.index(1).range(-1, 3, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .complexity("O(K*(M+N)) where k is the number of keys in the command, when path is evaluated to a single value where M is the size of the original value (if it exists) and N is the size of the new value, or O(K*(M+N)) when path is evaluated to multiple values where M is the size of the key and N is the size of the new value * the number of original values in the key")
      .args(Arg.block("triplet", Arg.key("key", 0), PATH, Arg.string("value")).multiple()).build();
  static final CommandSpec MERGE = cmd("json.merge", -4, "2.6.0", "Merges a given JSON value into matching paths. Consequently, JSON values at matching paths are updated, deleted, or expanded with new children", true)
      .complexity("O(M+N) when path is evaluated to a single value where M is the size of the original value (if it exists) and N is the size of the new value, O(M+N) when path is evaluated to multiple values where M is the size of the key and N is the size of the new value * the number of original values in the key")
      .args(KEY, PATH, Arg.string("value")).build();
  static final CommandSpec DEL = del("json.del", "Deletes a value");
  static final CommandSpec FORGET = del("json.forget", "Deletes a value");
  static final CommandSpec CLEAR = cmd("json.clear", -2, "2.0.0", "Clears all values from an array or an object and sets numeric values to `0`", true)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the values, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH).build();
  static final CommandSpec TOGGLE = cmd("json.toggle", 3, "2.0.0", "Toggles a boolean value", true)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH).build();
  static final CommandSpec NUMINCRBY = cmd("json.numincrby", 4, "1.0.0", "Increments the numeric value at path by a value", true)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.dbl("value")).build();
  static final CommandSpec NUMMULTBY = cmd("json.nummultby", 4, "1.0.0", "Multiplies the numeric value at path by a value", true)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.dbl("value")).build();
  static final CommandSpec NUMPOWBY = cmd("json.numpowby", 4, "2.0.2", "Raises the numeric value at path to the power of a value (deprecated, undocumented)", true)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.dbl("value")).build();
  static final CommandSpec STRAPPEND = cmd("json.strappend", -3, "1.0.0", "Appends a string to a JSON string value at path", true)
      .complexity("O(1) when path is evaluated to a single value, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, OPT_PATH, Arg.string("value")).build();
  static final CommandSpec ARRAPPEND = cmd("json.arrappend", -4, "1.0.0", "Append one or more json values into the array at path after the last element in it.", true)
      .complexity("O(1) for each value added, O(N) for multiple values added where N is the size of the key")
      .args(KEY, PATH, Arg.string("value").multiple()).build();
  static final CommandSpec ARRINSERT = cmd("json.arrinsert", -5, "1.0.0", "Inserts the JSON scalar(s) value at the specified index in the array at path", true)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the array, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.integer("index"), Arg.string("value").multiple()).build();
  static final CommandSpec ARRPOP = cmd("json.arrpop", -2, "1.0.0", "Removes and returns the element at the specified index in the array at path", true)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the array and the specified index is not the last element, O(1) when path is evaluated to a single value and the specified index is the last element, or O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, Arg.block("path", PATH, Arg.integer("index").optional()).optional()).build();
  static final CommandSpec ARRTRIM = cmd("json.arrtrim", 5, "1.0.0", "Trims the array at path to contain only the specified inclusive range of indices from start to stop", true)
      .complexity("O(N) when path is evaluated to a single value where N is the size of the array, O(N) when path is evaluated to multiple values, where N is the size of the key")
      .args(KEY, PATH, Arg.integer("start"), Arg.integer("stop")).build();

  private static CommandSpec del(String name, String summary) {
    return CommandSpec.command(name, -2).group(Group.MODULE).since("1.0.0").summary(summary).flags(Flag.WRITE)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
        .complexity("O(N) when path is evaluated to a single value where N is the size of the deleted value, O(N) when path is evaluated to multiple values, where N is the size of the key")
        .args(KEY, OPT_PATH).build();
  }

  static void register(CommandRegistry r) {
    add(r, SET, JsonWrites::set);
    add(r, MSET, JsonWrites::mset);
    add(r, MERGE, JsonWrites::merge);
    add(r, DEL, JsonWrites::del);
    add(r, FORGET, JsonWrites::del);
    add(r, CLEAR, JsonWrites::clear);
    add(r, TOGGLE, JsonWrites::toggle);
    add(r, NUMINCRBY, (c, a) -> numOp(c, a, "json.numincrby", NumOp.INCR));
    add(r, NUMMULTBY, (c, a) -> numOp(c, a, "json.nummultby", NumOp.MULT));
    add(r, NUMPOWBY, (c, a) -> numOp(c, a, "json.numpowby", NumOp.POW));
    add(r, STRAPPEND, JsonWrites::strappend);
    add(r, ARRAPPEND, JsonWrites::arrappend);
    add(r, ARRINSERT, JsonWrites::arrinsert);
    add(r, ARRPOP, JsonWrites::arrpop);
    add(r, ARRTRIM, JsonWrites::arrtrim);
  }

  /** Registers a write command: the documents it unpacked or created are packed again when it ends. */
  private static void add(CommandRegistry r, CommandSpec spec, Handler h) {
    r.add(spec, (c, a) -> {
      try {
        h.handle(c, a);
      } finally {
        JsonDoc.repackTouched();
      }
    });
  }

  // ---------------------------------------------------------------- SET, MSET, MERGE

  private static final int NONE = 0;
  private static final int NX = 1;
  private static final int XX = 2;
  private static final int MERGE_EXISTING = 3;

  /** One change JSON.SET/MERGE will make: replace (or merge into) the value at {@code path}, or add member {@code addKey} to the object there. */
  private record Update(Object[] path, String addKey) { }

  /** JSON.SET key path value [NX | XX] [FORMAT STRING|JSON] */
  static void set(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = JsonSupport.path(a, 2);
    JsonSupport.checkUtf8(a.get(3)); // read as text before the options, as RedisJSON
    int cond = NONE;
    boolean bson = false;
    for (int i = 4; i < a.size(); i++) {
      if (a.is(i, "nx") && cond == NONE) {
        cond = NX;
      } else if (a.is(i, "xx") && cond == NONE) {
        cond = XX;
      } else if (a.is(i, "format")) {
        bson = bsonFormat(a, i++, "json.set");
      } else {
        throw Errors.SYNTAX;
      }
    }
    JsonDoc doc = write(c, key);
    Object value = value(a.get(3), bson, p.isRoot());
    Reply r = c.reply();
    if (doc == null) {
      if (cond == XX) {
        r.nullBulk();
      } else if (p.isRoot()) {
        c.db().set(key, JsonType.INSTANCE, JsonDoc.created(value));
        changed(c, key, "json.set");
        r.ok();
      } else {
        throw JsonSupport.ROOT_ONLY;
      }
      return;
    }
    if (p.isRoot()) {
      if (cond == NX) {
        r.nullBulk();
        return;
      }
      doc.replace(value);
      changed(c, key, "json.set");
      r.ok();
      return;
    }
    List<Update> updates = updates(doc, p, cond);
    if (!updates.isEmpty() && apply(doc, value, updates, false)) {
      changed(c, key, "json.set");
      r.ok();
    } else {
      r.nullBulk();
    }
  }

  /** FORMAT's value for JSON.SET/MERGE (exact case, as RedisJSON): true for BSON, false for JSON text. */
  private static boolean bsonFormat(Args a, int i, String command) {
    if (i + 1 >= a.size()) {
      throw Errors.arity(command);
    }
    return switch (a.string(i + 1)) {
      case "BSON" -> true;
      case "JSON", "STRING" -> false;
      default -> throw RedisException.err("wrong format");
    };
  }

  /** The value argument of JSON.SET/MERGE: a whole document parsed into its packed form, else a tree. */
  private static Object value(byte[] arg, boolean bson, boolean whole) {
    if (bson) {
      return BsonInput.parse(arg);
    }
    return whole ? JsonReader.parseDoc(arg, true) : JsonReader.parse(arg);
  }

  /** Where a JSON.SET/MERGE at a path other than the root applies (RedisJSON's find_paths). */
  private static List<Update> updates(JsonDoc doc, JsonPath p, int cond) {
    List<Update> out = new ArrayList<>();
    if (cond != NX) {
      List<Object[]> paths = new ArrayList<>();
      p.values(doc.tree(), paths);
      if (cond != MERGE_EXISTING) {
        JsonSupport.orderForUpdate(paths);
      }
      if (!paths.isEmpty()) {
        for (Object[] path : paths) {
          out.add(new Update(path, null));
        }
        return out;
      }
    }
    if (cond == XX) {
      return out;
    }
    // nothing there: a static path may add its last member to the object its parent selects
    if (!p.isStatic()) {
      throw RedisException.line("Err wrong static path");
    }
    int size = p.segs().length;
    if (size < 1) {
      throw RedisException.line("Err path must end with object key to set");
    }
    String last = p.lastKey();
    if (last == null) {
      if (p.values(doc.tree()).isEmpty()) {
        throw RedisException.err("array index out of range");
      }
      return out;
    }
    if (size == 1) {
      out.add(new Update(new Object[0], last));
      return out;
    }
    List<Object[]> parents = new ArrayList<>();
    p.parent().values(doc.tree(), parents);
    for (Object[] parent : parents) {
      out.add(new Update(parent, last));
    }
    return out;
  }

  /** Applies the updates; the result is that of the last one, as RedisJSON's. */
  private static boolean apply(JsonDoc doc, Object value, List<Update> updates, boolean merge) {
    boolean result = false;
    boolean any = false;
    for (int i = 0; i < updates.size(); i++) {
      Update u = updates.get(i);
      Object v = i == updates.size() - 1 ? value : Json.copy(value);
      boolean done;
      if (u.addKey != null) {
        done = JsonSupport.at(doc.tree(), u.path) instanceof JObject o && o.indexOf(u.addKey) < 0;
        if (done) {
          ((JObject) JsonSupport.at(doc.tree(), u.path)).put(u.addKey, v);
        }
      } else if (merge) {
        Object current = JsonSupport.at(doc.tree(), u.path);
        done = current != null && JsonSupport.replace(doc, u.path, mergePatch(current, v));
      } else {
        done = JsonSupport.replace(doc, u.path, v);
      }
      any |= done;
      result = merge ? result || done : done;
    }
    return merge ? any : result;
  }

  /** RFC 7396: an object patch merges member by member (null removes), anything else replaces. */
  static Object mergePatch(Object target, Object patch) {
    if (!(patch instanceof JObject p)) {
      return patch;
    }
    JObject t = target instanceof JObject o ? o : new JObject();
    for (int i = 0; i < p.size; i++) {
      Object v = p.values[i];
      if (v == Json.NULL) {
        t.remove(p.keys[i]);
      } else {
        Object cur = t.get(p.keys[i]);
        t.put(p.keys[i], mergePatch(cur == null ? Json.NULL : cur, v));
      }
    }
    return t;
  }

  /** JSON.MERGE key path value [FORMAT STRING|JSON] */
  static void merge(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = JsonSupport.path(a, 2);
    JsonSupport.checkUtf8(a.get(3));
    boolean bson = false;
    for (int i = 4; i < a.size(); i++) {
      if (a.is(i, "format")) {
        bson = bsonFormat(a, i++, "json.merge");
      } else {
        throw Errors.SYNTAX;
      }
    }
    JsonDoc doc = write(c, key);
    Object value = value(a.get(3), bson, false);
    Reply r = c.reply();
    if (doc == null) {
      if (!p.isRoot()) {
        throw JsonSupport.ROOT_ONLY;
      }
      c.db().set(key, JsonType.INSTANCE, JsonDoc.created(value));
      changed(c, key, "json.merge");
      r.ok();
      return;
    }
    if (p.isRoot()) {
      doc.replace(mergePatch(doc.tree(), value));
      changed(c, key, "json.merge");
      r.ok();
      return;
    }
    List<Update> updates = updates(doc, p, MERGE_EXISTING);
    if (!updates.isEmpty() && apply(doc, value, updates, true)) {
      changed(c, key, "json.merge");
      r.ok();
    } else {
      r.nullBulk();
    }
  }

  /** JSON.MSET key path value [key path value ...]: every triplet checked before any is applied. */
  static void mset(CommandContext c, Args a) {
    if ((a.size() - 1) % 3 != 0) {
      throw Errors.arity("json.mset");
    }
    int n = (a.size() - 1) / 3;
    JsonDoc[] docs = new JsonDoc[n];
    List<List<Update>> updates = new ArrayList<>(n);
    Object[] values = new Object[n];
    for (int t = 0; t < n; t++) {
      byte[] key = a.get(1 + 3 * t);
      JsonPath p = JsonSupport.path(a, 2 + 3 * t);
      docs[t] = write(c, key);
      if (p.isRoot()) {
        updates.add(null);
      } else if (docs[t] != null) {
        updates.add(updates(docs[t], p, NONE));
      } else {
        throw JsonSupport.ROOT_ONLY;
      }
      values[t] = p.isRoot() ? JsonReader.parseDoc(a.get(3 + 3 * t), true) : JsonReader.parse(a.get(3 + 3 * t));
    }
    for (int t = 0; t < n; t++) {
      byte[] key = a.get(1 + 3 * t);
      List<Update> u = updates.get(t);
      boolean updated;
      if (u == null) {
        JsonDoc doc = write(c, key);
        if (doc == null) {
          c.db().set(key, JsonType.INSTANCE, JsonDoc.created(values[t]));
        } else {
          doc.replace(values[t]);
        }
        updated = true;
      } else {
        updated = !u.isEmpty() && apply(docs[t], values[t], u, false);
      }
      if (updated) {
        changed(c, key, "json.mset");
      }
    }
    c.reply().ok();
  }

  // ---------------------------------------------------------------- DEL, CLEAR, TOGGLE

  /** JSON.DEL / JSON.FORGET key [path]: the number of values deleted; the root deletes the key. */
  static void del(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = write(c, key);
    if (doc == null) {
      c.reply().integer(0);
      return;
    }
    if (p.isRoot()) {
      c.db().delete(key);
      changed(c, key, "json.del");
      c.reply().integer(1);
      return;
    }
    List<Object[]> paths = new ArrayList<>();
    p.values(doc.tree(), paths);
    JsonSupport.orderForUpdate(paths);
    long deleted = 0;
    for (Object[] path : paths) {
      if (path.length > 0 && JsonSupport.remove(doc.tree(), path)) {
        deleted++;
      }
    }
    if (deleted > 0) {
      changed(c, key, "json.del");
    }
    c.reply().integer(deleted);
  }

  /** JSON.CLEAR key [path]: empties arrays and objects, zeroes numbers; the number of values changed. */
  static void clear(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = pathOrDefault(a, 2);
    JsonDoc doc = existing(write(c, key));
    List<Object[]> paths = new ArrayList<>();
    p.values(doc.tree(), paths);
    long cleared = 0;
    for (Object[] path : paths) {
      Object v = JsonSupport.at(doc.tree(), path);
      if (v instanceof JArray arr && arr.size > 0) {
        arr.clear();
      } else if (v instanceof JObject o && o.size > 0) {
        o.clear();
      } else if (v instanceof Long l && l != 0 || v instanceof Double d && d != 0) {
        JsonSupport.replace(doc, path, 0L);
      } else {
        continue;
      }
      cleared++;
    }
    if (cleared > 0) {
      changed(c, key, "json.clear");
    }
    c.reply().integer(cleared);
  }

  /** JSON.TOGGLE key path */
  static void toggle(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = JsonSupport.path(a, 2);
    JsonDoc doc = existing(write(c, key));
    List<Object[]> paths = new ArrayList<>();
    TapeSelect sel = doc.inPlace(p);
    List<Object> values = sel != null ? doc.scalars(sel) : p.values(doc.tree(), paths);
    Reply r = c.reply();
    Long[] out = new Long[values.size()];
    Boolean last = null;
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof Boolean b) {
        last = !b;
        if (sel != null) {
          Tape.set((byte[]) doc.root, sel.at[i], last);
        } else {
          JsonSupport.replace(doc, paths.get(i), last);
        }
        out[i] = last ? 1L : 0L;
      }
    }
    if (last != null) {
      changed(c, key, "json.toggle");
    }
    if (p.legacy) {
      if (last == null) {
        throw pathMissingOr(p.text, "not a bool");
      }
      r.bulk(last.toString());
    } else {
      JsonSupport.integers(r, out);
    }
  }

  // ---------------------------------------------------------------- numbers and strings

  enum NumOp {
    INCR, MULT, POW;

    /** Two integers: 64-bit wrap-around, as RedisJSON 2.x (POW: the exponent's low 32 bits, unsigned, as Rust's {@code i2 as u32}). */
    long apply(long x, long y) {
      return switch (this) {
        case INCR -> x + y;
        case MULT -> x * y;
        case POW -> {
          long result = 1;
          long base = x;
          for (long e = y & 0xFFFFFFFFL; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
              result *= base;
            }
            base *= base;
          }
          yield result;
        }
      };
    }

    double apply(double x, double y) {
      return switch (this) {
        case INCR -> x + y;
        case MULT -> x * y;
        case POW -> Math.pow(x, y);
      };
    }
  }

  /** JSON.NUMINCRBY / JSON.NUMMULTBY / JSON.NUMPOWBY key path number */
  static void numOp(CommandContext c, Args a, String event, NumOp op) {
    byte[] key = a.get(1);
    JsonPath p = JsonSupport.path(a, 2);
    JsonSupport.checkUtf8(a.get(3));
    JsonDoc doc = existing(write(c, key));
    List<Object[]> paths = new ArrayList<>();
    TapeSelect sel = doc.inPlace(p); // numbers keep their size in a packed document: changed where they are
    List<Object> values = sel != null ? doc.scalars(sel) : p.values(doc.tree(), paths);
    Object[] results = new Object[values.size()];
    Object operand = null;
    Object last = null;
    for (int i = 0; i < results.length; i++) {
      Object v = values.get(i);
      if (!Json.isNumber(v)) {
        continue;
      }
      if (operand == null) {
        operand = JsonReader.parse(a.get(3));
        if (!Json.isNumber(operand)) {
          throw RedisException.line("bad input number");
        }
      }
      Object result;
      if (v instanceof Long x && operand instanceof Long y) {
        result = op.apply(x, y);
      } else {
        double d = op.apply(((Number) v).doubleValue(), ((Number) operand).doubleValue());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw RedisException.line("result is not a number");
        }
        result = d;
      }
      if (sel != null) {
        Tape.set((byte[]) doc.root, sel.at[i], result);
      } else {
        JsonSupport.replace(doc, paths.get(i), result);
      }
      results[i] = result;
      last = result;
    }
    if (last != null) {
      changed(c, key, event);
    }
    Reply r = c.reply();
    if (r.protocol() == 3) {
      r.array(results.length);
      for (Object v : results) {
        if (v == null) {
          r.nullBulk();
        } else if (v instanceof Long l) {
          r.integer(l);
        } else {
          r.doubleValue((Double) v);
        }
      }
    } else if (p.legacy) {
      if (last == null) {
        throw pathMissingOr(p.text, "does not contains a number");
      }
      r.bulk(JsonWriter.toText(last));
    } else {
      List<Object> list = new ArrayList<>(results.length);
      for (Object v : results) {
        list.add(v == null ? Json.NULL : v);
      }
      JsonSupport.jsonArray(r, list);
    }
  }

  /** JSON.STRAPPEND key [path] value: the new lengths in UTF-8 bytes. */
  static void strappend(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JsonPath p = a.size() > 3 ? JsonSupport.path(a, 2) : JsonPath.of(JsonPath.DEFAULT);
    byte[] text = a.get(a.size() > 3 ? 3 : 2);
    JsonSupport.checkUtf8(text); // read as text up front, as RedisJSON
    JsonDoc doc = existing(write(c, key));
    List<Object[]> paths = new ArrayList<>();
    List<Object> values = p.values(doc.tree(), paths);
    Long[] out = new Long[values.size()];
    String suffix = null;
    Long last = null;
    for (int i = 0; i < out.length; i++) {
      if (values.get(i) instanceof String s) {
        if (suffix == null) {
          Object v = JsonReader.parse(text);
          if (!(v instanceof String str)) {
            throw JsonSupport.expected("string", new String(text, java.nio.charset.StandardCharsets.UTF_8));
          }
          suffix = str;
        }
        String joined = s + suffix;
        JsonSupport.replace(doc, paths.get(i), joined);
        out[i] = last = Json.utf8Length(joined);
      }
    }
    if (last != null) {
      changed(c, key, "json.strappend");
    }
    if (p.legacy) {
      if (last == null) {
        throw pathMissingOr(p.text, "not a string");
      }
      c.reply().integer(last);
    } else {
      JsonSupport.integers(c.reply(), out);
    }
  }

  // ---------------------------------------------------------------- arrays

  private static Object[] parseValues(Args a, int from) {
    Object[] values = new Object[a.size() - from];
    for (int i = from; i < a.size(); i++) {
      values[i - from] = JsonReader.parse(a.get(i));
    }
    return values;
  }

  /** JSON.ARRAPPEND key path value [value ...]: the new lengths. */
  static void arrappend(CommandContext c, Args a) {
    JsonPath p = JsonSupport.path(a, 2);
    Object[] add = parseValues(a, 3);
    eachArray(c, a.get(1), p, "json.arrappend", p.original, arr -> {
      for (Object v : add) {
        arr.add(Json.copy(v));
      }
      return arr.size;
    });
  }

  /**
   * Applies {@code op} to every array the path selects and replies with what it returns per match (null for a match
   * that is not an array), or for a legacy path with the last array's result ("Path ... does not exist or not an
   * array" when there is none, naming {@code legacyName}).
   */
  private static void eachArray(CommandContext c, byte[] key, JsonPath p, String event, String legacyName,
      java.util.function.ToLongFunction<JArray> op) {
    JsonDoc doc = existing(write(c, key));
    List<Object> values = p.values(doc.tree());
    Long[] out = new Long[values.size()];
    Long last = null;
    try {
      for (int i = 0; i < out.length; i++) {
        if (values.get(i) instanceof JArray arr) {
          out[i] = last = op.applyAsLong(arr);
        }
      }
    } finally {
      if (last != null) {
        changed(c, key, event); // an error half-way (ARRINSERT's index) keeps the arrays already changed
      }
    }
    if (p.legacy) {
      if (last == null) {
        throw pathMissingOr(legacyName, "not an array");
      }
      c.reply().integer(last);
    } else {
      JsonSupport.integers(c.reply(), out);
    }
  }

  /** JSON.ARRINSERT key path index value [value ...]: the new lengths. */
  static void arrinsert(CommandContext c, Args a) {
    JsonPath p = JsonSupport.path(a, 2);
    long index = JsonSupport.integerArg(a, 3);
    Object[] add = parseValues(a, 4);
    eachArray(c, a.get(1), p, "json.arrinsert", p.text, arr -> {
      long at = index < 0 ? arr.size + index : index;
      if (at < 0 || at > arr.size) {
        throw JsonSupport.INDEX_OUT_OF_BOUNDS;
      }
      arr.insert((int) at, add);
      return arr.size;
    });
  }

  /** JSON.ARRPOP key [FORMAT STRINGS|EXPAND1|EXPAND] [path [index]]: the removed values as JSON text. */
  static void arrpop(CommandContext c, Args a) {
    byte[] key = a.get(1);
    Reply r = c.reply();
    JsonCommands.Format format = JsonCommands.Format.STRINGS;
    int at = 2;
    if (a.size() > 3 && a.is(2, "format")) {
      format = JsonCommands.format(a.string(3));
      if (format == JsonCommands.Format.STRING) {
        throw RedisException.err("wrong reply format");
      }
      if (r.protocol() != 3) {
        throw RedisException.err("FORMAT argument is not supported on RESP2");
      }
      at = 4;
    }
    JsonPath p;
    long index;
    if (at < a.size()) {
      p = JsonSupport.path(a, at);
      long idx = -1;
      if (at + 1 < a.size()) {
        try {
          idx = JsonSupport.integerArg(a, at + 1);
        } catch (RedisException e) {
          idx = -1; // as RedisJSON: an index that does not parse is -1
        }
      }
      index = idx;
    } else {
      p = JsonPath.of(JsonPath.DEFAULT);
      index = Long.MAX_VALUE;
    }
    if (p.legacy && format != JsonCommands.Format.STRINGS) {
      throw RedisException.line("Legacy paths are supported only with FORMAT STRINGS");
    }
    JsonDoc doc = existing(write(c, key));
    List<Object[]> paths = new ArrayList<>();
    List<Object> values = p.values(doc.tree(), paths);
    Object[] popped = new Object[values.size()];
    boolean anyArray = false;
    boolean any = false;
    for (int i = 0; i < popped.length; i++) {
      if (values.get(i) instanceof JArray arr) {
        anyArray = true;
        if (arr.size > 0) {
          long len = arr.size;
          long j = index < 0 ? Math.max(0, len + index) : Math.min(index, len - 1);
          popped[i] = arr.remove((int) j);
          any = true;
        }
      }
    }
    if (any) {
      changed(c, key, "json.arrpop");
    }
    if (p.legacy) {
      if (!anyArray) {
        throw pathMissingOr(p.text, "not an array");
      }
      Object last = null;
      for (int i = popped.length - 1; i >= 0 && last == null; i--) {
        if (values.get(i) instanceof JArray) {
          last = popped[i] == null ? Json.NULL : popped[i];
        }
      }
      if (last == Json.NULL && !(lastArrayPopped(values, popped))) {
        r.nullBulk();
      } else {
        JsonSupport.json(r, last);
      }
      return;
    }
    r.array(popped.length);
    for (Object v : popped) {
      if (v == null) {
        r.nullBulk();
      } else if (format == JsonCommands.Format.EXPAND) {
        JsonSupport.expand(r, v, true);
      } else if (format == JsonCommands.Format.EXPAND1) {
        JsonSupport.expand1(r, v);
      } else {
        JsonSupport.json(r, v);
      }
    }
  }

  /** Whether the last array matched had an element popped (else a legacy ARRPOP answers null). */
  private static boolean lastArrayPopped(List<Object> values, Object[] popped) {
    for (int i = popped.length - 1; i >= 0; i--) {
      if (values.get(i) instanceof JArray) {
        return popped[i] != null;
      }
    }
    return false;
  }

  /** JSON.ARRTRIM key path start stop: the new lengths. */
  static void arrtrim(CommandContext c, Args a) {
    JsonPath p = JsonSupport.path(a, 2);
    long start = JsonSupport.integerArg(a, 3);
    long stop = JsonSupport.integerArg(a, 4);
    eachArray(c, a.get(1), p, "json.arrtrim", p.text, arr -> {
      long len = arr.size;
      long to = stop < 0 ? Math.max(0, len + stop) : Math.min(stop, len - 1);
      long from = start < 0 || start < len ? (start < 0 ? Math.max(0, len + start) : Math.min(start, len - 1))
          : to + 1;
      if (from > to || len == 0) {
        arr.keepRange(0, 0);
      } else {
        arr.keepRange((int) from, (int) to + 1);
      }
      return arr.size;
    });
  }
}
