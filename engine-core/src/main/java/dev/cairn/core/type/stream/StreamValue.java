package dev.cairn.core.type.stream;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.connection.Session;
import dev.cairn.core.type.list.ListPack;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream: its entries in nodes (Redis's listpack layout, see {@link StreamNode}) kept in an ordered index of master
 * IDs, as Redis keeps them in a radix tree; plus the stream's counters and its consumer groups.
 *
 * <p>The node index is three parallel arrays (master ms, master seq, listpack) used as a deque: entries are appended
 * to the last node and trimming removes nodes from the front, both O(1); lookups by ID are a binary search. Only the
 * last node has spare room to grow into, so a million small entries take a few bytes each plus one array per ~100
 * entries.
 */
public final class StreamValue implements RedisValue {
  private long[] keyMs = new long[4];
  private long[] keySeq = new long[4];
  private byte[][] lps = new byte[4][];
  private int head;
  private int count;

  /** Live entries. */
  long length;
  /** The last ID ever added (or set by XSETID). */
  long lastMs;
  long lastSeq;
  /** The first live entry's ID, 0-0 when empty. */
  long firstMs;
  long firstSeq;
  /** The largest ID ever deleted (XDEL), 0-0 if none. */
  long maxDelMs;
  long maxDelSeq;
  /** Entries ever added (a logical offset for consumer group lag). */
  long entriesAdded;
  /** Consumer groups by name, in byte order as Redis lists them; null while there is none. */
  TreeMap<byte[], StreamGroup> groups;

  @Override
  public String typeName() {
    return "stream";
  }

  @Override
  public String encoding() {
    return "stream";
  }

  /** Redis's estimate: the nodes, and each group with a PEL the size of the first group's. */
  @Override
  public long freeEffort() {
    long effort = count;
    if (groups != null && !groups.isEmpty()) {
      effort += (long) groups.size() * (1 + groups.firstEntry().getValue().pel.size());
    }
    return effort;
  }

  public long length() {
    return length;
  }

  StreamId lastId() {
    return new StreamId(lastMs, lastSeq);
  }

  StreamId firstId() {
    return new StreamId(firstMs, firstSeq);
  }

  StreamId maxDeletedId() {
    return new StreamId(maxDelMs, maxDelSeq);
  }

  // ---- node index

  int nodeCount() {
    return count;
  }

  long nodeMs(int i) {
    return keyMs[head + i];
  }

  long nodeSeq(int i) {
    return keySeq[head + i];
  }

  byte[] nodeLp(int i) {
    return lps[head + i];
  }

  void setNodeLp(int i, byte[] lp) {
    lps[head + i] = lp;
  }

  /** Adds a node after the last one. */
  void addNode(long ms, long seq, byte[] lp) {
    if (head + count == lps.length) {
      if (head > 0 && head >= count) {
        // the front was trimmed away: slide down instead of growing
        System.arraycopy(keyMs, head, keyMs, 0, count);
        System.arraycopy(keySeq, head, keySeq, 0, count);
        System.arraycopy(lps, head, lps, 0, count);
        Arrays.fill(lps, count, head + count, null);
        head = 0;
      } else {
        int cap = Math.max(4, lps.length * 2);
        keyMs = Arrays.copyOf(keyMs, cap);
        keySeq = Arrays.copyOf(keySeq, cap);
        lps = Arrays.copyOf(lps, cap);
      }
    }
    int at = head + count;
    keyMs[at] = ms;
    keySeq[at] = seq;
    lps[at] = lp;
    count++;
  }

  void removeNode(int i) {
    int at = head + i;
    if (i == 0) {
      lps[at] = null;
      head++;
      count--;
      if (count == 0) {
        head = 0;
      }
      return;
    }
    int tail = count - i - 1;
    System.arraycopy(keyMs, at + 1, keyMs, at, tail);
    System.arraycopy(keySeq, at + 1, keySeq, at, tail);
    System.arraycopy(lps, at + 1, lps, at, tail);
    lps[head + count - 1] = null;
    count--;
  }

  /** The index of the last node whose master ID is at most the given ID, or -1. */
  int floorNode(long ms, long seq) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (StreamId.compare(keyMs[head + mid], keySeq[head + mid], ms, seq) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  // ---- adding

  /**
   * Appends an entry with ID {@code ms-seq} (greater than the last ID: the caller checked) and the fields and values
   * at {@code argv[from..]}. A new node starts when the last one reached {@code maxBytes} (counting the new entry's
   * raw field and value bytes) or {@code maxEntries} entries, live or deleted, as Redis decides it.
   */
  void append(long ms, long seq, byte[][] argv, int from, int numFields, long maxBytes, long maxEntries) {
    long rawBytes = 0;
    for (int i = 0; i < numFields * 2; i++) {
      rawBytes += argv[from + i].length;
    }
    long limit = maxBytes == 0 || maxBytes > MAX_NODE_BYTES ? MAX_NODE_BYTES : maxBytes;
    int last = count - 1;
    boolean newNode = last < 0;
    if (!newNode) {
      byte[] lp = nodeLp(last);
      if (StreamNode.bytes(lp) + rawBytes >= limit) {
        newNode = true;
      } else if (maxEntries != 0 && StreamNode.count(lp) + StreamNode.deleted(lp) >= maxEntries) {
        newNode = true;
      }
      if (newNode) {
        setNodeLp(last, StreamNode.shrink(lp));
      }
    }
    if (newNode) {
      int prealloc = (int) Math.min(PREALLOC, maxBytes > 0 ? maxBytes : PREALLOC);
      addNode(ms, seq, StreamNode.create(argv, from, numFields, Math.min(prealloc, 256)));
      last = count - 1;
    }
    byte[] lp = StreamNode.append(nodeLp(last), ms - nodeMs(last), seq - nodeSeq(last), argv, from, numFields);
    setNodeLp(last, lp);
    length++;
    entriesAdded++;
    lastMs = ms;
    lastSeq = seq;
    if (length == 1) {
      firstMs = ms;
      firstSeq = seq;
    }
  }

  /** Redis's cap on a node's bytes (STREAM_LISTPACK_MAX_SIZE), and on an entry's raw bytes. */
  static final long MAX_NODE_BYTES = 1L << 30;
  private static final int PREALLOC = 4096;

  // ---- lookups

  /** The first (or last) entry's ID, tombstones counted or not; MAX (first) or MIN (last) when there is none. */
  StreamId edgeId(boolean first, boolean skipTombstones) {
    StreamIterator it = new StreamIterator(this, !first);
    it.skipTombstones = skipTombstones;
    if (it.next()) {
      return new StreamId(it.ms, it.seq);
    }
    return first ? StreamId.MAX : StreamId.MIN;
  }

  /** The last live entry's ID (0-0 when empty). */
  StreamId lastValidId() {
    StreamIterator it = new StreamIterator(this, true);
    return it.next() ? new StreamId(it.ms, it.seq) : StreamId.MIN;
  }

  /** Whether a live entry has this ID. */
  boolean exists(StreamId id) {
    return new StreamIterator(this, id.ms(), id.seq(), id.ms(), id.seq(), false).next();
  }

  /**
   * Deletes the live entry with this ID (XDEL): records it as the largest deleted ID if it is, and moves the first ID
   * on if it was the first. False if there is no such entry.
   */
  boolean delete(long ms, long seq) {
    StreamIterator it = new StreamIterator(this, ms, seq, ms, seq, false);
    if (!it.next()) {
      return false;
    }
    int n = it.nodeIndex();
    byte[] lp = nodeLp(n);
    if (StreamNode.count(lp) == 1) {
      removeNode(n);
    } else {
      setNodeLp(n, StreamNode.markDeleted(lp, it.flagsPos));
    }
    length--;
    if (StreamId.compare(ms, seq, maxDelMs, maxDelSeq) > 0) {
      maxDelMs = ms;
      maxDelSeq = seq;
    }
    if (length == 0 || (ms == firstMs && seq == firstSeq)) {
      refreshFirstId();
    }
    return true;
  }

  /** Recomputes the first ID after entries went. */
  void refreshFirstId() {
    if (length == 0) {
      firstMs = 0;
      firstSeq = 0;
    } else {
      StreamId f = edgeId(true, true);
      firstMs = f.ms();
      firstSeq = f.seq();
    }
  }

  // ---- trimming

  /**
   * Trims from the head, as Redis's streamTrim: by length ({@code minId} null) to {@code maxLen} entries, or by ID to
   * no entry below {@code minId}. Approximate trimming removes only whole nodes; {@code limit} (0: none) caps the
   * entries removed. Returns the number removed.
   */
  long trim(long maxLen, StreamId minId, boolean approx, long limit) {
    boolean byLen = minId == null;
    long deleted = 0;
    while (count > 0) {
      if (byLen && length <= maxLen) {
        break;
      }
      byte[] lp = nodeLp(0);
      long entries = StreamNode.count(lp);
      if (limit != 0 && deleted + entries > limit) {
        break;
      }
      long mMs = nodeMs(0);
      long mSeq = nodeSeq(0);
      boolean removeNode;
      if (byLen) {
        removeNode = length - entries >= maxLen;
      } else {
        int lastEntry = StreamNode.entryStartBefore(lp, StreamNode.end(lp));
        int q = lastEntry + ListPack.entryLen(lp, lastEntry);
        long lMs = mMs + ListPack.intAt(lp, q);
        q += ListPack.entryLen(lp, q);
        long lSeq = mSeq + ListPack.intAt(lp, q);
        removeNode = StreamId.compare(lMs, lSeq, minId.ms(), minId.seq()) < 0;
      }
      if (removeNode) {
        removeNode(0);
        length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) {
        break;
      }
      // mark entries deleted inside the head node, as far as needed
      int p = StreamNode.masterFieldsCountPos(lp);
      long masterFields = ListPack.intAt(lp, p);
      p = StreamNode.firstEntryPos(lp);
      long removedHere = 0;
      while (p < StreamNode.end(lp)) {
        long flags = ListPack.intAt(lp, p);
        int q = p + ListPack.entryLen(lp, p);
        long eMs = mMs + ListPack.intAt(lp, q);
        q += ListPack.entryLen(lp, q);
        long eSeq = mSeq + ListPack.intAt(lp, q);
        boolean stop = byLen ? length <= maxLen : StreamId.compare(eMs, eSeq, minId.ms(), minId.seq()) >= 0;
        if (stop) {
          break;
        }
        int next = StreamNode.entryEnd(lp, p, masterFields);
        if ((flags & StreamNode.DELETED) == 0) {
          StreamNode.writeInt(lp, p, flags | StreamNode.DELETED);
          removedHere++;
          length--;
        }
        p = next;
      }
      deleted += removedHere;
      lp = StreamNode.replaceInt(lp, StreamNode.HEADER, entries - removedHere);
      int del = StreamNode.HEADER + ListPack.entryLen(lp, StreamNode.HEADER);
      lp = StreamNode.addToInt(lp, del, removedHere);
      setNodeLp(0, lp);
      break;
    }
    if (length == 0) {
      firstMs = 0;
      firstSeq = 0;
    } else if (deleted > 0) {
      refreshFirstId();
    }
    return deleted;
  }

  // ---- consumer groups

  StreamGroup group(byte[] name) {
    return groups == null ? null : groups.get(name);
  }

  /** Creates a group; null if one of that name exists. */
  StreamGroup createGroup(byte[] name, StreamId lastId, long entriesRead) {
    if (groups == null) {
      groups = new TreeMap<>(Arrays::compareUnsigned);
    }
    if (groups.containsKey(name)) {
      return null;
    }
    StreamGroup g = new StreamGroup(lastId, entriesRead);
    groups.put(name, g);
    return g;
  }

  int groupCount() {
    return groups == null ? 0 : groups.size();
  }

  // ---- lag bookkeeping (Redis 7's entries-read counters)

  /** Whether a deleted entry may lie between {@code start} (null: the beginning) and the end of the stream. */
  boolean rangeHasTombstones(StreamId start) {
    if (length == 0 || (maxDelMs == 0 && maxDelSeq == 0)) {
      return false;
    }
    if (StreamId.compare(firstMs, firstSeq, maxDelMs, maxDelSeq) > 0) {
      return false; // the latest tombstone is before the first entry
    }
    long sMs = start == null ? 0 : start.ms();
    long sSeq = start == null ? 0 : start.seq();
    return StreamId.compare(sMs, sSeq, maxDelMs, maxDelSeq) <= 0;
  }

  /**
   * The logical read counter of {@code id}: its distance from the first entry ever added, when it can be known
   * (the last ID, the first entry or before it with no tombstones, an empty stream); {@link StreamGroup#INVALID}
   * otherwise.
   */
  long estimateDistanceFromFirstEverEntry(StreamId id) {
    if (entriesAdded == 0) {
      return 0;
    }
    int cmpLast = StreamId.compare(id.ms(), id.seq(), lastMs, lastSeq);
    if (length == 0 && cmpLast < 1) {
      return entriesAdded;
    }
    if (cmpLast == 0) {
      return entriesAdded;
    } else if (cmpLast > 0) {
      return StreamGroup.INVALID;
    }
    int cmpIdFirst = StreamId.compare(id.ms(), id.seq(), firstMs, firstSeq);
    int cmpXdelFirst = StreamId.compare(maxDelMs, maxDelSeq, firstMs, firstSeq);
    if ((maxDelMs == 0 && maxDelSeq == 0) || cmpXdelFirst < 0) {
      if (cmpIdFirst < 0) {
        return entriesAdded - length;
      } else if (cmpIdFirst == 0) {
        return entriesAdded - length + 1;
      }
    }
    return StreamGroup.INVALID;
  }

  /** A group's lag (entries not yet delivered to it), or -1 when it cannot be known (XINFO then shows null). */
  long lag(StreamGroup g) {
    if (entriesAdded == 0) {
      return 0;
    }
    if (g.entriesRead != StreamGroup.INVALID && !rangeHasTombstones(g.lastId)) {
      return entriesAdded - g.entriesRead;
    }
    long read = estimateDistanceFromFirstEverEntry(g.lastId);
    return read == StreamGroup.INVALID ? -1 : entriesAdded - read;
  }

  // ---- copies and sizes

  /**
   * Announces an in-place change to the stream at {@code key} reached by a read lookup (XREADGROUP, XACK, XCLAIM and
   * XAUTOCLAIM look their key up for reading, as Redis does, and then change PELs and consumers): a running snapshot
   * takes its copy first.
   */
  static void willChange(CommandContext c, byte[] key) {
    ((Session) c).db().willChange(key);
  }

  @Override
  public StreamValue copy() {
    StreamValue c = new StreamValue();
    int cap = Math.max(4, count);
    c.keyMs = new long[cap];
    c.keySeq = new long[cap];
    c.lps = new byte[cap][];
    for (int i = 0; i < count; i++) {
      c.keyMs[i] = nodeMs(i);
      c.keySeq[i] = nodeSeq(i);
      c.lps[i] = i == count - 1 ? nodeLp(i).clone() : StreamNode.shrink(nodeLp(i)).clone();
    }
    c.count = count;
    c.length = length;
    c.lastMs = lastMs;
    c.lastSeq = lastSeq;
    c.firstMs = firstMs;
    c.firstSeq = firstSeq;
    c.maxDelMs = maxDelMs;
    c.maxDelSeq = maxDelSeq;
    c.entriesAdded = entriesAdded;
    if (groups != null) {
      c.groups = new TreeMap<>(Arrays::compareUnsigned);
      for (Map.Entry<byte[], StreamGroup> e : groups.entrySet()) {
        c.groups.put(e.getKey(), e.getValue().copy());
      }
    }
    return c;
  }

  @Override
  public long estimatedBytes(int samples) {
    long bytes = 96 + 24L * lps.length;
    for (int i = 0; i < count; i++) {
      bytes += 16 + ((nodeLp(i).length + 7) & ~7L);
    }
    if (groups != null) {
      for (Map.Entry<byte[], StreamGroup> e : groups.entrySet()) {
        bytes += 64 + e.getKey().length + e.getValue().estimatedBytes();
      }
    }
    return bytes;
  }

  /**
   * The number of nodes of a radix tree holding the node keys (XINFO STREAM's radix-tree-nodes): Redis's rax is a
   * compressed trie over the 16-byte big-endian master IDs, with a node at the root, at each key, at each branching
   * point and at each child of a branching point. Computed from the sorted keys' common prefixes.
   */
  long radixTreeNodes() {
    if (count == 0) {
      return 1;
    }
    byte[][] keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = new StreamId(nodeMs(i), nodeSeq(i)).encode();
    }
    return RadixCount.nodes(keys);
  }
}
