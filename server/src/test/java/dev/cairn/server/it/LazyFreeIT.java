package dev.cairn.server.it;

import static dev.cairn.server.it.ReplicationIT.info;
import static dev.cairn.server.it.ReplicationIT.waitFor;
import static dev.cairn.server.it.ReplicationIT.waitForLink;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * The lazy free (INFO's lazyfree_pending_objects and lazyfreed_objects): what UNLINK, FLUSHALL/FLUSHDB ASYNC, the
 * lazyfree-lazy-user-* options and replica-lazy-flush release is counted pending until the collector has reclaimed it,
 * then freed; small values and synchronous deletes are not lazy frees, as in Redis.
 */
class LazyFreeIT {
  @RegisterExtension
  final InProcessServers cairn = new InProcessServers();

  private static long stat(Jedis j, String field) {
    return Long.parseLong(info(j, field));
  }

  /** Waits until nothing is pending (the collector reclaimed it), then returns lazyfreed_objects. */
  private static long freedWhenDone(Jedis j) throws InterruptedException {
    waitFor("lazyfree_pending_objects:0", () -> stat(j, "lazyfree_pending_objects") == 0);
    return stat(j, "lazyfreed_objects");
  }

  private static void bigSet(Jedis j, String key, int n) {
    Pipeline p = j.pipelined();
    for (int i = 0; i < n; i += 1000) {
      String[] members = new String[1000];
      for (int k = 0; k < 1000; k++) {
        members[k] = "m" + (i + k);
      }
      p.sadd(key, members);
    }
    p.sync();
  }

  @Test
  void unlinkOfABigValueIsALazyFreeAndOfASmallOneIsNot() throws Exception {
    Jedis j = cairn.start();
    bigSet(j, "big", 100_000);
    j.sadd("small", "a", "b", "c"); // intset: effort 1
    j.set("s", "v");
    assertEquals(3, j.unlink("big", "small", "s"));
    assertEquals(1, freedWhenDone(j));
    j.configResetStat();
    assertEquals(0, stat(j, "lazyfreed_objects"));
    bigSet(j, "big", 100_000);
    assertEquals(1, j.del("big")); // DEL frees synchronously
    assertEquals(0, freedWhenDone(j));
    j.configSet("lazyfree-lazy-user-del", "yes"); // DEL as UNLINK
    bigSet(j, "big", 100_000);
    assertEquals(1, j.del("big"));
    assertEquals(1, freedWhenDone(j));
  }

  /** unit/lazyfree's two stream tests: a stream of many nodes with groups is lazy freed, a one-entry stream is not. */
  @Test
  void streamsCountAsRedisCountsThem() throws Exception {
    Jedis j = cairn.start();
    j.configSet("stream-node-max-entries", "5");
    for (int i = 0; i < 1000; i++) {
      j.xadd("stream", StreamEntryID.NEW_ENTRY, java.util.Map.of(i % 10 == 0 ? "bar" : "foo", "" + i));
    }
    j.xgroupCreate("stream", "mygroup", new StreamEntryID(0, 0), false);
    var read = j.xreadGroup("mygroup", "Alice", XReadGroupParams.xReadGroupParams().count(2),
        java.util.Map.of("stream", StreamEntryID.UNRECEIVED_ENTRY));
    var entries = read.get(0).getValue();
    j.xdel("stream", entries.get(1).getID());
    j.xack("stream", "mygroup", entries.get(0).getID());
    j.unlink("stream");
    assertEquals(1, freedWhenDone(j));

    j.configResetStat();
    j.xadd("s", StreamEntryID.NEW_ENTRY, java.util.Map.of("a", "b"));
    j.xgroupCreate("s", "bla", StreamEntryID.LAST_ENTRY, false);
    j.xgroupDestroy("s", "bla");
    j.unlink("s");
    assertEquals(0, freedWhenDone(j));
  }

  @Test
  void asyncFlushCountsItsKeys() throws Exception {
    Jedis j = cairn.start();
    fill(j, 0, 30_000);
    j.select(1);
    fill(j, 0, 10_000);
    j.sendCommand(redis.clients.jedis.Protocol.Command.FLUSHALL, "ASYNC");
    assertEquals(0, j.dbSize());
    assertEquals(40_000, freedWhenDone(j));
    fill(j, 0, 5_000);
    j.sendCommand(redis.clients.jedis.Protocol.Command.FLUSHDB, "SYNC");
    assertEquals(40_000, freedWhenDone(j));
    fill(j, 0, 5_000);
    j.configSet("lazyfree-lazy-user-flush", "yes"); // FLUSHDB with no mode is ASYNC then
    j.flushDB();
    assertEquals(45_000, freedWhenDone(j));
  }

  /** A replica's old dataset goes through the lazy free at a full sync under replica-lazy-flush, not without it. */
  @Test
  void replicaLazyFlushReleasesTheOldDatasetLazily() throws Exception {
    Jedis master = cairn.start();
    master.set("m", "1");
    Jedis lazy = cairn.start("--replica-lazy-flush", "yes");
    Jedis eager = cairn.start();
    fill(lazy, 0, 20_000);
    fill(eager, 0, 20_000);
    lazy.replicaof("127.0.0.1", cairn.port(master));
    eager.replicaof("127.0.0.1", cairn.port(master));
    waitForLink(lazy);
    waitForLink(eager);
    assertEquals(1, lazy.dbSize());
    assertEquals(20_000, freedWhenDone(lazy));
    assertEquals(0, freedWhenDone(eager));
  }

  private static void fill(Jedis j, int from, int n) {
    Pipeline p = j.pipelined();
    for (int i = from; i < from + n; i++) {
      p.set("k" + i, "v");
    }
    p.sync();
  }
}
