package dev.cairn.core.type.stream;

import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormat;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.util.Arrays;
import java.util.Map;

/**
 * Streams in the RDB format. The nodes go out as they are (master ID as a 16-byte string, then the listpack), then the
 * stream's counters and its consumer groups:
 *
 * <pre>
 *   nodes:len (node-key:string listpack:string)*
 *   length:len last-ms:len last-seq:len
 *   [first-ms first-seq max-deleted-ms max-deleted-seq entries-added]        (types 19, 21)
 *   groups:len (name:string last-ms:len last-seq:len [entries-read:len]      (entries-read: types 19, 21)
 *              pel:len (id:16 bytes delivery-time:8 bytes LE delivery-count:len)*
 *              consumers:len (name:string seen-time:8 bytes LE [active-time:8 bytes LE] (type 21)
 *                             pel:len id:16 bytes*)*)*
 * </pre>
 *
 * Reads RDB_TYPE_STREAM_LISTPACKS (15, Redis 5 to 6.2), _2 (19, Redis 7.0) and _3 (21, Redis 7.2 and 7.4), filling in
 * what older types lack as Redis does. Writes type 19 (and the RDB version of Redis 7.0 in a DUMP) when nothing is
 * lost by it, so that Redis 7.0 can load the payload; type 21 when a consumer's active time differs from its seen time.
 */
public final class StreamRdbCodec implements RdbValueCodec {
  /** The type bytes this codec reads. */
  public static final int[] TYPES = {RdbCodecs.TYPE_STREAM_LISTPACKS, RdbCodecs.TYPE_STREAM_LISTPACKS_2,
      RdbCodecs.TYPE_STREAM_LISTPACKS_3};

  @Override
  public boolean handles(Object value) {
    return value instanceof StreamValue;
  }

  @Override
  public int typeByte(Object value) {
    return needsActiveTime((StreamValue) value) ? RdbCodecs.TYPE_STREAM_LISTPACKS_3
        : RdbCodecs.TYPE_STREAM_LISTPACKS_2;
  }

  @Override
  public int typeByte(Object value, int version) {
    return version >= RdbFormat.VERSION_7_2 ? RdbCodecs.TYPE_STREAM_LISTPACKS_3 : RdbCodecs.TYPE_STREAM_LISTPACKS_2;
  }

  /** A DUMP says 7.2's version only when type 21 is needed; a version 10 file holds type 19 (active = seen time). */
  @Override
  public int minVersion(Object value) {
    return needsActiveTime((StreamValue) value) ? RdbFormat.VERSION_7_2 : RdbFormat.MIN_WRITE_VERSION;
  }

  /** Whether some consumer's active time would be lost in type 19 (which loads it as the seen time). */
  private static boolean needsActiveTime(StreamValue s) {
    if (s.groups == null) {
      return false;
    }
    for (StreamGroup g : s.groups.values()) {
      for (StreamGroup.Consumer c : g.consumers.values()) {
        if (c.activeTime != c.seenTime) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    StreamValue s = (StreamValue) value;
    boolean v3 = out.version() >= RdbFormat.VERSION_7_2;
    out.writeLength(s.nodeCount());
    for (int i = 0; i < s.nodeCount(); i++) {
      out.writeString(new StreamId(s.nodeMs(i), s.nodeSeq(i)).encode());
      byte[] lp = s.nodeLp(i);
      out.writeString(lp.length == StreamNode.bytes(lp) ? lp : Arrays.copyOf(lp, StreamNode.bytes(lp)));
    }
    out.writeLengthUnsigned(s.length);
    out.writeLengthUnsigned(s.lastMs);
    out.writeLengthUnsigned(s.lastSeq);
    out.writeLengthUnsigned(s.firstMs);
    out.writeLengthUnsigned(s.firstSeq);
    out.writeLengthUnsigned(s.maxDelMs);
    out.writeLengthUnsigned(s.maxDelSeq);
    out.writeLengthUnsigned(s.entriesAdded);
    out.writeLength(s.groupCount());
    if (s.groups == null) {
      return;
    }
    for (Map.Entry<byte[], StreamGroup> e : s.groups.entrySet()) {
      StreamGroup g = e.getValue();
      out.writeString(e.getKey());
      out.writeLengthUnsigned(g.lastId.ms());
      out.writeLengthUnsigned(g.lastId.seq());
      out.writeLengthUnsigned(g.entriesRead);
      out.writeLength(g.pel.size());
      for (Map.Entry<StreamId, StreamGroup.Nack> p : g.pel.entrySet()) {
        byte[] id = p.getKey().encode();
        out.writeBytes(id, 0, id.length);
        out.writeLongLE(p.getValue().deliveryTime, 8);
        out.writeLengthUnsigned(p.getValue().deliveryCount);
      }
      out.writeLength(g.consumers.size());
      for (StreamGroup.Consumer c : g.consumers.values()) {
        out.writeString(c.name);
        out.writeLongLE(c.seenTime, 8);
        if (v3) {
          out.writeLongLE(c.activeTime, 8);
        }
        out.writeLength(c.pel.size());
        for (StreamId id : c.pel.keySet()) {
          byte[] b = id.encode();
          out.writeBytes(b, 0, b.length);
        }
      }
    }
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    StreamValue s = new StreamValue();
    long nodes = in.readLength();
    StreamId prevKey = null;
    long live = 0;
    for (long i = 0; i < nodes; i++) {
      byte[] key = in.readString();
      if (key.length != 16) {
        throw new RdbFormatException("Stream node key entry is not the size of a stream ID");
      }
      StreamId master = StreamId.decode(key, 0);
      byte[] lp = in.readString();
      long count = StreamNode.validate(lp);
      if (count < 0) {
        throw new RdbFormatException("Stream listpack integrity check failed");
      }
      if (prevKey != null && master.compareTo(prevKey) <= 0) {
        throw new RdbFormatException("stream nodes out of order");
      }
      prevKey = master;
      live += count;
      s.addNode(master.ms(), master.seq(), lp);
    }
    s.length = in.readLengthUnsigned();
    if (s.length != live) {
      throw new RdbFormatException("Stream length inconsistent with its nodes");
    }
    s.lastMs = in.readLengthUnsigned();
    s.lastSeq = in.readLengthUnsigned();
    if (typeByte >= RdbCodecs.TYPE_STREAM_LISTPACKS_2) {
      s.firstMs = in.readLengthUnsigned();
      s.firstSeq = in.readLengthUnsigned();
      s.maxDelMs = in.readLengthUnsigned();
      s.maxDelSeq = in.readLengthUnsigned();
      s.entriesAdded = in.readLengthUnsigned();
    } else {
      // before Redis 7: no tombstone record, and the offset starts as the length
      s.entriesAdded = s.length;
      StreamId first = s.edgeId(true, true); // the largest ID when empty, as Redis sets it
      s.firstMs = first.ms();
      s.firstSeq = first.seq();
    }
    long groups = in.readLength();
    for (long i = 0; i < groups; i++) {
      byte[] name = in.readString();
      StreamId lastId = new StreamId(in.readLengthUnsigned(), in.readLengthUnsigned());
      long entriesRead = typeByte >= RdbCodecs.TYPE_STREAM_LISTPACKS_2 ? in.readLengthUnsigned()
          : s.estimateDistanceFromFirstEverEntry(lastId);
      StreamGroup g = s.createGroup(name, lastId, entriesRead);
      if (g == null) {
        throw new RdbFormatException("Duplicated consumer group name");
      }
      long pel = in.readLength();
      for (long j = 0; j < pel; j++) {
        StreamId id = StreamId.decode(in.readBytes(16), 0);
        StreamGroup.Nack nack = new StreamGroup.Nack(null, in.readLongLE(8));
        nack.deliveryCount = in.readLengthUnsigned();
        if (g.pel.putIfAbsent(id, nack) != null) {
          throw new RdbFormatException("Duplicated global PEL entry loading stream consumer group");
        }
      }
      long consumers = in.readLength();
      for (long j = 0; j < consumers; j++) {
        byte[] cname = in.readString();
        long seen = in.readLongLE(8);
        StreamGroup.Consumer c = g.createConsumer(cname, seen);
        if (c == null) {
          throw new RdbFormatException("Duplicate stream consumer detected");
        }
        c.activeTime = typeByte >= RdbCodecs.TYPE_STREAM_LISTPACKS_3 ? in.readLongLE(8) : seen;
        long cpel = in.readLength();
        for (long k = 0; k < cpel; k++) {
          StreamId id = StreamId.decode(in.readBytes(16), 0);
          StreamGroup.Nack nack = g.pel.get(id);
          if (nack == null) {
            throw new RdbFormatException("Consumer entry not found in group global PEL");
          }
          if (nack.consumer != null || c.pel.putIfAbsent(id, nack) != null) {
            throw new RdbFormatException("Duplicated consumer PEL entry loading a stream consumer group");
          }
          nack.consumer = c;
        }
      }
      for (StreamGroup.Nack n : g.pel.values()) {
        if (n.consumer == null) {
          throw new RdbFormatException("Stream CG PEL entry without consumer");
        }
      }
    }
    return s;
  }
}
