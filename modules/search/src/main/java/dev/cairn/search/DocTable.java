package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * An index's documents, by doc id, in flat columns rather than an object per document: a search walks thousands of
 * matches and scores each from these arrays (dense, no object to load per match), and a document costs its key's bytes,
 * its forward list and a few array slots (about 150 bytes for the bench's documents, where an object per document with
 * its key as a String and a hash map entry cost about 330).
 *
 * <p>Per id: the key's bytes (null while the id is free), the scoring inputs (score, RediSearch's max term frequency
 * and weighted length), the token count, whether the key had a time to live when indexed, the forward list (the ids of
 * the terms whose postings hold the document, as sorted varint deltas, to leave them when it goes), its tag values,
 * and, only when an index uses them, payloads and sortable values. Keys are found through an open-addressing table
 * of ids (linear probing, deletions shift back), so no String or map entry is kept per document.
 *
 * <p>Ids freed by deleted documents are given to new ones, last freed first, so a re-indexed document keeps its id.
 */
final class DocTable {
  /**
   * Ids per page of the columns. Pages are never copied to grow (the first, grown by half up to a page, is the only
   * one that is): columns grown by copying left twice their final size behind as garbage, promoted before it died
   * and so still on the heap long after a load (the bench's 20,000 documents: ~1.6 MB of dropped copies).
   */
  static final int PAGE_BITS = 10;
  static final int PAGE = 1 << PAGE_BITS;
  private static final int MASK = PAGE - 1;

  private byte[][][] keys;
  private double[][] score;
  private int[][] maxFreq;
  private int[][] docLen;
  private int[][] length;
  private boolean[][] mayExpire;
  private byte[][][] forward;
  private String[][][] tags;
  /** Made when a document first has a payload or a sortable value (its pages as the other columns'). */
  private byte[][][] payloads;
  private Object[][] sortables;
  /** Pages allocated; ids below {@link #capacity} have a slot in every column. */
  private int pages;
  private int capacity;
  /** Ids handed out: every id below is live or free. */
  private int size;
  private int live;
  private int[] freeIds = new int[8];
  private int freeCount;
  /** Key lookup: id + 1 per slot, 0 for an empty one; kept at most half full. */
  private int[] slots = new int[32];

  DocTable() {
    reset();
  }

  private void reset() {
    keys = new byte[4][][];
    score = new double[4][];
    maxFreq = new int[4][];
    docLen = new int[4][];
    length = new int[4][];
    mayExpire = new boolean[4][];
    forward = new byte[4][][];
    tags = new String[4][][];
    payloads = null;
    sortables = null;
    pages = 0;
    capacity = 0;
    addPage(16);
  }

  /** Ids handed out (the highest id + 1). */
  int size() {
    return size;
  }

  int live() {
    return live;
  }

  boolean isLive(int id) {
    return id >= 0 && id < size && keys[id >>> PAGE_BITS][id & MASK] != null;
  }

  /** An id for a document about to be indexed (its columns zeroed); {@link #bind} or {@link #release} it after. */
  int reserve() {
    int id = freeCount > 0 ? freeIds[--freeCount] : size++;
    if (id >= capacity) {
      grow(id);
    }
    int p = id >>> PAGE_BITS;
    int i = id & MASK;
    score[p][i] = 0;
    maxFreq[p][i] = 0;
    docLen[p][i] = 0;
    length[p][i] = 0;
    mayExpire[p][i] = false;
    dropRefs(id);
    return id;
  }

  /** Gives a reserved id back (its document failed to index). */
  void release(int id) {
    dropRefs(id);
    free(id);
  }

  /** Lets go of what the id's columns refer to, so a free id holds no memory. */
  private void dropRefs(int id) {
    int p = id >>> PAGE_BITS;
    int i = id & MASK;
    forward[p][i] = null;
    tags[p][i] = null;
    if (payloads != null) {
      payloads[p][i] = null;
    }
    if (sortables != null) {
      sortables[p][i] = null;
    }
  }

  /** Makes a reserved id the document at {@code key}. */
  void bind(int id, byte[] key) {
    keys[id >>> PAGE_BITS][id & MASK] = key;
    live++;
    if (live * 2 > slots.length) {
      rehash(slots.length * 2);
    }
    int mask = slots.length - 1;
    int s = hash(key) & mask;
    while (slots[s] != 0) {
      s = (s + 1) & mask;
    }
    slots[s] = id + 1;
  }

  /** Forgets a live document: its key leaves the lookup and its id is free. */
  void remove(int id) {
    int mask = slots.length - 1;
    int s = hash(key(id)) & mask;
    while (slots[s] != id + 1) {
      s = (s + 1) & mask;
    }
    slots[s] = 0;
    for (int j = (s + 1) & mask; slots[j] != 0; j = (j + 1) & mask) { // shift back what probed past the hole
      int home = hash(key(slots[j] - 1)) & mask;
      if (((j - home) & mask) >= ((j - s) & mask)) {
        slots[s] = slots[j];
        slots[j] = 0;
        s = j;
      }
    }
    keys[id >>> PAGE_BITS][id & MASK] = null;
    dropRefs(id);
    live--;
    free(id);
  }

  /** The id of the document at {@code key}, or -1. */
  int find(byte[] key) {
    int mask = slots.length - 1;
    for (int s = hash(key) & mask; slots[s] != 0; s = (s + 1) & mask) {
      if (Arrays.equals(key(slots[s] - 1), key)) {
        return slots[s] - 1;
      }
    }
    return -1;
  }

  int find(String key) {
    return find(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Calls {@code action} with every live id, in order. */
  void forEach(IntConsumer action) {
    for (int id = 0; id < size; id++) {
      if (key(id) != null) {
        action.accept(id);
      }
    }
  }

  void clear() {
    reset();
    size = 0;
    live = 0;
    freeCount = 0;
    slots = new int[32];
  }

  byte[] key(int id) {
    return keys[id >>> PAGE_BITS][id & MASK];
  }

  double score(int id) {
    return score[id >>> PAGE_BITS][id & MASK];
  }

  void score(int id, double s) {
    score[id >>> PAGE_BITS][id & MASK] = s;
  }

  int maxFreq(int id) {
    return maxFreq[id >>> PAGE_BITS][id & MASK];
  }

  void maxFreq(int id, int f) {
    maxFreq[id >>> PAGE_BITS][id & MASK] = f;
  }

  int docLen(int id) {
    return docLen[id >>> PAGE_BITS][id & MASK];
  }

  int length(int id) {
    return length[id >>> PAGE_BITS][id & MASK];
  }

  /** Counts a token of weighted length {@code step}. */
  void addToken(int id, int step) {
    length[id >>> PAGE_BITS][id & MASK]++;
    docLen[id >>> PAGE_BITS][id & MASK] += step;
  }

  boolean mayExpire(int id) {
    return mayExpire[id >>> PAGE_BITS][id & MASK];
  }

  void mayExpire(int id, boolean b) {
    mayExpire[id >>> PAGE_BITS][id & MASK] = b;
  }

  byte[] payload(int id) {
    return payloads == null ? null : payloads[id >>> PAGE_BITS][id & MASK];
  }

  void payload(int id, byte[] p) {
    if (p != null && payloads == null) {
      payloads = new byte[keys.length][][];
      for (int k = 0; k < pages; k++) {
        payloads[k] = new byte[score[k].length][];
      }
    }
    if (payloads != null) {
      payloads[id >>> PAGE_BITS][id & MASK] = p;
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, String> sortables(int id) {
    return sortables == null ? null : (Map<String, String>) sortables[id >>> PAGE_BITS][id & MASK];
  }

  void sortable(int id, String attribute, String value) {
    if (sortables == null) {
      sortables = new Object[keys.length][];
      for (int k = 0; k < pages; k++) {
        sortables[k] = new Object[score[k].length];
      }
    }
    if (sortables[id >>> PAGE_BITS][id & MASK] == null) {
      sortables[id >>> PAGE_BITS][id & MASK] = new HashMap<String, String>(4);
    }
    sortables(id).put(attribute, value);
  }

  /** The forward list: the term ids, in order, as varint deltas. */
  byte[] forward(int id) {
    return forward[id >>> PAGE_BITS][id & MASK];
  }

  /** {attribute, value, ...} of the document's tags, or null. */
  String[] tags(int id) {
    return tags[id >>> PAGE_BITS][id & MASK];
  }

  void tags(int id, String[] t) {
    tags[id >>> PAGE_BITS][id & MASK] = t;
  }

  /** Bytes held for the documents but their keys: the columns, forward lists, tag and payload arrays. */
  long docBytes() {
    long b = 16L * 10 * (pages + 1) + (long) capacity * (8 + 4 + 4 + 4 + 1 + 4 + 4)
        + (payloads == null ? 0 : 4L * capacity) + (sortables == null ? 0 : 4L * capacity);
    for (int id = 0; id < size; id++) {
      if (key(id) != null) {
        byte[] fw = forward(id);
        String[] tg = tags(id);
        byte[] pl = payload(id);
        b += (fw == null ? 0 : 16 + fw.length) + (tg == null ? 0 : 16 + 4L * tg.length) + (pl == null ? 0 : 16 + pl.length);
      }
    }
    return b;
  }

  /** Bytes held for the keys: their arrays, the column of them and the lookup's slots. */
  long keyBytes() {
    long b = 32L + 4L * capacity + 4L * slots.length;
    for (int id = 0; id < size; id++) {
      byte[] k = key(id);
      if (k != null) {
        b += 16 + k.length;
      }
    }
    return b;
  }

  private byte[] encodeScratch = new byte[256];

  /** Sets the document's forward list to {@code ids[0, n)} (ascending term ids). */
  void forward(int id, int[] ids, int n) {
    if (encodeScratch.length < n * 5) {
      encodeScratch = new byte[n * 5];
    }
    forward[id >>> PAGE_BITS][id & MASK] = encode(ids, n, encodeScratch);
  }

  /** Encodes ascending term ids as varint deltas. */
  static byte[] encode(int[] ids, int n) {
    return encode(ids, n, new byte[n * 5]);
  }

  private static byte[] encode(int[] ids, int n, byte[] out) {
    int at = 0;
    int prev = 0;
    for (int i = 0; i < n; i++) {
      int v = ids[i] - prev;
      prev = ids[i];
      while ((v & ~0x7F) != 0) {
        out[at++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out[at++] = (byte) v;
    }
    return Arrays.copyOf(out, at);
  }

  /** Calls {@code action} with each term id of a forward list, in order. */
  static void decode(byte[] list, IntConsumer action) {
    int prev = 0;
    for (int at = 0; at < list.length; ) {
      int v = 0;
      int shift = 0;
      byte b;
      do {
        b = list[at++];
        v |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      prev += v;
      action.accept(prev);
    }
  }

  private void free(int id) {
    if (freeCount == freeIds.length) {
      freeIds = Arrays.copyOf(freeIds, freeCount * 2);
    }
    freeIds[freeCount++] = id;
  }

  /** Room for {@code id}: the first page grows by half up to a page, then whole pages are added. */
  private void grow(int id) {
    if (pages == 1 && capacity < PAGE) {
      resizeFirstPage(Math.min(PAGE, Math.max(id + 1, capacity + (capacity >> 1))));
    }
    while (id >= capacity) {
      addPage(PAGE);
    }
  }

  private void resizeFirstPage(int n) {
    keys[0] = Arrays.copyOf(keys[0], n);
    score[0] = Arrays.copyOf(score[0], n);
    maxFreq[0] = Arrays.copyOf(maxFreq[0], n);
    docLen[0] = Arrays.copyOf(docLen[0], n);
    length[0] = Arrays.copyOf(length[0], n);
    mayExpire[0] = Arrays.copyOf(mayExpire[0], n);
    forward[0] = Arrays.copyOf(forward[0], n);
    tags[0] = Arrays.copyOf(tags[0], n);
    if (payloads != null) {
      payloads[0] = Arrays.copyOf(payloads[0], n);
    }
    if (sortables != null) {
      sortables[0] = Arrays.copyOf(sortables[0], n);
    }
    capacity = n;
  }

  private void addPage(int n) {
    if (pages == keys.length) {
      int m = pages * 2;
      keys = Arrays.copyOf(keys, m);
      score = Arrays.copyOf(score, m);
      maxFreq = Arrays.copyOf(maxFreq, m);
      docLen = Arrays.copyOf(docLen, m);
      length = Arrays.copyOf(length, m);
      mayExpire = Arrays.copyOf(mayExpire, m);
      forward = Arrays.copyOf(forward, m);
      tags = Arrays.copyOf(tags, m);
      if (payloads != null) {
        payloads = Arrays.copyOf(payloads, m);
      }
      if (sortables != null) {
        sortables = Arrays.copyOf(sortables, m);
      }
    }
    if (pages == 1 && capacity < PAGE) {
      resizeFirstPage(PAGE);
    }
    int p = pages++;
    keys[p] = new byte[n][];
    score[p] = new double[n];
    maxFreq[p] = new int[n];
    docLen[p] = new int[n];
    length[p] = new int[n];
    mayExpire[p] = new boolean[n];
    forward[p] = new byte[n][];
    tags[p] = new String[n][];
    if (payloads != null) {
      payloads[p] = new byte[n][];
    }
    if (sortables != null) {
      sortables[p] = new Object[n];
    }
    capacity = p * PAGE + n;
  }

  private void rehash(int n) {
    int[] old = slots;
    slots = new int[n];
    int mask = n - 1;
    for (int v : old) {
      if (v != 0) {
        int s = hash(key(v - 1)) & mask;
        while (slots[s] != 0) {
          s = (s + 1) & mask;
        }
        slots[s] = v;
      }
    }
  }

  private static int hash(byte[] key) {
    int h = Arrays.hashCode(key);
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
