package dev.cairn.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MODULE messages from the bus (a Redis node's module calling RM_SendClusterMessage): parsed and checked as Redis
 * checks them (header, module id, length, type, payload), counted, and dropped, since no Cairn module registers a
 * receiver, as Redis drops a message no loaded module receives. One from an unknown sender is ignored; a malformed one
 * is refused without harm; the link stays usable either way.
 */
class ModuleMessageTest {
  @TempDir
  Path dir;

  private Engine engine;
  private Cluster c;
  private Gossip gossip;
  private final List<ByteBuf> sent = new ArrayList<>();
  private boolean closed;

  /** A link whose writes are kept for the test. */
  private final class TestLink extends BusLink {
    TestLink() {
      super(true);
    }

    @Override
    public void send(ByteBuf message) {
      sent.add(message);
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String localIp() {
      return "127.0.0.1";
    }

    @Override
    public String remoteIp() {
      return "127.0.0.1";
    }

    @Override
    public boolean connected() {
      return true;
    }

    @Override
    public long pendingBytes() {
      return 0;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    params.cluster.enabled.value = true;
    params.dir.value = dir;
    engine = new Engine(config, params, CoreCommands.families());
    c = engine.cluster();
    gossip = new Gossip(c, new BusTransport() {
      @Override
      public BusLink connect(String ip, int port) {
        return new TestLink();
      }

      @Override
      public void close() {}
    });
    c.attachBus(gossip);
  }

  @AfterEach
  void tearDown() {
    c.stop();
    sent.forEach(ByteBuf::release);
  }

  /** A known master node, as if met earlier. */
  private ClusterNode peer(String name) {
    ClusterNode n = new ClusterNode(name, ClusterNode.MASTER, c.now());
    n.ip = "127.0.0.1";
    n.port = 7000;
    n.cport = 17000;
    n.shardId = "s".repeat(40);
    c.addNode(n);
    return n;
  }

  /** A MODULE message from {@code sender}: module id, payload length, type, payload (Redis's clusterMsgModule). */
  private ByteBuf module(String sender, long moduleId, int type, byte[] payload, int lengthDelta) {
    int totlen = BusCodec.HEADER + 13 + payload.length;
    ByteBuf b = BusCodec.header(c, BusMessage.MODULE, totlen);
    BusCodec.name(b, BusCodec.SENDER, sender);
    b.setZero(BusCodec.SLAVEOF, BusCodec.NAMELEN); // a master
    b.setLong(BusCodec.HEADER, moduleId);
    b.setInt(BusCodec.HEADER + 8, payload.length + lengthDelta);
    b.setByte(BusCodec.HEADER + 12, type);
    b.setBytes(BusCodec.HEADER + 13, payload);
    return b;
  }

  @Test
  void moduleMessagesAreCheckedCountedAndDropped() {
    String name = "a".repeat(40);
    ClusterNode n = peer(name);
    TestLink link = new TestLink();
    gossip.accepted(link);
    byte[] payload = "hello from a module".getBytes(StandardCharsets.US_ASCII);

    n.dataReceived = 0;
    gossip.received(link, module(name, 0x1234_5678_9abcL, 7, payload, 0));
    assertEquals(1, c.messagesReceived[BusMessage.MODULE]);
    assertTrue(n.dataReceived > 0, "the sender is alive: data received from it");
    assertEquals(n, link.node, "the inbound link now belongs to its sender");

    // from a node we do not know: counted, ignored (Redis protects modules from unknown nodes)
    TestLink other = new TestLink();
    gossip.accepted(other);
    gossip.received(other, module("b".repeat(40), 1, 1, payload, 0));
    assertEquals(2, c.messagesReceived[BusMessage.MODULE]);
    assertEquals(null, other.node);
    assertEquals(null, c.node("b".repeat(40)));

    // a declared payload length that does not match the message: refused as an invalid packet
    long before = n.dataReceived;
    gossip.received(link, module(name, 1, 1, payload, 5));
    assertEquals(3, c.messagesReceived[BusMessage.MODULE]);
    assertEquals(before, n.dataReceived, "an invalid packet is not processed");

    // an empty payload (the smallest message Redis sends: 13 bytes of data) is valid
    n.dataReceived = 0;
    gossip.received(link, module(name, 2, 0, new byte[0], 0));
    assertEquals(4, c.messagesReceived[BusMessage.MODULE]);
    assertTrue(n.dataReceived > 0, "an empty module message is processed");

    // nothing was answered, nothing closed, and the node is still known and healthy
    assertTrue(sent.isEmpty(), "no reply to a module message");
    assertFalse(closed);
    assertNotNull(c.node(name));
    assertFalse(n.timedOut() || n.failed());
    assertTrue(ClusterText.info(c).contains("cluster_stats_messages_module_received:4"), ClusterText.info(c));
  }
}
