package dev.cairn.core.type.stream;

import dev.cairn.api.reply.Reply;
import dev.cairn.core.type.list.ListPack;

/**
 * Walks a stream's entries between two IDs (inclusive), forwards or backwards, reading straight from the node
 * listpacks: no object per entry. {@link #next()} moves to the next entry and exposes its ID ({@link #ms},
 * {@link #seq}) and field count; {@link #replyFields} writes its fields and values.
 */
final class StreamIterator {
  private final StreamValue s;
  private final long startMs;
  private final long startSeq;
  private final long endMs;
  private final long endSeq;
  private final boolean rev;
  /** Whether deleted entries are skipped (true but for the edge-ID lookups that count tombstones). */
  boolean skipTombstones = true;

  private int node;
  private byte[] lp;
  private long masterMs;
  private long masterSeq;
  private long masterFields;
  private int masterFieldsPos;
  private int firstEntry;
  /** Forward: the next entry's flags; backward: the end of the next (earlier) entry. */
  private int cursor;
  private boolean done;

  /** The current entry's ID. */
  long ms;
  long seq;
  /** The current entry's number of fields. */
  long numFields;
  /** The current entry's flags position (for deletion) and the position of its first field (or value). */
  int flagsPos;
  private int fieldsPos;
  private boolean sameFields;

  StreamIterator(StreamValue s, long startMs, long startSeq, long endMs, long endSeq, boolean rev) {
    this.s = s;
    this.startMs = startMs;
    this.startSeq = startSeq;
    this.endMs = endMs;
    this.endSeq = endSeq;
    this.rev = rev;
    if (!rev) {
      int n = s.floorNode(startMs, startSeq);
      node = n < 0 ? 0 : n;
    } else {
      node = s.floorNode(endMs, endSeq);
    }
    done = node < 0 || node >= s.nodeCount();
  }

  /** The whole stream. */
  StreamIterator(StreamValue s, boolean rev) {
    this(s, 0, 0, -1L, -1L, rev);
  }

  /** Index of the node the current entry is in. */
  int nodeIndex() {
    return node;
  }

  private void openNode() {
    lp = s.nodeLp(node);
    masterMs = s.nodeMs(node);
    masterSeq = s.nodeSeq(node);
    int p = StreamNode.masterFieldsCountPos(lp);
    masterFields = ListPack.intAt(lp, p);
    masterFieldsPos = p + ListPack.entryLen(lp, p);
    firstEntry = StreamNode.firstEntryPos(lp);
    cursor = rev ? StreamNode.end(lp) : firstEntry;
  }

  /** Moves to the next entry in range; false when there is none. */
  boolean next() {
    while (!done) {
      if (lp == null) {
        openNode();
      }
      int p;
      if (!rev) {
        if (cursor >= StreamNode.end(lp)) {
          nextNode();
          continue;
        }
        p = cursor;
        cursor = StreamNode.entryEnd(lp, p, masterFields);
      } else {
        if (cursor <= firstEntry) {
          nextNode();
          continue;
        }
        p = StreamNode.entryStartBefore(lp, cursor);
        cursor = p;
      }
      int flags = (int) ListPack.intAt(lp, p);
      int q = p + ListPack.entryLen(lp, p);
      long eMs = masterMs + ListPack.intAt(lp, q);
      q += ListPack.entryLen(lp, q);
      long eSeq = masterSeq + ListPack.intAt(lp, q);
      q += ListPack.entryLen(lp, q);
      if (!rev) {
        if (StreamId.compare(eMs, eSeq, startMs, startSeq) < 0) {
          continue;
        }
        if (StreamId.compare(eMs, eSeq, endMs, endSeq) > 0) {
          done = true;
          return false;
        }
      } else {
        if (StreamId.compare(eMs, eSeq, endMs, endSeq) > 0) {
          continue;
        }
        if (StreamId.compare(eMs, eSeq, startMs, startSeq) < 0) {
          done = true;
          return false;
        }
      }
      if ((flags & StreamNode.DELETED) != 0 && skipTombstones) {
        continue;
      }
      ms = eMs;
      seq = eSeq;
      flagsPos = p;
      sameFields = (flags & StreamNode.SAMEFIELDS) != 0;
      if (sameFields) {
        numFields = masterFields;
      } else {
        numFields = ListPack.intAt(lp, q);
        q += ListPack.entryLen(lp, q);
      }
      fieldsPos = q;
      return true;
    }
    return false;
  }

  private void nextNode() {
    lp = null;
    node += rev ? -1 : 1;
    if (node < 0 || node >= s.nodeCount()) {
      done = true;
    }
  }

  /** Writes the current entry's fields and values as bulk strings (2 * numFields of them). */
  void replyFields(Reply r) {
    int f = masterFieldsPos;
    int p = fieldsPos;
    for (long i = 0; i < numFields; i++) {
      if (sameFields) {
        ListPack.reply(lp, f, r);
        f += ListPack.entryLen(lp, f);
      } else {
        ListPack.reply(lp, p, r);
        p += ListPack.entryLen(lp, p);
      }
      ListPack.reply(lp, p, r);
      p += ListPack.entryLen(lp, p);
    }
  }

  /** Writes the current entry as Redis does: [id, [field, value, ...]]. */
  void replyEntry(Reply r) {
    r.array(2);
    StreamId.reply(r, ms, seq);
    r.array((int) (numFields * 2));
    replyFields(r);
  }

  /** Calls {@code out} with the current entry's fields and values in order, as fresh arrays. */
  void forEachFieldBytes(java.util.function.Consumer<byte[]> out) {
    int f = masterFieldsPos;
    int p = fieldsPos;
    for (long i = 0; i < numFields; i++) {
      if (sameFields) {
        out.accept(ListPack.bytesAt(lp, f));
        f += ListPack.entryLen(lp, f);
      } else {
        out.accept(ListPack.bytesAt(lp, p));
        p += ListPack.entryLen(lp, p);
      }
      out.accept(ListPack.bytesAt(lp, p));
      p += ListPack.entryLen(lp, p);
    }
  }
}
