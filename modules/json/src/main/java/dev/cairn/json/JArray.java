package dev.cairn.json;

import java.util.Arrays;

/** A JSON array: a growable {@code Object[]} of values (see {@link Json} for what a value is). */
final class JArray {
  private static final Object[] EMPTY = {};
  Object[] items;
  int size;

  JArray() {
    items = EMPTY;
  }

  JArray(int capacity) {
    items = capacity == 0 ? EMPTY : new Object[capacity];
  }

  int size() {
    return size;
  }

  Object get(int i) {
    return items[i];
  }

  void set(int i, Object v) {
    items[i] = v;
  }

  void add(Object v) {
    if (size == items.length) {
      items = Arrays.copyOf(items, Math.max(4, size + (size >> 1) + 1));
    }
    items[size++] = v;
  }

  void insert(int at, Object[] values) {
    int n = values.length;
    if (size + n > items.length) {
      items = Arrays.copyOf(items, Math.max(size + n, size + (size >> 1) + 1));
    }
    System.arraycopy(items, at, items, at + n, size - at);
    for (int i = 0; i < n; i++) {
      items[at + i] = Json.copy(values[i]);
    }
    size += n;
  }

  Object remove(int i) {
    Object v = items[i];
    System.arraycopy(items, i + 1, items, i, size - i - 1);
    items[--size] = null;
    return v;
  }

  void clear() {
    items = EMPTY;
    size = 0;
  }

  /** Keeps elements [from, to) only. */
  void keepRange(int from, int to) {
    int n = Math.max(0, to - from);
    Object[] next = n == 0 ? EMPTY : Arrays.copyOfRange(items, from, from + n);
    items = next;
    size = n;
  }

  /** Gives back unused capacity (values loaded or parsed once and then mostly read). */
  void trim() {
    if (items.length != size) {
      items = size == 0 ? EMPTY : Arrays.copyOf(items, size);
    }
  }
}
