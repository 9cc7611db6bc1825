package dev.cairn.search;

import java.util.Arrays;

/**
 * One term's postings: the documents it occurs in, by ascending doc id, each with its frequency, field mask and
 * positions, packed as varints in one byte array (RediSearch's inverted index layout, without its blocks). Grammar of
 * an entry:
 * <pre>
 *   entry   = varint(doc - previous doc) varint(freq) varlong(mask0) [varlong(mask1) if wide] varint(n) positions
 *   positions = n bytes: varint(position - previous position) ...
 * </pre>
 * New documents take the highest id, so indexing appends; a re-indexed document may take a freed id in the middle,
 * which splices the bytes (one copy of the tail). A skip table (the doc id and byte offset of every
 * {@value #SKIP}th entry) lets a cursor jump towards a target instead of decoding everything before it.
 */
final class PostingList {
  static final int SKIP = 64;

  final String term;
  /** The term's id in its index (documents' forward lists hold it); -1 outside an index. */
  final int id;
  private byte[] bytes = new byte[12];
  private int len;
  private int size;
  private int lastDoc = -1;
  /** Whether entries carry a second mask (fields 64 to 127). */
  private boolean wide;
  /** Sum of the entries' position counts (FT.INFO's offsets). */
  long positions;
  private int[] skipDoc;
  private int[] skipOff;
  private int skips;
  /** Indexing scratch: the slot of the document being indexed ({@link SearchIndex}), valid while stamp matches. */
  int slot;
  int stamp;

  PostingList(String term) {
    this(term, -1);
  }

  PostingList(String term, int id) {
    this.term = term;
    this.id = id;
  }

  int size() {
    return size;
  }

  long byteSize() {
    return 48L + bytes.length + (skipDoc == null ? 0 : 8L * skipDoc.length);
  }

  /** Adds (or, for a doc id below the last, inserts) a document's entry; the id must not be present. */
  void add(int doc, int freq, long mask0, long mask1, int[] pos, int npos) {
    if (mask1 != 0 && !wide) {
      widen();
    }
    positions += npos;
    if (doc > lastDoc) {
      ensure(len + 40 + 5 * npos);
      if (size % SKIP == 0) {
        addSkip(doc, len);
      }
      len = write(bytes, len, doc, doc - (lastDoc < 0 ? 0 : lastDoc), freq, mask0, mask1, pos, npos);
      lastDoc = doc;
      size++;
      return;
    }
    // insert before the first entry with a greater id: that entry's delta shrinks
    Cursor c = before(doc);
    int prev = c.doc < 0 ? 0 : c.doc;
    int at = c.end;
    c.next();
    byte[] entry = new byte[40 + 5 * npos + 10];
    int n = write(entry, 0, doc, doc - prev, freq, mask0, mask1, pos, npos);
    n = putVarint(entry, n, c.doc - doc);
    splice(at, at + varintLen(c.doc - prev), entry, n);
    for (int k = 0; k < skips; k++) {
      if (skipOff[k] == at) {
        skipDoc[k] = doc; // the skip now points at the inserted entry
      }
    }
    size++;
  }

  /** A cursor on the last entry with an id below {@code doc} (doc -1, offset 0 when there is none). */
  private Cursor before(int doc) {
    Cursor c = new Cursor();
    int lo = 0;
    int hi = skips - 1;
    int found = -1;
    while (lo <= hi) { // the last skip below doc
      int mid = (lo + hi) >>> 1;
      if (skipDoc[mid] < doc) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found >= 0) {
      c.end = skipOff[found];
      c.next();
      c.doc = skipDoc[found];
    }
    while (true) {
      int d = c.doc;
      int e = c.end;
      if (c.next() >= doc) {
        c.doc = d; // one entry back: the cursor's state is its doc and the offset after it
        c.end = e;
        return c;
      }
    }
  }

  /** Removes the document's entry; returns its frequency, or -1 when it had none. */
  int remove(int doc) {
    Cursor c = before(doc);
    int prev = c.doc < 0 ? 0 : c.doc;
    int at = c.end;
    if (c.next() != doc) {
      return -1;
    }
    int freq = c.freq;
    c.positions(new int[8]);
    positions -= c.npos;
    int end = c.end;
    size--;
    if (c.next() == Cursor.END) {
      len = at;
      lastDoc = size == 0 ? -1 : prev;
      while (skips > 0 && skipOff[skips - 1] >= at) {
        skips--;
      }
      return freq;
    }
    byte[] delta = new byte[5];
    int n = putVarint(delta, 0, c.doc - prev);
    int k = 0;
    while (k < skips && skipOff[k] < at) {
      k++;
    }
    if (k < skips && skipOff[k] == at) { // the next entry takes the removed one's place and skip
      if (k + 1 < skips && skipOff[k + 1] == end) {
        System.arraycopy(skipDoc, k + 2, skipDoc, k + 1, skips - k - 2);
        System.arraycopy(skipOff, k + 2, skipOff, k + 1, skips - k - 2);
        skips--;
      }
      skipDoc[k] = c.doc;
    } else if (k < skips && skipOff[k] == end) {
      skipOff[k] = at;
    }
    splice(at, end + varintLen(c.doc - doc), delta, n);
    return freq;
  }

  private void splice(int from, int to, byte[] with, int n) {
    int tail = len - to;
    ensure(from + n + tail);
    System.arraycopy(bytes, to, bytes, from + n, tail);
    System.arraycopy(with, 0, bytes, from, n);
    len = from + n + tail;
    int shift = n - (to - from);
    for (int k = skips - 1; k >= 0 && skipOff[k] >= to; k--) {
      skipOff[k] += shift;
    }
    if (bytes.length > 64 && len < bytes.length / 4) {
      bytes = Arrays.copyOf(bytes, len * 2);
    }
  }

  private void widen() {
    PostingList w = new PostingList(term);
    w.wide = true;
    Cursor c = new Cursor();
    int[] buf = new int[16];
    while (c.next() != Cursor.END) {
      buf = c.positions(buf);
      w.add(c.doc, c.freq, c.mask0, 0, buf, c.npos);
    }
    bytes = w.bytes;
    len = w.len;
    wide = true;
    skipDoc = w.skipDoc;
    skipOff = w.skipOff;
    skips = w.skips;
  }

  private int write(byte[] b, int p, int doc, int delta, int freq, long m0, long m1, int[] pos, int npos) {
    p = putVarint(b, p, delta);
    p = putVarint(b, p, freq);
    p = putVarlong(b, p, m0);
    if (wide) {
      p = putVarlong(b, p, m1);
    }
    int lenAt = p;
    int posBytes = 0;
    int last = 0;
    for (int i = 0; i < npos; i++) {
      posBytes += varintLen(pos[i] - last);
      last = pos[i];
    }
    p = putVarint(b, p, posBytes);
    last = 0;
    for (int i = 0; i < npos; i++) {
      p = putVarint(b, p, pos[i] - last);
      last = pos[i];
    }
    return p;
  }

  private void ensure(int n) {
    if (n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(n, bytes.length + (bytes.length >> 1)));
    }
  }

  private void addSkip(int doc, int off) {
    if (skipDoc == null) {
      skipDoc = new int[4];
      skipOff = new int[4];
    } else if (skips == skipDoc.length) {
      skipDoc = Arrays.copyOf(skipDoc, skips * 2);
      skipOff = Arrays.copyOf(skipOff, skips * 2);
    }
    skipDoc[skips] = doc;
    skipOff[skips++] = off;
  }

  static int putVarint(byte[] b, int p, int v) {
    while ((v & ~0x7f) != 0) {
      b[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  static int putVarlong(byte[] b, int p, long v) {
    while ((v & ~0x7fL) != 0) {
      b[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  static int varintLen(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  Cursor cursor() {
    return new Cursor();
  }

  /** The varint at {@code p}: its value in the low 32 bits, the offset after it in the high 32. */
  private static long varint(byte[] b, int p) {
    int v = b[p++];
    if (v < 0) {
      int r = v & 0x7f;
      int shift = 7;
      do {
        v = b[p++];
        r |= (v & 0x7f) << shift;
        shift += 7;
      } while (v < 0);
      v = r;
    }
    return ((long) p << 32) | (v & 0xffffffffL);
  }

  /**
   * Walks the entries in doc id order. {@link #next} and {@link #advance} return the current doc id, {@link #END}
   * past the last; the current entry's frequency and masks are fields, its positions are decoded on request.
   */
  final class Cursor {
    static final int END = Integer.MAX_VALUE;
    int doc = -1;
    int freq;
    long mask0;
    long mask1;
    int npos;
    private int posAt;
    private int posLen;
    /** Offset of the next entry. */
    int end;

    int next() {
      if (end >= len) {
        end = len;
        return doc = END;
      }
      byte[] b = bytes;
      int p = end;
      int v = b[p++];
      if (v < 0) { // inline varint decoding: the common one-byte case first
        int r = v & 0x7f;
        int shift = 7;
        do {
          v = b[p++];
          r |= (v & 0x7f) << shift;
          shift += 7;
        } while (v < 0);
        v = r;
      }
      doc = doc < 0 ? v : doc + v;
      int f = b[p++];
      if (f < 0) {
        int r = f & 0x7f;
        int shift = 7;
        do {
          f = b[p++];
          r |= (f & 0x7f) << shift;
          shift += 7;
        } while (f < 0);
        f = r;
      }
      freq = f;
      long m = 0;
      int shift = 0;
      byte x;
      do {
        x = b[p++];
        m |= (long) (x & 0x7f) << shift;
        shift += 7;
      } while (x < 0);
      mask0 = m;
      if (wide) {
        m = 0;
        shift = 0;
        do {
          x = b[p++];
          m |= (long) (x & 0x7f) << shift;
          shift += 7;
        } while (x < 0);
        mask1 = m;
      }
      int pl = b[p++];
      if (pl < 0) {
        int r = pl & 0x7f;
        int s = 7;
        do {
          pl = b[p++];
          r |= (pl & 0x7f) << s;
          s += 7;
        } while (pl < 0);
        pl = r;
      }
      posAt = p;
      posLen = pl;
      npos = -1;
      end = p + pl;
      return doc;
    }

    /** Moves to the first entry with a doc id at or past {@code target} (never backwards). */
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      if (skips > 1 && target - doc > SKIP) {
        int lo = 0;
        int hi = skips - 1;
        while (lo < hi) { // last skip whose doc is at or below the target
          int mid = (lo + hi + 1) >>> 1;
          if (skipDoc[mid] <= target) {
            lo = mid;
          } else {
            hi = mid - 1;
          }
        }
        if (skipOff[lo] > end || doc < 0 && skipOff[lo] > 0) {
          end = skipOff[lo];
          doc = skipDoc[lo];
          next(); // decodes the entry at the skip point with a delta relative to its predecessor
          doc = skipDoc[lo];
          if (doc >= target) {
            return doc;
          }
        }
      }
      while (next() < target) {
        // linear within a skip block
      }
      return doc;
    }

    /** Whether the cursor is on {@code d}, moving forward to it if it is behind. */
    boolean at(int d) {
      if (doc < d) {
        advance(d);
      }
      return doc == d;
    }

    boolean inFields(long[] mask) {
      return mask == null || (mask0 & mask[0]) != 0 || (mask1 & mask[1]) != 0;
    }

    /**
     * Whether one of the current entry's positions is followed, at the next position, by one of {@code next}'s current
     * entry (a two-word phrase): both position lists merged as they are decoded, nothing copied.
     */
    boolean followedBy(Cursor next) {
      byte[] x = bytes;
      int p = posAt;
      int pe = p + posLen;
      byte[] y = next.list().bytes;
      int q = next.posAt;
      int qe = q + next.posLen;
      if (p >= pe || q >= qe) {
        return false;
      }
      long r = varint(x, p);
      int a = (int) r;
      p = (int) (r >>> 32);
      r = varint(y, q);
      int b = (int) r;
      q = (int) (r >>> 32);
      while (true) {
        int want = a + 1;
        if (b == want) {
          return true;
        }
        if (b < want) {
          if (q >= qe) {
            return false;
          }
          r = varint(y, q);
          b += (int) r;
          q = (int) (r >>> 32);
        } else {
          if (p >= pe) {
            return false;
          }
          r = varint(x, p);
          a += (int) r;
          p = (int) (r >>> 32);
        }
      }
    }

    private PostingList list() {
      return PostingList.this;
    }

    /** The current entry's positions in {@code buf} (or a larger copy), their count in {@link #npos}. */
    int[] positions(int[] buf) {
      int p = posAt;
      int stop = posAt + posLen;
      int n = 0;
      int last = 0;
      byte[] b = bytes;
      while (p < stop) {
        int v = b[p++];
        if (v < 0) {
          int r = v & 0x7f;
          int shift = 7;
          do {
            v = b[p++];
            r |= (v & 0x7f) << shift;
            shift += 7;
          } while (v < 0);
          v = r;
        }
        last += v;
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, Math.max(8, n * 2));
        }
        buf[n++] = last;
      }
      npos = n;
      return buf;
    }

    /** The current entry's positions as a new array. */
    int[] positions() {
      int[] buf = positions(new int[Math.max(1, posLen)]);
      return npos == buf.length ? buf : Arrays.copyOf(buf, npos);
    }
  }
}
