package dev.cairn.search;

import java.util.Arrays;

/**
 * One term's postings: the documents it occurs in, by ascending doc id, each with its frequency, field mask and
 * positions, packed as varints in blocks (RediSearch's inverted index layout). Grammar of an entry:
 * <pre>
 *   entry   = varint(doc - previous doc) varint(freq) varlong(mask0) [varlong(mask1) if wide] varint(n) positions
 *   positions = n bytes: varint(position - previous position) ...
 * </pre>
 * A block holds whole entries, its first document is kept beside it (its entry's delta is 0), so a cursor jumps to
 * the block of a target by a binary search over the blocks' first documents and decodes from there.
 *
 * <p>Blocks are never copied to grow as the list does: a new block is as large as everything before it (16 bytes,
 * 16, 32, 64 ...) up to {@value #MAX_BLOCK}. One array grown by half its size each time it filled left twice the list's
 * final size behind as garbage (the bench's 20,000 documents: 3.1 MB of postings, 7.6 MB of dropped copies, most of
 * them promoted before they died, and so still on the heap, uncollected, long after the load); blocks leave none.
 * New documents take the highest id, so indexing appends; a re-indexed document may take a freed id in the middle,
 * which splices its entry into the block of that id range (one copy of the block's tail, or of the block when it has
 * no room).
 */
final class PostingList {
  static final int MIN_BLOCK = 16;
  static final int MAX_BLOCK = 1024;
  private static final byte[][] NO_BLOCKS = new byte[0][];
  private static final int[] NO_INTS = new int[0];

  final String term;
  /** The term's id in its index (documents' forward lists hold it); -1 outside an index. */
  final int id;
  private byte[][] blocks = NO_BLOCKS;
  /** Bytes used in each block. */
  private int[] used = NO_INTS;
  /** Each block's first document (the first entry's delta is 0). */
  private int[] firstDoc = NO_INTS;
  private int nblocks;
  /** Bytes used over all blocks: the next block's size. */
  private int bytesUsed;
  private int size;
  private int lastDoc = -1;
  /** Whether entries carry a second mask (fields 64 to 127). */
  private boolean wide;
  /** Sum of the entries' position counts (FT.INFO's offsets). */
  long positions;
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
    long b = 48L + 12L * blocks.length;
    for (int k = 0; k < nblocks; k++) {
      b += 16 + blocks[k].length;
    }
    return b;
  }

  /** Adds (or, for a doc id below the last, inserts) a document's entry; the id must not be present. */
  void add(int doc, int freq, long mask0, long mask1, int[] pos, int npos) {
    if (mask1 != 0 && !wide) {
      widen();
    }
    positions += npos;
    size++;
    if (doc > lastDoc) {
      int last = nblocks - 1;
      int delta = doc - lastDoc;
      if (last < 0 || used[last] + entrySize(delta, freq, mask0, mask1, pos, npos) > blocks[last].length) {
        delta = 0; // a new block's first entry
        last = insertBlock(nblocks, doc, entrySize(0, freq, mask0, mask1, pos, npos));
      }
      int u = used[last];
      used[last] = write(blocks[last], u, delta, freq, mask0, mask1, pos, npos);
      bytesUsed += used[last] - u;
      lastDoc = doc;
      return;
    }
    byte[] entry = new byte[entrySize(Integer.MAX_VALUE, freq, mask0, mask1, pos, npos) + 5];
    int k = blockOf(doc);
    if (k < 0) { // before the list's first document: block 0's first entry, and the old first's delta (0) grows
      int n = write(entry, 0, 0, freq, mask0, mask1, pos, npos);
      n = putVarint(entry, n, firstDoc[0] - doc);
      replace(0, 0, 1, entry, n);
      firstDoc[0] = doc;
      return;
    }
    byte[] b = blocks[k];
    int p = 0;
    int prev = firstDoc[k]; // below doc: the id is not present
    int d = prev;
    while (p < used[k]) { // the first entry past doc: the new one goes before it, and its delta shrinks
      long r = varint(b, p);
      int at = (int) (r >>> 32);
      d = p == 0 ? firstDoc[k] : d + (int) r;
      if (d > doc) {
        int n = write(entry, 0, doc - prev, freq, mask0, mask1, pos, npos);
        n = putVarint(entry, n, d - doc);
        replace(k, p, at, entry, n);
        return;
      }
      prev = d;
      p = skipEntry(b, at);
    }
    replace(k, p, p, entry, write(entry, 0, doc - prev, freq, mask0, mask1, pos, npos));
  }

  /** Removes the document's entry; returns its frequency, or -1 when it had none. */
  int remove(int doc) {
    int k = blockOf(doc);
    if (k < 0) {
      return -1;
    }
    byte[] b = blocks[k];
    int p = 0;
    int prev = -1;
    int d = firstDoc[k];
    while (true) {
      if (p >= used[k]) {
        return -1;
      }
      long r = varint(b, p);
      d = p == 0 ? firstDoc[k] : d + (int) r;
      if (d >= doc) {
        break;
      }
      prev = d;
      p = skipEntry(b, (int) (r >>> 32));
    }
    if (d != doc) {
      return -1;
    }
    int at = p;
    p = (int) (varint(b, at) >>> 32);
    long r = varint(b, p);
    int freq = (int) r;
    p = (int) (r >>> 32);
    p = (int) (varlong(b, p) >>> 32);
    if (wide) {
      p = (int) (varlong(b, p) >>> 32);
    }
    r = varint(b, p);
    int posAt = (int) (r >>> 32);
    int end = posAt + (int) r;
    for (int q = posAt; q < end; q++) {
      if (b[q] >= 0) { // a varint's last byte
        positions--;
      }
    }
    size--;
    if (end < used[k]) { // the next entry takes the removed one's delta too (or becomes the block's first)
      r = varint(b, end);
      int next = doc + (int) r;
      byte[] delta = new byte[5];
      int n = putVarint(delta, 0, prev < 0 ? 0 : next - prev);
      replace(k, at, (int) (r >>> 32), delta, n);
      if (prev < 0) {
        firstDoc[k] = next;
      }
      return freq;
    }
    boolean lastBlock = k == nblocks - 1;
    if (prev < 0) { // the block's only entry
      bytesUsed -= used[k];
      removeBlock(k);
    } else {
      replace(k, at, end, null, 0);
    }
    if (lastBlock) {
      lastDoc = prev >= 0 ? prev : nblocks == 0 ? -1 : lastDocOf(nblocks - 1);
    }
    return freq;
  }

  /** The last block whose first document is at or below {@code doc}; -1 when there is none. */
  private int blockOf(int doc) {
    int lo = 0;
    int hi = nblocks - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (firstDoc[mid] <= doc) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private int lastDocOf(int k) {
    int d = firstDoc[k];
    int p = (int) (varint(blocks[k], 0) >>> 32);
    p = skipEntry(blocks[k], p);
    while (p < used[k]) {
      long r = varint(blocks[k], p);
      d += (int) r;
      p = skipEntry(blocks[k], (int) (r >>> 32));
    }
    return d;
  }

  /** The offset after an entry whose delta ends at {@code p}. */
  private int skipEntry(byte[] b, int p) {
    p = (int) (varint(b, p) >>> 32);
    p = (int) (varlong(b, p) >>> 32);
    if (wide) {
      p = (int) (varlong(b, p) >>> 32);
    }
    long r = varint(b, p);
    return (int) (r >>> 32) + (int) r;
  }

  /** Makes block {@code k} (an empty one starting at {@code first}, room for at least {@code need} bytes). */
  private int insertBlock(int k, int first, int need) {
    if (nblocks == blocks.length) {
      int n = Math.max(2, nblocks * 2);
      blocks = Arrays.copyOf(blocks, n);
      used = Arrays.copyOf(used, n);
      firstDoc = Arrays.copyOf(firstDoc, n);
    }
    System.arraycopy(blocks, k, blocks, k + 1, nblocks - k);
    System.arraycopy(used, k, used, k + 1, nblocks - k);
    System.arraycopy(firstDoc, k, firstDoc, k + 1, nblocks - k);
    blocks[k] = new byte[Math.max(need, Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, bytesUsed)))];
    used[k] = 0;
    firstDoc[k] = first;
    nblocks++;
    return k;
  }

  private void removeBlock(int k) {
    nblocks--;
    System.arraycopy(blocks, k + 1, blocks, k, nblocks - k);
    System.arraycopy(used, k + 1, used, k, nblocks - k);
    System.arraycopy(firstDoc, k + 1, firstDoc, k, nblocks - k);
    blocks[nblocks] = null;
  }

  /** Replaces block {@code k}'s bytes {@code [from, to)} with {@code with[0, n)}. */
  private void replace(int k, int from, int to, byte[] with, int n) {
    byte[] b = blocks[k];
    int u = used[k];
    int nu = u - (to - from) + n;
    if (nu > b.length || b.length > 64 && nu < b.length / 4) {
      byte[] nb = new byte[Math.max(nu, nu > b.length ? b.length + (b.length >> 1) : nu * 2)];
      System.arraycopy(b, 0, nb, 0, from);
      System.arraycopy(b, to, nb, from + n, u - to);
      blocks[k] = b = nb;
    } else {
      System.arraycopy(b, to, b, from + n, u - to);
    }
    if (n > 0) {
      System.arraycopy(with, 0, b, from, n);
    }
    used[k] = nu;
    bytesUsed += nu - u;
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
    blocks = w.blocks;
    used = w.used;
    firstDoc = w.firstDoc;
    nblocks = w.nblocks;
    bytesUsed = w.bytesUsed;
    wide = true;
  }

  private int entrySize(int delta, int freq, long m0, long m1, int[] pos, int npos) {
    int posBytes = 0;
    int last = 0;
    for (int i = 0; i < npos; i++) {
      posBytes += varintLen(pos[i] - last);
      last = pos[i];
    }
    return varintLen(delta) + varintLen(freq) + varlongLen(m0) + (wide ? varlongLen(m1) : 0) + varintLen(posBytes)
        + posBytes;
  }

  private int write(byte[] b, int p, int delta, int freq, long m0, long m1, int[] pos, int npos) {
    p = putVarint(b, p, delta);
    p = putVarint(b, p, freq);
    p = putVarlong(b, p, m0);
    if (wide) {
      p = putVarlong(b, p, m1);
    }
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

  static int varlongLen(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
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

  /** The offset after the varlong at {@code p}, in the high 32 bits (its value is not needed where this is used). */
  private static long varlong(byte[] b, int p) {
    while (b[p++] < 0) {
      // continuation bytes
    }
    return (long) p << 32;
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
    /** The current block, its index and bytes used, and the offset of the next entry in it. */
    private byte[] b;
    private int block = -1;
    private int stop;
    private int end;

    private void enter(int k) {
      block = k;
      b = blocks[k];
      stop = used[k];
      end = 0;
      doc = firstDoc[k]; // the first entry's delta is 0
    }

    int next() {
      if (end >= stop) {
        if (block + 1 >= nblocks) {
          return doc = END;
        }
        enter(block + 1);
      }
      byte[] b = this.b;
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
      doc += v;
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
      int k = block + 1;
      if (k < nblocks && firstDoc[k] <= target) {
        int hi = nblocks - 1;
        while (k < hi) { // the last block whose first document is at or below the target
          int mid = (k + hi + 1) >>> 1;
          if (firstDoc[mid] <= target) {
            k = mid;
          } else {
            hi = mid - 1;
          }
        }
        enter(k);
        if (next() >= target) {
          return doc;
        }
      }
      while (next() < target) {
        // linear within a block
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
      byte[] x = b;
      int p = posAt;
      int pe = p + posLen;
      byte[] y = next.b;
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

    /** Whether the current entry has positions (an index made with NOOFFSETS has none). */
    boolean hasPositions() {
      return posLen > 0;
    }

    /** The current entry's positions in {@code buf} (or a larger copy), their count in {@link #npos}. */
    int[] positions(int[] buf) {
      int p = posAt;
      int to = posAt + posLen;
      int n = 0;
      int last = 0;
      byte[] b = this.b;
      while (p < to) {
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
