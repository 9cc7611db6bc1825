package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code repl-diskless-load}: the replica parses the master's RDB while it arrives, as Redis's does. A scripted master
 * sends the first half of a payload and waits: the replica has loaded keys of it meanwhile (INFO's loading progress),
 * answers LOADING, and, for swapdb, still holds its old dataset aside until the second half completes the load.
 */
class DisklessLoadIT {
  private static final int KEYS = 200;
  private static final int VALUE = 1000;

  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

  @Test
  void swapdbParsesThePayloadAsItArrives() throws Exception {
    loadsWhileArriving("swapdb");
  }

  @Test
  void onEmptyDbParsesThePayloadAsItArrives() throws Exception {
    loadsWhileArriving("on-empty-db");
  }

  private void loadsWhileArriving(String mode) throws Exception {
    Jedis replica = cairn.start("--repl-diskless-load", mode, "--loading-process-events-interval-bytes", "1024");
    if (mode.equals("swapdb")) {
      replica.set("old", "1");
    }
    CountDownLatch firstHalfSent = new CountDownLatch(1);
    CountDownLatch sendTheRest = new CountDownLatch(1);
    try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread master = new Thread(() -> serve(fake, firstHalfSent, sendTheRest));
      master.setDaemon(true);
      master.start();
      replica.replicaof("127.0.0.1", fake.getLocalPort());
      assertTrue(firstHalfSent.await(30, TimeUnit.SECONDS));
      // half the keys arrived: the replica parses them now, before the payload is complete
      waitFor("keys parsed from the first half", () -> {
        String loaded = info(replica, "loading_loaded_bytes");
        return loaded != null && Long.parseLong(loaded) > (long) KEYS / 4 * VALUE;
      });
      assertEquals("1", info(replica, "loading"));
      assertEquals("sync", ((java.util.List<?>) replica.role()).get(3));
      JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
          () -> replica.get("old"));
      assertTrue(e.getMessage().startsWith("LOADING"), e.getMessage());
      sendTheRest.countDown();
      waitFor("the end of the load", () -> "up".equals(info(replica, "master_link_status")));
      master.join(10_000);
    }
    assertEquals(KEYS, replica.dbSize());
    assertNull(replica.get("old"));
    assertEquals("x".repeat(VALUE), replica.get("k7"));
    assertEquals("0", info(replica, "loading"));
  }

  /** An EOF-marked payload of {@link #KEYS} strings, sent in two halves with a wait between them. */
  private static void serve(ServerSocket fake, CountDownLatch firstHalfSent, CountDownLatch sendTheRest) {
    ScriptedMaster.serve(fake, out -> {
      String mark = "m".repeat(40);
      out.write(("+FULLRESYNC " + "b".repeat(40) + " 0\r\n$EOF:" + mark + "\r\n").getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      first.writeBytes("REDIS0011".getBytes(StandardCharsets.US_ASCII));
      first.write(0xFE); // SELECTDB 0
      first.write(0);
      ByteArrayOutputStream second = new ByteArrayOutputStream();
      for (int i = 0; i < KEYS; i++) {
        ByteArrayOutputStream to = i < KEYS / 2 ? first : second;
        byte[] key = ("k" + i).getBytes(StandardCharsets.US_ASCII);
        to.write(0x00); // a string
        to.write(key.length);
        to.writeBytes(key);
        to.write(0x40 | (VALUE >> 8)); // a 14-bit length
        to.write(VALUE & 0xff);
        to.writeBytes("x".repeat(VALUE).getBytes(StandardCharsets.US_ASCII));
      }
      second.write(0xFF); // EOF, then a checksum of 0 (not checked)
      second.writeBytes(new byte[8]);
      second.writeBytes(mark.getBytes(StandardCharsets.US_ASCII));
      out.write(first.toByteArray());
      out.flush();
      firstHalfSent.countDown();
      if (sendTheRest.await(60, TimeUnit.SECONDS)) {
        out.write(second.toByteArray());
        out.flush();
        Thread.sleep(1000); // the replica's first ACK, then it may go
      }
    });
  }

  private static String info(Jedis j, String field) {
    for (String line : j.info().split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return null;
  }

  private static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
