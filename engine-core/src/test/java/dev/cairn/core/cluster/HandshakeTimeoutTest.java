package dev.cairn.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node met with CLUSTER MEET stays in handshake for the handshake timeout (the node timeout, at least 1 s) and is
 * then forgotten, as in Redis; the time counts from when its link became usable, and a link still connecting (a slow
 * TLS handshake) holds it.
 */
class HandshakeTimeoutTest {
  private static final long HANDSHAKE_TIMEOUT_MS = 1000;

  @TempDir
  Path dir;

  private Cluster c;
  private Gossip gossip;
  private final List<BusLink> links = new ArrayList<>();
  private final List<ByteBuf> sent = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    params.cluster.enabled.value = true;
    params.cluster.nodeTimeout.value = 1; // the handshake timeout is then its floor, 1 s
    params.dir.value = dir;
    c = new Engine(config, params, CoreCommands.families()).cluster();
    gossip = new Gossip(c, new BusTransport() {
      @Override
      public BusLink connect(String ip, int port) {
        BusLink l = new BusLink(false) {
          @Override
          public void send(ByteBuf message) {
            sent.add(message);
          }

          @Override
          public void close() {}

          @Override
          public String localIp() {
            return "127.0.0.1";
          }

          @Override
          public String remoteIp() {
            return ip;
          }

          @Override
          public boolean connected() {
            return establishedAt != 0;
          }

          @Override
          public long pendingBytes() {
            return 0;
          }
        };
        links.add(l);
        return l;
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

  private ClusterNode handshakeNode() {
    return c.nodes().stream().filter(ClusterNode::inHandshake).findFirst().orElse(null);
  }

  @Test
  void handshakeTimesOutAfterTheLinkIsUsable() throws Exception {
    gossip.meet("127.0.0.2", 7000, 17000);
    gossip.cron(); // connects
    assertEquals(1, links.size());
    Thread.sleep(HANDSHAKE_TIMEOUT_MS + 200);
    gossip.cron();
    assertNotNull(handshakeNode(), "a link still connecting holds the handshake");

    gossip.connected(links.get(0)); // usable now: the MEET goes out, and the time counts from here
    assertEquals(1, sent.size());
    gossip.cron();
    assertNotNull(handshakeNode());
    Thread.sleep(HANDSHAKE_TIMEOUT_MS + 200);
    gossip.cron();
    assertNull(handshakeNode(), "no PONG within the handshake timeout: forgotten, as in Redis");
  }

  @Test
  void handshakeWithNoLinkTimesOutFromTheNodesCreation() throws Exception {
    gossip.meet("127.0.0.2", 7000, 17000);
    ClusterNode n = handshakeNode();
    assertNotNull(n);
    Thread.sleep(HANDSHAKE_TIMEOUT_MS + 200);
    gossip.cron(); // never connected
    assertNull(handshakeNode());
  }
}
