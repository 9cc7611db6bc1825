package dev.cairn.json;

import java.util.Arrays;
import java.util.HashMap;

/**
 * A JSON object in insertion order: parallel arrays of keys and values, searched linearly while small (most objects
 * have a handful of members) and through a hash index once they pass {@link #INDEX_AT} members. Keys parsed by the
 * module's shared parser factory are canonical instances, so documents with the same member names share them.
 */
final class JObject {
  static final int INDEX_AT = 16;
  private static final String[] NO_KEYS = {};
  private static final Object[] NO_VALUES = {};
  String[] keys;
  Object[] values;
  int size;
  private HashMap<String, Integer> index;

  JObject() {
    keys = NO_KEYS;
    values = NO_VALUES;
  }

  JObject(int capacity) {
    keys = capacity == 0 ? NO_KEYS : new String[capacity];
    values = capacity == 0 ? NO_VALUES : new Object[capacity];
  }

  int size() {
    return size;
  }

  int indexOf(String key) {
    if (index != null) {
      Integer i = index.get(key);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  Object get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  /** Sets the member, replacing its value in place when it exists (its position is kept). */
  void put(String key, Object value) {
    int i = indexOf(key);
    if (i >= 0) {
      values[i] = value;
      return;
    }
    append(key, value);
  }

  /** Adds a member known not to be there (decoding a packed object, whose names are unique). */
  void append(String key, Object value) {
    if (size == keys.length) {
      int cap = Math.max(4, size + (size >> 1) + 1);
      keys = Arrays.copyOf(keys, cap);
      values = Arrays.copyOf(values, cap);
    }
    keys[size] = key;
    values[size] = value;
    if (index != null) {
      index.put(key, size);
    } else if (size + 1 > INDEX_AT) {
      buildIndex(size + 1);
    }
    size++;
  }

  boolean remove(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return false;
    }
    removeAt(i);
    return true;
  }

  void removeAt(int i) {
    System.arraycopy(keys, i + 1, keys, i, size - i - 1);
    System.arraycopy(values, i + 1, values, i, size - i - 1);
    size--;
    keys[size] = null;
    values[size] = null;
    if (index != null) {
      if (size > INDEX_AT) {
        buildIndex(size);
      } else {
        index = null;
      }
    }
  }

  void clear() {
    keys = NO_KEYS;
    values = NO_VALUES;
    size = 0;
    index = null;
  }

  void trim() {
    if (keys.length != size) {
      keys = size == 0 ? NO_KEYS : Arrays.copyOf(keys, size);
      values = size == 0 ? NO_VALUES : Arrays.copyOf(values, size);
    }
  }

  boolean indexed() {
    return index != null;
  }

  private void buildIndex(int n) {
    index = new HashMap<>(n * 2);
    for (int j = 0; j < n; j++) {
      index.put(keys[j], j);
    }
  }
}
