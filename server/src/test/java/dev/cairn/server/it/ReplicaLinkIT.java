package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.assertInSync;
import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/** The replica's link to its master when the engine thread is busy while the link drops and comes back. */
class ReplicaLinkIT {
  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

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

  /**
   * integration/replication's "Master stream is correctly processed while the replica has a script in -BUSY state":
   * the master's commands wait while a script on the replica is busy (none gets -BUSY, which would lose the write and
   * log the CRITICAL line), then apply in order.
   */
  @Test
  void masterStreamWaitsForABusyScriptOnTheReplica() throws Exception {
    Jedis master = cairn.start();
    Jedis replica = cairn.start("--lua-time-limit", "100");
    replica.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(replica);
    Thread script = new Thread(() -> {
      try (Jedis j = new Jedis("127.0.0.1", cairn.port(replica), 120_000)) {
        j.eval("for i = 1, 1000000000000 do end return 1", 0); // runs until SCRIPT KILL (TIME stands still in a script)
      } catch (redis.clients.jedis.exceptions.JedisDataException e) {
        // killed, as intended
      }
    });
    script.start();
    waitFor("the script to be busy", () -> {
      try (Jedis j = new Jedis("127.0.0.1", cairn.port(replica), 120_000)) {
        j.ping();
        return false;
      } catch (redis.clients.jedis.exceptions.JedisDataException e) {
        return e.getMessage().startsWith("BUSY");
      }
    });
    for (int i = 0; i < 50; i++) {
      master.incr("n");
      master.rpush("l", "v" + i);
    }
    Thread.sleep(300);
    try (Jedis k = new Jedis("127.0.0.1", cairn.port(replica), 120_000)) {
      assertEquals("OK", k.scriptKill());
    }
    script.join(120_000);
    assertInSync(master, replica);
    assertEquals("50", replica.get("n"));
    assertEquals("0", info(replica, "unexpected_error_replies"));
  }

  /**
   * repl-diskless-load swapdb: a payload that turns out corrupt while loading leaves the replica with its old dataset
   * (keys in every database, function libraries), as Redis's temporary databases do; without swapdb it is flushed.
   */
  @Test
  void corruptPayloadUnderSwapdbKeepsTheOldDataset() throws Exception {
    assertEquals(List.of("k0", "3", "1"), afterCorruptSync("swapdb"));
  }

  @Test
  void corruptPayloadWithoutSwapdbLeavesTheDatasetEmpty() throws Exception {
    assertEquals(List.of("", "0", "0"), afterCorruptSync("disabled"));
  }

  /** The replica's first key of database 0, its key count in database 3 and its library count after the failed sync. */
  private List<String> afterCorruptSync(String loadMode) throws Exception {
    try (java.net.ServerSocket fake = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Jedis replica = cairn.start("--repl-diskless-load", loadMode);
      replica.set("k0", "v");
      replica.select(3);
      for (int i = 0; i < 3; i++) {
        replica.set("db3-" + i, "v");
      }
      replica.select(0);
      try (Jedis slow = new Jedis("127.0.0.1", cairn.port(replica), 120_000)) { // the first script makes Lua's world
        slow.functionLoad("#!lua name=lib\nredis.register_function('f', function() return 1 end)");
      }
      Thread master = new Thread(() -> serveCorruptSync(fake));
      master.setDaemon(true);
      master.start();
      replica.replicaof("127.0.0.1", fake.getLocalPort());
      master.join(20_000);
      waitFor("the failed load", () -> "0".equals(info(replica, "loading"))
          && !"up".equals(info(replica, "master_link_status")));
      Thread.sleep(200);
      replica.replicaofNoOne();
      String first = replica.exists("k0") ? "k0" : "";
      replica.select(3);
      long db3 = replica.dbSize();
      replica.select(0);
      return List.of(first, Long.toString(db3), Integer.toString(replica.functionList().size()));
    }
  }

  /** A master that answers the handshake, then sends a diskless RDB whose first key has an unknown type. */
  private static void serveCorruptSync(java.net.ServerSocket fake) {
    ScriptedMaster.serve(fake, out -> {
      String mark = "x".repeat(40);
      java.io.ByteArrayOutputStream rdb = new java.io.ByteArrayOutputStream();
      rdb.writeBytes(("+FULLRESYNC " + "a".repeat(40) + " 0\r\n$EOF:" + mark + "\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      rdb.writeBytes("REDIS0011".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      rdb.write(0xFE); // SELECTDB 0
      rdb.write(0);
      rdb.write(0x00); // a string key
      rdb.write(3);
      rdb.writeBytes("new".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      rdb.write(1);
      rdb.write('v');
      rdb.write(0x42); // no such value type
      rdb.write(1);
      rdb.write('z');
      rdb.writeBytes(mark.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(rdb.toByteArray());
      out.flush();
      Thread.sleep(500);
    });
  }
}
