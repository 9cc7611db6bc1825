package dev.cairn.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A path evaluated on a packed document ({@link Tape}) without decoding it: the positions of the values it selects,
 * in the order {@link JsonPath#values} gives them. Paths with a filter are evaluated on the tree instead (a filter
 * compares values, and may read the whole document through {@code $}).
 */
final class TapeSelect {
  int[] at = new int[4];
  int size;

  private TapeSelect() {}

  /** The positions {@code p} selects in {@code t}, or null when {@code p} has a filter. */
  static TapeSelect of(JsonPath p, byte[] t) {
    JsonPath.Seg[] segs = p.segs();
    for (JsonPath.Seg s : segs) {
      if (s instanceof JsonPath.Filter) {
        return null;
      }
    }
    TapeSelect out = new TapeSelect();
    out.eval(segs, 0, t, 0);
    return out;
  }

  private void add(int pos) {
    if (size == at.length) {
      at = Arrays.copyOf(at, size * 2);
    }
    at[size++] = pos;
  }

  private void eval(JsonPath.Seg[] segs, int i, byte[] t, int pos) {
    if (i == segs.length) {
      add(pos);
      return;
    }
    switch (segs[i]) {
      case JsonPath.Key k -> {
        int c = member(t, pos, k.name());
        if (c >= 0) {
          eval(segs, i + 1, t, c);
        }
      }
      case JsonPath.Keys k -> {
        for (String name : k.names()) {
          int c = member(t, pos, name);
          if (c >= 0) {
            eval(segs, i + 1, t, c);
          }
        }
      }
      case JsonPath.Indexes ix -> {
        if (t[pos] == Tape.ARRAY) {
          int n = Tape.i32(t, pos + 5);
          for (long idx : ix.idx()) {
            int j = JsonPath.absIndex(idx, n);
            if (j < n) {
              eval(segs, i + 1, t, element(t, pos, j));
            }
          }
        }
      }
      case JsonPath.Range r -> {
        if (t[pos] == Tape.ARRAY) {
          int n = Tape.i32(t, pos + 5);
          int from = r.start() == null ? 0 : JsonPath.absIndex(r.start(), n);
          int to = r.end() == null ? n : JsonPath.absIndex(r.end(), n);
          int p = from < to ? element(t, pos, from) : 0;
          for (int j = from; j < to; j += r.step()) {
            eval(segs, i + 1, t, p);
            for (int s = 0; s < r.step() && j + s + 1 < to; s++) {
              p = Tape.skip(t, p);
            }
          }
        }
      }
      case JsonPath.All x -> children(segs, i + 1, t, pos, false);
      case JsonPath.Scan x -> {
        eval(segs, i + 1, t, pos);
        children(segs, i + 1, t, pos, true);
      }
      case JsonPath.Filter f -> throw new IllegalStateException("filters are evaluated on the tree");
    }
  }

  /** Each child of the container at {@code pos}; with {@code scan}, then its descendants too (JSONPath's ..). */
  private void children(JsonPath.Seg[] segs, int i, byte[] t, int pos, boolean scan) {
    byte tag = t[pos];
    if (tag != Tape.ARRAY && tag != Tape.OBJECT) {
      return;
    }
    int n = Tape.i32(t, pos + 5);
    int p = pos + Tape.HEADER;
    for (int j = 0; j < n; j++) {
      if (tag == Tape.OBJECT) {
        int len = Tape.varint(t, p);
        p += Tape.varintSize(len) + len;
      }
      eval(segs, i, t, p);
      if (scan) {
        children(segs, i, t, p, true);
      }
      p = Tape.skip(t, p);
    }
  }

  /** The position of the element {@code j} of the array at {@code pos}. */
  static int element(byte[] t, int pos, int j) {
    int p = pos + Tape.HEADER;
    for (int k = 0; k < j; k++) {
      p = Tape.skip(t, p);
    }
    return p;
  }

  /** The position of member {@code name}'s value in the object at {@code pos}, or -1. */
  static int member(byte[] t, int pos, String name) {
    if (t[pos] != Tape.OBJECT) {
      return -1;
    }
    boolean ascii = true;
    for (int c = 0; c < name.length() && ascii; c++) {
      ascii = name.charAt(c) < 0x80;
    }
    byte[] utf8 = ascii ? null : name.getBytes(StandardCharsets.UTF_8);
    int want = ascii ? name.length() : utf8.length;
    int n = Tape.i32(t, pos + 5);
    int p = pos + Tape.HEADER;
    for (int j = 0; j < n; j++) {
      int len = Tape.varint(t, p);
      p += Tape.varintSize(len);
      boolean same = len == want;
      for (int c = 0; c < len && same; c++) {
        same = t[p + c] == (ascii ? (byte) name.charAt(c) : utf8[c]);
      }
      p += len;
      if (same) {
        return p;
      }
      p = Tape.skip(t, p);
    }
    return -1;
  }
}
