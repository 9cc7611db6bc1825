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
  private byte[][] keys = new byte[16][];
  private double[] score = new double[16];
  private int[] maxFreq = new int[16];
  private int[] docLen = new int[16];
  private int[] length = new int[16];
  private boolean[] mayExpire = new boolean[16];
  private byte[][] forward = new byte[16][];
  private String[][] tags = new String[16][];
  /** Made when a document first has a payload or a sortable value. */
  private byte[][] payloads;
  private Object[] sortables;
  /** Ids handed out: every id below is live or free. */
  private int size;
  private int live;
  private int[] freeIds = new int[8];
  private int freeCount;
  /** Key lookup: id + 1 per slot, 0 for an empty one; kept at most half full. */
  private int[] slots = new int[32];

  /** Ids handed out (the highest id + 1). */
  int size() {
    return size;
  }

  int live() {
    return live;
  }

  boolean isLive(int id) {
    return id >= 0 && id < size && keys[id] != null;
  }

  /** An id for a document about to be indexed (its columns zeroed); {@link #bind} or {@link #release} it after. */
  int reserve() {
    int id = freeCount > 0 ? freeIds[--freeCount] : size++;
    if (id >= keys.length) {
      grow(Math.max(id + 1, keys.length + (keys.length >> 1))); // by half: less slack than doubling
    }
    score[id] = 0;
    maxFreq[id] = 0;
    docLen[id] = 0;
    length[id] = 0;
    mayExpire[id] = false;
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
    forward[id] = null;
    tags[id] = null;
    if (payloads != null) {
      payloads[id] = null;
    }
    if (sortables != null) {
      sortables[id] = null;
    }
  }

  /** Makes a reserved id the document at {@code key}. */
  void bind(int id, byte[] key) {
    keys[id] = key;
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
    int s = hash(keys[id]) & mask;
    while (slots[s] != id + 1) {
      s = (s + 1) & mask;
    }
    slots[s] = 0;
    for (int j = (s + 1) & mask; slots[j] != 0; j = (j + 1) & mask) { // shift back what probed past the hole
      int home = hash(keys[slots[j] - 1]) & mask;
      if (((j - home) & mask) >= ((j - s) & mask)) {
        slots[s] = slots[j];
        slots[j] = 0;
        s = j;
      }
    }
    keys[id] = null;
    dropRefs(id);
    live--;
    free(id);
  }

  /** The id of the document at {@code key}, or -1. */
  int find(byte[] key) {
    int mask = slots.length - 1;
    for (int s = hash(key) & mask; slots[s] != 0; s = (s + 1) & mask) {
      if (Arrays.equals(keys[slots[s] - 1], key)) {
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
      if (keys[id] != null) {
        action.accept(id);
      }
    }
  }

  void clear() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(forward, 0, size, null);
    Arrays.fill(tags, 0, size, null);
    payloads = null;
    sortables = null;
    size = 0;
    live = 0;
    freeCount = 0;
    slots = new int[32];
  }

  byte[] key(int id) {
    return keys[id];
  }

  double score(int id) {
    return score[id];
  }

  void score(int id, double s) {
    score[id] = s;
  }

  int maxFreq(int id) {
    return maxFreq[id];
  }

  void maxFreq(int id, int f) {
    maxFreq[id] = f;
  }

  int docLen(int id) {
    return docLen[id];
  }

  int length(int id) {
    return length[id];
  }

  /** Counts a token of weighted length {@code step}. */
  void addToken(int id, int step) {
    length[id]++;
    docLen[id] += step;
  }

  boolean mayExpire(int id) {
    return mayExpire[id];
  }

  void mayExpire(int id, boolean b) {
    mayExpire[id] = b;
  }

  byte[] payload(int id) {
    return payloads == null ? null : payloads[id];
  }

  void payload(int id, byte[] p) {
    if (p != null && payloads == null) {
      payloads = new byte[keys.length][];
    }
    if (payloads != null) {
      payloads[id] = p;
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, String> sortables(int id) {
    return sortables == null ? null : (Map<String, String>) sortables[id];
  }

  void sortable(int id, String attribute, String value) {
    if (sortables == null) {
      sortables = new Object[keys.length];
    }
    if (sortables[id] == null) {
      sortables[id] = new HashMap<String, String>(4);
    }
    sortables(id).put(attribute, value);
  }

  /** The forward list: the term ids, in order, as varint deltas. */
  byte[] forward(int id) {
    return forward[id];
  }

  /** {attribute, value, ...} of the document's tags, or null. */
  String[] tags(int id) {
    return tags[id];
  }

  void tags(int id, String[] t) {
    tags[id] = t;
  }

  /** Bytes held for the documents but their keys: the columns, forward lists, tag and payload arrays. */
  long docBytes() {
    long b = 16L * 10 + keys.length * (8 + 4 + 4 + 4 + 1 + 4 + 4)
        + (payloads == null ? 0 : 4L * payloads.length) + (sortables == null ? 0 : 4L * sortables.length);
    for (int id = 0; id < size; id++) {
      if (keys[id] != null) {
        b += (forward[id] == null ? 0 : 16 + forward[id].length) + (tags[id] == null ? 0 : 16 + 4L * tags[id].length)
            + (payloads == null || payloads[id] == null ? 0 : 16 + payloads[id].length);
      }
    }
    return b;
  }

  /** Bytes held for the keys: their arrays, the column of them and the lookup's slots. */
  long keyBytes() {
    long b = 32L + 4L * keys.length + 4L * slots.length;
    for (int id = 0; id < size; id++) {
      if (keys[id] != null) {
        b += 16 + keys[id].length;
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
    forward[id] = encode(ids, n, encodeScratch);
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

  private void grow(int n) {
    keys = Arrays.copyOf(keys, n);
    score = Arrays.copyOf(score, n);
    maxFreq = Arrays.copyOf(maxFreq, n);
    docLen = Arrays.copyOf(docLen, n);
    length = Arrays.copyOf(length, n);
    mayExpire = Arrays.copyOf(mayExpire, n);
    forward = Arrays.copyOf(forward, n);
    tags = Arrays.copyOf(tags, n);
    if (payloads != null) {
      payloads = Arrays.copyOf(payloads, n);
    }
    if (sortables != null) {
      sortables = Arrays.copyOf(sortables, n);
    }
  }

  private void rehash(int n) {
    int[] old = slots;
    slots = new int[n];
    int mask = n - 1;
    for (int v : old) {
      if (v != 0) {
        int s = hash(keys[v - 1]) & mask;
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
