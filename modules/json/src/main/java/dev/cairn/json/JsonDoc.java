package dev.cairn.json;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON key's value. The document is kept packed (one {@code byte[]}, see {@link Tape}) while it is small, so a
 * stored document costs the collector one array; reads that need the tree decode a temporary one, and a write
 * unpacks the document into a tree, changes it in place and packs it again when the command ends
 * ({@link #repackTouched}). A document whose packed form passes {@link Tape#PACK_LIMIT} stays a tree, so writes to
 * a large document stay O(change).
 */
final class JsonDoc {
  /**
   * The documents unpacked by the running command, per engine thread (one per server: an embedding JVM may run
   * several servers, whose classes of a module loaded from the class path are shared).
   */
  private static final ThreadLocal<List<JsonDoc>> TOUCHED = ThreadLocal.withInitial(ArrayList::new);

  /** The document: a packed {@code byte[]} or a tree value (see {@link Json}). */
  Object root;

  JsonDoc(Object root) {
    this.root = root;
  }

  /** A document a write command creates: packed, if small enough, when the command ends. */
  static JsonDoc created(Object root) {
    JsonDoc d = new JsonDoc(root);
    if (!(root instanceof byte[])) {
      TOUCHED.get().add(d);
    }
    return d;
  }

  /** The document as a tree to read: a packed document is decoded into a tree that is not kept. */
  Object view() {
    return root instanceof byte[] t ? Tape.decode(t) : root;
  }

  /**
   * The values {@code p} selects, as trees: from a packed document only the selected values are decoded (a path
   * with a filter decodes the document).
   */
  List<Object> select(JsonPath p) {
    if (root instanceof byte[] t) {
      TapeSelect s = TapeSelect.of(p, t);
      if (s == null) {
        return p.values(Tape.decode(t));
      }
      List<Object> out = new ArrayList<>(s.size);
      for (int i = 0; i < s.size; i++) {
        out.add(Tape.decode(t, s.at[i]));
      }
      return out;
    }
    return p.values(root);
  }

  /** For a command that changes scalars where they are: the selection in the packed document, else null. */
  TapeSelect inPlace(JsonPath p) {
    return root instanceof byte[] t ? TapeSelect.of(p, t) : null;
  }

  /** The selected values that are numbers or booleans, decoded; null (not a candidate) for the others. */
  List<Object> scalars(TapeSelect s) {
    byte[] t = (byte[]) root;
    List<Object> out = new ArrayList<>(s.size);
    for (int i = 0; i < s.size; i++) {
      byte tag = t[s.at[i]];
      out.add(tag >= Tape.FALSE && tag <= Tape.DOUBLE ? Tape.decode(t, s.at[i]) : null);
    }
    return out;
  }

  /** The document as a tree to change in place: unpacked until the command ends. */
  Object tree() {
    if (root instanceof byte[] t) {
      root = Tape.decode(t);
      TOUCHED.get().add(this);
    }
    return root;
  }

  /** Replaces the whole document (a value parsed with {@link JsonReader#parseDoc} or a tree). */
  void replace(Object value) {
    root = value;
    if (!(value instanceof byte[])) {
      TOUCHED.get().add(this);
    }
  }

  /** After a write command: packs the documents it unpacked or created, unless they grew past the limit. */
  static void repackTouched() {
    List<JsonDoc> touched = TOUCHED.get();
    for (int i = 0; i < touched.size(); i++) {
      JsonDoc d = touched.get(i);
      if (!(d.root instanceof byte[])) {
        byte[] t = Tape.encodeWithin(d.root);
        if (t != null) {
          d.root = t;
        }
      }
    }
    touched.clear();
  }
}
