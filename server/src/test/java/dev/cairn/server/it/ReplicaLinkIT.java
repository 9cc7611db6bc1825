package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.assertInSync;
import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/** The replica's link to its master when the engine thread is busy while the link drops and comes back. */
class ReplicaLinkIT {
  @TempDir
  Path dir;
  private InProcessServers cairn;

  @BeforeEach
  void setUp() {
    cairn = new InProcessServers(dir);
  }

  @AfterEach
  void close() {
    cairn.close();
  }

  /**
   * replication-psync's "ok after delay": the replica kills its master client and sleeps longer than the link's
   * one-second retry, so the new connection is made before the engine learns that the old one went. The stream then
   * continues in the database the old master client had selected (the master sends no SELECT for it again).
   */
  @Test
  void partialResyncAfterABusyReplicaContinuesInTheSelectedDatabase() throws Exception {
    Jedis master = cairn.start();
    Jedis replica = cairn.start();
    replica.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(replica);
    master.select(5);
    master.set("before", "1");
    assertInSync(master, replica);
    Transaction t = replica.multi();
    t.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "127.0.0.1:" + cairn.port(master));
    t.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "SLEEP", "2.5");
    assertEquals("OK", new String((byte[]) t.exec().get(0), java.nio.charset.StandardCharsets.US_ASCII));
    master.set("after", "2"); // still database 5: no SELECT in the stream
    waitFor("the partial resync", () -> "1".equals(info(master, "sync_partial_ok")));
    waitForLink(replica);
    assertInSync(master, replica);
    replica.select(5);
    assertEquals("2", replica.get("after"));
    replica.select(0);
    assertNull(replica.get("after"));
    // the old master client is gone: one master client (flags M) is listed
    long masters = List.of(replica.clientList().split("\n")).stream().filter(l -> l.contains(" flags=M ")).count();
    assertEquals(1, masters, replica.clientList());
  }
}
