package dev.cairn.core.type.list;

import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.sort.SortSource;
import java.util.function.Consumer;

/**
 * A list: a deque of packed nodes ({@link ListNode}), each a run of listpack entries. A small list is one node and
 * reports the encoding {@code listpack}; past {@code list-max-listpack-size} it becomes a {@code quicklist} whose nodes
 * are each bounded by that limit (negative: 4k..64k bytes; positive: entries, within 8k bytes), and it turns back
 * into a listpack when it shrinks to one node of at most half the limit, as Redis does. Push and pop at either end are
 * amortized O(1); reaching an index walks the nodes from the nearer end, then the entries of one node.
 *
 * <p>The conversion checks ({@link #convertForAdd}, {@link #tryShrink}) are the commands' to call, with the limit
 * read once per command, because Redis checks a whole batch of elements before pushing any of them.
 */
public final class ListValue implements RedisValue, SortSource {
  /** Redis's SIZE_SAFETY_LIMIT: the byte bound of a node whose limit is a count of entries. */
  static final int SIZE_SAFETY_LIMIT = 8192;
  /** Redis's SIZE_ESTIMATE_OVERHEAD: what an insert is assumed to add beyond the element's bytes. */
  private static final int SIZE_ESTIMATE_OVERHEAD = 8;
  private static final ListNode[] NO_NODES = new ListNode[0];

  /** Circular array, capacity a power of two. */
  private ListNode[] nodes = NO_NODES;
  private int head;
  private int nodeCount;
  private long size;
  private boolean quicklist;

  @Override
  public String typeName() {
    return "list";
  }

  @Override
  public String encoding() {
    return quicklist ? "quicklist" : "listpack";
  }

  @Override
  public long freeEffort() {
    return quicklist ? nodeCount() : 1;
  }

  /** Referenced only from this value once it is dropped: what lazy free watches (see RedisValue#releaseToken). */
  private Object releaseToken;

  @Override
  public Object releaseToken() {
    return releaseToken = new Object();
  }

  /**
   * The heap this list holds: this object, the node array, and each node with its byte array (free room included);
   * counted exactly up to {@link #EXACT_NODES} nodes, beyond that from that many nodes spread over the list, so that
   * measuring a long list after each write stays cheap.
   */
  @Override
  public long estimatedBytes(int samples) {
    long total = 40 + ((16 + 4L * nodes.length + 7) & ~7L);
    int step = samples <= 0 || nodeCount <= EXACT_NODES ? 1 : nodeCount / EXACT_NODES;
    long sum = 0;
    int seen = 0;
    for (int i = 0; i < nodeCount; i += step, seen++) {
      sum += 32 + dev.cairn.core.server.MemoryEstimate.byteArray(node(i).buf.length);
    }
    return total + (step == 1 ? sum : sum * nodeCount / seen);
  }

  private static final int EXACT_NODES = 64;

  /** An independent copy with the same elements, nodes and encoding (COPY). */
  @Override
  public ListValue copy() {
    ListValue c = new ListValue();
    for (int i = 0; i < nodeCount; i++) {
      ListNode n = node(i);
      ListNode m = new ListNode(java.util.Arrays.copyOfRange(n.buf, n.start, n.end), 0, n.end - n.start, n.count);
      m.plain = n.plain;
      c.appendLoadedNode(m);
    }
    c.quicklist = quicklist;
    return c;
  }

  public boolean isQuicklist() {
    return quicklist;
  }

  public long size() {
    return size;
  }

  /** Number of packed nodes (1 for a listpack). */
  public int nodeCount() {
    return nodeCount;
  }

  // ---- limits (Redis's quicklistNodeExceedsLimit)

  static long byteLimit(int fill) {
    if (fill >= 0) {
      return Long.MAX_VALUE;
    }
    int level = Math.min(-fill - 1, 4);
    return 4096L << level;
  }

  static long countLimit(int fill) {
    return fill >= 0 ? (fill == 0 ? 1 : fill) : 0xFFFFFFFFL;
  }

  static boolean exceeds(int fill, long bytes, long count) {
    if (fill >= 0) {
      return bytes > SIZE_SAFETY_LIMIT || count > countLimit(fill);
    }
    return bytes > byteLimit(fill);
  }

  private static boolean isLarge(long len, int fill) {
    long threshold = ListConfig.packedThreshold();
    if (threshold != ListConfig.DEFAULT_PACKED_THRESHOLD) {
      return len >= threshold; // DEBUG QUICKLIST-PACKED-THRESHOLD
    }
    return fill >= 0 ? len > SIZE_SAFETY_LIMIT : len > byteLimit(fill);
  }

  /**
   * Before adding {@code count} elements of {@code bytes} raw bytes in all: a listpack that would then exceed the limit
   * becomes a quicklist (its one node becomes the first quicklist node).
   */
  public void convertForAdd(long bytes, int count, int fill) {
    if (!quicklist && exceeds(fill, lpBytes() + bytes, size + count)) {
      quicklist = true;
    }
  }

  /** After removals: a quicklist of one node at most half the limit becomes a listpack again. */
  public void tryShrink(int fill) {
    if (!quicklist || nodeCount > 1) {
      return;
    }
    if (nodeCount == 1) {
      ListNode n = node(0);
      if (n.plain || n.lpBytes() > byteLimit(fill) / 2 || n.count > countLimit(fill) / 2) {
        return;
      }
    }
    quicklist = false;
    if (nodeCount == 1) {
      node(0).trimToSize();
    }
  }

  private long lpBytes() {
    return nodeCount == 0 ? ListPack.OVERHEAD : node(0).lpBytes();
  }

  // ---- node deque

  private ListNode node(int i) {
    return nodes[(head + i) & (nodes.length - 1)];
  }

  private void setNode(int i, ListNode n) {
    nodes[(head + i) & (nodes.length - 1)] = n;
  }

  private void growNodes() {
    int cap = nodes.length == 0 ? 1 : nodes.length * 2;
    ListNode[] nn = new ListNode[cap];
    for (int i = 0; i < nodeCount; i++) {
      nn[i] = node(i);
    }
    nodes = nn;
    head = 0;
  }

  private void insertNode(int at, ListNode n) {
    if (nodeCount == nodes.length) {
      growNodes();
    }
    if (at == 0) {
      head = (head - 1) & (nodes.length - 1);
      nodes[head] = n;
    } else {
      for (int i = nodeCount; i > at; i--) {
        setNode(i, node(i - 1));
      }
      setNode(at, n);
    }
    nodeCount++;
  }

  private void removeNode(int at) {
    if (at == 0) {
      nodes[head] = null;
      head = (head + 1) & (nodes.length - 1);
    } else {
      for (int i = at; i < nodeCount - 1; i++) {
        setNode(i, node(i + 1));
      }
      setNode(nodeCount - 1, null);
    }
    nodeCount--;
    if (nodeCount == 0) {
      head = 0;
    }
  }

  /** Node {@code i} (for the RDB codec). */
  ListNode nodeAt(int i) {
    return node(i);
  }

  /** Appends a node read from an RDB payload. */
  void appendLoadedNode(ListNode n) {
    insertNode(nodeCount, n);
    size += n.count;
  }

  /** After loading: one packed node within the limit is a listpack (Redis converts at load, the full limit). */
  void settleAfterLoad(int fill) {
    quicklist = !(nodeCount == 1 && !node(0).plain && !exceeds(fill, node(0).lpBytes(), node(0).count));
  }

  // ---- ends

  /** Pushes {@code v} at the head or the tail. */
  public void push(byte[] v, boolean atHead, int fill) {
    push(v, 0, v.length, atHead, fill);
  }

  /**
   * Pushes the {@code len} bytes of {@code v} at {@code off} (an argument read in place: the bytes are copied into a
   * node, so no array of its own is needed) at the head or the tail.
   */
  public void push(byte[] v, int off, int len, boolean atHead, int fill) {
    long iv = ListPack.intValue(v, off, len);
    int sz = ListPack.entrySize(len, iv);
    ListNode n;
    if (!quicklist) {
      if (nodeCount == 0) {
        insertNode(0, new ListNode(0));
      }
      n = node(0);
    } else {
      n = nodeCount == 0 ? null : atHead ? node(0) : node(nodeCount - 1);
      boolean large = isLarge(len, fill);
      if (n == null || n.plain || large
          || exceeds(fill, (long) n.lpBytes() + len + SIZE_ESTIMATE_OVERHEAD, n.count + 1L)) {
        if (n != null) {
          n.trimIfLoose();
        }
        // a byte-limited node is sized for its limit up front: no copies while it fills
        int cap = fill < 0 && !large ? (int) byteLimit(fill) - ListPack.OVERHEAD : 0;
        n = new ListNode(cap);
        if (atHead) {
          n.start = cap;
          n.end = cap;
        }
        n.plain = large;
        insertNode(atHead ? 0 : nodeCount, n);
      }
    }
    if (atHead) {
      n.pushHead(v, off, len, sz, iv);
    } else {
      n.pushTail(v, off, len, sz, iv);
    }
    size++;
  }

  /** Removes and returns the head or tail element; the list must not be empty. */
  public byte[] pop(boolean atHead) {
    int ni = atHead ? 0 : nodeCount - 1;
    ListNode n = node(ni);
    byte[] v;
    if (atHead) {
      int p = n.start;
      v = ListPack.bytesAt(n.buf, p);
      n.start = p + ListPack.entryLen(n.buf, p);
    } else {
      int p = ListPack.prev(n.buf, n.end);
      v = ListPack.bytesAt(n.buf, p);
      n.end = p;
    }
    n.count--;
    size--;
    if (n.count == 0) {
      removeNode(ni);
    }
    return v;
  }

  /** Removes the head or tail element and writes it as a bulk string, straight from its node; not empty. */
  public void pop(boolean atHead, Reply r) {
    int ni = atHead ? 0 : nodeCount - 1;
    ListNode n = node(ni);
    if (atHead) {
      int p = n.start;
      ListPack.reply(n.buf, p, r);
      n.start = p + ListPack.entryLen(n.buf, p);
    } else {
      int p = ListPack.prev(n.buf, n.end);
      ListPack.reply(n.buf, p, r);
      n.end = p;
    }
    n.count--;
    size--;
    if (n.count == 0) {
      removeNode(ni);
    }
  }

  /** Removes {@code k} elements from the head. */
  public void trimHead(long k) {
    while (k > 0) {
      ListNode f = node(0);
      if (f.count <= k) {
        k -= f.count;
        size -= f.count;
        removeNode(0);
      } else {
        int p = f.start;
        for (long i = 0; i < k; i++) {
          p += ListPack.entryLen(f.buf, p);
        }
        f.start = p;
        f.count -= (int) k;
        size -= k;
        k = 0;
      }
    }
  }

  /** Removes {@code k} elements from the tail. */
  public void trimTail(long k) {
    while (k > 0) {
      ListNode l = node(nodeCount - 1);
      if (l.count <= k) {
        k -= l.count;
        size -= l.count;
        removeNode(nodeCount - 1);
      } else {
        int p = l.end;
        for (long i = 0; i < k; i++) {
          p = ListPack.prev(l.buf, p);
        }
        l.end = p;
        l.count -= (int) k;
        size -= k;
        k = 0;
      }
    }
  }

  // ---- by index and by value

  /** The element at {@code index} (0-based, in range). */
  public byte[] get(long index) {
    Cursor c = cursor(index, false);
    return c.value();
  }

  /** Writes {@code count} elements from {@code start} (in range) as bulk strings, straight from the nodes. */
  public void replyRange(long start, long count, Reply r) {
    long place = place(start); // no cursor object: LRANGE allocates nothing
    int ni = (int) (place >>> 32);
    ListNode n = node(ni);
    int p = offsetIn(n, (int) place);
    for (long i = 0; i < count; i++) {
      byte[] b = n.buf;
      int e = b[p] & 0xFF;
      int body;
      // the common short string and small integer decoded inline; the rest by ListPack
      if ((e & 0xC0) == 0x80) {
        body = 1 + (e & 0x3F);
        r.bulk(b, p + 1, e & 0x3F);
      } else if ((e & 0x80) == 0) {
        body = 1;
        r.bulkLong(e);
      } else {
        ListPack.reply(b, p, r);
        body = ListPack.bodySize(b, p);
      }
      p += body + ListPack.backlenSize(body);
      if (p >= n.end && i + 1 < count) {
        n = node(++ni);
        p = n.start;
      }
    }
  }

  /** Replaces the element at {@code index} (in range). */
  public void set(long index, byte[] v, int fill) {
    Cursor c = cursor(index, false);
    c.node.replaceAt(c.pos, v);
    if (c.node.plain && !isLarge(v.length, fill)) {
      c.node.plain = false; // a plain node whose element is no longer large is an ordinary node again, as in Redis
    }
    splitIfOver(c.ni, fill);
  }

  /** Inserts {@code v} before or after the first element equal to {@code pivot}; false if there is none. */
  public boolean insert(byte[] pivot, byte[] v, boolean after, int fill) {
    ListPack.Needle needle = new ListPack.Needle(pivot);
    for (Cursor c = cursor(0, false); c.valid(); c.advance()) {
      if (c.matches(needle)) {
        int p = after ? c.pos + ListPack.entryLen(c.node.buf, c.pos) : c.pos;
        c.node.insertAt(p, v);
        size++;
        splitIfOver(c.ni, fill);
        return true;
      }
    }
    return false;
  }

  private void splitIfOver(int ni, int fill) {
    ListNode n = node(ni);
    if (quicklist && n.count > 1 && exceeds(fill, n.lpBytes(), n.count)) {
      insertNode(ni + 1, n.splitHalf());
    }
  }

  /**
   * Removes elements equal to {@code v}: the first {@code count} from the head if positive, from the tail if negative,
   * all if 0. Returns how many were removed.
   */
  public long remove(byte[] v, long count) {
    ListPack.Needle needle = new ListPack.Needle(v);
    boolean reverse = count < 0;
    long max = count == 0 ? Long.MAX_VALUE : Math.abs(count);
    long removed = 0;
    if (size == 0) {
      return 0;
    }
    Cursor c = cursor(reverse ? size - 1 : 0, reverse);
    while (c.valid() && removed < max) {
      if (c.matches(needle)) {
        c.remove();
        removed++;
      } else {
        c.advance();
      }
    }
    return removed;
  }

  @Override
  public long sortSize() {
    return size;
  }

  @Override
  public void forEachMember(Consumer<byte[]> action) {
    for (Cursor c = cursor(0, false); c.valid(); c.advance()) {
      action.accept(c.value());
    }
  }

  @Override
  public void forEachInRange(long start, long end, boolean reverse, Consumer<byte[]> action) {
    Cursor c = cursor(reverse ? size - 1 - start : start, reverse);
    for (long i = start; i <= end && c.valid(); i++, c.advance()) {
      action.accept(c.value());
    }
  }

  /** All elements, head to tail. */
  public byte[][] toArray() {
    byte[][] out = new byte[(int) size][];
    int i = 0;
    for (Cursor c = cursor(0, false); c.valid(); c.advance()) {
      out[i++] = c.value();
    }
    return out;
  }

  /**
   * A cursor on the element at {@code index}, moving towards the tail, or towards the head if {@code reverse}. An
   * index outside the list gives a cursor that is not {@link Cursor#valid}.
   */
  public Cursor cursor(long index, boolean reverse) {
    Cursor c = new Cursor(reverse);
    if (index < 0 || index >= size) {
      return c;
    }
    long place = place(index);
    c.at((int) (place >>> 32), (int) place);
    return c;
  }

  /**
   * Where the element at {@code index} (in range) lies: its node's index in the high 32 bits, its index in that node in
   * the low 32 (a node holds fewer than 2^31 elements), walked from the nearer end.
   */
  private long place(long index) {
    if (index < size / 2) {
      int ni = 0;
      while (index >= node(ni).count) {
        index -= node(ni).count;
        ni++;
      }
      return (long) ni << 32 | index;
    }
    long fromEnd = size - 1 - index;
    int ni = nodeCount - 1;
    while (fromEnd >= node(ni).count) {
      fromEnd -= node(ni).count;
      ni--;
    }
    return (long) ni << 32 | (node(ni).count - 1 - fromEnd);
  }

  /** The offset in {@code node}'s buffer of its element {@code inNode}, walked from the nearer end of the node. */
  private static int offsetIn(ListNode node, long inNode) {
    if (inNode <= node.count / 2) {
      int p = node.start;
      for (long i = 0; i < inNode; i++) {
        p += ListPack.entryLen(node.buf, p);
      }
      return p;
    }
    int p = node.end;
    for (long i = node.count - inNode; i > 0; i--) {
      p = ListPack.prev(node.buf, p);
    }
    return p;
  }

  /** A position on one element; {@link #advance} moves in the cursor's direction. */
  public final class Cursor {
    private final boolean reverse;
    private int ni;
    private ListNode node;
    private int pos;

    private Cursor(boolean reverse) {
      this.reverse = reverse;
    }

    private void at(int nodeIndex, long inNode) {
      ni = nodeIndex;
      node = node(ni);
      pos = offsetIn(node, inNode);
    }

    public boolean valid() {
      return node != null;
    }

    public byte[] value() {
      return ListPack.bytesAt(node.buf, pos);
    }

    public void reply(Reply r) {
      ListPack.reply(node.buf, pos, r);
    }

    boolean matches(ListPack.Needle n) {
      return n.matches(node.buf, pos);
    }

    /** Whether the element equals {@code v}. */
    public boolean equalsValue(byte[] v) {
      return new ListPack.Needle(v).matches(node.buf, pos);
    }

    public void advance() {
      if (!reverse) {
        pos += ListPack.entryLen(node.buf, pos);
        if (pos >= node.end) {
          nextNode();
        }
      } else if (pos == node.start) {
        prevNode();
      } else {
        pos = ListPack.prev(node.buf, pos);
      }
    }

    private void nextNode() {
      ni++;
      node = ni < nodeCount ? node(ni) : null;
      if (node != null) {
        pos = node.start;
      }
    }

    private void prevNode() {
      ni--;
      node = ni >= 0 ? node(ni) : null;
      if (node != null) {
        pos = ListPack.prev(node.buf, node.end);
      }
    }

    /** Removes the element and moves to the next one in the cursor's direction. */
    public void remove() {
      boolean first = pos == node.start;
      node.removeAt(pos);
      size--;
      if (node.count == 0) {
        removeNode(ni);
        if (!reverse) {
          ni--;
          nextNode();
        } else {
          prevNode();
        }
      } else if (!reverse) {
        if (pos >= node.end) {
          nextNode();
        }
      } else if (first) {
        prevNode();
      } else {
        pos = ListPack.prev(node.buf, pos);
      }
    }
  }
}
