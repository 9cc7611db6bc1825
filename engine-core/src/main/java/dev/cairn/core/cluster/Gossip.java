package dev.cairn.core.cluster;

import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster bus's protocol, as Redis runs it (clusterProcessPacket, clusterCron): handshakes started by MEET, PING
 * and PONG with gossip about other nodes, slot ownership taken from the sender with the newer config epoch, epoch
 * collisions, PFAIL when a ping goes unanswered for the node timeout, FAIL when a majority of masters reports it,
 * PUBLISH across the cluster. Runs on the engine thread; {@link BusTransport} does the sockets.
 */
public final class Gossip implements Bus {
  final Cluster c;
  private final BusTransport transport;
  final List<BusLink> inbound = new ArrayList<>();
  private long lastRandomPing;
  final Elections elections;

  public Gossip(Cluster c, BusTransport transport) {
    this.c = c;
    this.transport = transport;
    this.elections = new Elections(this);
  }

  long timeout() {
    return c.params.nodeTimeout.value;
  }

  // ---- the Bus interface

  @Override
  public void meet(String ip, int port, int cport) {
    for (ClusterNode n : c.nodes.values()) {
      if (n.inHandshake() && n.ip.equalsIgnoreCase(ip) && c.defaultPort(n) == port && n.cport == cport) {
        return; // a handshake with that address is already under way
      }
    }
    ClusterNode n = new ClusterNode(Engine.randomHex(40), ClusterNode.HANDSHAKE | ClusterNode.MEET, c.now());
    n.ip = ip;
    c.setPorts(n, port, 0);
    n.cport = cport;
    n.shardId = Engine.randomHex(40);
    c.addNode(n);
  }

  @Override
  public void nodeDeleted(ClusterNode n) {
    killLinks(n, true, true);
  }

  @Override
  public void killLinks(ClusterNode n, boolean to, boolean from) {
    if (to && n.link instanceof BusLink l) {
      freeLink(l);
    }
    if (from && n.inboundLink instanceof BusLink l) {
      freeLink(l);
    }
  }

  /** Closes a link and detaches it from its node at once (the cron makes a new outbound one). */
  private void freeLink(BusLink l) {
    ClusterNode n = l.node;
    if (n != null) {
      if (n.link == l) {
        n.link = null;
      }
      if (n.inboundLink == l) {
        n.inboundLink = null;
      }
    }
    l.node = null;
    if (l.inbound) {
      inbound.remove(l);
    }
    l.close();
  }

  /**
   * A link's send queue as Redis counts it (send_msg_queue_mem): the queue's own header and the messages not yet
   * written, flushed or not. An idle link thus holds a few bytes, and a 1-byte cluster-link-sendbuf-limit frees them all.
   */
  static long queueMemory(BusLink l) {
    return 48 + l.pendingBytes();
  }

  /** mem_cluster_links: each link's receive buffer (Redis's initial 1 KB) and send queue. */
  @Override
  public long linksMemory() {
    long total = 0;
    for (ClusterNode n : c.nodes.values()) {
      if (n.link instanceof BusLink l) {
        total += 1024 + queueMemory(l);
      }
    }
    for (BusLink l : inbound) {
      total += 1024 + queueMemory(l);
    }
    return total;
  }

  /** cluster-link-sendbuf-limit: a link whose peer does not read is freed rather than left to grow. */
  private void freeLinkOverLimit(Object link) {
    long limit = c.params.linkSendbufLimit.value;
    if (limit == 0 || !(link instanceof BusLink l)) {
      return;
    }
    long used = queueMemory(l);
    if (used > limit) {
      Log.log(Log.Level.WARNING, "Freeing cluster link(" + (l.inbound ? "from" : "to") + " node "
          + (l.node == null ? "" : l.node.name) + ", used memory: " + used + ") due to exceeding send buffer memory"
          + " limit.");
      freeLink(l);
      c.linksBufferLimitExceeded++;
    }
  }

  @Override
  public void close() {
    for (ClusterNode n : c.nodes.values()) {
      if (n.link instanceof BusLink l) {
        l.close();
      }
    }
    for (BusLink l : new ArrayList<>(inbound)) {
      l.close();
    }
    transport.close();
  }

  @Override
  public void broadcastPong() {
    for (ClusterNode n : c.nodes.values()) {
      if (n.link instanceof BusLink l && !n.isMyself() && !n.inHandshake()) {
        sendPing(l, BusMessage.PONG);
      }
    }
  }

  @Override
  public void publish(byte[] channel, byte[] message, boolean sharded) {
    int totlen = BusCodec.HEADER + 8 + channel.length + message.length;
    ByteBuf b = BusCodec.header(c, sharded ? BusMessage.PUBLISHSHARD : BusMessage.PUBLISH, totlen);
    b.setInt(BusCodec.HEADER, channel.length);
    b.setInt(BusCodec.HEADER + 4, message.length);
    b.setBytes(BusCodec.HEADER + 8, channel);
    b.setBytes(BusCodec.HEADER + 8 + channel.length, message);
    if (sharded) {
      // the shard only: my master and its replicas, or my replicas
      ClusterNode master = c.myself.isReplica() && c.myself.master != null ? c.myself.master : c.myself;
      List<ClusterNode> shard = new ArrayList<>(master.replicas);
      shard.add(master);
      for (ClusterNode n : shard) {
        if (n != c.myself) {
          send(n, b.retainedDuplicate(), sharded ? BusMessage.PUBLISHSHARD : BusMessage.PUBLISH);
        }
      }
      b.release();
    } else {
      broadcast(b, BusMessage.PUBLISH);
    }
  }

  @Override
  public void links(Reply r) {
    List<BusLink> all = new ArrayList<>();
    for (ClusterNode n : c.nodes.values()) {
      if (n.link instanceof BusLink l) {
        all.add(l);
      }
    }
    for (BusLink l : inbound) {
      if (l.node != null) {
        all.add(l);
      }
    }
    r.array(all.size());
    for (BusLink l : all) {
      r.map(6);
      r.bulk("direction");
      r.bulk(l.inbound ? "from" : "to");
      r.bulk("node");
      r.bulk(l.node.name);
      r.bulk("create-time");
      r.integer(l.ctime);
      r.bulk("events");
      r.bulk(l.inbound ? "r" : "rw");
      r.bulk("send-buffer-allocated");
      r.integer(queueMemory(l));
      r.bulk("send-buffer-used");
      r.integer(queueMemory(l));
    }
  }

  @Override
  public void manualFailover(boolean force, boolean takeover) {
    elections.manualFailover(force, takeover);
  }

  // ---- sending

  void send(ClusterNode n, ByteBuf msg, int type) {
    if (n.link instanceof BusLink l) {
      send(l, msg, type);
    } else {
      msg.release();
    }
  }

  void send(BusLink l, ByteBuf msg, int type) {
    c.messagesSent[type]++;
    l.sentBytes += msg.readableBytes();
    l.send(msg);
  }

  /** To every connected node that finished its handshake. */
  void broadcast(ByteBuf msg, int type) {
    for (ClusterNode n : c.nodes.values()) {
      if (n.isMyself() || n.inHandshake() || !(n.link instanceof BusLink l)) {
        continue;
      }
      send(l, msg.retainedDuplicate(), type);
    }
    msg.release();
  }

  /** A header-only message (FAILOVER_AUTH_REQUEST, _ACK, MFSTART) or one with data written by the caller. */
  ByteBuf message(int type, int totlen) {
    return BusCodec.header(c, type, totlen);
  }

  /**
   * PING, PONG or MEET: our header, gossip about a tenth of the nodes we know (at least 3, nodes failing first as
   * Redis adds them all), and the extensions.
   */
  void sendPing(BusLink link, int type) {
    long now = c.now();
    List<ClusterNode> candidates = new ArrayList<>();
    List<ClusterNode> pfail = new ArrayList<>();
    for (ClusterNode n : c.nodes.values()) {
      if (n.timedOut()) {
        pfail.add(n);
      }
    }
    int fresh = c.nodes.size() - 2;
    int wanted = Math.min(Math.max(3, c.nodes.size() / 10), Math.max(fresh, 0));
    List<ClusterNode> all = new ArrayList<>(c.nodes.values());
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int tries = wanted * 3;
    while (candidates.size() < wanted && tries-- > 0 && !all.isEmpty()) {
      ClusterNode n = all.get(rnd.nextInt(all.size()));
      if (n.isMyself() || n.timedOut() || n.has(ClusterNode.HANDSHAKE | ClusterNode.NOADDR)
          || (n.link == null && n.numSlots == 0) || candidates.contains(n) || n == link.node) {
        continue;
      }
      candidates.add(n);
    }
    candidates.addAll(pfail);
    int[] extCount = new int[1];
    ByteBuf ext = BusCodec.extensions(c, extCount);
    int totlen = BusCodec.HEADER + candidates.size() * BusCodec.GOSSIP + ext.readableBytes();
    ByteBuf b = BusCodec.header(c, type, totlen);
    if (c.myself.isMaster() && elections.pausedForManualFailover()) {
      b.setByte(BusCodec.MFLAGS, b.getByte(BusCodec.MFLAGS) | BusCodec.MFLAG0_PAUSED);
    }
    b.setByte(BusCodec.MFLAGS, b.getByte(BusCodec.MFLAGS) | BusCodec.MFLAG0_EXT_DATA);
    b.setShort(BusCodec.COUNT, candidates.size());
    b.setShort(BusCodec.EXTENSIONS, extCount[0]);
    for (int i = 0; i < candidates.size(); i++) {
      BusCodec.gossip(c, b, i, candidates.get(i));
    }
    b.setBytes(BusCodec.HEADER + candidates.size() * BusCodec.GOSSIP, ext, ext.readerIndex(), ext.readableBytes());
    ext.release();
    if (!link.inbound && type == BusMessage.PING && link.node != null && link.node.pingSent == 0) {
      link.node.pingSent = now;
    }
    send(link, b, type);
  }

  void sendFail(ClusterNode failing) {
    ByteBuf b = message(BusMessage.FAIL, BusCodec.HEADER + BusCodec.NAMELEN);
    BusCodec.name(b, BusCodec.HEADER, failing.name);
    broadcast(b, BusMessage.FAIL);
  }

  void sendUpdate(BusLink link, ClusterNode about) {
    if (link == null) {
      return;
    }
    ByteBuf b = message(BusMessage.UPDATE, BusCodec.HEADER + BusCodec.UPDATE_DATA);
    b.setLong(BusCodec.HEADER, about.configEpoch);
    BusCodec.name(b, BusCodec.HEADER + 8, about.name);
    b.setZero(BusCodec.HEADER + 48, BusCodec.SLOTS_BYTES);
    BusCodec.slots(b, BusCodec.HEADER + 48, about.slots);
    send(link, b, BusMessage.UPDATE);
  }

  // ---- link events (engine thread)

  /** An outbound link connected: the first PING (MEET for a node we were told to meet). */
  public void connected(BusLink link) {
    ClusterNode n = link.node;
    if (n == null) {
      link.close();
      return;
    }
    link.establishedAt = c.now();
    long oldPingSent = n.pingSent;
    if (n.has(ClusterNode.MEET)) {
      n.meetSent = c.now();
    }
    sendPing(link, n.has(ClusterNode.MEET) ? BusMessage.MEET : BusMessage.PING);
    if (oldPingSent != 0) {
      n.pingSent = oldPingSent; // a reconnect does not restart the failure detection clock
    }
    n.flags &= ~ClusterNode.MEET;
  }

  public void accepted(BusLink link) {
    inbound.add(link);
  }

  public void closed(BusLink link) {
    Log.log(Log.Level.DEBUG, "Bus link closed (" + (link.inbound ? "from" : "to") + " "
        + (link.node == null ? "?" : link.node.name) + ")");
    if (link.inbound) {
      inbound.remove(link);
      if (link.node != null && link.node.inboundLink == link) {
        link.node.inboundLink = null;
      }
    } else if (link.node != null && link.node.link == link) {
      link.node.link = null;
    }
  }

  // ---- receiving

  /** One whole message from a link (the transport frames by the header's length). */
  public void received(BusLink link, ByteBuf m) {
    try {
      process(link, m);
    } finally {
      m.release();
    }
    c.updateState();
    c.saveIfNeeded();
  }

  private void process(BusLink link, ByteBuf m) {
    if (m.readableBytes() < 16) {
      return;
    }
    int type = m.getUnsignedShort(BusCodec.TYPE);
    long totlen = m.getUnsignedInt(BusCodec.TOTLEN);
    link.receivedBytes += totlen;
    if (type < BusMessage.TYPE_COUNT) {
      c.messagesReceived[type]++;
    }
    if (m.getUnsignedShort(BusCodec.VER) != 1 || totlen != m.readableBytes()) {
      return;
    }
    if (type == c.dropPacketFilter) {
      Log.log(Log.Level.WARNING, "Dropping packet that matches debug drop filter");
      return;
    }
    long expected = BusCodec.expectedLength(m);
    if (expected != totlen || totlen < BusCodec.HEADER) {
      Log.log(Log.Level.WARNING, "Received invalid " + BusMessage.name(type) + " packet of length " + totlen
          + " but expected length " + expected);
      return;
    }
    long now = c.now();
    int flags = m.getUnsignedShort(BusCodec.FLAGS);
    String senderName = BusCodec.readName(m, BusCodec.SENDER);
    ClusterNode sender = link.node != null && !link.node.inHandshake() ? link.node : c.nodes.get(senderName);
    if (sender != null && link.inbound && sender.inboundLink == null) {
      sender.inboundLink = link;
      link.node = sender;
    }
    long senderCurrentEpoch = 0;
    long senderConfigEpoch = 0;
    if (sender != null) {
      sender.dataReceived = now;
    }
    if (sender != null && !sender.inHandshake()) {
      senderCurrentEpoch = m.getLong(BusCodec.CURRENT_EPOCH);
      senderConfigEpoch = m.getLong(BusCodec.CONFIG_EPOCH);
      if (senderCurrentEpoch > c.currentEpoch) {
        c.currentEpoch = senderCurrentEpoch;
        c.saveNeeded = true;
      }
      if (senderConfigEpoch > sender.configEpoch) {
        sender.configEpoch = senderConfigEpoch;
        c.saveNeeded = true;
      }
      sender.replOffset = m.getLong(BusCodec.OFFSET);
      elections.masterOffsetSeen(sender, m);
    }
    boolean pingLike = type == BusMessage.PING || type == BusMessage.PONG || type == BusMessage.MEET;
    if (type == BusMessage.PING || type == BusMessage.MEET) {
      // a MEET tells us our own address, as the node that met us sees it
      if ((type == BusMessage.MEET || c.myself.ip.isEmpty()) && c.params.announceIp.value.isEmpty()) {
        String ip = link.localIp();
        if (ip != null && !ip.equals(c.myself.ip)) {
          c.myself.ip = ip;
          Log.log(Log.Level.NOTICE, "IP address for this node updated to " + ip);
          c.saveNeeded = true;
        }
      }
      if (sender == null && type == BusMessage.MEET) {
        ClusterNode n = new ClusterNode(Engine.randomHex(40), ClusterNode.HANDSHAKE, now);
        n.ip = senderIp(link, m);
        c.setPorts(n, m.getUnsignedShort(BusCodec.PORT), m.getUnsignedShort(BusCodec.PPORT));
        n.cport = m.getUnsignedShort(BusCodec.CPORT);
        n.shardId = Engine.randomHex(40);
        c.addNode(n);
        c.saveNeeded = true;
        processGossip(m, null, link);
      }
      sendPing(link, BusMessage.PONG);
    }
    if (pingLike) {
      if (!link.inbound) {
        ClusterNode ln = link.node;
        if (ln == null) {
          return;
        }
        if (ln.inHandshake()) {
          if (sender != null) {
            // we know this node already: the handshake node goes, the address may be new
            updateAddress(sender, link, m);
            c.deleteNode(ln);
            return;
          }
          c.rename(ln, senderName);
          // a node met again after a FORGET (redis-cli del-node, then add-node) is a member again: our ban on adding
          // it by gossip, and our forgotten-node extension telling the others to drop it, end here
          ln.metAt = ln.ctime;
          c.blacklist.remove(senderName);
          Log.log(Log.Level.DEBUG, "Handshake with node " + senderName + " completed.");
          ln.flags &= ~ClusterNode.HANDSHAKE;
          ln.flags |= flags & (ClusterNode.MASTER | ClusterNode.SLAVE);
          c.saveNeeded = true;
          sender = ln;
          senderCurrentEpoch = m.getLong(BusCodec.CURRENT_EPOCH);
          senderConfigEpoch = m.getLong(BusCodec.CONFIG_EPOCH);
          if (senderConfigEpoch > ln.configEpoch) {
            ln.configEpoch = senderConfigEpoch;
          }
          if (senderCurrentEpoch > c.currentEpoch) {
            c.currentEpoch = senderCurrentEpoch;
          }
        } else if (!ln.name.equals(senderName)) {
          // the address now answers with another name: the node we knew there has no address any more
          ln.flags |= ClusterNode.NOADDR;
          ln.ip = "";
          ln.port = 0;
          ln.tlsPort = 0;
          ln.cport = 0;
          link.close();
          c.saveNeeded = true;
          return;
        }
      }
      if (sender != null) {
        sender.flags = (sender.flags & ~ClusterNode.NOFAILOVER) | (flags & ClusterNode.NOFAILOVER);
      }
      if (sender != null && type == BusMessage.PING && !sender.inHandshake()) {
        updateAddress(sender, link, m);
      }
      if (!link.inbound && type == BusMessage.PONG && link.node != null) {
        ClusterNode ln = link.node;
        ln.pongReceived = now;
        ln.pingSent = 0;
        if (ln.timedOut()) {
          ln.flags &= ~ClusterNode.PFAIL;
          c.saveNeeded = true;
        } else if (ln.failed()) {
          clearFailureIfNeeded(ln);
        }
      }
      if (sender != null) {
        roles(sender, m);
        slotsFromHeader(sender, senderConfigEpoch, m);
        if (c.myself.isMaster() && sender.isMaster() && senderConfigEpoch == c.myself.configEpoch) {
          epochCollision(sender);
        }
        processGossip(m, sender, link);
        processExtensions(m, sender);
      }
      return;
    }
    switch (type) {
      case BusMessage.FAIL -> {
        if (sender == null) {
          return;
        }
        ClusterNode failing = c.nodes.get(BusCodec.readName(m, BusCodec.HEADER));
        if (failing != null && !failing.has(ClusterNode.FAIL | ClusterNode.MYSELF)) {
          Log.log(Log.Level.NOTICE, "FAIL message received from " + senderName + " (" + sender.humanNodename
              + ") about " + failing.name + " (" + failing.humanNodename + ")");
          failing.flags |= ClusterNode.FAIL;
          failing.failTime = now;
          failing.flags &= ~ClusterNode.PFAIL;
          c.saveNeeded = true;
        }
      }
      case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
        if (sender == null) {
          return;
        }
        int cl = (int) m.getUnsignedInt(BusCodec.HEADER);
        int ml = (int) m.getUnsignedInt(BusCodec.HEADER + 4);
        byte[] channel = new byte[cl];
        byte[] message = new byte[ml];
        m.getBytes(BusCodec.HEADER + 8, channel);
        m.getBytes(BusCodec.HEADER + 8 + cl, message);
        if (type == BusMessage.PUBLISHSHARD) {
          c.engine.pubsub().spublish(channel, message);
        } else {
          c.engine.pubsub().publish(channel, message);
        }
      }
      case BusMessage.FAILOVER_AUTH_REQUEST -> {
        if (sender != null) {
          elections.authRequest(sender, m);
        }
      }
      case BusMessage.FAILOVER_AUTH_ACK -> {
        if (sender != null) {
          elections.authAck(sender, senderCurrentEpoch);
        }
      }
      case BusMessage.MFSTART -> {
        if (sender != null && sender.master == c.myself) {
          elections.mfStart(sender, link);
        }
      }
      case BusMessage.UPDATE -> {
        if (sender == null) {
          return;
        }
        ClusterNode n = c.nodes.get(BusCodec.readName(m, BusCodec.HEADER + 8));
        long reported = m.getLong(BusCodec.HEADER);
        if (n == null || n.configEpoch >= reported) {
          return;
        }
        if (n.isReplica()) {
          setNodeAsMaster(n);
        }
        n.configEpoch = reported;
        c.saveNeeded = true;
        updateSlotsWith(n, reported, BusCodec.slotSet(m, BusCodec.HEADER + 48));
      }
      case BusMessage.MODULE -> {
        // a Redis node's module (RM_SendClusterMessage): Redis hands it to the receiver the module id and type name,
        // from a known sender only; no Cairn module registers one (the bundled modules need no bus messages), so it is
        // dropped as Redis drops a message no loaded module receives. Its length was checked above.
      }
      default -> { }
    }
  }

  private String senderIp(BusLink link, ByteBuf m) {
    String announced = BusCodec.readString(m, BusCodec.MYIP, BusCodec.IPLEN);
    return announced.isEmpty() ? link.remoteIp() : announced;
  }

  /** A known node's address from its PING (or gossip): a change closes the old link so the next one goes there. */
  private void updateAddress(ClusterNode n, BusLink link, ByteBuf m) {
    if (n == c.myself || !link.inbound && link.node == n) {
      return;
    }
    String ip = senderIp(link, m);
    int port = m.getUnsignedShort(BusCodec.PORT);
    int pport = m.getUnsignedShort(BusCodec.PPORT);
    int cport = m.getUnsignedShort(BusCodec.CPORT);
    if (ip.equals(n.ip) && port == c.defaultPort(n) && pport == c.secondaryPort(n) && cport == n.cport) {
      return;
    }
    n.ip = ip;
    c.setPorts(n, port, pport);
    n.cport = cport;
    n.flags &= ~ClusterNode.NOADDR;
    if (n.link instanceof BusLink l) {
      l.close();
      n.link = null;
    }
    Log.log(Log.Level.NOTICE, "Address updated for node " + n.name + " (" + n.humanNodename + "), now " + ip + ":"
        + port);
    if (c.myself.isReplica() && c.myself.master == n) {
      c.engine.replication().replicaOf(ip, port, null);
    }
    c.saveNeeded = true;
  }

  /** The sender's role from its header: a master, or a replica of the node it names. */
  private void roles(ClusterNode sender, ByteBuf m) {
    if (BusCodec.nullName(m, BusCodec.SLAVEOF)) {
      setNodeAsMaster(sender);
      return;
    }
    ClusterNode master = c.nodes.get(BusCodec.readName(m, BusCodec.SLAVEOF));
    if (sender.isMaster()) {
      c.delNodeSlots(sender);
      sender.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
      sender.flags |= ClusterNode.SLAVE;
      c.saveNeeded = true;
    }
    if (master != null && sender.master != master) {
      if (sender.master != null) {
        sender.master.removeReplica(sender);
      }
      master.addReplica(sender);
      sender.master = master;
      sender.shardId = master.shardId;
      c.saveNeeded = true;
    }
  }

  void setNodeAsMaster(ClusterNode n) {
    if (n.isMaster()) {
      return;
    }
    if (n.master != null) {
      n.master.removeReplica(n);
      if (n != c.myself) {
        n.flags |= ClusterNode.MIGRATE_TO;
      }
    }
    n.flags &= ~ClusterNode.SLAVE;
    n.flags |= ClusterNode.MASTER;
    n.master = null;
    c.saveNeeded = true;
  }

  /** Slots the sender (a master) claims in its header; and an UPDATE for a sender whose claim is stale. */
  private void slotsFromHeader(ClusterNode sender, long senderConfigEpoch, ByteBuf m) {
    ClusterNode senderMaster = sender.isMaster() ? sender : sender.master;
    if (senderMaster == null) {
      return;
    }
    java.util.BitSet claimed = BusCodec.slotSet(m, BusCodec.MYSLOTS);
    if (claimed.equals(senderMaster.slots)) {
      return;
    }
    if (sender.isMaster()) {
      updateSlotsWith(sender, senderConfigEpoch, claimed);
    }
    for (int j = claimed.nextSetBit(0); j >= 0; j = claimed.nextSetBit(j + 1)) {
      ClusterNode owner = c.slots[j];
      if (owner == sender || owner == null) {
        continue;
      }
      if (owner.configEpoch > senderConfigEpoch) {
        sendUpdate(sender.link instanceof BusLink l ? l : null, owner);
        break;
      }
    }
  }

  /** Redis's clusterUpdateSlotsConfigWith: slots move to a claim with a newer config epoch. */
  void updateSlotsWith(ClusterNode sender, long senderConfigEpoch, java.util.BitSet claimed) {
    ClusterNode me = c.myself;
    if (sender == me) {
      return;
    }
    ClusterNode curMaster = me.isMaster() ? me : me.master;
    ClusterNode newMaster = null;
    int senderSlots = 0;
    int migratedOurSlots = 0;
    List<Integer> dirty = new ArrayList<>();
    for (int j = claimed.nextSetBit(0); j >= 0; j = claimed.nextSetBit(j + 1)) {
      senderSlots++;
      ClusterNode owner = c.slots[j];
      if (owner == sender || c.importingFrom[j] != null) {
        continue;
      }
      if (owner == null || owner.configEpoch < senderConfigEpoch) {
        if (owner == me && c.countKeysInSlot(j) > 0) {
          dirty.add(j);
        }
        if (owner != null && owner == curMaster) {
          newMaster = sender;
          migratedOurSlots++;
        }
        c.delSlot(j);
        c.addSlot(sender, j);
        c.saveNeeded = true;
      }
    }
    if (newMaster != null && curMaster.numSlots == 0
        && (c.params.allowReplicaMigration.value || senderSlots == migratedOurSlots)) {
      Log.log(Log.Level.NOTICE, "Configuration change detected. Reconfiguring myself as a replica of "
          + sender.name + " (" + sender.humanNodename + ")");
      c.setMaster(sender);
    } else if (me.master != null && me.master.master != null && me.master.master != me) {
      Log.log(Log.Level.NOTICE, "I'm a sub-replica! Reconfiguring myself as a replica of grandmaster "
          + me.master.master.name + " (" + me.master.master.humanNodename + ")");
      c.setMaster(me.master.master);
    } else {
      for (int slot : dirty) {
        deleteKeysInSlot(slot);
      }
    }
  }

  private void deleteKeysInSlot(int slot) {
    var db = c.db();
    List<byte[]> keys = new ArrayList<>();
    db.slots().keys(slot, Long.MAX_VALUE, keys::add);
    for (byte[] k : keys) {
      db.delete(k);
      c.engine.propagation().emit(0, new byte[][] {"DEL".getBytes(StandardCharsets.US_ASCII), k},
          dev.cairn.core.Propagation.TARGET_ALL);
    }
  }

  /** Two masters with one config epoch: the one with the smaller name takes a new epoch. */
  private void epochCollision(ClusterNode sender) {
    if (sender.configEpoch != c.myself.configEpoch || !sender.isMaster() || !c.myself.isMaster()) {
      return;
    }
    if (sender.name.compareTo(c.myself.name) <= 0) {
      return;
    }
    c.currentEpoch++;
    c.myself.configEpoch = c.currentEpoch;
    c.saveNeeded = true;
    Log.log(Log.Level.VERBOSE, "WARNING: configEpoch collision with node " + sender.name
        + " (" + sender.humanNodename + "). configEpoch set to " + c.myself.configEpoch);
  }

  private void processGossip(ByteBuf m, ClusterNode sender, BusLink link) {
    int count = m.getUnsignedShort(BusCodec.COUNT);
    ClusterNode reporter = link.node != null ? link.node : sender;
    long now = c.now();
    for (int i = 0; i < count; i++) {
      int at = BusCodec.HEADER + i * BusCodec.GOSSIP;
      String name = BusCodec.readName(m, at);
      int flags = m.getUnsignedShort(at + 98);
      String ip = BusCodec.readString(m, at + 48, BusCodec.IPLEN);
      int port = m.getUnsignedShort(at + 94);
      int pport = m.getUnsignedShort(at + 100);
      int cport = m.getUnsignedShort(at + 96);
      ClusterNode node = c.nodes.get(name);
      boolean failing = (flags & (ClusterNode.FAIL | ClusterNode.PFAIL)) != 0;
      if (node != null) {
        if (reporter != null && reporter.isMaster() && node != c.myself) {
          if (failing) {
            if (Failures.add(c, node, reporter)) {
              Log.log(Log.Level.VERBOSE, "Node " + reporter.name + " (" + reporter.humanNodename + ") reported node "
                  + node.name + " (" + node.humanNodename + ") as not reachable.");
            }
            markFailingIfNeeded(node);
          } else {
            Failures.remove(node, reporter);
          }
        }
        if (!failing && node.pingSent == 0 && Failures.count(c, node) == 0) {
          long pongTime = (m.getUnsignedInt(at + 44)) * 1000;
          if (pongTime <= now + 500 && pongTime > node.pongReceived) {
            node.pongReceived = pongTime;
          }
        }
        if (node.has(ClusterNode.FAIL | ClusterNode.PFAIL) && (flags & ClusterNode.NOADDR) == 0 && !failing
            && (!node.ip.equalsIgnoreCase(ip) || c.defaultPort(node) != port || c.secondaryPort(node) != pport
            || node.cport != cport)) {
          if (node.link instanceof BusLink l) {
            l.close();
            node.link = null;
          }
          node.ip = ip;
          c.setPorts(node, port, pport);
          node.cport = cport;
          node.flags &= ~ClusterNode.NOADDR;
        }
      } else if (reporter != null && (flags & ClusterNode.NOADDR) == 0 && !c.blacklisted(name)) {
        ClusterNode n = new ClusterNode(name, flags & ~(ClusterNode.MYSELF | ClusterNode.PFAIL | ClusterNode.FAIL),
            now);
        n.ip = ip;
        c.setPorts(n, port, pport);
        n.cport = cport;
        n.shardId = Engine.randomHex(40);
        c.addNode(n);
        c.saveNeeded = true;
      }
    }
  }

  private void processExtensions(ByteBuf m, ClusterNode sender) {
    if ((m.getByte(BusCodec.MFLAGS) & BusCodec.MFLAG0_EXT_DATA) == 0) {
      return;
    }
    int at = BusCodec.HEADER + m.getUnsignedShort(BusCodec.COUNT) * BusCodec.GOSSIP;
    int exts = m.getUnsignedShort(BusCodec.EXTENSIONS);
    String hostname = "";
    String human = "";
    String shardId = null;
    while (exts-- > 0) {
      int len = (int) m.getUnsignedInt(at);
      int type = m.getUnsignedShort(at + 4);
      switch (type) {
        case BusCodec.EXT_HOSTNAME -> hostname = BusCodec.readString(m, at + 8, len - 8);
        case BusCodec.EXT_HUMAN_NODENAME -> human = BusCodec.readString(m, at + 8, len - 8);
        case BusCodec.EXT_FORGOTTEN_NODE -> {
          String name = BusCodec.readName(m, at + 8);
          long ttl = m.getLong(at + 48);
          ClusterNode n = c.nodes.get(name);
          long expires = c.now() / 1000 + ttl;
          if (n != null && n != c.myself && !(c.myself.isReplica() && c.myself.master == n)
              && !metSince(n, expires)) {
            c.blacklist.put(name, expires);
            c.deleteNode(n);
            c.saveNeeded = true;
          }
        }
        case BusCodec.EXT_SHARDID -> shardId = BusCodec.readName(m, at + 8);
        default -> Log.log(Log.Level.WARNING, "Received unknown extension type " + type);
      }
      at += len;
    }
    if (!hostname.equals(sender.hostname)) {
      sender.hostname = hostname;
      c.saveNeeded = true;
    }
    if (!human.equals(sender.humanNodename)) {
      sender.humanNodename = human;
      c.saveNeeded = true;
    }
    if (shardId != null && !shardId.equals(sender.shardId)) {
      sender.shardId = shardId;
      for (ClusterNode r : sender.replicas) {
        r.shardId = shardId;
      }
      if (c.myself.master == sender) {
        c.myself.shardId = shardId;
      }
      c.saveNeeded = true;
    }
  }

  /**
   * Whether we met {@code n} (a MEET handshake) after the FORGET that a forgotten-node extension expiring at
   * {@code expires} (seconds) reports: a FORGET lasts {@link Cluster#BLACKLIST_TTL} seconds from when it was given, so
   * it was given then minus that. Such a FORGET is about the node as it was before it was met again: without this, a
   * node removed and added back at once (redis-cli del-node, add-node) is dropped again by every ping from a node
   * whose ban has not expired, and comes and goes for a minute.
   */
  private static boolean metSince(ClusterNode n, long expires) {
    return n.metAt != 0 && n.metAt >= (expires - Cluster.BLACKLIST_TTL) * 1000;
  }

  // ---- failure detection

  void markFailingIfNeeded(ClusterNode n) {
    int quorum = c.size / 2 + 1;
    if (!n.timedOut() || n.failed()) {
      return;
    }
    int failures = Failures.count(c, n) + (c.myself.isMaster() ? 1 : 0);
    if (failures < quorum) {
      return;
    }
    Log.log(Log.Level.NOTICE, "Marking node " + n.name + " (" + n.humanNodename
        + ") as failing (quorum reached).");
    n.flags &= ~ClusterNode.PFAIL;
    n.flags |= ClusterNode.FAIL;
    n.failTime = c.now();
    sendFail(n);
    c.saveNeeded = true;
  }

  private void clearFailureIfNeeded(ClusterNode n) {
    long now = c.now();
    if (n.isReplica() || n.numSlots == 0) {
      Log.log(Log.Level.NOTICE, "Clear FAIL state for node " + n.name + " (" + n.humanNodename + "):"
          + (n.isReplica() ? "replica" : "master without slots") + " is reachable again.");
      n.flags &= ~ClusterNode.FAIL;
      c.saveNeeded = true;
    }
    if (n.isMaster() && n.numSlots > 0 && now - n.failTime > timeout() * 2) {
      Log.log(Log.Level.NOTICE, "Clear FAIL state for node " + n.name + " (" + n.humanNodename
          + "): is reachable again and nobody is serving its slots after some time.");
      n.flags &= ~ClusterNode.FAIL;
      c.saveNeeded = true;
    }
  }

  // ---- the cron

  /**
   * A node we have a link to but that has none to us does not know us: its side of a handshake timed out (a loaded
   * machine can take longer than the handshake timeout), or the MEET was lost with its link, and nothing in the
   * protocol would tell it about us again. So it is sent a MEET, once per handshake timeout, as Valkey does since 8.0
   * (a node that knows us takes a MEET as a PING).
   */
  private void meetAgainIfUnanswered(long now, long handshakeTimeout) {
    for (ClusterNode n : c.nodes.values()) {
      if (n.isMyself() || n.inHandshake() || n.inboundLink != null || !(n.link instanceof BusLink l)
          || !l.connected() || now - l.ctime <= handshakeTimeout || now - n.meetSent <= handshakeTimeout) {
        continue;
      }
      Log.log(Log.Level.VERBOSE, "Node " + n.name + " has no link to us: sending it a MEET");
      n.meetSent = now;
      sendPing(l, BusMessage.MEET);
    }
  }

  /**
   * Where a handshake node's time limit counts from: the node's creation, as in Redis, or later, when its link became
   * usable; a link still connecting holds it (the connect and the TLS handshake have deadlines of their own). Redis's
   * links are usable at once; a JVM that has just started, on a loaded machine, can take seconds for its first TLS
   * handshake, and a MEET whose node timed out meanwhile is lost on both sides.
   */
  private static long handshakeSince(ClusterNode n, long now) {
    if (n.link instanceof BusLink l) {
      return l.establishedAt == 0 ? now : Math.max(n.ctime, l.establishedAt);
    }
    return n.ctime;
  }

  @Override
  public void cron() {
    long now = c.now();
    long handshakeTimeout = Math.max(timeout(), 1000);
    for (ClusterNode n : new ArrayList<>(c.nodes.values())) {
      if (n.isMyself() || n.has(ClusterNode.NOADDR)) {
        continue;
      }
      if (n.inHandshake() && now - handshakeSince(n, now) > handshakeTimeout) {
        Log.log(Log.Level.DEBUG, "Handshake timeout for node " + n.name + " " + n.ip + ":" + n.cport);
        c.deleteNode(n);
        continue;
      }
      if (n.link == null && !n.ip.isEmpty() && n.cport > 0) {
        BusLink l = transport.connect(n.ip, n.cport);
        l.node = n;
        n.link = l;
      }
    }
    meetAgainIfUnanswered(now, handshakeTimeout);
    // once a second, ping the node with the oldest PONG among five random ones
    if (now - lastRandomPing >= 1000) {
      lastRandomPing = now;
      List<ClusterNode> all = new ArrayList<>(c.nodes.values());
      ClusterNode oldest = null;
      for (int i = 0; i < 5 && !all.isEmpty(); i++) {
        ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
        if (!(n.link instanceof BusLink) || n.pingSent != 0 || n.has(ClusterNode.MYSELF | ClusterNode.HANDSHAKE)) {
          continue;
        }
        if (oldest == null || n.pongReceived < oldest.pongReceived) {
          oldest = n;
        }
      }
      if (oldest != null && oldest.link instanceof BusLink l) {
        sendPing(l, BusMessage.PING);
      }
    }
    boolean update = false;
    for (ClusterNode n : c.nodes.values()) {
      if (!n.isMyself()) {
        freeLinkOverLimit(n.link);
        freeLinkOverLimit(n.inboundLink);
      }
      if (n.has(ClusterNode.MYSELF | ClusterNode.NOADDR | ClusterNode.HANDSHAKE)) {
        continue;
      }
      // a link that sees no reply for half the timeout is dropped and made again
      if (n.link instanceof BusLink l && now - l.ctime > timeout() && n.pingSent != 0
          && now - n.pingSent > timeout() / 2 && now - n.dataReceived > timeout() / 2) {
        l.close();
      }
      // cluster-ping-interval (hidden; the test suites set it) pings more often than half the node timeout
      long pingInterval = c.params.pingInterval.value != 0 ? c.params.pingInterval.value : timeout() / 2;
      if (n.link instanceof BusLink l && n.pingSent == 0 && now - n.pongReceived > pingInterval) {
        sendPing(l, BusMessage.PING);
        continue;
      }
      long delay = now - n.pingSent;
      long dataDelay = now - n.dataReceived;
      if (n.pingSent != 0 && Math.min(delay, dataDelay) > timeout() && !n.has(ClusterNode.PFAIL | ClusterNode.FAIL)) {
        Log.log(Log.Level.DEBUG, "*** NODE " + n.name + " possibly failing");
        n.flags |= ClusterNode.PFAIL;
        update = true;
      }
    }
    for (ClusterNode n : c.nodes.values()) {
      if (n.timedOut()) {
        markFailingIfNeeded(n);
      }
    }
    if (update) {
      c.saveNeeded = true;
    }
    elections.cron();
    ReplicaMigration.run(c);
  }
}
