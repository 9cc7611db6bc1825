package dev.cairn.core.type.list;

import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;

/**
 * Lists in the RDB format. Writes RDB type 18 (QUICKLIST_2), as Redis 7 does for both encodings (a listpack is one
 * packed node):
 *
 * <pre>
 * body      = node-count node*
 * node      = container (1 plain | 2 packed) string
 * plain     = the one element
 * packed    = listpack: total-bytes (u32 LE) entry-count (u16 LE, 65535 if more) entry* 0xFF
 * </pre>
 *
 * Since a node holds its entries in the listpack layout, a packed node is written and read as it is, after
 * validation. Reads the older forms too: type 1 (a plain list of strings), 10 (one ziplist) and 14 (a quicklist of
 * ziplists, Redis 3.2 to 6.2).
 */
public final class ListRdbCodec implements RdbValueCodec {
  private static final int PLAIN = 1;
  private static final int PACKED = 2;

  /** The type bytes this codec reads. */
  public static final int[] TYPES = {RdbCodecs.TYPE_LIST, RdbCodecs.TYPE_LIST_ZIPLIST, RdbCodecs.TYPE_LIST_QUICKLIST,
      RdbCodecs.TYPE_LIST_QUICKLIST_2};

  @Override
  public boolean handles(Object value) {
    return value instanceof ListValue;
  }

  @Override
  public boolean writesConcurrently() {
    return true; // ListValue's reads change nothing
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_LIST_QUICKLIST_2;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    ListValue list = (ListValue) value;
    int nodes = list.nodeCount();
    out.writeLength(nodes);
    for (int i = 0; i < nodes; i++) {
      ListNode n = list.nodeAt(i);
      if (n.plain && n.count == 1) {
        out.writeLength(PLAIN);
        out.writeString(ListPack.bytesAt(n.buf, n.start));
        continue;
      }
      int used = n.end - n.start;
      byte[] lp = new byte[used + ListPack.OVERHEAD];
      int total = lp.length;
      lp[0] = (byte) total;
      lp[1] = (byte) (total >> 8);
      lp[2] = (byte) (total >> 16);
      lp[3] = (byte) (total >> 24);
      int count = Math.min(n.count, 65535);
      lp[4] = (byte) count;
      lp[5] = (byte) (count >> 8);
      System.arraycopy(n.buf, n.start, lp, 6, used);
      lp[total - 1] = (byte) 0xFF;
      out.writeLength(PACKED);
      out.writeString(lp);
    }
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    int fill = ListConfig.fill();
    ListValue list = new ListValue();
    if (typeByte == RdbCodecs.TYPE_LIST) {
      long n = in.readLength();
      for (long i = 0; i < n; i++) {
        pushLoaded(list, in.readString(), fill);
      }
    } else if (typeByte == RdbCodecs.TYPE_LIST_ZIPLIST) {
      for (byte[] v : ziplist(in.readString(), "List ziplist")) {
        pushLoaded(list, v, fill);
      }
    } else if (typeByte == RdbCodecs.TYPE_LIST_QUICKLIST) {
      long nodes = in.readLength();
      for (long i = 0; i < nodes; i++) {
        for (byte[] v : ziplist(in.readString(), "Ziplist")) { // empty nodes are skipped
          pushLoaded(list, v, fill);
        }
      }
    } else if (typeByte == RdbCodecs.TYPE_LIST_QUICKLIST_2) {
      long nodes = in.readLength();
      for (long i = 0; i < nodes; i++) {
        long container = in.readLength();
        byte[] blob = in.readString();
        if (blob.length == 0) {
          throw new RdbFormatException("Quicklist integrity check failed. (empty node)"); // Redis refuses these too
        }
        if (container == PLAIN) {
          list.appendLoadedNode(plainNode(blob));
        } else if (container == PACKED) {
          int count = validListpack(blob);
          if (count < 0) {
            throw new RdbFormatException("Listpack integrity check failed.");
          }
          if (count > 0) { // Redis skips empty nodes
            list.appendLoadedNode(new ListNode(java.util.Arrays.copyOfRange(blob, 6, blob.length - 1), 0,
                blob.length - ListPack.OVERHEAD, count));
          }
        } else {
          throw new RdbFormatException("Quicklist integrity check failed. (unknown node container " + container
              + ")");
        }
      }
    } else {
      throw new RdbFormatException("list RDB type " + typeByte + " is not supported");
    }
    if (list.size() == 0) {
      throw RdbFormatException.emptyKey("list");
    }
    list.settleAfterLoad(fill);
    return list;
  }

  private static java.util.List<byte[]> ziplist(byte[] blob, String what) throws RdbFormatException {
    try {
      return dev.cairn.core.rdb.PackedLists.ziplist(blob);
    } catch (RdbFormatException e) {
      throw dev.cairn.core.rdb.PackedLists.integrity(what, e);
    }
  }

  private static void pushLoaded(ListValue list, byte[] v, int fill) {
    list.convertForAdd(v.length, 1, fill);
    list.push(v, false, fill);
  }

  private static ListNode plainNode(byte[] element) {
    ListNode n = new ListNode(ListPack.entrySize(element));
    n.pushTail(element, n.buf.length);
    n.plain = true;
    return n;
  }

  /** The number of entries if {@code lp} is a well-formed listpack (every entry within bounds and consistent). */
  static int validListpack(byte[] lp) {
    int len = lp.length;
    if (len < ListPack.OVERHEAD || (lp[len - 1] & 0xFF) != 0xFF) {
      return -1;
    }
    long total = (lp[0] & 0xFFL) | (lp[1] & 0xFFL) << 8 | (lp[2] & 0xFFL) << 16 | (lp[3] & 0xFFL) << 24;
    int declared = (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
    if (total != len) {
      return -1;
    }
    int end = len - 1;
    int p = 6;
    int count = 0;
    while (p < end) {
      int e = lp[p] & 0xFF;
      int header = ((e & 0x80) == 0 || (e & 0xC0) == 0x80) ? 1 : ((e & 0xE0) == 0xC0 || (e & 0xF0) == 0xE0) ? 2
          : e == 0xF0 ? 5 : (e >= 0xF1 && e <= 0xF4) ? 1 : -1;
      if (header < 0 || p + header > end) {
        return -1;
      }
      long body = ListPack.bodySize(lp, p);
      if (body < header || p + body > end) {
        return -1;
      }
      int backlen = ListPack.backlenSize((int) body);
      if (p + body + backlen > end) {
        return -1;
      }
      int q = (int) (p + body);
      int v = 0;
      for (int k = 0; k < backlen; k++) {
        int x = lp[q + k] & 0xFF;
        if (((x & 128) != 0) != (k > 0)) { // only the first backlen byte lacks the continuation bit
          return -1;
        }
        v = (v << 7) | (x & 127);
      }
      if (v != body) {
        return -1;
      }
      int next = q + backlen;
      p = next;
      count++;
    }
    if (p != end || (declared != 65535 && declared != count)) {
      return -1;
    }
    return count;
  }
}
