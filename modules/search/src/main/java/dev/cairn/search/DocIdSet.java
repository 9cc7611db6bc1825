package dev.cairn.search;

import java.util.Arrays;

/** A sorted set of doc ids in an int array: a tag value's documents (appends are O(1), a freed id is inserted). */
final class DocIdSet {
  private int[] ids = new int[2];
  private int size;

  int size() {
    return size;
  }

  long byteSize() {
    return 32L + 4L * ids.length;
  }

  void add(int doc) {
    if (size > 0 && ids[size - 1] >= doc) {
      int i = Arrays.binarySearch(ids, 0, size, doc);
      if (i >= 0) {
        return;
      }
      i = -i - 1;
      grow();
      System.arraycopy(ids, i, ids, i + 1, size - i);
      ids[i] = doc;
      size++;
      return;
    }
    grow();
    ids[size++] = doc;
  }

  boolean remove(int doc) {
    int i = Arrays.binarySearch(ids, 0, size, doc);
    if (i < 0) {
      return false;
    }
    System.arraycopy(ids, i + 1, ids, i, size - i - 1);
    size--;
    if (ids.length > 16 && size < ids.length / 4) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    return true;
  }

  boolean contains(int doc) {
    return Arrays.binarySearch(ids, 0, size, doc) >= 0;
  }

  private void grow() {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, Math.max(4, size + (size >> 1)));
    }
  }

  /** An iterator over the ids as they are now (the set must not change while it runs: queries do not write). */
  DocIterator iterator() {
    return new DocIterator.Ids(ids, size);
  }
}
