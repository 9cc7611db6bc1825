package dev.cairn.core.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Redis's cluster bus messages, byte for byte (clusterMsg of cluster.h, protocol version 1): a 2256-byte header in
 * network byte order, then the type's data. PING, PONG and MEET carry gossip entries of 104 bytes and ping
 * extensions (hostname, human nodename, forgotten node, shard id), each 8-byte aligned.
 */
public final class BusCodec {
  private BusCodec() {}

  public static final int HEADER = 2256;
  static final int NAMELEN = 40;
  static final int IPLEN = 46;
  static final int GOSSIP = 104;
  static final int SLOTS_BYTES = KeySlot.SLOTS / 8;
  static final int UPDATE_DATA = 8 + NAMELEN + SLOTS_BYTES;

  // header offsets
  static final int TOTLEN = 4;
  static final int VER = 8;
  static final int PORT = 10;
  static final int TYPE = 12;
  static final int COUNT = 14;
  static final int CURRENT_EPOCH = 16;
  static final int CONFIG_EPOCH = 24;
  static final int OFFSET = 32;
  static final int SENDER = 40;
  static final int MYSLOTS = 80;
  static final int SLAVEOF = 2128;
  static final int MYIP = 2168;
  static final int EXTENSIONS = 2214;
  static final int PPORT = 2246;
  static final int CPORT = 2248;
  static final int FLAGS = 2250;
  static final int STATE = 2252;
  static final int MFLAGS = 2253;

  static final int MFLAG0_PAUSED = 1;
  static final int MFLAG0_FORCEACK = 2;
  static final int MFLAG0_EXT_DATA = 4;

  static final int EXT_HOSTNAME = 0;
  static final int EXT_HUMAN_NODENAME = 1;
  static final int EXT_FORGOTTEN_NODE = 2;
  static final int EXT_SHARDID = 3;

  /** A message under construction: the header is written first, the data after it. */
  static ByteBuf header(Cluster c, int type, int totlen) {
    ByteBuf b = Unpooled.buffer(totlen, totlen);
    b.writeZero(totlen);
    ClusterNode me = c.myself;
    ClusterNode master = me.isReplica() && me.master != null ? me.master : me;
    b.setBytes(0, new byte[] {'R', 'C', 'm', 'b'});
    b.setInt(TOTLEN, totlen);
    b.setShort(VER, 1);
    c.deriveAnnouncedPorts(); // a port may have changed by CONFIG SET
    b.setShort(PORT, c.defaultPort(me));
    b.setShort(PPORT, c.secondaryPort(me));
    b.setShort(TYPE, type);
    b.setLong(CURRENT_EPOCH, c.currentEpoch);
    b.setLong(CONFIG_EPOCH, master.configEpoch);
    b.setLong(OFFSET, c.engine.replication().offset());
    name(b, SENDER, me.name);
    slots(b, MYSLOTS, master.slots);
    if (me.master != null) {
      name(b, SLAVEOF, me.master.name);
    }
    String announced = c.params.announceIp.value;
    if (!announced.isEmpty()) {
      string(b, MYIP, announced, IPLEN);
    }
    b.setShort(CPORT, me.cport);
    b.setShort(FLAGS, me.flags & 0xFFFF);
    b.setByte(STATE, c.ok() ? 0 : 1);
    return b;
  }

  static void name(ByteBuf b, int at, String name) {
    b.setBytes(at, name.getBytes(StandardCharsets.US_ASCII), 0, NAMELEN);
  }

  static void string(ByteBuf b, int at, String s, int max) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    b.setBytes(at, bytes, 0, Math.min(bytes.length, max - 1));
  }

  /** Writes a slot bitmap (BitSet's byte order is Redis's: slot j is bit j % 8 of byte j / 8). */
  static void slots(ByteBuf b, int at, BitSet slots) {
    b.setBytes(at, slots.toByteArray());
  }

  /** The slot bitmap at {@code at} as a set (a message is read a word at a time, not a slot at a time). */
  static BitSet slotSet(ByteBuf b, int at) {
    long[] words = new long[SLOTS_BYTES / 8];
    for (int i = 0; i < words.length; i++) {
      words[i] = b.getLongLE(at + i * 8);
    }
    return BitSet.valueOf(words);
  }

  static String readName(ByteBuf b, int at) {
    return b.toString(at, NAMELEN, StandardCharsets.US_ASCII);
  }

  static boolean nullName(ByteBuf b, int at) {
    for (int i = 0; i < NAMELEN; i++) {
      if (b.getByte(at + i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** A NUL-terminated string of at most {@code max} bytes. */
  static String readString(ByteBuf b, int at, int max) {
    int len = 0;
    while (len < max && b.getByte(at + len) != 0) {
      len++;
    }
    return b.toString(at, len, StandardCharsets.US_ASCII);
  }

  static int align8(int n) {
    return (n + 7) / 8 * 8;
  }

  /** The expected length of a message, from its header and data (Redis's sanity check); -1 when malformed. */
  static long expectedLength(ByteBuf m) {
    int type = m.getUnsignedShort(TYPE);
    long totlen = m.getUnsignedInt(TOTLEN);
    switch (type) {
      case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
        long explen = HEADER + (long) GOSSIP * m.getUnsignedShort(COUNT);
        if ((m.getByte(MFLAGS) & MFLAG0_EXT_DATA) != 0) {
          int exts = m.getUnsignedShort(EXTENSIONS);
          while (exts-- > 0) {
            if (explen + 8 > totlen) {
              return -1;
            }
            long extlen = m.getUnsignedInt((int) explen);
            if (extlen % 8 != 0 || totlen - explen < extlen || extlen < 8) {
              return -1;
            }
            explen += extlen;
          }
        }
        return explen;
      }
      case BusMessage.FAIL -> {
        return HEADER + NAMELEN;
      }
      case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
        if (totlen < HEADER + 8) {
          return -1;
        }
        return HEADER + 8 + m.getUnsignedInt(HEADER) + m.getUnsignedInt(HEADER + 4);
      }
      case BusMessage.FAILOVER_AUTH_REQUEST, BusMessage.FAILOVER_AUTH_ACK, BusMessage.MFSTART -> {
        return HEADER;
      }
      case BusMessage.UPDATE -> {
        return HEADER + UPDATE_DATA;
      }
      case BusMessage.MODULE -> {
        // module id (8), payload length (4), type (1), payload: an empty payload is HEADER + 13 bytes long
        if (totlen < HEADER + 12) {
          return -1;
        }
        return HEADER + 13 + m.getUnsignedInt(HEADER + 8);
      }
      default -> {
        return totlen;
      }
    }
  }

  /** The extension bytes a PING, PONG or MEET of {@code c} carries, and how many. */
  static ByteBuf extensions(Cluster c, int[] count) {
    ByteBuf x = Unpooled.buffer();
    ClusterNode me = c.myself;
    int n = 0;
    if (!me.hostname.isEmpty()) {
      stringExt(x, EXT_HOSTNAME, me.hostname);
      n++;
    }
    if (!me.humanNodename.isEmpty()) {
      stringExt(x, EXT_HUMAN_NODENAME, me.humanNodename);
      n++;
    }
    long nowSec = c.now() / 1000;
    for (var e : c.blacklist.entrySet()) {
      long ttl = e.getValue() - nowSec;
      if (ttl <= 0) {
        continue;
      }
      x.writeInt(8 + NAMELEN + 8);
      x.writeShort(EXT_FORGOTTEN_NODE);
      x.writeShort(0);
      x.writeBytes(e.getKey().getBytes(StandardCharsets.US_ASCII), 0, NAMELEN);
      x.writeLong(ttl);
      n++;
    }
    x.writeInt(8 + NAMELEN);
    x.writeShort(EXT_SHARDID);
    x.writeShort(0);
    x.writeBytes(me.shardId.getBytes(StandardCharsets.US_ASCII), 0, NAMELEN);
    n++;
    count[0] = n;
    return x;
  }

  private static void stringExt(ByteBuf x, int type, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int len = align8(8 + bytes.length + 1);
    x.writeInt(len);
    x.writeShort(type);
    x.writeShort(0);
    x.writeBytes(bytes);
    x.writeZero(len - 8 - bytes.length);
  }

  /** Writes gossip entry {@code i} about {@code n}. */
  static void gossip(Cluster c, ByteBuf b, int i, ClusterNode n) {
    int at = HEADER + i * GOSSIP;
    name(b, at, n.name);
    b.setInt(at + 40, (int) (n.pingSent / 1000));
    b.setInt(at + 44, (int) (n.pongReceived / 1000));
    string(b, at + 48, n.ip, IPLEN);
    b.setShort(at + 94, c.defaultPort(n));
    b.setShort(at + 100, c.secondaryPort(n));
    b.setShort(at + 96, n.cport);
    b.setShort(at + 98, n.flags & 0xFFFF);
  }
}
