package dev.cairn.json;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** What the JSON commands share: key access, RedisJSON's errors, path-based updates, reply shapes. */
final class JsonSupport {
  static final RedisException NO_KEY =
      RedisException.err("could not perform this operation on a key that doesn't exist");
  static final RedisException NOT_INTEGER = RedisException.line("Couldn't parse as integer");
  static final RedisException ROOT_ONLY = RedisException.err("new objects must be created at the root");
  static final RedisException INDEX_OUT_OF_BOUNDS = RedisException.err("index out of bounds");

  private JsonSupport() {}

  static JsonDoc read(CommandContext c, byte[] key) {
    return c.db().get(key, JsonType.INSTANCE);
  }

  static JsonDoc write(CommandContext c, byte[] key) {
    return c.db().getForWrite(key, JsonType.INSTANCE);
  }

  /** The document for a command that needs one: RedisJSON's error when the key does not exist. */
  static JsonDoc existing(JsonDoc d) {
    if (d == null) {
      throw NO_KEY;
    }
    return d;
  }

  /** After a write that changed the document: WATCH and tracking, the module keyspace event, the dirty counter. */
  static void changed(CommandContext c, byte[] key, String event) {
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, event, key, c.db().id());
    c.addDirty(1);
  }

  static JsonPath path(Args a, int i) {
    return JsonPath.of(text(a.get(i)));
  }

  static JsonPath pathOrDefault(Args a, int i) {
    return JsonPath.of(i < a.size() ? text(a.get(i)) : JsonPath.DEFAULT);
  }

  static final RedisException NOT_UTF8 = RedisException.line("Couldn't parse as UTF-8 string");

  /** An argument RedisJSON reads as text (paths, JSON values): its error when the bytes are not UTF-8. */
  static String text(byte[] arg) {
    checkUtf8(arg);
    return new String(arg, java.nio.charset.StandardCharsets.UTF_8);
  }

  static void checkUtf8(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        try {
          java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
        } catch (java.nio.charset.CharacterCodingException e) {
          throw NOT_UTF8;
        }
        return;
      }
    }
  }

  static long integerArg(Args a, int i) {
    return Args.parseLong(a.get(i), NOT_INTEGER);
  }

  static RedisException pathMissing(String path) {
    return RedisException.err("Path '" + path + "' does not exist");
  }

  static RedisException pathMissingOr(String path, String or) {
    return RedisException.err("Path '" + path + "' does not exist or " + or);
  }

  static RedisException expected(String what, String found) {
    return RedisException.of("WRONGTYPE", "wrong type of path value - expected " + what + " but found " + found);
  }

  // ---------------------------------------------------------------- following concrete paths

  /** The value at a concrete path (String member names, Integer indexes), or null. */
  static Object at(Object root, Object[] path) {
    Object v = root;
    for (Object step : path) {
      if (step instanceof String k && v instanceof JObject o) {
        v = o.get(k);
      } else if (step instanceof Integer i && v instanceof JArray a && i < a.size) {
        v = a.items[i];
      } else {
        return null;
      }
      if (v == null) {
        return null;
      }
    }
    return v;
  }

  /** Replaces the value at a concrete path (the root if empty); false if the path no longer leads anywhere. */
  static boolean replace(JsonDoc doc, Object[] path, Object value) {
    if (path.length == 0) {
      doc.replace(value);
      return true;
    }
    Object parent = at(doc.tree(), Arrays.copyOf(path, path.length - 1));
    Object last = path[path.length - 1];
    if (parent instanceof JObject o && last instanceof String k) {
      int i = o.indexOf(k);
      if (i >= 0) {
        o.values[i] = value;
        return true;
      }
    } else if (parent instanceof JArray a && last instanceof Integer i && i < a.size) {
      a.items[i] = value;
      return true;
    }
    return false;
  }

  /** Removes the value at a non-empty concrete path; false if it is not there. */
  static boolean remove(Object root, Object[] path) {
    Object parent = at(root, Arrays.copyOf(path, path.length - 1));
    Object last = path[path.length - 1];
    if (parent instanceof JObject o && last instanceof String k) {
      return o.remove(k);
    } else if (parent instanceof JArray a && last instanceof Integer i && i < a.size) {
      a.remove(i);
      return true;
    }
    return false;
  }

  /**
   * RedisJSON's order for changing several paths: deeper paths first, member names before indexes, higher indexes
   * first, so that no change moves what a later one points at; then paths inside another selected path dropped
   * (deleting a parent deletes its children).
   */
  static void orderForUpdate(List<Object[]> paths) {
    if (paths.size() < 2) {
      return;
    }
    // in document order an ancestor comes right before its descendants: keep a path unless the last kept one
    // contains it (or is it)
    paths.sort(TREE_ORDER);
    List<Object[]> kept = new ArrayList<>(paths.size());
    Object[] last = null;
    for (Object[] p : paths) {
      if (last != null && last.length <= p.length && isPrefix(last, p)) {
        continue;
      }
      kept.add(p);
      last = p;
    }
    kept.sort(FOR_UPDATE);
    paths.clear();
    paths.addAll(kept);
  }

  private static final Comparator<Object[]> TREE_ORDER = (a, b) -> {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      Object x = a[i];
      Object y = b[i];
      int c;
      if (x instanceof Integer p && y instanceof Integer q) {
        c = Integer.compare(p, q);
      } else if (x instanceof String p && y instanceof String q) {
        c = p.compareTo(q);
      } else {
        c = x instanceof Integer ? 1 : -1;
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  };

  static final Comparator<Object[]> FOR_UPDATE = (a, b) -> {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      Object x = a[i];
      Object y = b[i];
      if (x instanceof Integer p && y instanceof Integer q) {
        if (!p.equals(q)) {
          return Integer.compare(q, p);
        }
      } else if (x instanceof String p && y instanceof String q) {
        int c = p.compareTo(q);
        if (c != 0) {
          return c;
        }
      } else {
        return x instanceof Integer ? 1 : -1;
      }
    }
    return Integer.compare(b.length, a.length);
  };

  private static boolean isPrefix(Object[] prefix, Object[] p) {
    for (int i = 0; i < prefix.length; i++) {
      if (!prefix[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- replies

  /** A JSON text reply of one value. */
  static void json(Reply r, Object v) {
    r.bulk(JsonWriter.toBytes(v));
  }

  /** A JSON text reply of an array of values (JSONPath results). */
  static void jsonArray(Reply r, List<Object> values) {
    JsonWriter w = new JsonWriter();
    writeArray(w, values);
    r.bulk(w.toByteArray());
  }

  static void writeArray(JsonWriter w, List<Object> values) {
    w.beginArray();
    for (int i = 0; i < values.size(); i++) {
      w.arrayValue(i == 0);
      w.value(values.get(i));
      w.endValue();
    }
    w.endArray();
  }

  /** An integer per match, null where the match was skipped (RedisJSON's Vec of Option replies). */
  static void integers(Reply r, Long[] values) {
    r.array(values.length);
    for (Long v : values) {
      if (v == null) {
        r.nullBulk();
      } else {
        r.integer(v);
      }
    }
  }

  /** JSON.RESP's and RESP3 FORMAT EXPAND's structural form of a value. */
  static void expand(Reply r, Object v, boolean resp3Types) {
    if (v == Json.NULL) {
      r.nullBulk();
    } else if (v instanceof Boolean b) {
      if (resp3Types) {
        r.bool(b);
      } else {
        r.simple(b ? "true" : "false");
      }
    } else if (v instanceof Long l) {
      r.integer(l);
    } else if (v instanceof Double d) {
      r.doubleValue(d);
    } else if (v instanceof String s) {
      r.bulk(s);
    } else if (v instanceof JArray a) {
      if (resp3Types) {
        r.array(a.size);
      } else {
        r.array(a.size + 1);
        r.simple("[");
      }
      for (int i = 0; i < a.size; i++) {
        expand(r, a.items[i], resp3Types);
      }
    } else {
      JObject o = (JObject) v;
      if (resp3Types) {
        r.map(o.size);
      } else {
        r.array(2 * o.size + 1);
        r.simple("{");
      }
      for (int i = 0; i < o.size; i++) {
        r.bulk(o.keys[i]);
        expand(r, o.values[i], resp3Types);
      }
    }
  }

  /** RESP3 FORMAT EXPAND1: scalars as RESP3 types, arrays and objects as JSON text. */
  static void expand1(Reply r, Object v) {
    if (v instanceof JArray || v instanceof JObject) {
      json(r, v);
    } else {
      expand(r, v, true);
    }
  }
}
